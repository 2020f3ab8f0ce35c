"""One call from a capture history to a documented estimate: ``estimate(history, method=...)``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import ctkit
from ctkit.errors import EstimationError, ValidationError
from ctkit.estimate.bootstrap import BootstrapResult, bootstrap
from ctkit.estimate.classical import fit_all_classical
from ctkit.estimate.existence import check_model
from ctkit.estimate.history import CaptureHistory, remove_degenerate_lists, validate_for_estimation
from ctkit.estimate.intervals import Interval, profile_interval, wald_interval
from ctkit.estimate.loglinear import FittedModel, fit_model
from ctkit.estimate.models import MAIN_EFFECTS, Model, bracket_notation, model_label, model_names, parse_model
from ctkit.estimate.result import CandidateEstimate, EstimateResult, enormous_interval_warning
from ctkit.estimate.search import search_models
from ctkit.estimate.selectors import FixedSelector, SearchSelector, StepwiseSelector
from ctkit.estimate.stepwise import DEFAULT_THRESHOLD, stepwise
from ctkit.estimate.strata import StratifiedTable, fit_stratified

METHODS = ("stepwise", "bic", "aic", "classical", "main", "fixed")
BAYESIAN_METHODS = ("lcmcr", "bayes-threshold")  # answered by estimate.bayes (see estimate_bayesian)
SENSITIVITY_MODELS = 10


@dataclass(frozen=True)
class Settings:
    """Everything that shapes an estimate besides the data (recorded in the result's provenance)."""

    method: str = "stepwise"
    threshold: float = DEFAULT_THRESHOLD
    max_order: int = 2
    model: str | None = None
    bootstrap: int = 0
    seed: int | None = None
    level: float = 0.95
    top_models: int | None = None
    workers: int | None = None


def default_top_models(n_lists: int) -> int | None:
    """Models kept for the BIC/AIC bootstrap, as MultipleSystemsEstimation: all for <= 3 lists, 20 for 4, 100."""
    return None if n_lists <= 3 else 20 if n_lists == 4 else 100


def estimate(history: CaptureHistory, **options: object) -> EstimateResult:
    """Estimate the total population from ``history``.

    Options (see ``Settings``): ``method`` one of ``stepwise`` (default, p-value threshold ``threshold``),
    ``bic``/``aic`` (all hierarchical models up to ``max_order``), ``classical`` (M0, Mt, Mh, Mth, Mb: the best
    log-linear one by AIC), ``main`` or ``fixed`` (``model``, e.g. ``"A:B + B:C"``); ``bootstrap`` resamples
    (0 for none) with ``seed``; ``level`` of the interval. Without a bootstrap the interval is the profile
    likelihood (conditional on the model); with one it is BCa over resamples that repeat the selection.

    ``lcmcr`` and ``bayes-threshold`` go to :func:`ctkit.estimate.bayes.estimate_bayesian` with their own options.

    Raises ValidationError for bad options and EstimationError when the data cannot support an estimate.
    """
    if options.get("method") in BAYESIAN_METHODS:
        from ctkit.estimate.bayes import estimate_bayesian  # imported here: bayes builds on this module

        return estimate_bayesian(history, **options)
    settings = Settings(**options)  # type: ignore[arg-type]
    if settings.method not in METHODS:
        raise ValidationError(f"unknown method '{settings.method}'; use one of {', '.join(METHODS)}")
    if not 0 < settings.level < 1:
        raise ValidationError("the interval level must lie between 0 and 1")
    if settings.bootstrap < 0:
        raise ValidationError("the number of bootstrap resamples cannot be negative")
    reduced, report = remove_degenerate_lists(history)
    validate_for_estimation(reduced)
    warnings = report.messages()
    if settings.method == "classical":
        return _classical(reduced, history, settings, warnings)
    fit, selector, sensitivity, diagnostics = _select(reduced, settings, warnings)
    return _finish(history, reduced, fit, selector, sensitivity, diagnostics, settings, warnings)


def _select(history: CaptureHistory, settings: Settings, warnings: list[str]):
    diagnostics: dict[str, object] = {}
    if settings.method == "stepwise":
        result = stepwise(history, settings.threshold)
        diagnostics["steps"] = [
            {"term": model_names({t}, history.lists)[0], "p_value": p} for t, p in result.steps
        ]
        for term, why in result.rejected:
            warnings.append(
                f"interaction {model_names({term}, history.lists)[0]} was significant but left out: {why}"
            )
        path = [MAIN_EFFECTS]
        for term, _ in result.steps:
            path.append(path[-1] | {term})
        sensitivity = [(m, None) for m in path]
        final = check_model(history, result.fit.model)
        if not final.ok:  # only the main-effects start is not checked by the steps themselves
            raise EstimationError(final.message(result.fit.model, history.lists))
        return result.fit, StepwiseSelector(settings.threshold), sensitivity, diagnostics
    if settings.method in {"bic", "aic"}:
        search = search_models(history, settings.method, settings.max_order)
        excluded = int(np.sum(~(search.exists & search.identifiable)))
        diagnostics.update(models_considered=len(search.models), models_excluded_no_mle=excluded)
        if excluded:
            warnings.append(f"{excluded} candidate models were left out: no MLE exists or not identifiable")
        top = settings.top_models or default_top_models(history.n_lists)
        kept = tuple(search.top(top)) if top else None
        sensitivity = [(search.models[i], float(search.scores[i])) for i in search.ranked[:SENSITIVITY_MODELS]]
        selector = SearchSelector(settings.method, settings.max_order, kept)
        return fit_model(history, search.best), selector, sensitivity, diagnostics
    model = MAIN_EFFECTS if settings.method == "main" else parse_model(settings.model or "", history.lists)
    check = check_model(history, model)
    if not check.ok:
        raise EstimationError(check.message(model, history.lists), hint="choose another model")
    return fit_model(history, model), FixedSelector(model), [(model, None)], diagnostics


def _finish(
    original: CaptureHistory,
    history: CaptureHistory,
    fit: FittedModel,
    selector,
    sensitivity: list[tuple[Model, float | None]],
    diagnostics: dict[str, object],
    settings: Settings,
    warnings: list[str],
) -> EstimateResult:
    wald = wald_interval(fit, settings.level)
    profile = _profile_or_none(fit, settings.level, warnings)
    diagnostics.update(_fit_diagnostics(fit, wald, profile))
    if fit.minus_infinity:
        warnings.append(
            "interactions fixed at minus infinity (the lists never overlap): "
            + ", ".join(model_names(set(fit.minus_infinity), history.lists))
        )
    interval: Interval = profile or wald
    kind = interval.kind
    boot: BootstrapResult | None = None
    if settings.bootstrap:
        boot = bootstrap(history, selector, settings.bootstrap, settings.seed, settings.level, settings.workers)
        warnings.extend(boot.edge_warnings())
        diagnostics["bootstrap"] = {
            "resamples": boot.n_resamples,
            "failed": boot.failed,
            "acceleration": boot.acceleration,
            "bias_z0": boot.bias_z0,
            "percentile": list(boot.percentile),
            "bca": list(boot.bca),
        }
        interval = Interval(boot.bca[0], boot.bca[1], settings.level, "bca", fit.total)
        kind = "bca"
    note = enormous_interval_warning(interval.low, interval.high)
    if note:
        warnings.append(note)
    return EstimateResult(
        estimate=fit.total,
        ci_low=float(interval.low),
        ci_high=float(interval.high),
        level=settings.level,
        interval=kind,
        method=settings.method,
        model=model_names(fit.model, history.lists),
        lists=list(history.lists),
        n_observed=history.n_observed,
        dark_figure=fit.dark_figure,
        warnings=warnings,
        diagnostics=diagnostics,
        fitted=_fitted_cells(fit),
        sensitivity=_sensitivity(history, fit.model, sensitivity, settings),
        provenance=provenance(original, settings),
    )


def _profile_or_none(fit: FittedModel, level: float, warnings: list[str]) -> Interval | None:
    try:
        return profile_interval(fit, level)
    except EstimationError as exc:
        warnings.append(f"profile-likelihood interval not available ({exc}); the Wald interval is shown")
        return None


def _fit_diagnostics(fit: FittedModel, wald: Interval, profile: Interval | None) -> dict[str, object]:
    return {
        "model_notation": bracket_notation(fit.model, fit.history.n_lists) if fit.history.n_lists <= 9 else None,
        "deviance": fit.deviance,
        "residual_df": fit.residual_df,
        "goodness_of_fit_p": fit.goodness_of_fit_p(),
        "aic": fit.aic,
        "bic": fit.bic,
        "converged": fit.converged,
        "wald": [wald.low, wald.high],
        "profile": [profile.low, profile.high] if profile else None,
        "profile_point": profile.point if profile else None,
    }


def _fitted_cells(fit: FittedModel) -> dict[str, float]:
    lists = fit.history.lists
    cells = {}
    for pattern, value in zip(fit.history.patterns, fit.fitted, strict=True):
        name = "+".join(lists[j] for j in range(len(lists)) if (pattern >> j) & 1)
        cells[name] = float(value)
    return cells


def _sensitivity(history: CaptureHistory, chosen: Model, candidates, settings: Settings) -> list[CandidateEstimate]:
    out = []
    for model, score in candidates:
        try:
            fit = fit_model(history, model)
            interval = _profile_or_none(fit, settings.level, []) or wald_interval(fit, settings.level)
        except EstimationError:
            continue
        out.append(
            CandidateEstimate(
                model=model_label(model, history.lists),
                terms=model_names(model, history.lists),
                estimate=fit.total,
                ci_low=float(interval.low),
                ci_high=float(interval.high),
                score=score,
                score_name=settings.method if score is not None else None,
                chosen=model == chosen,
            )
        )
    return out


def _classical(history: CaptureHistory, original: CaptureHistory, settings: Settings, warnings: list[str]):
    fits, notes = fit_all_classical(history, settings.level)
    warnings.extend(notes)
    loglinear = [f for f in fits if f.name != "Mb"]
    if not loglinear:
        raise EstimationError("no classical model could be fitted to these data")
    best = min(loglinear, key=lambda f: f.aic)
    note = enormous_interval_warning(best.low, best.high)
    if note:
        warnings.append(note)
    sensitivity = [
        CandidateEstimate(f.name, [], f.total, f.low, f.high, f.aic if f.name != "Mb" else None,
                          "aic" if f.name != "Mb" else None, f is best)
        for f in fits
    ]
    return EstimateResult(
        estimate=best.total, ci_low=best.low, ci_high=best.high, level=settings.level, interval="wald",
        method="classical", model=[best.name], lists=list(history.lists), n_observed=history.n_observed,
        dark_figure=best.total - history.n_observed, warnings=warnings,
        diagnostics={"aic": best.aic, "note": "Mb is fitted to first captures only; its AIC is not comparable"},
        sensitivity=sensitivity, provenance=provenance(original, settings),
    )


def provenance(history: CaptureHistory, settings: Settings) -> dict[str, object]:
    """Data hash, method, settings, seed and ctkit version: enough to repeat the estimate."""
    return {
        "data_sha256": history.data_hash(),
        "method": settings.method,
        "settings": {k: v for k, v in settings.__dict__.items() if k not in {"workers"}},
        "seed": settings.seed,
        "ctkit_version": ctkit.__version__,
    }


def estimate_by_stratum(table: StratifiedTable, **options: object) -> EstimateResult:
    """Estimate by stratum with structural zeros (see ``strata``): the interactions are chosen by ``method`` on
    the table pooled over strata, then fitted jointly with stratum-specific list catches. Intervals are log-scale
    Wald (delta method); the bootstrap and the classical models are not available with strata.
    """
    settings = Settings(**options)  # type: ignore[arg-type]
    if settings.bootstrap or settings.method == "classical":
        raise ValidationError("with strata, use --method stepwise, bic, aic, main or fixed, without --bootstrap")
    pooled = estimate(table.pooled(), **options)
    history = table.pooled()
    model = parse_model(" + ".join(pooled.model), history.lists) if pooled.model else MAIN_EFFECTS
    fit = fit_stratified(table, model, settings.level)
    total, low, high = fit.total
    warnings = [w for w in pooled.warnings if "interval" not in w] + fit.assumptions
    uncovered = [
        f"{name} does not cover stratum {label}"
        for s, label in enumerate(table.strata)
        for j, name in enumerate(table.lists)
        if not table.coverage[s, j]
    ]
    if uncovered:
        warnings.append("structural zeros: " + "; ".join(uncovered))
    note = enormous_interval_warning(low, high)
    if note:
        warnings.append(note)
    strata = {
        label: {"estimate": t, "ci_low": lo, "ci_high": hi, "observed": float(table.counts[s].sum())}
        for s, (label, (t, lo, hi)) in enumerate(fit.estimates.items())
    }
    diagnostics = dict(pooled.diagnostics, stratified_deviance=fit.deviance, pooled_estimate=pooled.estimate)
    return EstimateResult(
        estimate=float(total), ci_low=float(low), ci_high=float(high), level=settings.level, interval="wald",
        method=settings.method, model=pooled.model, lists=list(table.lists), n_observed=int(table.counts.sum()),
        dark_figure=float(total - table.counts.sum()), warnings=warnings, diagnostics=diagnostics,
        sensitivity=pooled.sensitivity, strata=strata, provenance=dict(pooled.provenance, strata=list(table.strata)),
    )
