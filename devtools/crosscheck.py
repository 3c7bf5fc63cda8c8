"""Cross-check of the projection against an independent Monte Carlo on a priors-only question.

The question (no data update: every quantity is drawn from the prior files):

    From the start date S (decimal year), a typical release of N parameters has capability
        theta(T) = log10 N + sum_k A_k log10 m_k + r (T - t_ref)        (log10 params)
    with m_k the multipliers of the techniques on the total-parameter axis (their prior
    files, correlated in log space as the files say), A_k stated adoption shares (constant in
    time) and r the drift-rate prior (log10 params per year). A score y on benchmark b needs
        theta* = mu_b + F_b^-1(s) / a_b,   s = (y - c_b) / (1 - c_b - e_b)
    with slope a_b, midpoint mu_b and ceiling loss e_b from the benchmark's link priors, c_b
    its chance floor and F_b the logistic or Gumbel CDF (the plain link: an upper slope ratio in
    the link priors is left at 1 on both sides). The first date with
    theta(T) >= theta* is
        T* = S                                  if theta(S) >= theta*,
        T* = S + (theta* - theta(S)) / r        if r > 0 (kept if T* <= horizon),
        T* = +inf                               otherwise ("not before the horizon").

With `arrivals=True` future techniques arrive too, as the projection has them: a Poisson
process of rate lambda per year on (S, horizon], the j-th arriving at tau_j with log10 size s_j ~
N(mu_pop, tau_pop) and adopted along a logistic of speed v centred `lag` years after it arrives,
up to the mean a of the stated shares. With `saturation=True` the gain since S passes through the
soft ceiling C. The capability is then

    theta(T) = theta(S) + g(G(T)),
    G(T) = max(r, 0) (T - S) + sum_j a s_j sigma(v (T - tau_j - lag)) 1[T >= tau_j],
    g(G) = C (1 - exp(-G / C)) for G > 0 (G otherwise; g = identity without saturation),

with lambda, lag, mu_pop, tau_pop and C drawn per sample from the engine priors
([arrivals], [technique_population], [saturation]). A future technique can be harmful (s_j < 0),
so theta need not rise monotonically and T* has no closed form: both sides evaluate theta at the
month boundaries S + m/12 and take the first boundary at or above theta*, linear between it and
the boundary before (the engine's mean-frontier convention; T* = S if theta(S) >= theta*).

Two independent computations of the distribution of T*:

* `engine_crossing_times`: the package's own samplers (`PriorSet.sample_multipliers`,
  `Dist.sample`) feed a hand-built `PosteriorDraws` into `forecast.projection.crossing.crossing_times`
  with `frontier="mean"` and future arrivals as the question says (a monthly grid, linear
  within a month);
* `squigglepy_crossing_times`: the same distributions written as squigglepy distributions
  (correlation induced by Iman-Conover on normal scores), T* solved per sample in closed form;
  with arrivals, the arrivals of each sample drawn by squigglepy (count, dates, sizes) and its
  path evaluated on its own, sample by sample, as a squigglepy model is written (squigglepy's
  distributions take scalar parameters, so a compound Poisson process is sampled per sample).

`compare_quantiles` states whether their quantiles agree within Monte Carlo error: the
standard error of the difference of two independent sample quantiles is estimated by the
bootstrap, se = sqrt(se_engine^2 + se_squigglepy^2), and the tolerance is `z` standard errors.
`compare_cdf` does the same for P(T* <= d) at given dates with the binomial standard error.
squigglepy is imported only by `squigglepy_crossing_times` (it is a test dependency).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from scipy.special import expit

from forecast.projection.crossing import crossing_times
from forecast.projection.future_draws import FutureDraws, with_population
from forecast.projection.posterior import PosteriorDraws
from forecast.projection.question import Budget, Target
from forecast.projection.settings import ProjectionSettings

QUANTILE_LEVELS = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass(frozen=True)
class PriorsOnlyQuestion:
    """When does a typical release of `params` parameters reach `score` on `benchmark`?

    `adoption` is one share for every technique or a mapping id -> share (missing ids: 1);
    `techniques` defaults to every technique on the total-parameter axis; `chance` is the
    benchmark's chance floor. Times are decimal years; `horizon - start` should be a whole
    number of months so both computations stop at the same date. `arrivals` adds future
    techniques and `saturation` the soft ceiling on the gain (module docstring);
    `new_technique_speed` is the logistic adoption speed v of a future technique (1/yr).
    """

    benchmark: str = "mmlu"
    score: float = 0.70
    params: float = 1e9
    chance: float = 0.25
    start: float = 2025.0
    t_ref: float = 2023.0
    horizon: float = 2045.0
    adoption: float | Mapping[str, float] = 1.0
    techniques: tuple[str, ...] | None = None
    arrivals: bool = False
    saturation: bool = False
    new_technique_speed: float = 1.5

    def technique_ids(self, priors: Any) -> list[str]:
        if self.techniques is not None:
            return list(self.techniques)
        return [t.id for t in priors.techniques.values() if t.axis == "params_total"]

    def adoption_shares(self, ids: list[str]) -> np.ndarray:
        if isinstance(self.adoption, Mapping):
            return np.array([float(self.adoption.get(i, 1.0)) for i in ids])
        return np.full(len(ids), float(self.adoption))


# An example question: a 1B-parameter release of 2025 using each named technique with the
# share of releases stated here (illustrative shares, not estimates), reaching MMLU 0.70.
EXAMPLE_QUESTION = PriorsOnlyQuestion(
    benchmark="mmlu", score=0.70, params=1e9, chance=0.25, start=2025.0, t_ref=2023.0,
    horizon=2045.0,
    adoption={"architecture": 1.0, "data_curation": 0.8, "deduplication": 1.0, "distillation": 0.5,
              "instruction_tuning": 1.0, "multimodal": 0.3, "objectives": 0.6, "overtraining": 1.0,
              "reasoning_rl": 0.2, "ssm_hybrid": 0.1},
)

# The same question with future techniques arriving and the gain saturating: no closed form.
EXAMPLE_ARRIVALS_QUESTION = replace(EXAMPLE_QUESTION, arrivals=True, saturation=True)


def engine_crossing_times(priors: Any, question: PriorsOnlyQuestion, n: int, seed: int = 0,
                          compiled: bool = False) -> np.ndarray:
    """T* for `n` prior draws through `forecast.projection.crossing.crossing_times` (decimal years, inf =
    never), marched in NumPy blocks or, with `compiled`, by the compiled kernel."""
    rng = np.random.default_rng(seed)
    ids = question.technique_ids(priors)
    shares = question.adoption_shares(ids)
    link = priors.engine.links.for_benchmark(question.benchmark)
    beta = np.log10(priors.sample_multipliers(ids, rng, n)) if ids else np.zeros((n, 0))
    rate = np.asarray(priors.engine.drift.rate.sample(rng, n), dtype=float)
    slope = np.asarray(link.slope.sample(rng, n), dtype=float)
    midpoint = np.asarray(link.midpoint.sample(rng, n), dtype=float)
    ceiling = np.asarray(link.ceiling_loss.sample(rng, n), dtype=float)
    zeros = np.zeros(n)
    k = len(ids)
    eng = priors.engine
    if question.arrivals:
        arrival_rate = np.asarray(eng.arrivals.rate.sample(rng, n), dtype=float)
        lag = np.asarray(eng.arrivals.adoption_lag_years.sample(rng, n), dtype=float)
        pop = np.full(n, np.nan)  # sizes of future techniques: `with_population` draws them
    else:
        arrival_rate, lag, pop = zeros, np.ones(n), zeros
    gain_ceiling = (np.asarray(eng.saturation.ceiling.sample(rng, n), dtype=float) if question.saturation
                    else np.full(n, np.inf))
    draws = PosteriorDraws(
        n=n,
        t_ref=question.t_ref,
        as_of=question.start,
        data_end=question.start,
        techniques=ids,
        beta=beta,
        adoption_tech=ids,
        # a logistic centred 1000 years before t_ref is 1 to machine precision: A_k(T) = share
        adoption_mid=np.full((n, k), -1000.0),
        adoption_speed=np.ones((n, k)),
        adoption_max=np.broadcast_to(shares, (n, k)).copy(),
        kappa=None,
        moe_sparsity=1.0,
        gamma=None,
        tpp_intercept=zeros,
        tpp_trend=zeros,
        tpp_sd=zeros,
        drift_level=rate * (question.start - question.t_ref),  # D(S) with D(t_ref) = 0
        drift_rate=rate,
        drift_walk_sd=zeros,
        quality_sd=zeros,
        org_sd=zeros,
        benchmarks=[question.benchmark],
        chance=np.array([question.chance]),
        slope=slope[:, None],
        gumbel=np.array([link.family == "gumbel"]),
        midpoint=midpoint[:, None],
        ceiling_loss=ceiling[:, None],
        noise=np.zeros((n, 1)),
        benchmark_spread=np.zeros((n, 1)),
        release_log_rate=zeros,
        release_growth=zeros,
        release_size_slope=zeros,
        release_size_curve=zeros,
        pop_mean=pop,
        pop_spread=pop,
    )
    draws = with_population(draws, priors, seed=seed)  # the engine's own draw at early as-of dates
    future = FutureDraws(arrival_rate=arrival_rate, adoption_lag=lag, saturation=gain_ceiling,
                         new_technique_speed=question.new_technique_speed)
    settings = ProjectionSettings(horizon=question.horizon, paths_per_draw=1, seed=seed,
                                  frontier="mean", start=question.start, arrivals=question.arrivals,
                                  max_paths=None,  # every sample, no thinning
                                  compiled=compiled)
    target = Target(f"{question.benchmark}={question.score:g}", ((question.benchmark, question.score),))
    return crossing_times(draws, future, target, Budget("params_total", question.params), settings)


def _squigglepy_dist(dist: Any) -> Any:
    """A prior `forecast.inputs.priors.Dist` as the squigglepy distribution with the same parameters."""
    import squigglepy as sq  # deferred: squigglepy is a test dependency only

    p = dist.params
    match dist.distribution:
        case "lognormal":
            return sq.lognorm(norm_mean=p["mu"], norm_sd=p["sigma"])
        case "normal":
            return sq.norm(mean=p["mu"], sd=p["sigma"])
        case "beta":
            return sq.beta(p["alpha"], p["beta"])
        case "gamma":
            return sq.gamma(p["alpha"], 1.0 / p["beta"])
        case "exponential":
            return sq.exponential(1.0 / p["lam"])
        case "fixed":
            return sq.const(p["value"])
        case "halfnormal":
            return sq.dist_fn(sq.norm(mean=0.0, sd=p["sigma"]), fn=np.abs)
    raise ValueError(f"no squigglepy form for a {dist.distribution} prior")


def squigglepy_crossing_times(priors: Any, question: PriorsOnlyQuestion, n: int, seed: int = 0) -> np.ndarray:
    """T* for `n` samples drawn with squigglepy (decimal years, inf = never): in closed form, or
    with arrivals or saturation sample by sample on the month boundaries (module docstring)."""
    import squigglepy as sq  # deferred: squigglepy is a test dependency only

    sq.set_seed(seed)
    ids = question.technique_ids(priors)
    shares = question.adoption_shares(ids)
    multipliers = tuple(_squigglepy_dist(priors[i].multiplier) for i in ids)
    corr = np.asarray(priors.correlation(ids), dtype=float) if ids else np.zeros((0, 0))
    if len(ids) > 1 and not np.allclose(corr, np.eye(len(ids))):
        # squigglepy checks the induced rank correlation; its sampling error is ~1/sqrt(n)
        multipliers = sq.correlate(multipliers, corr.tolist(), tolerance=max(0.02, 4.0 / np.sqrt(n)))
    link = priors.engine.links.for_benchmark(question.benchmark)
    m = np.column_stack([sq.sample(d, n=n) for d in multipliers]) if ids else np.ones((n, 0))
    r = sq.sample(_squigglepy_dist(priors.engine.drift.rate), n=n)
    a = sq.sample(_squigglepy_dist(link.slope), n=n)
    mu = sq.sample(_squigglepy_dist(link.midpoint), n=n)
    e = sq.sample(_squigglepy_dist(link.ceiling_loss), n=n)

    s = (question.score - question.chance) / (1.0 - question.chance - e)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = -np.log(-np.log(s)) if link.family == "gumbel" else np.log(s / (1.0 - s))
        theta_star = np.where(s >= 1, np.inf, np.where(s <= 0, -np.inf, mu + z / a))
        theta0 = (np.log10(question.params) + np.log10(m) @ shares
                  + r * (question.start - question.t_ref))
        if question.arrivals or question.saturation:
            amax = float(np.mean(shares)) if ids else 1.0  # a future technique's adoption ceiling
            return _squigglepy_paths(priors, question, theta0, theta_star, r, amax)
        gap = theta_star - theta0
        t = np.where(gap <= 0, question.start, question.start + gap / np.where(r > 0, r, np.nan))
    t = np.where((gap > 0) & ~(r > 0), np.inf, t)
    return np.where(t <= question.horizon, t, np.inf)


def _squigglepy_paths(priors: Any, question: PriorsOnlyQuestion, theta0: np.ndarray,
                      theta_star: np.ndarray, r: np.ndarray, amax: float) -> np.ndarray:
    """T* per sample with future arrivals and/or saturation: each sample's arrivals drawn by
    squigglepy and its capability evaluated at the month boundaries (module docstring)."""
    import squigglepy as sq  # deferred: squigglepy is a test dependency only

    n, eng = len(theta0), priors.engine
    S, H = question.start, question.horizon
    edges = S + np.arange(int(round((H - S) * 12)) + 1) / 12.0
    if question.arrivals:
        rate = sq.sample(_squigglepy_dist(eng.arrivals.rate), n=n)
        lag = sq.sample(_squigglepy_dist(eng.arrivals.adoption_lag_years), n=n)
        pop_mean = sq.sample(_squigglepy_dist(eng.technique_population.mean), n=n)
        pop_spread = sq.sample(_squigglepy_dist(eng.technique_population.spread), n=n)
    ceiling = (sq.sample(_squigglepy_dist(eng.saturation.ceiling), n=n) if question.saturation
               else np.full(n, np.inf))
    out = np.full(n, np.inf)
    for i in range(n):
        gain = max(r[i], 0.0) * (edges - S)
        count = int(sq.sample(sq.poisson(rate[i] * (H - S)))) if question.arrivals else 0
        if count:
            tau = np.atleast_1d(sq.sample(sq.uniform(S, H), n=count))[:, None]
            size = np.atleast_1d(sq.sample(sq.norm(mean=pop_mean[i], sd=pop_spread[i]), n=count))[:, None]
            adopted = amax * expit(question.new_technique_speed * (edges - tau - lag[i])) * (edges >= tau)
            gain = gain + (adopted * size).sum(axis=0)
        if np.isfinite(ceiling[i]):
            gain = np.where(gain > 0, ceiling[i] * -np.expm1(-np.clip(gain, 0, None) / ceiling[i]), gain)
        level = theta0[i] + gain - theta_star[i]
        above = np.flatnonzero(level >= 0)
        if above.size == 0:
            continue
        j = above[0]
        out[i] = S if j == 0 else edges[j - 1] + (-level[j - 1] / (level[j] - level[j - 1])) / 12.0
    return out


def _quantiles(x: np.ndarray, levels: tuple[float, ...]) -> np.ndarray:
    return np.quantile(x, levels, axis=-1, method="inverted_cdf")


def bootstrap_se(x: np.ndarray, levels: tuple[float, ...], n_boot: int = 200, seed: int = 0) -> np.ndarray:
    """Bootstrap standard error of the sample quantiles of `x` at `levels` (0 where inf)."""
    rng = np.random.default_rng(seed)
    out = np.empty((n_boot, len(levels)))
    for b in range(n_boot):
        out[b] = _quantiles(x[rng.integers(0, len(x), len(x))], levels)
    finite = np.isfinite(out).all(axis=0)
    se = np.zeros(len(levels))
    se[finite] = out[:, finite].std(axis=0, ddof=1)
    se[~finite & ~np.isinf(out).all(axis=0)] = np.inf  # straddles "never": unresolved
    return se


def compare_quantiles(
    engine: np.ndarray,
    reference: np.ndarray,
    levels: tuple[float, ...] = QUANTILE_LEVELS,
    z: float = 4.0,
    n_boot: int = 200,
    seed: int = 0,
) -> list[dict[str, float | bool]]:
    """Per level: both quantiles (decimal years, inf = never), the bootstrap SE of their
    difference, the tolerance z * se and whether |difference| <= tolerance (equal infinities
    agree). A level where one side's bootstrap straddles "never" has an infinite SE."""
    qa, qb = _quantiles(engine, levels), _quantiles(reference, levels)
    se = np.sqrt(bootstrap_se(engine, levels, n_boot, seed) ** 2
                 + bootstrap_se(reference, levels, n_boot, seed + 1) ** 2)
    rows = []
    for lvl, a, b, s in zip(levels, qa, qb, se):
        both_inf = np.isinf(a) and np.isinf(b)
        diff = 0.0 if both_inf else float(a - b)
        rows.append({
            "level": lvl, "engine": float(a), "reference": float(b), "difference": diff,
            "se": float(s), "tolerance": float(z * s),
            "agree": bool(both_inf or (np.isfinite(diff) and abs(diff) <= z * s)),
        })
    return rows


def compare_cdf(
    engine: np.ndarray, reference: np.ndarray, dates: np.ndarray | list[float], z: float = 4.0,
) -> list[dict[str, float | bool]]:
    """P(T* <= d) on both sides at each date d (decimal years), the binomial SE of the
    difference sqrt(p_a (1 - p_a) / n_a + p_b (1 - p_b) / n_b), and whether they agree within
    z SE. At the start date it is the share already reached; 1 - P at the horizon is the share
    not reached before the horizon."""
    rows = []
    for d in np.asarray(dates, dtype=float):
        pa, pb = float(np.mean(engine <= d)), float(np.mean(reference <= d))
        se = float(np.sqrt(pa * (1 - pa) / len(engine) + pb * (1 - pb) / len(reference)))
        rows.append({"date": float(d), "engine": pa, "reference": pb, "se": se,
                     "tolerance": z * se, "agree": abs(pa - pb) <= z * se})
    return rows
