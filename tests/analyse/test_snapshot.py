"""Snapshot files, pseudonyms and publishing."""

from __future__ import annotations

import json
import stat

import pandas as pd
import pytest

import ctkit.analyse
import ctkit.share.disclosure
from ctkit.analyse import PseudonymKey, Snapshot, place_roles, place_totals, profiles, publish
from ctkit.errors import NotFoundError
from ctkit.share.disclosure import DisclosurePolicy


def test_public_api_is_pinned():
    assert "publish" in ctkit.analyse.__all__ and "Snapshot" in ctkit.analyse.__all__
    assert {"DisclosurePolicy", "protect_table"} <= set(ctkit.share.disclosure.__all__)
    for module in (ctkit.analyse, ctkit.share.disclosure):
        for name in module.__all__:
            assert hasattr(module, name)


def test_write_and_open_round_trip(tiny, tmp_path):
    target = tiny.write(tmp_path / "snapshot")
    assert {p.name for p in target.iterdir()} >= {"cases.parquet", "snapshot.duckdb", "manifest.json"}
    again = Snapshot.open(target)
    assert again.count() == 4 and again.count("route_legs") == 7
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["rows"]["cases"] == 4 and "key" not in json.dumps(manifest).replace("key_fingerprint", "")
    pd.testing.assert_frame_equal(profiles(again), profiles(tiny))


def test_open_without_a_snapshot_says_what_to_do(tmp_path):
    with pytest.raises(NotFoundError, match="no snapshot"):
        Snapshot.open(tmp_path)


def test_pseudonym_key_is_stable_private_and_outside_the_snapshot(tmp_path):
    key = PseudonymKey.load_or_create(tmp_path)
    again = PseudonymKey.load_or_create(tmp_path)
    assert key.pid("case", "abc") == again.pid("case", "abc")
    assert key.pid("case", "abc") != PseudonymKey(b"x" * 32).pid("case", "abc")
    mode = stat.S_IMODE((tmp_path / "snapshot.key").stat().st_mode)
    assert mode == 0o600
    assert key.fingerprint not in repr(key.pid("case", "abc"))


def test_published_tables_hide_small_cells_and_rare_places(synthetic):
    policy = DisclosurePolicy(k=10)
    table = publish(profiles(synthetic), policy)
    shown = table["count"].dropna()
    assert (shown % 10 == 0).all() and (shown >= 10).all()
    sex = table[table["attribute"] == "sex"]
    known = sex[sex["value"] != "unknown"]
    assert known["denominator"].iloc[0] == known["count"].sum()  # the margin is made of published cells
    roles = publish(place_roles(synthetic, level="region"), DisclosurePolicy(k=500),
                    place_totals(synthetic, level="region"))
    totals = place_totals(synthetic, level="region")
    assert set(roles["place"]) == {p for p, n in totals.items() if n >= 500}


def test_writing_never_replaces_a_directory_that_is_not_a_snapshot(tiny, tmp_path):
    from ctkit.errors import ValidationError

    precious = tmp_path / "data"
    precious.mkdir()
    (precious / "ctkit.sqlite3").write_text("the store")
    with pytest.raises(ValidationError, match="not a snapshot"):
        tiny.write(precious)
    assert (precious / "ctkit.sqlite3").read_text() == "the store"
    quoted = tmp_path / "it's here"
    assert Snapshot.open(tiny.write(quoted)).count() == 4 and Snapshot.open(tiny.write(quoted)).count() == 4
