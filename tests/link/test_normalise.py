from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctkit.share.link import name_key, normalise_text, parse_date, transliterate


@pytest.mark.parametrize(
    ("cyrillic", "scheme", "latin"),
    [
        ("Иванов", "icao", "Ivanov"),
        ("Щербаков", "icao", "Shcherbakov"),
        ("Юлия", "icao", "Iuliia"),
        ("Юлия", "bgn", "Yuliya"),
        ("Журавлёв", "de", "Schurawljow"),
        ("Чернышёв", "pl", "Czernyszio" + "w"),
        ("Олійник", "icao", "Oliinyk"),  # Ukrainian detected from і: и -> y
        ("Григорій", "icao", "Hryhorii"),
        ("Євген", "bgn", "Yevhen"),
    ],
)
def test_transliteration_tables(cyrillic, scheme, latin):
    assert transliterate(cyrillic, scheme) == latin


def test_language_can_be_forced():
    assert transliterate("Мирон", "icao", language="uk") == "Myron"
    assert transliterate("Мирон", "icao", language="ru") == "Miron"


@pytest.mark.parametrize(
    "variants",
    [
        ("Ivanov", "Iwanow", "Ivanoff", "Иванов", "IVANOV"),
        ("Sergei", "Sergey", "Sergej", "Сергей"),
        ("Yuriy", "Iurii", "Jurij", "Юрий"),
        ("Natalia", "Natalya", "Natalja", "Наталья"),
        ("Shcherbakov", "Schtscherbakow", "Szczerbakow", "Щербаков"),
        ("Zhukov", "Schukow", "Żukow", "Жуков"),
        ("Elena", "Yelena", "Jelena", "Елена"),
        ("Zaitseva", "Saizewa", "Zajcewa", "Зайцева"),
    ],
)
def test_name_key_folds_spelling_variants(variants):
    keys = {name_key(v) for v in variants}
    assert len(keys) == 1, keys


def test_name_key_keeps_different_names_apart():
    assert name_key("Ivanov") != name_key("Petrov")
    assert name_key("Olga") != name_key("Elena")


def test_normalise_text_nfkc_case_and_marks():
    assert normalise_text("  Łukasz  Żółć ") == "lukasz zolc"
    assert normalise_text("Ｍüller") == "muller"  # full-width M (NFKC) and umlaut
    assert normalise_text("STRASSE") == normalise_text("straße")
    assert normalise_text("  ") is None
    assert normalise_text(None) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1990-04-03", date(1990, 4, 3)),
        ("03.04.1990", date(1990, 4, 3)),
        ("03/04/1990", date(1990, 4, 3)),
        ("19900403", date(1990, 4, 3)),
        ("31.02.1990", None),
        ("", None),
        ("nan", None),
        (None, None),
        (date(2001, 1, 2), date(2001, 1, 2)),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_normalised_text_is_plain_and_stable(text):
    once = normalise_text(text)
    if once is not None:
        assert once == normalise_text(once)
        assert all(ch.isascii() and (ch.isalnum() or ch == " ") for ch in once)
        key = name_key(text)
        assert key is None or (key.isascii() and " " not in key)


def test_document_key_folds_spacing_marks_and_cyrillic_lookalikes():
    from ctkit.share.link.normalise import document_key

    assert document_key("№ 45 10 123456") == document_key("4510-123456") == document_key("No. 4510 123456")
    assert document_key("4510 123456") == "4510123456"
    assert document_key("КМ 123456") == document_key("km123456") == "KM123456"  # Cyrillic series typed as Latin
    assert document_key("ВН 123456") == "BH123456"  # a visual fold, not a transliteration (В is not V here)
    assert document_key("4510 123465") != document_key("4510 123456")  # typos are left to the comparison
    assert document_key(None) is None and document_key(" n/a ") is None and document_key("12-3") is None
