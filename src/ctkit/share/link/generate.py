"""Synthetic linked registers with realistic errors and known true matches, generated as a stream.

A population of synthetic people (Faker ru_RU, uk_UA, pl_PL and de_DE first names and patronymics,
Zipf-distributed like real name frequencies) is captured by several agency lists. Surnames come by default
(``surnames="long_tail"``) from :mod:`ctkit.share.link.surnames`: 20,000 per locale and sex, Faker's real ones
first and then ones formed the way each language forms surnames, Zipf-weighted so that the commonest is borne by
about 1.6% (ru) or 0.8% (uk, pl, de) of people, as in national statistics. ``surnames="faker"`` draws them from
Faker's few hundred instead (one surname for up to 7% of people, many more namesakes than a real register),
exactly as earlier versions did, so that earlier figures can be reproduced.

Each list renders Cyrillic names in its own way (Cyrillic, ICAO, BGN/PCGN, German, Polish) and each record may
carry errors: a spelling variant from another scheme, a typo, first and last name swapped, a missing or mistyped
birth date, missing sex, nationality or place, a miscoded sex (``miscoded``) or nationality (twice that rate). With
``identifiers`` (the default) records also carry what agencies record beyond the name, when they record it: the
patronymic (``middle_name``: people from the former Soviet Union have one; police registers nearly always write it,
foreign ones seldom) and an identity document (``document_number``, ``document_country``: an internal passport at
home, a foreign passport abroad, renewed passports, typed with typos and transposed digits). These are drawn from a
random stream of their own, so the other columns are the same with or without them. The column ``person_id`` is the
truth; linkage code must never read it.

Example:
    >>> cfg = GeneratorConfig(n_records=1_000, seed=7)
    >>> frame = next(iter_records(cfg))
    >>> sorted(frame.columns)[:3]
    ['birth_date', 'first_name', 'list']
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ctkit.errors import ValidationError
from ctkit.share.link.surnames import surname_pool
from ctkit.share.link.translit import transliterate

__all__ = ["GeneratorConfig", "RECORD_COLUMNS", "iter_records", "name_frequencies", "write_registers"]

RECORD_COLUMNS = (
    "list", "record_id", "person_id", "first_name", "last_name", "birth_date", "sex", "nationality",
    "place_of_origin", "middle_name", "document_number", "document_country",
)  # fmt: skip
_SCHEMES = ("cyrillic", "icao", "de", "bgn", "pl")
_DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y")
_NATIONALITIES = {  # alpha-3 -> (share, Faker locale, places of origin)
    "RUS": (0.45, "ru_RU", ("Калининград", "Советск", "Черняховск", "Гусев", "Балтийск", "Псков", "Москва")),
    "UKR": (0.18, "uk_UA", ("Київ", "Львів", "Одеса", "Харків", "Вінниця")),
    "BLR": (0.07, "ru_RU", ("Минск", "Гродно", "Брест")),
    "MDA": (0.05, "ru_RU", ("Кишинёв", "Бельцы")),
    "UZB": (0.08, "ru_RU", ("Ташкент", "Самарканд", "Фергана")),
    "POL": (0.09, "pl_PL", ("Gdańsk", "Olsztyn", "Elbląg", "Białystok")),
    "DEU": (0.08, "de_DE", ("Berlin", "Hamburg", "Köln")),
}
# Identity documents per nationality: (internal document or None, foreign passport), as a format string where
# 9 is a digit and C a Cyrillic series letter that looks like a Latin one (old Ukrainian passport booklets).
_DOCUMENTS = {
    "RUS": ("9999 999999", "99 9999999"), "UKR": ("CC 999999", "LL999999"), "BLR": (None, "LL9999999"),
    "MDA": (None, "L99999999"), "UZB": (None, "LL9999999"), "POL": ("LLL999999", "LL9999999"),
    "DEU": (None, "L99999999"),
}  # fmt: skip
_SERIES_CYRILLIC = "АВЕІКМНОРСТХ"
_SERIES_LATIN = "ABCEHKMNPRSTX"
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_CYRILLIC = "абвгдежзиклмнопрстуфхцчшы"
SURNAME_POOLS = ("long_tail", "faker")


@dataclass(frozen=True)
class GeneratorConfig:
    """What to generate. Rates are per record; ``capture`` is each list's capture probability."""

    n_records: int
    lists: tuple[str, ...] = ("police", "ngo", "foreign")
    capture: tuple[float, ...] = (0.55, 0.45, 0.35)
    duplicate: float = 0.03
    variant: float = 0.15
    typo: float = 0.06
    swap: float = 0.03
    missing_birth_date: float = 0.04
    birth_date_error: float = 0.03
    missing_other: float = 0.03
    miscoded: float = 0.01
    identifiers: bool = True
    # Per list: the chance a record carries the patronymic (when the person has one) and an identity document.
    middle_name_recorded: tuple[float, ...] = (0.9, 0.5, 0.15)
    document_recorded: tuple[float, ...] = (0.5, 0.25, 0.5)
    document_typo: float = 0.03
    passport_renewed: float = 0.1
    seed: int = 0
    chunk_persons: int = 25_000
    surnames: str = "long_tail"  # or "faker": Faker's small surname pools, as before the long tail

    def __post_init__(self) -> None:
        _check_surnames(self.surnames)

    def expected_records_per_person(self) -> float:
        p = np.asarray(self.capture[: len(self.lists)])
        return float(p.sum() / (1 - np.prod(1 - p)) * (1 + self.duplicate))

    def n_persons(self) -> int:
        return max(1, math.ceil(self.n_records / self.expected_records_per_person()))


@lru_cache(maxsize=16)
def _pool(locale: str, kind: str) -> tuple[tuple[str, ...], np.ndarray]:
    """Distinct names of one Faker locale and kind with Zipf weights (rank r gets r^-0.7), deterministic."""
    from faker import Faker

    fake = Faker(locale)
    fake.seed_instance(20_061_128)
    method = getattr(fake, kind)
    names = tuple(dict.fromkeys(method() for _ in range(1500)))
    # Zipf with exponent 0.7: the commonest name gets a few per cent, as surnames do in national statistics.
    weights = 1.0 / np.arange(1, len(names) + 1) ** 0.7
    return names, weights / weights.sum()


def _check_surnames(surnames: str) -> None:
    if surnames not in SURNAME_POOLS:
        raise ValidationError(f"surnames must be one of {', '.join(SURNAME_POOLS)}, got {surnames!r}")


def _names(locale: str, kind: str, surnames: str) -> tuple[tuple[str, ...], np.ndarray]:
    """The pool a kind of name is drawn from: the long-tail surnames or Faker's own."""
    if surnames == "long_tail" and kind.startswith("last_name_"):
        return surname_pool(locale, kind.removeprefix("last_name_"))
    return _pool(locale, kind)


@lru_cache(maxsize=64)
def _cdf(locale: str, kind: str, surnames: str) -> tuple[tuple[str, ...], np.ndarray]:
    # Computed as Generator.choice(p=...) computes it, so a draw equals rng.choice(len(names), p=probs).
    names, probs = _names(locale, kind, surnames)
    cdf = probs.cumsum()
    cdf /= cdf[-1]
    return names, cdf


def _draw(locale: str, kind: str, surnames: str, rng: np.random.Generator) -> str:
    """One name; one uniform draw and a binary search, not O(pool) work per draw as ``rng.choice`` does."""
    names, cdf = _cdf(locale, kind, surnames)
    return names[int(cdf.searchsorted(rng.random(), side="right"))]


def name_frequencies(
    kind: str = "last_name_female", locale: str = "ru_RU", surnames: str = "long_tail"
) -> pd.DataFrame:
    """The public name-frequency list an attacker would hold: ``name`` and ``share`` for one pool."""
    _check_surnames(surnames)
    names, probs = _names(locale, kind, surnames)
    return pd.DataFrame({"name": names, "share": probs})


def _persons(cfg: GeneratorConfig, rng: np.random.Generator, start: int, n: int) -> pd.DataFrame:
    codes = list(_NATIONALITIES)
    shares = np.array([_NATIONALITIES[c][0] for c in codes])
    nat = rng.choice(len(codes), size=n, p=shares / shares.sum())
    female = rng.random(n) < 0.7  # most identified victims in the region are women and girls
    days = rng.integers(0, (date(2010, 12, 31) - date(1960, 1, 1)).days, size=n)
    firsts, lasts, places = [], [], []
    for i in range(n):
        _, locale, place_pool = _NATIONALITIES[codes[nat[i]]]
        sex = "female" if female[i] else "male"
        firsts.append(_draw(locale, f"first_name_{sex}", cfg.surnames, rng))
        lasts.append(_draw(locale, f"last_name_{sex}", cfg.surnames, rng))
        places.append(place_pool[rng.integers(len(place_pool))])
    return pd.DataFrame({
        "person_id": np.arange(start, start + n),
        "first_name": firsts, "last_name": lasts, "place_of_origin": places,
        "birth": [date(1960, 1, 1) + timedelta(days=int(d)) for d in days],
        "sex": np.where(female, "female", "male"), "nationality": [codes[k] for k in nat],
    })  # fmt: skip


def _document(pattern: str, rng: np.random.Generator) -> str:
    out = []
    for ch in pattern:
        if ch == "9":
            out.append(str(rng.integers(10)))
        elif ch == "C":
            out.append(_SERIES_CYRILLIC[rng.integers(len(_SERIES_CYRILLIC))])
        elif ch == "L":
            out.append(_SERIES_LATIN[rng.integers(len(_SERIES_LATIN))])
        else:
            out.append(ch)
    return "".join(out)


def _identifiers(people: pd.DataFrame, cfg: GeneratorConfig, rng: np.random.Generator) -> pd.DataFrame:
    """Each person's patronymic (None outside the ex-Soviet locales) and identity documents."""
    middles, internal, passports, old_passports = [], [], [], []
    for person in people.itertuples(index=False):
        _, locale, _ = _NATIONALITIES[person.nationality]
        if locale in ("ru_RU", "uk_UA"):
            middles.append(_draw(locale, f"middle_name_{person.sex}", cfg.surnames, rng))
        else:
            middles.append(None)
        inner, foreign = _DOCUMENTS[person.nationality]
        internal.append(_document(inner, rng) if inner else None)
        passports.append(_document(foreign, rng))
        old_passports.append(_document(foreign, rng) if rng.random() < cfg.passport_renewed else None)
    return pd.DataFrame({"middle_name": middles, "internal_document": internal, "passport": passports,
                         "old_passport": old_passports, "nationality": people["nationality"]},
                        dtype=object)  # fmt: skip


def _render_document(number: str, list_index: int, cfg: GeneratorConfig, rng: np.random.Generator) -> str:
    """As a list types it: the police keep spaces and Cyrillic series, others drop spaces and write Latin."""
    if list_index != 0:
        lookalike = str.maketrans("АВЕІКМНОРСТХ", "ABEIKMHOPCTX")
        number = number.translate(lookalike).replace(" ", "")
        if list_index == 1 and rng.random() < 0.3:
            number = f"{number[:2]}-{number[2:]}"
    elif rng.random() < 0.2:
        number = "№ " + number
    if rng.random() < cfg.document_typo:
        digits = [i for i, ch in enumerate(number) if ch.isdigit()]
        i = digits[int(rng.integers(len(digits) - 1))]
        if rng.random() < 0.5 and number[i + 1].isdigit():  # adjacent digits transposed
            number = number[:i] + number[i + 1] + number[i] + number[i + 2 :]
        else:
            number = number[:i] + str(rng.integers(10)) + number[i + 1 :]
    return number


def _record_identifiers(
    ids: tuple, list_index: int, scheme: str, cfg: GeneratorConfig, rng: np.random.Generator
) -> dict:
    """Patronymic and document on one record, as the list records them (often not at all)."""
    middle = None
    if isinstance(ids.middle_name, str) and rng.random() < cfg.middle_name_recorded[list_index % 3]:
        middle = _render(ids.middle_name, scheme)
        middle = _typo(middle, rng) if rng.random() < cfg.typo else middle
    number, country = None, None
    if rng.random() < cfg.document_recorded[list_index % 3]:
        # At home the internal passport; abroad the foreign one (an older one if it was renewed since).
        at_home = list_index == 0 and isinstance(ids.internal_document, str) and rng.random() < 0.8
        number = ids.internal_document if at_home else ids.passport
        if not at_home and isinstance(ids.old_passport, str) and rng.random() < 0.5:
            number = ids.old_passport
        number = _render_document(number, list_index, cfg, rng)
        country = ids.nationality if list_index != 0 and rng.random() < 0.8 else None
    return {"middle_name": middle, "document_number": number, "document_country": country}


def _typo(text: str, rng: np.random.Generator) -> str:
    if len(text) < 3:
        return text
    pos = int(rng.integers(1, len(text) - 1))
    alphabet = _CYRILLIC if any("а" <= ch.lower() <= "я" for ch in text) else _LETTERS
    kind = rng.integers(4)
    letter = alphabet[rng.integers(len(alphabet))]
    if kind == 0:
        return text[:pos] + letter + text[pos + 1 :]
    if kind == 1:
        return text[:pos] + text[pos + 1 :]
    if kind == 2:
        return text[:pos] + letter + text[pos:]
    return text[: pos - 1] + text[pos] + text[pos - 1] + text[pos + 1 :]


def _render(text: str, scheme: str) -> str:
    return text if scheme == "cyrillic" else transliterate(text, "icao" if scheme == "cyrillic" else scheme)


def _birth(birth: date, fmt: str, cfg: GeneratorConfig, rng: np.random.Generator) -> str | None:
    roll = rng.random()
    if roll < cfg.missing_birth_date:
        return None
    if roll < cfg.missing_birth_date + cfg.birth_date_error:
        if birth.day <= 12 and birth.day != birth.month:
            birth = birth.replace(day=birth.month, month=birth.day)
        else:
            birth = birth + timedelta(days=int(rng.choice([-1, 1, 31, -31, 365, -365])))
    return birth.strftime(fmt)


def _record(person: pd.Series, list_index: int, cfg: GeneratorConfig, rng: np.random.Generator) -> tuple[dict, str]:
    scheme = _SCHEMES[list_index % len(_SCHEMES)]
    if rng.random() < cfg.variant:
        scheme = _SCHEMES[rng.integers(len(_SCHEMES))]
    first, last = _render(person.first_name, scheme), _render(person.last_name, scheme)
    first = _typo(first, rng) if rng.random() < cfg.typo else first
    last = _typo(last, rng) if rng.random() < cfg.typo else last
    if rng.random() < cfg.swap:
        first, last = last, first
    if rng.random() < 0.2:
        first, last = first.upper(), last.upper()
    missing = rng.random(3) < cfg.missing_other
    sex = person.sex if rng.random() >= cfg.miscoded else ("male" if person.sex == "female" else "female")
    nationality = person.nationality if rng.random() >= 2 * cfg.miscoded else "RUS"
    return {
        "list": cfg.lists[list_index], "person_id": int(person.person_id), "first_name": first, "last_name": last,
        "birth_date": _birth(person.birth, _DATE_FORMATS[list_index % len(_DATE_FORMATS)], cfg, rng),
        "sex": None if missing[0] else sex, "nationality": None if missing[1] else nationality,
        "place_of_origin": None if missing[2] else _render(person.place_of_origin, scheme),
    }, scheme  # fmt: skip


def _captures(cfg: GeneratorConfig, rng: np.random.Generator, n: int) -> np.ndarray:
    """Capture matrix (n x lists), every row on at least one list (the people no list saw are not generated)."""
    p = np.asarray(cfg.capture[: len(cfg.lists)])
    caught = rng.random((n, len(p))) < p
    empty = ~caught.any(axis=1)
    while empty.any():
        caught[empty] = rng.random((int(empty.sum()), len(p))) < p
        empty = ~caught.any(axis=1)
    return caught


def iter_records(cfg: GeneratorConfig) -> Iterator[pd.DataFrame]:
    """Yield the registers' records in chunks of about ``chunk_persons`` people, columns ``RECORD_COLUMNS``.

    Deterministic for a given config. Record ids are unique over all lists (``<list>-<n>``). Memory stays
    bounded by one chunk, so 1M records stream without holding the population.
    """
    rng = np.random.default_rng(cfg.seed)
    id_rng = np.random.default_rng([cfg.seed, 7])  # a stream of its own: other columns do not depend on it
    counters = dict.fromkeys(cfg.lists, 0)
    total = cfg.n_persons()
    empty = dict.fromkeys(("middle_name", "document_number", "document_country"))
    for start in range(0, total, cfg.chunk_persons):
        people = _persons(cfg, rng, start, min(cfg.chunk_persons, total - start))
        caught = _captures(cfg, rng, len(people))
        ids = list(_identifiers(people, cfg, id_rng).itertuples(index=False)) if cfg.identifiers else None
        rows = []
        for k, (person, lists) in enumerate(zip(people.itertuples(index=False), caught, strict=True)):
            for j in np.flatnonzero(lists):
                copies = 2 if rng.random() < cfg.duplicate else 1
                for _ in range(copies):
                    row, scheme = _record(person, int(j), cfg, rng)
                    extra = empty if ids is None else _record_identifiers(ids[k], int(j), scheme, cfg, id_rng)
                    row.update(extra)
                    counters[row["list"]] += 1
                    row["record_id"] = f"{row['list']}-{counters[row['list']]:08d}"
                    rows.append(row)
        yield pd.DataFrame(rows, columns=list(RECORD_COLUMNS))


def write_registers(cfg: GeneratorConfig, out_dir: Path) -> dict[str, Path]:
    """Stream the registers to ``out_dir/<list>.parquet`` plus ``truth.parquet`` (record_id -> person_id).

    The list files hold no ``person_id``. Returns the written paths by list name (and ``"truth"``).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {name: out_dir / f"{name}.parquet" for name in (*cfg.lists, "truth")}
    writers: dict[str, pq.ParquetWriter] = {}
    try:
        for chunk in iter_records(cfg):
            parts = {name: chunk[chunk["list"] == name].drop(columns=["person_id"]) for name in cfg.lists}
            parts["truth"] = chunk[["list", "record_id", "person_id"]]
            for name, part in parts.items():
                table = pa.Table.from_pandas(part, preserve_index=False, schema=_schema(name == "truth"))
                if name not in writers:
                    writers[name] = pq.ParquetWriter(paths[name], table.schema)
                writers[name].write_table(table)
    finally:
        for writer in writers.values():
            writer.close()
    return paths


def _schema(truth: bool):
    import pyarrow as pa

    if truth:
        return pa.schema([("list", pa.string()), ("record_id", pa.string()), ("person_id", pa.int64())])
    return pa.schema([(c, pa.string()) for c in RECORD_COLUMNS if c != "person_id"])
