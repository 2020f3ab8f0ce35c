"""Vectorised checks of text columns against their allowed values, in Arrow, a whole batch at a time.

A :class:`Rule` lists the accepted spellings of one column. :func:`encode` turns a batch column into integer codes
(the index of each value in the rule's list, or -1 when it is not allowed), which is both the validation and the
first step of the mapping: the importers index small lookup arrays with these codes instead of touching each value
in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ctkit.errors import ImportFormatError


@dataclass(frozen=True)
class Rule:
    """Accepted values of one column; ``describe`` is how the error message lists them (default: all)."""

    values: tuple[str, ...]
    describe: str = ""
    _array: pa.Array = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_array", pa.array(self.values, type=pa.string()))

    def allowed(self) -> str:
        if self.describe:
            return self.describe
        return ", ".join(repr(v) if v == "" else v for v in self.values)


FREE_TEXT: Rule | None = None  # a column that is read without a value check (derived or free text)


def encode(column: pa.ChunkedArray | pa.Array, rule: Rule) -> np.ndarray:
    """Codes of ``column`` under ``rule``: int32 numpy array, -1 where the value is not allowed."""
    codes = pc.index_in(column, value_set=rule._array)
    codes = pc.fill_null(codes, -1)
    if isinstance(codes, pa.ChunkedArray):
        codes = codes.combine_chunks()
    return codes.to_numpy(zero_copy_only=False).astype(np.int32, copy=False)


def first_invalid(codes: np.ndarray) -> int | None:
    """Index of the first -1 in ``codes``, or None when every value is allowed."""
    bad = np.flatnonzero(codes < 0)
    return int(bad[0]) if bad.size else None


@dataclass
class BatchCheck:
    """Collects the earliest invalid cell of a batch across columns (earliest line, then leftmost column)."""

    file: str
    first_line: int
    best: tuple[int, int, str, Rule] | None = None

    def see(self, position: int, name: str, codes: np.ndarray, rule: Rule) -> None:
        index = first_invalid(codes)
        if index is not None and (self.best is None or (index, position) < self.best[:2]):
            self.best = (index, position, name, rule)

    def raise_if_invalid(self) -> None:
        if self.best is None:
            return
        index, _, name, rule = self.best
        line = self.first_line + index
        raise ImportFormatError(
            f"{self.file}: line {line}, column '{name}': value not allowed; allowed: {rule.allowed()}",
            hint="fix the value in the file (nothing was imported)",
        )


def lookup(table: list, codes: np.ndarray) -> np.ndarray:
    """``table[code]`` for every code, as a numpy object array (one C-level gather, no Python loop)."""
    return np.array(table, dtype=object)[codes]
