"""OpenDP measurements for noisy count vectors, with the privacy loss checked by OpenDP's own privacy maps.

OpenDP features: only ``contrib`` is enabled. It is needed because the count transformation and the discrete
Laplace / discrete Gaussian mechanisms are contributed code whose proofs are not yet vetted by the OpenDP
committee. ``floating-point`` is not needed: counts and their noise are integers, so no float mechanism (with
its known rounding attacks) is used. ``honest-but-curious`` is not enabled: no user-supplied functions are
wrapped as transformations.
"""

from __future__ import annotations

import math
from functools import cache
from importlib.metadata import version

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


def count_measurement(categories: list[str], *, d_in: int, epsilon: float, delta: float):
    """A measurement: list of cell keys -> one noisy integer count per category (in order), and its noise scale.

    ``d_in`` is how many rows one person can add or remove. delta == 0: discrete Laplace with scale d_in/epsilon
    (pure epsilon-DP). delta > 0: discrete Gaussian, the smallest scale whose zCDP guarantee converts to
    (epsilon, delta)-DP. Either way OpenDP's privacy map confirms the loss before the measurement is returned.
    """
    dp = _prelude()
    metric = "L2Distance<int>" if delta > 0 else "L1Distance<int>"
    counts = dp.t.make_count_by_categories(dp.vector_domain(dp.atom_domain(T=str)), dp.symmetric_distance(),
                                           categories=categories, null_category=False, MO=metric)
    if delta > 0:
        def approx(scale: float):
            return dp.c.make_fix_delta(dp.c.make_zCDP_to_approxDP(counts >> dp.m.then_gaussian(scale)), delta)

        scale = dp.binary_search_param(approx, d_in=d_in, d_out=(epsilon, delta),
                                       bounds=_gaussian_bounds(d_in, epsilon, delta))
        measurement = approx(scale)
        if not measurement.check(d_in, (epsilon, delta)):  # pragma: no cover - binary search returns a passing scale
            raise AssertionError("OpenDP refused the discrete Gaussian scale it found")
        return measurement, float(scale)
    scale = d_in / epsilon
    measurement = counts >> dp.m.then_laplace(scale)
    while not measurement.check(d_in, epsilon):  # float rounding in the map: widen by ulps until it passes
        scale = math.nextafter(scale, math.inf)
        measurement = counts >> dp.m.then_laplace(scale)
    return measurement, float(scale)


def _gaussian_bounds(d_in: int, epsilon: float, delta: float) -> tuple[float, float]:
    """A bracket for the discrete Gaussian scale: too small below, enough above, no overflow in between.

    Below d_in / sqrt(2 epsilon) the zCDP rho exceeds epsilon, which never converts to (epsilon, delta); the
    classic analytic scale d_in * sqrt(2 ln(1.25 / delta)) / epsilon, doubled plus d_in, always suffices.
    """
    lower = d_in / math.sqrt(2 * epsilon)
    upper = 2 * d_in * (1 + math.sqrt(2 * math.log(1.25 / delta))) / epsilon + d_in
    return lower, max(upper, 2 * lower)
