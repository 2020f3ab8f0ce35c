"""The engine on hand-worked cases: phases, sets, outcomes, explanations, records and bad input."""

from __future__ import annotations

import json

import pytest

from ctkit.errors import ValidationError
from ctkit.identify.screening import explain, explanation_data, prepare_input, result_document, screen

VICTIM = {"dec_job_nature": "yes", "dec_pay": "yes", "ex_excessive_hours": "yes", "ex_low_no_pay": "yes",
          "co_documents_taken@destination": "yes", "co_debt_bondage@destination": "yes"}


def test_clear_victim_refers_and_explains_which_indicators_and_rule():
    result = screen(VICTIM, age=34, exploitation=["labour"])
    assert result.outcome == "refer"
    s = result.sets["adult_labour"]
    dims = s.dimensions
    assert dims["deceptive_recruitment"].status == "present"
    assert dims["deceptive_recruitment"].yes == ("dec_job_nature@recruitment", "dec_pay@recruitment")
    assert dims["deceptive_recruitment"].clause == {"min_strong": 1, "min_medium_or_weak": 1}
    assert dims["coercion_at_destination"].clause == {"min_strong": 2}
    data = explanation_data(result)["adult_labour"]
    assert data["rule"] == {"id": "victim_adult", "variant": None, "met": True}
    text = "\n".join(explain(result, "en"))
    assert "Held by a debt (destination)" in text and "2 strong" in text and "rule met" in text


def test_single_strong_indicator_is_not_enough():
    result = screen({"dec_job_nature": "yes"}, age=34, exploitation="labour")
    assert result.sets["adult_labour"].dimensions["deceptive_recruitment"].status == "indeterminate"


def test_insufficient_names_the_branch_that_cannot_hold():
    no_exploitation = {f"{c}": "no" for c in ("ex_excessive_hours", "ex_bad_living", "ex_hazardous_work",
                                               "ex_low_no_pay", "ex_law_contract_ignored", "ex_no_social_protection",
                                               "ex_very_bad_conditions", "ex_wage_manipulation", "ex_no_education")}
    result = screen({**VICTIM, **no_exploitation}, age=34, exploitation="labour")
    assert result.outcome == "insufficient"
    assert result.sets["adult_labour"].failed == (("exploitative_conditions",),)
    assert "Exploitative conditions of work" in " ".join(explain(result, "en"))


def test_ask_more_lists_the_unknowns_that_matter():
    answers = {k: v for k, v in VICTIM.items() if not k.startswith("co_")}
    result = screen(answers, age=34, exploitation="labour")
    assert result.outcome == "ask_more"
    open_facts = result.sets["adult_labour"].open_facts
    assert "co_documents_taken@destination" in open_facts and "av_economic_hardship@destination" in open_facts
    # Recruitment and exploitation are settled: their unknowns cannot change anything.
    assert not any(f.startswith(("dec_", "ex_")) for f in open_facts)
    assert "Identity or travel documents taken (destination)" in " ".join(explain(result, "en"))


def test_bare_key_is_both_phases_and_phase_key_wins():
    inp = prepare_input(_cat(), age=30, exploitation="labour",
                        answers={"co_violence_person@destination": "no", "co_violence_person": "yes"})
    assert inp.answers == {"co_violence_person@recruitment": "yes", "co_violence_person@destination": "no"}


def test_phase_specific_facts_are_different_facts():
    recruited = screen({"co_violence_person@recruitment": "yes"}, age=30, exploitation="labour")
    dims = recruited.sets["adult_labour"].dimensions
    assert dims["coercive_recruitment"].yes == ("co_violence_person@recruitment",)
    assert dims["coercion_at_destination"].yes == ()


def test_unknown_age_screens_adult_and_child_sets():
    result = screen({}, age=None, exploitation="both")
    assert set(result.sets) == {"adult_labour", "adult_sexual", "child_labour", "child_sexual"}


def test_child_without_means_is_referred_by_the_child_rule():
    result = screen({"act_recorded": "yes", "ex_excessive_hours": "yes", "ex_no_education": "yes"},
                    age=15, exploitation="labour")
    assert result.outcome == "refer"
    assert result.sets["child_labour"].rule_variant == "act_plus_exploitation"


def test_result_carries_catalogue_and_says_it_is_no_legal_finding():
    result = screen(VICTIM, age=34, exploitation="labour")
    doc = result_document(result, "ru")
    assert doc["catalogue"]["id"] == "ilo-ec-2009" and doc["catalogue"]["status"] == "draft"
    assert "ЧЕРНОВИК" in doc["catalogue"]["warning"]
    assert "юридическое заключение" in doc["disclaimer"]
    lines = explain(result, "en")
    assert any("not a legal finding" in line or "never a legal finding" in line for line in lines)
    assert any("DRAFT" in line for line in lines)


def test_to_record_is_json_and_maps_means_of_control():
    record = screen(VICTIM, age=34, exploitation="labour").to_record()
    assert json.loads(json.dumps(record)) == record
    assert {"catalogue_id", "catalogue_version", "catalogue_status", "outcome", "sets", "dimensions", "answers",
            "means_of_control", "exploitation"} <= set(record)
    assert record["sets"] == {"adult_labour": "refer"}
    assert record["answers"]["co_debt_bondage@destination"] == "yes"
    assert record["means_of_control"] == ["DebtBondage", "ExcessiveWorkingHours", "FalsePromises", "TakesEarnings",
                                          "WithholdsDocuments"]
    assert record["exploitation"] == ["forced_labour"]


def test_to_model_builds_the_store_record():
    from datetime import date

    from ctkit.model import ScreeningResult as ScreeningRecord

    model = screen(VICTIM, age=34, exploitation="both").to_model(date(2026, 11, 28))
    assert isinstance(model, ScreeningRecord)
    assert model.outcome == "refer" and model.catalogue_status == "draft"
    assert model.exploitation == ["forced_labour", "sexual"] and "WithholdsDocuments" in model.means_of_control


def test_confinement_maps_to_restricts_movement():
    record = screen({"co_isolation_confinement": "yes"}, age=30, exploitation="sexual").to_record()
    assert record["means_of_control"] == ["RestrictsMovement"]


@pytest.mark.parametrize(("kwargs", "named"), [
    ({"answers": {"dec_made_up": "yes"}}, "dec_made_up"),
    ({"answers": {"dec_pay": "maybe"}}, "dec_pay"),
    ({"answers": {"dec_pay@destination": "yes"}}, "dec_pay@destination"),
    ({"answers": {"act_recorded@recruitment": "yes"}}, "act_recorded@recruitment"),
    ({"answers": {"ex_no_social_protection": "yes"}, "age": 12}, "ex_no_social_protection"),
    ({"sets": ["child_labour"]}, "child_labour"),
    ({"sets": ["adult_sexual"]}, "adult_sexual"),
    ({"sets": ["martian_labour"]}, "martian_labour"),
    ({"age": -3}, "age"),
    ({"age": "34"}, "age"),
    ({"exploitation": ["organ"]}, "organ"),
    ({"exploitation": []}, "exploitation"),
])
def test_bad_input_is_refused_naming_the_item(kwargs, named):
    args = {"age": 34, "exploitation": ["labour"], "answers": {}, **kwargs}
    with pytest.raises(ValidationError) as info:
        screen(args.pop("answers"), **args)
    assert named in str(info.value)


def test_answer_for_a_set_that_does_not_apply_names_its_sets():
    with pytest.raises(ValidationError, match="adult_labour"):
        screen({"ex_no_social_protection": "no"}, age=10, exploitation="labour")


def _cat():
    from ctkit.identify.screening import get_catalogue

    return get_catalogue()
