"""The Bayesian samplers on data with a known truth, their diagnostics, input checks, the API and the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from ctkit.cli import app
from ctkit.errors import EstimationError, ValidationError
from ctkit.estimate import CaptureHistory, estimate_bayesian, fit_model, parse_model
from ctkit.estimate.bayes_threshold import MetropolisSettings, bayes_threshold, fit_metropolis
from ctkit.estimate.lcmcr import LcmcrSettings, lcmcr
from ctkit.estimate.mcmc import effective_sample_size, quantile_mcse

from .conftest import DATA, load

runner = CliRunner()
SHORT_GIBBS = LcmcrSettings(burnin=1000, samples=500, thinning=4)
SHORT_METROPOLIS = MetropolisSettings(burnin=500, mcmc=4000)


def simulate(total: int, catch: np.ndarray, seed: int, share: float = 1.0, strong: float = 1.0) -> CaptureHistory:
    """``total`` people, list ``j`` catching each with ``catch[j]`` (times ``strong`` for a ``1 - share`` part)."""
    rng = np.random.default_rng(seed)
    boost = np.where(rng.random(total) < share, 1.0, strong)
    caught = rng.random((total, len(catch))) < np.minimum(catch[None, :] * boost[:, None], 0.95)
    masks = (caught.astype(np.int64) << np.arange(len(catch))).sum(axis=1)
    counts = np.bincount(masks, minlength=2 ** len(catch))[1:].astype(float)
    return CaptureHistory(tuple("ABCDE"[: len(catch)]), counts)


HOMOGENEOUS = np.array([0.15, 0.2, 0.25, 0.3])


def test_lcmcr_intervals_cover_the_true_size_of_a_homogeneous_population() -> None:
    # 95% intervals: at most one miss in six replicates (probability 3% if the intervals are calibrated)
    runs = [lcmcr(simulate(2000, HOMOGENEOUS, seed), SHORT_GIBBS, seed=seed).posterior for seed in range(6)]
    assert sum(r.low <= 2000 <= r.high for r in runs) >= 5, [(r.low, r.high) for r in runs]
    assert abs(np.mean([r.median for r in runs]) - 2000) < 100


def test_thresholding_intervals_cover_the_true_size_of_a_homogeneous_population() -> None:
    runs = [bayes_threshold(simulate(2000, HOMOGENEOUS, seed), sampler=SHORT_METROPOLIS, seed=seed)
            for seed in range(6)]
    assert sum(r.posterior.low <= 2000 <= r.posterior.high for r in runs) >= 5
    assert abs(np.mean([r.posterior.median for r in runs]) - 2000) < 100
    # independent lists: few interactions pass the threshold
    assert np.mean([len(r.pairs) for r in runs]) <= 1.5


def test_lcmcr_finds_the_hidden_people_of_a_two_class_population() -> None:
    # 30% of people are three times as catchable: independence misses many of the rest, the latent classes less
    catch = np.array([0.15, 0.2, 0.12, 0.18, 0.1])
    history = simulate(3000, catch, seed=12, share=0.7, strong=3.0)
    posterior = lcmcr(history, LcmcrSettings(burnin=3000, samples=1000, thinning=5), seed=3).posterior
    independence = fit_model(history, frozenset()).total
    assert independence < 0.85 * 3000
    assert posterior.low <= 3000 <= posterior.high and posterior.median > independence


def test_metropolis_with_flat_priors_recovers_the_likelihood() -> None:
    # flat priors: the posterior is the (nearly normal, large counts) likelihood, centred on the MLE with the
    # Wald standard errors
    history = load("kosovo4")
    model = parse_model("[123,14,34]", history.lists)
    mle = fit_model(history, model)
    kept = np.ones(len(history.counts), dtype=bool)
    rng = np.random.default_rng(5)
    fit = fit_metropolis(history, sorted(model, key=lambda t: (t.bit_count(), t)), kept, "improper", 1.0,
                         MetropolisSettings(burnin=1000, mcmc=20000), rng)
    draws = fit.draws[:, 0]
    se = np.sqrt(mle.covariance[0, 0])
    mcse = draws.std() / np.sqrt(effective_sample_size(draws))
    assert abs(draws.mean() - mle.beta[0]) < 4 * mcse + 0.05 * se
    assert abs(draws.std() / se - 1) < 0.15
    assert 0.02 < fit.acceptance < 0.5


def test_effective_sample_size_of_known_chains() -> None:
    rng = np.random.default_rng(0)
    iid = rng.standard_normal(20000)
    assert 0.9 < effective_sample_size(iid) / 20000 < 1.1
    ar = np.empty(20000)
    ar[0] = 0.0
    noise = rng.standard_normal(20000)
    for i in range(1, 20000):
        ar[i] = 0.8 * ar[i - 1] + noise[i]
    expected = 20000 * (1 - 0.8) / (1 + 0.8)  # an AR(1) chain's ESS
    assert 0.8 < effective_sample_size(ar) / expected < 1.2
    # the median of 20,000 normal draws: sqrt(pi / 2) / sqrt(n)
    assert 0.8 < quantile_mcse(iid, 0.5) / (np.sqrt(np.pi / 2) / np.sqrt(20000)) < 1.25


def test_seeds_make_runs_reproducible() -> None:
    history, gibbs, metropolis = load("korea3"), LcmcrSettings(burnin=100, samples=100, thinning=2), \
        MetropolisSettings(burnin=100, mcmc=1000)
    first, second = (lcmcr(history, gibbs, seed=4).totals for _ in range(2))
    assert np.array_equal(first, second)
    assert not np.array_equal(first, lcmcr(history, gibbs, seed=5).totals)
    a, b = (bayes_threshold(history, sampler=metropolis, seed=9).totals for _ in range(2))
    assert np.array_equal(a, b)


def test_improper_prior_refuses_a_pairwise_model_without_mle() -> None:
    # vignette: for Korea the full pairwise model fails the Fienberg-Rinaldo criterion
    with pytest.raises(EstimationError, match="Fienberg-Rinaldo"):
        bayes_threshold(load("korea3"), prior="improper", sampler=SHORT_METROPOLIS, seed=1)


def test_proper_prior_fits_korea_and_thresholds_out_b_d() -> None:
    # vignette: with the proper prior the all-pairs Korea model (no MLE) can be fitted, and b:d is thresholded out
    result = bayes_threshold(load("korea3"), sampler=SHORT_METROPOLIS, seed=1)
    assert result.names(result.pairs) == ["b:c", "c:d"]
    assert result.posterior.low < 157 < result.posterior.high  # the BIC model [12,23] gives 157


def test_improper_three_list_extension_without_mle_reverts_to_pairs() -> None:
    # vignette: Western, improper prior, max order 3, threshold 0.2: A:B and B:E at minus infinity, and the
    # extension fails the existence check, so the two-list analysis is returned
    result = bayes_threshold(load("western5"), prior="improper", threshold=0.2, max_order=3,
                             sampler=SHORT_METROPOLIS, seed=1)
    assert result.names(result.minus_infinity) == ["A:B", "B:E"]
    assert result.triples == () and result.eligible_triples
    assert any("reverting to maxorder 2" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda h: bayes_threshold(h, prior="vague"), "unknown prior"),
        (lambda h: bayes_threshold(h, max_order=4), "max_order 2 or 3"),
        (lambda h: bayes_threshold(h, prior_variance=0), "prior variance"),
        (lambda h: MetropolisSettings(mcmc=10, thin=20), "thin"),
        (lambda h: LcmcrSettings(K=1), "truncation"),
        (lambda h: LcmcrSettings(a_alpha=0), "a_alpha"),
        (lambda h: estimate_bayesian(h, method="bayes"), "unknown Bayesian method"),
        (lambda h: estimate_bayesian(h, level=1.5), "level"),
    ],
)
def test_bad_settings_are_refused_with_a_clear_message(call, message) -> None:
    with pytest.raises(ValidationError, match=message):
        call(load("kosovo4"))


def test_estimate_bayesian_returns_a_documented_result() -> None:
    messages: list[str] = []
    result = estimate_bayesian(load("korea3"), method="lcmcr", seed=1, burnin=1000, samples=300, thinning=4,
                               progress=messages.append)
    assert result.interval == "credible" and result.ci_low <= result.estimate <= result.ci_high
    assert result.n_observed == 123 and result.provenance["seed"] == 1
    assert result.provenance["settings"]["K"] == 10 and result.diagnostics["latent_classes_truncation"] == 10
    posterior = result.diagnostics["posterior"]
    assert posterior["draws"] == 300 and posterior["effective_sample_size"] > 0 and result.diagnostics["trace"]
    assert messages and "Gibbs sweep" in messages[-1]
    threshold = estimate_bayesian(load("kosovo4"), method="bayes-threshold", seed=1, burnin=200, mcmc=2000)
    assert "ABA:HRW" not in threshold.model and len(threshold.model) == 5
    assert [c.chosen for c in threshold.sensitivity] == [False, True]
    json.loads(threshold.to_json())


def test_cli_runs_both_methods_and_refuses_a_bootstrap(tmp_path) -> None:
    chart = tmp_path / "chart.html"
    args = ["estimate", str(DATA / "korea3.csv"), "--method", "lcmcr", "--seed", "2", "--burnin", "500",
            "--samples", "200", "--thinning", "2", "--json", "--chart", str(chart)]
    outcome = runner.invoke(app, args)
    assert outcome.exit_code == 0, outcome.output
    data = json.loads(outcome.stdout)
    assert data["method"] == "lcmcr" and data["provenance"]["seed"] == 2 and data["interval"] == "credible"
    assert data["sensitivity"][0]["model"] == "latent classes (K = 10)" and "latent classes" in chart.read_text()
    table = runner.invoke(app, ["estimate", str(DATA / "kosovo4.csv"), "--method", "bayes-threshold", "--seed", "1",
                                "--burnin", "200", "--mcmc", "2000"])
    assert table.exit_code == 0 and "credible" in table.stdout and "EXH:ABA" in table.stdout
    from ctkit.cli import main

    with pytest.raises(SystemExit) as refused:
        main(["estimate", str(DATA / "korea3.csv"), "--method", "lcmcr", "--bootstrap", "10"])
    assert refused.value.code == ValidationError.exit_code


def test_the_one_estimate_call_answers_the_bayesian_methods_too() -> None:
    from ctkit.estimate import estimate

    history = load("korea3")
    options = {"method": "lcmcr", "burnin": 200, "samples": 200, "thinning": 2, "seed": 3}
    via_estimate, direct = estimate(history, **options), estimate_bayesian(history, **options)
    assert via_estimate.estimate == direct.estimate and via_estimate.method == "lcmcr"
