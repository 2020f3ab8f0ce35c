"""Training: the vignette library, its keys, trainee scores and agreement statistics."""

from __future__ import annotations

import pytest

from ctkit.errors import ValidationError
from ctkit.identify.screening import (
    class_report,
    cohen_kappa,
    evaluate,
    feedback,
    get_catalogue,
    get_vignette,
    load_vignettes,
    score_trainee,
)

MISSION_CASES = ("fisherman_deceived_beaten", "girl_recruited_poland", "migrant_builder_passport")
LIBRARY = load_vignettes(get_catalogue())


def test_library_size_and_coverage(cat, vignettes):
    assert len(vignettes) >= 24
    covered = {s for v in vignettes for s in v.key_input(cat).set_ids}
    assert covered == set(cat.sets)
    assert {v.expected_outcome for v in vignettes} == {"refer", "insufficient", "ask_more"}
    assert sum(v.expected_outcome == "insufficient" for v in vignettes) >= 6
    for vid in (*MISSION_CASES, "smuggled_farm_worker", "warehouse_bad_job"):
        get_vignette(vignettes, vid)
    for v in vignettes:
        assert v.story["en"] and v.story["ru"] and v.teaching_note["ru"]


@pytest.mark.parametrize("vignette", LIBRARY, ids=lambda v: v.id)
def test_engine_outcome_on_each_key_equals_expected(vignette):
    cat = get_catalogue()
    assert evaluate(cat, vignette.key_input(cat)).outcome == vignette.expected_outcome
    # The key answers every indicator of the vignette's sets.
    facts = set().union(*(cat.sets[s].facts() for s in vignette.key_input(cat).set_ids))
    assert set(vignette.key) == facts


def test_perfect_trainee(cat, vignettes):
    v = get_vignette(vignettes, "migrant_builder_passport")
    score = score_trainee(cat, v, v.key, "refer")
    assert score.indicator_agreement == 1.0 and score.dimension_agreement == 1.0 and score.outcome_correct
    assert score.missed == () and score.false_alarms == ()


def test_missed_indicator_is_explained(cat, vignettes):
    v = get_vignette(vignettes, "migrant_builder_passport")
    answers = {**v.key, "co_documents_taken@destination": "no", "dec_marriage_adoption@recruitment": "yes"}
    score = score_trainee(cat, v, answers)
    assert score.missed == ("co_documents_taken@destination",)
    assert score.false_alarms == ("dec_marriage_adoption@recruitment",)
    assert score.indicator_agreement == pytest.approx(65 / 67)
    lines = feedback(cat, v, score, "en")
    assert any("Identity or travel documents taken" in ln and "passport" in ln for ln in lines)
    assert any("Lured by a promise of marriage" in ln for ln in lines)
    assert any(ln.startswith("Teaching note") for ln in lines)
    assert any(ln.startswith("Пропущено") for ln in feedback(cat, v, score, "ru"))


def test_unanswered_counts_as_no_and_engine_outcome_is_scored(cat, vignettes):
    v = get_vignette(vignettes, "warehouse_bad_job")
    score = score_trainee(cat, v, {})
    assert score.outcome == "insufficient" and score.outcome_correct
    assert len(score.missed) == 6  # av_economic_hardship counts in both phases


def test_kappa_textbook_examples():
    # Wikipedia "Cohen's kappa", worked examples: 20/5/10/15 -> 0.4; 45/15/25/15 -> 0.1304.
    a = ["y"] * 25 + ["n"] * 25
    b = ["y"] * 20 + ["n"] * 5 + ["y"] * 10 + ["n"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    a = ["y"] * 60 + ["n"] * 40
    b = ["y"] * 45 + ["n"] * 15 + ["y"] * 25 + ["n"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.06 / 0.46)


def test_kappa_edges():
    assert cohen_kappa(["a", "b", "c"], ["a", "b", "c"]) == 1.0
    assert cohen_kappa(["a"] * 4, ["a"] * 4) == 1.0
    assert cohen_kappa(["a", "b"], ["b", "a"]) == pytest.approx(-1.0)
    with pytest.raises(ValidationError):
        cohen_kappa([], [])
    with pytest.raises(ValidationError):
        cohen_kappa(["a"], ["a", "b"])


def test_class_report(cat, vignettes):
    chosen = [get_vignette(vignettes, v) for v in ("fisherman_deceived_beaten", "warehouse_bad_job",
                                                     "builder_documents_unclear")]
    scores = [score_trainee(cat, v, v.key, v.expected_outcome, "ana") for v in chosen]
    scores += [score_trainee(cat, v, {}, "insufficient", "boris") for v in chosen]
    report = class_report(scores)
    assert report.trainees["ana"].kappa_indicators == 1.0 and report.trainees["ana"].outcome_accuracy == 1.0
    assert report.trainees["boris"].outcome_accuracy == pytest.approx(1 / 3)
    assert report.trainees["boris"].kappa_indicators < 0.5
    assert 0 < report.kappa_indicators < 1
    assert report.outcome_accuracy_by_vignette["warehouse_bad_job"] == 1.0
    with pytest.raises(ValidationError):
        class_report([])


def test_bad_vignette_file_names_the_vignette(cat, tmp_path):
    path = tmp_path / "v.yaml"
    path.write_text("catalogue: ilo-ec-2009\nvignettes:\n- id: broken\n  age: 30\n  exploitation: [labour]\n"
                    "  expected_outcome: refer\n  title: {en: a, ru: б}\n  story: {en: a, ru: б}\n"
                    "  teaching_note: {en: a, ru: б}\n  key: {\"yes\": [dec_nothing]}\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="vignette broken.*dec_nothing"):
        load_vignettes(cat, path)
    with pytest.raises(ValidationError, match="outcome"):
        score_trainee(cat, get_vignette(LIBRARY, "warehouse_bad_job"), {}, "maybe")
