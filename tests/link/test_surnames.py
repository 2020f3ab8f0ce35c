"""Long-tail surname pools: deterministic, large, gender-consistent, in the right script, with realistic shares."""

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ctkit.errors import ValidationError
from ctkit.share.link.generate import _pool
from ctkit.share.link.surnames import POOL_SIZE, SURNAME_LOCALES, surname_pool

_LATIN = r"[A-Za-zÀ-ÖØ-öø-ſ]+(-[A-Za-zÀ-ÖØ-öø-ſ]+)?"  # Latin letters with diacritics (Krüger is Polish too)
SCRIPT = {"ru_RU": r"[А-ЯЁа-яё]+", "uk_UA": r"[А-ЩЬЮЯҐЄІЇа-щьюяґєіїʼ]+(-[А-ЩЬЮЯҐЄІЇа-щьюяґєіїʼ]+)?",
          "pl_PL": _LATIN, "de_DE": _LATIN}  # fmt: skip


def _digest() -> str:
    text = "\n".join(
        f"{loc}:{'|'.join(surname_pool(loc, sex)[0])}" for loc in SURNAME_LOCALES for sex in ("male", "female")
    )
    return hashlib.sha256(text.encode()).hexdigest()


def test_pools_are_the_same_in_another_process_with_another_hash_seed():
    # Set and dict order of strings changes with PYTHONHASHSEED: the pools must not depend on it.
    code = "from tests.link.test_surnames import _digest; print(_digest())"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    root = Path(__file__).resolve().parents[2]
    other = subprocess.run([sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True, check=True)
    assert other.stdout.strip() == _digest()


@pytest.mark.parametrize("locale", SURNAME_LOCALES)
def test_pool_size_script_and_form(locale):
    for sex in ("male", "female"):
        names, probs = surname_pool(locale, sex)
        assert len(names) == len(set(names)) == POOL_SIZE == len(probs)
        assert np.isclose(probs.sum(), 1) and (np.diff(probs) < 0).all()  # commonest first
        script = re.compile(SCRIPT[locale])
        assert all(script.fullmatch(n) and len(n) >= 2 and n[0].isupper() for n in names), locale


def _same_family(male: str, female: str, locale: str) -> bool:
    if male == female:
        return True
    pairs = {"ru_RU": [("ов", "ова"), ("ев", "ева"), ("ин", "ина"), ("ын", "ына"), ("ий", "ая"), ("ый", "ая"),
                       ("ой", "ая")],
             "uk_UA": [("ий", "а"), ("ин", "ина")],
             "pl_PL": [("ki", "ka"), ("y", "a")], "de_DE": []}[locale]  # fmt: skip
    return any(male.endswith(m) and female == male[: len(male) - len(m)] + f for m, f in pairs)


@pytest.mark.parametrize("locale", SURNAME_LOCALES)
def test_male_and_female_forms_of_a_rank_are_one_family(locale):
    males, male_probs = surname_pool(locale, "male")
    females, female_probs = surname_pool(locale, "female")
    np.testing.assert_array_equal(male_probs, female_probs)
    wrong = [(m, f) for m, f in zip(males, females, strict=True) if not _same_family(m, f, locale)]
    assert not wrong, wrong[:5]
    gendered = sum(m != f for m, f in zip(males, females, strict=True)) / len(males)
    assert gendered > {"ru_RU": 0.9, "uk_UA": 0.05, "pl_PL": 0.1, "de_DE": -1}[locale]
    if locale == "de_DE":
        assert males == females


def test_faker_surnames_come_first_and_the_tail_uses_the_languages_suffixes():
    assert surname_pool("ru_RU", "male")[0][:3] == ("Смирнов", "Иванов", "Кузнецов")
    assert surname_pool("pl_PL", "female")[0][:2] == ("Kowalska", "Wiśniewska")
    ru_tail = surname_pool("ru_RU", "male")[0][1000:]
    assert np.mean([n.endswith(("ов", "ев", "ин", "ский", "цкий", "ых", "их", "ович", "енко", "ой", "ый", "ий"))
                    for n in ru_tail]) > 0.97  # fmt: skip
    pl_tail = surname_pool("pl_PL", "male")[0][5000:]
    assert np.mean([n.endswith(("ski", "cki", "dzki", "ak", "yk", "ik", "ek", "icz")) for n in pl_tail]) > 0.97


@pytest.mark.parametrize("locale", SURNAME_LOCALES)
def test_shares_are_those_of_real_populations_not_of_fakers_small_pools(locale):
    _, probs = surname_pool(locale, "female")
    assert 0.005 <= probs[0] <= 0.02  # national statistics: the commonest surname, about 0.5-2%
    assert probs[:10].sum() < 0.08 and probs[:100].sum() < 0.2
    _, faker = _pool(locale, "last_name_female")
    assert (probs**2).sum() < (faker**2).sum() / 5  # far fewer chance namesakes


def test_bad_locale_or_sex_names_the_field():
    with pytest.raises(ValidationError, match="locale"):
        surname_pool("fr_FR", "female")
    with pytest.raises(ValidationError, match="sex"):
        surname_pool("ru_RU", "f")
