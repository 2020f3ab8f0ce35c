"""Multiple Systems Estimation: our model search, stepwise fit and bootstrap against a plain statsmodels loop.

Baselines are measured in the same run:
* BIC search: one statsmodels Poisson GLM per model (what a Python user would write today), no existence checks;
  in full mode it is timed on a random sample of the 32,768 models and scaled up (said so in the output).
* stepwise: SparseMSE's algorithm written with statsmodels GLM fits and the interior-point LP of SparseMSE for
  every candidate at every step.
* bootstrap: that baseline stepwise per resample, timed on a few resamples and scaled to the full count.
* Bayesian samplers: the same samplers written as loops, the way the R packages' C++ reads (a Metropolis step that
  recomputes the whole log posterior; a Gibbs sweep over cells, classes and lists one by one), timed on part of the
  run and scaled.
Figures are wall-clock seconds on this machine (and CPU seconds of this process where threads are involved); the
samplers are single-threaded and compared in CPU seconds, which a loaded machine disturbs less.
"""

from __future__ import annotations

import resource
import time
import tracemalloc
from pathlib import Path

import numpy as np

from ctkit.estimate import CaptureHistory, read_table, search_models, stepwise
from ctkit.estimate.bootstrap import bootstrap, resample_counts
from ctkit.estimate.existence import interior_lp_exists
from ctkit.estimate.loglinear import columns_for, design, kept_cells, zero_terms
from ctkit.estimate.models import Model, pairs
from ctkit.estimate.selectors import StepwiseSelector

UK6 = Path(__file__).resolve().parents[1] / "tests" / "data" / "mse" / "uk6.csv"


def _timed(function, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - wall, time.process_time() - cpu


def generated_history(n_lists: int, seed: int = 1, population: int = 20_000) -> CaptureHistory:
    """Lists with heterogeneous catchability (two latent classes), so that interactions appear."""
    rng = np.random.default_rng(seed)
    base = rng.uniform(0.02, 0.12, n_lists)
    strong = rng.random(population) < 0.3
    probabilities = np.where(strong[:, None], np.minimum(base * 3, 0.6), base)
    caught = rng.random((population, n_lists)) < probabilities
    masks = (caught.astype(np.int64) << np.arange(n_lists)).sum(axis=1)
    counts = np.bincount(masks, minlength=2**n_lists)[1:].astype(float)
    return CaptureHistory(tuple(f"L{j + 1}" for j in range(n_lists)), counts)


def _statsmodels_fit(history: CaptureHistory, model: Model):
    import statsmodels.api as sm

    dropped = zero_terms(history, model)
    keep = kept_cells(history.patterns, dropped)
    x = design(history.patterns[keep], columns_for(model - set(dropped), history.n_lists))
    return sm.GLM(history.counts[keep], x, family=sm.families.Poisson()).fit(), keep


def statsmodels_bic_loop(history: CaptureHistory, models: list[Model]) -> float:
    best = np.inf
    for model in models:
        fit, _ = _statsmodels_fit(history, model)
        n_params = 1 + history.n_lists + len(model)
        best = min(best, n_params * np.log(history.n_observed) - 2 * fit.llf)
    return best


def statsmodels_stepwise(history: CaptureHistory, threshold: float = 0.02) -> float:
    """SparseMSE's stepwisefit, written the plain way: a GLM fit per step and an LP per candidate per step."""
    from scipy.stats import poisson

    model: Model = frozenset()
    remaining = pairs(history.n_lists)
    while True:
        fit, keep = _statsmodels_fit(history, model)
        fitted = np.zeros(len(history.counts))
        fitted[keep] = fit.fittedvalues
        best_p, best_term = 1.0, None
        for term in remaining:
            holds = (history.patterns & term) == term
            observed, expected = history.counts[holds].sum(), fitted[holds].sum()
            p = min(poisson.cdf(observed, expected), poisson.sf(observed - 1, expected))
            candidate = model | {term}
            dropped = zero_terms(history, candidate)
            k = kept_cells(history.patterns, dropped)
            x = design(history.patterns[k], columns_for(candidate - set(dropped), history.n_lists))
            if not interior_lp_exists(x, history.counts[k]) or np.linalg.matrix_rank(x) < x.shape[1]:
                p = 1.0
            if p < best_p:
                best_p, best_term = p, term
        if best_term is None or best_p >= threshold:
            return history.n_observed + float(np.exp(fit.params[0]))
        model = model | {best_term}
        remaining.remove(best_term)


def bench_bic(history: CaptureHistory, quick: bool) -> None:
    result, wall, cpu = _timed(search_models, history, "bic", 2)
    models = list(result.models)
    rng = np.random.default_rng(0)
    size = 16 if quick else 2000
    sample = models if len(models) <= size else [models[i] for i in rng.choice(len(models), size, replace=False)]
    _, base_wall, _ = _timed(statsmodels_bic_loop, history, sample)
    scaled = base_wall * len(models) / len(sample)
    note = "" if len(sample) == len(models) else f" (timed on {len(sample)} models, scaled)"
    print(f"BIC search, {len(models):,} models on {history.n_lists} lists: ours {wall:.2f} s (cpu {cpu:.2f} s); "
          f"statsmodels loop {scaled:.1f} s{note}; ratio {scaled / wall:.0f}x; best total {result.best_total:,.2f}")


def bench_stepwise(history: CaptureHistory, label: str, repeats: int) -> None:
    ours = min(_timed(stepwise, history)[1] for _ in range(repeats))
    theirs = min(_timed(statsmodels_stepwise, history)[1] for _ in range(max(1, repeats // 5)))
    print(f"stepwise fit, {label}: ours {ours * 1000:.1f} ms; statsmodels+LP loop {theirs * 1000:.0f} ms; "
          f"ratio {theirs / ours:.0f}x")


def bench_bootstrap(history: CaptureHistory, resamples: int, baseline_resamples: int) -> None:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    boot, wall, own_cpu = _timed(bootstrap, history, StepwiseSelector(0.02), resamples, 1, 0.95, 2)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own_cpu + (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    draws = resample_counts(history, baseline_resamples, 2)
    _, base, _ = _timed(lambda: [statsmodels_stepwise(history.with_counts(d)) for d in draws])
    scaled = base / len(draws) * (resamples + int((history.counts > 0).sum()))
    print(f"stepwise bootstrap, {resamples} resamples + jackknife, BCa [{boot.bca[0]:,.0f}, {boot.bca[1]:,.0f}] "
          f"on {history.n_lists} lists: ours {wall:.1f} s (2 workers, cpu {cpu:.1f} s); "
          f"statsmodels+LP loop {scaled:.0f} s "
          f"(timed on {len(draws)} resamples, scaled, 1 core); ratio {scaled / wall:.0f}x")


def bench_lists(quick: bool) -> None:
    print("time and memory vs number of lists (generated data, 20,000 people, stepwise selection):")
    for k in range(3, 6 if quick else 11):
        history = generated_history(k, seed=k)
        tracemalloc.start()
        result = stepwise(history)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        wall, cpu = min((_timed(stepwise, history)[1:] for _ in range(3)), key=lambda t: t[0])
        print(f"  {k:2d} lists, {2**k - 1:4d} cells: stepwise {wall * 1000:7.1f} ms (cpu {cpu * 1000:7.1f} ms), "
              f"{len(result.steps):2d} terms, peak memory {peak / 1e6:6.2f} MB")


def naive_metropolis(x: np.ndarray, y: np.ndarray, precision: np.ndarray, start: np.ndarray, proposal: np.ndarray,
                     total: int) -> float:
    """MCMCpoisson's loop as written: draw a step, recompute the log posterior from scratch, accept or not."""
    rng = np.random.default_rng(0)

    def log_posterior(beta: np.ndarray) -> float:
        eta = x @ beta
        return float(y @ eta - np.exp(eta).sum() - 0.5 * (precision * beta) @ beta)

    beta, accepted = start.copy(), 0
    current = log_posterior(beta)
    for _ in range(total):
        candidate = beta + proposal @ rng.standard_normal(len(beta))
        value = log_posterior(candidate)
        if np.log(rng.random()) < value - current:
            beta, current, accepted = candidate, value, accepted + 1
    return accepted / total


def naive_gibbs(cells: list[list[int]], freq: list[int], k: int, sweeps: int) -> int:
    """LCMCR's sweep as its C++ reads, element by element (no log-scale sticks: the timing is what matters)."""
    rng = np.random.default_rng(0)
    j_lists, n = len(cells[0]), sum(freq)
    lam = [[0.3] * k for _ in range(j_lists)]
    nu, alpha, n0, count0 = [1.0 / k] * k, 1.0, 0, [0] * k
    for _ in range(sweeps):
        counts = []
        for cell, f in zip(cells, freq, strict=True):
            probs = []
            for c in range(k):
                p = nu[c]
                for j in range(j_lists):
                    p *= lam[j][c] if cell[j] else 1.0 - lam[j][c]
                probs.append(p)
            total = sum(probs)
            counts.append(rng.multinomial(f, [p / total for p in probs]))
        sizes = [count0[c] + sum(row[c] for row in counts) for c in range(k)]
        for j in range(j_lists):
            for c in range(k):
                caught = sum(row[c] for row, cell in zip(counts, cells, strict=True) if cell[j])
                lam[j][c] = rng.beta(1 + caught, 1 + sizes[c] - caught)
        rest, left = 1.0, n + n0
        for c in range(k - 1):
            left -= sizes[c]
            v = rng.beta(1 + sizes[c], alpha + left)
            nu[c], rest = rest * v, rest * (1 - v)
        nu[k - 1] = rest
        unseen = [nu[c] * float(np.prod([1.0 - lam[j][c] for j in range(j_lists)])) for c in range(k)]
        p0 = sum(unseen)
        n0 = int(rng.negative_binomial(n, 1.0 - p0))
        count0 = list(rng.multinomial(n0, [u / p0 for u in unseen]))
        alpha = rng.gamma(0.25 + k - 1, 1.0 / (0.25 - np.log(max(rest, 1e-300))))
    return n0


def bench_bayesian(quick: bool) -> None:
    from ctkit.estimate.bayes_threshold import MetropolisSettings, bayes_threshold, fit_metropolis
    from ctkit.estimate.lcmcr import WARM_UP, LcmcrSettings, lcmcr

    kosovo, korea = read_table(UK6.with_name("kosovo4.csv")), read_table(UK6.with_name("korea3.csv"))
    sampler = MetropolisSettings(100, 1000) if quick else MetropolisSettings()
    fit, wall, cpu = _timed(bayes_threshold, kosovo, sampler=sampler, seed=1)
    steps = (sampler.burnin + sampler.mcmc) * len(fit.fits)
    print(f"Bayesian thresholding, Kosovo 4 lists, {len(fit.fits)} MCMC fits of {sampler.burnin + sampler.mcmc:,} "
          f"steps: cpu {cpu:.2f} s (wall {wall:.2f} s), median {fit.posterior.median:,.0f} "
          f"[{fit.posterior.low:,.0f}, {fit.posterior.high:,.0f}], ESS {fit.posterior.ess:.0f}")
    terms = pairs(kosovo.n_lists)
    kept = np.ones(len(kosovo.counts), dtype=bool)
    core, core_wall, core_cpu = _timed(fit_metropolis, kosovo, terms, kept, "proper", 1.0, sampler,
                                       np.random.default_rng(1))
    x = design(kosovo.patterns, columns_for(frozenset(terms), kosovo.n_lists))
    precision = np.where(np.arange(x.shape[1]) <= kosovo.n_lists, 1e-4, 1.0)
    proposal = 1.1 * np.linalg.cholesky(np.cov(core.draws.T))
    part = min(steps, 2000)
    _, _, base = _timed(naive_metropolis, x, kosovo.counts, precision, core.draws[-1], proposal, part)
    scaled = base * (sampler.burnin + sampler.mcmc) / part
    print(f"  one Metropolis fit (all pairs, {sampler.burnin + sampler.mcmc:,} steps): ours cpu {core_cpu:.2f} s "
          f"(acceptance {core.acceptance:.2f}); step-by-step loop cpu {scaled:.2f} s (timed on {part:,} steps, "
          f"scaled); cpu ratio {scaled / core_cpu:.1f}x")
    settings = LcmcrSettings(burnin=200, samples=100, thinning=2) if quick else LcmcrSettings()
    run, wall, cpu = _timed(lcmcr, korea, settings, 1)
    sweeps = WARM_UP + settings.burnin + settings.samples * settings.thinning
    observed = korea.counts > 0
    cells = [[int(b) for b in (p >> np.arange(korea.n_lists)) & 1] for p in korea.patterns[observed]]
    part = min(sweeps, 500)
    _, _, base = _timed(naive_gibbs, cells, [int(c) for c in korea.counts[observed]], settings.K, part)
    scaled = base * sweeps / part
    print(f"LCMCR Gibbs sampler, Korea 3 lists, K = {settings.K}, {sweeps:,} sweeps: ours cpu {cpu:.2f} s "
          f"(wall {wall:.2f} s, cpu {cpu / sweeps * 1e6:.0f} us a sweep), median {run.posterior.median:,.0f} "
          f"[{run.posterior.low:,.0f}, {run.posterior.high:,.0f}], ESS {run.posterior.ess:.0f}; element-wise loop "
          f"cpu {scaled:.2f} s (timed on {part} sweeps, scaled); cpu ratio {scaled / cpu:.1f}x")


def run(quick: bool) -> None:
    """Full mode: the UK 6-list figures of the issue. Quick mode: the same measurements on small data."""
    import statsmodels.api  # noqa: F401 - imported here so that no baseline is charged for the import
    uk6 = read_table(UK6)
    if quick:
        small = read_table(UK6.with_name("kosovo4.csv"))
        bench_bic(small, quick)
        bench_stepwise(small, "Kosovo 4 lists", 3)
        bench_bootstrap(small, 10, 1)
    else:
        bench_bic(uk6, quick)
        bench_stepwise(uk6, "UK 6 lists", 20)
        bench_stepwise(read_table(UK6.with_name("neworleans8_v2019.csv")), "New Orleans 8 lists", 20)
        bench_stepwise(generated_history(8), "generated 8 lists", 20)
        bench_bootstrap(uk6, 1000, 5)
    bench_bayesian(quick)
    bench_lists(quick)
