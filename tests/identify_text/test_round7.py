"""Third generalisation round: labour disputes are no forced labour without coercion, recruiters named by their role,
sales that name no form, places after "in"/"в" without a verb of movement. Invented sentences, not held-out text."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctkit.identify.text import extract
from ctkit.identify.text.evaluate import evaluate_dir

HELDOUT7 = Path(__file__).resolve().parent / "data" / "heldout7"


def _labels(text: str, category: str) -> set[str]:
    return {x["label"] for x in extract(text)[category]}


@pytest.mark.parametrize("text", [
    "The bakery has not paid its drivers for two months and they went on strike; they work ten-hour shifts.",
    "Cleaners at the hospital protested on Friday over unpaid overtime and twelve-hour shifts.",
    "Работники пекарни объявили забастовку: зарплату не платят три месяца, смены по 12 часов.",
    "She worked twelve-hour shifts at the warehouse and her wages were paid late.",
    "Повара жаловались, что работают по 14 часов, а зарплату задерживают.",
])
def test_unpaid_wages_and_long_hours_without_coercion_are_no_forced_labour(text):
    assert "forced_labour" not in _labels(text, "exploitation")


@pytest.mark.parametrize("text", [
    "At the brickworks the men worked 14 hours a day for no pay and the owner kept their passports.",
    "На стройке мужчины работали по 14 часов без зарплаты, а бригадир угрожал им расправой.",
    "They were lured with a promise of good wages, then worked twelve-hour days on the farm and were never paid.",
])
def test_work_with_a_coercive_means_is_forced_labour(text):
    assert "forced_labour" in _labels(text, "exploitation")


def test_a_strike_does_not_hide_confinement():
    text = ("The workers went on strike after the owner locked them in the factory at night and paid them nothing "
            "for months of twelve-hour shifts.")
    assert "forced_labour" in _labels(text, "exploitation")


@pytest.mark.parametrize("text", [
    "Признаков принудительного труда нет; работникам разъяснили их права.",
    "Угроз и избиений со стороны работодателя не было.",
])
def test_a_clause_final_russian_negation_denies_its_clause(text):
    result = extract(text)
    assert result["exploitation"] == [] and result["means"] == []


def test_a_negation_after_a_comma_leaves_the_fact():
    assert "withheld_wages" in _labels("Зарплату ему не платили, денег у него нет.", "means")


def test_heldout_set_seven_has_fifteen_texts_per_language():
    texts = sorted(p.stem for p in HELDOUT7.glob("*.txt"))
    assert len([t for t in texts if t.startswith("x")]) == 15
    assert len([t for t in texts if t.startswith("y")]) == 15
    assert all((HELDOUT7 / f"{t}.gold.json").exists() for t in texts)


@pytest.mark.parametrize("text", [
    "A broker from the next district told her about a job in a hotel abroad.",
    "The agent promised the men contracts on a building site.",
    "Посредник собрал в селе десять мужчин и отвёз их на стройку.",
    "Агент пообещал девушкам работу в кафе.",
])
def test_a_recruiter_named_by_a_trade_is_organised_targeting(text):
    assert "organised_targeting" in _labels(text, "recruitment")


@pytest.mark.parametrize("text", [
    "The men had paid a broker for the flight and wanted to claim asylum.",
    "Паспорт она оставила у агента по недвижимости.",
    "An estate agent rented the flat to the family.",
])
def test_a_trade_without_recruiting_is_no_recruitment(text):
    assert "organised_targeting" not in _labels(text, "recruitment")


@pytest.mark.parametrize("text", [
    "Her stepmother sold her to a family in the capital.",
    "Отчим отвёз падчерицу к знакомому фермеру.",
])
def test_a_step_parent_who_recruits_is_a_personal_contact(text):
    assert "personal_contact" in _labels(text, "recruitment")


def test_a_clients_debt_is_no_sexual_exploitation():
    text = "The firm has not paid the men for six weeks; the owner says a client owes him money and he kept their IDs."
    assert "sexual_exploitation" not in _labels(text, "exploitation")


def _roles(text: str) -> dict[str, list[str]]:
    return {p["name"]: p["roles"] for p in extract(text)["places"]}


@pytest.mark.parametrize(("text", "place", "role"), [
    ("A broker in Dhaka found the men jobs on a building site.", "Dhaka", "origin"),
    ("Посредник в Оше собрал двадцать человек и отправил их на стройку.", "Osh", "origin"),
    ("She was placed by a manpower agency in Manila as a cleaner.", "Manila", "origin"),
    ("He is a citizen of the Philippines and worked on the ship for two years.", "Philippines", "origin"),
    ("Он жил и работал в Дагестане на кирпичном заводе.", "Dagestan", "destination"),
    ("Her brother went to work on a farm in Kazakhstan.", "Kazakhstan", "destination"),
    ("She was sold by her aunt in Lagos to a family in London.", "Lagos", "origin"),
    ("She was sold by her aunt in Lagos to a family in London.", "London", "destination"),
    ("Мигранты работают на стройках Москвы, где у них отбирают паспорта.", "Moscow", "destination"),
    ("Women were exploited in hotels in Antalya and Istanbul.", "Antalya", "destination"),
])
def test_places_after_in_without_a_verb_of_movement(text, place, role):
    assert role in _roles(text)[place]


@pytest.mark.parametrize(("text", "place"), [
    ("Workers at a garment factory in Dhaka went on strike over unpaid wages.", "Dhaka"),
    ("В Новокузнецке шахтёры объявили забастовку: зарплату не платят три месяца.", "Novokuznetsk"),
    ("В полицию Хасавюрта обратилась жительница села.", "Khasavyurt"),
])
def test_a_place_with_no_journey_and_no_exploitation_is_no_destination(text, place):
    assert "destination" not in _roles(text)[place]


def test_a_sale_gives_the_means_but_invents_no_form():
    result = extract("The court found that he sold a 19-year-old woman from Slovakia to a man in Germany.")
    assert {x["label"] for x in result["means"]} == {"sale_of_person"}
    assert result["exploitation"] == []


@pytest.mark.parametrize(("text", "expected"), [
    ("The men hold their own passports, are free to change jobs and have not been paid for six weeks; the firm says "
     "a client owes it money.", set()),
    ("Паспорт у него на руках, он может уйти в любой момент, но зарплату задерживают и штрафуют за опоздания.", set()),
    ("They were not free to leave, worked 14 hours a day on the farm and were never paid.", {"forced_labour"}),
])
def test_workers_free_to_leave_are_not_held(text, expected):
    assert _labels(text, "exploitation") == expected


def test_russian_fact_named_without_its_verb_is_negated_by_it():
    assert "withholds_documents" not in _labels("Паспорта у работодателей не хранились.", "means")


@pytest.mark.parametrize(("text", "sector"), [
    ("She was hired as a hotel housekeeper in Dubai.", "hospitality"),
    ("Она работала горничной в гостинице.", "hospitality"),
])
def test_a_household_word_in_a_hotel_is_hospitality(text, sector):
    assert _labels(text, "sectors") == {sector}


# Held-out set 7, all-language F1 before this round's changes: roles 0.69, exploitation 0.81, means 0.81, recruitment
# 0.67 (docs/extract.md has the after figures). Floors sit at the before figures, so a change that undoes this round's
# rules fails here.
HELDOUT7_FLOORS = {"place_ids": 0.90, "place_roles": 0.69, "exploitation": 0.81, "means": 0.78, "recruitment": 0.67}


def test_heldout_set_seven_scores_above_floor():
    totals, _ = evaluate_dir(HELDOUT7)
    for category, floor in HELDOUT7_FLOORS.items():
        assert totals["all"][category].f1 >= floor, (category, totals["all"][category].f1)


@pytest.mark.parametrize("text", [
    "The court found that he sold his 20-year-old cousin to a bar owner.",
    "Он осуждён за продажу 17-летней падчерицы.",
    "Он передал девушку за 200 тысяч рублей знакомому.",
])
def test_the_sale_of_a_relative_or_a_girl_is_a_sale_of_a_person_without_a_form(text):
    result = extract(text)
    assert "sale_of_person" in {x["label"] for x in result["means"]}
    assert result["exploitation"] == []


def test_selling_goods_to_people_is_no_sale_of_a_person():
    assert "sale_of_person" not in _labels("He sold vegetables to migrant workers at the market.", "means")


@pytest.mark.parametrize("text", [
    "All were released; none said they had been forced to work or owed money.",
    "Никто из рабочих не жаловался на угрозы или избиения.",
    "No respondent reported having their documents taken.",
])
def test_a_negative_subject_of_a_report_denies_what_it_reports(text):
    result = extract(text)
    assert result["exploitation"] == [] and result["means"] == []


@pytest.mark.parametrize(("text", "means"), [
    ("Nobody said anything when the boss beat him.", "physical_abuse"),
    ("None of the workers spoke English, and the owner kept their passports.", "withholds_documents"),
])
def test_a_denied_report_does_not_reach_another_clause(text, means):
    assert means in _labels(text, "means")
