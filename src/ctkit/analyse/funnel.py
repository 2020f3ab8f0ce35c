"""The attrition funnel: how many cases reach each stage, and how long each step takes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ctkit.analyse._sql import Scope, finish, run
from ctkit.analyse.filters import Filters
from ctkit.analyse.snapshot import Snapshot
from ctkit.vocab import code_list


def stage_order() -> list[str]:
    """The funnel's stages in order, from the ``lifecycle_stage`` code list (screened ... convicted)."""
    return list(code_list("lifecycle_stage"))


def _quantile(days: np.ndarray, counts: np.ndarray, q: float) -> float:
    """Exact linear-interpolation quantile (DuckDB's quantile_cont, numpy's default) of a sorted histogram."""
    position = (counts.sum() - 1) * q
    ends = np.cumsum(counts)
    low = int(np.floor(position))
    below = days[np.searchsorted(ends, low, side="right")]
    above = days[np.searchsorted(ends, low + 1, side="right")] if low + 1 < ends[-1] else below
    return float(below + (above - below) * (position - low))


def _summarise(histogram: pd.DataFrame, n_stages: int) -> pd.DataFrame:
    rows = []
    for stage_no in range(1, n_stages + 1):
        part = histogram[histogram["stage_no"] == stage_no]
        timed = part[part["days"].notna()]
        days, counts = timed["days"].to_numpy(dtype=float), timed["n"].to_numpy(dtype=np.int64)
        quartiles = [_quantile(days, counts, q) if counts.sum() else None for q in (0.25, 0.5, 0.75)]
        rows.append({"stage_no": stage_no, "count": int(part["n"].sum()), "timed": int(counts.sum()),
                     "days_q1": quartiles[0], "days_median": quartiles[1], "days_q3": quartiles[2]})
    return pd.DataFrame(rows).astype({"days_q1": float, "days_median": float, "days_q3": float})


def funnel(snap: Snapshot, filters: Filters | None = None) -> pd.DataFrame:
    """Cases reaching each stage and the time from the previous stage.

    Returns one row per stage in order: ``stage, stage_no, count, share_of_first, share_of_previous,
    timed, days_q1, days_median, days_q3``. ``count`` is cases with a recorded date for the stage;
    ``share_of_first`` is relative to the first stage, ``share_of_previous`` to the stage before (where cases
    are lost). No rows at all when no case has a recorded stage. Days are quartiles of (stage date - previous
    stage date) over the ``timed`` cases that have both.

    Example: ``funnel(snap, Filters(years=(2020, 2024)))``
    """
    stages = stage_order()
    scope = Scope.of(filters)
    # Days are small integers: count (stage, days) pairs in SQL and take exact quantiles from the histogram,
    # several times faster than quantile_cont over every row.
    body = f"""
    per_stage AS (SELECT stage_no, days, count(*) AS n FROM {scope.rows("case_stages")} GROUP BY ALL)
    SELECT stage_no, days, n FROM per_stage ORDER BY stage_no, days"""
    frame = _summarise(run(snap, scope, body), len(stages))
    if not frame["count"].any():
        # no stage recorded at all (e.g. a CTDC file): no funnel, rather than a funnel of zeros
        frame = frame.iloc[0:0]
    frame.insert(0, "stage", [stages[i - 1] for i in frame["stage_no"]])
    first = frame["count"].iloc[0] if len(frame) else 0
    previous = frame["count"].shift(1)
    frame["share_of_first"] = frame["count"] / first if first else float("nan")
    frame["share_of_previous"] = (frame["count"] / previous.where(previous > 0)).astype("float64")
    frame["timed"] = frame["timed"].astype("int64")
    frame = frame[["stage", "stage_no", "count", "share_of_first", "share_of_previous", "timed",
                   "days_q1", "days_median", "days_q3"]]
    return finish(frame, None, ["stage"])
