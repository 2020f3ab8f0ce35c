"""The public surface of ctkit.estimate, its independence from the store, and invariances."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import ctkit.estimate
from ctkit.estimate.history import project
from ctkit.estimate.search import search_models

from .conftest import load


def test_public_api_is_pinned() -> None:
    assert sorted(ctkit.estimate.__all__) == sorted([
        "CLASSICAL_MODELS", "BootstrapResult", "CandidateEstimate", "CaptureHistory", "EstimateResult",
        "ExistenceCheck", "FittedModel", "SearchResult", "StratifiedTable", "bootstrap", "check_model",
        "enumerate_hierarchical", "estimate", "estimate_by_stratum", "fit_all_classical", "fit_classical",
        "fit_model", "fit_stratified", "from_frame", "from_frame_by", "from_histories", "from_matrix",
        "from_records", "from_stratified_records", "model_names", "parse_model", "profile_interval", "read_table",
        "remove_degenerate_lists", "search_models", "sensitivity_figure", "stepwise", "wald_interval",
        "write_sensitivity_chart",
        # the Bayesian methods
        "BAYESIAN_METHODS", "LcmcrResult", "LcmcrSettings", "MetropolisSettings", "PosteriorSummary",
        "ThresholdResult", "bayes_threshold", "effective_sample_size", "estimate_bayesian", "lcmcr",
    ])
    assert all(hasattr(ctkit.estimate, name) for name in ctkit.estimate.__all__)


def test_the_estimate_library_does_not_import_the_store() -> None:
    code = "import sys, ctkit.estimate; print(any(m.startswith('ctkit.store') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@settings(max_examples=12, deadline=None)
@given(st.permutations(list(range(4))))
def test_bic_search_does_not_depend_on_the_order_of_the_lists(order) -> None:
    history = load("kosovo4")
    permuted = project(history, list(order))
    assert permuted.n_observed == history.n_observed
    expected = search_models(history, "bic", 3).best_total
    assert np.isclose(search_models(permuted, "bic", 3).best_total, expected, rtol=1e-9)
