"""Intervals for the total conditional on a model: Wald on the log dark figure, and profile likelihood.

Wald (as SparseMSE): ``n + exp(log D +- z se)`` with ``se`` from the inverse information of the intercept.
Profile likelihood (as Rcapture's ``closedpCI.t``): the multinomial likelihood of the complete table with
``N - n`` people in the unobserved cell, maximised over the model's parameters for each ``N``; the interval holds
every ``N`` within ``chi2_1(level) / 2`` of the maximum, and the maximising ``N`` is the profile point estimate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq, minimize_scalar
from scipy.special import gammaln
from scipy.stats import chi2, norm

from ctkit.errors import EstimationError
from ctkit.estimate.loglinear import FittedModel, design, kept_cells, newton_poisson


@dataclass(frozen=True)
class Interval:
    low: float
    high: float
    level: float
    kind: str
    point: float | None = None


def wald_interval(fit: FittedModel, level: float = 0.95) -> Interval:
    """Log-scale Wald interval for the total (symmetric on the log of the dark figure)."""
    z = norm.ppf(0.5 + level / 2)
    log_dark = float(fit.beta[0])
    n = fit.history.n_observed
    spread = z * fit.se_log_dark
    return Interval(n + np.exp(log_dark - spread), n + np.exp(log_dark + spread), level, "wald", fit.total)


class _Profile:
    """Profile multinomial log-likelihood of N for a fixed model (cells of minus-infinity terms stay dropped)."""

    def __init__(self, fit: FittedModel) -> None:
        history = fit.history
        keep = kept_cells(history.patterns, fit.minus_infinity)
        patterns = np.concatenate([[0], history.patterns[keep]])
        self.x = design(patterns, fit.columns)
        self.y_observed = history.counts[keep]
        self.n = float(history.n_observed)
        self.start = fit.beta

    def __call__(self, total: float) -> float:
        y = np.concatenate([[total - self.n], self.y_observed])
        result = newton_poisson(self.x, y, self.start)
        self.start = result.beta
        p = result.mu / result.mu.sum()
        positive = y > 0
        return float(
            gammaln(total + 1) - gammaln(total - self.n + 1) + np.sum(y[positive] * np.log(p[positive]))
        )


def profile_interval(fit: FittedModel, level: float = 0.95, max_ratio: float = 1e4) -> Interval:
    """Profile-likelihood interval for the total; the upper limit is searched up to ``max_ratio`` times ``n``.

    Raises EstimationError if the likelihood has no maximum in that range. An upper limit beyond the range is
    reported as ``inf``.
    """
    profile = _Profile(fit)
    n = profile.n
    cut = chi2.ppf(level, 1) / 2
    upper_bound = n * max_ratio
    best = minimize_scalar(
        lambda t: -profile(t),
        bracket=(max(n + 1e-6, fit.total * 0.9), fit.total),
        bounds=None,
        method="brent",
        options={"xtol": 1e-10},
    )
    point = float(best.x)
    if not (n <= point <= upper_bound):
        raise EstimationError("the profile likelihood has no maximum: the data cannot support an estimate")
    peak = -float(best.fun)

    def drop(t: float) -> float:
        return peak - profile(t) - cut

    low_edge = n + 1e-9 * max(n, 1.0)
    low = n if drop(low_edge) < 0 else brentq(drop, low_edge, point, xtol=1e-8)
    high = float("inf") if drop(upper_bound) < 0 else brentq(drop, point, upper_bound, xtol=1e-8)
    return Interval(float(low), float(high), level, "profile", point)
