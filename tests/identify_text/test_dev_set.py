"""The development set scores above a floor (so a regression shows), and the scorer handles optional items."""

from __future__ import annotations

from ctkit.identify.text.evaluate import evaluate_dir, score_pair


def test_dev_set_has_thirty_texts_a_third_russian(dev_set):
    texts = sorted(dev_set.glob("*.txt"))
    assert len(texts) >= 30
    assert all(p.with_suffix(".gold.json").exists() for p in texts)
    russian = [p for p in texts if any("\u0400" <= ch <= "\u04ff" for ch in p.read_text(encoding="utf-8")[:200])]
    assert len(russian) * 3 >= len(texts)


def test_dev_set_scores_above_floor(dev_set):
    totals, _ = evaluate_dir(dev_set)
    for category, floor in (("place_ids", 0.9), ("place_roles", 0.7), ("means", 0.7), ("sectors", 0.7)):
        assert totals["all"][category].f1 >= floor, category


def test_optional_items_count_neither_way():
    gold = {"places": [{"name": "A", "roles": ["origin"]}, {"name": "B", "roles": ["other"], "optional": True}],
            "exploitation": [{"label": "forced_labour", "optional": True}]}
    predicted = {"places": [{"name": "A", "roles": ["origin"]}, {"name": "B", "roles": ["origin"]}], "exploitation": []}
    scores = score_pair(predicted, gold)
    assert (scores["place_ids"].tp, scores["place_ids"].fp, scores["place_ids"].fn) == (1, 0, 0)
    assert (scores["exploitation"].fp, scores["exploitation"].fn) == (0, 0)
