"""The command line (snapshot, analyse, report) and the public report, through the real stack."""

from __future__ import annotations

import csv
import io
import re

import pytest
from typer.testing import CliRunner

from ctkit.analyse import synthetic_snapshot
from ctkit.analyse.report import render_report, write_report
from ctkit.cli import app
from ctkit.errors import DisclosureError, ValidationError
from ctkit.share.disclosure import DisclosurePolicy

runner = CliRunner()


@pytest.fixture(scope="module")
def snapshot_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("snap") / "snapshot"
    synthetic_snapshot(3000, seed=4).write(path)
    return path


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_analyse_csv_goes_to_standard_output(snapshot_dir):
    result = invoke("analyse", "profiles", "--snapshot", snapshot_dir, "--format", "csv", "--by", "year")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0].keys() >= {"year", "attribute", "value", "count", "share"}


@pytest.mark.parametrize("name", ["profiles", "exploitation", "routes", "recruitment", "trends", "funnel"])
def test_every_analysis_prints_a_rich_table(snapshot_dir, name):
    result = invoke("analyse", name, "--snapshot", snapshot_dir)
    assert result.exit_code == 0, result.output
    assert "synthetic" in result.stdout


def test_public_tables_are_protected(snapshot_dir):
    result = invoke("analyse", "routes", "--snapshot", snapshot_dir, "--view", "roles", "--public", "--k", "25",
                    "--format", "csv")
    counts = [int(r["count"]) for r in csv.DictReader(io.StringIO(result.stdout)) if r["count"]]
    assert counts and all(c % 25 == 0 and c >= 25 for c in counts)


def test_parquet_needs_an_output_file(snapshot_dir, tmp_path):
    assert invoke("analyse", "trends", "--snapshot", snapshot_dir, "--format", "parquet").exit_code != 0
    out = tmp_path / "t.parquet"
    assert invoke("analyse", "trends", "--snapshot", snapshot_dir, "--format", "parquet", "-o", out).exit_code == 0
    assert out.stat().st_size > 0


@pytest.mark.parametrize("args, message", [
    (["--sex", "woman"], "not a valid sex"),
    (["--years", "last-year"], "not a year"),
    (["--public", "--k", "1"], "at least 2"),
    (["--level", "region"], "does not apply"),
])
def test_bad_input_is_a_message_not_a_traceback(snapshot_dir, args, message):
    from ctkit.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["analyse", "profiles", "--snapshot", str(snapshot_dir), *args])
    assert exit_info.value.code != 0


def test_missing_snapshot_says_what_to_run(tmp_path, capsys):
    from ctkit.cli import main

    with pytest.raises(SystemExit):
        main(["analyse", "funnel", "--data-dir", str(tmp_path)])
    assert "ctkit snapshot" in capsys.readouterr().err


def test_empty_analysis_is_not_shown_as_zero(tmp_path):
    from ctkit.share.formats import write_sample

    ctdc = write_sample(tmp_path / "ctdc.csv", "ctdc", 200, seed=1)
    result = invoke("analyse", "funnel", "--ctdc", ctdc)
    assert result.exit_code == 0 and "not a zero" in result.output


@pytest.mark.parametrize("lang, words", [("en", "Where cases are lost"), ("ru", "Где теряются дела")])
def test_report_is_one_self_contained_file_in_two_languages(tmp_path, lang, words):
    snap = synthetic_snapshot(3000, seed=4)
    path = write_report(snap, tmp_path / f"r-{lang}.html", lang=lang, policy=DisclosurePolicy(k=10))
    html = path.read_text(encoding="utf-8")
    assert words in html and "Plotly" in html
    assert not re.search(r'<script[^>]+src="http', html)  # plotly.js is inline, no CDN
    assert not re.search(r'<link[^>]+href="http', html)
    assert "Kaliningrad" in html or "Калининград" in html


def test_report_numbers_are_protected():
    html = render_report(synthetic_snapshot(3000, seed=4), policy=DisclosurePolicy(k=20))
    figures = re.findall(r'<div class="number">(\d+)</div>', html)
    assert figures and all(int(f) % 20 == 0 for f in figures)


def test_report_refuses_when_nothing_can_be_published():
    with pytest.raises(DisclosureError, match="nothing can be published"):
        render_report(synthetic_snapshot(15, seed=1), policy=DisclosurePolicy(k=50))
    with pytest.raises(ValidationError, match="language"):
        render_report(synthetic_snapshot(15, seed=1), lang="de")


def test_report_command_with_pdf(snapshot_dir, tmp_path, chromium_path):
    out = tmp_path / "report.html"
    result = invoke("report", "--snapshot", snapshot_dir, "--output", out, "--lang", "ru", "--pdf")
    assert result.exit_code == 0, result.output
    assert out.with_suffix(".pdf").read_bytes()[:5] == b"%PDF-"
