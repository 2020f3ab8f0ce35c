"""The model's probabilities: term frequencies without the pair, u among namesakes, and the prior."""

import math

import pandas as pd
import pytest

from ctkit.share.link import DuckDBEngine, prepare_records
from ctkit.share.link.frequencies import leave_pair_out_frequencies
from ctkit.share.link.linkage import _prior_for_trained_recall, predict
from ctkit.share.link.model import optional_comparisons, person_settings
from ctkit.share.link.namesakes import u_among_namesakes


def test_term_frequencies_leave_the_pair_out():
    values = pd.Series(["a"] * 2 + ["b"] * 10 + ["c"] + [None] * 3)
    table = leave_pair_out_frequencies(values, "full_key").set_index("full_key")["tf_full_key"]
    n = 13  # non-null values
    assert table["a"] == pytest.approx(0.5 / n)  # only the pair itself holds "a": half an unseen holder
    assert table["b"] == pytest.approx(8.5 / n)
    assert table["c"] == pytest.approx(0.5 / n)
    assert list(leave_pair_out_frequencies(values, "full_key").columns) == ["full_key", "tf_full_key"]


def test_a_rare_name_weighs_more_than_splink_would_give_it(records, params):
    # Two records of a name nobody else holds, no birth date on one: the name's weight is log2(m / u) with u the
    # leave-pair-out frequency (0.5 / n), not Splink's 2 / n: two bits more.
    pair = pd.DataFrame([
        {"list": "police", "record_id": "rare-1", "first_name": "Quirin", "last_name": "Zabolotnyj",
         "birth_date": None, "sex": "male", "nationality": "UKR", "place_of_origin": "Lviv"},
        {"list": "ngo", "record_id": "rare-2", "first_name": "Quirin", "last_name": "Zabolotnyj",
         "birth_date": "1990-01-01", "sex": "male", "nationality": "UKR", "place_of_origin": "Lviv"},
    ])  # fmt: skip
    frame = pd.concat([records, prepare_records(pair)], ignore_index=True)
    scored = predict(frame, params, DuckDBEngine(threads=1), review=0.0)
    row = scored[scored["unique_id_l"].str.contains("rare") & scored["unique_id_r"].str.contains("rare")].iloc[0]
    m = next(m for label, m, _ in params.levels["name"] if label == "name keys equal")
    n = frame["full_key"].notna().sum()
    weight = row["mw_name"] + row["mw_tf_adj_name"]
    assert weight == pytest.approx(math.log2(m / (0.5 / n)), abs=1e-6)


def test_sex_and_origin_u_are_measured_among_namesakes(records, params):
    # Two people with one first name are nearly always of one sex: among namesakes "same sex" is no evidence.
    assert next(u for label, _, u in params.levels["sex"] if label == "Exact match on sex") > 0.9
    # Recomputing on the same records gives the same numbers (seeded sample) ...
    again = u_among_namesakes(records, params, person_settings(optional_comparisons(records)), seed=1)
    assert again.levels["sex"] == params.levels["sex"] and again.levels["origin"] == params.levels["origin"]
    # ... and each comparison's u still sums to one over its non-null levels.
    for name in ("sex", "origin"):
        assert sum(u for _, _, u in params.levels[name] if u is not None) == pytest.approx(1.0, abs=1e-5)
    # Too few namesakes to measure anything: the parameters are returned as they were.
    few = records.head(30)
    assert u_among_namesakes(few, params, person_settings(optional_comparisons(records))) is params


def test_the_prior_takes_the_rules_recall_from_the_trained_model(records, params):
    # With every name and birth date present and m of both levels at 0.8 and 0.5, the rule finds 0.4 of true
    # pairs, not the 0.8 assumed: lambda doubles.
    levels = {k: list(v) for k, v in params.levels.items()}
    levels["name"] = [(lab, 0.8 if lab == "name keys equal" else m, u) for lab, m, u in levels["name"]]
    levels["birth_date"] = [(lab, 0.5 if lab == "Exact match on birth_date" else m, u)
                            for lab, m, u in levels["birth_date"]]  # fmt: skip
    base = type(params)(params.model, 1e-4, levels)
    full = records.assign(full_key="x y", birth_date="1990-01-01")
    assert _prior_for_trained_recall(base, full).lambda_ == pytest.approx(2e-4)
