"""`CTKIT_DATABASE_URL` puts the whole store on PostgreSQL: init, demo data, stats, rotation through the CLI."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from ctkit.cli import app
from ctkit.store import make_engine


@pytest.mark.postgres
def test_cli_on_postgresql(postgres_url: str, tmp_path: Path, monkeypatch):
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = make_engine(postgres_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        monkeypatch.setenv("CTKIT_DATABASE_URL", f"{postgres_url}?options={quote(f'-csearch_path={schema}')}")
        runner = CliRunner()
        data_dir = str(tmp_path / "d")
        for args in (["init"], ["demo-data", "--cases", "30", "--seed", "2"], ["keys", "rotate"]):
            result = runner.invoke(app, [*args, "--data-dir", data_dir], catch_exceptions=False)
            assert result.exit_code == 0, result.output
        counts = json.loads(runner.invoke(app, ["stats", "--json", "--data-dir", data_dir]).stdout)
        assert counts["cases"] == 30 and counts["persons"] == 30
        assert not (tmp_path / "d" / "ctkit.sqlite3").exists()
        with admin.connect() as conn:
            assert conn.execute(text(f'SELECT count(*) FROM "{schema}".cases')).scalar() == 30
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
