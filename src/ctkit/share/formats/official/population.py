"""A population file for rates (SDG 16.2.2: victims per 100,000 population): ``country,year,population``.

Only a file the user gives is used; ctkit ships no population figures. Every row is checked and the first bad one
stops the release with an error naming the file, line and field (values are not echoed).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from ctkit.errors import ValidationError
from ctkit.vocab import is_country

COLUMNS = ("country", "year", "population")
PER = 100_000


def _bad(path: Path, line: int, field: str, why: str) -> ValidationError:
    return ValidationError(f"{path.name}: line {line}, field '{field}': {why}",
                           hint="the population file has the columns country (ISO alpha-3), year, population")


def _whole(value: str, path: Path, line: int, field: str, minimum: int) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        raise _bad(path, line, field, "not a whole number") from None
    if number < minimum:
        raise _bad(path, line, field, f"must be at least {minimum}")
    return number


def read_population(path: Path) -> pd.DataFrame:
    """The population file as ``country, year, population`` (one row per country and year).

    Raises ValidationError for a missing file, a wrong header, an unknown country code, a year or population
    that is not a positive whole number, or a country and year given twice.
    """
    path = Path(path)
    if not path.is_file():
        raise ValidationError(f"no such population file: {path}")
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
    except UnicodeDecodeError:
        raise ValidationError(f"{path.name}: the file is not valid UTF-8") from None
    if not rows or tuple(c.strip().lower() for c in rows[0]) != COLUMNS:
        raise ValidationError(f"{path.name}: line 1: the header must be {','.join(COLUMNS)}")
    out, seen = [], set()
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(COLUMNS):
            raise ValidationError(f"{path.name}: line {line}: {len(row)} fields, expected {len(COLUMNS)}")
        country = row[0].strip().upper()
        if not is_country(country):
            raise _bad(path, line, "country", "not an ISO 3166-1 alpha-3 country code")
        year = _whole(row[1], path, line, "year", 1900)
        population = _whole(row[2], path, line, "population", 1)
        if (country, year) in seen:
            raise _bad(path, line, "year", "this country and year are already given on an earlier line")
        seen.add((country, year))
        out.append((country, year, population))
    return pd.DataFrame(out, columns=list(COLUMNS))


def add_rates(published: pd.DataFrame, population: pd.DataFrame, country: str) -> pd.DataFrame:
    """``population`` and ``rate_per_100000`` columns from the published ``value`` (missing where either is)."""
    mine = population[population["country"] == country].set_index("year")["population"]
    out = published.copy()
    out["population"] = out["year"].map(mine).astype("Int64")
    rate = out["value"].astype("Float64") * PER / out["population"].astype("Float64")
    out["rate_per_100000"] = rate.round(3)
    return out
