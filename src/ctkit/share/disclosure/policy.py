"""The disclosure-control policy every published table passes through.

Rules (issue 5, after CTDC's k-anonymity practice):

* a published cell combines at most ``max_dims`` (3) attributes and counts at least ``k`` records;
* a published count is rounded down to a multiple of ``k``; smaller cells are suppressed (shown as missing,
  never as a zero);
* totals and margins are sums of the protected cells, so no suppressed cell can be recovered by subtracting
  published numbers from a published total;
* a place (country or region) with fewer than ``k`` records overall is not shown at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from ctkit.errors import DisclosureError

DEFAULT_K = 10
MAX_DIMS = 3
TOTAL = "Total"
COUNT = "count"
SUPPRESSED = "suppressed"


@dataclass(frozen=True)
class DisclosurePolicy:
    """Threshold-and-round disclosure control.

    ``k`` is the smallest publishable cell and the rounding base; ``k < 2`` is refused (a cell of one record is
    the record). ``max_dims`` bounds how many attributes one cell may combine.

    >>> DisclosurePolicy(k=10).round_count(27), DisclosurePolicy(k=10).round_count(9)
    (20, None)
    """

    k: int = DEFAULT_K
    max_dims: int = MAX_DIMS

    def __post_init__(self) -> None:
        if not isinstance(self.k, int | np.integer) or isinstance(self.k, bool) or self.k < 2:
            raise DisclosureError(
                f"k must be a whole number of at least 2 (got {self.k!r})",
                hint="k is the smallest number of records a published cell may count; the default is 10",
            )
        if self.max_dims < 1 or self.max_dims > MAX_DIMS:
            raise DisclosureError(f"max_dims must be between 1 and {MAX_DIMS}")

    def round_count(self, count: int) -> int | None:
        """The published value of one true count: None (suppressed) below k, else rounded down to a multiple."""
        return None if count < self.k else (int(count) // self.k) * self.k

    def protect_counts(self, counts: pd.Series) -> pd.Series:
        """Vectorised :meth:`round_count`: a nullable Int64 series, missing where suppressed."""
        values = pd.to_numeric(counts, errors="raise").astype("int64")
        rounded = (values // self.k) * self.k
        return rounded.where(values >= self.k).astype("Int64")

    def check_dims(self, dims: list[str]) -> None:
        if len(dims) > self.max_dims:
            raise DisclosureError(
                f"a published cell may combine at most {self.max_dims} attributes; got {len(dims)}: {', '.join(dims)}"
            )

    def protect_table(
        self, table: pd.DataFrame, dims: list[str], count: str = COUNT, *, margins: bool = False
    ) -> pd.DataFrame:
        """Protect an aggregated count table (one row per cell of ``dims``, the true count in ``count``).

        Returns the cells with ``count`` rounded down to a multiple of k (nullable Int64, missing where
        suppressed) and a boolean ``suppressed`` column; duplicate cells are summed first. With ``margins``,
        adds every margin (each subset of ``dims``, the others set to ``"Total"``) summed from protected cells.
        Raises DisclosureError for more than ``max_dims`` dimensions or a missing column.

        >>> t = pd.DataFrame({"sex": ["f", "m"], "count": [23, 4]})
        >>> DisclosurePolicy(k=10).protect_table(t, ["sex"], margins=True)["count"].tolist()
        [20, <NA>, 20]
        """
        self.check_dims(dims)
        missing = [c for c in [*dims, count] if c not in table.columns]
        if missing:
            raise DisclosureError(f"table has no column(s) {', '.join(missing)} to protect")
        cells = table.groupby(dims, dropna=False, sort=True, observed=True)[count].sum().reset_index()
        cells[count] = self.protect_counts(cells[count])
        cells[SUPPRESSED] = cells[count].isna()
        if margins:
            cells = pd.concat([cells, margins_of(cells, dims, count)], ignore_index=True)
        return cells

    def protect_records(self, records: pd.DataFrame, dims: list[str], *, margins: bool = False) -> pd.DataFrame:
        """Count microdata rows (one per record) by ``dims`` and protect the counts (see :meth:`protect_table`)."""
        self.check_dims(dims)
        counts = records.groupby(dims, dropna=False, observed=True).size().rename(COUNT).reset_index()
        return self.protect_table(counts, dims, margins=margins)

    def visible_places(self, place_counts: Mapping[str, int] | pd.Series) -> set[str]:
        """Places whose overall record count is at least k (only these may be named in a publication)."""
        items = place_counts.items()
        return {str(place) for place, n in items if place is not None and n >= self.k}

    def drop_rare_places(
        self, table: pd.DataFrame, place_columns: Iterable[str], place_counts: Mapping[str, int] | pd.Series
    ) -> pd.DataFrame:
        """Rows of ``table`` naming only places with at least k records overall (missing places are kept)."""
        visible = self.visible_places(place_counts)
        keep = pd.Series(True, index=table.index)
        for column in place_columns:
            values = table[column]
            keep &= values.isna() | values.astype(str).isin(visible) | (values.astype(str) == TOTAL)
        return table[keep].reset_index(drop=True)


def margins_of(cells: pd.DataFrame, dims: list[str], count: str = COUNT) -> pd.DataFrame:
    """Every margin of protected ``cells``: sums of published counts only, so suppressed cells stay hidden.

    A margin whose cells are all suppressed is itself shown as missing rather than as a misleading zero.
    """
    frames = []
    for size in range(len(dims) - 1, -1, -1):
        for kept in combinations(dims, size):
            frames.append(_margin(cells, dims, list(kept), count))
    return pd.concat(frames, ignore_index=True) if frames else cells.iloc[0:0]


def _margin(cells: pd.DataFrame, dims: list[str], kept: list[str], count: str) -> pd.DataFrame:
    visible = cells.assign(_published=cells[count].notna())
    if kept:
        grouped = visible.groupby(kept, dropna=False, sort=True, observed=True)
        out = grouped.agg(**{count: (count, "sum"), "_any": ("_published", "any")}).reset_index()
    else:
        out = pd.DataFrame({count: [visible[count].sum()], "_any": [bool(visible["_published"].any())]})
    out[count] = out[count].astype("Int64").where(out["_any"]).astype("Int64")
    for dim in dims:
        if dim not in kept:
            out[dim] = TOTAL
    out[SUPPRESSED] = out[count].isna()
    return out[[*dims, count, SUPPRESSED]]


def protect_table(table: pd.DataFrame, dims: list[str], k: int = DEFAULT_K, *, margins: bool = False) -> pd.DataFrame:
    """Shorthand for ``DisclosurePolicy(k).protect_table(table, dims, margins=margins)``."""
    return DisclosurePolicy(k=k).protect_table(table, dims, margins=margins)


def protected_share(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """Share of two protected counts (missing when either is suppressed or the denominator is zero)."""
    num = numerator.astype("Float64")
    den = denominator.astype("Float64")
    return (num / den.where(den > 0)).astype("Float64")
