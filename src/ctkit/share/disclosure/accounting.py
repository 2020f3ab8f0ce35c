"""How the releases of one data set add up: basic sequential composition, and zero-concentrated DP (zCDP).

Each release is charged with its own (epsilon, delta) guarantee, and a Gaussian release also with its zCDP ``rho``.
Two accountings are valid bounds on the same releases, and the ledger keeps both in view:

* **basic**: the epsilons add up and so do the deltas. Holds for every mechanism.
* **zcdp**: Gaussian releases compose in rho (Bun & Steinke 2016: rhos add up), and the total rho is converted to
  (epsilon, delta) once, at the part of the budget's delta that other releases have not used (OpenDP's conversion,
  see :func:`zcdp_epsilon`). Pure epsilon-DP releases are added either as epsilon (a pure epsilon-DP mechanism has
  Renyi divergence at most epsilon at every order, so it shifts the Gaussian part's Renyi curve by epsilon and the
  converted epsilon by the same amount) or as rho = epsilon^2 / 2 (Bun & Steinke, Prop. 1.4), whichever gives the
  smaller total. Other (epsilon, delta) releases (pac-synth) add their epsilon and delta (each is within delta of
  a pure epsilon-DP mechanism, the reduction of Dwork, Rothblum & Vadhan 2010).

Many small Gaussian releases fit far more easily under zcdp: the total grows like the square root of their number,
not linearly. A single release costs the same either way.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from ctkit.share.disclosure.dp_mechanisms import zcdp_epsilon

ACCOUNTING_MODES = ("zcdp", "basic")
DEFAULT_ACCOUNTING = "zcdp"


@dataclass(frozen=True)
class Spend:
    """One release's guarantee: (epsilon, delta), and rho when the mechanism is zCDP (Gaussian)."""

    epsilon: float
    delta: float
    rho: float | None = None


@dataclass(frozen=True)
class Total:
    """What a set of releases costs together under one accounting: (epsilon, delta), and the rho composed."""

    epsilon: float
    delta: float
    rho: float = 0.0

    def fits(self, epsilon: float, delta: float, slack: float) -> bool:
        return self.epsilon <= epsilon + slack and self.delta <= delta + slack * max(delta, 1e-12)


def basic_total(spends: Iterable[Spend]) -> Total:
    """Sequential composition: the epsilons add up, and so do the deltas."""
    spends = list(spends)
    return Total(epsilon=math.fsum(s.epsilon for s in spends), delta=math.fsum(s.delta for s in spends))


def zcdp_total(spends: Iterable[Spend], budget_delta: float) -> Total:
    """zCDP composition of the Gaussian releases, converted at the delta left by the others (see module doc).

    The total's delta is the budget's whole delta as soon as some rho is converted (the conversion uses what the
    other releases leave); its epsilon is inf when nothing is left to convert at.
    """
    spends = list(spends)
    gaussian = math.fsum(s.rho for s in spends if s.rho is not None)
    pure = [s.epsilon for s in spends if s.rho is None and s.delta == 0]
    other = [s for s in spends if s.rho is None and s.delta > 0]
    other_epsilon, other_delta = math.fsum(s.epsilon for s in other), math.fsum(s.delta for s in other)
    left = budget_delta - other_delta
    as_epsilon = Total(other_epsilon + math.fsum(pure) + zcdp_epsilon(gaussian, left),
                       other_delta + (left if gaussian > 0 else 0.0), gaussian)
    pure_rho = math.fsum(e * e / 2 for e in pure)
    if not pure or gaussian + pure_rho <= 0:
        return as_epsilon
    as_rho = Total(other_epsilon + zcdp_epsilon(gaussian + pure_rho, left), other_delta + left, gaussian + pure_rho)
    return as_rho if as_rho.epsilon < as_epsilon.epsilon else as_epsilon
