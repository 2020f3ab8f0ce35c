"""The report's scale section: an MSE result in plain words, rounded, and refused when unsupported."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ctkit.analyse.scale import load_estimate, round_significant, scale_text
from ctkit.cli import app
from ctkit.errors import ValidationError

RESULT = {"estimate": 12349.6, "ci_low": 10003.2, "ci_high": 13181.7, "level": 0.95, "method": "stepwise",
          "lists": ["a", "b", "c", "d", "e", "f"], "n_observed": 5447, "supported": True}


@pytest.mark.parametrize(("value", "rounded"), [(12349.6, 12000), (987, 990), (10003.2, 10000), (0, 0)])
def test_round_significant(value, rounded):
    assert round_significant(value) == rounded


def test_scale_text_in_both_languages_rounds_and_protects_the_observed_count():
    en = scale_text(RESULT, "en", k=10)
    assert "5,440 people" in en and "about 12,000" in en and "10,000 to 13,000" in en and "6 agencies" in en
    ru = scale_text(RESULT, "ru", k=10)
    assert "около 12\u00a0000" in ru and "5\u00a0440" in ru


def test_unsupported_estimate_gives_no_figure():
    text = scale_text({**RESULT, "supported": False}, "en", k=10)
    assert "too sparse" in text and "12,000" not in text


def test_bad_estimate_file_is_named(tmp_path):
    bad = tmp_path / "est.json"
    bad.write_text(json.dumps({"estimate": 1}))
    with pytest.raises(ValidationError, match="est.json: not an estimate result; missing ci_low"):
        load_estimate(bad)


def test_saved_estimate_from_the_store_reaches_the_report(tmp_path):
    runner = CliRunner()
    data = str(tmp_path / "data")
    for args in (["init"], ["demo-data", "--cases", "600", "--seed", "5"], ["snapshot"],
                 ["estimate", "--from-store", "--save"]):
        result = runner.invoke(app, [*args, "--data-dir", data])
        assert result.exit_code == 0, (args, result.output)
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", "--output", str(out), "--data-dir", data])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert 'id="scale"' in html and "Multiple Systems Estimation puts the total" in html
