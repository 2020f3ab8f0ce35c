"""Moebius (zeta) transforms over the 2^k capture patterns, in ``k 2^(k-1)`` additions each.

Patterns are bit masks indexing the last axis. The subset sum turns log-linear coefficients into linear predictors;
the superset sum turns cell counts into the numbers of people on every list of each term.
"""

from __future__ import annotations

import numpy as np


def subset_sums(values: np.ndarray, n_lists: int) -> np.ndarray:
    """``out[..., c] = sum of values[..., t] over t subset of c`` (in a copy)."""
    out = np.array(values, dtype=float)
    for j in range(n_lists):
        view = out.reshape(-1, 2 ** (n_lists - 1 - j), 2, 2**j)
        view[:, :, 1, :] += view[:, :, 0, :]
    return out


def superset_sums(values: np.ndarray, n_lists: int) -> np.ndarray:
    """``out[..., t] = sum of values[..., c] over c superset of t`` (in a copy)."""
    out = np.array(values, dtype=float)
    for j in range(n_lists):
        view = out.reshape(-1, 2 ** (n_lists - 1 - j), 2, 2**j)
        view[:, :, 0, :] += view[:, :, 1, :]
    return out
