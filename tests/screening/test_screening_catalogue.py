"""The catalogue as data: the shipped file, its validation, and the registry."""

from __future__ import annotations

from typing import Any

import pytest

from ctkit.errors import NotFoundError, ValidationError
from ctkit.identify.screening import (
    catalogue_from_data,
    catalogue_ids,
    get_catalogue,
    load_catalogue,
    register_catalogue,
    screen,
    unregister_catalogue,
)
from ctkit.identify.screening.messages import message_languages, msg

HTCDS_METHODS = {
    "PhysicalThreats", "ThreatsLawEnforcement", "ThreatensChildrenFamily", "DebtBondage", "FalsePromises",
    "PhysicalAbuse", "SexualAbuse", "TakesEarnings", "RestrictsFinancialAccess", "RestrictsMedicalCare",
    "WithholdsNecessities", "PsychologicalAbuse", "PsychoactiveSubstance", "ExcessiveWorkingHours",
    "WithholdsDocuments", "RestrictsMovement", "Other",
}


def test_builtin_catalogue_identity(cat):
    assert (cat.id, cat.status) == ("ilo-ec-2009", "draft")
    assert cat.is_draft and cat.version
    assert set(cat.languages) >= {"en", "ru"}
    assert {(s.population, s.exploitation) for s in cat.sets.values()} == {
        ("adult", "labour"), ("adult", "sexual"), ("child", "labour"), ("child", "sexual")}
    assert all(len(s.dimensions) == 6 for s in cat.sets.values())


def test_builtin_keeps_the_reference_concept_ids(cat):
    # Concept ids are public answer keys: these are the reference file's ids.
    for cid in ("dec_job_nature", "co_violence_person", "co_documents_taken", "av_economic_hardship",
                "ex_excessive_hours", "ex_no_education"):
        assert cid in cat.concepts
    assert len([c for c in cat.concepts.values() if not c.is_case_fact]) == 55


def test_every_text_in_english_and_russian(cat):
    for concept in cat.concepts.values():
        for texts in (concept.label, concept.question, concept.explanation):
            assert texts["en"].strip() and texts["ru"].strip()
            assert any("\u0400" <= ch <= "\u04ff" for ch in texts["ru"]), concept.id


def test_questions_are_yes_means_present(cat):
    # Open questions ("How many hours...?") cannot be answered yes/no: every question must be a yes/no one.
    for concept in cat.concepts.values():
        assert not concept.question["en"].startswith(("How", "What", "Where", "Which")), concept.id


def test_means_of_control_mapping_uses_htcds_codes(cat):
    for concept in cat.concepts.values():
        assert set(concept.htcds_methods_of_control) <= HTCDS_METHODS, concept.id


def test_messages_cover_catalogue_languages_with_same_keys(cat):
    assert set(cat.languages) <= set(message_languages())
    for lang in cat.languages:
        assert msg(lang, "disclaimer") and msg(lang, "outcome.refer")


def _set(raw: dict[str, Any], set_id: str) -> dict[str, Any]:
    return next(s for s in raw["sets"] if s["id"] == set_id)


def dup_indicator(raw):
    inds = _set(raw, "adult_labour")["dimensions"][0]["indicators"]
    inds.append(dict(inds[0]))


def unknown_dimension(raw):
    _set(raw, "adult_sexual")["dimensions"][1]["dimension"] = "coercion_on_mars"


def missing_russian(raw):
    del raw["concepts"]["dec_pay"]["question"]["ru"]


def rule_unknown_dimension(raw):
    raw["rules"]["victim_adult"]["all_of"][1]["any_of"].append("exploitative_condition")


def unknown_strength(raw):
    _set(raw, "child_labour")["dimensions"][3]["indicators"][0]["strength"] = "very_strong"


def bad_clause(raw):
    raw["rules"]["dimension_positive"]["positive_if_any_of"].append({"min_huge": 1})


def counts_mismatch(raw):
    _set(raw, "adult_labour")["dimensions"][0]["counts"]["strong"] = 5


def unknown_concept(raw):
    _set(raw, "adult_labour")["dimensions"][0]["indicators"][0]["concept"] = "dec_unknown"


def unknown_fact(raw):
    raw["rules"]["victim_child"]["variants"]["act_plus_exploitation"]["all_of"][0] = {"fact": "nothing"}


def missing_status(raw):
    del raw["status"]


def phase_question_without_russian(raw):
    del raw["concepts"]["co_debt_bondage"]["question_by_phase"]["recruitment"]["ru"]


def set_lacks_rule_dimension(raw):
    dims = _set(raw, "adult_sexual")["dimensions"]
    dims[:] = [d for d in dims if d["dimension"] != "abuse_of_vulnerability_at_destination"]


def approved_with_uncertain_indicator(raw):
    raw["status"] = "approved"


def approved_with_uncertain_rule(raw):
    raw["status"] = "approved"
    _clear_uncertain_indicators(raw)


def _clear_uncertain_indicators(raw):
    for s in raw["sets"]:
        for d in s["dimensions"]:
            for i in d["indicators"]:
                i.pop("uncertain", None)


MUTATIONS = [
    (dup_indicator, "AL.DR.dec_job_nature"), (unknown_dimension, "coercion_on_mars"),
    (missing_russian, "concept dec_pay question"), (rule_unknown_dimension, "exploitative_condition"),
    (unknown_strength, "very_strong"), (bad_clause, "min_huge"), (counts_mismatch, "deceptive_recruitment"),
    (unknown_concept, "dec_unknown"), (unknown_fact, "nothing"), (missing_status, "status"),
    (phase_question_without_russian, "concept co_debt_bondage question for recruitment"),
    (set_lacks_rule_dimension, "set adult_sexual: rule victim_adult uses dimension abuse_of_vulnerability"),
    (approved_with_uncertain_indicator, "status approved, but indicator AL.CR.co_violence_person is marked uncertain"),
    (approved_with_uncertain_rule, "status approved, but rule dimension_positive is marked uncertain"),
]


@pytest.mark.parametrize(("mutate", "named"), MUTATIONS, ids=lambda x: getattr(x, "__name__", str(x)))
def test_invalid_catalogue_is_refused_naming_the_item(raw, mutate, named):
    mutate(raw)
    with pytest.raises(ValidationError) as info:
        catalogue_from_data(raw, source="test.yaml")
    assert "test.yaml" in str(info.value) and named in str(info.value)


def test_approved_only_when_nothing_awaits_verification(raw):
    # The draft caveat may go only when no indicator, rule or rule variant is still marked uncertain.
    raw["status"] = "approved"
    _clear_uncertain_indicators(raw)
    for rule in raw["rules"].values():
        rule.pop("uncertain", None)
        for variant in rule.get("variants", {}).values():
            variant.pop("uncertain", None)
    assert not catalogue_from_data(raw).is_draft
    raw["rules"]["victim_child"]["variants"]["recruitment_dimension_plus_exploitation"]["uncertain"] = True
    with pytest.raises(ValidationError, match="rule victim_child variant recruitment_dimension_plus_exploitation"):
        catalogue_from_data(raw)


def test_unreadable_catalogue_file(tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("id: [unclosed", encoding="utf-8")
    with pytest.raises(ValidationError, match="broken.yaml"):
        load_catalogue(bad)


def test_a_correction_of_the_data_changes_the_outcome(raw):
    # No strength is hard-coded: making one indicator strong in the data changes the engine's decision.
    answers = {"dec_job_nature": "yes", "dec_education": "yes", "ex_excessive_hours": "yes", "ex_low_no_pay": "yes",
               "co_documents_taken@destination": "yes", "co_debt_bondage@destination": "yes"}
    raw["id"] = "corrected"
    before = screen(answers, age=30, exploitation="labour", catalogue=catalogue_from_data(raw))
    dim = _set(raw, "adult_labour")["dimensions"][0]
    next(i for i in dim["indicators"] if i["concept"] == "dec_job_nature")["strength"] = "weak"
    dim["counts"] = {"strong": 0, "medium": 8, "weak": 2}
    after = screen(answers, age=30, exploitation="labour", catalogue=catalogue_from_data(raw))
    assert (before.outcome, after.outcome) == ("refer", "ask_more")


def test_registry_builtin_and_country_catalogue(raw):
    assert "ilo-ec-2009" in catalogue_ids()
    assert get_catalogue() is get_catalogue("ilo-ec-2009")
    raw["id"] = "xx-test"
    country = catalogue_from_data(raw)
    register_catalogue(country)
    try:
        assert get_catalogue("xx-test") is country
        with pytest.raises(ValidationError, match="already registered"):
            register_catalogue(country)
        register_catalogue(country, replace=True)
        result = screen({}, age=30, exploitation="labour", catalogue="xx-test")
        assert result.to_record()["catalogue_id"] == "xx-test"
    finally:
        unregister_catalogue("xx-test")
    with pytest.raises(NotFoundError, match="xx-test"):
        get_catalogue("xx-test")


def test_registry_deferred_loader_must_match_its_id(raw):
    register_catalogue(lambda: catalogue_from_data(raw), catalogue_id="other-id")
    try:
        with pytest.raises(ValidationError, match="other-id"):
            get_catalogue("other-id")
    finally:
        unregister_catalogue("other-id")
    with pytest.raises(ValidationError, match="catalogue_id"):
        register_catalogue(lambda: catalogue_from_data(raw))


def test_phase_wording_where_the_general_question_does_not_fit(cat):
    from ctkit.identify.screening import question

    at_recruitment = question(cat, "co_documents_taken@recruitment", "en")
    at_work = question(cat, "co_documents_taken@destination", "en")
    assert at_recruitment.text != at_work.text and "journey" in at_recruitment.text
    general = cat.concepts["co_violence_person"].question["ru"]
    assert question(cat, "co_violence_person@recruitment", "ru").text == general
