"""Bayesian thresholding (Silverman 2020, JRSS A 183(3):691-736), as MultipleSystemsEstimation's
``estimate_population_bayesthresh``.

Poisson log-linear model on the observed cells; flat priors on the intercept and main effects, independent
N(0, ``prior_variance``) priors on the interactions (``prior="proper"``, the default) or flat ones
(``"improper"``). Stage 1 fits all two-list interactions by MCMC and keeps those whose posterior |mean| / sd is at
least ``threshold`` (2). With ``max_order=3`` a three-list term is eligible when its three pairs were kept; the
pairs plus eligible triples are fitted and the triples thresholded the same way. The chosen model is fitted once
more and each draw of the intercept gives a draw of the total, observed + exp(intercept); the estimate is the
posterior median.

The sampler is MCMCpack's ``MCMCpoisson``: random-walk Metropolis on all parameters at once, proposal covariance
``tune^2 (B0 + I)^-1`` with ``I`` the Fisher information at the maximum-likelihood fit (glm's ``vcov``), starting at
MultipleSystemsEstimation's values (dark figure 5 n, main effects from list totals, interactions 0). With the
proper prior the flat intercept and main-effect priors are N(0, 10^4) (as the R package passes them); with the
improper prior, interactions whose sufficient statistic is zero sit at minus infinity: their cells are dropped
first, and the full pairwise model (and, for order 3, the proposed extension) must pass the Fienberg-Rinaldo
existence check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ctkit.errors import EstimationError, ValidationError
from ctkit.estimate.existence import check_model
from ctkit.estimate.history import CaptureHistory
from ctkit.estimate.loglinear import columns_for, design, kept_cells, newton_poisson
from ctkit.estimate.mcmc import PosteriorSummary, summarise
from ctkit.estimate.models import all_terms, model_names, order, pairs, subterms

PRIORS = ("proper", "improper")
# MultipleSystemsEstimation's stand-in for the flat intercept and main-effect priors under the proper prior
FLAT_PRECISION = 1e-4
# candidates scored together in the Metropolis loop (acceptance runs near 10%)
BLOCK = 32

Progress = Callable[[str], None]


@dataclass(frozen=True)
class MetropolisSettings:
    """MCMCpoisson's run length and tuning (R defaults: burnin 1000, mcmc 10000, thin 1, tune 1.1)."""

    burnin: int = 1000
    mcmc: int = 10000
    thin: int = 1
    tune: float = 1.1

    def __post_init__(self) -> None:
        if self.burnin < 0 or self.mcmc < 1 or self.thin < 1 or self.mcmc < self.thin:
            raise ValidationError("MCMC settings: burnin >= 0, mcmc >= 1 and 1 <= thin <= mcmc are required")
        if self.tune <= 0:
            raise ValidationError("the Metropolis tuning constant must be positive")


@dataclass(frozen=True)
class MetropolisFit:
    """One MCMC fit: the interaction terms in design order, the draws (intercept, main effects, interactions)."""

    terms: tuple[int, ...]
    draws: np.ndarray = field(repr=False)
    acceptance: float
    kept: np.ndarray = field(repr=False)

    def ratios(self) -> dict[int, float]:
        """|posterior mean| / posterior sd of each interaction (the thresholding statistic)."""
        offset = self.draws.shape[1] - len(self.terms)
        sample = self.draws[:, offset:]
        sd = sample.std(axis=0, ddof=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            values = np.abs(sample.mean(axis=0)) / sd
        return {t: float(v) for t, v in zip(self.terms, values, strict=True)}


@dataclass(frozen=True)
class ThresholdResult:
    """The outcome of Bayesian thresholding.

    ``pairs``/``triples``: interactions kept (bit masks); ``minus_infinity``: zero-statistic terms held at minus
    infinity (improper prior); ``ratios``: the stage statistics; ``posterior``: the total's summary;
    ``totals``: its draws; ``fits``: every MCMC fit (stage 1, stage 2 if run, final).
    """

    history: CaptureHistory
    prior: str
    threshold: float
    max_order: int
    pairs: tuple[int, ...]
    triples: tuple[int, ...]
    eligible_triples: tuple[int, ...]
    minus_infinity: tuple[int, ...]
    ratios: dict[int, float]
    posterior: PosteriorSummary
    totals: np.ndarray = field(repr=False)
    fits: tuple[MetropolisFit, ...] = field(default=(), repr=False)
    warnings: tuple[str, ...] = ()

    @property
    def acceptance(self) -> tuple[float, ...]:
        """Metropolis acceptance rate of each fit (stage 1, stage 2 if any, final)."""
        return tuple(f.acceptance for f in self.fits)

    @property
    def model(self) -> frozenset[int]:
        return frozenset(self.pairs) | frozenset(self.triples)

    def names(self, terms) -> list[str]:
        return model_names(terms, self.history.lists)

    def fit_totals(self, fit: MetropolisFit) -> np.ndarray:
        """Draws of the total population under one of the ``fits``."""
        return self.history.n_observed + np.exp(fit.draws[:, 0])


def bayes_threshold(
    history: CaptureHistory,
    prior: str = "proper",
    prior_variance: float = 1.0,
    threshold: float = 2.0,
    max_order: int = 2,
    sampler: MetropolisSettings | None = None,
    seed: int | None = None,
    level: float = 0.95,
    progress: Progress | None = None,
) -> ThresholdResult:
    """Bayesian-threshold estimate of the total population (see the module docstring for the method).

    Raises ValidationError for bad settings and EstimationError when, with the improper prior, the full pairwise
    model fails the Fienberg-Rinaldo existence criterion (its posterior is then improper).

    Example: ``bayes_threshold(read_table("kosovo4.csv"), seed=1).posterior.median`` (about 14,000).
    """
    _validate(history, prior, prior_variance, threshold, max_order)
    say = progress or (lambda _message: None)
    stages = _Stages(history, prior, prior_variance, sampler or MetropolisSettings(), np.random.default_rng(seed),
                     np.ones(len(history.counts), dtype=bool))
    if prior == "improper":
        _require_pairwise_mle(history)
    say("stage 1: all two-list interactions")
    first = stages.fit(pairs(history.n_lists), prune=True)
    ratios = first.ratios()
    chosen_pairs = tuple(t for t, r in ratios.items() if r >= threshold)
    eligible = _eligible_triples(chosen_pairs, history.n_lists) if max_order == 3 else ()
    chosen_triples, warnings = _three_list_stage(stages, chosen_pairs, eligible, threshold, ratios, say)
    say("final fit")
    final = stages.fit(list(chosen_pairs + chosen_triples), prune=False)
    totals = history.n_observed + np.exp(final.draws[:, 0])
    if stages.removed:
        warnings.append(
            "interactions held at minus infinity (the lists never overlap): "
            + ", ".join(model_names(set(stages.removed), history.lists))
        )
    return ThresholdResult(
        history=history, prior=prior, threshold=threshold, max_order=max_order, pairs=chosen_pairs,
        triples=chosen_triples, eligible_triples=eligible, minus_infinity=stages.removed, ratios=ratios,
        posterior=summarise(totals, level), totals=totals, fits=tuple(stages.fits), warnings=tuple(warnings),
    )


@dataclass
class _Stages:
    """The fits of one run: they share the random stream and, under the improper prior, the pruned cells."""

    history: CaptureHistory
    prior: str
    prior_variance: float
    sampler: MetropolisSettings
    rng: np.random.Generator
    kept: np.ndarray
    removed: tuple[int, ...] = ()
    fits: list[MetropolisFit] = field(default_factory=list)

    def fit(self, terms: list[int], prune: bool) -> MetropolisFit:
        if prune:
            terms, self.kept, removed = _prune(self.history, terms, self.prior == "improper", self.kept)
            self.removed += tuple(t for t in removed if t not in self.removed)
        fit = fit_metropolis(self.history, terms, self.kept, self.prior, self.prior_variance, self.sampler, self.rng)
        self.fits.append(fit)
        return fit


def _require_pairwise_mle(history: CaptureHistory) -> None:
    """With flat interaction priors the posterior is proper only if the all-pairs model has an (extended) MLE."""
    if not check_model(history, frozenset(pairs(history.n_lists))).ok:
        raise EstimationError(
            "Bayesian thresholding with the improper prior cannot be applied: the model with all two-list "
            "interactions fails the Fienberg-Rinaldo existence criterion",
            hint="use the proper prior",
        )


def _three_list_stage(stages: _Stages, chosen_pairs: tuple[int, ...], eligible: tuple[int, ...], threshold: float,
                      ratios: dict[int, float], say: Progress) -> tuple[tuple[int, ...], list[str]]:
    """Fit the kept pairs with the eligible triples and threshold the triples (adds their ratios to ``ratios``)."""
    if not eligible:
        return (), []
    if stages.prior == "improper" and not check_model(stages.history, frozenset(chosen_pairs + eligible)).ok:
        return (), ["the three-list extension fails the Fienberg-Rinaldo existence criterion; reverting to maxorder 2"]
    say("stage 2: eligible three-list interactions")
    second = stages.fit(list(chosen_pairs + eligible), prune=True)
    triple_ratios = {t: r for t, r in second.ratios().items() if order(t) == 3}
    ratios.update(triple_ratios)
    return tuple(t for t, r in triple_ratios.items() if r >= threshold), []


def _validate(history: CaptureHistory, prior: str, variance: float, threshold: float, max_order: int) -> None:
    if prior not in PRIORS:
        raise ValidationError(f"unknown prior '{prior}'; use proper or improper")
    if max_order not in (2, 3):
        raise ValidationError("Bayesian thresholding takes max_order 2 or 3")
    if max_order == 3 and history.n_lists < 4:
        raise ValidationError("three-list interactions need at least four lists (three confound the dark figure)")
    if not variance > 0 or not threshold >= 0:
        raise ValidationError("the prior variance must be positive and the threshold non-negative")


def _prune(history: CaptureHistory, terms: list[int], improper: bool, kept: np.ndarray | None = None):
    """Under the improper prior, terms with zero sufficient statistic (and the terms above them) go to minus
    infinity and their cells are dropped; the proper prior keeps every term and cell."""
    kept = np.ones(len(history.counts), dtype=bool) if kept is None else kept
    if not improper:
        return list(terms), kept, ()
    zero = [t for t in terms if history.overlap(t) == 0]
    above = [t for t in terms if t not in zero and any(z & t == z for z in zero)]
    removed = tuple(zero + above)
    return [t for t in terms if t not in removed], kept & kept_cells(history.patterns, zero), removed


def _eligible_triples(chosen_pairs: tuple[int, ...], n_lists: int) -> tuple[int, ...]:
    chosen = set(chosen_pairs)
    return tuple(t for t in all_terms(n_lists, 3) if order(t) == 3 and set(subterms(t)) <= chosen)


def fit_metropolis(
    history: CaptureHistory,
    terms: list[int],
    kept: np.ndarray,
    prior: str,
    prior_variance: float,
    sampler: MetropolisSettings,
    rng: np.random.Generator,
) -> MetropolisFit:
    """MCMCpoisson on the ``kept`` cells with main effects and ``terms``: draws of (intercept, mains, terms)."""
    columns = columns_for(frozenset(terms), history.n_lists)
    x = design(history.patterns[kept], columns)
    y = history.counts[kept]
    n_lists = history.n_lists
    precision = np.zeros(len(columns))
    if prior == "proper":
        precision[: 1 + n_lists] = FLAT_PRECISION
        precision[1 + n_lists :] = 1.0 / prior_variance
    information = _glm_information(x, y)
    proposal = sampler.tune * np.linalg.cholesky(np.linalg.inv(np.diag(precision) + information))
    draws, acceptance = metropolis(x, y, precision, _start(history, y, x, n_lists), proposal, sampler, rng)
    return MetropolisFit(tuple(columns[1 + n_lists :]), draws, acceptance, kept)


def _glm_information(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Fisher information x' diag(mu) x at R glm's fit (the inverse of its vcov), used to shape the proposal."""
    try:
        mu = newton_poisson(x, y).mu
    except EstimationError as exc:
        raise EstimationError("the log-linear model's parameters are not identifiable from these data") from exc
    return x.T @ (mu[:, None] * x)


def _start(history: CaptureHistory, y: np.ndarray, x: np.ndarray, n_lists: int) -> np.ndarray:
    """MultipleSystemsEstimation's start: dark figure 5 n, main effects log(list total / 5 n), interactions 0."""
    n = float(y.sum())
    totals = x[:, 1 : 1 + n_lists].T @ y
    start = np.zeros(x.shape[1])
    start[0] = np.log(5 * n)
    start[1 : 1 + n_lists] = np.log(np.maximum(totals, 0.5) / (5 * n))
    return start


def metropolis(
    x: np.ndarray,
    y: np.ndarray,
    precision: np.ndarray,
    start: np.ndarray,
    proposal: np.ndarray,
    sampler: MetropolisSettings,
    rng: np.random.Generator,
) -> tuple[np.ndarray, float]:
    """Random-walk Metropolis for the Poisson log-linear posterior (MCMCpoisson's loop).

    Keeps iteration ``i`` when ``i >= burnin`` and ``i % thin == 0``, as MCMCpoisson does. All proposals and
    uniforms are drawn up front and the steps mapped to the linear predictor in one product. Until a move is
    accepted every candidate is a step from the same state, so candidates are scored ``BLOCK`` at a time and the
    first acceptance taken: the same chain as one-by-one, with a Python iteration per acceptance (about one in
    ten) rather than per step. The kept states are rebuilt as the start plus the accepted steps.
    """
    total = sampler.burnin + sampler.mcmc
    steps = rng.standard_normal((total, len(start))) @ proposal.T
    log_u = np.log(rng.random(total))
    eta_steps = steps @ x.T
    accepted = np.zeros(total, dtype=bool)
    beta, eta = start.copy(), x @ start
    current = _log_posterior(y, eta, beta, precision)
    proper = bool(precision.any())
    i = 0
    with np.errstate(over="ignore", invalid="ignore"):
        while i < total:
            # every candidate up to the next acceptance is a step from the same state: score a block at once
            end = min(i + BLOCK, total)
            etas = eta + eta_steps[i:end]
            values = etas @ y - np.exp(etas).sum(axis=1)
            if proper:
                betas = beta + steps[i:end]
                values -= 0.5 * (betas * betas) @ precision
            hits = np.flatnonzero(log_u[i:end] < values - current)  # NaN or -inf is never accepted
            if hits.size == 0:
                i = end
                continue
            j = int(hits[0])
            eta, current, accepted[i + j] = etas[j], float(values[j]), True
            if proper:
                beta = betas[j]
            i += j + 1
    states = start + np.cumsum(steps * accepted[:, None], axis=0)
    kept = np.arange(sampler.burnin, total)
    return states[kept[kept % sampler.thin == 0]], float(accepted.mean())


def _log_posterior(y: np.ndarray, eta: np.ndarray, beta: np.ndarray, precision: np.ndarray) -> float:
    with np.errstate(over="ignore"):
        value = float(y @ eta - np.exp(eta).sum() - 0.5 * (precision * beta) @ beta)
    return value if value == value else -np.inf


def ratio_names(result: ThresholdResult) -> dict[str, float]:
    """The thresholding statistics by ``A:B`` name."""
    return {model_names({t}, result.history.lists)[0]: r for t, r in result.ratios.items()}
