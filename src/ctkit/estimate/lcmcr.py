"""Bayesian non-parametric latent-class capture-recapture (Manrique-Vallier 2016, Biometrics 72(4):1246-1254), as
the R package LCMCR (``lcmCR`` and ``lcmCR_PostSampl``).

People fall in latent classes; within a class the lists catch independently (list ``j`` with probability
``lambda[j, k]``). Class weights follow a Dirichlet process truncated at ``K`` classes (stick-breaking), its
concentration ``alpha ~ Gamma(a_alpha, b_alpha)`` (0.25, 0.25), each ``lambda ~ Beta(1, 1)``, and the population
size the prior ``p(N) ~ 1/N``. The Gibbs sampler augments the data with the unobserved people, as LCMCR's C++:

1. split each observed pattern's count over the classes (multinomial);
2. draw each ``lambda[j, k]`` from its Beta, counting the unobserved as caught by no list;
3. draw the stick-breaking weights given the class sizes (on the log scale, as LCMCR, for tiny weights);
4. draw the number unobserved ``n0 ~ NegBin(n, 1 - p0)``, ``p0`` the chance of being on no list;
5. split ``n0`` over the classes; 6. draw ``alpha`` given the weights.

Start and run length follow LCMCR: lambdas at the lists' catch rates, weights (0.225 x 4, then 0.1 spread),
500 warm-up sweeps with ``alpha = 0.3 / K`` fixed, classes then ordered by weight; ``burnin`` sweeps (10,000), then
``samples`` (1,000) draws ``thinning`` (10) sweeps apart. The estimate is the posterior median of N.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ctkit.errors import ValidationError
from ctkit.estimate.history import CaptureHistory
from ctkit.estimate.mcmc import PosteriorSummary, summarise

WARM_UP = 500
PROGRESS_EVERY = 2000

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class LcmcrSettings:
    """Priors, truncation and run length. ``K`` defaults to 10, the truncation of Manrique-Vallier (2016) and of
    LCMCR's own example (the R function's argument default is 5); the rest are LCMCR's defaults."""

    K: int = 10  # noqa: N815 - the paper's and LCMCR's name
    a_alpha: float = 0.25
    b_alpha: float = 0.25
    burnin: int = 10000
    samples: int = 1000
    thinning: int = 10

    def __post_init__(self) -> None:
        if self.K < 2:
            raise ValidationError("the latent-class model needs a truncation K of at least 2")
        if not (self.a_alpha > 0 and self.b_alpha > 0):
            raise ValidationError("a_alpha and b_alpha (the Gamma prior of the concentration) must be positive")
        if self.burnin < 0 or self.samples < 1 or self.thinning < 1:
            raise ValidationError("MCMC settings: burnin >= 0, samples >= 1 and thinning >= 1 are required")


@dataclass(frozen=True)
class LcmcrResult:
    """Posterior draws of the total ``totals`` (observed + unobserved), their ``posterior`` summary, and the
    traces of the concentration ``alpha`` and of the number of occupied classes."""

    history: CaptureHistory
    settings: LcmcrSettings
    posterior: PosteriorSummary
    totals: np.ndarray = field(repr=False)
    alpha: np.ndarray = field(repr=False)
    occupied: np.ndarray = field(repr=False)


@dataclass
class _State:
    log_lam: np.ndarray  # (J, K) log catch probabilities
    log_miss: np.ndarray  # (J, K) log(1 - catch probability)
    log_nu: np.ndarray  # (K,) log class weights
    alpha: float
    n0: int
    count0: np.ndarray  # (K,) unobserved people by class
    count_obs: np.ndarray  # (M, K) observed people by pattern and class


class _Sampler:
    """The Gibbs sweep over the observed patterns ``x`` (M x J, 0/1) with counts ``freq``."""

    def __init__(self, x: np.ndarray, freq: np.ndarray, settings: LcmcrSettings, rng: np.random.Generator) -> None:
        self.x, self.freq, self.settings, self.rng = x, freq, settings, rng
        self.n = int(freq.sum())
        k = settings.K
        rates = np.clip((x.T @ freq) / self.n, 1e-9, 1 - 1e-9)  # a list that catches everyone would give log 0
        nu = np.full(k, 1.0 / k) if k <= 4 else np.concatenate([np.full(4, 0.225), np.full(k - 4, 0.1 / (k - 4))])
        self.state = _State(
            log_lam=np.repeat(np.log(rates)[:, None], k, axis=1),
            log_miss=np.repeat(np.log1p(-rates)[:, None], k, axis=1), log_nu=np.log(nu), alpha=0.3 / k, n0=0,
            count0=np.zeros(k, dtype=np.int64), count_obs=np.zeros((len(freq), k), dtype=np.int64),
        )

    def sweep(self, with_alpha: bool = True) -> None:
        s, rng = self.state, self.rng
        log_p = self.x @ (s.log_lam - s.log_miss) + (s.log_nu + s.log_miss.sum(axis=0))
        p = np.exp(log_p - log_p.max(axis=1, keepdims=True))
        s.count_obs = rng.multinomial(self.freq, p / p.sum(axis=1, keepdims=True))
        caught = self.x.T @ s.count_obs
        sizes = s.count_obs.sum(axis=0) + s.count0  # everyone in class k is caught or missed by list j
        later = (s.n0 + self.n) - sizes.cumsum()[:-1]
        # one batch of Gamma draws: Beta(1 + caught, 1 + missed) for lambda as a ratio of Gammas, then the sticks
        g = _log_gamma(rng, np.concatenate([(1.0 + caught).ravel(), (1.0 + sizes - caught).ravel(),
                                            1.0 + sizes[:-1], s.alpha + later]))
        cells = caught.size
        g_caught, g_missed = g[:cells].reshape(caught.shape), g[cells : 2 * cells].reshape(caught.shape)
        norm = np.logaddexp(g_caught, g_missed)
        s.log_lam, s.log_miss = g_caught - norm, g_missed - norm
        self._set_weights(g[2 * cells : 2 * cells + len(later)], g[2 * cells + len(later) :])
        unseen = np.exp(s.log_nu + s.log_miss.sum(axis=0))
        p0 = float(unseen.sum())
        s.n0 = int(rng.negative_binomial(self.n, 1.0 - p0)) if p0 < 1 else s.n0
        s.count0 = rng.multinomial(s.n0, unseen / p0) if s.n0 else np.zeros_like(s.count0)
        if with_alpha:
            rate = self.settings.b_alpha - s.log_nu[-1]
            s.alpha = float(rng.gamma(self.settings.a_alpha + self.settings.K - 1.0, 1.0 / rate))

    def _set_weights(self, g1: np.ndarray, g2: np.ndarray) -> None:
        """Truncated stick-breaking: V_k = G1 / (G1 + G2), G1 ~ Gamma(1 + n_k), G2 ~ Gamma(alpha + people in
        later classes); on the log scale, as LCMCR, so that tiny weights do not underflow."""
        s = self.state
        total = np.logaddexp(g1, g2)
        before = np.concatenate([[0.0], (g2 - total).cumsum()])
        s.log_nu = np.concatenate([g1 - total + before[:-1], before[-1:]])

    def order_classes(self) -> None:
        """LCMCR orders the classes by decreasing weight after the warm-up."""
        s = self.state
        perm = np.argsort(-s.log_nu, kind="stable")
        s.log_lam, s.log_miss, s.log_nu = s.log_lam[:, perm], s.log_miss[:, perm], s.log_nu[perm]
        s.count0, s.count_obs = s.count0[perm], s.count_obs[:, perm]


def _log_gamma(rng: np.random.Generator, shape: np.ndarray) -> np.ndarray:
    """log of Gamma(shape, 1) draws without underflow for small shapes: G(a) = G(a + 1) U^(1/a)."""
    small = shape < 1
    draws = np.log(rng.standard_gamma(shape + small))
    if small.any():
        draws[small] += np.log(rng.random(int(small.sum()))) / shape[small]
    return draws


def lcmcr(
    history: CaptureHistory,
    settings: LcmcrSettings | None = None,
    seed: int | None = None,
    level: float = 0.95,
    progress: Progress | None = None,
) -> LcmcrResult:
    """Posterior of the total population under the Dirichlet-process latent-class model (see the module).

    ``progress(done, total)`` is called every few thousand sweeps. Raises ValidationError for bad settings.

    Example: ``lcmcr(read_table("korea3.csv"), seed=1).posterior.median`` (about 137).
    """
    settings = settings or LcmcrSettings()
    observed = history.counts > 0
    bits = (history.patterns[observed, None] >> np.arange(history.n_lists)) & 1
    sampler = _Sampler(bits.astype(float), history.counts[observed].astype(np.int64), settings,
                       np.random.default_rng(seed))
    for _ in range(WARM_UP):
        sampler.sweep(with_alpha=False)
    sampler.order_classes()
    total = settings.burnin + settings.samples * settings.thinning
    n0, alpha, occupied = (np.empty(settings.samples) for _ in range(3))
    for i in range(total):
        sampler.sweep()
        kept = i - settings.burnin + 1
        if kept > 0 and kept % settings.thinning == 0:
            j = kept // settings.thinning - 1
            state = sampler.state
            n0[j], alpha[j] = state.n0, state.alpha
            occupied[j] = np.count_nonzero(state.count0 + state.count_obs.sum(axis=0))
        if progress is not None and (i + 1) % PROGRESS_EVERY == 0:
            progress(i + 1, total)
    totals = n0 + sampler.n
    return LcmcrResult(history, settings, summarise(totals, level), totals, alpha, occupied)
