"""The attrition funnel: how many cases reach each stage, and how long each step takes."""

from __future__ import annotations

import pandas as pd

from ctkit.analyse._sql import Scope, finish, run
from ctkit.analyse.filters import Filters
from ctkit.analyse.snapshot import Snapshot
from ctkit.vocab import code_list


def stage_order() -> list[str]:
    """The funnel's stages in order, from the ``lifecycle_stage`` code list (screened ... convicted)."""
    return list(code_list("lifecycle_stage"))


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
    body = f"""
    per_stage AS (
        SELECT stage_no, count(*) AS count, count(days) AS timed, quantile_cont(days, 0.25) AS days_q1,
            quantile_cont(days, 0.5) AS days_median, quantile_cont(days, 0.75) AS days_q3
        FROM {scope.rows("case_stages")} GROUP BY stage_no)
    SELECT n.stage_no, coalesce(p.count, 0) AS count, coalesce(p.timed, 0) AS timed,
        p.days_q1, p.days_median, p.days_q3
    FROM (SELECT unnest(range(1, ? + 1)) AS stage_no) n
    LEFT JOIN per_stage p USING (stage_no) ORDER BY n.stage_no"""
    frame = run(snap, scope, body, [len(stages)])
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
