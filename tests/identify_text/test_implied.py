"""Second generalisation round: forms a text implies, a parent's drinking, nested and consented facts, route roles
from verbs of movement and "from there". Sentences are invented for these tests (none from the held-out sets)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctkit.identify.text import extract
from ctkit.identify.text.evaluate import evaluate_dir

HELDOUT6 = Path(__file__).resolve().parent / "data" / "heldout6"


def _labels(text: str, category: str) -> set[str]:
    result = extract(text)
    items = result["victims"]["vulnerabilities"] if category == "vulnerabilities" else result[category]
    return {x["label"] for x in items}


def _roles(text: str) -> dict[str, list[str]]:
    return {p["name"]: p["roles"] for p in extract(text)["places"]}


@pytest.mark.parametrize(("text", "form"), [
    ("At the massage parlour she was made to see men every night and never received any pay.", "sexual_exploitation"),
    ("She had to serve clients in the sauna.", "sexual_exploitation"),
    ("Девушек возили по ночам в гостиницы к мужчинам, деньги забирал водитель.", "sexual_exploitation"),
    ("The boy had to ask drivers for money at traffic lights and was beaten if he brought back too little.",
     "forced_begging"),
    ("Мальчик стоял на перекрёстке с табличкой, а вечером всё собранное отбирал хозяин.", "forced_begging"),
    ("He was used to transport drugs between the two towns.", "forced_criminality"),
    ("Подростков использовали для перевозки наркотиков между городами и угрожали их семьям.", "forced_criminality"),
    ("He worked 16 hours at the plant with no pay and could not leave.", "forced_labour"),
    ("Работники собирали помидоры по одиннадцать часов в день, а зарплату и паспорта бригадир держал у себя.",
     "forced_labour"),
    ("Her parents gave her in marriage to a 50-year-old man in exchange for cattle.", "forced_marriage"),
])
def test_an_activity_beside_a_means_of_control_implies_its_form(text, form):
    assert form in _labels(text, "exploitation")


@pytest.mark.parametrize("text", [
    "Researchers interviewed sex workers who said they worked independently and saw clients in their own flats.",
    "The women said they sold sex voluntarily, kept their earnings and held their own passports.",
    "Женщины рассказали, что оказывали интим-услуги добровольно, деньги оставляли себе.",
    "He asked his sister for money to pay the rent.",
    "She worked long hours at the factory.",
    "Police caught him transporting drugs in his car.",
])
def test_an_activity_alone_or_with_consent_implies_no_form(text):
    assert _labels(text, "exploitation") == set()


def test_own_documents_and_earnings_are_no_means_of_control():
    assert _labels("The women held their own passports and kept their own earnings.", "means") == set()


@pytest.mark.parametrize(("text", "expected", "absent"), [
    ("His mother was an alcoholic.", "family_violence", "substance_abuse"),
    ("Their mother, a single parent struggling with alcohol addiction, sold the youngest.", "family_violence",
     "substance_abuse"),
    ("She grew up with alcoholic parents.", "family_violence", "substance_abuse"),
    ("Отец пил, дома часто не было еды.", "family_violence", "substance_abuse"),
    ("She ran away because of her stepfather's violence and had used drugs.", "substance_abuse", None),
    ("She had been addicted to heroin since she was 16.", "substance_abuse", "family_violence"),
])
def test_a_parents_drinking_is_family_violence_not_the_persons_addiction(text, expected, absent):
    labels = _labels(text, "vulnerabilities")
    assert expected in labels
    assert absent is None or absent not in labels


@pytest.mark.parametrize(("text", "label"), [
    ("Денег не хватало даже на еду, жили впроголодь.", "poverty"),
    ("После развода ей было не на что жить.", "poverty"),
    ("Детей кормить было нечем.", "poverty"),
    ("Семья жила на бабушкину пенсию.", "poverty"),
    ("А долги по кредитам росли.", "economic_need"),
    ("They barely had enough money for food.", "poverty"),
])
def test_everyday_wording_of_poverty(text, label):
    assert label in _labels(text, "vulnerabilities")


@pytest.mark.parametrize(("text", "category", "label"), [
    ("After the factory closed she could not pay the rent.", "means", "withheld_wages"),
    ("Денег не хватало даже на еду, жили впроголодь.", "means", "poor_living_conditions"),
    ("The gang used the teenagers to deliver heroin.", "vulnerabilities", "substance_abuse"),
    ("Drivers at the depot went on strike over pay.", "means", "physical_abuse"),
])
def test_a_match_inside_a_longer_fact_of_another_category_is_not_a_fact(text, category, label):
    assert label not in _labels(text, category)


@pytest.mark.parametrize(("text", "place", "role"), [
    ("She left Tashkent in March and arrived in Samara two weeks later.", "Tashkent", "origin"),
    ("She left Tashkent in March and arrived in Samara two weeks later.", "Samara", "destination"),
    ("The boat left Odesa for Istanbul.", "Istanbul", "destination"),
    ("They flew from Bishkek to Moscow, from where they were driven to Kazan.", "Moscow", "transit"),
    ("Она добралась до Новосибирска, откуда её переправили в Сургут.", "Novosibirsk", "transit"),
    ("Она добралась до Новосибирска, откуда её переправили в Сургут.", "Surgut", "destination"),
    ("В марте она выехала из Ташкента и прибыла в Самару.", "Samara", "destination"),
    ("Из Самары её доставили в квартиру в Москве.", "Moscow", "destination"),
    ("Её возили в гостиницы Калининграда.", "Kaliningrad", "destination"),
    ("Мужчин довезли из Армении до Москвы.", "Moscow", "destination"),
    ("В Ростове-на-Дону их посадили на автобус до Краснодара.", "Krasnodar", "destination"),
    ("In Almaty he was put on a train to Novosibirsk.", "Almaty", "origin"),
])
def test_verbs_of_movement_and_from_there_give_route_roles(text, place, role):
    assert role in _roles(text)[place]


def test_an_office_place_does_not_become_a_departure_point():
    roles = _roles("An NGO shelter in Vilnius assisted a woman who had been trafficked to the United Kingdom.")
    assert roles["Vilnius"] == ["other"]


def test_heldout_set_six_has_fifteen_texts_per_language():
    texts = sorted(HELDOUT6.glob("*.txt"))
    assert len([p for p in texts if p.stem.startswith("t")]) == 15
    assert len([p for p in texts if p.stem.startswith("u")]) == 15
    assert all(p.with_suffix(".gold.json").exists() for p in texts)


# Held-out set 6, all-language F1 before this round's changes: roles 0.76, exploitation 0.63, means 0.76,
# vulnerabilities 0.75 (docs/extract.md has the after figures). Floors sit below the before figures.
HELDOUT6_FLOORS = {"place_ids": 0.90, "place_roles": 0.70, "exploitation": 0.58, "means": 0.70, "vulnerabilities": 0.68}


def test_heldout_set_six_scores_above_floor():
    totals, _ = evaluate_dir(HELDOUT6)
    for category, floor in HELDOUT6_FLOORS.items():
        assert totals["all"][category].f1 >= floor, (category, totals["all"][category].f1)
