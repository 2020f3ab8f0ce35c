"""Acceptance threshold chosen per data set from the model's own posterior, for a target precision.

A fixed match-probability threshold does not carry across register sizes: the prior (lambda, the chance that two
random records match) falls as 1/n, so the same evidence gives a lower posterior in a larger register, and a
threshold that keeps precision at 10k records throws away half the true links at 1M. Instead, accept the
highest-scoring pairs while the *expected* share of true matches among them (the mean posterior, since each
pair's match probability is the model's chance that it is a true match) stays at or above the target.

The estimate is only as good as the model's calibration: Fellegi-Sunter assumes the fields disagree
independently, and where they do not the posterior is overconfident. The benchmark reports the realised
precision next to the target on generated data with known truth.

Example:
    >>> calibrated_threshold([0.999, 0.995, 0.99, 0.9, 0.4], target_precision=0.97)
    0.9
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ctkit.errors import ValidationError

__all__ = ["calibrated_threshold", "expected_precision"]


def expected_precision(probabilities: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Thresholds and the expected precision of accepting every pair at or above each one.

    Returns ``(thresholds, precision)``, thresholds descending and distinct (tied probabilities are one
    threshold: a cut cannot split them). Raises ``ValidationError`` on a probability outside [0, 1] or NaN.
    """
    p = np.sort(np.asarray(probabilities, dtype=float).ravel())[::-1]
    if np.isnan(p).any() or (p < 0).any() or (p > 1).any():
        raise ValidationError("match probabilities must lie in [0, 1]")
    if p.size == 0:
        return p, p
    mean = np.cumsum(p) / np.arange(1, p.size + 1)
    last_of_tie = np.append(p[1:] < p[:-1], True)
    return p[last_of_tie], mean[last_of_tie]


def calibrated_threshold(probabilities: ArrayLike, target_precision: float = 0.99) -> float:
    """Lowest threshold whose accepted pairs have an expected precision of at least ``target_precision``.

    ``probabilities`` are the scored candidate pairs' match probabilities (all of them down to at least the
    threshold you could accept: pairs left out below a review floor only make the answer more cautious). When
    not even the best pair reaches the target the answer is 1.0, so nothing uncertain is accepted. Raises
    ``ValidationError`` when the target is not strictly between 0 and 1.
    """
    if not 0 < target_precision < 1:
        raise ValidationError(f"target precision must lie strictly between 0 and 1, got {target_precision}")
    thresholds, precision = expected_precision(probabilities)
    meets = np.flatnonzero(precision >= target_precision)
    # The running mean only falls as thresholds fall, so the pairs that meet the target are a prefix.
    return float(thresholds[meets[-1]]) if meets.size else 1.0
