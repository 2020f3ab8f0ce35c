"""Protected cells of an official table: k-anonymous (threshold and round) or differentially private counts.

Both modes return the same long frame: ``breakdown, year, <every dim of the table>, count, suppressed``, with the
full public domain of every breakdown for every year (so an absent row never hints at a zero), per-year margins
(``Total``) summed from the protected cells only, and ``Total`` in the dimensions a breakdown does not use.
"""

from __future__ import annotations

from itertools import product

import pandas as pd

from ctkit.share.disclosure import COUNT, SUPPRESSED, TOTAL, DisclosurePolicy, margins_of
from ctkit.share.formats.official.model import NOT_REACHED, OTHER, UNKNOWN, Breakdown, OfficialTable, ReleaseContext


def _grid(breakdown: Breakdown, domains: dict[str, dict[str, str]], ctx: ReleaseContext) -> pd.MultiIndex:
    levels = [ctx.year_labels, *[list(domains[d]) for d in breakdown.dims]]
    return pd.MultiIndex.from_tuples(list(product(*levels)), names=[breakdown.period, *breakdown.dims])


def _true_counts(records: pd.DataFrame, breakdown: Breakdown) -> pd.DataFrame:
    keys = [breakdown.period, *breakdown.dims]
    rows = records[records[breakdown.period] != NOT_REACHED]
    return rows.groupby(keys, dropna=False).size().rename(COUNT).reset_index()


def _fold_rare(counts: pd.DataFrame, breakdown: Breakdown, k: int) -> pd.DataFrame:
    """Per year: values under k or outside the top N become OTHER (unknown stays unknown)."""
    dim = breakdown.dims[0]
    ranked = counts.sort_values([breakdown.period, COUNT, dim], ascending=[True, False, True])
    named = ranked[dim] != UNKNOWN
    rank = ranked[named].groupby(breakdown.period).cumcount().reindex(ranked.index, fill_value=0)
    folded = named & ((ranked[COUNT] < k) | (rank >= breakdown.top))
    ranked[dim] = ranked[dim].where(~folded, OTHER)
    return ranked.groupby([breakdown.period, dim], sort=False)[COUNT].sum().reset_index()


def _with_margins(cells: pd.DataFrame, breakdown: Breakdown) -> pd.DataFrame:
    """Cells (count protected, nullable) plus every per-year margin, summed from the protected cells only."""
    keys = [breakdown.period, *breakdown.dims]
    cells = cells.assign(**{COUNT: cells[COUNT].astype("Int64"), SUPPRESSED: cells[COUNT].isna()})
    # one call for every year: the margins that also sum over years are dropped (a year is never pooled)
    margins = margins_of(cells[[*keys, COUNT]], keys)
    out = pd.concat([cells[[*keys, COUNT, SUPPRESSED]], margins[margins[breakdown.period] != TOTAL]],
                    ignore_index=True)
    out["year"] = out.pop(breakdown.period).astype("int64")
    return out


def kanon_breakdown(records: pd.DataFrame, breakdown: Breakdown, domains: dict[str, dict[str, str]],
                    ctx: ReleaseContext, policy: DisclosurePolicy) -> pd.DataFrame:
    """Protected cells of one breakdown: the full domain grid per year (or the folded values for top-N)."""
    counts = _true_counts(records, breakdown)
    if breakdown.top is not None:
        counts = _fold_rare(counts, breakdown, policy.k)
        years = pd.DataFrame({breakdown.period: ctx.year_labels})
        counts = years.merge(counts, how="left", on=breakdown.period)
        counts[breakdown.dims[0]] = counts[breakdown.dims[0]].fillna(OTHER)
        counts[COUNT] = counts[COUNT].fillna(0).astype("int64")
    else:
        grid = _grid(breakdown, domains, ctx)
        counts = counts.set_index([breakdown.period, *breakdown.dims])[COUNT].reindex(grid, fill_value=0)
        counts = counts.reset_index()
    policy.check_dims(list(breakdown.dims))
    return _with_margins(counts.assign(**{COUNT: policy.protect_counts(counts[COUNT])}), breakdown)


def dp_breakdown(noisy: pd.DataFrame, breakdown: Breakdown, year_totals: pd.Series | None) -> pd.DataFrame:
    """Cells of one breakdown from a DP table (post-processing only): top-N folding and margins from noisy cells.

    For top-N, OTHER is the year's total (from the table's first breakdown) minus the kept and unknown cells,
    floored at zero: summing hundreds of noisy small cells would add up their noise.
    """
    cells = noisy[noisy[breakdown.period] != NOT_REACHED].copy()
    if breakdown.top is not None:
        cells = _fold_noisy(cells, breakdown, year_totals)
    return _with_margins(cells, breakdown)


def _fold_noisy(cells: pd.DataFrame, breakdown: Breakdown, year_totals: pd.Series | None) -> pd.DataFrame:
    dim, frames = breakdown.dims[0], []
    for year, part in cells.groupby(breakdown.period, sort=True):
        named = part[part[dim] != UNKNOWN].sort_values([COUNT, dim], ascending=[False, True])
        kept = named[named[COUNT] > 0].head(breakdown.top)
        unknown = part[part[dim] == UNKNOWN]
        total = int(year_totals.get(year, 0)) if year_totals is not None else int(part[COUNT].sum())
        other = max(0, total - int(kept[COUNT].sum()) - int(unknown[COUNT].sum()))
        frames += [kept, unknown, pd.DataFrame({breakdown.period: [year], dim: [OTHER], COUNT: [other]})]
    return pd.concat(frames, ignore_index=True)


def complete(cells: pd.DataFrame, breakdown: Breakdown, table: OfficialTable,
             domains: dict[str, dict[str, str]]) -> pd.DataFrame:
    """Name the breakdown, put ``Total`` in every table dimension it does not use, order cells as the domains."""
    out = cells.copy()
    for dim in table.dims:
        if dim not in out.columns:
            out[dim] = TOTAL
    out.insert(0, "breakdown", breakdown.name)
    keys = [_order(out[dim], list(domains[dim])) for dim in breakdown.dims]
    order = pd.DataFrame({"year": out["year"], **{f"_{i}": key for i, key in enumerate(keys)}})
    out = out.loc[order.sort_values(list(order.columns), kind="stable").index].reset_index(drop=True)
    return out[["breakdown", "year", *table.dims, COUNT, SUPPRESSED]]


def _order(values: pd.Series, domain: list[str]) -> pd.Series:
    """Sort key: domain order, then OTHER, then Total."""
    rank = {code: i for i, code in enumerate(domain)}
    return values.map(lambda v: rank.get(v, len(domain) + (1 if v == TOTAL else 0)))
