"""Multiple Systems Estimation: the hidden number of victims from the overlaps between agencies' lists.

A plain library (no database): build a ``CaptureHistory`` (from a table, a DataFrame or per-person records), then
``estimate(history, method="stepwise" | "bic" | "aic" | "classical" | "main" | "fixed", bootstrap=N, seed=S)``,
or ``estimate_bayesian(history, method="lcmcr" | "bayes-threshold", seed=S)`` for the Bayesian methods.
The building blocks (existence checks, log-linear fits, model search, intervals, bootstrap, strata) are exported
for analysts who need them one by one. See docs/estimate.md.
"""

from ctkit.estimate.api import estimate, estimate_by_stratum
from ctkit.estimate.bayes import BAYESIAN_METHODS, estimate_bayesian
from ctkit.estimate.bayes_threshold import MetropolisSettings, ThresholdResult, bayes_threshold
from ctkit.estimate.bootstrap import BootstrapResult, bootstrap
from ctkit.estimate.chart import sensitivity_figure, write_sensitivity_chart
from ctkit.estimate.classical import CLASSICAL_MODELS, fit_all_classical, fit_classical
from ctkit.estimate.existence import ExistenceCheck, check_model
from ctkit.estimate.history import (
    CaptureHistory,
    from_frame,
    from_matrix,
    from_records,
    from_stratified_records,
    read_table,
    remove_degenerate_lists,
)
from ctkit.estimate.intervals import profile_interval, wald_interval
from ctkit.estimate.lcmcr import LcmcrResult, LcmcrSettings, lcmcr
from ctkit.estimate.loglinear import FittedModel, fit_model
from ctkit.estimate.mcmc import PosteriorSummary, effective_sample_size
from ctkit.estimate.models import enumerate_hierarchical, model_names, parse_model
from ctkit.estimate.result import CandidateEstimate, EstimateResult
from ctkit.estimate.search import SearchResult, search_models
from ctkit.estimate.stepwise import stepwise
from ctkit.estimate.strata import StratifiedTable, fit_stratified, from_frame_by, from_histories

__all__ = [
    "BAYESIAN_METHODS",
    "CLASSICAL_MODELS",
    "BootstrapResult",
    "CandidateEstimate",
    "CaptureHistory",
    "EstimateResult",
    "ExistenceCheck",
    "FittedModel",
    "LcmcrResult",
    "LcmcrSettings",
    "MetropolisSettings",
    "PosteriorSummary",
    "SearchResult",
    "StratifiedTable",
    "ThresholdResult",
    "bayes_threshold",
    "bootstrap",
    "check_model",
    "effective_sample_size",
    "enumerate_hierarchical",
    "estimate",
    "estimate_bayesian",
    "estimate_by_stratum",
    "fit_all_classical",
    "fit_classical",
    "fit_model",
    "fit_stratified",
    "from_frame",
    "from_frame_by",
    "from_histories",
    "from_matrix",
    "from_records",
    "from_stratified_records",
    "lcmcr",
    "model_names",
    "parse_model",
    "profile_interval",
    "read_table",
    "remove_degenerate_lists",
    "search_models",
    "sensitivity_figure",
    "stepwise",
    "wald_interval",
    "write_sensitivity_chart",
]
