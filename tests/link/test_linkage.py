"""Splink linkage on DuckDB: quality on generated registers, parameter files, clusters and capture histories."""

import pandas as pd
import pytest

from ctkit.errors import ValidationError
from ctkit.share.link import DuckDBEngine, TrainedParameters, capture_histories, link, prepare_records
from ctkit.share.link.linkage import cluster_pairs, pair_id


def _pairs(ids, groups) -> set[tuple[str, str]]:
    """Unordered pairs of ``ids`` that share a group label."""
    out: set[tuple[str, str]] = set()
    for _, members in pd.Series(list(ids), index=list(groups)).groupby(level=0):
        members = sorted(members)
        out.update((a, b) for i, a in enumerate(members) for b in members[i + 1 :])
    return out


@pytest.fixture(scope="module")
def result(records, params):
    return link(records, params, DuckDBEngine(threads=1), review=0.5)  # threshold calibrated for precision 0.99


def test_quality_on_generated_registers(registers, records, result):
    truth = _pairs(records["unique_id"], registers["person_id"])
    clusters = result.clusters()
    predicted = _pairs(clusters["unique_id"], clusters["person_id"])
    hits = len(predicted & truth)
    assert hits / len(predicted) >= 0.98  # precision of linked record pairs
    assert hits / len(truth) >= 0.85  # recall; the benchmark measures it at scale


def test_names_are_compared_after_transliteration(params):
    frame = pd.DataFrame({
        "list": ["police", "foreign"], "record_id": ["1", "1"], "first_name": ["Наталья", "Natalja"],
        "last_name": ["Иванова", "Iwanowa"], "birth_date": ["03.04.1990", "1990-04-03"], "sex": ["female", "F"],
        "nationality": ["RUS", "rus"], "place_of_origin": ["Калининград", "Kaliningrad"],
    })  # fmt: skip
    records = prepare_records(frame)
    assert records["full_key"].nunique() == 1 and records["place_key"].nunique() == 1
    assert records["birth_date"].tolist() == ["1990-04-03", "1990-04-03"]
    assert records["sex"].tolist() == ["female", "female"]


def test_parameters_roundtrip_and_refusals(tmp_path, records, params):
    params.save(tmp_path / "params.json")
    assert TrainedParameters.load(tmp_path / "params.json") == params
    with pytest.raises(ValidationError, match="expected"):
        link(records, TrainedParameters("other-model", 0.1, params.levels))
    broken = dict(params.levels)
    broken.pop("sex")
    with pytest.raises(ValidationError, match="other comparisons"):
        link(records, TrainedParameters(params.model, params.lambda_, broken))
    (tmp_path / "junk.json").write_text("{}")
    with pytest.raises(ValidationError):
        TrainedParameters.load(tmp_path / "junk.json")


def test_prepare_records_refuses_bad_input(registers):
    with pytest.raises(ValidationError, match="birth_date"):
        prepare_records(registers.drop(columns=["birth_date"]))
    doubled = pd.concat([registers.head(2), registers.head(1)])
    with pytest.raises(ValidationError, match="not unique"):
        prepare_records(doubled)


def test_clusters_take_weakest_link():
    links = pd.DataFrame({"unique_id_l": ["a", "b"], "unique_id_r": ["b", "c"], "match_weight": [12.0, 7.5]})
    clusters = cluster_pairs(pd.Series(["a", "b", "c", "d"]), links).set_index("unique_id")
    assert clusters.loc[["a", "b", "c"], "person_id"].tolist() == ["a", "a", "a"]
    assert clusters.loc["a", "cluster_weight"] == 7.5
    assert clusters.loc["d", "person_id"] == "d" and pd.isna(clusters.loc["d", "cluster_weight"])
    assert pair_id("a", "b") == pair_id("b", "a")


def test_capture_histories_from_linkage(result, records):
    clusters = result.clusters()
    table = capture_histories(clusters, lists=["police", "ngo", "foreign"])
    assert list(table.columns) == ["police", "ngo", "foreign", "count"]
    assert table["count"].sum() == clusters["person_id"].nunique()
    assert (table[["police", "ngo", "foreign"]].sum(axis=1) > 0).all()
    with pytest.raises(ValidationError):
        capture_histories(clusters, lists=["police"])


def test_capture_histories_read_by_the_estimation_package(tmp_path, result):
    from ctkit.estimate.history import read_table

    clusters = result.clusters()
    capture_histories(clusters, lists=["police", "ngo", "foreign"]).to_csv(tmp_path / "h.csv", index=False)
    history = read_table(tmp_path / "h.csv")
    assert history.lists == ("police", "ngo", "foreign")
    assert history.n_observed == clusters["person_id"].nunique()
