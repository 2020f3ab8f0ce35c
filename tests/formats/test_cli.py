"""`ctkit import` / `ctkit export` end to end on a throwaway data directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ctkit.cli import app, main
from ctkit.share.formats import write_sample

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def exit_code_and_error(capsys, *args: str) -> tuple[int, str]:
    """Run through ``ctkit.cli.main``, which maps the exception hierarchy to exit codes and messages."""
    with pytest.raises(SystemExit) as stopped:
        main(list(args))
    return stopped.value.code, " ".join(capsys.readouterr().err.split())  # Rich wraps long lines


def test_import_dry_run_export_and_errors(data_dir: Path, tmp_path: Path, capsys):
    source = write_sample(tmp_path / "ctdc.csv", "ctdc", 800, seed=21)
    dry = invoke("import", str(source), "--format", "ctdc", "--dry-run", "--json", "--data-dir", str(data_dir))
    assert dry.exit_code == 0, dry.output
    report = json.loads(dry.stdout.strip().splitlines()[-1])
    assert report["rows"] == 800 and report["written"] is False
    assert invoke("init", "--data-dir", str(data_dir)).exit_code == 0
    done = invoke("import", str(source), "--format", "ctdc", "--data-dir", str(data_dir))
    assert done.exit_code == 0, done.output
    assert "800 rows imported" in done.stdout
    for fmt, name in (("ctdc", "out.csv"), ("htcds-json", "out.json"), ("htcds-csv", "out_htcds.csv")):
        out = tmp_path / name
        result = invoke("export", "--format", fmt, "--output", str(out), "--data-dir", str(data_dir))
        assert result.exit_code == 0, result.output
        assert "800 cases exported" in result.stdout and "disclosure gate" in result.stdout
        assert ("k-anonymity (k=10)" in result.stdout) == (fmt == "ctdc")
    internal = invoke("export", "--format", "ctdc", "--output", str(tmp_path / "in.csv"), "--internal",
                      "--data-dir", str(data_dir))
    assert internal.exit_code == 0 and "unreviewed (internal use only" in internal.stdout
    assert len(json.loads((tmp_path / "out.json").read_text())) == 800
    # The HTCDS export comes back in whole; a bad file is refused with exit code 2 and a precise message.
    again = invoke("import", str(tmp_path / "out.json"), "--format", "htcds-json", "--dry-run")
    assert again.exit_code == 0 and "800 rows validated" in again.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text(source.read_text().replace("yearOfRegistration", "year", 1))
    code, error = exit_code_and_error(capsys, "import", str(bad), "--format", "ctdc", "--data-dir", str(data_dir))
    assert code == 2
    assert "bad.csv: line 1, column 1: expected column 'yearOfRegistration', found 'year'" in error


def test_unknown_format_is_refused(tmp_path: Path, capsys):
    source = write_sample(tmp_path / "ctdc.csv", "ctdc", 10)
    code, error = exit_code_and_error(capsys, "import", str(source), "--format", "xlsx", "--dry-run")
    assert code == 2 and "unknown format 'xlsx'" in error
