"""The GRETA table's offender lines (suspected, prosecuted and convicted persons by sex and nationality), from the
snapshot's perpetrator tables through the tables' own-microdata hook, in k-anonymity and DP modes, with known
counts from the hand-made store of ``test_official``; and the hook's contribution bound and checks."""

from __future__ import annotations

import dataclasses
import uuid
from pathlib import Path

import pandas as pd
import pytest

from ctkit.analyse.snapshot import Snapshot
from ctkit.errors import ValidationError
from ctkit.settings import load_settings
from ctkit.share.disclosure import PrivacyLedger
from ctkit.share.formats.official import DpSettings, official_table, publish_official
from ctkit.share.formats.official.greta import GRETA, OFFENDER_BREAKDOWNS, OFFENDER_ROWS
from ctkit.share.formats.official.model import Microdata, register_table
from ctkit.store.datastore import open_store

YEARS = (2023, 2024)
# Suspected: A, E, F (RUS men), B (POL woman) in 2023; A (RUS man), C (TUR man) in 2024. Prosecuted: A 2023,
# C 2024. Convicted: A 2024. D (no proceeding) and a reference without a perpetrator count nowhere.
TRUTH = {
    ("suspected_persons", 2023, "Men and boys", "Nationals"): 3,
    ("suspected_persons", 2023, "Women and girls", "Foreign nationals"): 1,
    ("suspected_persons", 2024, "Men and boys", "Nationals"): 1,
    ("suspected_persons", 2024, "Men and boys", "Foreign nationals"): 1,
    ("prosecuted_persons", 2023, "Men and boys", "Nationals"): 1,
    ("prosecuted_persons", 2024, "Men and boys", "Foreign nationals"): 1,
    ("convicted_persons", 2024, "Men and boys", "Nationals"): 1,
}


def _offender_cells(frame: pd.DataFrame) -> dict[tuple, object]:
    lines = frame[frame["breakdown"].isin(OFFENDER_BREAKDOWNS) & (frame["sex"] != "Total")
                  & (frame["nationality"] != "Total")]
    return {(r.breakdown, r.year, r.sex, r.nationality): r.offenders for r in lines.itertuples()}


def _victims_only(name: str):
    """GRETA without its offender lines, registered under ``name``: what the table was before the hook."""
    table = dataclasses.replace(GRETA, name=name, microdata=(), breakdowns=tuple(
        b for b in GRETA.breakdowns if b.name not in OFFENDER_BREAKDOWNS))
    register_table(table)
    return table


def test_kanon_offender_lines(snap: Snapshot):
    frame = publish_official(snap, "greta", country="RUS", k=2, years=YEARS).frame
    cells = _offender_cells(frame)
    domain = 3 * 2 * 3 * 3  # stages x years x GRETA sexes x nationalities, zeros included
    assert len(cells) == domain
    assert cells[("suspected_persons", 2023, "Men and boys", "Nationals")] == 2  # 3 rounded down to a multiple of 2
    for key, true in TRUTH.items():
        if true < 2:
            assert pd.isna(cells[key]), key  # under k: suppressed
    assert all(pd.isna(cells[key]) for key in cells if key not in TRUTH)  # zeros are under k too
    offenders = frame[frame["breakdown"].isin(OFFENDER_BREAKDOWNS)]
    victims = frame[~frame["breakdown"].isin(OFFENDER_BREAKDOWNS)]
    assert offenders["victims"].isna().all() and victims["offenders"].isna().all()
    for dim in ("status", "age", "form", "scope", "citizenship"):
        assert set(offenders[dim]) == {"Total"}, dim
    suppressed = offenders[offenders["sex"] != "Total"]
    assert (suppressed["suppressed"] == suppressed["offenders"].isna()).all()


def test_victim_lines_are_unchanged_by_the_offender_rows(snap: Snapshot):
    name = f"greta-victims-{uuid.uuid4().hex[:6]}"
    _victims_only(name)
    before = publish_official(snap, name, country="RUS", k=2, years=YEARS).frame
    assert before["offenders"].isna().all()
    before = before.drop(columns="offenders")
    after = publish_official(snap, "greta", country="RUS", k=2, years=YEARS).frame
    after = after[~after["breakdown"].isin(OFFENDER_BREAKDOWNS)].drop(columns="offenders").reset_index(drop=True)
    pd.testing.assert_frame_equal(before, after)


def _ledger(store_dir: Path, dataset: str, epsilon: float):
    store = open_store(load_settings(store_dir, environ={}))
    ledger = PrivacyLedger(store.engine)
    ledger.set_budget(dataset, epsilon=epsilon, delta=1e-6)
    return store, ledger


def test_dp_offender_lines_bound_each_person_to_L_and_charge_once(snap: Snapshot, store_dir: Path):
    dataset = f"greta-{uuid.uuid4().hex[:6]}"
    store, ledger = _ledger(store_dir, dataset, 1000.0)
    with store:
        # epsilon this large leaves the discrete Laplace noise (scale L x 7 tables / epsilon = 0.047) at zero in
        # practice, so the counts must be the true ones: this checks what is counted, not the noise
        dp = DpSettings(epsilon=300.0, dataset=dataset, ledger=ledger, seed=3)
        release = publish_official(snap, "greta", country="RUS", mode="dp", dp=dp, years=YEARS)
        entries = ledger.releases(dataset)
    cells = _offender_cells(release.frame)
    assert {k: v for k, v in cells.items() if v} == TRUTH
    disclosure = release.metadata["disclosure"]
    assert disclosure["max_years_per_person"] == 2 and disclosure["max_rows_per_person"] == 2
    assert disclosure["parameters"]["max_rows_per_unit"] == 2
    assert "offenders: at most 1 row(s) per person and year" in disclosure["contribution"]
    assert set(disclosure["parameters"]["tables"]) == {b.name for b in GRETA.breakdowns}
    assert len(entries) == 1 and entries[0].product == "official:greta"
    frame = release.frame
    assert (frame["victims"].fillna(frame["offenders"]) >= 0).all() and not frame["suppressed"].any()


def test_dp_bound_scales_with_rows_per_person_and_year(snap: Snapshot, store_dir: Path):
    """A source with one row per person, year and stage declares 3 rows a year: the bound becomes 3 x L."""

    def long_rows(s, ctx):
        wide = OFFENDER_ROWS.rows(s, ctx)
        parts = [wide[wide[stage] != "none"].assign(**{other: "none" for other in ("suspected", "prosecuted",
                                                                                   "convicted") if other != stage})
                 for stage in ("suspected", "prosecuted", "convicted")]
        return pd.concat(parts, ignore_index=True)

    name = f"greta-long-{uuid.uuid4().hex[:6]}"
    register_table(dataclasses.replace(GRETA, name=name, microdata=(
        Microdata("offender", long_rows, OFFENDER_ROWS.periods, rows_per_year=3),)))
    dataset = f"greta-{uuid.uuid4().hex[:6]}"
    store, ledger = _ledger(store_dir, dataset, 1.0)
    with store:
        release = publish_official(snap, name, country="RUS", mode="dp", years=YEARS,
                                   dp=DpSettings(epsilon=0.5, dataset=dataset, ledger=ledger, seed=1))
    assert release.metadata["disclosure"]["max_rows_per_person"] == 6
    assert release.metadata["disclosure"]["parameters"]["max_rows_per_unit"] == 6
    kanon = publish_official(snap, name, country="RUS", k=2, years=YEARS).frame
    assert _offender_cells(kanon) == _offender_cells(publish_official(snap, "greta", country="RUS", k=2,
                                                                      years=YEARS).frame)


def test_rows_over_the_declared_bound_are_refused_before_any_charge(snap: Snapshot, store_dir: Path):
    def doubled(s, ctx):
        rows = OFFENDER_ROWS.rows(s, ctx)
        return pd.concat([rows, rows.head(1)], ignore_index=True)

    name = f"greta-bad-{uuid.uuid4().hex[:6]}"
    register_table(dataclasses.replace(GRETA, name=name, microdata=(
        Microdata("offender", doubled, OFFENDER_ROWS.periods),)))
    dataset = f"greta-{uuid.uuid4().hex[:6]}"
    store, ledger = _ledger(store_dir, dataset, 1.0)
    with store:
        with pytest.raises(ValidationError, match=f"table '{name}', offender rows: a person has 2 rows in year"):
            publish_official(snap, name, country="RUS", mode="dp", years=YEARS,
                             dp=DpSettings(epsilon=0.5, dataset=dataset, ledger=ledger))
        assert ledger.releases(dataset) == []
    with pytest.raises(ValidationError, match="no column 'year'"):
        register_table(dataclasses.replace(GRETA, name=name, microdata=(
            Microdata("offender", lambda s, ctx: OFFENDER_ROWS.rows(s, ctx).drop(columns="year"),
                      OFFENDER_ROWS.periods),)))
        publish_official(snap, name, country="RUS", k=2, years=YEARS)


def test_greta_names_its_offender_source_and_bound():
    table = official_table("greta")
    assert [m.name for m in table.microdata] == ["offender"] and table.microdata[0].rows_per_year == 1
    assert any("contribution bound is L" in note for note in table.notes)
