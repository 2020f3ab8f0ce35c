"""What an official table is, and the registry built-ins and a deployment's own tables register in alike.

A table is a set of breakdowns (each at most three category dimensions, counted per year), the public domain of
every dimension (full code lists, never the data), a builder from victim-year rows to category columns, and a
layout turning protected long cells into the official columns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ctkit.errors import ValidationError
from ctkit.share.disclosure import MAX_DIMS

#: Period value of a justice stage that was not reached within the years of the release.
NOT_REACHED = "none"
#: Code of a missing value in the dimensions ctkit defines itself (citizenship, nationality, route).
UNKNOWN = "unknown"
#: Code of the values a top-N breakdown folds together.
OTHER = "OTHER"


@dataclass(frozen=True)
class ReleaseContext:
    """What a release is about: the reporting country (ISO alpha-3) and the inclusive span of years."""

    country: str
    years: tuple[int, int]

    @property
    def year_labels(self) -> list[str]:
        return [str(y) for y in range(self.years[0], self.years[1] + 1)]


@dataclass(frozen=True)
class Breakdown:
    """One count table of a release: victims by ``dims`` in each year of ``period`` (a column of year strings).

    ``top`` keeps that many most frequent values of the single dimension and folds the rest into ``OTHER``.
    """

    name: str
    label: str
    dims: tuple[str, ...]
    period: str = "year"
    top: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= len(self.dims) <= MAX_DIMS:
            raise ValidationError(f"breakdown '{self.name}' needs 1 to {MAX_DIMS} dimensions, has {len(self.dims)}")
        if self.top is not None and len(self.dims) != 1:
            raise ValidationError(f"breakdown '{self.name}': top-{self.top} folding needs exactly one dimension")


Records = Callable[[pd.DataFrame, ReleaseContext], pd.DataFrame]
Domains = Callable[[ReleaseContext], dict[str, dict[str, str]]]
Layout = Callable[[pd.DataFrame, ReleaseContext], pd.DataFrame]


@dataclass(frozen=True)
class Microdata:
    """Rows a table counts besides the victim-years (e.g. offenders), released through the same disclosure control.

    ``rows(snapshot, ctx)`` returns them already in the table's categories: ``person_id`` (a pseudonym; the release
    prefixes it with ``name`` so these people are never the victims' units), ``year`` (the row's year, integer),
    the period columns in ``periods`` and the table's dimensions. They are counted only by the breakdowns whose
    period is in ``periods``, and victim rows never are. ``rows_per_year`` is the most rows one person has in one
    year: the release refuses rows over it, and under DP the contribution bound is L years x ``rows_per_year``.
    """

    name: str
    rows: Callable[[Any, ReleaseContext], pd.DataFrame]
    periods: tuple[str, ...]
    rows_per_year: int = 1


@dataclass(frozen=True)
class OfficialTable:
    """An official aggregate table.

    ``records(victim_years, ctx)`` returns ``person_id``, every period column (year strings, or ``none``) and every
    dimension as category codes; ``domains(ctx)`` gives each dimension's full public domain as code -> label;
    ``layout(cells, ctx)`` turns protected cells (``breakdown, year, <dims>, count, suppressed``) into the official
    long layout. ``notes`` state sources and gaps; ``rates`` says whether a population file gives a rate;
    ``microdata`` are the table's own rows besides the victim-years (:class:`Microdata`).
    """

    name: str
    title: str
    breakdowns: tuple[Breakdown, ...]
    records: Records
    domains: Domains
    layout: Layout
    notes: tuple[str, ...] = ()
    rates: bool = False
    totals: dict[str, str] = field(default_factory=dict)
    microdata: tuple[Microdata, ...] = ()

    @property
    def dims(self) -> list[str]:
        """Every dimension of every breakdown, in first-use order."""
        return list(dict.fromkeys(d for b in self.breakdowns for d in b.dims))

    @property
    def periods(self) -> list[str]:
        """Every period column of every breakdown, in first-use order."""
        return list(dict.fromkeys(b.period for b in self.breakdowns))


def no_victim_rows(victims: pd.DataFrame, ctx: ReleaseContext) -> pd.DataFrame:
    """``records`` of a table that counts only its own :class:`Microdata`: no victim row."""
    return pd.DataFrame({"person_id": pd.Series([], dtype=object)})


_TABLES: dict[str, OfficialTable] = {}


def register_table(table: OfficialTable) -> None:
    """Make ``table`` available to ``ctkit publish`` and :func:`official_table` under ``table.name``."""
    _TABLES[table.name] = table


def official_table(name: str) -> OfficialTable:
    """The registered table ``name``; raises ValidationError naming the known ones."""
    if name not in _TABLES:
        raise ValidationError(f"unknown official table '{name}'; known: {', '.join(_TABLES) or 'none'}")
    return _TABLES[name]


def table_names() -> list[str]:
    return list(_TABLES)


def period_column(years: pd.Series, ctx: ReleaseContext) -> pd.Series:
    """Year strings for years within the release, ``none`` for missing or out-of-span years."""
    values = pd.to_numeric(years, errors="coerce")
    inside = values.between(ctx.years[0], ctx.years[1])
    return values.astype("Int64").astype(str).where(inside, NOT_REACHED).astype(object)
