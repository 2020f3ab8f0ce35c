"""Bootstrap intervals that repeat model selection in every resample (Chan, Silverman and Vincent 2021;
Silverman, Chan and Vincent 2024): multinomial resamples of the observed people, percentile and BCa limits.

The BCa acceleration comes from the delete-one-person jackknife, one deletion per observed pattern weighted by its
count; quantiles are R's type 8, as the reference packages use. Resamples run in worker processes (model selection
is Python-bound), each worker drawing from its own stream spawned from the one seed, so a seed gives the same
replicates whatever the number of workers.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from ctkit.errors import EstimationError
from ctkit.estimate.history import CaptureHistory

Selector = Callable[[CaptureHistory], float]
BLOCK = 50


@dataclass(frozen=True)
class BootstrapResult:
    """Replicates and the intervals drawn from them. ``failed`` counts resamples with no usable model."""

    estimate: float
    replicates: np.ndarray
    jackknife: np.ndarray
    acceleration: float
    bias_z0: float
    level: float
    percentile: tuple[float, float]
    bca: tuple[float, float]
    bca_probabilities: tuple[float, float]
    failed: int
    seed: int | None

    @property
    def n_resamples(self) -> int:
        return len(self.replicates)

    def edge_warnings(self) -> list[str]:
        """Warn when a BCa limit falls on (or beyond) the smallest or largest replicate."""
        usable = self.replicates[np.isfinite(self.replicates)]
        notes = []
        low_p, high_p = self.bca_probabilities
        edge = 1.0 / (len(usable) + 1)
        if low_p <= edge or self.bca[0] <= usable.min():
            notes.append("the lower BCa limit sits on the smallest bootstrap replicate: it is not reliable")
        if high_p >= 1 - edge or self.bca[1] >= usable.max():
            notes.append("the upper BCa limit sits on the largest bootstrap replicate: it is not reliable")
        if self.failed:
            notes.append(f"{self.failed} of {self.n_resamples} resamples had no usable model and were left out")
        return notes


def quantile_type8(values: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
    """R's ``quantile(type = 8)`` (median-unbiased)."""
    return np.quantile(np.sort(values), probabilities, method="median_unbiased")


def bca_limits(
    replicates: np.ndarray, estimate: float, acceleration: float, alphas: np.ndarray
) -> tuple[np.ndarray, np.ndarray, float]:
    """BCa limits at the cumulative levels ``alphas`` (as SparseMSE's ``bcaconfvalues``); returns the limits,
    the adjusted probabilities and the bias correction z0."""
    usable = replicates[np.isfinite(replicates)]
    # clipped so that a sample entirely on one side of the estimate gives a limit at the edge, not NaN
    below = np.clip(np.mean(usable < estimate), 0.5 / len(usable), 1 - 0.5 / len(usable))
    z0 = float(norm.ppf(below))
    za = norm.ppf(alphas)
    adjusted = norm.cdf(z0 + (za + z0) / (1 - acceleration * (za + z0)))
    return quantile_type8(usable, adjusted), adjusted, z0


def acceleration_from_jackknife(jackknife: np.ndarray, counts: np.ndarray) -> float:
    """``a = sum n d^3 / (6 (sum n d^2)^1.5)`` with ``d`` the count-weighted mean minus each delete-one value."""
    positive = counts > 0
    weights = counts[positive]
    values = jackknife[positive]
    if not np.all(np.isfinite(values)):
        raise EstimationError("a delete-one (jackknife) data set has no usable model: BCa limits are not available")
    deviations = np.sum(weights * values) / weights.sum() - values
    denominator = np.sum(weights * deviations**2)
    return float(np.sum(weights * deviations**3) / (6 * denominator**1.5)) if denominator > 0 else 0.0


def _run_block(selector: Selector, history: CaptureHistory, draws: np.ndarray) -> np.ndarray:
    out = np.empty(len(draws))
    for i, counts in enumerate(draws):
        try:
            out[i] = selector(history.with_counts(counts))
        except EstimationError:
            out[i] = np.nan
    return out


def _jackknife(selector: Selector, history: CaptureHistory) -> np.ndarray:
    values = np.full(len(history.counts), np.nan)
    for cell in np.flatnonzero(history.counts > 0):
        counts = history.counts.copy()
        counts[cell] -= 1
        try:
            values[cell] = selector(history.with_counts(counts))
        except EstimationError:
            values[cell] = np.nan
    return values


def resample_counts(history: CaptureHistory, n_resamples: int, seed: int | None) -> np.ndarray:
    """Multinomial resamples of the observed people (n_resamples x cells), reproducible from ``seed``."""
    rng = np.random.default_rng(seed)
    probabilities = history.counts / history.counts.sum()
    return rng.multinomial(history.n_observed, probabilities, size=n_resamples).astype(float)


def bootstrap(
    history: CaptureHistory,
    selector: Selector,
    n_resamples: int = 1000,
    seed: int | None = None,
    level: float = 0.95,
    workers: int | None = None,
) -> BootstrapResult:
    """Run ``selector`` (history -> total, raising EstimationError when no model is usable) on the data, on
    ``n_resamples`` multinomial resamples and on the delete-one jackknife sets; return percentile and BCa limits.

    ``selector`` must be picklable (a module-level function or object) when ``workers`` > 1.
    """
    if n_resamples < 2:
        raise EstimationError("the bootstrap needs at least 2 resamples")
    estimate = selector(history)
    draws = resample_counts(history, n_resamples, seed)
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    blocks = [draws[i : i + BLOCK] for i in range(0, n_resamples, BLOCK)]
    if workers > 1 and len(blocks) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(_run_block, selector, history, block) for block in blocks]
            jack_future = pool.submit(_jackknife, selector, history)
            replicates = np.concatenate([f.result() for f in futures])
            jackknife = jack_future.result()
    else:
        replicates = np.concatenate([_run_block(selector, history, block) for block in blocks])
        jackknife = _jackknife(selector, history)
    failed = int(np.sum(~np.isfinite(replicates)))
    if failed == n_resamples:
        raise EstimationError("no bootstrap resample had a usable model")
    alpha = (1 - level) / 2
    alphas = np.array([alpha, 1 - alpha])
    usable = replicates[np.isfinite(replicates)]
    percentile = quantile_type8(usable, alphas)
    acceleration = acceleration_from_jackknife(jackknife, history.counts)
    limits, adjusted, z0 = bca_limits(replicates, estimate, acceleration, alphas)
    return BootstrapResult(
        estimate=float(estimate),
        replicates=replicates,
        jackknife=jackknife,
        acceleration=acceleration,
        bias_z0=z0,
        level=level,
        percentile=(float(percentile[0]), float(percentile[1])),
        bca=(float(limits[0]), float(limits[1])),
        bca_probabilities=(float(adjusted[0]), float(adjusted[1])),
        failed=failed,
        seed=seed,
    )
