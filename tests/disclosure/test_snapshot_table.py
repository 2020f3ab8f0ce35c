"""A synthetic release's true table from a pseudonymised snapshot equals the one from the store, row for row."""

from __future__ import annotations

import pandas as pd

from ctkit.analyse.snapshot import Snapshot
from ctkit.share.disclosure.snapshot_table import snapshot_synthetic_table
from ctkit.share.disclosure.synthetic import true_synthetic_table


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns), kind="stable", ignore_index=True)


def test_snapshot_and_store_give_the_same_ctdc_synthetic_rows(tmp_path):
    from ctkit.analyse import PseudonymKey
    from ctkit.analyse.from_store import build_snapshot
    from ctkit.demo import load_demo
    from ctkit.settings import load_settings
    from ctkit.store.datastore import init_store, open_store

    settings = load_settings(tmp_path / "data", environ={})
    init_store(settings)
    with open_store(settings) as store:
        load_demo(store, 300, seed=11)
        from_store = true_synthetic_table(store.engine)
        build_snapshot(store.engine, PseudonymKey.load_or_create(settings.data_dir)).write(tmp_path / "snap")
    snap = Snapshot.open(tmp_path / "snap")
    try:
        from_snapshot = snapshot_synthetic_table(snap)
    finally:
        snap.close()
    assert list(from_snapshot.columns) == list(from_store.columns) and len(from_snapshot) == 300
    # flags, bands, countries, years: every column is informative on demo data, so equal rows are a real check
    assert all(from_store[column].nunique() > 1 for column in ("gender", "ageBroad", "CountryOfExploitation",
                                                                "isSexualExploit", "meansThreats"))
    pd.testing.assert_frame_equal(_sorted(from_snapshot), _sorted(from_store))


def test_an_empty_snapshot_gives_an_empty_table_in_the_layout():
    tables = {"cases": pd.DataFrame(columns=["case_id", "registered_on"])}
    empty = snapshot_synthetic_table(Snapshot.from_tables(tables, source="test"))
    assert empty.empty and "yearOfRegistration" in empty.columns
