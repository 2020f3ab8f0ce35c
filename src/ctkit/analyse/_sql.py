"""SQL building blocks shared by the analyses: the filtered-cases CTE, the optional ``by`` grouping, shares."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ctkit.analyse.filters import AGE_BANDS, Filters, as_filters
from ctkit.analyse.snapshot import Snapshot
from ctkit.errors import ValidationError

AGE_ORDER = {band: f"{i:02d}" for i, band in enumerate(AGE_BANDS)}
# by -> (join clause on the filtered cases ``c``, group expression). Form is multi-valued: distinct pairs.
BY: dict[str, tuple[str, str]] = {
    "year": ("", "CAST(c.year AS VARCHAR)"),
    "quarter": ("", "printf('%d-Q%d', c.year, c.quarter)"),
    "sex": ("", "c.sex"),
    "age_band": ("", "c.age_band"),
    "citizenship": ("", "c.citizenship"),
    "form": ("JOIN (SELECT DISTINCT case_id, form FROM exploitations) b ON b.case_id = c.case_id", "b.form"),
}


def _natural(column: pd.Series) -> pd.Series:
    """Sort key putting CTDC age bands in age order and missing values last."""
    return column.map(lambda v: (1, "") if v is None or v != v else (0, AGE_ORDER.get(v, str(v))))


def by_parts(by: str | None) -> tuple[str, str]:
    """(join, group expression) for ``by``; None groups everything as one."""
    if by is None:
        return "", "'all'"
    if by not in BY:
        raise ValidationError(f"cannot break down by '{by}'; allowed: {', '.join(BY)}")
    return BY[by]


def grouped_cases(by: str | None) -> str:
    """``g AS (...)``: one row per (filtered case, group) with the case columns and ``grp``."""
    join, expr = by_parts(by)
    return f"g AS (SELECT c.*, {expr} AS grp FROM filtered c {join})"


@dataclass(frozen=True)
class Scope:
    """Which cases (validated filters) and which breakdown one analysis query covers."""

    filters: Filters
    by: str | None

    @classmethod
    def of(cls, filters: Filters | None, by: str | None = None) -> Scope:
        by_parts(by)
        return cls(as_filters(filters), by)

    def rows(self, table: str, alias: str = "t") -> str:
        """``table`` rows of the cases in scope, with ``grp``; joins only when a filter or breakdown needs it."""
        if self.by is not None:
            return f"(SELECT g.grp, {alias}.* FROM g JOIN {table} {alias} ON {alias}.case_id = g.case_id)"
        if self.filters.is_empty():
            return f"(SELECT 'all' AS grp, {alias}.* FROM {table} {alias})"
        semi = f"SEMI JOIN filtered f ON f.case_id = {alias}.case_id"
        return f"(SELECT 'all' AS grp, {alias}.* FROM {table} {alias} {semi})"


def run(snap: Snapshot, scope: Scope | Filters | None, body: str, params: list | None = None) -> pd.DataFrame:
    """Run ``WITH filtered AS (...), <body>`` on the snapshot (``body`` continues the WITH list)."""
    filters = scope.filters if isinstance(scope, Scope) else as_filters(scope)
    cte, cte_params = filters.cte()
    return snap.query(f"WITH {cte}, {body}", cte_params + list(params or []))


def finish(
    frame: pd.DataFrame,
    by: str | None,
    dims: list[str],
    order: list[str] | None = None,
    denominators: dict[str, str] | str | None = None,
) -> pd.DataFrame:
    """Rename ``grp`` to the ``by`` name (or drop it), set types and record what publishing needs in ``attrs``.

    ``attrs["dims"]`` names the cell columns; ``attrs["denominator"]`` says per attribute (or for all rows)
    how the denominator is made: ``margin`` (sum of the known cells of the same ``attrs["partition"]``),
    ``recorded`` (present + recorded-absent records) or ``cell`` (a distinct count of its own)."""
    if order:
        frame = frame.sort_values(order, key=_natural, kind="stable").reset_index(drop=True)
    if "grp" in frame.columns:
        frame = frame.drop(columns="grp") if by is None else frame.rename(columns={"grp": by})
    dims = ([by] if by else []) + dims
    frame.attrs["partition"] = ([by] if by else []) + (["attribute"] if "attribute" in frame.columns else [])
    if denominators is not None:
        frame.attrs["denominator"] = denominators
    for column in ("count", "denominator"):
        if column in frame.columns:
            frame[column] = frame[column].astype("int64")
    if "share" in frame.columns:
        frame["share"] = frame["share"].astype("float64")
    frame.attrs["dims"] = dims
    return frame


def single_response(attribute: str, column: str, label: str = "CAST(v AS VARCHAR)") -> str:
    """SELECT of one single-response attribute over ``g``: (grp, attribute, value, count).

    Groups on the ENUM-coded column and casts to text only the few result rows (casting every row is slow).
    """
    return f"""
    SELECT grp, '{attribute}' AS attribute, {label} AS value, count
    FROM (SELECT grp, {column} AS v, count(*) AS count FROM g GROUP BY ALL)
    """


def with_shares(union_sql: str, unknown_values: str = "('unknown')") -> str:
    """Wrap a union of (grp, attribute, value, count) rows with the known-value denominator and share."""
    known = f"value IS NOT NULL AND value NOT IN {unknown_values}"
    return f"""
    SELECT grp, attribute, value, count,
        sum(CASE WHEN {known} THEN count ELSE 0 END) OVER w AS denominator,
        CASE WHEN {known} THEN count / NULLIF(sum(CASE WHEN {known} THEN count END) OVER w, 0) END AS share
    FROM ({union_sql}) u
    WINDOW w AS (PARTITION BY grp, attribute)
    """


def flag_rows(snap: Snapshot, scope: Scope, attribute: str, derived: str) -> pd.DataFrame:
    """Recorded multi-response flags (CTDC's rule: share among records where the item was recorded), counted
    from a bitmask table of :mod:`ctkit.analyse.derived` in one scan. Columns grp, attribute, value, count,
    denominator, share; items never recorded have no row."""
    codes = snap.flag_codes.get(derived, [])
    if not codes:
        return pd.DataFrame(columns=["grp", "attribute", "value", "count", "denominator", "share"])
    sums = ", ".join(f"count_if((present & {1 << i}) <> 0) AS p{i}, count_if((recorded & {1 << i}) <> 0) AS r{i}"
                     for i in range(len(codes)))
    wide = run(snap, scope, f"{grouped_cases(scope.by)} SELECT grp, {sums} FROM {scope.rows(derived)} GROUP BY grp")
    # unpivot in plain Python: the table is tiny, and one DataFrame per code costs more than the query
    records = [(row["grp"], attribute, code, int(row[f"p{i}"]), int(row[f"r{i}"]))
               for row in wide.to_dict("records") for i, code in enumerate(codes) if row[f"r{i}"]]
    long = pd.DataFrame.from_records(records, columns=["grp", "attribute", "value", "count", "denominator"])
    long["share"] = long["count"] / long["denominator"]
    return long


def multi_presence(scope: Scope, attribute: str, pairs: str) -> str:
    """SELECT of a multi-valued list from a derived (case_id, value) pairs table: denominator = cases with any
    value recorded (a case counts once per value, so shares may add up to more than 100%)."""
    return f"""
    SELECT v.grp, '{attribute}' AS attribute, value, count, den.n AS denominator, count / den.n AS share
    FROM (SELECT grp, value, count(*) AS count FROM {scope.rows(pairs)} GROUP BY ALL) v
    JOIN (SELECT grp, count_if(first_of_case) AS n FROM {scope.rows(pairs)} GROUP BY ALL) den ON den.grp = v.grp
    """
