"""The command line end to end: generate, link with capture histories, and the three PPRL roles."""

import pandas as pd
import pytest
from typer.testing import CliRunner

from ctkit.cli import app, main


def _ok(args):
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    out = tmp_path_factory.mktemp("synthetic")
    _ok(["link", "generate", "--out", str(out), "--records", "900", "--seed", "8"])
    return out


def test_link_run_writes_clusters_and_capture_histories(tmp_path, synthetic):
    histories = tmp_path / "histories.csv"
    registers = [str(synthetic / f"{name}.parquet") for name in ("police", "ngo", "foreign")]
    _ok(["link", "run", *registers, "--out", str(tmp_path / "linked"), "--capture-histories", str(histories)])
    clusters = pd.read_csv(tmp_path / "linked" / "clusters.csv")
    table = pd.read_csv(histories)
    assert list(table.columns) == ["police", "ngo", "foreign", "count"]
    assert table["count"].sum() == clusters["person_id"].nunique()
    assert not {"first_name", "last_name", "first_n"} & set(clusters.columns)  # no names in outputs
    assert (tmp_path / "linked" / "result" / "pairs.parquet").exists()
    # Reusing the trained parameters gives the same persons.
    _ok(["link", "run", *registers, "--out", str(tmp_path / "again"),
         "--params", str(tmp_path / "linked" / "params.json")])  # fmt: skip
    again = pd.read_csv(tmp_path / "again" / "clusters.csv")
    assert again["person_id"].nunique() == clusters["person_id"].nunique()


def test_link_run_calibrates_the_threshold_unless_one_is_given(tmp_path, synthetic):
    import json

    registers = [str(synthetic / f"{name}.parquet") for name in ("police", "ngo", "foreign")]
    calibrated = _ok(["link", "run", *registers, "--out", str(tmp_path / "calibrated")])
    assert "links at match probability >=" in calibrated.output
    params = str(tmp_path / "calibrated" / "params.json")
    _ok(["link", "run", *registers, "--out", str(tmp_path / "fixed"), "--params", params, "--accept", "0.999"])
    chosen = json.loads((tmp_path / "calibrated" / "result" / "thresholds.json").read_text())["accept"]
    fixed = json.loads((tmp_path / "fixed" / "result" / "thresholds.json").read_text())["accept"]
    assert fixed == 0.999 and chosen != 0.999 and 0.5 <= chosen <= 1


def test_share_roles_and_mismatched_key(tmp_path, synthetic, capsys):
    secret, other = tmp_path / "p.secret", tmp_path / "q.secret"
    _ok(["share", "secret", "--out", str(secret)])
    _ok(["share", "secret", "--out", str(other)])
    for name, key in (("police", secret), ("foreign", secret), ("ngo", other)):
        _ok(["share", "encode", str(synthetic / f"{name}.parquet"), "--secret", str(key),
             "--out", str(tmp_path / f"{name}.enc"), "--keep", str(tmp_path / f"{name}.keep")])  # fmt: skip
    _ok(["share", "match", str(tmp_path / "police.enc"), str(tmp_path / "foreign.enc"),
         "--out", str(tmp_path / "m.csv")])  # fmt: skip
    _ok(["share", "resolve", str(tmp_path / "m.csv"), "--keep", str(tmp_path / "police.keep"),
         "--out", str(tmp_path / "own.csv")])  # fmt: skip
    own = pd.read_csv(tmp_path / "own.csv")
    assert len(own) > 0 and set(own.columns) == {"pair_ref", "record_id", "band"}
    assert own["record_id"].str.startswith("police-").all()
    with pytest.raises(SystemExit) as exc:
        main(["share", "match", str(tmp_path / "police.enc"), str(tmp_path / "ngo.enc"), "--out", str(tmp_path / "x")])
    assert exc.value.code == 2
    assert "different keys or settings" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
