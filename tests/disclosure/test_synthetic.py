"""DP synthetic microdata from a real store: the exporter's true table, a charged release, files CTDC can read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from ctkit.demo import load_demo
from ctkit.errors import BudgetExceeded, DisclosureError, ValidationError
from ctkit.share.disclosure import (
    PrivacyLedger,
    SyntheticRelease,
    release_synthetic,
    true_synthetic_table,
    write_synthetic_release,
)
from ctkit.share.formats.ctdc_export import export_ctdc
from ctkit.share.formats.ctdc_import import import_ctdc
from ctkit.share.formats.layouts import layout
from ctkit.store.crypto import FieldCipher, KeyRing, key_fingerprint, new_key
from ctkit.store.datastore import Store
from ctkit.store.repository import SqlCaseRepository
from tests.pg import BACKENDS, migrated_engine

COLUMNS = list(layout("ctdc-synthetic").columns)
CASES = 600


def load(engine: Engine, cases: int = CASES) -> Engine:
    key = new_key()
    cipher = FieldCipher(KeyRing(key_fingerprint(key), {key_fingerprint(key): key}))
    load_demo(Store(engine=engine, keys=None, cases=SqlCaseRepository(engine, cipher)), cases, seed=11)
    return engine


@pytest.fixture(params=BACKENDS)
def any_store(request, tmp_path: Path) -> Iterator[Engine]:
    for engine in migrated_engine(request, tmp_path, prefix="syn"):
        yield load(engine)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Iterator[Engine]:
    class Param:
        param = "sqlite"

    yield from (load(engine) for engine in migrated_engine(Param, tmp_path_factory.mktemp("store")))


@pytest.fixture(scope="module")
def true_table(store: Engine) -> pd.DataFrame:
    return true_synthetic_table(store)


@pytest.fixture(scope="module")
def released(store: Engine, true_table: pd.DataFrame) -> tuple[SyntheticRelease, PrivacyLedger]:
    ledger = PrivacyLedger(store)
    ledger.set_budget("demo", epsilon=60.0, delta=1e-5)
    messages: list[str] = []
    release = release_synthetic(true_table, dataset="demo", epsilon=50.0, delta=1e-6, ledger=ledger,
                                actor_id="analyst-1", progress=messages.append)
    assert any("charged" in m for m in messages)
    return release, ledger


def test_true_table_is_what_the_ctdc_synthetic_export_writes(any_store: Engine, tmp_path: Path):
    table = true_synthetic_table(any_store)
    export_ctdc(any_store, "ctdc-synthetic", tmp_path / "export.csv")
    exported = pd.read_csv(tmp_path / "export.csv", dtype=str, keep_default_na=False)
    assert list(table.columns) == COLUMNS and len(table) == CASES
    key = ["yearOfRegistration", "citizenship", *COLUMNS[2:]]
    pd.testing.assert_frame_equal(table.sort_values(key, ignore_index=True).astype(str),
                                  exported.sort_values(key, ignore_index=True))


def test_release_is_charged_and_states_its_parameters(released):
    release, ledger = released
    assert [e.release_id for e in ledger.releases("demo")] == [release.release_id]
    entry = ledger.releases("demo")[0]
    assert (entry.epsilon, entry.delta, entry.actor_id) == (50.0, 1e-6, "analyst-1")
    assert entry.mechanism == release.mechanism == "pac-synth.dp_aggregate_seeded"
    stated = release.parameters
    assert stated == entry.parameters
    assert {"epsilon", "delta", "reporting_length", "fabrication", "accuracy", "engine", "seeded"} <= stated.keys()
    assert stated["reporting_length"] == 3 and stated["seeded"] is False
    # the parts of the budget add up to what was charged (sequential composition)
    assert stated["epsilon"] == 50.0
    assert stated["synthesis_epsilon"] + stated["year_histogram_epsilon"] == pytest.approx(50.0)
    first, last = stated["year_range"]
    assert set(stated["dp_year_counts"]) == {str(year) for year in range(first, last + 1)}


def test_records_are_in_the_ctdc_synthetic_layout_with_true_values_only(released, true_table: pd.DataFrame):
    release, _ = released
    records = release.records
    assert list(records.columns) == COLUMNS
    assert len(records) == release.parameters["dp_number_of_records"]
    for column in COLUMNS:
        # a year may come from the DP year histogram over the public range, where noise can give an empty year
        allowed = set(release.parameters["dp_year_counts"]) if column == "yearOfRegistration" else set()
        assert set(records[column]) <= set(true_table[column].astype(str)) | {""} | allowed, column
    assert (records["yearOfRegistration"] != "").all()
    assert list(release.aggregates.columns) == ["combination", "length", "count"]
    assert set(release.aggregates["length"]) <= {1, 2, 3} and (release.aggregates["count"] > 0).all()


def test_a_generous_epsilon_keeps_the_big_picture(released, true_table: pd.DataFrame):
    """At epsilon 50 the DP aggregates are close to the truth; the sampled records keep the common shares roughly.

    (pac-synth's sampling adds its own error on top of the noise, so the records get a looser bound.)
    """
    release, _ = released
    aggregates = release.aggregates.set_index("combination")["count"]
    for column in ("isForcedLabour", "isSexualExploit", "gender"):
        for value, true_count in true_table[column].astype(str).value_counts().items():
            if value not in ("", "0") and true_count >= 50:  # a flag's 0 is "not recorded" by default
                assert abs(aggregates.get(f"{column}:{value}", 0) - true_count) <= 0.15 * true_count, (column, value)
    shares = release.utility[release.utility["figure"] == "share"].set_index("item")
    for item in ("isForcedLabour", "isSexualExploit"):
        assert abs(shares.loc[item, "value"]) < 0.25, shares.loc[item]


def test_files_are_written_together_and_read_back_as_ctdc_synthetic(released, tmp_path: Path):
    release, _ = released
    out = write_synthetic_release(release, tmp_path / "release")
    assert sorted(p.name for p in out.iterdir()) == ["dp_aggregates.csv", "release.json", "synthetic.csv",
                                                     "utility_internal.csv"]
    report = import_ctdc(out / "synthetic.csv", "ctdc-synthetic", None, dry_run=True)
    assert report.rows == len(release.records)
    statement = json.loads((out / "release.json").read_text(encoding="utf-8"))
    assert statement["release_id"] == release.release_id and statement["epsilon"] == 50.0
    with pytest.raises(ValidationError, match="exists"):
        write_synthetic_release(release, out)
    public = write_synthetic_release(release, tmp_path / "public", include_utility=False)
    assert not (public / "utility_internal.csv").exists()


def test_refusals_charge_nothing(store: Engine, true_table: pd.DataFrame, released):
    _, ledger = released
    spent = ledger.spent("demo")
    with pytest.raises(BudgetExceeded, match="'demo'"):
        release_synthetic(true_table, dataset="demo", epsilon=20.0, delta=1e-6, ledger=ledger)
    with pytest.raises(DisclosureError, match="no privacy budget"):
        release_synthetic(true_table, dataset="unknown", epsilon=1.0, delta=1e-6, ledger=ledger)
    with pytest.raises(ValidationError, match="not below 1 / number of records"):
        release_synthetic(true_table, dataset="demo", epsilon=1.0, delta=0.01, ledger=ledger)
    with pytest.raises(ValidationError, match="delta must be > 0"):
        release_synthetic(true_table, dataset="demo", epsilon=1.0, delta=0.0, ledger=ledger)
    with pytest.raises(ValidationError, match="lacks CTDC synthetic v2 column"):
        release_synthetic(true_table.drop(columns=["gender"]), dataset="demo", epsilon=1.0, delta=1e-6,
                          ledger=ledger)
    with pytest.raises(ValidationError, match="fabrication mode"):
        release_synthetic(true_table, dataset="demo", epsilon=1.0, delta=1e-6, ledger=ledger, fabrication="none")
    assert ledger.spent("demo") == spent


def test_missing_years_are_drawn_from_the_dp_year_histogram_where_years_are_short():
    from ctkit.share.disclosure.synthetic import _with_required_year

    records = pd.DataFrame({"yearOfRegistration": ["2020", "", "", ""], "gender": ["Man", "", "Woman", ""]})
    filled, imputed = _with_required_year(records, {"2019": 30, "2020": 1, "2021": 0})
    # 2020 already has its one record: only 2019 is short, so every drawn year is 2019
    assert imputed == 3 and list(filled["yearOfRegistration"]) == ["2020", "2019", "2019", "2019"]
    assert list(records["yearOfRegistration"]) == ["2020", "", "", ""]  # the input is not changed
    with pytest.raises(DisclosureError, match="noisy count is zero"):
        _with_required_year(records, {"2019": 0, "2020": 0})


def test_dp_year_histogram_covers_the_public_range_only():
    from ctkit.share.disclosure.synthetic import dp_year_counts

    years = pd.Series(["2019"] * 400 + ["2021"] * 200 + ["1950"] * 50)
    counts = dp_year_counts(years, range(2018, 2023), epsilon=5.0)
    assert list(counts) == ["2018", "2019", "2020", "2021", "2022"]  # 1950 is outside: never a category
    assert all(n >= 0 for n in counts.values())
    # discrete Laplace of scale 0.2: a count more than 10 off has probability below 1e-20
    assert abs(counts["2019"] - 400) <= 10 and abs(counts["2021"] - 200) <= 10 and counts["2020"] <= 10
