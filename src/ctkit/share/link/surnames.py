"""Synthetic surname populations with a realistic long tail, per Faker locale and sex, built offline.

Faker ships a few hundred surnames per locale; drawn Zipf-weighted, that gives one surname to several per cent
of people and far more namesakes than a real register holds. Real national statistics (approximate figures
from public sources) show a flatter head and a long, roughly power-law tail of tens of thousands of names:
Smirnov is borne by about 1.8% of Russians and Ivanov by about 1.3%, Nowak by roughly 0.5-0.7% of Poles,
Müller by roughly 0.3-0.7% of Germans, Melnyk or Shevchenko by under 1% of Ukrainians; the ten commonest
Polish surnames together cover about 3%.

Each pool is a ranked list of surname *families*, each a (male, female) pair, so that a family's forms agree
(Иванов/Иванова, Kowalski/Kowalska; Ukrainian -енко and German names are the same for both sexes):

- the head: Faker's own surnames of the locale (real names), in Faker's order where that is a frequency
  order (ru_RU; pl_PL's ranked ``male_last_names``), else in a seeded shuffle;
- the tail: surnames formed the way the language forms them, from roots Faker ships (first names, stems of
  Faker's surnames, nouns and adjectives of Faker's lorem word list) and the language's surname suffixes
  (Russian -ов/-ев/-ин/-ский/-ых, Ukrainian -енко/-ук/-чук/-ишин/-ський, Polish -owski/-ak/-czyk/-ewicz,
  German -er/-mann/-s/-sen and place compounds), in tiers from plain to compound, each tier in a seeded
  shuffle, malformed strings rejected by simple spelling rules.

Weights are Zipf over ranks, rank r getting r^-s, on ``POOL_SIZE`` = 20,000 families per locale (the Russian
rules give about 20,800 well-formed ones; the others more). The exponent is 0.7 for ru_RU: top-1 1.61%, top-10
6.4%, top-100 16.9%, collision probability sum(p^2) = 7.9e-4; and 0.6 for uk_UA, pl_PL and de_DE: top-1 0.77%,
top-10 3.4%, top-100 10.7%, sum(p^2) = 2.9e-4. Faker's own pools (the distinct values of 1,500 draws, exponent
0.7) give top-1 6.8%/5.4%/4.0%/5.8% and sum(p^2) 1.3e-2/8.4e-3/4.7e-3/9.7e-3 (ru/uk/pl/de). Everything is
deterministic (sorted inputs, explicit seeds) and cached.

Example:
    >>> names, probs = surname_pool("ru_RU", "female")
    >>> names[:2], len(names)
    (('Смирнова', 'Иванова'), 20000)
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterable
from functools import cache
from importlib import import_module

import numpy as np

from ctkit.errors import ValidationError

__all__ = ["POOL_SIZE", "SURNAME_LOCALES", "surname_pool", "zipf_shares"]

POOL_SIZE = 20_000
_EXPONENT = {"ru_RU": 0.7, "uk_UA": 0.6, "pl_PL": 0.6, "de_DE": 0.6}
SURNAME_LOCALES = tuple(_EXPONENT)
_SEED = 20_261_128

Family = tuple[str, str]  # (male form, female form)


def zipf_shares(n: int, exponent: float) -> np.ndarray:
    """Shares of ranks 1..n under Zipf's law with the given exponent (they sum to 1)."""
    weights = 1.0 / np.arange(1, n + 1) ** exponent
    return weights / weights.sum()


@cache
def surname_pool(locale: str, sex: str) -> tuple[tuple[str, ...], np.ndarray]:
    """Surnames of one locale and sex, commonest first, and their population shares."""
    if sex not in ("male", "female"):
        raise ValidationError(f"sex must be 'male' or 'female', got {sex!r}")
    families = _families(locale)
    names = tuple(family[sex == "female"] for family in families)
    return names, zipf_shares(len(names), _EXPONENT[locale])


@cache
def _families(locale: str) -> tuple[Family, ...]:
    if locale not in _BUILDERS:
        raise ValidationError(f"locale must be one of {', '.join(SURNAME_LOCALES)}, got {locale!r}")
    head, head_ranked, tiers = _BUILDERS[locale]()
    valid = _VALID[locale]
    rng = np.random.default_rng([_SEED, zlib.crc32(locale.encode())])
    out: list[Family] = []
    seen: set[str] = set()
    # Head as given (Faker's real names), then each tier in a seeded shuffle, checked lazily until full.
    streams = [(head if head_ranked else _shuffled(head, rng), False), *((_shuffled(t, rng), True) for t in tiers)]
    for families, check in streams:
        for male, female in families:
            # A form may belong to one family only, else a sex's pool would hold it twice.
            if male in seen or female in seen or check and not (valid(male) and (female == male or valid(female))):
                continue
            seen.update((male, female))
            out.append((male, female))
            if len(out) == POOL_SIZE:
                return tuple(out)
    raise RuntimeError(f"{locale}: only {len(out)} surname families, fewer than {POOL_SIZE}")  # a build bug


def _shuffled(items: Iterable[Family], rng: np.random.Generator) -> list[Family]:
    ordered = sorted(set(items))  # sort first: set order differs between runs
    return [ordered[i] for i in rng.permutation(len(ordered))]


def _speller(alphabet: str, vowels: str, forbidden: str, consonants: int, vowel_run: int, longest: int) -> Callable:
    """A check that a capitalised surname uses the alphabet, is not long and has no cluster the language lacks."""
    word = re.compile(f"[{alphabet.upper()}][{alphabet}]{{2,{longest - 1}}}")
    # A soft sign does not break a consonant run (Сокольский has three consonants in a row, not two).
    runs = f"(?:[^{vowels}ь]ь?){{{consonants + 1}}}|[{vowels}]{{{vowel_run + 1}}}"
    bad = re.compile(f"{forbidden}|(.)\\1\\1|{runs}")

    def valid(name: str) -> bool:
        return bool(word.fullmatch(name)) and not bad.search(name.lower())

    return valid


_RU_VOWELS = "аеёиоуыэюя"
_UK_VOWELS = "аеєиіїоуюя"
_PL_VOWELS = "aąeęioóuy"
_DE_VOWELS = "aäeiouöüy"
_VALID = {
    # Russian and Ukrainian: no soft sign after a vowel, no й after a consonant, no ы after к/г/х or a sibilant.
    "ru_RU": _speller(
        "а-яё", _RU_VOWELS, "[аеёиоуыэюя]ь|ьь|[бвгджзклмнпрстфхцчшщ]й|й[аеиоуыэ]|[кгхжшчщц]ы|[жшчщ][яюы]|ъ", 3, 2, 14
    ),
    "uk_UA": _speller(
        "а-щьюяґєії", _UK_VOWELS, "[аеєиіїоуюя]ь|ьь|[бвгґджзклмнпрстфхцчшщ]й|й[аеиіоу]|[жшчщ][яю]|[аеиіоуя]е", 3, 2, 14
    ),
    # Polish: ć/ń/ś/ź are written ci/ni/si/zi before a vowel; no ky/gy; no Latin letters Polish lacks.
    "pl_PL": _speller(
        "a-pr-uwyząćęłńóśźż",
        _PL_VOWELS,
        f"[ćńśź][{_PL_VOWELS}]|[kgj]y|[td]i|yi|iy|ii|jj|cc|kk|ww|zz|ff|owow|ewew|ówow",
        5,
        2,
        14,
    ),
    "de_DE": _speller("a-zäöüß", _DE_VOWELS, "ßß|[äöü][aeiouäöü]", 5, 3, 15),
}


def _cap(name: str) -> str:
    return name[:1].upper() + name[1:]


def _words(locale: str, keep: Callable[[str], bool]) -> list[str]:
    """Faker's lorem words of the locale that ``keep`` accepts, lower-case, single, not long, sorted."""
    words = import_module(f"faker.providers.lorem.{locale}").Provider.word_list
    return sorted({w.lower() for w in words if w.isalpha() and 4 <= len(w) <= 9 and keep(w)})


def _stems(names: Iterable[str], endings: tuple[str, ...]) -> list[str]:
    """Lower-case stems of names with the longest listed ending removed (names without one are kept whole)."""
    out = set()
    for name in names:
        low = name.lower()
        cut = max((e for e in endings if low.endswith(e)), key=len, default="")
        stem = low[: len(low) - len(cut)]
        if len(stem) >= 3 and stem.isalpha():
            out.add(stem)
    return sorted(out)


def _person(locale: str):
    return import_module(f"faker.providers.person.{locale}").Provider


# --- Russian --------------------------------------------------------------------------------------------------


def _ru_stem(root: str) -> str:
    """A root's consonant stem: Никита -> никит, Василий -> васил, Игорь -> игор."""
    for ending in ("ий", "ый", "ой", "ей", "ай", "а", "я", "о", "е", "ь", "й"):
        if root.endswith(ending):
            return root[: -len(ending)]
    return root


def _ru_possessive(root: str) -> str | None:
    """The male possessive surname of a root (Иван -> Иванов, Андрей -> Андреев, Никита -> Никитин)."""
    if root.endswith("ий"):
        return root[:-2] + "ьев"
    if root[-1] in "йь":
        return root[:-1] + "ев"
    if root[-1] == "а":
        return root[:-1] + "ин"
    if root[-1] == "я":
        return root[:-2] + "ьин" if root[-2] in "иь" else root[:-1] + "ин"
    if root[-1] == "о":
        root = root[:-1]
    if root[-1] in _RU_VOWELS:
        return None
    return root + ("ев" if root[-1] in "жшчщ" else "ов")


def _ru_adjectival(stem: str) -> str | None:
    """The -ский/-цкий form of a consonant stem (Кузнец -> Кузнецкий, Новик -> Новицкий, Никол -> Никольский)."""
    if len(stem) < 3 or stem[-2] not in _RU_VOWELS:
        return None
    last = stem[-1]
    if last == "ц":
        return stem + "кий"
    if last in "кч":
        return stem[:-1] + "цкий"
    if last in "гхжшщ":
        return None
    return stem + ("ьский" if last == "л" else "ский")


def _ru_family(male: str) -> Family:
    male = _cap(male)
    if male.endswith("ий"):
        return male, male[:-2] + "ая"
    if male.endswith(("ов", "ев", "ин", "ын")):
        return male, male + "а"
    return male, male  # -ых, -их, -ович, -енко: the same for both sexes


def _ru() -> tuple[list[Family], bool, list[list[Family]]]:
    p = _person("ru_RU")
    head = list(zip(p.last_names_male, p.last_names_female, strict=True))
    firsts = sorted({n.lower() for n in (*p.first_names_male, *p.first_names_female)})
    stems = _stems(p.last_names_male, ("ов", "ев", "ин", "ын", "ский", "цкий"))
    adjectives = _words("ru_RU", lambda w: w.endswith(("ый", "ой")) or w.endswith(("кий", "гий", "хий")))
    nouns = _words("ru_RU", lambda w: w[-1] not in "иыуюэе" and not w.endswith(("ть", "ться", "ся", "сь", "ий")))
    nouns = [w for w in nouns if w not in adjectives]
    roots = sorted({*firsts, *stems, *nouns})
    possessives = [m for r in roots if (m := _ru_possessive(r))]
    plain = [_ru_family(m) for m in possessives]
    plain += [_ru_family(a) for r in (*roots, *possessives) if (a := _ru_adjectival(_ru_stem(r)))]  # Ивановский
    plain += [(_cap(a), _cap(a[:-2] + "ая")) for a in adjectives]  # Толстой/Толстая
    plain += [_ru_family(_ru_stem(a) + ("их" if _ru_stem(a)[-1] in "кгхжшчщ" else "ых")) for a in adjectives]
    # Diminutive and affectionate stems (Иван -> Иванков, Иванушкин, Иванищев, Иванцов), after a single
    # plain consonant so that no awkward cluster forms.
    stems_for_infix = sorted(
        {s for r in roots if len(s := _ru_stem(r)) >= 3 and s[-1] in "бвдзлмнпрстф" and s[-2] in _RU_VOWELS}
    )
    infixes = ("ков", "кин", "иков", "ушкин", "ечкин", "цов", "ищев", "енков", "ухин", "ышев", "ятин", "улин")
    derived = [_ru_family(s + infix) for s in stems_for_infix for infix in infixes]
    derived += [_ru_family(s + suffix) for s in stems_for_infix for suffix in ("ович", "енко")]
    prefixes = ("бело", "черно", "красно", "ново", "старо", "добро", "толсто", "криво", "долго", "остро", "сухо",
                "мало", "зло", "быстро", "тихо", "голо", "широко", "сладко", "велико", "круто", "тонко", "чисто",
                "косо", "ясно", "мягко", "твердо", "благо", "зелено", "серо", "рябо", "кругло", "сине", "тепло",
                "горбо", "лысо", "бого")  # fmt: skip
    compound = [_ru_family(m) for pre in prefixes for s in sorted({*stems, *nouns}) if (m := _ru_possessive(pre + s))]
    return head, True, [plain, derived, compound]


# --- Ukrainian ------------------------------------------------------------------------------------------------


_UK_SUFFIXES = ("енко", "ук", "чук", "ак", "ик", "ишин", "ів", "ович", "ець", "ко", "ський")
_UK_DERIVED = ("ченко", "чишин", "иків", "енків", "ейко", "очко", "ечко", "ишко", "усь", "ащук")


def _uk_stem(root: str) -> str:
    for ending in ("ій", "ий", "ай", "ей", "а", "я", "о", "е", "і", "и", "й"):
        if root.endswith(ending):
            return root[: -len(ending)]
    return root


def _uk_join(stem: str, suffix: str) -> str | None:
    """Stem + suffix with the junction Ukrainian writes (Коваль + ук -> Ковалюк, Новик + ський -> Новицький)."""
    soft = stem.endswith("ь")
    if suffix == "ський":
        base = stem[:-1] if soft else stem
        if len(base) < 3 or base[-2] not in _UK_VOWELS:
            return None
        if base[-1] == "ц":
            return base + "ький"
        if base[-1] in "кч":
            return base[:-1] + "цький"
        if base[-1] in "гхжшщ":
            return None
        return base + ("ьський" if base[-1] == "л" else "ський")
    if suffix[0] in _UK_VOWELS:
        if soft:
            stem = stem[:-1]
            suffix = {"ук": "юк", "ак": "як"}.get(suffix, suffix)
        return stem + suffix
    return stem + suffix  # чук, ко keep the soft sign: Ковальчук, Ковалько


def _uk_family(male: str) -> Family:
    male = _cap(male)
    if male.endswith("ий"):
        return male, male[:-2] + "а"
    if male.endswith("ишин"):
        return male, male + "а"
    return male, male


def _uk_head(p) -> list[Family]:
    # Faker's gendered-only lists: adjectival males pair with their -а forms; -ишина females with -ишин.
    female_only = set(p.last_names_female_only)
    pairs = [(m, m[:-2] + "а") for m in p.last_names_male_only if m[:-2] + "а" in female_only]
    paired = {f for _, f in pairs}
    pairs += [(f[:-1], f) for f in p.last_names_female_only if f not in paired]
    return pairs + [(n, n) for n in p.last_names_common]


def _uk() -> tuple[list[Family], bool, list[list[Family]]]:
    p = _person("uk_UA")
    endings = ("енко", "ченко", "чук", "юк", "ук", "ський", "цький", "ишин", "ович", "евич", "ів", "ець", "ко", "ик",
               "як", "ак")  # fmt: skip
    stems = _stems(p.last_names, endings)
    firsts = sorted({_uk_stem(n.lower()) for n in (*p.first_names_male, *p.first_names_female)})
    adjectives = _words("uk_UA", lambda w: w.endswith("ий"))
    nouns = _words("uk_UA", lambda w: not w.endswith(("ти", "тися", "ся", "ий", "ій", "но", "ше", "ко")))
    nouns = sorted({_uk_stem(n) for n in nouns})
    roots = sorted({*firsts, *stems, *nouns})
    roots = [r for r in roots if len(r) >= 3 and r[-1] not in _UK_VOWELS]
    plain = [_uk_family(j) for r in roots for s in _UK_SUFFIXES if (j := _uk_join(r, s))]
    plain += [_uk_family(a) for a in adjectives]  # Тихий/Тиха
    # Further name-derived forms (Іванченко, Іваночко, Іваненків, Іваницький, Івановський).
    name_roots = [r for r in roots if r not in nouns]
    derived = [_uk_family(j) for r in name_roots for s in _UK_DERIVED
               if (s not in ("ченко", "чишин") or r[-1] in "нлр") and (j := _uk_join(r, s))]  # fmt: skip
    derived += [_uk_family(j) for r in name_roots for link in ("иц", "ов") if (j := _uk_join(r + link, "ський"))]
    prefixes = ("біло", "чорно", "криво", "ново", "старо", "добро", "сиво", "голо", "мало", "довго", "тихо", "золото")
    noun_stems = sorted({*stems, *nouns})
    compound = [_uk_family(j) for pre in prefixes for r in noun_stems for s in ("енко", "ук", "ський", "ак")
                if (s not in ("ук", "ак") or r[-1] in "бвдзлмнпрсфч") and (j := _uk_join(pre + r, s))]  # fmt: skip
    return _uk_head(p), False, [plain, derived, compound]


# --- Polish ---------------------------------------------------------------------------------------------------

_PL_SOFT_END = ("c", "cz", "sz", "rz", "ż", "dz", "l", "j", "ś", "ć", "ń", "ź")
_PL_SOFTEN = {"ń": "ni", "ś": "si", "ć": "ci", "ź": "zi"}


def _pl_stem(root: str) -> str:
    """Consonant stem: final vowels dropped, a fleeting e dropped (Marek -> mark, Paweł -> pawł)."""
    root = root.lower().rstrip("aeioyąę")
    if len(root) >= 4 and root[-2] == "e" and root[-1] in "kł" and root[-3] not in _PL_VOWELS:
        root = root[:-2] + root[-1]
    return root


def _pl_join(stem: str, suffix: str) -> str | None:
    soft = stem.endswith(_PL_SOFT_END)
    if suffix in ("owski", "owicz") and soft or suffix in ("ewski", "ewicz") and not soft:
        return None
    if suffix == "cki":
        return {"k": stem[:-1] + "cki", "t": stem[:-1] + "cki", "d": stem[:-1] + "dzki"}.get(stem[-1])
    if suffix == "iak" and stem[-1] not in "pbmwszn":
        return None
    if suffix in ("ik", "ek", "iński") and stem.endswith(("cz", "sz", "rz", "ż", "k", "g", "ch", "j")):
        return None
    if suffix == "yk" and not stem.endswith(("cz", "sz", "rz", "ż")):
        return None
    if suffix in ("czak", "czyk") and stem[-1] not in "nlrłwmj":
        return None
    if suffix[0] in _PL_VOWELS and stem[-1] in _PL_SOFTEN:
        stem = stem[:-1] + _PL_SOFTEN[stem[-1]]
    return stem + suffix


def _pl_family(male: str) -> Family:
    male = _cap(male)
    if male.endswith("ki"):
        return male, male[:-1] + "a"  # Kowalski/Kowalska, Zawadzki/Zawadzka
    if male.endswith("y") and len(male) > 3 and male[-2] not in _PL_VOWELS:
        return male, male[:-1] + "a"  # adjectival: Ważny/Ważna
    return male, male


_PL_SUFFIXES = ("owski", "ewski", "iński", "ak", "iak", "czak", "czyk", "ik", "yk", "ek", "owicz", "ewicz", "cki")


def _pl() -> tuple[list[Family], bool, list[list[Family]]]:
    p = _person("pl_PL")
    ranked = [_pl_family(n) for n in p.male_last_names]
    rng = np.random.default_rng([_SEED, 1])
    head = ranked + _shuffled({_pl_family(n) for n in p.unisex_last_names}, rng)
    endings = ("owski", "ewski", "iński", "yński", "ański", "ski", "cki", "dzki", "czak", "czyk", "iak", "ak", "ik",
               "yk", "ek", "owicz", "ewicz", "ka", "a", "o")  # fmt: skip
    stems = _stems((*p.male_last_names, *p.unisex_last_names), endings)
    firsts = [_pl_stem(n) for n in (*p.first_names_male, *p.first_names_female)]
    # Faker's ~3,900 Polish surnames give stems enough: no lorem words needed.
    roots = sorted({s for s in (*stems, *firsts) if len(s) >= 3 and s[-1] not in _PL_VOWELS})
    plain = [_pl_family(j) for r in roots for s in _PL_SUFFIXES if (j := _pl_join(r, s))]
    # Diminutive stems: Jan -> Jank -> Jankowski, Jankiewicz; Jan -> Jancz -> Janczak, Janczyk, Janczewski.
    derived = [_pl_family(j) for r in roots for infix, suffixes in (("k", ("owski", "iewicz")),
               ("cz", ("ak", "yk", "ewski")), ("ul", ("ak", "ski", "ewicz")), ("ow", ("iak", "ski", "icz")))
               if r[-2] in _PL_VOWELS and (infix != "cz" or r[-1] in "nlrłwmj")
               for s in suffixes if (j := _pl_join(r + infix, s))]  # fmt: skip
    return head, True, [plain + derived]  # Polish stems alone give more than enough: no compounds needed


# --- German ---------------------------------------------------------------------------------------------------

_DE_ELEMENTS = ("berg", "bach", "feld", "stein", "hof", "dorf", "hausen", "brink", "kamp", "wald", "hagen", "beck",
                "meier", "bauer", "huber", "born", "horst", "mann", "heim", "rath", "thal", "burg", "hardt", "brock",
                "haus", "grund", "bühl", "rode", "kirch", "brunn", "winkel", "hain")  # fmt: skip
_DE_PREFIXES = ("Neu", "Alt", "Groß", "Klein", "Ober", "Nieder", "Hoch", "Schön", "Rot", "Schwarz", "Weiß", "Lang",
                "Kurz", "Grün", "Braun", "Rosen", "Linden", "Eichen", "Birken", "Buchen", "Tannen", "Mühl", "Stein",
                "Wald", "Sonnen", "Frieden", "Wester", "Oster", "Sud", "Nord")  # fmt: skip


def _de_er(root: str) -> str:
    """The -er form of a place or trade word: Berg -> Berger, Brunnen -> Brunner, Linde -> Linder."""
    if root.endswith("en"):
        return root[:-2] + "er"
    return root + ("r" if root.endswith("e") else "er")


def _de() -> tuple[list[Family], bool, list[list[Family]]]:
    p = _person("de_DE")
    head = [(n, n) for n in p.last_names if re.fullmatch(r"[A-ZÄÖÜ][a-zäöüß]+(-[A-ZÄÖÜ][a-zäöüß]+)?", n)]
    stems = [_cap(s) for s in _stems(p.last_names, ("mann", "ner", "ler", "er", "sen", "s", "e"))]
    nouns = [_cap(w) for w in _words("de_DE", lambda w: w[0].isupper())]
    given = sorted(n for n in p.first_names_male if n[-1] not in "aeiousxzhy")
    roots = sorted({*stems, *nouns})
    plain = [n for r in roots for n in (_de_er(r), r + "mann")]
    plain += [n for g in given for n in (g + "s", g + "sen")]  # Peters, Petersen
    firsts = sorted({*_DE_PREFIXES, *roots})
    derived = [f + e for f in firsts for e in _DE_ELEMENTS]
    compound = [_de_er(f + e) for f in firsts for e in _DE_ELEMENTS if e not in ("mann", "meier", "bauer", "huber")]
    return head, False, [[(n, n) for n in tier] for tier in (plain, derived, compound)]


_BUILDERS = {"ru_RU": _ru, "uk_UA": _uk, "pl_PL": _pl, "de_DE": _de}
