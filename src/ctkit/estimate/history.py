"""Capture histories: which lists each person is on, as counts over the 2^k - 1 observable patterns.

A pattern is an integer bit mask: bit ``j`` set means "on list ``j``". Cell ``i`` of the count vector holds the
pattern ``i + 1``; the all-zero pattern (the people on no list) is never observed and has no cell.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from ctkit.errors import EstimationError, ValidationError
from ctkit.estimate.moebius import superset_sums

MAX_LISTS = 16


@dataclass(frozen=True)
class CaptureHistory:
    """Counts of people by capture pattern over ``lists``.

    ``counts[i]`` is the number of people whose pattern (bit mask over ``lists``) is ``i + 1``.
    """

    lists: tuple[str, ...]
    counts: np.ndarray = field(repr=False)

    def __post_init__(self) -> None:
        counts = np.asarray(self.counts, dtype=float)
        object.__setattr__(self, "counts", counts)
        if counts.shape != (2 ** len(self.lists) - 1,):
            raise ValidationError(f"expected {2 ** len(self.lists) - 1} pattern counts, got {counts.shape}")

    @property
    def n_lists(self) -> int:
        return len(self.lists)

    @property
    def n_observed(self) -> int:
        return int(round(self.counts.sum()))

    @property
    def patterns(self) -> np.ndarray:
        """Bit mask of each cell, aligned with ``counts``."""
        return np.arange(1, 2**self.n_lists, dtype=np.int64)

    def list_totals(self) -> np.ndarray:
        """Number of people on each list."""
        bits = (self.patterns[:, None] >> np.arange(self.n_lists)) & 1
        return self.counts @ bits

    def overlap(self, term: int) -> float:
        """People on every list of ``term`` (a bit mask), whatever their other lists."""
        return float(self.overlaps[term])

    @cached_property
    def overlaps(self) -> np.ndarray:
        """``overlaps[t]`` = people on every list of ``t``, for all 2^k bit masks (a superset-sum transform)."""
        out = superset_sums(np.concatenate([[0.0], self.counts]), self.n_lists)
        out.flags.writeable = False
        return out

    def with_counts(self, counts: np.ndarray) -> CaptureHistory:
        return CaptureHistory(self.lists, counts)

    def data_hash(self) -> str:
        """SHA-256 over the list names and counts: the same table always gives the same hash."""
        digest = hashlib.sha256()
        digest.update("\x1f".join(self.lists).encode())
        digest.update(np.asarray(self.counts, dtype="<f8").tobytes())
        return digest.hexdigest()

    def to_rows(self) -> list[dict[str, int]]:
        """Observed patterns (count > 0) as rows of 0/1 list columns and ``count``."""
        rows = []
        for pattern, count in zip(self.patterns, self.counts, strict=True):
            if count > 0:
                row = {name: int((pattern >> j) & 1) for j, name in enumerate(self.lists)}
                row["count"] = int(count)
                rows.append(row)
        return rows


def _check_list_count(n: int) -> None:
    if n < 2:
        raise ValidationError(f"multiple systems estimation needs at least 2 lists, got {n}")
    if n > MAX_LISTS:
        raise ValidationError(f"at most {MAX_LISTS} lists are supported, got {n}")


def _check_counts(counts: np.ndarray, where: str) -> None:
    for i, value in enumerate(counts):
        if not np.isfinite(value) or value < 0 or value != np.floor(value):
            raise ValidationError(f"{where}: row {i + 1}: the count must be a non-negative integer")


def from_matrix(
    patterns01: np.ndarray, counts: np.ndarray, lists: Iterable[str], where: str = "input"
) -> CaptureHistory:
    """Build a history from a 0/1 matrix (one row per pattern or per person) and counts.

    Raises ValidationError for fewer than 2 lists, values other than 0/1, negative or non-integer counts and the
    all-zero pattern with a positive count (nobody can be observed on no list).
    """
    names = tuple(str(name) for name in lists)
    _check_list_count(len(names))
    if len(set(names)) != len(names):
        raise ValidationError(f"{where}: list names must be unique")
    matrix = np.asarray(patterns01)
    counts = np.asarray(counts, dtype=float)
    _check_counts(counts, where)
    if matrix.ndim != 2 or matrix.shape[1] != len(names):
        raise ValidationError(f"{where}: expected one 0/1 column per list")
    for j, name in enumerate(names):
        column = matrix[:, j]
        bad = ~np.isin(column, (0, 1))
        if bad.any():
            raise ValidationError(f"{where}: row {int(np.argmax(bad)) + 1}, column '{name}': must be 0 or 1")
    masks = (matrix.astype(np.int64) << np.arange(len(names))).sum(axis=1)
    empty = (masks == 0) & (counts > 0)
    if empty.any():
        raise ValidationError(
            f"{where}: row {int(np.argmax(empty)) + 1}: the all-zero pattern cannot be observed",
            hint="remove the row of people on no list; that number is what the estimate is for",
        )
    cells = np.zeros(2 ** len(names) - 1)
    np.add.at(cells, masks[masks > 0] - 1, counts[masks > 0])
    return CaptureHistory(names, cells)


def from_frame(frame: Any, count_column: str | None = "count", lists: Iterable[str] | None = None) -> CaptureHistory:
    """Build a history from a pandas DataFrame with one 0/1 column per list and an optional count column.

    Without a count column (or with ``count_column=None``) each row is one person.
    """
    columns = [str(c) for c in frame.columns]
    has_count = count_column is not None and count_column in columns
    names = list(lists) if lists is not None else [c for c in columns if c != count_column]
    missing = [name for name in names if name not in columns]
    if missing:
        raise ValidationError(f"input: no column named {missing[0]!r}")
    try:
        matrix = frame[names].to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValidationError("input: list columns must hold 0 or 1") from exc
    if np.isnan(matrix).any():
        row, col = np.argwhere(np.isnan(matrix))[0]
        raise ValidationError(f"input: row {row + 1}, column '{names[col]}': missing value")
    if has_count:
        try:
            counts = frame[count_column].to_numpy(dtype=float)
        except (TypeError, ValueError) as exc:
            raise ValidationError(f"input: column '{count_column}' must hold whole numbers") from exc
    else:
        counts = np.ones(len(frame))
    return from_matrix(matrix, counts, names)


def read_table(path: str | Path, count_column: str = "count") -> CaptureHistory:
    """Read a CSV or Parquet capture-history file (one 0/1 column per list, optional ``count`` column)."""
    import pandas as pd

    path = Path(path)
    if not path.exists():
        raise ValidationError(f"no such file: {path}")
    try:
        frame = pd.read_parquet(path) if path.suffix.lower() in {".parquet", ".pq"} else pd.read_csv(path)
    except (ValueError, OSError, pd.errors.ParserError) as exc:
        raise ValidationError(f"{path.name}: cannot be read as a table ({type(exc).__name__})") from exc
    return from_frame(frame, count_column=count_column)


def from_records(
    records: Iterable[Iterable[str]], lists: Iterable[str] | None = None
) -> CaptureHistory:
    """Build a history from per-person records, each the set of agency (list) names that recorded the person.

    ``lists`` fixes the list order (and may name lists that caught nobody, which validation then reports); by
    default the names seen, sorted. A record with no agency is an error: it names the record by position only.
    """
    sets = [frozenset(str(a) for a in record) for record in records]
    names = list(lists) if lists is not None else sorted(set().union(*sets)) if sets else []
    _check_list_count(len(names))
    index = {name: j for j, name in enumerate(names)}
    cells = np.zeros(2 ** len(names) - 1)
    for position, agencies in enumerate(sets):
        unknown = agencies - index.keys()
        if unknown:
            raise ValidationError(f"record {position + 1}: an agency is not among the lists given")
        if not agencies:
            raise ValidationError(f"record {position + 1}: a person must be on at least one list")
        mask = sum(1 << index[a] for a in agencies)
        cells[mask - 1] += 1
    return CaptureHistory(tuple(names), cells)


def from_stratified_records(
    records: Iterable[tuple[Iterable[str], Any]], lists: Iterable[str] | None = None
) -> dict[Any, CaptureHistory]:
    """Per-person records with a stratum value: ``(agencies, stratum)`` pairs -> one history per stratum.

    All strata share the same list order so that they can be modelled together (see ``strata``).
    """
    pairs = [(frozenset(str(a) for a in agencies), stratum) for agencies, stratum in records]
    names = list(lists) if lists is not None else sorted(set().union(*(a for a, _ in pairs))) if pairs else []
    by_stratum: dict[Any, list[frozenset[str]]] = {}
    for agencies, stratum in pairs:
        by_stratum.setdefault(stratum, []).append(agencies)
    return {stratum: from_records(group, names) for stratum, group in by_stratum.items()}


@dataclass(frozen=True)
class ListReport:
    """Lists removed as uninformative, with the reason for each."""

    removed: Mapping[str, str]

    def messages(self) -> list[str]:
        return [f"list '{name}' removed: {why}" for name, why in self.removed.items()]


def validate_for_estimation(history: CaptureHistory) -> None:
    """Raise EstimationError when the table cannot support an estimate at all."""
    if history.n_observed == 0:
        raise EstimationError("nobody is on any list: there is nothing to estimate from")
    totals = history.list_totals()
    for name, total in zip(history.lists, totals, strict=True):
        if total == 0:
            raise EstimationError(f"list '{name}' catches nobody", hint="drop it or use remove_degenerate_lists")
        if total == history.n_observed:
            raise EstimationError(
                f"list '{name}' catches everybody observed, so nobody can be missing from it",
                hint="drop it or use remove_degenerate_lists",
            )


def remove_degenerate_lists(history: CaptureHistory) -> tuple[CaptureHistory, ListReport]:
    """Drop lists that catch nobody, catch everybody observed, or duplicate an earlier list.

    Returns the reduced history and a report of what was removed and why. Raises EstimationError when fewer than
    two informative lists remain.
    """
    patterns = history.patterns
    observed = history.counts > 0
    totals = history.list_totals()
    removed: dict[str, str] = {}
    keep: list[int] = []
    signatures: dict[bytes, str] = {}
    for j, name in enumerate(history.lists):
        column = ((patterns[observed] >> j) & 1).astype(np.int8).tobytes()
        if totals[j] == 0:
            removed[name] = "it catches nobody"
        elif totals[j] == history.n_observed:
            removed[name] = "it catches everybody observed"
        elif column in signatures:
            removed[name] = f"it records exactly the same people as list '{signatures[column]}'"
        else:
            signatures[column] = name
            keep.append(j)
    if len(keep) < 2:
        raise EstimationError(
            f"only {len(keep)} informative list(s) remain after removing degenerate lists: no estimate is possible"
        )
    if len(keep) == history.n_lists:
        return history, ListReport({})
    return project(history, keep), ListReport(removed)


def project(history: CaptureHistory, keep: list[int]) -> CaptureHistory:
    """Collapse the table onto the lists at positions ``keep`` (people left on no list are dropped)."""
    new_masks = np.zeros(len(history.patterns), dtype=np.int64)
    for new_bit, j in enumerate(keep):
        new_masks |= ((history.patterns >> j) & 1) << new_bit
    cells = np.zeros(2 ** len(keep) - 1)
    seen = new_masks > 0
    np.add.at(cells, new_masks[seen] - 1, history.counts[seen])
    return CaptureHistory(tuple(history.lists[j] for j in keep), cells)
