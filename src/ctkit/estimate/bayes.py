"""The Bayesian methods behind one call: ``estimate_bayesian(history, method="lcmcr" | "bayes-threshold", ...)``.

Returns the same ``EstimateResult`` as ``estimate``: the posterior median as the estimate, the equal-tailed credible
interval, the chosen interactions (thresholding), warnings, and diagnostics (posterior quantiles with their Monte
Carlo standard errors, effective sample size, a thinned trace of the total, acceptance rates or the concentration).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ctkit.errors import ValidationError
from ctkit.estimate.api import BAYESIAN_METHODS, provenance
from ctkit.estimate.bayes_threshold import MetropolisSettings, ThresholdResult, bayes_threshold
from ctkit.estimate.history import CaptureHistory, remove_degenerate_lists, validate_for_estimation
from ctkit.estimate.lcmcr import LcmcrResult, LcmcrSettings, lcmcr
from ctkit.estimate.mcmc import PosteriorSummary
from ctkit.estimate.models import model_label, model_names
from ctkit.estimate.result import CandidateEstimate, EstimateResult, enormous_interval_warning

# an effective sample size below this makes the interval's limits too noisy to quote
LOW_ESS = 100


@dataclass(frozen=True)
class BayesSettings:
    """Everything that shapes a Bayesian estimate besides the data (recorded in the provenance)."""

    method: str = "lcmcr"
    seed: int | None = None
    level: float = 0.95
    # bayes-threshold (MultipleSystemsEstimation's defaults)
    prior: str = "proper"
    prior_variance: float = 1.0
    threshold: float = 2.0
    max_order: int = 2
    burnin: int | None = None  # None: the method's default (1,000 Metropolis / 10,000 Gibbs sweeps)
    mcmc: int = 10000
    thin: int = 1
    # lcmcr (LCMCR's defaults, K as in Manrique-Vallier 2016)
    K: int = 10  # noqa: N815 - the paper's name
    a_alpha: float = 0.25
    b_alpha: float = 0.25
    samples: int = 1000
    thinning: int = 10


def estimate_bayesian(
    history: CaptureHistory, progress: Callable[[str], None] | None = None, **options: object
) -> EstimateResult:
    """Estimate the total population by ``method`` ``"lcmcr"`` (latent classes, Dirichlet process) or
    ``"bayes-threshold"`` (Silverman's Bayesian thresholding of log-linear interactions).

    Options are ``BayesSettings`` fields; ``progress`` receives short messages during long runs. Raises
    ValidationError for bad options and EstimationError when the data cannot support an estimate.

    Example: ``estimate_bayesian(read_table("korea3.csv"), method="lcmcr", seed=1).estimate`` (about 137).
    """
    settings = BayesSettings(**options)  # type: ignore[arg-type]
    if settings.method not in BAYESIAN_METHODS:
        raise ValidationError(f"unknown Bayesian method '{settings.method}'; use lcmcr or bayes-threshold")
    if not 0 < settings.level < 1:
        raise ValidationError("the interval level must lie between 0 and 1")
    reduced, report = remove_degenerate_lists(history)
    validate_for_estimation(reduced)
    warnings = report.messages()
    say = progress or (lambda _message: None)
    if settings.method == "lcmcr":
        run = lcmcr(reduced, _lcmcr_settings(settings), settings.seed, settings.level,
                    lambda done, total: say(f"Gibbs sweep {done:,} of {total:,}"))
        row = CandidateEstimate(model=f"latent classes (K = {settings.K})", terms=[], estimate=run.posterior.median,
                                ci_low=run.posterior.low, ci_high=run.posterior.high, chosen=True)
        return _result(history, reduced, settings, run.posterior, [], warnings, _lcmcr_diagnostics(run), [row])
    sampler = MetropolisSettings(1000 if settings.burnin is None else settings.burnin, settings.mcmc, settings.thin)
    fit = bayes_threshold(reduced, settings.prior, settings.prior_variance, settings.threshold, settings.max_order,
                          sampler, settings.seed, settings.level, say)
    warnings.extend(fit.warnings)
    terms = model_names(fit.model, reduced.lists)
    return _result(history, reduced, settings, fit.posterior, terms, warnings, _threshold_diagnostics(fit),
                   _stages(fit, settings.level))


def _lcmcr_settings(settings: BayesSettings) -> LcmcrSettings:
    burnin = 10000 if settings.burnin is None else settings.burnin
    return LcmcrSettings(settings.K, settings.a_alpha, settings.b_alpha, burnin, settings.samples, settings.thinning)


def _result(original, history, settings, posterior: PosteriorSummary, model, warnings, diagnostics, sensitivity):
    if posterior.ess < LOW_ESS:
        warnings.append(
            f"effective sample size {posterior.ess:.0f} is small: run the sampler longer before quoting the interval"
        )
    note = enormous_interval_warning(posterior.low, posterior.high)
    if note:
        warnings.append(note)
    diagnostics["posterior"] = posterior.to_dict()
    diagnostics["trace"] = posterior.trace
    return EstimateResult(
        estimate=posterior.median, ci_low=posterior.low, ci_high=posterior.high, level=settings.level,
        interval="credible", method=settings.method, model=model, lists=list(history.lists),
        n_observed=history.n_observed, dark_figure=posterior.median - history.n_observed, warnings=warnings,
        diagnostics=diagnostics, sensitivity=sensitivity, provenance=provenance(original, settings),
    )


def _lcmcr_diagnostics(run: LcmcrResult) -> dict[str, object]:
    return {
        "latent_classes_truncation": run.settings.K,
        "occupied_classes_mean": float(run.occupied.mean()),
        "concentration_mean": float(run.alpha.mean()),
    }


def _threshold_diagnostics(fit: ThresholdResult) -> dict[str, object]:
    lists = fit.history.lists
    return {
        "prior": fit.prior,
        "threshold_statistics": {model_names({t}, lists)[0]: r for t, r in fit.ratios.items()},
        "eligible_triples": model_names(fit.eligible_triples, lists),
        "minus_infinity": model_names(fit.minus_infinity, lists),
        "acceptance": list(fit.acceptance),
    }


def _stages(fit: ThresholdResult, level: float) -> list[CandidateEstimate]:
    """The posterior of the total at each stage (all pairs; pairs and eligible triples; the chosen model)."""
    out = []
    for i, stage in enumerate(fit.fits):
        totals = fit.fit_totals(stage)
        low, median, high = np.quantile(totals, [(1 - level) / 2, 0.5, (1 + level) / 2])
        model = frozenset(stage.terms)
        out.append(CandidateEstimate(
            model=model_label(model, fit.history.lists), terms=model_names(model, fit.history.lists),
            estimate=float(median), ci_low=float(low), ci_high=float(high), chosen=i == len(fit.fits) - 1,
        ))
    return out
