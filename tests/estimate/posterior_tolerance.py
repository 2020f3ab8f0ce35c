"""Monte Carlo tolerance for comparing a posterior summary with one published MCMC run of the same length.

The published figure is one draw of the run-to-run distribution of that summary (median or quantile), with
standard deviation ``sigma``. We measure ``sigma`` from ``n`` runs of our own of the same length (independent seeds,
or consecutive batches of one long chain after burn-in, the batch-means method) and compare their mean ``m`` with
the published value ``r``: ``r - m`` has standard deviation ``sigma * sqrt(1 + 1/n)``, so agreement means

    |r - m| <= SIGMAS * sigma * sqrt(1 + 1/n) + rounding,

``rounding`` being half the unit the published figure was rounded to (50 for "14,000"), or the resolution of an
integer-valued posterior (1). ``sigma`` itself is estimated from ``n - 1`` degrees of freedom; we use Student's
quantile at the three-sigma level (0.99865) instead of 3, so that an under-estimated sigma does not make the test
fail by chance.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import t as student

THREE_SIGMA = 0.99865


def tolerance(values: np.ndarray, rounding: float) -> float:
    values = np.asarray(values, dtype=float)
    n = len(values)
    sigma = values.std(ddof=1)
    return float(student.ppf(THREE_SIGMA, n - 1) * sigma * np.sqrt(1 + 1 / n) + rounding)


def disagreement(values: np.ndarray, reference: float, rounding: float, name: str) -> list[str]:
    """Empty when ``reference`` is within Monte Carlo tolerance of the mean of ``values``; else the reason."""
    mean = float(np.mean(values))
    allowed = tolerance(values, rounding)
    if abs(reference - mean) <= allowed:
        return []
    return [f"{name}: published {reference:g}, ours {mean:.2f} (runs {np.round(values, 1).tolist()}), "
            f"tolerance {allowed:.2f}"]
