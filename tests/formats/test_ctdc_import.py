"""CTDC import: every layout lands in the store, dry runs write nothing, the 2021 separator is detected."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from ctkit.share.formats import export_file, import_file, write_sample
from ctkit.share.formats.ctdc_import import import_ctdc

from .conftest import snapshot


def count(engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def test_import_global_in_several_chunks(engine, tmp_path: Path):
    path = write_sample(tmp_path / "ctdc.csv", "ctdc", 3000, seed=1)
    report = import_ctdc(path, "ctdc", engine, block_size=64 << 10)
    assert report.rows == 3000 and report.written
    assert count(engine, "cases") == count(engine, "persons") == 3000
    assert count(engine, "case_exploitations") == report.tables["case_exploitations"] > 0
    assert count(engine, "case_events") == report.tables["case_events"] > 0
    with engine.connect() as conn:
        sexes = set(conn.execute(text("SELECT DISTINCT sex FROM persons")).scalars())
        years = conn.execute(text("SELECT min(registered_on), max(registered_on) FROM cases")).one()
    assert sexes <= {"female", "male", "non_conforming", "unknown"}
    assert str(years[0]) >= "2015-01-01" and str(years[1]) <= "2026-01-01"


def test_dry_run_writes_nothing(engine, store, tmp_path: Path):
    path = write_sample(tmp_path / "ctdc.csv", "ctdc", 500, seed=2)
    before = snapshot(engine)
    report = import_file(path, "ctdc", store, dry_run=True)
    assert report.rows == 500 and not report.written
    assert "dry run" in report.lines()[0]
    assert snapshot(engine) == before
    assert import_file(path, "ctdc", None, dry_run=True).rows == 500  # no store needed at all


def test_semicolon_2021_layout_is_detected(engine, store, tmp_path: Path):
    path = write_sample(tmp_path / "ctdc2021.csv", "ctdc-2021", 400, seed=3)
    assert ";" in path.read_text().splitlines()[0]
    report = import_file(path, "ctdc", store)
    assert report.format == "ctdc-2021" and count(engine, "cases") == 400


def test_synthetic_layout(engine, store, tmp_path: Path):
    path = write_sample(tmp_path / "synthetic.csv", "ctdc-synthetic", 400, seed=4)
    assert len(path.read_text().splitlines()[0].split(",")) == 27
    import_file(path, "ctdc-synthetic", store)
    assert count(engine, "cases") == 400
    out = tmp_path / "again.csv"
    assert export_file("ctdc-synthetic", store, out).rows == 400
    assert out.read_text().splitlines()[0] == path.read_text().splitlines()[0].replace('"', "")


def test_export_then_import_is_stable(engine, store, tmp_path: Path):
    """CTDC -> store -> CTDC -> store -> CTDC: the second export equals the first (a fixed point)."""
    import_file(write_sample(tmp_path / "in.csv", "ctdc", 1500, seed=5), "ctdc", store)
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    export_file("ctdc", store, first)
    with engine.begin() as conn:
        for table in ("case_events", "case_exploitations", "cases", "persons"):
            conn.execute(text(f"DELETE FROM {table}"))
    import_file(first, "ctdc", store)
    export_file("ctdc", store, second)
    assert first.read_text() == second.read_text()
    assert len(first.read_text().splitlines()) == 1501
