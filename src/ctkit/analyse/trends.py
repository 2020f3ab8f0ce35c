"""Trends: cases by year or quarter, with counts and shares, optionally broken down."""

from __future__ import annotations

import pandas as pd

from ctkit.analyse._sql import by_parts, finish, run
from ctkit.analyse.filters import Filters
from ctkit.analyse.snapshot import Snapshot
from ctkit.errors import ValidationError

# Group on small integers and format the label on the (small) result: formatting per row is slow at 1M cases.
PERIODS = {"year": ("0", "CAST(y AS VARCHAR)"), "quarter": ("c.quarter", "printf('%d-Q%d', y, q)")}


def trends(
    snap: Snapshot, filters: Filters | None = None, period: str = "year", by: str | None = None
) -> pd.DataFrame:
    """Cases per period (``year`` or ``quarter``), optionally by ``form``, ``sex``, ``age_band``, ``citizenship``.

    Returns ``period, [by], count, denominator, share``: without ``by`` the share is of all cases matching the
    filters; with ``by`` it is of the period's cases (multi-valued ``form`` can add up to more than 100%).

    Example: ``trends(snap, period="quarter")``
    """
    if period not in PERIODS:
        raise ValidationError(f"period must be one of {', '.join(PERIODS)}; got '{period}'")
    if by in ("year", "quarter"):
        raise ValidationError(f"cannot break a trend by '{by}' down by itself")
    join, expr = by_parts(by)
    # With a breakdown the share is within the period, else of all cases.
    denominator = "t.n" if by else "sum(count) OVER ()"
    quarter, label = PERIODS[period]
    body = f"""
    per AS (SELECT c.year AS y, {quarter} AS q, {expr} AS grp FROM filtered c {join}),
    period_totals AS (SELECT c.year AS y, {quarter} AS q, count(*) AS n FROM filtered c GROUP BY ALL),
    counted AS (SELECT y, q, grp, count(*) AS count FROM per GROUP BY ALL)
    SELECT {label} AS period, grp, count, {denominator} AS denominator, count / {denominator} AS share
    FROM counted JOIN period_totals t USING (y, q)
    """
    frame = run(snap, filters, body)
    frame = finish(frame, by, [], order=["period", *(["grp"] if by else [])],
                   denominators="cell" if by else "margin")
    frame.attrs["partition"] = ["period"] if by else []
    frame.attrs["dims"] = ["period", *([by] if by else [])]
    return frame
