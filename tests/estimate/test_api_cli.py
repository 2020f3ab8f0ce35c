"""The library entry point, the command line, the chart and strata, through the real stack."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import ctkit
from ctkit.cli import app
from ctkit.errors import EstimationError, ValidationError
from ctkit.estimate import CaptureHistory, estimate, estimate_by_stratum, fit_stratified, from_histories
from ctkit.estimate.models import MAIN_EFFECTS

from .conftest import DATA, load

runner = CliRunner()


def test_result_records_provenance_and_diagnostics() -> None:
    result = estimate(load("uk6"), method="stepwise")
    assert result.provenance["data_sha256"] == load("uk6").data_hash()
    assert result.provenance["ctkit_version"] == ctkit.__version__
    assert result.provenance["settings"]["threshold"] == 0.02
    assert result.interval == "profile" and result.ci_low < result.estimate < result.ci_high
    assert len(result.model) == 7 and result.diagnostics["residual_df"] > 0
    assert abs(sum(result.fitted.values()) - result.n_observed) < 1e-6
    assert [c.chosen for c in result.sensitivity][-1] is True


@pytest.mark.parametrize("method", ["bic", "aic", "classical", "main"])
def test_every_method_gives_a_finite_estimate(method: str) -> None:
    result = estimate(load("kosovo4"), method=method)
    assert result.n_observed < result.estimate < 10 * result.n_observed
    assert result.method == method


def test_a_fixed_model_that_does_not_exist_is_refused() -> None:
    with pytest.raises(EstimationError, match="does not exist"):
        estimate(load("artificial3"), method="fixed", model="A:B")
    with pytest.raises(ValidationError, match="unknown method"):
        estimate(load("artificial3"), method="magic")


def test_bootstrap_is_reproducible_from_its_seed() -> None:
    first = estimate(load("western5"), method="stepwise", bootstrap=60, seed=7, workers=1)
    second = estimate(load("western5"), method="stepwise", bootstrap=60, seed=7, workers=2)
    assert (first.ci_low, first.ci_high) == (second.ci_low, second.ci_high)
    assert first.interval == "bca" and first.provenance["seed"] == 7


def test_an_enormous_interval_says_the_data_cannot_support_a_figure() -> None:
    sparse = CaptureHistory(("A", "B", "C"), np.array([20, 15, 1, 12, 0, 0, 0], dtype=float))
    result = estimate(sparse, method="main")
    assert not result.supported
    assert any("cannot support a figure" in w for w in result.warnings)


def test_cli_json_has_the_documented_fields(tmp_path) -> None:
    chart = tmp_path / "chart.html"
    outcome = runner.invoke(
        app, ["estimate", str(DATA / "korea3.csv"), "--method", "bic", "--json", "--chart", str(chart)]
    )
    assert outcome.exit_code == 0, outcome.output
    data = json.loads(outcome.output)
    for key in ("estimate", "ci_low", "ci_high", "method", "model", "warnings"):
        assert key in data
    assert data["model"] == ["b:c", "c:d"]
    html = chart.read_text()
    assert "<script src=" not in html and "<script>" in html
    assert len(html) > 1_000_000  # plotly.js is embedded, the page works offline


def test_cli_table_and_errors(tmp_path) -> None:
    outcome = runner.invoke(app, ["estimate", str(DATA / "uk6.csv")])
    assert outcome.exit_code == 0 and "estimated total" in outcome.output
    bad = tmp_path / "bad.csv"
    bad.write_text("A,B,count\n1,0,-3\n0,1,2\n")
    from ctkit.cli import main

    with pytest.raises(SystemExit) as info:
        main(["estimate", str(bad)])
    assert info.value.code == ValidationError.exit_code


def expected_counts(total: float, probabilities: list[float]) -> np.ndarray:
    k = len(probabilities)
    out = []
    for pattern in range(1, 2**k):
        p = np.prod([probabilities[j] if (pattern >> j) & 1 else 1 - probabilities[j] for j in range(k)])
        out.append(round(total * p))
    return np.array(out, dtype=float)


def test_strata_with_lists_that_do_not_cover_every_stratum() -> None:
    lists = ("A", "B", "C")
    table = from_histories(
        {
            "north": CaptureHistory(lists, expected_counts(100_000, [0.3, 0.2, 0.4])),
            "south": CaptureHistory(lists, expected_counts(50_000, [0.1, 0.5, 0.0])),  # C does not work here
        }
    )
    assert table.coverage.tolist() == [[True, True, True], [True, True, False]]
    fit = fit_stratified(table, MAIN_EFFECTS)
    assert abs(fit.estimates["north"][0] - 100_000) < 50 and abs(fit.estimates["south"][0] - 50_000) < 50
    assert abs(fit.total[0] - 150_000) < 100


def test_a_stratum_with_one_list_borrows_its_catch_and_says_so() -> None:
    lists = ("A", "B", "C")
    table = from_histories(
        {
            "a": CaptureHistory(lists, expected_counts(100_000, [0.3, 0.2, 0.4])),
            "c": CaptureHistory(lists, expected_counts(20_000, [0.0, 0.0, 0.4])),
        }
    )
    fit = fit_stratified(table, MAIN_EFFECTS)
    assert abs(fit.estimates["c"][0] - 20_000) < 50
    assert any("list C x stratum c" in a for a in fit.assumptions)


def test_cli_stratify(tmp_path) -> None:
    rows = []
    for stratum, probabilities in (("f", [0.3, 0.2, 0.4]), ("m", [0.2, 0.3, 0.0])):
        counts = expected_counts(5000, probabilities)
        for pattern, count in enumerate(counts, start=1):
            if count:
                rows.append({"A": pattern & 1, "B": (pattern >> 1) & 1, "C": (pattern >> 2) & 1,
                             "sex": stratum, "count": int(count)})
    path = tmp_path / "strata.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    outcome = runner.invoke(app, ["estimate", str(path), "--stratify", "sex", "--method", "main", "--json"])
    assert outcome.exit_code == 0, outcome.output
    data = json.loads(outcome.output)
    assert set(data["strata"]) == {"f", "m"} and abs(data["estimate"] - 10_000) < 20
    assert any("C does not cover stratum m" in w for w in data["warnings"])
    table = estimate_by_stratum(
        from_histories({"x": load("korea3"), "y": load("korea3")}), method="bic"
    )
    assert abs(table.estimate - 2 * estimate(load("korea3"), method="bic").estimate) < 1.0


def test_cli_bootstrap_records_its_seed() -> None:
    args = ["estimate", str(DATA / "western5.csv"), "--bootstrap", "30", "--seed", "3", "--json"]
    outcome = runner.invoke(app, args)
    assert outcome.exit_code == 0, outcome.output
    data = json.loads(outcome.output)
    assert data["interval"] == "bca" and data["provenance"]["seed"] == 3
    assert data["diagnostics"]["bootstrap"]["resamples"] == 30
    assert data["ci_low"] < data["estimate"] < data["ci_high"]
