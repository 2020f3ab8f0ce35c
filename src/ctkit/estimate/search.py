"""Exhaustive search over hierarchical models by AIC or BIC, with existence and identifiability checks.

As in MultipleSystemsEstimation's ``assemble_bic``: terms with a zero sufficient statistic are fixed at minus
infinity (and counted as parameters), models whose extended MLE does not exist or whose parameters are not
identifiable are left out, and ``BIC = p log(n) - 2 log L`` with ``n`` the number of people observed.

Speed comes from three facts. Identifiability needs no numerics here: the kept cells form a down-set, so the
design is singular exactly when the model estimates a parameter for every kept cell (Moebius inversion). Existence
is inherited by sub-models that fix the same terms at minus infinity, so one LP per such group usually settles
thousands of models. And all the fits share one design matrix (``batchfit``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ctkit.errors import EstimationError, ValidationError
from ctkit.estimate.batchfit import BatchFit, fit_batch
from ctkit.estimate.existence import lp_exists
from ctkit.estimate.history import CaptureHistory
from ctkit.estimate.loglinear import design
from ctkit.estimate.models import Model, all_terms, enumerate_hierarchical

CRITERIA = ("bic", "aic")
WARM_START_ABOVE = 2000  # models; below this a single cold-started batch is cheaper than level-by-level fits
_EXISTS_CACHE: dict[tuple[bytes, int, bytes], bool] = {}


@lru_cache(maxsize=16)
def _catalogue(n_lists: int, max_order: int) -> tuple[tuple[Model, ...], tuple[int, ...], np.ndarray]:
    models = tuple(enumerate_hierarchical(n_lists, max_order))
    terms = tuple(all_terms(n_lists, min(max_order, n_lists - 1)))
    index = {t: i for i, t in enumerate(terms)}
    membership = np.zeros((len(models), len(terms)), dtype=bool)
    for row, model in enumerate(models):
        membership[row, [index[t] for t in model]] = True
    membership.flags.writeable = False
    return models, terms, membership


@lru_cache(maxsize=16)
def _positions(n_lists: int, max_order: int) -> dict[Model, int]:
    return {m: i for i, m in enumerate(_catalogue(n_lists, max_order)[0])}


def _parents(membership: np.ndarray) -> np.ndarray:
    """For each model, the row of the model without its last term (-1 if absent), for warm starts.

    Terms are ordered by order, so a model's last term has the highest order in it and is therefore maximal:
    removing it leaves a hierarchical model.
    """
    keys = {row.tobytes(): i for i, row in enumerate(np.packbits(membership, axis=1))}
    has_terms = membership.any(axis=1)
    last = membership.shape[1] - 1 - np.argmax(membership[:, ::-1], axis=1)
    parent_rows = membership.copy()
    parent_rows[np.arange(len(membership)), last] &= ~has_terms
    packed = np.packbits(parent_rows, axis=1)
    parents = np.array([keys.get(row.tobytes(), -1) for row in packed])
    parents[~has_terms] = -1
    return parents


@dataclass(frozen=True)
class SearchResult:
    """Every model of the catalogue with its criterion and estimate; ``ranked`` indexes usable models, best first."""

    history: CaptureHistory
    criterion: str
    max_order: int
    models: tuple[Model, ...]
    scores: np.ndarray
    totals: np.ndarray
    exists: np.ndarray
    identifiable: np.ndarray
    converged: np.ndarray
    ranked: np.ndarray = field(repr=False)

    @property
    def best(self) -> Model:
        return self.models[int(self.ranked[0])]

    @property
    def best_total(self) -> float:
        return float(self.totals[self.ranked[0]])

    def top(self, count: int) -> list[Model]:
        return [self.models[i] for i in self.ranked[:count]]


def search_models(
    history: CaptureHistory,
    criterion: str = "bic",
    max_order: int = 2,
    models: list[Model] | None = None,
    workers: int = 2,
) -> SearchResult:
    """Score every hierarchical model up to ``max_order`` (or the given ``models``) by ``criterion``.

    Raises ValidationError for an unknown criterion and EstimationError when no model can be fitted.
    """
    if criterion not in CRITERIA:
        raise ValidationError(f"unknown criterion '{criterion}'; use one of {', '.join(CRITERIA)}")
    k = history.n_lists
    max_order = max(1, min(max_order, k - 1))
    catalogue, terms, membership = _catalogue(k, max_order)
    if models is not None:
        position = _positions(k, max_order)
        try:
            rows = np.array([position[m] for m in models], dtype=np.int64)
        except KeyError as exc:
            raise ValidationError("a model is not hierarchical or exceeds the maximum order") from exc
        catalogue, membership = tuple(models), membership[rows]
    problem = _Problem(history, terms)
    usable = problem.identifiable(membership) & problem.exists(membership)
    scores = np.full(len(catalogue), np.inf)
    totals = np.full(len(catalogue), np.nan)
    converged = np.zeros(len(catalogue), dtype=bool)
    if usable.any():
        fit = problem.fit(membership, usable, _parents(membership), workers)
        n_params = 1 + k + membership[usable].sum(axis=1)
        penalty = np.log(history.n_observed) if criterion == "bic" else 2.0
        ok = fit.converged
        scores[np.flatnonzero(usable)[ok]] = (n_params * penalty - 2 * fit.loglik)[ok]
        totals[usable] = history.n_observed + np.exp(fit.log_dark)
        converged[usable] = fit.converged
    ranked = np.flatnonzero(np.isfinite(scores))
    ranked = ranked[np.argsort(scores[ranked], kind="stable")]
    if ranked.size == 0:
        raise EstimationError("no candidate model has an existing, identifiable maximum-likelihood estimate")
    exists = np.zeros(len(catalogue), dtype=bool)
    exists[usable] = True
    return SearchResult(
        history, criterion, max_order, catalogue, scores, totals, exists,
        problem.identifiable(membership), converged, ranked,
    )


class _Problem:
    """The data-dependent parts shared by every model: design, containment, zero terms."""

    def __init__(self, history: CaptureHistory, terms: tuple[int, ...]) -> None:
        k = history.n_lists
        self.history = history
        self.columns = [0] + [1 << j for j in range(k)] + list(terms)
        self.x = design(history.patterns, self.columns)
        self.contains = self.x[:, 1 + k :].astype(bool)  # cells x interaction terms
        self.zero = np.array([history.overlap(t) == 0 for t in terms], dtype=bool)
        self.n_main = 1 + k
        self.support = np.packbits(history.counts > 0).tobytes()

    def kept(self, membership: np.ndarray) -> np.ndarray:
        dropped_terms = (membership & self.zero).astype(np.float32)
        return (dropped_terms @ self.contains.T.astype(np.float32)) == 0

    def identifiable(self, membership: np.ndarray) -> np.ndarray:
        estimated = self.n_main + (membership & ~self.zero).sum(axis=1)
        return estimated < self.kept(membership).sum(axis=1) + 1

    def exists(self, membership: np.ndarray) -> np.ndarray:
        groups = membership & self.zero
        packed = [row.tobytes() for row in np.packbits(groups, axis=1)]
        by_group: dict[bytes, list[int]] = {}
        for i, key in enumerate(packed):
            by_group.setdefault(key, []).append(i)
        result = np.zeros(len(membership), dtype=bool)
        for members in by_group.values():
            # the union of the group's models holds each of them and fixes the same terms at minus infinity
            widest = membership[members].any(axis=0)
            if self._model_exists(widest):
                result[members] = True
            else:
                for i in members:
                    result[i] = self._model_exists(membership[i])
        return result

    def _model_exists(self, member_row: np.ndarray) -> bool:
        # Existence depends only on which cells are positive, so bootstrap resamples share most answers.
        key = (self.support, len(member_row), np.packbits(member_row).tobytes())
        if key not in _EXISTS_CACHE:
            keep = self.kept(member_row[None, :])[0]
            estimated = np.concatenate([np.ones(self.n_main, dtype=bool), member_row & ~self.zero])
            if len(_EXISTS_CACHE) > 100_000:
                _EXISTS_CACHE.clear()
            _EXISTS_CACHE[key] = lp_exists(self.x[keep][:, estimated], self.history.counts[keep])
        return _EXISTS_CACHE[key]

    def fit(self, membership: np.ndarray, usable: np.ndarray, parents: np.ndarray, workers: int) -> BatchFit:
        """Fit the usable models level by level (number of terms), each warm-started from its parent's fit."""
        k = self.history.n_lists
        term_values = np.asarray(self.columns, dtype=np.int64)
        full_beta = np.full((len(membership), len(term_values)), np.nan)  # NaN: term not in the model
        loglik = np.full(len(membership), -np.inf)
        converged = np.zeros(len(membership), dtype=bool)
        counts = np.concatenate([[0.0], self.history.counts])
        estimated = np.hstack([np.ones((len(membership), self.n_main), dtype=bool), membership & ~self.zero])
        levels = membership.sum(axis=1) if usable.sum() > WARM_START_ABOVE else np.zeros(len(membership), int)
        sizes = estimated.sum(axis=1)
        for level in np.unique(levels[usable]):
            for size in np.unique(sizes[usable & (levels == level)]):
                rows = np.flatnonzero(usable & (levels == level) & (sizes == size))
                columns = np.nonzero(estimated[rows])[1].reshape(len(rows), -1)
                start = np.full(columns.shape, np.nan)
                has_parent = parents[rows] >= 0
                parent_beta = full_beta[parents[rows][has_parent]]
                start[has_parent] = np.take_along_axis(parent_beta, columns[has_parent], axis=1)
                parent_fitted = np.zeros(len(rows), dtype=bool)
                parent_fitted[has_parent] = converged[parents[rows][has_parent]]
                start[~parent_fitted] = np.nan
                kept = np.hstack([np.zeros((len(rows), 1), dtype=bool), self.kept(membership[rows])])
                fit = fit_batch(k, term_values[columns], kept, counts, start, workers)
                scattered = np.full((len(rows), len(term_values)), np.nan)
                np.put_along_axis(scattered, columns, fit.beta, axis=1)
                full_beta[rows], loglik[rows], converged[rows] = scattered, fit.loglik, fit.converged
        return BatchFit(np.nan_to_num(full_beta[usable]), loglik[usable], converged[usable])
