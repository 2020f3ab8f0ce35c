"""Linkage quality against known true pairs (generated registers, or a clerically reviewed sample).

Three questions, answered separately so a loss can be traced to its stage:

* **blocking**: what share of the true pairs does any blocking rule put up for comparison at all
  (pairs completeness)? A pair never compared can never be linked;
* **scoring**: how good is the ranking of the scored pairs, whatever the threshold (the best recall any
  threshold reaches at a given precision, chosen with the truth: an upper bound for a real threshold);
* **decision**: precision and recall of the pairs actually linked.

Truth and predictions are frames of record pairs (``unique_id_l``, ``unique_id_r``, in any order). Joins run in
DuckDB so a million-record register is measured in seconds.

Example:
    >>> truth = pd.DataFrame({"unique_id_l": ["a", "c"], "unique_id_r": ["b", "d"]})
    >>> pair_precision_recall(pd.DataFrame({"unique_id_l": ["b"], "unique_id_r": ["a"]}), truth)
    {'precision': 1.0, 'recall': 0.5}
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from ctkit.errors import ValidationError

__all__ = ["best_recall_at_precision", "blocking_pairs_completeness", "pair_precision_recall", "pairs_within"]


def pairs_within(ids: pd.Series, groups: pd.Series) -> pd.DataFrame:
    """All unordered pairs of ``ids`` sharing a group label (true persons, or found clusters), ordered l < r."""
    con = duckdb.connect()
    con.register("members", pd.DataFrame({"id": np.asarray(ids), "g": np.asarray(groups)}))
    return con.sql(
        "select l.id as unique_id_l, r.id as unique_id_r from members l join members r on l.g = r.g and l.id < r.id"
    ).df()


def _ordered(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    con.register(f"{name}_raw", frame[["unique_id_l", "unique_id_r"]])
    con.execute(
        f"create temp table {name} as select distinct least(unique_id_l, unique_id_r) as a, "
        f"greatest(unique_id_l, unique_id_r) as b from {name}_raw"
    )


def pair_precision_recall(predicted: pd.DataFrame, truth: pd.DataFrame) -> dict[str, float]:
    """Share of ``predicted`` pairs that are true, and of true pairs that are predicted."""
    con = duckdb.connect()
    _ordered(con, "predicted", predicted)
    _ordered(con, "truth", truth)
    hits, n_predicted, n_true = con.execute(
        "select (select count(*) from predicted join truth using (a, b)), "
        "(select count(*) from predicted), (select count(*) from truth)"
    ).fetchone()
    return {"precision": hits / max(n_predicted, 1), "recall": hits / max(n_true, 1)}


def blocking_pairs_completeness(records: pd.DataFrame, truth: pd.DataFrame, rules: list | None = None) -> float:
    """Share of true pairs that at least one blocking rule compares (``rules``: Splink rules, default ctkit's).

    ``records`` are the prepared records the rules read (``unique_id`` plus the rules' columns). Raises
    ``ValidationError`` when a true pair names a record that is not in ``records``.
    """
    from splink.internals.blocking_rule_creator_utils import to_blocking_rule_creator

    from ctkit.share.link.model import prediction_blocking_rules

    sqls = [to_blocking_rule_creator(r).get_blocking_rule("duckdb").blocking_rule_sql
            for r in (rules if rules is not None else prediction_blocking_rules())]  # fmt: skip
    # A comparison with a null is null, not false: coalesce so that "no rule matched" counts as not blocked.
    blocked = " or ".join(f"coalesce(({sql}), false)" for sql in sqls)
    con = duckdb.connect()
    con.register("records", records)
    _ordered(con, "truth", truth)
    n_true, n_joined, n_blocked = con.execute(
        f"select (select count(*) from truth), count(*), count(*) filter (where {blocked}) "
        "from truth t join records l on l.unique_id = t.a join records r on r.unique_id = t.b"
    ).fetchone()
    if n_joined != n_true:
        raise ValidationError(f"{n_true - n_joined} true pair(s) name records that are not in the input")
    return n_blocked / max(n_true, 1)


def best_recall_at_precision(scored: pd.DataFrame, truth: pd.DataFrame, precision: float = 0.99) -> dict:
    """The highest recall of any threshold on ``match_weight`` whose accepted pairs reach ``precision``.

    ``scored`` holds the scored candidate pairs (``unique_id_l``, ``unique_id_r``, ``match_weight``,
    ``match_probability``). Returns ``recall`` and the ``match_probability`` of that threshold (recall 0 and
    probability NaN where no threshold reaches the precision). It uses the truth to choose, so it measures the
    ranking, not a threshold that could be set without the truth.
    """
    con = duckdb.connect()
    _ordered(con, "truth", truth)
    con.register("scored", scored)
    frame = con.sql(
        "select s.match_weight, s.match_probability, t.a is not null as true_pair from scored s left join truth t "
        "on t.a = least(s.unique_id_l, s.unique_id_r) and t.b = greatest(s.unique_id_l, s.unique_id_r) "
        "order by s.match_weight desc"
    ).df()
    n_true = con.execute("select count(*) from truth").fetchone()[0]
    hits = np.cumsum(frame["true_pair"].to_numpy())
    weights = frame["match_weight"].to_numpy()
    ends = np.flatnonzero(np.append(weights[1:] < weights[:-1], True))  # a threshold cannot split a tie
    good = ends[hits[ends] / (ends + 1) >= precision]
    if not good.size:
        return {"recall": 0.0, "match_probability": float("nan")}
    best = good[np.argmax(hits[good])]
    return {"recall": hits[best] / max(n_true, 1), "match_probability": float(frame["match_probability"][best])}
