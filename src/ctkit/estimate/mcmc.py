"""Summaries and convergence diagnostics of a posterior sample of the total population (shared by the samplers).

The effective sample size is Geyer's initial monotone sequence estimator (the one Stan and ArviZ use, here for one
chain); the Monte Carlo standard error of a quantile follows Vehtari et al. (2021): the ESS of the indicator
``x <= q`` gives the standard error of the probability, mapped back through the sample's own quantiles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

# the probabilities every posterior summary reports (MultipleSystemsEstimation's set)
PROBABILITIES = (0.025, 0.1, 0.5, 0.9, 0.975)
TRACE_POINTS = 500


def effective_sample_size(draws: np.ndarray) -> float:
    """Effective sample size of one chain (Geyer's initial monotone positive sequence); ``len(draws)`` at most
    ``n log10 n`` as in Stan. A constant chain has ESS 1 (it says nothing beyond its one value)."""
    x = np.asarray(draws, dtype=float)
    n = len(x)
    if n < 4 or np.ptp(x) == 0:
        return 1.0
    x = x - x.mean()
    size = 1 << (2 * n - 1).bit_length()
    spectrum = np.fft.rfft(x, size)
    acov = np.fft.irfft(spectrum * np.conj(spectrum), size)[:n] / n
    rho = acov / acov[0]
    pairs = rho[: (n - 1) // 2 * 2].reshape(-1, 2).sum(axis=1)  # Gamma_m = rho_2m + rho_2m+1
    positive = np.argmax(pairs <= 0) if np.any(pairs <= 0) else len(pairs)
    monotone = np.minimum.accumulate(pairs[:positive])
    tau = -1.0 + 2.0 * monotone.sum()
    return float(min(n / max(tau, 1.0 / np.log10(max(n, 10))), n * np.log10(n)))


def quantile_mcse(draws: np.ndarray, probability: float) -> float:
    """Monte Carlo standard error of the ``probability`` quantile of ``draws`` (a correlated chain)."""
    x = np.asarray(draws, dtype=float)
    q = np.quantile(x, probability)
    ess = effective_sample_size((x <= q).astype(float))
    se = np.sqrt(probability * (1 - probability) / ess)
    low, high = np.quantile(x, [max(probability - se, 0.0), min(probability + se, 1.0)])
    return float((high - low) / 2)


@dataclass(frozen=True)
class PosteriorSummary:
    """A posterior sample of the total population, summarised.

    ``quantiles`` maps each of ``PROBABILITIES`` (and the interval's limits) to its value; ``mcse`` gives their
    Monte Carlo standard errors; ``trace`` keeps at most ``TRACE_POINTS`` evenly spaced draws for a chart.
    """

    median: float
    mean: float
    low: float
    high: float
    level: float
    quantiles: dict[float, float]
    mcse: dict[float, float]
    ess: float
    draws: int
    trace: list[float] = field(repr=False)

    def to_dict(self) -> dict[str, object]:
        return {
            "median": self.median, "mean": self.mean, "interval": [self.low, self.high], "level": self.level,
            "quantiles": {f"{p:g}": v for p, v in self.quantiles.items()},
            "mcse": {f"{p:g}": v for p, v in self.mcse.items()},
            "effective_sample_size": self.ess, "draws": self.draws,
        }


def summarise(totals: np.ndarray, level: float = 0.95, probabilities: Sequence[float] = PROBABILITIES):
    """Posterior median, mean, equal-tailed ``level`` interval (R's type-7 quantiles), ESS and Monte Carlo errors."""
    x = np.asarray(totals, dtype=float)
    alpha = round((1 - level) / 2, 12)
    probs = sorted(set(probabilities) | {alpha, round(1 - alpha, 12), 0.5})
    values = np.quantile(x, probs)
    quantiles = {p: float(v) for p, v in zip(probs, values, strict=True)}
    step = max(1, len(x) // TRACE_POINTS)
    return PosteriorSummary(
        median=quantiles[0.5],
        mean=float(x.mean()),
        low=quantiles[alpha],
        high=quantiles[round(1 - alpha, 12)],
        level=level,
        quantiles=quantiles,
        mcse={p: quantile_mcse(x, p) for p in probs},
        ess=effective_sample_size(x),
        draws=len(x),
        trace=[float(v) for v in x[::step]],
    )
