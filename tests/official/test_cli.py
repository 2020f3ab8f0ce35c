"""``ctkit publish`` end to end: files and sidecars, the budget commands, exit codes and messages for bad input."""

from __future__ import annotations

import csv
import json
import uuid

import pytest
from typer.testing import CliRunner

from ctkit.cli import app, main

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def stderr_text(capsys) -> str:
    """Standard error with Rich's line wrapping undone."""
    return " ".join(capsys.readouterr().err.split())


def run_main(*args) -> int:
    with pytest.raises(SystemExit) as exit_info:
        main([str(a) for a in args])
    return exit_info.value.code


@pytest.mark.parametrize("name", ["unodc", "eurostat", "greta", "budget set", "budget show"])
def test_every_command_has_help_with_an_example(name):
    result = invoke("publish", *name.split(), "--help")
    assert result.exit_code == 0 and "Example: ctkit publish" in result.stdout


def test_k_anon_release_writes_the_csv_and_its_sidecar(demo_dir, tmp_path):
    out = tmp_path / "unodc.csv"
    result = invoke("publish", "unodc", "--country", "RUS", "--k", 3, "--data-dir", demo_dir, "--out", out)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows and rows[0].keys() >= {"iso3_code", "year", "sex", "age", "form_of_exploitation", "value"}
    assert all(int(r["value"]) % 3 == 0 for r in rows if r["value"])
    sidecar = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert sidecar["disclosure"]["mode"] == "k-anon" and sidecar["disclosure"]["k"] == 3
    assert sidecar["snapshot"]["id"] and sidecar["created_at"] and sidecar["rows"] == len(rows)
    assert sidecar["disclosure"]["release_id"] in result.stdout
    assert "unodc: protecting the counts" in result.output  # progress of the long steps, on standard error


def test_dp_release_is_charged_once_and_the_next_over_budget_writes_nothing(demo_dir, tmp_path, capsys):
    dataset = f"cli-{uuid.uuid4().hex[:8]}"
    assert invoke("publish", "budget", "set", dataset, "--epsilon", 1, "--delta", 1e-6,
                  "--data-dir", demo_dir).exit_code == 0
    common = ["--mode", "dp", "--epsilon", 0.6, "--dataset", dataset, "--year-from", 2019, "--year-to", 2024,
              "--country", "RUS", "--data-dir", demo_dir]
    first = invoke("publish", "eurostat", *common, "--out", tmp_path / "first")
    assert first.exit_code == 0, first.output
    sidecar = json.loads((tmp_path / "first" / "eurostat.json").read_text(encoding="utf-8"))
    assert sidecar["disclosure"]["mode"] == "dp" and sidecar["disclosure"]["epsilon"] == pytest.approx(0.6)
    shown = invoke("publish", "budget", "show", dataset, "--data-dir", demo_dir)
    assert sidecar["disclosure"]["release_id"] in shown.stdout and "spent epsilon=0.6" in shown.stdout
    capsys.readouterr()
    assert run_main("publish", "eurostat", *common, "--out", tmp_path / "second") == 9  # DisclosureError's code
    assert "budget" in stderr_text(capsys)
    assert not (tmp_path / "second").exists() or list((tmp_path / "second").iterdir()) == []
    assert invoke("publish", "budget", "show", dataset, "--data-dir", demo_dir).stdout.count("official:") == 1


def test_population_file_adds_the_sdg_rate(demo_dir, tmp_path):
    population = tmp_path / "population.csv"
    population.write_text("country,year,population\n" + "".join(f"RUS,{y},146000000\n" for y in range(2015, 2027)),
                          encoding="utf-8")
    out = tmp_path / "sdg.csv"
    result = invoke("publish", "unodc", "--country", "RUS", "--k", 3, "--data-dir", demo_dir, "--out", out,
                    "--population", population)
    assert result.exit_code == 0, result.output
    rows = [r for r in csv.DictReader(out.open(encoding="utf-8")) if r["value"]]
    assert rows and all(float(r["rate_per_100000"]) == pytest.approx(int(r["value"]) * 1e5 / 146e6, abs=1e-3)
                        for r in rows)


@pytest.mark.parametrize("body, message", [
    ("country,year,population\nRUS,2020,146000000\nRUS,2021,many\n", "line 3, field 'population'"),
    ("country,year,population\nXYZ,2020,5\n", "line 2, field 'country'"),
    ("country,year\nRUS,2020\n", "line 1: the header"),
    ("country,year,population\nRUS,2020,5\nRUS,2020,6\n", "line 3, field 'year'"),
])
def test_bad_population_file_names_line_and_field(demo_dir, tmp_path, capsys, body, message):
    population = tmp_path / "population.csv"
    population.write_text(body, encoding="utf-8")
    code = run_main("publish", "unodc", "--country", "RUS", "--data-dir", demo_dir, "--out", tmp_path / "t.csv",
                    "--population", population)
    assert code == 2 and message in stderr_text(capsys)
    assert not (tmp_path / "t.csv").exists()


@pytest.mark.parametrize("args, code, message", [
    (["unodc", "--mode", "dp", "--epsilon", "-1", "--year-from", "2020", "--year-to", "2021"], 2, "epsilon"),
    (["unodc", "--mode", "dp", "--year-from", "2020", "--year-to", "2021"], 2, "needs --epsilon"),
    (["unodc", "--mode", "dp", "--epsilon", "0.5"], 2, "years given"),
    (["unodc", "--mode", "laplace"], 2, "unknown mode"),
    (["unodc", "--k", "1"], 9, "at least 2"),
    (["eurostat", "--population", "p.csv"], 2, "unodc table only"),
    (["unodc", "--year-from", "2020"], 2, "both --year-from and --year-to"),
])
def test_bad_input_is_a_message_and_an_exit_code(demo_dir, tmp_path, capsys, args, code, message):
    (tmp_path / "p.csv").write_text("country,year,population\n", encoding="utf-8")
    result = run_main("publish", *[a.replace("p.csv", str(tmp_path / "p.csv")) for a in args], "--country", "RUS",
                      "--data-dir", demo_dir, "--out", tmp_path / "out.csv")
    assert result == code and message in stderr_text(capsys)
    assert not (tmp_path / "out.csv").exists()


def test_unknown_table_is_refused(demo_dir, tmp_path):
    result = invoke("publish", "glotip", "--country", "RUS", "--data-dir", demo_dir, "--out", tmp_path / "x.csv")
    assert result.exit_code != 0 and "glotip" in result.output
    assert not (tmp_path / "x.csv").exists()


def test_synthetic_microdata_release_is_charged_and_written(demo_dir, tmp_path, capsys):
    dataset = f"synth-{uuid.uuid4().hex[:8]}"
    # a generous epsilon: this checks the wiring (charge, files, refusal), not pac-synth's utility on 600 cases
    assert invoke("publish", "budget", "set", dataset, "--epsilon", 10, "--delta", 1e-5,
                  "--data-dir", demo_dir).exit_code == 0
    args = ["publish", "synthetic", "--mode", "dp", "--epsilon", 8, "--delta", 1e-6, "--dataset", dataset,
            "--reporting-length", 2, "--data-dir", demo_dir]
    result = invoke(*args, "--out", tmp_path / "release")
    assert result.exit_code == 0, result.output
    header = (tmp_path / "release" / "synthetic.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "gender" in header and "CountryOfExploitation" in header
    statement = json.loads((tmp_path / "release" / "release.json").read_text(encoding="utf-8"))
    assert statement["dataset"] == dataset and statement["epsilon"] == pytest.approx(8)
    capsys.readouterr()
    assert run_main(*args, "--out", tmp_path / "again") == 9 and not (tmp_path / "again").exists()
    capsys.readouterr()
    assert run_main("publish", "synthetic", "--mode", "k-anon", "--epsilon", 1, "--data-dir", demo_dir,
                    "--out", tmp_path / "k") == 2
    assert "ctkit export --format ctdc-synthetic" in stderr_text(capsys)


def test_budget_show_prints_both_accountings_and_each_release_rho(demo_dir, tmp_path):
    dataset = f"cli-{uuid.uuid4().hex[:8]}"
    result = invoke("publish", "budget", "set", dataset, "--epsilon", 2, "--delta", 1e-6, "--data-dir", demo_dir)
    assert result.exit_code == 0 and "(zcdp accounting)" in result.stdout
    common = ["--mode", "dp", "--epsilon", 0.5, "--delta", 1e-7, "--dataset", dataset, "--year-from", 2019,
              "--year-to", 2024, "--max-years-per-person", 3, "--country", "RUS", "--data-dir", demo_dir]
    for out in ("first", "second"):
        released = invoke("publish", "unodc", *common, "--out", tmp_path / out)
        assert released.exit_code == 0, released.output
        assert "at most 3 year(s) per person" in released.stdout
    shown = invoke("publish", "budget", "show", dataset, "--data-dir", demo_dir).stdout
    assert "basic composition: spent epsilon=1, delta=2e-07" in shown
    assert "zCDP composition: rho=" in shown and shown.count(" rho=") == 3  # the total and each release's
    assert invoke("publish", "budget", "set", dataset, "--epsilon", 2, "--delta", 1e-6, "--accounting", "basic",
                  "--data-dir", demo_dir).exit_code == 0
    assert "(shown only: this budget uses basic accounting)" in invoke(
        "publish", "budget", "show", dataset, "--data-dir", demo_dir).stdout
    bad = invoke("publish", "unodc", "--country", "RUS", "--max-years-per-person", 2, "--data-dir", demo_dir,
                 "--out", tmp_path / "k.csv")
    assert bad.exit_code != 0 and not (tmp_path / "k.csv").exists()


def test_synthetic_release_from_a_snapshot_folder(demo_dir, tmp_path):
    dataset = f"synth-{uuid.uuid4().hex[:8]}"
    assert invoke("publish", "budget", "set", dataset, "--epsilon", 10, "--delta", 1e-5,
                  "--data-dir", demo_dir).exit_code == 0
    result = invoke("publish", "synthetic", "--epsilon", 8, "--delta", 1e-6, "--dataset", dataset,
                    "--reporting-length", 2, "--snapshot", demo_dir / "snapshot", "--data-dir", demo_dir,
                    "--out", tmp_path / "release")
    assert result.exit_code == 0, result.output
    statement = json.loads((tmp_path / "release" / "release.json").read_text(encoding="utf-8"))
    assert statement["parameters"]["true_data"].startswith("snapshot ") and "(store)" in statement[
        "parameters"]["true_data"]
    assert (tmp_path / "release" / "synthetic.csv").is_file()
    assert invoke("publish", "budget", "show", dataset, "--data-dir", demo_dir).stdout.count("pac-synth") == 1
    missing = invoke("publish", "synthetic", "--epsilon", 1, "--dataset", dataset, "--snapshot",
                     tmp_path / "nowhere", "--data-dir", demo_dir, "--out", tmp_path / "never")
    assert missing.exit_code != 0 and not (tmp_path / "never").exists()
