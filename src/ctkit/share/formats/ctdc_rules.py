"""The allowed values of every CTDC column, built from ``data/ctdc.yaml``, the code lists and the countries."""

from __future__ import annotations

from functools import cache

from ctkit.share.formats.columns import FREE_TEXT, Rule
from ctkit.share.formats.layouts import Layout, ctdc_spec
from ctkit.vocab import CTDC_AGE_BANDS, all_countries, country_alpha2

YEARS = tuple(range(1990, 2101))
FREE_COLUMNS = {"RecruiterRelationship"}  # derived text columns that are read without a value check


def is_free(name: str) -> bool:
    return name.endswith("Concatenated") or name in FREE_COLUMNS


def age_bands() -> list[str]:
    return [label for _, _, label in CTDC_AGE_BANDS]


@cache
def alpha2_codes() -> tuple[str, ...]:
    """Alpha-2 codes in the order of :func:`alpha3_codes` (so a code's index maps to its alpha-3)."""
    return tuple(country_alpha2(a3) for a3 in all_countries())


def _missing(layout: Layout) -> tuple[str, ...]:
    return layout.missing_tokens()


def _describe_missing(layout: Layout) -> str:
    return " or ".join(repr(m) if m == "" else m for m in _missing(layout)) + " (not recorded)"


@cache
def rules(layout: Layout) -> dict[str, Rule | None]:
    """Column name -> :class:`Rule` (or FREE_TEXT) for every column of ``layout``.

    For each coded column the accepted values come first and the missing tokens last, so that a code at or above
    ``len(values)`` means "not recorded".
    """
    spec = ctdc_spec()
    synthetic = layout.name == "ctdc-synthetic"
    missing = _missing(layout)
    miss_text = _describe_missing(layout)
    flag = Rule(("1", "0", *missing), f"1, 0, {miss_text}")
    genders = tuple(spec["gender"]["synthetic" if synthetic else "global"])
    bands = (*age_bands(), *spec["age_band_aliases"])
    countries = tuple(all_countries()) if synthetic else alpha2_codes()
    kind = "alpha-3" if synthetic else "alpha-2"
    table: dict[str, Rule | None] = {
        "yearOfRegistration": Rule(tuple(str(y) for y in YEARS), f"a year from {YEARS[0]} to {YEARS[-1]}"),
        "Datasource": Rule((*spec["datasource"], *missing)),
        "gender": Rule((*genders, *missing)),
        "ageBroad": Rule((*bands, *missing), ", ".join(age_bands()) + f", {miss_text}"),
        "citizenship": Rule((*countries, *missing), f"an ISO 3166-1 {kind} code, {miss_text}"),
        "CountryOfExploitation": Rule((*countries, *missing), f"an ISO 3166-1 {kind} code, {miss_text}"),
        "traffickMonths": Rule((*spec["traffick_months"], *missing)),
    }
    for name in ("majorityStatus", "majorityStatusAtExploit", "majorityEntry"):
        table[name] = Rule((*spec["majority"], *missing))
    out: dict[str, Rule | None] = {}
    for name in layout.columns:
        out[name] = FREE_TEXT if is_free(name) else table.get(name, flag)
    return out
