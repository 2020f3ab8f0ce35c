"""Generalisation mechanisms: pattern choices and numbers, English verb forms, negation and hedge scope, and the
held-out set 4 (scored before and after the changes; a floor so a regression shows)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctkit.identify.text import extract
from ctkit.identify.text.evaluate import evaluate_dir
from ctkit.identify.text.patterns import PatternSet, compile_pattern
from ctkit.identify.text.tokens import english_stem, tokenize

HELDOUT = Path(__file__).resolve().parent / "data" / "heldout4"


def _labels(text: str, category: str) -> set[str]:
    result = extract(text)
    items = result["victims"]["vulnerabilities"] if category == "vulnerabilities" else result[category]
    return {x["label"] for x in items}


def _matches(pattern: str, text: str, lang: str = "en") -> bool:
    tokens, _ = tokenize(text, lang)
    return bool(PatternSet([compile_pattern(pattern, lang, "x")]).find(tokens, 0, len(tokens)))


@pytest.mark.parametrize(("pattern", "text", "expected"), [
    ("take|seiz* ... passport*", "The foreman seized their passports.", True),
    ("take|seiz* ... passport*", "The foreman took their passports.", True),
    ("take|seiz* ... passport*", "The foreman checked their passports.", False),
    ("#10+ hours", "They worked 14 hours a day.", True),
    ("#10+ hours", "They worked twelve hours a day.", True),
    ("#10+ hours", "They worked 8 hours a day.", False),
    ("по #10+ час*", "Рабочие трудились по 16 часов.", True),
])
def test_choices_and_numbers_in_patterns(pattern, text, expected):
    lang = "ru" if any("а" <= ch <= "я" for ch in text) else "en"
    assert _matches(pattern, text, lang) is expected


def test_a_choice_must_be_one_word():
    with pytest.raises(ValueError, match="one word"):
        compile_pattern("passport/ID|papers", "en", "x")


@pytest.mark.parametrize("forms", [("take", "took", "taken", "taking"), ("force", "forced", "forcing"),
                                   ("buy", "bought", "buying"), ("hide", "hid", "hidden")])
def test_irregular_english_verbs_share_one_stem(forms):
    assert len({english_stem(w) for w in forms}) == 1


@pytest.mark.parametrize(("text", "category", "label"), [
    ("Her passport was not taken from her.", "means", "withholds_documents"),
    ("Threats were never made against the workers.", "means", "threats"),
    ("Nobody beat the men on the farm.", "means", "physical_abuse"),
    ("Угроз со стороны хозяина она не получала.", "means", "threats"),
    ("If she had been offered a job abroad, she would have gone.", "recruitment", "false_job_offer"),
    ("Если бы ей предложили работу за границей, она бы уехала.", "recruitment", "false_job_offer"),
    ("Indicators may include the confiscation of passports.", "means", "withholds_documents"),
    ("Признаками эксплуатации могут быть изъятие паспорта и долговая кабала.", "means", "withholds_documents"),
])
def test_negated_conditional_and_general_statements_are_not_facts(text, category, label):
    assert label not in _labels(text, category)


@pytest.mark.parametrize(("text", "category", "label"), [
    ("The workers were not paid for months.", "means", "withheld_wages"),
    ("Зарплату им так ни разу и не заплатили.", "means", "withheld_wages"),
    ("The broker threatened to report them if they complained.", "means", "threats"),
    ("They were told they would be deported if they went to the police, because they had no visas.",
     "vulnerabilities", "irregular_status"),
    ("The agency would only place her if she paid a recruitment fee up front.", "means", "debt_bondage"),
])
def test_asserted_facts_survive_nearby_negation_and_conditions(text, category, label):
    assert label in _labels(text, category)


@pytest.mark.parametrize(("text", "label"), [
    ("He had been sleeping rough since he was evicted.", "social_disadvantage"),
    ("Many of the men had lost their jobs when the mine closed.", "unemployment"),
    ("Он остался без работы после сокращения на заводе.", "unemployment"),
    ("Она плохо понимала по-польски и ни с кем не общалась.", "language_barrier"),
    ("Her residence permit had lapsed the year before.", "irregular_status"),
    ("Бригадир отнял у рабочих телефоны.", None),
])
def test_general_vulnerability_vocabulary(text, label):
    if label is None:
        assert "isolation" in _labels(text, "means")
    else:
        assert label in _labels(text, "vulnerabilities")


def test_heldout_set_four_has_twenty_texts_per_language():
    texts = sorted(HELDOUT.glob("*.txt"))
    assert len([p for p in texts if p.stem.startswith("e")]) == 20
    assert len([p for p in texts if p.stem.startswith("r")]) == 20
    assert all(p.with_suffix(".gold.json").exists() for p in texts)


# Held-out set 4, all-language F1 before the changes: roles 0.71, exploitation 0.73, means 0.69, vulnerabilities 0.64;
# after: 0.73, 0.77, 0.79, 0.78 (docs/extract.md says why "after" is optimistic). Floors sit about 0.06 below.
HELDOUT_FLOORS = {"place_ids": 0.90, "place_roles": 0.66, "exploitation": 0.70, "means": 0.72, "vulnerabilities": 0.70}


def test_heldout_set_four_scores_above_floor():
    totals, _ = evaluate_dir(HELDOUT)
    for category, floor in HELDOUT_FLOORS.items():
        assert totals["all"][category].f1 >= floor, (category, totals["all"][category].f1)


def test_every_lexicon_entry_is_text():
    """YAML reads a bare no / NO as false: every cue, label pattern and place entry must stay a string."""
    from importlib import resources

    import yaml

    def walk(node):
        if isinstance(node, dict):
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value) if isinstance(value, (dict, list)) else (value,)

    for name in ("labels.yaml", "cues.yaml", "places.yaml"):
        text = resources.files("ctkit.identify.text").joinpath("data", name).read_text(encoding="utf-8")
        assert all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in walk(yaml.safe_load(text))), name


@pytest.mark.parametrize(("text", "expected"), [
    ("She was recruited by her aunt, who promised her a job in a bakery.", True),
    ("Её на стройку в Тулу позвал бывший одноклассник.", True),
    ("The group was recruited by an agency in Manila that charged each worker 6,000 dollars, a sum most of them "
     "had borrowed from relatives.", False),
    ("Women from Moldova are exploited in neighbouring countries.", False),
    ("Мужчина знакомился с девушками в социальных сетях.", False),
])
def test_a_relative_or_acquaintance_recruits_only_next_to_a_recruiting_verb(text, expected):
    assert ("personal_contact" in _labels(text, "recruitment")) is expected


@pytest.mark.parametrize(("text", "place", "role"), [
    ("Police in Leeds arrested a couple who forced two men to work in their car wash for nothing.", "Leeds",
     "destination"),
    ("Полиция Казани задержала мужчину, который заставлял мигрантов работать без оплаты.", "Kazan", "destination"),
    ("Police in Kaliningrad arrested a man who took women to Germany and forced them into prostitution.",
     "Kaliningrad", "other"),
    ("Police in Leeds opened a new hotline on Monday.", "Leeds", "other"),
])
def test_the_place_of_an_office_is_the_destination_only_when_it_is_the_one_place_of_exploitation(text, place, role):
    assert {p["name"]: p["roles"] for p in extract(text)["places"]}[place] == [role]


@pytest.mark.parametrize(("text", "labels"), [
    ("In Turin she was forced to work on the street every night.", {"sexual_exploitation"}),
    ("She was forced to work as a maid for a family in Doha.", {"domestic_servitude"}),
    ("The men were forced to work on a building site without pay.", {"forced_labour"}),
])
def test_a_named_form_in_the_sentence_subsumes_the_generic_work_verb(text, labels):
    assert _labels(text, "exploitation") == labels


def test_a_doubt_about_exploitation_leaves_the_sector_standing():
    facts = extract("No evidence of forced labour was found at the poultry farm near Tambov.")
    assert not facts["exploitation"] and {x["label"] for x in facts["sectors"]} == {"agriculture"}


@pytest.mark.parametrize(("pattern", "text"), [
    ("отбира* ... выручк*", "Хозяйка отобрала у детей всю выручку."),
    ("застави* ... работ*", "Их заставляли работать без выходных."),
    ("запреща* ... выход*", "Им запретили выходить из дома."),
])
def test_a_russian_verb_stem_meets_both_aspects(pattern, text):
    assert _matches(pattern, text, "ru")


@pytest.mark.parametrize(("text", "label"), [
    ("Мужчина знакомился с девушками в социальных сетях.", "organised_targeting"),
    ("He advertised the girls on an escort website.", "false_job_offer"),
])
def test_social_networks_and_advertising_a_victim_are_not_these_recruitment_routes(text, label):
    assert label not in _labels(text, "recruitment")


def test_a_negated_generic_exploitation_word_gives_no_form():
    facts = extract("Inspectors found no evidence that the waiters at the hotel were exploited.")
    assert not facts["exploitation"] and {x["label"] for x in facts["sectors"]} == {"hospitality"}
