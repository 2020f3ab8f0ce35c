"""Classical closed-population models for comparison: M0, Mt, Mh (Chao), Mth (Chao) and Mb.

M0, Mt, Mh Chao and Mth Chao are Poisson log-linear models on the observed patterns, as in Rcapture's
``closedp.t`` (Rivest and Baillargeon 2007): M0 has one capture-count column, Mt one column per list, and the Chao
lower-bound heterogeneity adds ``max(c - j, 0)`` for ``j = 2..k-1`` where ``c`` is the number of lists a pattern is
on; negative heterogeneity coefficients are dropped and the model refitted, as Rcapture does. Mb (a behavioural
response to the first capture, reading the lists in their given order) is fitted by Poisson regression of the
numbers first caught on each list on the list position, and extrapolated to the uncaught.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from ctkit.errors import EstimationError
from ctkit.estimate.existence import full_rank, lp_exists
from ctkit.estimate.history import CaptureHistory
from ctkit.estimate.loglinear import newton_poisson, poisson_loglik

CLASSICAL_MODELS = ("M0", "Mt", "Mh Chao", "Mth Chao", "Mb")


@dataclass(frozen=True)
class ClassicalFit:
    """One classical model: total, Wald interval on the log dark figure, AIC (Poisson, for ranking)."""

    name: str
    total: float
    low: float
    high: float
    aic: float
    n_params: int


def _captures(patterns: np.ndarray, n_lists: int) -> np.ndarray:
    return ((patterns[:, None] >> np.arange(n_lists)) & 1).sum(axis=1)


def _design(history: CaptureHistory, name: str) -> np.ndarray:
    k = history.n_lists
    patterns = history.patterns
    caught = _captures(patterns, k).astype(float)
    columns = [np.ones(len(patterns))]
    if name in {"M0", "Mh Chao"}:
        columns.append(caught)
    else:
        columns.extend(((patterns >> j) & 1).astype(float) for j in range(k))
    if name in {"Mh Chao", "Mth Chao"}:
        columns.extend(np.maximum(caught - j, 0) for j in range(2, k))
    return np.column_stack(columns)


def _fit_loglinear(history: CaptureHistory, name: str, level: float) -> ClassicalFit:
    x = _design(history, name)
    y = history.counts
    first_heterogeneity = x.shape[1] - (history.n_lists - 2) if "Chao" in name else x.shape[1]
    keep = np.ones(x.shape[1], dtype=bool)
    while True:
        result = newton_poisson(x[:, keep], y)
        beta = np.zeros(x.shape[1])
        beta[keep] = result.beta
        negative = [j for j in range(first_heterogeneity, x.shape[1]) if keep[j] and beta[j] < 0]
        if not negative:
            break
        keep[negative[0]] = False  # Rcapture drops the first negative eta and refits
    if not (lp_exists(x[:, keep], y) and full_rank(x[:, keep])):
        raise EstimationError(f"model {name}: its maximum-likelihood estimate does not exist on these data")
    covariance = np.linalg.inv(result.hessian)
    return _summarise(name, history.n_observed, result.beta[0], covariance[0, 0], poisson_loglik(y, result.mu),
                      int(keep.sum()), level)


def _summarise(name: str, n: int, log_dark: float, variance: float, loglik: float, n_params: int, level: float):
    spread = norm.ppf(0.5 + level / 2) * np.sqrt(max(variance, 0.0))
    return ClassicalFit(
        name, n + float(np.exp(log_dark)), n + float(np.exp(log_dark - spread)), n + float(np.exp(log_dark + spread)),
        2 * n_params - 2 * loglik, n_params,
    )


def _fit_mb(history: CaptureHistory, level: float) -> ClassicalFit:
    k = history.n_lists
    patterns = history.patterns
    first = np.array([int(p & -p).bit_length() - 1 for p in patterns])
    first_caught = np.bincount(first, weights=history.counts, minlength=k).astype(float)
    x = np.column_stack([np.ones(k), np.arange(k, dtype=float)])
    result = newton_poisson(x, first_caught)
    a, b = result.beta
    if b >= 0:
        raise EstimationError("model Mb has no finite estimate: first captures do not decline along the lists")
    # dark = exp(a + b k) / (1 - exp(b)); gradient of its log with respect to (a, b)
    log_dark = a + b * k - np.log1p(-np.exp(b))
    gradient = np.array([1.0, k + np.exp(b) / (1 - np.exp(b))])
    variance = float(gradient @ np.linalg.inv(result.hessian) @ gradient)
    return _summarise("Mb", history.n_observed, log_dark, variance, poisson_loglik(first_caught, result.mu), 2, level)


def fit_classical(history: CaptureHistory, name: str, level: float = 0.95) -> ClassicalFit:
    """Fit one of ``CLASSICAL_MODELS``; raises EstimationError when it has no finite estimate."""
    if name not in CLASSICAL_MODELS:
        raise EstimationError(f"unknown classical model '{name}'; choose from {', '.join(CLASSICAL_MODELS)}")
    if name in {"Mh Chao", "Mth Chao"} and history.n_lists < 3:
        raise EstimationError(f"model {name} needs at least 3 lists")
    fit = _fit_mb(history, level) if name == "Mb" else _fit_loglinear(history, name, level)
    if not np.isfinite(fit.total):
        raise EstimationError(f"model {name} has no finite estimate on these data")
    return fit


def fit_all_classical(history: CaptureHistory, level: float = 0.95) -> tuple[list[ClassicalFit], list[str]]:
    """Every classical model that can be fitted, and a note for each that cannot."""
    fits, notes = [], []
    for name in CLASSICAL_MODELS:
        try:
            fits.append(fit_classical(history, name, level))
        except EstimationError as exc:
            notes.append(str(exc))
    return fits, notes
