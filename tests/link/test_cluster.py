"""Persons from links: components split where a chain joins records the model tells apart."""

import pandas as pd
import pytest

from ctkit.errors import ValidationError
from ctkit.share.link import LinkResult
from ctkit.share.link.cluster import cluster_pairs
from ctkit.share.link.linkage import pair_id

IDS = pd.Series(["a", "b", "c", "d", "e"])


def _links(rows):
    return pd.DataFrame(rows, columns=["unique_id_l", "unique_id_r", "match_weight"])


def _persons(frame: pd.DataFrame) -> set[frozenset[str]]:
    return {frozenset(g) for g in frame.groupby("person_id")["unique_id"].apply(list)}


def test_without_cannot_link_pairs_persons_are_connected_components():
    links = _links([("a", "b", 9.0), ("b", "c", 4.0), ("d", "e", 6.0)])
    frame = cluster_pairs(IDS, links)
    assert _persons(frame) == {frozenset("abc"), frozenset("de")}
    assert frame.set_index("unique_id").loc["a", "cluster_weight"] == 4.0  # the weakest link inside


def test_a_chain_is_cut_at_its_weakest_link_across_a_cannot_link_pair():
    # a-b strong, b-c weak, c-d strong; the model is sure a and d differ: the chain breaks at b-c.
    links = _links([("a", "b", 9.0), ("b", "c", 1.5), ("c", "d", 8.0)])
    cannot = pd.DataFrame({"unique_id_l": ["d"], "unique_id_r": ["a"]})
    frame = cluster_pairs(IDS, links, cannot)
    assert _persons(frame) == {frozenset("ab"), frozenset("cd"), frozenset("e")}
    weights = frame.set_index("unique_id")["cluster_weight"]
    assert weights["a"] == 9.0 and weights["c"] == 8.0 and pd.isna(weights["e"])
    # A cannot-link pair already in different components changes nothing.
    assert _persons(cluster_pairs(IDS, links, pd.DataFrame({"unique_id_l": ["a"], "unique_id_r": ["e"]}))) == {
        frozenset("abcd"),
        frozenset("e"),
    }


def test_a_forced_link_is_never_cut_and_unknown_records_are_refused():
    links = _links([("a", "b", 9.0), ("b", "c", 1.5)]).assign(forced=[False, True])
    cannot = pd.DataFrame({"unique_id_l": ["a"], "unique_id_r": ["c"]})
    assert _persons(cluster_pairs(IDS, links, cannot)) == {
        frozenset("a"),
        frozenset("bc"),
        frozenset("d"),
        frozenset("e"),
    }
    with pytest.raises(ValidationError, match="cannot-link pair names a record"):
        cluster_pairs(IDS, links, pd.DataFrame({"unique_id_l": ["a"], "unique_id_r": ["zz"]}))
    with pytest.raises(ValidationError, match="a link names a record"):
        cluster_pairs(IDS, _links([("a", "zz", 1.0)]))


def _result(tmp_path=None) -> LinkResult:
    records = pd.DataFrame({"unique_id": list("abcd"), "list": ["police", "ngo", "ngo", "foreign"]})
    rows = [("a", "b", 0.99, 9.0), ("b", "c", 0.8, 2.0), ("c", "d", 0.95, 4.0)]
    pairs = pd.DataFrame([{"pair_id": pair_id(a, b), "unique_id_l": a, "unique_id_r": b, "match_probability": p,
                           "match_weight": w} for a, b, p, w in rows])  # fmt: skip
    cannot = pd.DataFrame({"unique_id_l": ["a"], "unique_id_r": ["d"], "match_probability": [0.001]})
    return LinkResult(records=records, pairs=pairs, accept=0.7, review=0.5, cannot_link=cannot)


def test_held_back_links_go_to_review_and_decisions_win(tmp_path):
    result = _result()
    held = pair_id("b", "c")
    assert result.held_back()["pair_id"].tolist() == [held]
    assert held not in set(result.links()["pair_id"]) and held in set(result.uncertain()["pair_id"])
    assert _persons(result.clusters()) == {frozenset("ab"), frozenset("cd")}
    # A reviewer who accepts the held-back pair overrides the model; the model's links then merge strongest
    # first, and c-d is the one that would now join a and d.
    accepted = result.with_decisions({held: True})
    assert _persons(accepted.clusters()) == {frozenset("abc"), frozenset("d")}
    assert accepted.held_back()["pair_id"].tolist() == [pair_id("c", "d")]
    # A rejected pair is a cannot-link pair too; saved and loaded, the split is the same.
    result.save(tmp_path / "run")
    again = LinkResult.load(tmp_path / "run")
    assert _persons(again.clusters()) == _persons(result.clusters())


def test_a_chain_is_cut_only_where_the_pair_is_surer_of_its_non_match_than_the_link_of_its_match():
    # a-b-c: the model gives a-c 0.08. Links of weight 8.4 (probability 0.997) outweigh that doubt; links of
    # weight 1 (0.67) do not, and the weaker one is held back.
    cannot = pd.DataFrame({"unique_id_l": ["a"], "unique_id_r": ["c"], "match_probability": [0.08]})
    sure = _links([("a", "b", 8.4), ("b", "c", 8.5)])
    assert _persons(cluster_pairs(IDS, sure, cannot)) == {frozenset("abc"), frozenset("d"), frozenset("e")}
    weak = _links([("a", "b", 1.0), ("b", "c", 1.2)])
    assert _persons(cluster_pairs(IDS, weak, cannot)) == {frozenset("a"), frozenset("bc"), frozenset("d"),
                                                          frozenset("e")}  # fmt: skip
    # Without a probability (a reviewer's rejection) the pair always wins.
    assert _persons(cluster_pairs(IDS, sure, cannot.drop(columns="match_probability"))) == {
        frozenset("a"), frozenset("bc"), frozenset("d"), frozenset("e")}  # fmt: skip
