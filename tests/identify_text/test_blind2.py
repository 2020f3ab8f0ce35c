"""Blind set 2 (tests/data/extract_blind2, gold written before the extractor was run on it) stays above the floor
measured after the lexicon and role-rule changes, minus a margin; and the role rules those changes added."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctkit.identify.text import extract
from ctkit.identify.text.evaluate import evaluate_dir

BLIND2 = Path(__file__).resolve().parents[1] / "data" / "extract_blind2"
BLIND3 = Path(__file__).resolve().parents[1] / "data" / "extract_blind3"

# Measured F1 on blind set 2 after the changes (first sight before them: roles 0.80, exploitation 0.60, means 0.83,
# vulnerabilities 0.80); the floors leave a margin of about 0.08.
FLOORS = {"place_ids": 0.92, "place_roles": 0.84, "exploitation": 0.90, "sectors": 0.80, "means": 0.88,
          "vulnerabilities": 0.90}


def test_blind_set_two_has_six_texts_per_language():
    texts = sorted(BLIND2.glob("*.txt"))
    assert len(texts) == 12 and all(p.with_suffix(".gold.json").exists() for p in texts)


def test_blind_set_two_scores_above_floor():
    totals, _ = evaluate_dir(BLIND2)
    for category, floor in FLOORS.items():
        assert totals["all"][category].f1 >= floor, (category, totals["all"][category].f1)


# Blind set 3 (8 texts): first sight after the blind-set-2 changes roles 0.78, exploitation 0.94, sectors 0.89,
# means 0.72, vulnerabilities 0.67; after the second round 0.94, 1.00, 0.89, 0.98, 0.95.
FLOORS3 = {"place_ids": 0.92, "place_roles": 0.86, "exploitation": 0.90, "sectors": 0.80, "means": 0.90,
           "vulnerabilities": 0.86}


def test_blind_set_three_scores_above_floor():
    totals, _ = evaluate_dir(BLIND3)
    for category, floor in FLOORS3.items():
        assert totals["all"][category].f1 >= floor, (category, totals["all"][category].f1)


def _roles(text: str) -> dict[str, list[str]]:
    return {p["name"]: p["roles"] for p in extract(text)["places"]}


@pytest.mark.parametrize(("text", "place", "role"), [
    ("After six months she was returned to Chisinau by the IOM mission.", "Chisinau", "origin"),
    ("He was deported to Uzbekistan in May.", "Uzbekistan", "origin"),
    ("В марте её вернули в Кишинёв.", "Chisinau", "origin"),
    ("They drove her through Poland to a flat in Berlin where she was exploited.", "Berlin", "destination"),
    ("The women were threatened with harm to their families back in Lagos.", "Lagos", "origin"),
    ("Girls from poor families in the rural south of Kyrgyzstan are married off.", "Kyrgyzstan", "origin"),
    ("Оставшись без работы, он ночевал на вокзале в Самаре.", "Samara", "origin"),
    ("Мигрантов держали на ферме в Хабаровском крае.", "Khabarovsk Krai", "destination"),
    ("Зарина родом из Хатлонской области Таджикистана.", "Tajikistan", "origin"),
    ("She sent money home to her family in Chisinau every month.", "Chisinau", "origin"),
    ("Victims are often lured by promises of work in Germany.", "Germany", "destination"),
    ("Её завербовали на работу в Германии.", "Germany", "destination"),
    ("There was no work in her village in Moldova.", "Moldova", "origin"),
])
def test_role_rules(text, place, role):
    assert role in _roles(text).get(place, []), _roles(text)


def test_named_form_stops_inference_from_means():
    facts = extract("The boys were forced to beg in the market; they were beaten and had to hand over all their "
                    "earnings.")
    assert {x["label"] for x in facts["exploitation"]} == {"forced_begging"}


def test_hedged_rumours_and_withheld_information_are_not_facts():
    assert not extract("Rumours of organ trafficking circulated, but no cases were confirmed.")["exploitation"]
    assert not extract("Сведений о торговле людьми с целью изъятия органов получено не было.")["exploitation"]


def test_a_negation_inside_another_fact_does_not_negate_the_next():
    facts = extract("Она почти не говорит по-русски и не знает, куда обратиться за помощью.")
    assert {"language_barrier", "lack_of_legal_knowledge"} <= {v["label"] for v in facts["victims"]["vulnerabilities"]}


def test_escorting_by_police_is_not_the_sex_industry():
    assert not extract("Police escorted the victims to a shelter in Vilnius.")["sectors"]


@pytest.mark.parametrize(("text", "label"), [
    ("Девушек поселили в квартире в Анталье и каждый вечер возили к клиентам.", "sexual_exploitation"),
    ("Женщину хозяева держали в доме, она убирала, стирала и готовила без выходных и без оплаты.",
     "domestic_servitude"),
    ("Её выдали за двоюродного брата против её воли.", "forced_marriage"),
    ("Работников заставляли шить одежду по ночам в подвале.", "forced_labour"),
    ("She had to see clients every night in a flat in Berlin.", "sexual_exploitation"),
])
def test_implied_forms_of_exploitation(text, label):
    assert label in {x["label"] for x in extract(text)["exploitation"]}
