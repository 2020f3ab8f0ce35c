"""Capture histories from linked lists, in the estimation input format.

Each linked person (a cluster) is "captured" by the lists its records come from. The estimation issue reads a
CSV with one 0/1 column per list and a ``count`` column (people with that pattern); the all-zero pattern never
appears.

Example:
    >>> import pandas as pd
    >>> clusters = pd.DataFrame({"person_id": ["a", "a", "b"], "list": ["police", "ngo", "ngo"]})
    >>> capture_histories(clusters).to_dict("records")
    [{'police': 0, 'ngo': 1, 'count': 1}, {'police': 1, 'ngo': 1, 'count': 1}]
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ctkit.errors import ValidationError

__all__ = ["capture_histories", "write_capture_histories"]


def capture_histories(clusters: pd.DataFrame, lists: Sequence[str] | None = None) -> pd.DataFrame:
    """Counts of persons by capture pattern from ``clusters`` (columns ``person_id`` and ``list``).

    ``lists`` fixes the column order (default: order of first appearance). Rows are sorted by pattern; only
    observed patterns appear. Raises ``ValidationError`` when a cluster row names a list outside ``lists``.
    """
    order = list(lists) if lists is not None else list(pd.unique(clusters["list"]))
    unknown = set(clusters["list"]) - set(order)
    if unknown:
        raise ValidationError(f"{len(unknown)} list name(s) in the clusters are not among the given lists")
    seen = pd.crosstab(clusters["person_id"], clusters["list"]).reindex(columns=order, fill_value=0)
    patterns = (seen > 0).astype(int)
    counts = patterns.value_counts().rename("count").reset_index()
    key = sum(counts[name] * 2**j for j, name in enumerate(order))
    return counts.assign(_key=key).sort_values("_key").drop(columns="_key").reset_index(drop=True)


def write_capture_histories(table: pd.DataFrame, path: Path) -> None:
    """Write :func:`capture_histories` output as CSV (no index)."""
    table.to_csv(path, index=False)
