"""Splink linkage on DuckDB: quality on generated registers, parameter files, clusters and capture histories."""

import math

import pandas as pd
import pytest

from ctkit.errors import ValidationError
from ctkit.share.link import DuckDBEngine, TrainedParameters, capture_histories, link, predict, prepare_records
from ctkit.share.link.linkage import cluster_pairs, pair_id
from ctkit.share.link.model import optional_comparisons, person_settings


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


def test_optional_columns_are_normalised_and_absent_ones_leave_the_model_as_it_was(records):
    frame = pd.DataFrame({
        "list": ["police", "foreign", "ngo"], "record_id": ["1", "1", "1"], "first_name": ["Наталья", "Natalja", "N"],
        "last_name": ["Иванова", "Iwanowa", "I"], "birth_date": [None] * 3, "sex": [None] * 3,
        "nationality": [None] * 3, "place_of_origin": [None] * 3,
        "middle_name": ["Сергеевна", "SERGEEVNA", None],
        "document_number": ["№ 4510 123456", "751234567; 4510-123456", ""],
        "document_country": [None, "RUS;RUS", None],
    })  # fmt: skip
    prepared = prepare_records(frame)
    assert prepared["middle_key"].tolist()[:2] == [prepared["middle_key"][0]] * 2 and prepared["middle_key"][0]
    assert prepared["doc1"].fillna("-").tolist() == ["4510123456", "4510123456", "-"]
    assert prepared["doc2"].fillna("-").tolist() == ["-", "751234567", "-"]
    assert prepared["doc2_country"].fillna("-").tolist() == ["-", "RUS", "-"]
    assert optional_comparisons(records) == ("middle_name", "document")  # the generated registers carry both
    bare = prepare_records(frame.drop(columns=["middle_name", "document_number", "document_country"]))
    assert bare["middle_key"].isna().all() and bare["doc1"].isna().all() and optional_comparisons(bare) == ()
    names = [c["output_column_name"] for c in person_settings().create_settings_dict("duckdb")["comparisons"]]
    assert names == ["name", "birth_date", "sex", "origin"]


def test_a_shared_document_counts_only_where_issuing_countries_agree(params):
    assert {"middle_name", "document"} <= set(params.levels)
    base = {"first_name": "Anna", "last_name": "Kowalska", "birth_date": None, "sex": "female", "nationality": None,
            "place_of_origin": None, "middle_name": None}  # fmt: skip
    frame = pd.DataFrame([
        {**base, "list": "a", "record_id": "1", "document_number": "AB 1234567", "document_country": "POL"},
        {**base, "list": "b", "record_id": "1", "document_number": "AB1234567", "document_country": None},
        {**base, "list": "c", "record_id": "1", "document_number": "AB1234567", "document_country": "DEU"},
        {**base, "list": "d", "record_id": "1", "document_number": "AB1243567", "document_country": None},
    ])  # fmt: skip
    scored = predict(prepare_records(frame), params, DuckDBEngine(threads=1), review=0.0)
    weight = {tuple(sorted((r.unique_id_l[0], r.unique_id_r[0]))): r.mw_document for r in scored.itertuples()}
    equal, one_edit, differ = (math.log2(m / u) for _, m, u in params.levels["document"][1:])
    assert weight[("a", "b")] == pytest.approx(equal) and equal > 5  # same number, one country unknown
    assert weight[("a", "c")] == pytest.approx(differ)  # the same number issued by another country
    assert weight[("b", "d")] == pytest.approx(one_edit)  # two digits transposed


def test_a_chain_the_model_doubts_is_scored_and_the_stronger_evidence_wins(registers, params):
    # Three records of one rare name and patronymic: 1 and 3 differ in birth date and country, 2 has neither, so
    # it links to both. The model doubts 1-3 (about 0.17, below 1 - accept: scored as a cannot-link pair), but is
    # surer of each link (about 0.995), so they stay one person.
    def row(rid: str, birth: str | None, nationality: str | None, place: str | None) -> dict:
        return {"list": "police", "record_id": rid, "first_name": "Zinovy", "last_name": "Quenbyev",
                "birth_date": birth, "sex": "male", "nationality": nationality, "place_of_origin": place,
                "middle_name": "Zinovievich", "document_number": None, "document_country": None}  # fmt: skip

    chain = [row("chain-1", "01/02/1990", "RUS", "Omsk"), row("chain-2", None, None, None),
             row("chain-3", "17/09/1961", "BLR", "Minsk")]
    frame = pd.concat([registers.drop(columns=["person_id"]), pd.DataFrame(chain)], ignore_index=True)
    result = link(prepare_records(frame), params, DuckDBEngine(threads=1), review=0.5)
    ids = ["police:chain-1", "police:chain-2", "police:chain-3"]
    links = result.pairs[result.pairs["unique_id_l"].isin(ids) & (result.pairs["match_probability"] >= result.accept)]
    assert len(links) == 2 and links["match_probability"].min() > 0.99  # the chain is there, and sure
    doubt = result.cannot_link.set_index(["unique_id_l", "unique_id_r"])["match_probability"]
    assert 1 - links["match_probability"].min() < doubt[("police:chain-1", "police:chain-3")] < 1 - result.accept
    persons = result.clusters().set_index("unique_id")["person_id"]
    held = result.held_back()
    assert persons["police:chain-1"] == persons["police:chain-3"]
    assert not (held["unique_id_l"].isin(ids) | held["unique_id_r"].isin(ids)).any()
