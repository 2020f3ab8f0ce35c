"""Perpetrators in the snapshot and Eurostat's offender tables, from a hand-made store with known counts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from ctkit.analyse import PseudonymKey
from ctkit.analyse.snapshot import Snapshot
from ctkit.model import CasePerpetrator, LegalProceeding, Perpetrator, PerpetratorPersonalData
from ctkit.settings import load_settings
from ctkit.share.formats.official import DpSettings, official_table, publish_official
from ctkit.share.formats.official.eurostat import offender_records
from ctkit.share.formats.official.model import ReleaseContext
from ctkit.share.formats.official.records import offender_years
from ctkit.store.datastore import open_store
from ctkit.vocab import ctdc_age_band
from tests.store.conftest import full_case

SURNAME = "Ковальчукевич"  # synthetic


def _p(sex: str, citizenship: list[str], birth_year: int | None = None) -> Perpetrator:
    return Perpetrator(sex=sex, citizenship=citizenship, birth_year=birth_year,
                       personal=PerpetratorPersonalData(last_name=SURNAME, aliases=["Shark"]))


A, B, C, D = _p("male", ["RUS"], 1980), _p("female", ["POL"]), _p("male", ["TUR", "DEU"]), _p("unknown", [])
E, F = _p("male", ["RUS"]), _p("male", ["RUS"])


def _proceeding(who: Perpetrator, status: str, *dates: date | None) -> LegalProceeding:
    names = ("reported_on", "investigation_on", "prosecution_on", "verdict_on")
    return LegalProceeding(perpetrator_id=who.id, status=status, **dict(zip(names, dates, strict=False)))


def hand_cases():
    """Suspected: A, B, E, F in 2023, A and C in 2024; prosecuted: A 2023, C 2024; convicted: A 2024 (C acquitted).
    D is on a case with no proceeding; a legacy reference without a perpetrator counts nowhere."""
    d = date
    return [
        full_case(registered_on=d(2023, 1, 15), identification_status="conclusive_victim",
                  perpetrators=[CasePerpetrator(perpetrator=A, roles=["recruiter_or_intermediary", "exploiter"]),
                                CasePerpetrator(perpetrator=B, roles=["transporter"])],
                  proceedings=[_proceeding(A, "conviction", d(2023, 2, 1), d(2023, 3, 1), d(2023, 10, 1),
                                           d(2024, 5, 1)),
                               _proceeding(B, "reported", d(2023, 2, 1))]),
        full_case(registered_on=d(2024, 1, 10), identification_status="conclusive_victim",
                  perpetrators=[CasePerpetrator(perpetrator=A, roles=["exploiter"]),
                                CasePerpetrator(perpetrator=C, roles=["exploiter"])],
                  proceedings=[_proceeding(A, "reported", d(2024, 1, 20)),
                               _proceeding(C, "acquittal", d(2024, 1, 20), d(2024, 2, 1), d(2024, 6, 1),
                                           d(2024, 12, 1)),
                               LegalProceeding(perpetrator_ref="P9", status="reported", reported_on=d(2024, 1, 2))]),
        full_case(registered_on=d(2024, 2, 1), perpetrators=[CasePerpetrator(perpetrator=D, roles=["abuser"])],
                  proceedings=[]),
        full_case(registered_on=d(2023, 5, 1), identification_status="conclusive_victim",
                  perpetrators=[CasePerpetrator(perpetrator=E), CasePerpetrator(perpetrator=F)],
                  proceedings=[_proceeding(E, "investigation", None, d(2023, 6, 1)),
                               _proceeding(F, "reported", d(2023, 6, 1))]),
    ]


def test_snapshot_perpetrators_hold_no_personal_field(snap: Snapshot, store_dir: Path):
    people = snap.query("SELECT * FROM perpetrators")
    assert len(people) == 6
    assert set(people.columns) == {"perpetrator_id", "sex", "age_band", "citizenship", "roles", "first_suspected",
                                   "first_prosecuted", "first_convicted"}
    key = PseudonymKey.load_or_create(store_dir)
    a = people.set_index("perpetrator_id").loc[key.pid("perpetrator", A.id)]
    assert (a["sex"], a["citizenship"], a["roles"]) == ("male", "RUS", "exploiter,recruiter_or_intermediary")
    assert (a["first_suspected"], a["first_prosecuted"], a["first_convicted"]) == (2023, 2023, 2024)
    assert a["age_band"] == ctdc_age_band(2023 - 1980)
    c = people.set_index("perpetrator_id").loc[key.pid("perpetrator", C.id)]
    assert c["citizenship"] == "TUR" and pd.isna(c["first_convicted"])  # acquitted
    assert snap.count("case_perpetrators") == 7
    raw = b"".join(p.read_bytes() for p in (store_dir / "snapshot").iterdir())
    for secret in (SURNAME, "Shark", A.id, C.id):
        assert secret.encode() not in raw


def test_offender_rows_count_each_person_once_per_year_and_stage(snap: Snapshot):
    ctx = ReleaseContext("RUS", (2023, 2024))
    records = offender_records(offender_years(snap, ctx.years), ctx)
    counts = {stage: records[records[stage] != "none"].groupby([stage, "citizen", "sex"]).size().to_dict()
              for stage in ("suspected", "prosecuted", "convicted")}
    assert counts == {
        "suspected": {("2023", "NAT", "M"): 3, ("2023", "EU27_2020_FOR", "F"): 1, ("2024", "NAT", "M"): 1,
                      ("2024", "NEU27_2020_FOR", "M"): 1},
        "prosecuted": {("2023", "NAT", "M"): 1, ("2024", "NEU27_2020_FOR", "M"): 1},
        "convicted": {("2024", "NAT", "M"): 1},
    }


def test_kanon_release_of_offenders(snap: Snapshot):
    frame = publish_official(snap, "eurostat-offenders", country="RUS", k=2, years=(2023, 2024)).frame
    assert set(frame["indicator"]) == {"suspected_persons", "prosecuted_persons", "convicted_persons"}
    assert set(frame["leg_stat"]) == {"PER_SUSP", "PER_PRSC", "PER_CNV"}
    cell = frame.set_index(["indicator", "time", "citizen", "sex"])
    assert cell.loc[("suspected_persons", 2023, "NAT", "M"), "OBS_VALUE"] == 2  # 3 rounded down to a multiple of k
    assert cell.loc[("suspected_persons", 2023, "EU27_2020_FOR", "F"), "OBS_FLAG"] == "c"  # 1 < k: suppressed
    assert cell.loc[("prosecuted_persons", 2023, "NAT", "M"), "OBS_FLAG"] == "c"
    assert cell.loc[("convicted_persons", 2024, "NAT", "M"), "OBS_FLAG"] == "c"
    cells = len(official_table("eurostat-offenders").domains(ReleaseContext("RUS", (2023, 2024)))["citizen"]) * 3
    inner = frame[(frame["citizen"] != "TOTAL") & (frame["sex"] != "T")]
    assert len(inner) == 3 * 2 * cells  # every stage, year, citizenship group and sex, zeros included


def test_dp_release_of_offenders_is_charged_once(snap: Snapshot, store_dir: Path):
    from ctkit.share.disclosure import PrivacyLedger

    with open_store(load_settings(store_dir, environ={})) as store:
        ledger = PrivacyLedger(store.engine)
        ledger.set_budget("offenders-test", epsilon=1.0, delta=1e-6)
        dp = DpSettings(epsilon=0.5, dataset="offenders-test", ledger=ledger, seed=1)
        release = publish_official(snap, "eurostat-offenders", country="RUS", mode="dp", dp=dp, years=(2023, 2024))
        entries = ledger.releases("offenders-test")
    frame = release.frame
    assert (frame["OBS_VALUE"] >= 0).all() and not frame["OBS_FLAG"].astype(bool).any()
    assert set(frame["time"]) == {2023, 2024}
    assert len(entries) == 1 and entries[0].product == "official:eurostat-offenders"
    assert entries[0].epsilon == pytest.approx(0.5)
