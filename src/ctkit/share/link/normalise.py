"""Normalisation shared by plaintext linkage (Splink) and privacy-preserving encodings (CLK).

Both paths must see the same text for the same person, so both call these functions and nothing else:

* :func:`normalise_text`: Unicode NFKC, Cyrillic -> Latin (ICAO 9303), case folding, diacritics removed, anything
  but letters, digits and single spaces dropped;
* :func:`name_key`: a coarser key that folds the spelling variants registers produce for one Cyrillic name
  (Ivanov / Iwanow / Ivanoff, Sergei / Sergey / Sergej, Yuriy / Iurii / Jurij);
* :func:`parse_date`: the date formats agencies type (ISO, ``dd.mm.yyyy``, ``dd/mm/yyyy``, ``yyyymmdd``);
* :func:`document_key`: an identity-document number without spacing or punctuation, Cyrillic letters that look
  like Latin ones folded to them (a series typed as КМ or KM), upper case.

Example:
    >>> normalise_text("  Łukasz  Żółć ")
    'lukasz zolc'
    >>> name_key("Iwanow") == name_key("Ivanoff") == name_key("Иванов")
    True
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache
from typing import Final

from ctkit.share.link.translit import transliterate

__all__ = ["document_key", "name_key", "normalise_text", "parse_date", "split_full_name"]

# Letters NFKD does not decompose into base + mark.
_SPECIAL_LATIN: Final[dict[str, str]] = {"ł": "l", "ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ı": "i"}
_NON_WORD = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")

# Ordered rewrite rules from the German, Polish, BGN and ICAO renderings to one key. Order matters: longer
# clusters first, so "schtsch" is not eaten by "sch".
_KEY_RULES: Final[tuple[tuple[str, str], ...]] = (
    (r"schtsch", "shch"), (r"szcz", "shch"), (r"tsch", "ch"), (r"sch", "sh"), (r"sz", "sh"), (r"cz", "ch"),
    (r"rz", "zh"), (r"kh", "h"), (r"ch(?=[^aeiou]|$)", "h"), (r"ph", "f"), (r"w", "v"), (r"ck", "k"),
    (r"ff\b", "v"), (r"tz", "ts"), (r"x", "ks"), (r"j", "i"), (r"y", "i"), (r"\bie", "e"),
    # German renders both zh and sh as "sch", z for ts and s for z: fold each family together.
    (r"zh", "sh"), (r"ts", "s"), (r"c(?!h)", "s"), (r"z", "s"), (r"(.)\1+", r"\1"),
)  # fmt: skip
_COMPILED_RULES: Final = tuple((re.compile(pattern), repl) for pattern, repl in _KEY_RULES)

# Cyrillic capitals that share a glyph with a Latin one: a clerk copying a passport series types either. This is
# a visual fold, not a transliteration (В is B here, not V).
_LOOKALIKES: Final = str.maketrans("АВЕЁІЇКМНОРСТУХ", "ABEEIIKMHOPCTYX")
_DOCUMENT_PREFIX = re.compile(r"^\s*(№|N[oO°º]\.?(?=[\s\d]))\s*")
_NOT_ALNUM = re.compile(r"[^A-Z0-9]+")
_MIN_DOCUMENT = 5  # shorter keys are not identity-document numbers (a stray "N/A", a series alone)

_DATE_FORMATS: Final[tuple[str, ...]] = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%Y/%m/%d", "%Y%m%d", "%d-%m-%Y")


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(_SPECIAL_LATIN.get(ch, ch) for ch in bare)


@lru_cache(maxsize=1 << 16)  # names repeat (Zipf): caching makes a million records cheap
def normalise_text(value: str | None) -> str | None:
    """Canonical Latin form of a name or place; None for None or a value with no letters or digits.

    Cyrillic is transliterated with ICAO 9303 (Ukrainian letters detected per value) *before* case folding, so
    ``Иванов`` and ``IVANOV`` give the same result. Pure function, no errors.
    """
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", str(value))
    text = transliterate(text, "icao").casefold()
    text = _strip_marks(text)
    text = _SPACES.sub(" ", _NON_WORD.sub(" ", text)).strip()
    return text or None


@lru_cache(maxsize=1 << 16)
def name_key(value: str | None) -> str | None:
    """Spelling-variant key of a name: :func:`normalise_text`, then the ordered rules of ``_KEY_RULES``.

    Lossy on purpose (it merges different names too, e.g. every ``y``/``j`` becomes ``i``); use it for blocking
    and as one comparison level, never as the only evidence. None when the value is empty.
    """
    if value is None:
        return None
    # Polish marks zh with a dot (Żukow); keep that before normalise_text strips the mark.
    text = normalise_text(str(value).replace("ż", "zh").replace("Ż", "Zh"))
    if text is None:
        return None
    for pattern, repl in _COMPILED_RULES:
        text = pattern.sub(repl, text)
    return text.replace(" ", "") or None


@lru_cache(maxsize=1 << 16)
def document_key(value: str | None) -> str | None:
    """Comparable form of one identity-document number; None when empty or too short to identify anything.

    ``№ 45 10 123456``, ``4510-123456`` and ``4510123456`` give one key, as do the series ``КМ`` (Cyrillic) and
    ``KM`` (Latin). Digits are kept as typed: a typo is left for the comparison's edit-distance level.
    """
    if value is None:
        return None
    text = _DOCUMENT_PREFIX.sub("", unicodedata.normalize("NFKC", str(value)))  # NFKC turns № into "No"
    text = _NOT_ALNUM.sub("", text.upper().translate(_LOOKALIKES))
    return text if len(text) >= _MIN_DOCUMENT else None


def split_full_name(value: str | None) -> tuple[str | None, str | None]:
    """Split a one-field full name into (first, last) by the last space; (None, None) for an empty value."""
    text = normalise_text(value)
    if text is None:
        return None, None
    first, _, last = text.rpartition(" ")
    return (first or None), last


def parse_date(value: object) -> date | None:
    """A birth date from a ``date``, ``datetime`` or one of ``_DATE_FORMATS``; None when empty or unparseable.

    Lenient on purpose: a register with a few typed-in garbage dates should still link on its other fields, so
    an impossible date becomes "unknown" rather than an error.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return _parse_date_text(str(value).strip())


@lru_cache(maxsize=1 << 16)
def _parse_date_text(text: str) -> date | None:
    if not text or text.lower() in {"nan", "nat", "none", "null"}:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
