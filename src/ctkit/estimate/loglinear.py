"""Poisson log-linear models on the observed cells, fitted by Newton's method, and the dark-figure estimate.

Terms whose sufficient statistic is zero (no one is on all of its lists) are fixed at minus infinity and the cells
that hold them are dropped before fitting, as SparseMSE and MultipleSystemsEstimation do; they still count as
parameters in AIC and BIC (as those packages count them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln

from ctkit.errors import EstimationError
from ctkit.estimate.history import CaptureHistory
from ctkit.estimate.models import Model, term_sort_key

# Newton stops when the Newton decrement (twice the expected log-likelihood gain of a full step) is below this,
# then takes that last step: convergence is quadratic there, so the log-likelihood ends within ~1e-14 of its
# maximum and the score is ~0, whatever the scale of the counts.
DECREMENT_TOLERANCE = 1e-8
MAX_ITERATIONS = 100


def columns_for(model: Model, n_lists: int) -> list[int]:
    """Parameter terms in design order: intercept (0), main effects, then interactions."""
    return [0] + [1 << j for j in range(n_lists)] + sorted(model, key=term_sort_key)


def design(patterns: np.ndarray, columns: Sequence[int]) -> np.ndarray:
    """0/1 design: cell ``c`` carries term ``t`` when every list of ``t`` is in pattern ``c``."""
    terms = np.asarray(columns, dtype=np.int64)
    return ((patterns[:, None] & terms[None, :]) == terms[None, :]).astype(float)


def zero_terms(history: CaptureHistory, model: Model) -> list[int]:
    """Terms of ``model`` whose sufficient statistic (people on all its lists) is zero."""
    return sorted((t for t in model if history.overlap(t) == 0), key=term_sort_key)


def kept_cells(patterns: np.ndarray, dropped_terms: Sequence[int]) -> np.ndarray:
    """Cells that hold none of ``dropped_terms`` (their fitted value is zero otherwise)."""
    keep = np.ones(len(patterns), dtype=bool)
    for term in dropped_terms:
        keep &= (patterns & term) != term
    return keep


def poisson_loglik(y: np.ndarray, mu: np.ndarray) -> float:
    return float(np.sum(y * np.log(np.where(mu > 0, mu, 1.0)) - mu - gammaln(y + 1)))


def poisson_deviance(y: np.ndarray, mu: np.ndarray) -> float:
    ratio = np.where(y > 0, y / np.where(mu > 0, mu, 1.0), 1.0)
    return float(2 * np.sum(y * np.log(ratio) - (y - mu)))


@dataclass(frozen=True)
class NewtonResult:
    beta: np.ndarray
    mu: np.ndarray
    hessian: np.ndarray
    iterations: int
    converged: bool


def newton_poisson(x: np.ndarray, y: np.ndarray, beta: np.ndarray | None = None) -> NewtonResult:
    """Maximise the Poisson log-likelihood of ``y`` with log-mean ``x @ beta``.

    Starts as R's glm does (one weighted least-squares step from ``mu = y + 0.1``) unless ``beta`` is given; each
    Newton step is halved while it lowers the likelihood. Converged means the Newton decrement fell below
    ``DECREMENT_TOLERANCE``. Raises EstimationError if the information matrix is singular.
    """
    if beta is None:
        mu0 = y + 0.1
        z = np.log(mu0) + (y - mu0) / mu0
        beta = _solve(x.T @ (mu0[:, None] * x), x.T @ (mu0 * z))
    loglik = _loglik_core(x, y, beta)
    for iteration in range(1, MAX_ITERATIONS + 1):
        mu = np.exp(x @ beta)
        hessian = x.T @ (mu[:, None] * x)
        step = _solve(hessian, x.T @ (y - mu))
        decrement = float(step @ (x.T @ (y - mu)))
        if decrement < DECREMENT_TOLERANCE:
            # One last full step: near the optimum it is quadratically accurate and makes the score ~0, which
            # matters to quantities (totals, profile likelihoods) that are first-order in the coefficients.
            beta = beta + step
            mu = np.exp(x @ beta)
            return NewtonResult(beta, mu, x.T @ (mu[:, None] * x), iteration, True)
        for _ in range(30):
            candidate = beta + step
            new = _loglik_core(x, y, candidate)
            if new >= loglik - 1e-12 * abs(loglik):
                break
            step = step / 2
        beta, loglik = candidate, new
    mu = np.exp(x @ beta)
    return NewtonResult(beta, mu, x.T @ (mu[:, None] * x), MAX_ITERATIONS, False)


def _loglik_core(x: np.ndarray, y: np.ndarray, beta: np.ndarray) -> float:
    with np.errstate(over="ignore", invalid="ignore"):
        eta = x @ beta
        value = float(y @ eta - np.exp(eta).sum())
    return value if np.isfinite(value) else -np.inf


def _solve(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.solve(matrix, vector)
    except np.linalg.LinAlgError as exc:
        raise EstimationError("the model's parameters are not identifiable from these data") from exc


@dataclass(frozen=True)
class FittedModel:
    """A log-linear model fitted to a capture history.

    ``fitted`` has one value per observable cell (zero on cells dropped for minus-infinity terms);
    ``dark_figure`` is the estimated number on no list and ``total`` adds the number observed.
    """

    history: CaptureHistory
    model: Model
    minus_infinity: tuple[int, ...]
    columns: tuple[int, ...]
    beta: np.ndarray
    covariance: np.ndarray
    fitted: np.ndarray
    loglik: float
    deviance: float
    converged: bool
    iterations: int

    @property
    def n_params(self) -> int:
        return len(self.columns) + len(self.minus_infinity)

    @property
    def dark_figure(self) -> float:
        return float(np.exp(self.beta[0]))

    @property
    def total(self) -> float:
        return self.history.n_observed + self.dark_figure

    @property
    def se_log_dark(self) -> float:
        return float(np.sqrt(self.covariance[0, 0]))

    @property
    def aic(self) -> float:
        return 2 * self.n_params - 2 * self.loglik

    @property
    def bic(self) -> float:
        return self.n_params * np.log(self.history.n_observed) - 2 * self.loglik

    @property
    def residual_df(self) -> int:
        return int(np.count_nonzero(kept_cells(self.history.patterns, self.minus_infinity))) - len(self.columns)

    def goodness_of_fit_p(self) -> float:
        """Deviance goodness-of-fit p-value against the saturated model (chi-squared on the residual df)."""
        from scipy.stats import chi2

        return float(chi2.sf(self.deviance, self.residual_df)) if self.residual_df > 0 else float("nan")


def fit_model(history: CaptureHistory, model: Model, start: np.ndarray | None = None) -> FittedModel:
    """Fit ``model`` (a set of interaction terms, main effects implied) to ``history``.

    Does not check existence (see ``existence.check_model``); raises EstimationError when the design is singular.
    """
    dropped = zero_terms(history, model)
    columns = columns_for(model - set(dropped), history.n_lists)
    keep = kept_cells(history.patterns, dropped)
    x = design(history.patterns[keep], columns)
    y = history.counts[keep]
    result = newton_poisson(x, y, start)
    covariance = _inverse(result.hessian)
    fitted = np.zeros(len(history.counts))
    fitted[keep] = result.mu
    return FittedModel(
        history=history,
        model=model,
        minus_infinity=tuple(dropped),
        columns=tuple(columns),
        beta=result.beta,
        covariance=covariance,
        fitted=fitted,
        loglik=poisson_loglik(y, result.mu),
        deviance=poisson_deviance(y, result.mu),
        converged=result.converged,
        iterations=result.iterations,
    )


def _inverse(matrix: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.inv(matrix)
    except np.linalg.LinAlgError as exc:
        raise EstimationError("the model's parameters are not identifiable from these data") from exc
