"""Build a snapshot from the operational store: read only non-personal columns, pseudonymise every id.

Never read: ``personal_ciphertext`` (names, birth date, contacts, documents, narratives), ``place`` (free text),
``source``, organisation ids, referrals, consents, proceedings' references, screenings' answers, and a
perpetrator's personal data (see :mod:`ctkit.analyse.offenders`). Ages are taken
at registration from the recorded age or the birth year; event dates are reduced to the year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Engine, text

from ctkit.analyse.offenders import offender_tables
from ctkit.analyse.pseudonym import PseudonymKey
from ctkit.analyse.schema import ROLE_OF_EVENT
from ctkit.analyse.snapshot import Snapshot
from ctkit.errors import NotFoundError
from ctkit.vocab import ctdc_age_band

# (store table, columns) read for the snapshot: an allow-list, so a new personal column is never picked up.
READ = {
    "persons": "id, sex, age_years, age_reference_date, birth_year, citizenship, {vul}",
    "cases": "id, person_id, registered_on, identification_status, justice_status, is_abduction, "
             "recruiter_relation, {moc}",
    "case_events": "case_id, position, type, country, region, start_date",
    "case_exploitations": "case_id, form, sector",
    "case_recruitment_methods": "case_id, method",
    "case_lifecycle": "case_id, stage, on_date",
    "case_recorded_by": "case_id, agency",
}
EVENT_ORDER = {"recruitment": 0, "transit": 1, "exploitation": 2}


def _read(engine: Engine, table: str) -> pd.DataFrame:
    from ctkit.store.tables import MEANS_OF_CONTROL, VULNERABILITIES, moc_column, vul_column

    columns = READ[table].format(vul=", ".join(vul_column(c) for c in VULNERABILITIES),
                                 moc=", ".join(moc_column(c) for c in MEANS_OF_CONTROL))
    with engine.connect() as conn:
        return pd.read_sql(text(f"SELECT {columns} FROM {table}"), conn)


def _pids(key: PseudonymKey, kind: str, ids: pd.Series) -> np.ndarray:
    return np.fromiter((key.pid(kind, str(i)) for i in ids), dtype=np.int64, count=len(ids))


def _ages(cases: pd.DataFrame) -> pd.Series:
    """Whole years at registration from the recorded age (moved to the registration date) or the birth year."""
    registered = pd.to_datetime(cases["registered_on"])
    reference = pd.to_datetime(cases["age_reference_date"])
    from_age = cases["age_years"] + ((registered - reference).dt.days / 365.25).round(0).where(reference.notna())
    from_year = registered.dt.year - cases["birth_year"]
    return from_age.where(cases["age_years"].notna(), from_year).astype("Int64")


def _long_flags(frame: pd.DataFrame, id_column: str, prefix: str) -> pd.DataFrame:
    """Wide yes/no/unknown flag columns -> (case_id, code, present) rows for recorded flags only."""
    columns = [c for c in frame.columns if c.startswith(prefix)]
    long = frame[[id_column, *columns]].melt(id_vars=id_column, var_name="code", value_name="flag")
    long = long[long["flag"].isin(["yes", "no"])]
    return pd.DataFrame({"case_id": long[id_column].to_numpy(), "code": long["code"].str[len(prefix):].to_numpy(),
                         "present": (long["flag"] == "yes").to_numpy()})


def _cases(engine: Engine, key: PseudonymKey) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    persons, cases = _read(engine, "persons"), _read(engine, "cases")
    if cases.empty:
        raise NotFoundError("the store holds no cases, so there is nothing to snapshot",
                            hint="record cases, import a file or run 'ctkit demo' first")
    merged = cases.merge(persons.rename(columns={"id": "person_id"}), on="person_id", how="left")
    pid_of = dict(zip(merged["id"], _pids(key, "case", merged["id"]), strict=True))
    merged["case_id"] = merged["id"].map(pid_of)
    registered = pd.to_datetime(merged["registered_on"])
    ages = _ages(merged)
    table = pd.DataFrame({
        "case_id": merged["case_id"], "person_id": _pids(key, "person", merged["person_id"]),
        "registered_on": registered.dt.date, "year": registered.dt.year, "quarter": registered.dt.quarter,
        "sex": merged["sex"], "age_years": ages,
        "age_band": [ctdc_age_band(None if pd.isna(a) else int(a)) for a in ages],
        "is_minor": (ages < 18).astype("boolean"), "citizenship": merged["citizenship"],
        "identification_status": merged["identification_status"], "justice_status": merged["justice_status"],
        "recruiter_relation": merged["recruiter_relation"],
        "is_abduction": merged["is_abduction"].map({"yes": True, "no": False}).astype("boolean"),
    })
    return table, merged, pid_of


def _legs(engine: Engine, pid_of: dict[str, int]) -> pd.DataFrame:
    events = _read(engine, "case_events")
    events["order"] = events["type"].map(EVENT_ORDER)
    events = events.sort_values(["case_id", "order", "start_date", "position"], na_position="last")
    return pd.DataFrame({
        "case_id": events["case_id"].map(pid_of), "leg_no": events.groupby("case_id").cumcount() + 1,
        "role": events["type"].map(ROLE_OF_EVENT), "country": events["country"], "region": events["region"],
        "year": pd.to_datetime(events["start_date"]).dt.year.astype("Int64"),
    })


def _children(engine: Engine, pid_of: dict[str, int]) -> dict[str, pd.DataFrame]:
    out = {}
    for store_table, name, rename in (
        ("case_exploitations", "exploitations", {}),
        ("case_recruitment_methods", "recruitment_methods", {}),
        ("case_lifecycle", "stages", {"on_date": "reached_on"}),
        ("case_recorded_by", "recorded_by", {}),
    ):
        frame = _read(engine, store_table).rename(columns=rename)
        frame["case_id"] = frame["case_id"].map(pid_of)
        out[name] = frame
    return out


def build_snapshot(engine: Engine, key: PseudonymKey) -> Snapshot:
    """A pseudonymised :class:`Snapshot` of every case in the store behind ``engine``.

    Raises NotFoundError when the store holds no cases. Example::

        snap = build_snapshot(store.engine, PseudonymKey.load_or_create(data_dir))
        snap.write(data_dir / "snapshot")
    """
    cases, merged, pid_of = _cases(engine, key)
    tables = {
        "cases": cases,
        "persons": cases[["person_id", "sex", "citizenship"]].drop_duplicates("person_id"),
        "route_legs": _legs(engine, pid_of),
        "means": _long_flags(merged, "case_id", "moc_"),
        "vulnerabilities": _long_flags(merged, "case_id", "vul_"),
        **_children(engine, pid_of),
        **offender_tables(engine, key, pid_of, dict(zip(merged["id"], cases["year"], strict=True))),
    }
    return Snapshot.from_tables(tables, source="store", key_fingerprint=key.fingerprint)
