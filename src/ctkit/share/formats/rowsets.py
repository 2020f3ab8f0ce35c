"""Column-oriented rows for one store table, as the fast import path builds them (no dict or model per row)."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

import numpy as np


@dataclass
class RowSet:
    """``n`` rows of one table: each column a sequence of length ``n``, or one value repeated for every row.

    Columns the table has but the set does not name are NULL.
    """

    table: str
    n: int
    columns: dict[str, Any] = field(default_factory=dict)

    def column(self, name: str):
        value = self.columns.get(name)
        if isinstance(value, np.ndarray):
            return value.tolist()
        if isinstance(value, list):
            return value
        return repeat(value, self.n)

    def is_constant(self, name: str) -> bool:
        """True when column ``name`` holds one value repeated for every row."""
        return not isinstance(self.columns.get(name), np.ndarray | list)

    def tuples(self, names: list[str]):
        """The rows as tuples in the order of ``names`` (for ``executemany`` or COPY), built lazily."""
        return zip(*(self.column(name) for name in names), strict=False)


def group_positions(rows: np.ndarray) -> np.ndarray:
    """Position of each item within its row group, for items already sorted by row (0, 1, ... per row).

    >>> group_positions(np.array([0, 0, 3, 5, 5, 5])).tolist()
    [0, 1, 0, 0, 1, 2]
    """
    if rows.size == 0:
        return rows.astype(np.int64)
    return np.arange(rows.size) - np.searchsorted(rows, rows, side="left")

