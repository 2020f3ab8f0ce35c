"""Filters shared by every analysis and dashboard: years, sex, age band, form, citizenship, region.

A filter compiles to a ``filtered`` CTE over ``cases`` (with bound parameters, never string-built values), so
every analysis starts ``WITH filtered AS (...)``. Unknown values are refused with the allowed ones named.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ctkit.errors import ValidationError
from ctkit.vocab import CTDC_AGE_BANDS, check_region, code_list, country_alpha3

AGE_BANDS = [label for _, _, label in CTDC_AGE_BANDS]


@dataclass(frozen=True)
class Filters:
    """Which cases an analysis covers; empty means all.

    ``region`` matches a route leg (any role) by ISO 3166-2 region (``RU-KGD``) or by country (``RUS``).

    >>> Filters(sex=("female",), years=(2020, 2022)).validated().sex
    ('female',)
    """

    years: tuple[int, int] | None = None
    sex: tuple[str, ...] = field(default_factory=tuple)
    age_band: tuple[str, ...] = field(default_factory=tuple)
    form: tuple[str, ...] = field(default_factory=tuple)
    citizenship: tuple[str, ...] = field(default_factory=tuple)
    region: tuple[str, ...] = field(default_factory=tuple)

    def is_empty(self) -> bool:
        return self == Filters()

    def validated(self) -> Filters:
        """A copy with codes checked and normalised; raises ValidationError naming the bad filter and value."""
        if self.years is not None:
            low, high = self.years
            if low > high:
                raise ValidationError(f"filter years: {low} is after {high}")
        sexes = code_list("sex")
        forms = code_list("exploitation_form")
        for value in self.sex:
            sexes.check(value, "filter sex")
        for value in self.form:
            forms.check(value, "filter form")
        for value in self.age_band:
            if value not in AGE_BANDS:
                allowed = ", ".join(AGE_BANDS)
                raise ValidationError(f"filter age band: '{value}' is not a CTDC age band; allowed: {allowed}")
        citizenship = tuple(country_alpha3(v, "filter citizenship") for v in self.citizenship)
        region = tuple(_place(v) for v in self.region)
        return replace(self, citizenship=citizenship, region=region)

    def cte(self) -> tuple[str, list]:
        """``filtered AS (SELECT * FROM cases WHERE ...)`` and its parameters (call on a validated filter)."""
        clauses, params = [], []
        if self.years is not None:
            clauses.append("year BETWEEN ? AND ?")
            params += [int(self.years[0]), int(self.years[1])]
        for column, values in (("sex", self.sex), ("age_band", self.age_band), ("citizenship", self.citizenship)):
            if values:
                clauses.append(f"list_contains(?, {column})")
                params.append(list(values))
        if self.form:
            clauses.append("case_id IN (SELECT case_id FROM exploitations WHERE list_contains(?, form))")
            params.append(list(self.form))
        if self.region:
            clauses.append(
                "case_id IN (SELECT case_id FROM route_legs"
                " WHERE list_contains(?, region) OR list_contains(?, country))"
            )
            params += [list(self.region), list(self.region)]
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        return f"filtered AS (SELECT * FROM cases{where})", params


def _place(value: str) -> str:
    text = (value or "").strip().upper()
    if "-" in text:
        return check_region(text, "filter region")
    return country_alpha3(text, "filter region")


def as_filters(filters: Filters | None) -> Filters:
    """``filters`` validated, or the empty filter."""
    return (filters or Filters()).validated()
