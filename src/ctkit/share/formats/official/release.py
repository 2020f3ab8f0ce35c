"""Make one official table from a snapshot through disclosure control: k-anonymity or differential privacy.

Only protected counts come out. In ``dp`` mode the public year span must be given (a span taken from the data
would itself leak), the release is charged once on the privacy ledger, and a release over budget raises
BudgetExceeded before anything is produced.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ctkit.analyse.snapshot import Snapshot
from ctkit.errors import NotFoundError, ValidationError
from ctkit.share.disclosure import DisclosurePolicy
from ctkit.share.formats.official.model import NOT_REACHED, Microdata, OfficialTable, ReleaseContext, official_table
from ctkit.share.formats.official.population import add_rates, read_population
from ctkit.share.formats.official.protect import complete, dp_breakdown, kanon_breakdown
from ctkit.share.formats.official.records import victim_years
from ctkit.vocab import country_alpha3

MODES = ("k-anon", "dp")
CTDC_SOURCE = "ctdc:"
StepProgress = Callable[[str], None]


def no_steps(step: str) -> None:
    return None


@dataclass(frozen=True)
class DpSettings:
    """Differential-privacy parameters of one release and the ledger it is charged to.

    ``max_years_per_person`` (L) bounds how many victim-year rows one person contributes to each table: a person
    registered in more years keeps L of them (a seeded random choice, ``seed``) and the noise is scaled to L.
    None (the default) is the number of years of the release, so every person counts in every year they belong
    to, as in the official tables; a smaller L gives less noise but undercounts people seen in many years.
    """

    epsilon: float
    dataset: str
    ledger: Any
    delta: float = 0.0
    actor_id: str | None = None
    seed: int | None = None
    max_years_per_person: int | None = None

    def years_bound(self, ctx: ReleaseContext) -> int:
        """L: the given bound, or the number of years of the release."""
        return self.max_years_per_person or len(ctx.year_labels)


@dataclass
class OfficialRelease:
    """A protected official table in its official long layout, and the statement of how it was made."""

    table: str
    frame: pd.DataFrame
    metadata: dict[str, Any] = field(default_factory=dict)


def snapshot_id(snap: Snapshot) -> str:
    """A stable id of the snapshot: a hash of its manifest's source, creation time, key fingerprint and sizes."""
    manifest = snap.manifest
    basis = {key: manifest.get(key) for key in ("source", "created_at", "key_fingerprint", "rows")}
    return hashlib.sha256(json.dumps(basis, sort_keys=True).encode()).hexdigest()[:16]


def _context(victims: pd.DataFrame, country: str, years: tuple[int, int] | None, mode: str) -> ReleaseContext:
    if years is None:
        if mode == "dp":
            raise ValidationError("a differentially private release needs its years given (--year-from and "
                                  "--year-to): a span taken from the data would itself disclose something")
        if victims.empty:
            raise NotFoundError(f"the snapshot holds no identified or presumed victims to publish for {country}",
                                hint="record or import cases and take a new snapshot; a CTDC file counts only "
                                     "records whose country of exploitation is the reporting country")
        years = (int(victims["year"].min()), int(victims["year"].max()))
    if years[0] > years[1]:
        raise ValidationError(f"the first year ({years[0]}) is after the last ({years[1]})")
    return ReleaseContext(country=country, years=years)


def _check(table: OfficialTable, mode: str, k: int | None, dp: DpSettings | None, population: Path | None) -> None:
    if mode not in MODES:
        raise ValidationError(f"unknown mode '{mode}'; allowed: {', '.join(MODES)}")
    if mode == "dp" and dp is None:
        raise ValidationError("dp mode needs epsilon, a data set name and the privacy ledger")
    if mode == "k-anon" and dp is not None:
        raise ValidationError("epsilon and delta apply to --mode dp only")
    if mode == "dp" and k is not None:
        raise ValidationError("--k applies to --mode k-anon only")
    bound = dp.max_years_per_person if dp is not None else None
    if bound is not None and not (isinstance(bound, int) and not isinstance(bound, bool) and bound >= 1):
        raise ValidationError(f"the bound on years per person must be a positive whole number, got {bound!r}")
    if population is not None and not table.rates:
        raise ValidationError(f"a population file gives rates for the unodc table only, not '{table.name}'")


def table_records(table: OfficialTable, snap: Snapshot, victims: pd.DataFrame, ctx: ReleaseContext) -> pd.DataFrame:
    """Everything ``table`` counts: its records of the victim-years, plus each of its own :class:`Microdata` rows.

    Each source's rows are counted only by the breakdowns of its periods: every other period column is ``none``
    there (such rows fall in no published cell), and a dimension a source lacks holds its domain's first code,
    which no published cell of that source's breakdowns reads. Person ids are prefixed per source, so one unit is
    one source's person.
    """
    records = table.records(victims, ctx)
    if not table.microdata:
        return records
    domains = table.domains(ctx)
    own = {p for m in table.microdata for p in m.periods}
    parts = [records.assign(**{p: NOT_REACHED for p in table.periods if p in own or p not in records.columns})]
    for source in table.microdata:
        rows = _checked_rows(table, source, source.rows(snap, ctx))
        parts.append(rows.assign(person_id=f"{source.name}:" + rows["person_id"].astype(str),
                                 **{p: NOT_REACHED for p in table.periods if p not in source.periods}))
    combined = pd.concat(parts, ignore_index=True)
    for dim in table.dims:
        filler = next(iter(domains[dim]))
        combined[dim] = combined[dim].astype(object).where(combined[dim].notna(), filler) if dim in combined \
            else filler
    return combined[["person_id", *table.periods, *table.dims]]


def _checked_rows(table: OfficialTable, source: Microdata, rows: pd.DataFrame) -> pd.DataFrame:
    """The source's rows, or ValidationError naming the table, source and what is wrong (nothing released)."""
    where = f"table '{table.name}', {source.name} rows"
    missing = [c for c in ("person_id", "year", *source.periods) if c not in rows.columns]
    if missing:
        raise ValidationError(f"{where}: no column '{missing[0]}'")
    if rows["person_id"].isna().any():
        raise ValidationError(f"{where}: person_id is missing on row {int(rows['person_id'].isna().argmax())}")
    per_year = rows.groupby(["person_id", "year"]).size()
    if len(per_year) and int(per_year.max()) > source.rows_per_year:
        raise ValidationError(f"{where}: a person has {int(per_year.max())} rows in year {per_year.idxmax()[1]}, "
                              f"over the declared {source.rows_per_year}",
                              hint="one person's contribution must stay within the declared bound")
    return rows


def _rows_bound(table: OfficialTable) -> int:
    """Rows one person contributes per year, over every source (victim-years: one)."""
    return max([1, *(m.rows_per_year for m in table.microdata)])


def _kanon_cells(table: OfficialTable, records: pd.DataFrame, ctx: ReleaseContext, k: int) -> tuple[pd.DataFrame,
                                                                                                     dict]:
    policy = DisclosurePolicy(k=k)
    domains = table.domains(ctx)
    cells = [complete(kanon_breakdown(records, b, domains, ctx, policy), b, table, domains)
             for b in table.breakdowns]
    return pd.concat(cells, ignore_index=True), {"mode": "k-anon", "k": k, "release_id": str(uuid.uuid4()),
                                                  "rule": "cells under k suppressed, others rounded down to a "
                                                          "multiple of k; margins summed from protected cells"}


def _dp_cells(table: OfficialTable, records: pd.DataFrame, ctx: ReleaseContext, dp: DpSettings) -> tuple[
        pd.DataFrame, dict]:
    from ctkit.share.disclosure import CountQuery, release_dp_counts
    from ctkit.share.formats.official.model import NOT_REACHED

    domains = table.domains(ctx)
    queries = []
    for b in table.breakdowns:
        # with own microdata every period holds rows of another source, as ``none`` (counted, then dropped)
        reached = b.period == "year" and not table.microdata
        period = ctx.year_labels if reached else [*ctx.year_labels, NOT_REACHED]
        queries.append(CountQuery(b.name, (b.period, *b.dims), {b.period: period, **{d: list(domains[d])
                                                                                     for d in b.dims}}))
    # records are person-years (and a source's rows_per_year rows a year): a person counts in every year they
    # belong to, up to L years; the sensitivity is L x rows per year
    bound = dp.years_bound(ctx) * _rows_bound(table)
    release = release_dp_counts(records, queries, dataset=dp.dataset, epsilon=dp.epsilon, delta=dp.delta,
                                ledger=dp.ledger, product=f"official:{table.name}", unit="person_id",
                                max_rows_per_unit=bound, actor_id=dp.actor_id, seed=dp.seed)
    first = table.breakdowns[0]
    year_totals = release.tables[first.name].groupby(first.period)["count"].sum()
    cells = [complete(dp_breakdown(release.tables[b.name], b, year_totals), b, table, domains)
             for b in table.breakdowns]
    meta = {"mode": "dp", "epsilon": release.epsilon, "delta": release.delta, "dataset": release.dataset,
            "release_id": release.release_id, "mechanism": release.mechanism,
            "max_years_per_person": dp.years_bound(ctx), "max_rows_per_person": bound,
            "contribution": _contribution(table, dp.years_bound(ctx)), "parameters": release.parameters}
    return pd.concat(cells, ignore_index=True), meta


def _contribution(table: OfficialTable, years: int) -> str:
    """How one person's contribution is bounded, in words, for the release's statement."""
    sources = ["victims: one row per person and year"] if any(
        b.period not in {p for m in table.microdata for p in m.periods} for b in table.breakdowns) else []
    sources += [f"{m.name}s: at most {m.rows_per_year} row(s) per person and year" for m in table.microdata]
    return (f"{'; '.join(sources)}; each person keeps at most {years} year(s) x {_rows_bound(table)} row(s), "
            "so one person moves each count by at most that many")


def publish_official(snap: Snapshot, name: str, *, country: str, mode: str = "k-anon", k: int | None = None,
                     dp: DpSettings | None = None, years: tuple[int, int] | None = None,
                     population: Path | None = None, progress: StepProgress = no_steps) -> OfficialRelease:
    """The official table ``name`` of ``snap``, protected by ``mode`` (``k-anon`` with ``k``, default 10, or
    ``dp`` with ``dp``), for the reporting ``country`` (ISO alpha-3) over ``years`` (inclusive).

    Raises ValidationError (unknown table, mode, country or bad population file), NotFoundError (no victims),
    DisclosureError (k < 2, no budget agreed) or BudgetExceeded (nothing charged, nothing produced).

    >>> release = publish_official(snap, "unodc", country="RUS", k=10)  # doctest: +SKIP
    >>> release.frame.columns[:4].tolist()  # doctest: +SKIP
    ['iso3_code', 'country', 'indicator', 'year']
    """
    table = official_table(name)
    _check(table, mode, k, dp, population)
    people = read_population(population) if population is not None else None
    snap.require_cases()
    progress("reading the microdata from the snapshot")
    reporting = country_alpha3(country, "reporting country")
    # a CTDC file is global: its country of exploitation stands for the country of detection
    victims = victim_years(snap, years, exploited_in=reporting if snap.source.startswith(CTDC_SOURCE) else None)
    ctx = _context(victims, reporting, years, mode)
    records = table_records(table, snap, victims, ctx)
    progress("protecting the counts" if mode == "k-anon" else "adding noise and charging the privacy ledger")
    if mode == "dp":
        cells, disclosure = _dp_cells(table, records, ctx, dp)
    else:
        cells, disclosure = _kanon_cells(table, records, ctx, k if k is not None else DisclosurePolicy().k)
    frame = table.layout(cells, ctx)
    if people is not None:
        frame = add_rates(frame, people, ctx.country)
    return OfficialRelease(table=name, frame=frame, metadata=_metadata(table, ctx, snap, disclosure, people))


def _metadata(table: OfficialTable, ctx: ReleaseContext, snap: Snapshot, disclosure: dict,
              population: pd.DataFrame | None) -> dict[str, Any]:
    domains = table.domains(ctx)
    return {
        "table": table.name, "title": table.title, "layout": "long CSV, one row per cell; Total rows are margins",
        "created_at": datetime.now(UTC).replace(microsecond=0).isoformat(), "disclosure": disclosure,
        "snapshot": {"id": snapshot_id(snap), "source": snap.source, "created_at": snap.manifest.get("created_at")},
        "reporting_country": ctx.country, "years": list(ctx.years),
        "breakdowns": [{"name": b.name, "label": b.label, "dims": list(b.dims), "period": b.period}
                       for b in table.breakdowns],
        "categories": {dim: domains[dim] for dim in table.dims if len(domains[dim]) <= 50},
        "rates": "rate_per_100000 from the published count and the population file given" if population is not None
        else None,
        "notes": list(table.notes),
    }
