"""Log-linear fits, existence checks and the batched fitter against independent computations."""

from __future__ import annotations

import numpy as np
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st

from ctkit.estimate import CaptureHistory, check_model, fit_model, parse_model
from ctkit.estimate.existence import full_rank, interior_lp_exists, lp_exists
from ctkit.estimate.loglinear import columns_for, design, kept_cells, zero_terms
from ctkit.estimate.models import all_terms, closure, enumerate_hierarchical, pairs
from ctkit.estimate.moebius import subset_sums, superset_sums
from ctkit.estimate.search import search_models

from .conftest import load


def test_fit_matches_a_statsmodels_poisson_glm() -> None:
    history = load("kosovo4")
    model = parse_model("[123,14,34]", history.lists)
    ours = fit_model(history, model)
    x = design(history.patterns, columns_for(model, history.n_lists))
    theirs = sm.GLM(history.counts, x, family=sm.families.Poisson()).fit(tol=1e-12)
    assert np.allclose(ours.beta, theirs.params, rtol=1e-7, atol=1e-8)
    assert np.isclose(ours.deviance, theirs.deviance, rtol=1e-8)
    assert np.allclose(ours.covariance, theirs.cov_params(), rtol=1e-6)


def test_zero_overlap_terms_are_fixed_at_minus_infinity_and_their_cells_dropped() -> None:
    history = load("artificial3")
    model = parse_model("[13,2]", history.lists)
    fit = fit_model(history, model)
    assert fit.minus_infinity == (0b101,)
    assert fit.fitted[0b101 - 1] == 0 and fit.fitted[0b111 - 1] == 0
    assert fit.n_params == 5


@st.composite
def tables(draw):
    k = draw(st.integers(3, 4))
    counts = draw(st.lists(st.sampled_from([0, 0, 0, 1, 2, 5, 30]), min_size=2**k - 1, max_size=2**k - 1))
    model_terms = draw(st.sets(st.sampled_from(pairs(k)), max_size=4))
    return CaptureHistory(tuple("ABCD"[:k]), np.array(counts, dtype=float)), closure(model_terms)


@settings(max_examples=100, deadline=None)
@given(tables())
def test_null_space_existence_test_agrees_with_the_sparsemse_lp(case) -> None:
    history, model = case
    if history.n_observed == 0:
        return
    dropped = zero_terms(history, model)
    keep = kept_cells(history.patterns, dropped)
    x = design(history.patterns[keep], columns_for(model - set(dropped), history.n_lists))
    assert lp_exists(x, history.counts[keep]) == interior_lp_exists(x, history.counts[keep])


def test_search_identifiability_rule_agrees_with_numerical_rank() -> None:
    history = load("artificial3")
    result = search_models(history, "bic", 2)
    for model, identifiable in zip(result.models, result.identifiable, strict=True):
        dropped = zero_terms(history, model)
        keep = kept_cells(history.patterns, dropped)
        x = design(history.patterns[keep], columns_for(model - set(dropped), history.n_lists))
        assert bool(identifiable) == full_rank(x) == check_model(history, model).identifiable


def test_batched_search_gives_the_same_bic_and_totals_as_single_fits() -> None:
    history = load("uk4")
    result = search_models(history, "bic", 3)
    for i in result.ranked[:40]:
        fit = fit_model(history, result.models[i])
        assert np.isclose(result.scores[i], fit.bic, rtol=1e-9, atol=1e-7)
        assert np.isclose(result.totals[i], fit.total, rtol=1e-8)


def test_moebius_transforms_match_the_design_matrix() -> None:
    rng = np.random.default_rng(3)
    k = 4
    patterns = np.arange(2**k)
    zeta = design(patterns, list(range(2**k)))
    values = rng.normal(size=(3, 2**k))
    assert np.allclose(subset_sums(values, k), values @ zeta.T)
    assert np.allclose(superset_sums(values, k), values @ zeta)


def test_model_catalogue_sizes() -> None:
    assert len(enumerate_hierarchical(6, 2)) == 2**15
    assert len(enumerate_hierarchical(4, 3)) == 113  # Silverman, Chan & Vincent (2024): 113 models for Kosovo
    assert len(enumerate_hierarchical(3, 5)) == 8
    assert all_terms(3, 2) == [0b011, 0b101, 0b110]
