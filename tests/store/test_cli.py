"""The store commands through Typer's CliRunner, including the path `make demo` takes on a fresh directory."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

from typer.testing import CliRunner

from ctkit.cli import app
from ctkit.settings import load_settings
from ctkit.store import is_initialised

runner = CliRunner()


def invoke(*args: str):
    result = runner.invoke(app, list(args), catch_exceptions=False)
    return result


def test_make_demo_path_on_a_fresh_directory(tmp_path: Path):
    data_dir = tmp_path / "ctkit-data"
    assert not is_initialised(load_settings(data_dir, environ={}))
    result = invoke("demo", "--data-dir", str(data_dir), "--cases", "150")
    assert result.exit_code == 0, result.output
    assert "ctkit store" in result.output and "Next:" in result.output
    assert stat.S_IMODE(os.stat(data_dir / "keys.json").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(data_dir).st_mode) == 0o700
    assert is_initialised(load_settings(data_dir, environ={}))
    counts = json.loads(invoke("stats", "--data-dir", str(data_dir), "--json").stdout)
    assert counts["cases"] == 150 and counts["persons"] == 150 and counts["organisations"] == 6
    # A second run keeps the store as it is (no second load, same key file).
    keys_before = (data_dir / "keys.json").read_bytes()
    assert invoke("demo", "--data-dir", str(data_dir), "--cases", "150").exit_code == 0
    assert json.loads(invoke("stats", "--data-dir", str(data_dir), "--json").stdout)["cases"] == 150
    assert (data_dir / "keys.json").read_bytes() == keys_before


def test_init_demo_data_rotate(tmp_path: Path):
    data_dir = str(tmp_path / "d")
    assert "new key file" in invoke("init", "--data-dir", data_dir).output
    assert "new key file" not in invoke("init", "--data-dir", data_dir).output
    result = invoke("demo-data", "--data-dir", data_dir, "--cases", "40", "--seed", "3", "--batch", "15")
    assert result.exit_code == 0 and "added 40 synthetic cases" in result.output
    result = invoke("demo-data", "--data-dir", data_dir, "--cases", "60", "--seed", "4", "--fast")
    assert result.exit_code == 0 and "added 60 synthetic cases" in result.output
    result = invoke("keys", "rotate", "--data-dir", data_dir)
    assert result.exit_code == 0
    assert re.search(r"100 persons, \d+ perpetrators and 0 TOTP secrets re-encrypted", result.output), result.output
    assert json.loads(invoke("stats", "--data-dir", data_dir, "--json").stdout)["cases"] == 100
    assert "Cases by form of exploitation" in invoke("stats", "--data-dir", data_dir).output


def test_errors_map_to_exit_codes(tmp_path: Path, monkeypatch, capsys):
    from ctkit.cli import main

    monkeypatch.delenv("CTKIT_DATA_DIR", raising=False)
    code = None
    try:
        main(["stats", "--data-dir", str(tmp_path / "missing")])
    except SystemExit as exc:
        code = exc.code
    assert code == 3
    assert "ctkit init" in capsys.readouterr().err
    data_dir = tmp_path / "d"
    assert invoke("init", "--data-dir", str(data_dir)).exit_code == 0
    os.chmod(data_dir / "keys.json", 0o644)
    try:
        main(["stats", "--data-dir", str(data_dir)])
    except SystemExit as exc:
        code = exc.code
    assert code == 7
    assert "chmod 600" in capsys.readouterr().err
