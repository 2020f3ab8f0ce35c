"""Stepwise selection of two-list interactions by Poisson p-value, with existence checks (Chan, Silverman and
Vincent 2021; the method of the UK Home Office estimate, as in SparseMSE's ``stepwisefit``).

Start from main effects. At each step, for every pair not yet in the model, compare the number of people on both
lists with its Poisson distribution under the current fit (two-sided: the smaller tail); add the pair with the
smallest p-value if it is below the threshold and the enlarged model exists and is identifiable; otherwise stop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import pdtr, pdtrc

from ctkit.estimate.existence import ExistenceCheck, check_model
from ctkit.estimate.history import CaptureHistory
from ctkit.estimate.loglinear import FittedModel, fit_model
from ctkit.estimate.models import MAIN_EFFECTS, Model, pairs

DEFAULT_THRESHOLD = 0.02

Checker = Callable[[CaptureHistory, Model], ExistenceCheck]


@dataclass(frozen=True)
class StepwiseResult:
    fit: FittedModel
    steps: tuple[tuple[int, float], ...]  # (pair added, its p-value), in order
    rejected: tuple[tuple[int, str], ...]  # pairs skipped because the enlarged model failed a check


def pair_p_values(history: CaptureHistory, fit: FittedModel, candidates: list[int]) -> np.ndarray:
    """Two-sided Poisson p-values min(P(X <= n*), P(X >= n*)) of each candidate pair's overlap count."""
    patterns = history.patterns
    cand = np.asarray(candidates, dtype=np.int64)
    holds = (patterns[:, None] & cand[None, :]) == cand[None, :]
    observed = history.counts @ holds
    expected = fit.fitted @ holds
    lower = pdtr(observed, expected)  # P(X <= n*)
    upper = np.where(observed > 0, pdtrc(np.maximum(observed - 1, 0), expected), 1.0)  # P(X >= n*)
    return np.minimum(lower, upper)


def stepwise(
    history: CaptureHistory,
    threshold: float = DEFAULT_THRESHOLD,
    checker: Checker = check_model,
) -> StepwiseResult:
    """Select pairs stepwise (see module docstring); ties go to the pair listed first, as in SparseMSE.

    Only the candidates that would be chosen are checked for existence, in order of p-value, which gives the same
    model as checking every candidate but solves far fewer linear programs.
    """
    model: Model = MAIN_EFFECTS
    fit = fit_model(history, model)
    remaining = pairs(history.n_lists)
    steps: list[tuple[int, float]] = []
    rejected: list[tuple[int, str]] = []
    if threshold <= 0:
        return StepwiseResult(fit, (), ())
    while remaining:
        p_values = pair_p_values(history, fit, remaining)
        order = np.lexsort((np.arange(len(remaining)), p_values))
        chosen = None
        for index in order:
            if p_values[index] >= threshold:
                break
            candidate = model | {remaining[index]}
            check = checker(history, candidate)
            if check.ok:
                chosen = index
                break
            rejected.append((remaining[index], "no MLE" if not check.exists else "not identifiable"))
        if chosen is None:
            break
        term = remaining.pop(int(chosen))
        steps.append((term, float(p_values[chosen])))
        model = model | {term}
        fit = fit_model(history, model, start=_extend_start(fit, model, history))
    return StepwiseResult(fit, tuple(steps), tuple(rejected))


def _extend_start(fit: FittedModel, model: Model, history: CaptureHistory) -> np.ndarray | None:
    """Warm start: the previous coefficients with zero for the new term (when no term went to minus infinity)."""
    from ctkit.estimate.loglinear import columns_for, zero_terms

    if zero_terms(history, model):
        return None
    columns = columns_for(model, history.n_lists)
    old = dict(zip(fit.columns, fit.beta, strict=True))
    if len(old) != len(fit.columns) or fit.minus_infinity:
        return None
    return np.array([old.get(t, 0.0) for t in columns])
