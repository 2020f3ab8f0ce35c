"""Code -> label for the published columns: margins stay ``Total``, folded values read ``Other``."""

from __future__ import annotations

import pandas as pd

from ctkit.share.disclosure import TOTAL
from ctkit.share.formats.official.model import OTHER

FOLDED_LABEL = "Other"


def labelled(cells: pd.DataFrame, domains: dict[str, dict[str, str]]) -> dict[str, list[str]]:
    """For each dimension in ``domains``, the label of every cell's code (unknown codes pass through)."""
    out = {}
    for dim, labels in domains.items():
        table = {**labels, TOTAL: TOTAL, OTHER: FOLDED_LABEL}
        out[dim] = [table.get(code, code) for code in cells[dim].tolist()]
    return out


def coded(cells: pd.DataFrame, dims: list[str], totals: dict[str, str]) -> dict[str, list[str]]:
    """Codes of each dimension, the margin written as the dimension's official total code."""
    return {dim: [totals.get(dim, TOTAL) if code == TOTAL else code for code in cells[dim].tolist()] for dim in dims}
