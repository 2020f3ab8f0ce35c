"""`ctkit estimate --from-store`: each person's recording agencies in the store form the capture history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ctkit.cli import app
from ctkit.estimate import estimate, from_records
from ctkit.settings import load_settings
from ctkit.store import open_store

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("est") / "data"
    assert runner.invoke(app, ["init", "--data-dir", str(data_dir)]).exit_code == 0
    result = runner.invoke(app, ["demo-data", "--data-dir", str(data_dir), "--cases", "600", "--seed", "11"])
    assert result.exit_code == 0, result.output
    return data_dir


def test_from_store_equals_the_library_on_the_same_records(demo_store):
    result = runner.invoke(app, ["estimate", "--from-store", "--data-dir", str(demo_store), "--json"])
    assert result.exit_code == 0, result.output
    cli = json.loads(result.stdout)
    with open_store(load_settings(demo_store, environ={})) as store:
        people = [p for p in store.cases.persons_capture_histories() if p.agencies]
    lib = estimate(from_records(p.agencies for p in people))
    assert cli["n_observed"] == len(people) == lib.n_observed
    assert cli["estimate"] == pytest.approx(lib.estimate, rel=1e-9)
    assert cli["estimate"] >= cli["n_observed"]
    assert set(cli["lists"]) <= {"police", "ngo", "health", "labour_inspection", "border_guard", "iom"}


def test_from_store_stratified_by_sex(demo_store):
    args = ["estimate", "--from-store", "--data-dir", str(demo_store), "--stratify", "sex", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    strata = json.loads(result.stdout)["strata"]
    assert {"female", "male"} <= set(strata)


def test_from_store_refuses_unknown_stratum_and_file_with_store(demo_store, tmp_path):
    result = runner.invoke(app, ["estimate", "--from-store", "--data-dir", str(demo_store), "--stratify", "hair"])
    assert result.exit_code != 0
    result = runner.invoke(app, ["estimate"])
    assert result.exit_code != 0
