"""Countries (ISO 3166-1 alpha-3 inside) and regions (ISO 3166-2), with Kosovo and historical codes.

pycountry lacks Kosovo (user-assigned XK / XKX, used by the EU, IOM and CTDC) and the codes of states that no
longer exist but appear in old case files; both are kept here.
"""

from __future__ import annotations

from functools import cache

import pycountry

from ctkit.errors import ValidationError

# alpha-3 -> (alpha-2, English name). User-assigned or withdrawn codes that case data still uses.
EXTRA_COUNTRIES: dict[str, tuple[str, str]] = {
    "XKX": ("XK", "Kosovo"),
    "SUN": ("SU", "USSR"),
    "YUG": ("YU", "Yugoslavia"),
    "SCG": ("CS", "Serbia and Montenegro"),
    "CSK": ("CS", "Czechoslovakia"),
    "ANT": ("AN", "Netherlands Antilles"),
}
# Historical alpha-2 codes whose reuse is ambiguous map to their most common meaning in trafficking data.
EXTRA_ALPHA2: dict[str, str] = {"XK": "XKX", "SU": "SUN", "YU": "YUG", "CS": "SCG", "AN": "ANT", "UK": "GBR"}


@cache
def _alpha2_to_alpha3() -> dict[str, str]:
    table = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    table.update(EXTRA_ALPHA2)
    return table


@cache
def _alpha3_to_alpha2() -> dict[str, str]:
    table = {c.alpha_3: c.alpha_2 for c in pycountry.countries}
    table.update({a3: a2 for a3, (a2, _) in EXTRA_COUNTRIES.items()})
    return table


def is_country(alpha3: str) -> bool:
    return alpha3 in _alpha3_to_alpha2()


def country_alpha3(code: str, where: str = "") -> str:
    """Normalise an alpha-2 or alpha-3 code to alpha-3. Raises ValidationError naming ``where``.

    >>> country_alpha3("ru"), country_alpha3("XK"), country_alpha3("POL")
    ('RUS', 'XKX', 'POL')
    """
    value = (code or "").strip().upper()
    if len(value) == 3 and value in _alpha3_to_alpha2():
        return value
    if len(value) == 2 and value in _alpha2_to_alpha3():
        return _alpha2_to_alpha3()[value]
    place = f"{where}: " if where else ""
    raise ValidationError(f"{place}'{code}' is not an ISO 3166-1 country code")


def country_alpha2(alpha3: str) -> str:
    """Alpha-3 to alpha-2 (for export formats that use alpha-2)."""
    try:
        return _alpha3_to_alpha2()[alpha3]
    except KeyError:
        raise ValidationError(f"'{alpha3}' is not an ISO 3166-1 alpha-3 code") from None


def country_name(alpha3: str) -> str:
    if alpha3 in EXTRA_COUNTRIES:
        return EXTRA_COUNTRIES[alpha3][1]
    country = pycountry.countries.get(alpha_3=alpha3)
    if country is None:
        raise ValidationError(f"'{alpha3}' is not an ISO 3166-1 alpha-3 code")
    return getattr(country, "common_name", None) or country.name


def all_countries() -> list[str]:
    return sorted(_alpha3_to_alpha2())


def check_region(code: str, where: str = "") -> str:
    """Validate an ISO 3166-2 subdivision code such as ``RU-KGD`` (Kaliningrad Oblast)."""
    value = (code or "").strip().upper()
    if pycountry.subdivisions.get(code=value) is None:
        place = f"{where}: " if where else ""
        raise ValidationError(f"{place}'{code}' is not an ISO 3166-2 subdivision code")
    return value


def region_country(code: str) -> str:
    """The alpha-3 country of an ISO 3166-2 region code."""
    return country_alpha3(code.split("-", 1)[0])


def region_name(code: str) -> str:
    sub = pycountry.subdivisions.get(code=code)
    if sub is None:
        raise ValidationError(f"'{code}' is not an ISO 3166-2 subdivision code")
    return sub.name
