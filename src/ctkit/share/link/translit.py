"""Table-driven Cyrillic-to-Latin transliteration for Russian and Ukrainian names.

Each scheme is a plain table (lower-case Cyrillic letter -> Latin string). ``icao`` follows ICAO Doc 9303 (the
machine-readable passport zone, 2015 tables), ``bgn`` follows BGN/PCGN (simplified: no apostrophes, no
position-dependent "ye"), and ``de``/``pl`` are the German and Polish renderings foreign registers use. The
generator renders names with every scheme; linkage folds them all back with :func:`ctkit.share.link.normalise.name_key`.

Example:
    >>> transliterate("Иванов", "icao")
    'Ivanov'
    >>> transliterate("Олійник", "icao")
    'Oliinyk'
"""

from __future__ import annotations

from typing import Final

__all__ = ["SCHEMES", "is_ukrainian", "transliterate"]

# Shared part of the Russian tables; Ukrainian overrides below.
_ICAO_RU: Final[dict[str, str]] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y",
    "ь": "", "э": "e", "ю": "iu", "я": "ia",
}  # fmt: skip
_ICAO_UK: Final[dict[str, str]] = {
    **_ICAO_RU, "г": "h", "ґ": "g", "е": "e", "є": "ie", "и": "y", "і": "i", "ї": "i", "й": "i", "'": "", "’": "",
}  # fmt: skip
_BGN_RU: Final[dict[str, str]] = {
    **_ICAO_RU, "ё": "yo", "й": "y", "ъ": "", "ы": "y", "ю": "yu", "я": "ya",
}  # fmt: skip
_BGN_UK: Final[dict[str, str]] = {
    **_ICAO_UK, "є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya",
}  # fmt: skip
_DE_RU: Final[dict[str, str]] = {
    **_ICAO_RU, "в": "w", "ж": "sch", "з": "s", "й": "j", "х": "ch", "ц": "z", "ч": "tsch", "ш": "sch",
    "щ": "schtsch", "ъ": "", "ы": "y", "ю": "ju", "я": "ja", "ё": "jo",
}  # fmt: skip
_DE_UK: Final[dict[str, str]] = {
    **_DE_RU, "г": "h", "ґ": "g", "є": "je", "и": "y", "і": "i", "ї": "ji", "'": "", "’": "",
}  # fmt: skip
_PL_RU: Final[dict[str, str]] = {
    **_ICAO_RU, "в": "w", "ж": "ż", "й": "j", "х": "ch", "ц": "c", "ч": "cz", "ш": "sz", "щ": "szcz",
    "ъ": "", "ы": "y", "ю": "ju", "я": "ja", "ё": "io",
}  # fmt: skip
_PL_UK: Final[dict[str, str]] = {
    **_PL_RU, "г": "h", "ґ": "g", "є": "je", "и": "y", "і": "i", "ї": "ji", "'": "", "’": "",
}  # fmt: skip

SCHEMES: Final[dict[str, tuple[dict[str, str], dict[str, str]]]] = {
    # scheme -> (Russian table, Ukrainian table)
    "icao": (_ICAO_RU, _ICAO_UK),
    "bgn": (_BGN_RU, _BGN_UK),
    "de": (_DE_RU, _DE_UK),
    "pl": (_PL_RU, _PL_UK),
}
_UKRAINIAN_ONLY: Final[frozenset[str]] = frozenset("ієїґ")


def is_ukrainian(text: str) -> bool:
    """True when ``text`` holds a letter only Ukrainian uses (і, ї, є, ґ)."""
    return any(ch in _UKRAINIAN_ONLY for ch in text.lower())


def transliterate(text: str, scheme: str = "icao", *, language: str | None = None) -> str:
    """Render Cyrillic letters of ``text`` in Latin with ``scheme``; other characters pass through.

    ``language`` is ``"ru"`` or ``"uk"``; when None it is guessed from Ukrainian-only letters. Capitalisation of
    each letter is kept (``Щ`` becomes ``Shch``). Raises ``KeyError`` for an unknown scheme.
    """
    ru_table, uk_table = SCHEMES[scheme]
    ukrainian = language == "uk" or (language is None and is_ukrainian(text))
    table = uk_table if ukrainian else ru_table
    out: list[str] = []
    for ch in text:
        low = ch.lower()
        latin = table.get(low)
        if latin is None:
            out.append(ch)
        elif ch != low and latin:
            out.append(latin[0].upper() + latin[1:])
        else:
            out.append(latin)
    return "".join(out)
