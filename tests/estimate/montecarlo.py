"""Monte Carlo tolerance for comparing our bootstrap limits with a published run that used other random numbers.

A BCa limit is the replicate quantile at an adjusted probability ``p``. Two runs agree to Monte Carlo accuracy when
the published limit falls, in our replicate distribution, at a probability within a few standard errors of ``p``:
the quantile's own error (binomial, from both runs' sizes) plus the error that the bias correction ``z0`` (a
proportion of replicates) carries into ``p``. Comparing in probability keeps the test fair in long tails, where a
fixed relative tolerance would be meaningless.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import beta, norm

from ctkit.estimate.bootstrap import BootstrapResult

SIGMAS = 4.0


def _adjusted(fraction_below: float, acceleration: float, alpha: float) -> float:
    z0 = norm.ppf(fraction_below)
    za = norm.ppf(alpha)
    return float(norm.cdf(z0 + (z0 + za) / (1 - acceleration * (z0 + za))))


def probability_band(boot: BootstrapResult, alpha: float, published_resamples: int = 1000) -> tuple[float, float]:
    """Band of probabilities (in our replicate distribution) that a published limit at level ``alpha`` may take.

    The published limit is an order statistic of the other run, at rank ``r`` (R's type-8 position); the
    probability it cuts off follows Beta(r, B - r + 1), exact even in the extreme tails where BCa limits often
    land. Our own empirical distribution and bias correction add their binomial errors.
    """
    usable = boot.replicates[np.isfinite(boot.replicates)]
    b = len(usable)
    f = float(norm.cdf(boot.bias_z0))
    p = _adjusted(f, boot.acceleration, alpha)
    rank = min(max(p * (published_resamples + 1 / 3) + 1 / 3, 1.0), float(published_resamples))
    tail = norm.sf(SIGMAS)
    low, high = beta.ppf([tail, 1 - tail], rank, published_resamples + 1 - rank)
    ours = SIGMAS * np.sqrt(max(p, 1 / b) * (1 - p) / b) + 1 / b
    f_sd = np.sqrt(f * (1 - f) * (1 / b + 1 / published_resamples))
    shifted = [
        _adjusted(min(max(f + s * SIGMAS * f_sd, 1e-6), 1 - 1e-6), boot.acceleration, alpha) for s in (-1, 1)
    ]
    z0_effect = max(abs(v - p) for v in shifted)
    return max(0.0, low - ours - z0_effect), min(1.0, high + ours + z0_effect)


def within_monte_carlo(boot: BootstrapResult, low: float, high: float, level: float = 0.95) -> list[str]:
    """Problems (empty when both published limits are within Monte Carlo tolerance of ours)."""
    usable = np.sort(boot.replicates[np.isfinite(boot.replicates)])
    problems = []
    alpha = (1 - level) / 2
    for name, value, a in (("lower", low, alpha), ("upper", high, 1 - alpha)):
        band = probability_band(boot, a)
        position = np.searchsorted(usable, value) / len(usable)
        if not band[0] <= position <= band[1]:
            problems.append(
                f"published {name} limit {value:g} sits at probability {position:.4f} of our replicates; "
                f"Monte Carlo band [{band[0]:.4f}, {band[1]:.4f}]"
            )
    return problems
