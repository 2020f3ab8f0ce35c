"""Strata (a covariate such as sex, age band, form of exploitation or year) with structural zeros.

Lists need not cover every stratum: a list that does not operate in a stratum cannot record anyone there, so every
pattern holding that list is a structural zero in that stratum and is left out of the fit (not counted as an
observed zero). The model is a Poisson log-linear model on the (stratum, pattern) cells with a stratum effect, list
main effects, each list's catch varying by stratum (list x stratum), and the chosen list interactions shared by all
strata. Terms that the covered cells cannot identify (e.g. the catch of the only list operating in a stratum) are
dropped in a fixed order, so that stratum falls back on the list's catch in the other strata; each drop is reported
as an assumption. The dark figure of stratum ``s`` is ``exp(intercept + stratum_s)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import norm

from ctkit.errors import EstimationError, ValidationError
from ctkit.estimate.history import CaptureHistory, from_frame
from ctkit.estimate.loglinear import newton_poisson
from ctkit.estimate.models import Model, model_names, term_sort_key


@dataclass(frozen=True)
class StratifiedTable:
    """Counts by stratum and pattern, and which lists operate in which stratum."""

    lists: tuple[str, ...]
    strata: tuple[str, ...]
    counts: np.ndarray  # strata x (2^k - 1)
    coverage: np.ndarray  # strata x lists, True where the list operates

    def pooled(self) -> CaptureHistory:
        return CaptureHistory(self.lists, self.counts.sum(axis=0))

    def stratum(self, index: int) -> CaptureHistory:
        return CaptureHistory(self.lists, self.counts[index])


def from_histories(
    histories: dict[Any, CaptureHistory], coverage: dict[Any, set[str]] | None = None
) -> StratifiedTable:
    """Combine per-stratum histories over the same lists; ``coverage`` maps stratum -> lists operating there.

    Without ``coverage`` a list operates in a stratum when it recorded someone there: give it explicitly when a
    list could have recorded people in a stratum but did not (a sampling zero, not a structural one).
    """
    if not histories:
        raise ValidationError("no strata given")
    labels = [str(s) for s in histories]
    first = next(iter(histories.values()))
    if any(h.lists != first.lists for h in histories.values()):
        raise ValidationError("every stratum must use the same lists in the same order")
    counts = np.vstack([h.counts for h in histories.values()])
    if coverage is None:
        covered = np.vstack([h.list_totals() > 0 for h in histories.values()])
    else:
        covered = np.array([[name in coverage.get(s, set(first.lists)) for name in first.lists] for s in histories])
    table = StratifiedTable(first.lists, tuple(labels), counts, covered)
    _check_structural(table)
    return table


def from_frame_by(frame: Any, stratum_column: str, count_column: str = "count") -> StratifiedTable:
    """Split a capture-history DataFrame on ``stratum_column`` (coverage inferred from the data)."""
    if stratum_column not in frame.columns:
        raise ValidationError(f"input: no column named '{stratum_column}' to stratify by")
    lists = [c for c in frame.columns if c not in {stratum_column, count_column}]
    histories = {
        value: from_frame(group.drop(columns=[stratum_column]), count_column, lists)
        for value, group in frame.groupby(stratum_column, sort=True)
    }
    return from_histories(histories)


def _check_structural(table: StratifiedTable) -> None:
    patterns = np.arange(1, 2 ** len(table.lists))
    for s, label in enumerate(table.strata):
        uncovered = sum(1 << j for j in range(len(table.lists)) if not table.coverage[s, j])
        impossible = (patterns & uncovered) != 0
        if np.any(table.counts[s][impossible] > 0):
            raise ValidationError(f"stratum '{label}': people are recorded on a list that does not cover it")
        if table.coverage[s].sum() < 1 or table.counts[s].sum() == 0:
            raise EstimationError(f"stratum '{label}': no list records anyone there, so it has no estimate")


@dataclass(frozen=True)
class StratifiedFit:
    """Dark figure and total per stratum and overall, with log-scale Wald intervals (delta method)."""

    table: StratifiedTable
    model: Model
    estimates: dict[str, tuple[float, float, float]]  # stratum -> (total, low, high)
    total: tuple[float, float, float]
    assumptions: list[str]
    deviance: float


def fit_stratified(table: StratifiedTable, model: Model, level: float = 0.95) -> StratifiedFit:
    """Fit the stratified model with the list interactions ``model`` shared by all strata (see module docstring).

    Raises EstimationError when a stratum's dark figure cannot be identified.
    """
    cells, y = _cells(table)
    names, columns = _candidate_columns(table, model, cells)
    keep, assumptions = _identifiable_columns(names, columns, len(table.strata))
    x = np.column_stack([columns[i] for i in keep])
    result = newton_poisson(x, y)
    covariance = np.linalg.inv(result.hessian)
    n_strata = len(table.strata)
    # the dark figure of stratum s loads on the intercept (column 0) and its stratum dummy (columns 1..S-1)
    loadings = np.zeros((n_strata, len(keep)))
    loadings[:, 0] = 1.0
    for s in range(1, n_strata):
        loadings[s, keep.index(s)] = 1.0
    dark = np.exp(loadings @ result.beta)
    z = norm.ppf(0.5 + level / 2)
    estimates = {}
    for s, label in enumerate(table.strata):
        se = float(np.sqrt(loadings[s] @ covariance @ loadings[s]))
        observed = table.counts[s].sum()
        spread = np.exp(z * se)
        estimates[label] = (observed + dark[s], observed + dark[s] / spread, observed + dark[s] * spread)
    gradient = (dark[:, None] * loadings).sum(axis=0) / dark.sum()
    se_total = float(np.sqrt(gradient @ covariance @ gradient))
    n = table.counts.sum()
    total = (n + dark.sum(), n + dark.sum() * np.exp(-z * se_total), n + dark.sum() * np.exp(z * se_total))
    deviance = float(2 * np.sum(np.where(y > 0, y * np.log(np.where(y > 0, y, 1) / result.mu), 0) - (y - result.mu)))
    return StratifiedFit(table, model, estimates, total, assumptions, deviance)


def _cells(table: StratifiedTable) -> tuple[list[tuple[int, int]], np.ndarray]:
    """(stratum, pattern) cells that can hold people: patterns using only lists operating in the stratum."""
    cells, counts = [], []
    for s in range(len(table.strata)):
        uncovered = sum(1 << j for j in range(len(table.lists)) if not table.coverage[s, j])
        for pattern in range(1, 2 ** len(table.lists)):
            if pattern & uncovered == 0:
                cells.append((s, pattern))
                counts.append(table.counts[s, pattern - 1])
    return cells, np.array(counts, dtype=float)


def _candidate_columns(table: StratifiedTable, model: Model, cells: list[tuple[int, int]]):
    strata = np.array([s for s, _ in cells])
    patterns = np.array([p for _, p in cells], dtype=np.int64)
    names: list[str] = ["intercept"]
    columns: list[np.ndarray] = [np.ones(len(cells))]
    for s in range(1, len(table.strata)):
        names.append(f"stratum {table.strata[s]}")
        columns.append((strata == s).astype(float))
    for j, name in enumerate(table.lists):
        names.append(f"list {name}")
        columns.append(((patterns >> j) & 1).astype(float))
    for term, label in zip(sorted(model, key=term_sort_key), model_names(model, table.lists), strict=True):
        names.append(label)
        columns.append(((patterns & term) == term).astype(float))
    for s in range(1, len(table.strata)):
        for j, name in enumerate(table.lists):
            names.append(f"list {name} x stratum {table.strata[s]}")
            columns.append((((patterns >> j) & 1) * (strata == s)).astype(float))
    return names, columns


def _identifiable_columns(names: list[str], columns: list[np.ndarray], n_strata: int) -> tuple[list[int], list[str]]:
    keep: list[int] = []
    assumptions: list[str] = []
    rank = 0
    for i, column in enumerate(columns):
        if not column.any():
            continue
        trial = np.column_stack([columns[k] for k in keep + [i]])
        new_rank = int(np.linalg.matrix_rank(trial))
        if new_rank > rank:
            keep.append(i)
            rank = new_rank
        elif i < n_strata:
            raise EstimationError(f"the dark figure of {names[i]} cannot be identified from the lists covering it")
        elif " x stratum " in names[i]:
            assumptions.append(f"{names[i]}: not identifiable, the list's catch there is taken from other strata")
        else:
            raise EstimationError(f"term '{names[i]}' cannot be identified from these strata")
    return keep, assumptions
