"""Snapshots from the store (demo data) and from CTDC files, and their bad inputs."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from ctkit.analyse import PseudonymKey, corridors, exploitation, profiles
from ctkit.analyse.ctdc import ctdc_snapshot
from ctkit.analyse.from_store import build_snapshot
from ctkit.errors import ImportFormatError, NotFoundError


@pytest.fixture
def store(tmp_path):
    from ctkit.settings import load_settings
    from ctkit.store.datastore import init_store, open_store

    settings = load_settings(tmp_path / "data", environ={}, master_key=base64.b64encode(os.urandom(32)).decode())
    init_store(settings)
    with open_store(settings) as opened:
        yield opened


def test_store_snapshot_is_pseudonymised_and_complete(store, tmp_path):
    from ctkit.demo import load_demo

    load_demo(store, 120, seed=3)
    key = PseudonymKey(b"k" * 32)
    snap = build_snapshot(store.engine, key)
    assert snap.count() == 120 and snap.manifest["key_fingerprint"] == key.fingerprint
    with store.engine.connect() as conn:
        from sqlalchemy import text

        store_ids = {row[0] for row in conn.execute(text("SELECT id FROM cases"))}
    case_ids = set(snap.query("SELECT case_id FROM cases")["case_id"])
    assert case_ids == {key.pid("case", i) for i in store_ids}
    written = snap.write(tmp_path / "snap")
    blob = b"".join(p.read_bytes() for p in written.glob("*.parquet"))
    assert not any(i.encode() in blob for i in store_ids)  # no store id leaks into the files
    assert build_snapshot(store.engine, key).query("SELECT case_id FROM cases ORDER BY 1").equals(
        snap.query("SELECT case_id FROM cases ORDER BY 1"))  # stable across snapshots
    assert profiles(snap)["count"].sum() > 0


def test_empty_store_is_a_clear_error(store):
    with pytest.raises(NotFoundError, match="no cases"):
        build_snapshot(store.engine, PseudonymKey(b"k" * 32))


@pytest.mark.parametrize("layout", ["ctdc", "ctdc-2021", "ctdc-synthetic"])
def test_ctdc_files_become_snapshots(tmp_path, layout):
    from ctkit.share.formats import write_sample

    path = write_sample(tmp_path / f"{layout}.csv", layout, 300, seed=2)
    snap = ctdc_snapshot(path)
    assert snap.count() == 300
    means = exploitation(snap).query("attribute == 'means'")
    assert (means["count"] <= means["denominator"]).all() and len(means) > 0
    assert len(corridors(snap)) > 0


def test_ctdc_unknown_column_and_bad_code_are_clear(tmp_path):
    from ctkit.share.formats import write_sample

    path = write_sample(tmp_path / "good.csv", "ctdc", 20, seed=2)
    lines = path.read_text().splitlines()
    bad_header = tmp_path / "bad_header.csv"
    bad_header.write_text("\n".join([lines[0].replace("gender", "sexe"), *lines[1:]]) + "\n")
    with pytest.raises(ImportFormatError, match="sexe|gender"):
        ctdc_snapshot(bad_header)
    header = [h.strip('"') for h in lines[0].split(",")]
    cells = lines[1].split(",")
    cells[header.index("gender")] = "Robot"
    bad_code = tmp_path / "bad_code.csv"
    bad_code.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n")
    with pytest.raises(ImportFormatError, match="line 2"):
        ctdc_snapshot(bad_code)
    with pytest.raises(NotFoundError):
        ctdc_snapshot(Path(tmp_path / "missing.csv"))
