"""OpenDP noise for vectors of counts, with the privacy loss checked by OpenDP's own privacy maps.

Counting happens before OpenDP (vectorised, one integer per cell of the public domain, each unit's rows clamped
first, see :mod:`ctkit.share.disclosure.dp_counts`); OpenDP adds the noise to that vector. The vector's
sensitivity is what one unit can change: with at most ``L`` rows per unit, each row in one cell, the L1 and the
(worst-case) L2 distance of two neighbouring count vectors are both ``L``. That is exactly the stability OpenDP's
own ``make_count_by_categories`` gives ``L`` rows, so the noise and the guarantee equal those of the per-row path.

OpenDP features: only ``contrib`` is enabled. It is needed because the discrete Laplace and discrete Gaussian
mechanisms are contributed code whose proofs are not yet vetted by the OpenDP committee. ``floating-point`` is not
needed: counts and their noise are integers, so no float mechanism (with its known rounding attacks) is used.
``honest-but-curious`` is not enabled: no user-supplied functions are wrapped as transformations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from typing import Any

import numpy as np

from ctkit.errors import DependencyMissing


@cache
def _prelude():
    try:
        import opendp.prelude as dp
    except ImportError as exc:  # pragma: no cover - opendp is a declared dependency
        raise DependencyMissing("opendp", "differentially private releases") from exc
    dp.enable_features("contrib")
    return dp


def opendp_version() -> str:
    return version("opendp")


@dataclass(frozen=True)
class CountNoise:
    """An OpenDP measurement adding integer noise to a vector of ``cells`` counts, and what it guarantees.

    ``scale``: the discrete Laplace scale or the discrete Gaussian sigma. ``rho``: the zCDP parameter of the
    Gaussian (what the ledger composes), None for Laplace (pure epsilon-DP).
    """

    measurement: Any
    cells: int
    sensitivity: int
    scale: float
    rho: float | None

    def __call__(self, counts: np.ndarray) -> np.ndarray:
        if len(counts) != self.cells:
            raise ValueError(f"expected {self.cells} counts, got {len(counts)}")
        return np.asarray(self.measurement(np.asarray(counts, dtype=np.int64).tolist()), dtype=np.int64)


def count_noise(cells: int, *, sensitivity: int, epsilon: float, delta: float) -> CountNoise:
    """Noise for a vector of ``cells`` counts that one unit changes by at most ``sensitivity`` (L1 and L2).

    delta == 0: discrete Laplace with scale sensitivity / epsilon (pure epsilon-DP). delta > 0: discrete Gaussian,
    the smallest sigma whose zCDP guarantee converts (OpenDP's ``make_zCDP_to_approxDP``, Canonne, Kamath &
    Steinke 2020) to (epsilon, delta)-DP. Either way OpenDP's privacy map confirms the loss before it is returned.
    """
    dp = _prelude()
    domain = dp.vector_domain(dp.atom_domain(T="i64"), size=int(cells))
    if delta > 0:
        def gaussian(scale: float):
            return dp.m.make_gaussian(domain, dp.l2_distance(T="i64"), scale)

        def approx(scale: float):
            return dp.c.make_fix_delta(dp.c.make_zCDP_to_approxDP(gaussian(scale)), delta)

        scale = dp.binary_search_param(approx, d_in=sensitivity, d_out=(epsilon, delta),
                                       bounds=_gaussian_bounds(sensitivity, epsilon, delta))
        measurement = approx(scale)
        if not measurement.check(sensitivity, (epsilon, delta)):  # pragma: no cover - the search returns a pass
            raise AssertionError("OpenDP refused the discrete Gaussian scale it found")
        return CountNoise(measurement, int(cells), int(sensitivity), float(scale),
                          float(gaussian(scale).map(sensitivity)))
    scale = sensitivity / epsilon
    measurement = dp.m.make_laplace(domain, dp.l1_distance(T="i64"), scale)
    while not measurement.check(sensitivity, epsilon):  # float rounding in the map: widen by ulps until it passes
        scale = math.nextafter(scale, math.inf)
        measurement = dp.m.make_laplace(domain, dp.l1_distance(T="i64"), scale)
    return CountNoise(measurement, int(cells), int(sensitivity), float(scale), None)


def zcdp_epsilon(rho: float, delta: float) -> float:
    """The epsilon at which rho-zCDP holds as (epsilon, delta)-DP, by OpenDP's conversion (inf when delta is 0).

    The conversion is that of Canonne, Kamath & Steinke (2020), never looser than Bun & Steinke's (2016)
    rho + 2 sqrt(rho ln(1 / delta)). It is computed on a one-cell Gaussian of sensitivity 1 whose sigma gives
    exactly ``rho`` (widened by ulps until OpenDP's map reaches it, so the answer never understates).
    """
    if rho <= 0:
        return 0.0
    if delta <= 0:
        return math.inf
    dp = _prelude()
    domain, metric = dp.atom_domain(T="i64"), dp.absolute_distance(T="i64")
    sigma = 1 / math.sqrt(2 * rho)
    gaussian = dp.m.make_gaussian(domain, metric, sigma)
    while gaussian.map(1) < rho:
        sigma = math.nextafter(sigma, 0.0)
        gaussian = dp.m.make_gaussian(domain, metric, sigma)
    return float(dp.c.make_zCDP_to_approxDP(gaussian).map(1).epsilon(delta))


def _gaussian_bounds(d_in: int, epsilon: float, delta: float) -> tuple[float, float]:
    """A bracket for the discrete Gaussian scale: too small below, enough above, no overflow in between.

    Below d_in / sqrt(2 epsilon) the zCDP rho exceeds epsilon, which never converts to (epsilon, delta); the
    classic analytic scale d_in * sqrt(2 ln(1.25 / delta)) / epsilon, doubled plus d_in, always suffices.
    """
    lower = d_in / math.sqrt(2 * epsilon)
    upper = 2 * d_in * (1 + math.sqrt(2 * math.log(1.25 / delta))) / epsilon + d_in
    return lower, max(upper, 2 * lower)
