"""Fit many hierarchical log-linear models at once by Newton's method, using fast Moebius (zeta) transforms.

For capture histories the design has a special form: cell ``c`` (a set of lists) carries term ``t`` exactly when
``t`` is a subset of ``c``. So, on the array of all 2^k patterns,

* the linear predictor ``eta(c) = sum of beta(t) over t subset of c`` is a subset-sum transform of the coefficients;
* the score for term ``t`` is ``N(t) - M(t)``, where ``N`` and ``M`` are superset sums of the counts and of the
  fitted means (``N(t)`` is the number of people on every list of ``t``);
* the information matrix entry for terms ``s, t`` is ``M(s | t)``.

Each transform costs ``k 2^(k-1)`` additions, so a Newton step costs little more than solving the small system.
Problems are batched: each is a set of terms, a set of kept cells and a count vector. The convergence test is the
one ``loglinear.newton_poisson`` uses (Newton decrement, then a final step).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln

from ctkit.estimate.loglinear import DECREMENT_TOLERANCE, MAX_ITERATIONS
from ctkit.estimate.moebius import subset_sums, superset_sums

CHUNK = 4096


@dataclass(frozen=True)
class BatchFit:
    """Per problem: coefficients aligned with its terms, log-likelihood, convergence."""

    beta: np.ndarray
    loglik: np.ndarray
    converged: np.ndarray

    @property
    def log_dark(self) -> np.ndarray:
        return self.beta[:, 0]


def fit_batch(
    n_lists: int,
    terms: np.ndarray,
    kept: np.ndarray,
    counts: np.ndarray,
    start: np.ndarray | None = None,
    workers: int = 2,
) -> BatchFit:
    """Fit ``len(terms)`` problems. ``terms`` (B x p, term bit masks, column 0 the intercept 0) lists the
    parameters of each problem; ``kept`` (B x 2^k booleans over all patterns, pattern 0 always False) its cells;
    ``counts`` one vector over the 2^k patterns or one per problem. ``start`` (B x p) warm-starts Newton: a NaN
    entry marks a term new to the problem (it starts at its one-term maximum-likelihood value given the others,
    ``log N(t) / M(t)``), and an all-NaN row starts as R's glm does. All problems in one call have the same
    number of parameters ``p``.
    """
    n_problems = len(terms)
    counts = np.broadcast_to(np.asarray(counts, dtype=float), (n_problems, 2**n_lists))
    if start is None:
        start = np.full(terms.shape, np.nan)
    chunks = [np.arange(i, min(i + CHUNK, n_problems)) for i in range(0, n_problems, CHUNK)]

    def run(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return _newton_chunk(n_lists, terms[rows], kept[rows].astype(float), counts[rows], start[rows])

    if workers > 1 and len(chunks) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            parts = list(pool.map(run, chunks))
    else:
        parts = [run(c) for c in chunks]
    if not parts:
        return BatchFit(np.zeros(terms.shape), np.zeros(0), np.zeros(0, dtype=bool))
    return BatchFit(*(np.concatenate([p[i] for p in parts]) for i in range(3)))


class _Chunk:
    """Transforms for one chunk of problems of equal size."""

    def __init__(self, n_lists: int, terms: np.ndarray, rows: np.ndarray, y: np.ndarray) -> None:
        self.k = n_lists
        self.terms = terms
        self.unions = terms[:, :, None] | terms[:, None, :]
        self.rows = rows
        self.y = y
        self.sufficient = np.take_along_axis(superset_sums(y * rows, n_lists), terms, axis=1)
        self.index = np.arange(len(terms))[:, None]

    def eta(self, beta: np.ndarray, which: np.ndarray) -> np.ndarray:
        scattered = np.zeros((len(which), 2**self.k))
        np.put_along_axis(scattered, self.terms[which], beta, axis=1)
        return subset_sums(scattered, self.k)

    def loglik(self, eta: np.ndarray, which: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Log-likelihood (without the constant) and the fitted means, which the next Newton step reuses."""
        rows, y = self.rows[which], self.y[which]
        with np.errstate(over="ignore", invalid="ignore"):
            mu = np.exp(eta) * rows
            value = np.sum(rows * y * eta - mu, axis=1)
        return np.where(np.isfinite(value), value, -np.inf), mu

    def newton_system(self, mu: np.ndarray, which: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Score and information at fitted means ``mu`` (zero on dropped cells)."""
        upper = superset_sums(mu, self.k)
        score = self.sufficient[which] - np.take_along_axis(upper, self.terms[which], axis=1)
        offsets = (np.arange(len(which)) * upper.shape[1])[:, None, None]
        info = np.take(upper, self.unions[which] + offsets)
        return score, info

    def fresh_start(self, beta: np.ndarray, fresh: np.ndarray, which: np.ndarray) -> np.ndarray:
        """Set each new term to its maximum-likelihood value with the other coefficients held fixed."""
        with np.errstate(over="ignore"):
            mu = np.exp(self.eta(beta, which)) * self.rows[which]
        upper = np.take_along_axis(superset_sums(mu, self.k), self.terms[which], axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            update = np.log(self.sufficient[which] / upper)
        return np.where(fresh & np.isfinite(update), beta + update, beta)

    def cold_start(self, which: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """R's glm start: one weighted least-squares step from ``mu = y + 0.1``."""
        rows, y = self.rows[which], self.y[which]
        mu0 = (y + 0.1) * rows
        z = np.log(y + 0.1) - 0.1 / (y + 0.1)
        upper_w = superset_sums(mu0, self.k)
        rhs = np.take_along_axis(superset_sums(mu0 * z, self.k), self.terms[which], axis=1)
        info = upper_w[np.arange(len(which))[:, None, None], self.unions[which]]
        return _solve(info, rhs)


def _solve(info: np.ndarray, rhs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Batched solve; singular systems give a zero step and are flagged."""
    try:
        return np.linalg.solve(info, rhs[:, :, None])[:, :, 0], np.ones(len(rhs), dtype=bool)
    except np.linalg.LinAlgError:
        steps = np.zeros_like(rhs)
        ok = np.ones(len(rhs), dtype=bool)
        for i in range(len(rhs)):
            try:
                steps[i] = np.linalg.solve(info[i], rhs[i])
            except np.linalg.LinAlgError:
                ok[i] = False
        return steps, ok


def _newton_chunk(
    n_lists: int, terms: np.ndarray, rows: np.ndarray, y: np.ndarray, start: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    chunk = _Chunk(n_lists, terms, rows, y)
    everyone = np.arange(len(terms))
    beta = np.array(start, dtype=float)
    ok = np.ones(len(terms), dtype=bool)
    fresh = np.isnan(beta)
    cold = np.flatnonzero(fresh.all(axis=1))
    if cold.size:
        beta[cold], ok[cold] = chunk.cold_start(cold)
    warm = np.flatnonzero(fresh.any(axis=1) & ~fresh.all(axis=1))
    if warm.size:
        beta[warm] = chunk.fresh_start(np.nan_to_num(beta[warm]), fresh[warm], warm)
    eta = chunk.eta(beta, everyone)
    loglik, mu = chunk.loglik(eta, everyone)
    converged = np.zeros(len(terms), dtype=bool)
    active = np.flatnonzero(ok)
    for _ in range(MAX_ITERATIONS):
        if active.size == 0:
            break
        score, info = chunk.newton_system(mu[active], active)
        step, ok_step = _solve(info, score)
        decrement = np.sum(step * score, axis=1)
        done = (decrement < DECREMENT_TOLERANCE) & ok_step
        improved = _halve_until_better(chunk, active, beta[active], step, loglik[active])
        beta[active], eta[active], loglik[active], mu[active] = improved
        converged[active[done]] = True
        active = active[~done & ok_step]
    constant = np.sum(rows * gammaln(y + 1), axis=1)
    return beta, loglik - constant, converged


def _halve_until_better(
    chunk: _Chunk, which: np.ndarray, beta: np.ndarray, step: np.ndarray, old: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    candidate = beta + step
    eta = chunk.eta(candidate, which)
    new, mu = chunk.loglik(eta, which)
    worse = new < old - 1e-12 * np.abs(old)
    for _ in range(30):
        if not worse.any():
            break
        step[worse] /= 2
        candidate[worse] = beta[worse] + step[worse]
        eta[worse] = chunk.eta(candidate[worse], which[worse])
        new[worse], mu[worse] = chunk.loglik(eta[worse], which[worse])
        worse = new < old - 1e-12 * np.abs(old)
    return candidate, eta, new, mu
