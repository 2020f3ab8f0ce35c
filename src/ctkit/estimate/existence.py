"""Does the maximum-likelihood estimate exist, and are the parameters identifiable?

Existence is the linear-programming test of Fienberg and Rinaldo (2012) in the form SparseMSE uses (Chan, Silverman
and Vincent 2021): after dropping the cells of minus-infinity terms, look for cell means ``m > s >= 0`` with the
same sufficient statistics as the data, ``X' m = X' y``, maximising ``s``. The estimate exists exactly when the
optimum is positive (the sufficient statistics lie in the relative interior of the marginal cone). Identifiability
is a rank check of the design on the kept cells. Codes follow SparseMSE's ``checkident``: 0 fine, 1 no extended
MLE, 2 not identifiable, 3 both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import eigh
from scipy.optimize import linprog

from ctkit.estimate.history import CaptureHistory
from ctkit.estimate.loglinear import columns_for, design, kept_cells, zero_terms
from ctkit.estimate.models import Model, model_names

# The LP optimum is a cell mean; one below this (relative to the mean count) is taken as zero.
LP_TOLERANCE = 1e-9
GRAM_TOLERANCE = 1e-10
# entries of a null-space direction below this are zero (null vectors from eigh are accurate to ~1e-8)
DIRECTION_TOLERANCE = 1e-7


@dataclass(frozen=True)
class ExistenceCheck:
    """Outcome of the existence and identifiability checks for one model on one table."""

    exists: bool
    identifiable: bool
    minus_infinity: tuple[int, ...]

    @property
    def code(self) -> int:
        return (0 if self.exists else 1) + (0 if self.identifiable else 2)

    @property
    def ok(self) -> bool:
        return self.exists and self.identifiable

    def message(self, model: Model, lists: tuple[str, ...]) -> str:
        label = ", ".join(model_names(model, lists)) or "main effects"
        problems = []
        if not self.exists:
            problems.append("its maximum-likelihood estimate does not exist (some fitted cells go to zero)")
        if not self.identifiable:
            problems.append("its parameters are not identifiable from these data")
        return f"model [{label}]: " + " and ".join(problems) if problems else f"model [{label}]: fine"


def lp_exists(x: np.ndarray, y: np.ndarray) -> bool:
    """Does the MLE of the Poisson model ``log m = x b`` exist for counts ``y``?

    It fails exactly when some direction ``d = x b`` is zero on the positive cells, nowhere positive and negative
    somewhere (the likelihood then keeps rising along it). Such ``b`` lie in the null space of the positive rows,
    so the test is: no zero cells, or a null space of dimension 0, settles it at once; otherwise a small LP over
    that null space decides. Equivalent to the interior-point LP of SparseMSE (see ``interior_lp_exists``).
    """
    positive = y > 0
    if positive.all():
        return True
    null = null_space(x[positive])
    if null.shape[1] == 0:
        return True
    directions = x[~positive] @ null
    if np.abs(directions).max() < DIRECTION_TOLERANCE:
        return True
    if null.shape[1] == 1:  # one direction and its opposite: fails iff it has one sign on the zero cells
        d = directions[:, 0]
        one_sign = np.all(d <= DIRECTION_TOLERANCE) or np.all(d >= -DIRECTION_TOLERANCE)
        return not one_sign
    # maximise the total decrease -sum(d) with -1 <= d <= 0 on the zero cells
    result = linprog(
        directions.sum(axis=0),
        A_ub=np.vstack([directions, -directions]),
        b_ub=np.concatenate([np.zeros(len(directions)), np.ones(len(directions))]),
        bounds=[(None, None)] * null.shape[1],
        method="highs",
    )
    return not (result.status == 0 and -result.fun > LP_TOLERANCE)


def interior_lp_exists(x: np.ndarray, y: np.ndarray) -> bool:
    """SparseMSE's form of the Fienberg-Rinaldo LP: is there ``m > 0`` with ``x' m = x' y``? (slower; for tests)"""
    if np.all(y > 0):
        return True
    n_cells, n_params = x.shape
    scale = max(float(y.sum()) / n_cells, 1e-12)
    objective = np.zeros(n_cells + 1)
    objective[-1] = -1.0  # maximise s
    a_eq = np.hstack([x.T, np.zeros((n_params, 1))])
    b_eq = x.T @ (y / scale)
    a_ub = np.hstack([-np.eye(n_cells), np.ones((n_cells, 1))])  # s - m_i <= 0
    bounds = [(0, None)] * n_cells + [(0, float(y.sum() / scale) + 1.0)]
    result = linprog(objective, A_ub=a_ub, b_ub=np.zeros(n_cells), A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    return result.status == 0 and -result.fun > LP_TOLERANCE


def null_space(x: np.ndarray) -> np.ndarray:
    """Orthonormal basis (columns) of the null space of ``x``, from the eigenvectors of the small Gram matrix.

    Designs here are 0/1 with few columns and many rows: ``x'x`` is cheap and its zero eigenvalues are well
    separated from the others, which are at least of order one.
    """
    # SciPy's eigh (the same LAPACK dsyevd): NumPy's copy runs it through a threaded OpenBLAS that, on a busy
    # machine, takes 20-40 ms for a 30 x 30 matrix instead of 0.5 ms
    values, vectors = eigh(x.T @ x, check_finite=False)
    return vectors[:, values <= GRAM_TOLERANCE * max(values.max(initial=0.0), 1.0)]


def full_rank(x: np.ndarray) -> bool:
    if x.shape[0] < x.shape[1]:
        return False
    values = eigh(x.T @ x, eigvals_only=True, check_finite=False)  # null_space's test, without the vectors
    return not np.any(values <= GRAM_TOLERANCE * max(values.max(initial=0.0), 1.0))


def check_model(history: CaptureHistory, model: Model) -> ExistenceCheck:
    """Existence and identifiability of ``model`` on ``history`` (minus-infinity terms handled first)."""
    dropped = zero_terms(history, model)
    keep = kept_cells(history.patterns, dropped)
    x = design(history.patterns[keep], columns_for(model - set(dropped), history.n_lists))
    return ExistenceCheck(lp_exists(x, history.counts[keep]), full_rank(x), tuple(dropped))
