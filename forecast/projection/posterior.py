"""Posterior draws as plain NumPy arrays: what the projection needs, nothing PyMC.

`PosteriorDraws.from_fit` flattens the chains of a fitted (or prior-sampled) model into one
draw axis of length n. All times are decimal years; capabilities are log10 baseline-equivalent
parameters (see `forecast.model.graph`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import xarray as xr

from forecast.inputs.dates import decimal_year
from forecast.inputs.scaling_law import ChinchillaLaw, LossLaw
from forecast.projection.future_draws import with_population


class LazyDraws:
    """An (n, ...) array of draws computed on first use (`np.asarray`, indexing, `.shape`).

    The per-model capabilities theta are most of a fit file and only `model:` targets and the
    latent already-reached check need them; `PosteriorDraws.subset` keeps them unread.
    """

    def __init__(self, load: Any, index: np.ndarray | None = None) -> None:
        self._load, self._index, self._value = load, index, None

    def value(self) -> np.ndarray:
        if self._value is None:
            full = np.asarray(self._load())
            self._value = full if self._index is None else full[self._index]
        return self._value

    def take(self, idx: np.ndarray) -> LazyDraws:
        """The draws at positions `idx`, still unread."""
        if self._value is not None:
            return LazyDraws(lambda v=self._value[idx]: v)
        index = np.asarray(idx) if self._index is None else self._index[idx]
        return LazyDraws(self._load, index)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        value = self.value()
        return value if dtype is None else value.astype(dtype)

    def __getitem__(self, key: Any) -> Any:
        return self.value()[key]

    @property
    def shape(self) -> tuple[int, ...]:
        return self.value().shape


def _flat(post: xr.Dataset, name: str, dim: str | None = None) -> np.ndarray:
    da = post[name].stack(sample=("chain", "draw"))
    if dim is None:
        return np.asarray(da.values, dtype=float).reshape(-1)
    return np.asarray(da.transpose("sample", dim).values, dtype=float)


@dataclass
class PosteriorDraws:
    """Per-draw parameters (arrays with leading axis n) and the constants they refer to."""

    n: int
    t_ref: float
    # the date future techniques arrive from (those introduced by it are in the prior set): the
    # data's end when read from a fit alone; `projection_draws` sets the question's own
    as_of: float
    data_end: float
    techniques: list[str]
    beta: np.ndarray  # (n, K) log10 multipliers of binary techniques
    adoption_tech: list[str]
    adoption_mid: np.ndarray  # (n, A) years since t_ref
    adoption_speed: np.ndarray  # (n, A) per year
    adoption_max: np.ndarray  # (n, A)
    kappa: np.ndarray | None  # (n,) MoE elasticity
    moe_sparsity: float  # typical total/active of recent MoE releases
    gamma: np.ndarray | None  # (n,) token-effect scale
    tpp_intercept: np.ndarray
    tpp_trend: np.ndarray
    tpp_sd: np.ndarray
    drift_level: np.ndarray  # (n,) D at data_end
    drift_rate: np.ndarray  # (n,) drift slope in the segment holding data_end
    drift_walk_sd: np.ndarray  # (n,) yearly innovation sd of the slope (random walk or AR(1))
    quality_sd: np.ndarray
    org_sd: np.ndarray
    benchmarks: list[str]
    chance: np.ndarray  # (B,)
    slope: np.ndarray  # (n, B)
    gumbel: np.ndarray  # (B,) bool: Gumbel-CDF link (else logistic)
    midpoint: np.ndarray  # (n, B)
    ceiling_loss: np.ndarray  # (n, B)
    noise: np.ndarray  # (n, B) measurement noise of independent evaluations (score units)
    benchmark_spread: np.ndarray  # (n, B) logit-scale model-by-benchmark deviation sd
    release_log_rate: np.ndarray
    release_growth: np.ndarray
    release_size_slope: np.ndarray
    release_size_curve: np.ndarray
    pop_mean: np.ndarray  # (n,) mean log10 multiplier of a future technique (NaN: from priors)
    pop_spread: np.ndarray  # (n,) its sd across techniques
    model_ids: list[str] = field(default_factory=list)
    theta: np.ndarray | LazyDraws | None = None  # (n, J) latent capability of registry models
    # the loss law behind gamma's f(log10 r) (`PriorSet.token_law` of the fit's priors)
    token_law: LossLaw = field(default_factory=ChinchillaLaw)
    # AR(1) drift: the long-run slope the yearly slopes revert to and their year-to-year
    # persistence phi; None (fits made before the AR(1) drift, hand-made draws): the slope
    # continues from `drift_rate` as a random walk (phi = 1)
    drift_long_run: np.ndarray | None = None  # (n,) log10 params per year
    drift_persistence: np.ndarray | None = None  # (n,) per year, 0 < phi < 1
    # positive drift slopes: the AR(1) runs on the natural log of the slope (`drift_walk_sd` in
    # natural-log units), and the drift integrates its exp; False: the slope itself (fits made
    # before the positive slopes, hand-made draws), of which the drift integrates the part above 0
    drift_log: bool = False
    # the links' upper slope ratios r_b (`forecast.model.links.link_stretch`); None: plain links (r = 1)
    upper_slope_ratio: np.ndarray | None = None  # (n, B)
    # each benchmark's reporting share pi_b, the chance that a release reports a score on it
    # (`forecast.model.graph`); None: fits made before it, hand-made draws (every release reports)
    report_share: np.ndarray | None = None  # (n, B)

    def benchmark_index(self, name: str) -> int:
        return self.benchmarks.index(name)

    def upper(self, b: int, rows: Any = slice(None)) -> np.ndarray | None:
        """r_b of the draws `rows` (all by default), or None for plain links."""
        return None if self.upper_slope_ratio is None else self.upper_slope_ratio[rows, b]

    def reported_on(self, benchmarks: list[str]) -> PosteriorDraws:
        """These draws with the release rate of the releases that report a score on every one
        of `benchmarks`: the rate times the smallest of their reporting shares (a release that
        reports all of them reports the least reported one; for one benchmark, exactly its
        share). Unchanged without reporting shares.

        Parameters
        ----------
        benchmarks : list of str
            The benchmarks a counted release must report.

        Returns
        -------
        PosteriorDraws
        """
        if self.report_share is None or not benchmarks:
            return self
        share = np.min(self.report_share[:, [self.benchmark_index(b) for b in benchmarks]], axis=1)
        log_share = np.log(np.clip(share, 1e-12, 1.0))
        return replace(self, release_log_rate=self.release_log_rate + log_share)

    def subset(self, idx: np.ndarray) -> PosteriorDraws:
        """The draws at positions `idx` (for thinning or resampling)."""
        out = {}
        for k, v in self.__dict__.items():
            if isinstance(v, LazyDraws):
                out[k] = v.take(idx)
            elif isinstance(v, np.ndarray) and v.ndim >= 1 and v.shape[0] == self.n and k not in ("chance", "gumbel"):
                out[k] = v[idx]
            else:
                out[k] = v
        out["n"] = len(idx)
        return PosteriorDraws(**out)

    @classmethod
    def from_fit(cls, fit: Any) -> PosteriorDraws:
        post: xr.Dataset = fit.posterior
        inp: xr.Dataset = fit.inputs
        t_ref = float(inp.attrs["t_ref"])
        data_end = decimal_year(np.datetime64(inp.attrs["data_end"]))
        # not the fit's stored as-of date: a fit serves every as-of date over the same data
        # (`forecast.model.store.fit_keys`), so the date is the question's (`projection_draws`)
        as_of = data_end
        n = int(post.sizes["chain"] * post.sizes["draw"])
        techniques = list(inp["technique"].values) if "beta" in post else []
        beta = _flat(post, "beta", "technique") if "beta" in post else np.zeros((n, 0))
        adoption_tech = json.loads(inp.attrs["adoption_tech"])
        if "adoption_mid" in post:
            a_mid = _flat(post, "adoption_mid", "adopted")
            a_speed = _flat(post, "adoption_speed", "adopted")
            a_max = _flat(post, "adoption_max", "adopted")
        else:
            a_mid = a_speed = a_max = np.zeros((n, 0))
        knots = inp["year_knots"].values
        slopes = _flat(post, "drift_slopes", "segment")
        ar1 = "drift_persistence" in post
        long_run = _flat(post, "drift_rate") if ar1 else None
        persistence = _flat(post, "drift_persistence") if ar1 else None
        log_slopes = "drift_log_slopes" in post
        walk_sd = _flat(post, "drift_walk_sd")
        level, rate = drift_at(knots, slopes, t_ref, data_end, long_run, persistence,
                               walk_sd if log_slopes else None)
        sparsity = 10 ** inp["log10_sparsity"].values
        recent = (inp["release_t"].values + t_ref >= data_end - 2.0) & (sparsity > 1)
        moe_sparsity = float(np.median(sparsity[recent])) if recent.any() else (
            float(np.median(sparsity[sparsity > 1])) if (sparsity > 1).any() else 8.0)
        return cls(
            n=n,
            t_ref=t_ref,
            as_of=as_of,
            data_end=data_end,
            techniques=techniques,
            beta=beta,
            adoption_tech=adoption_tech,
            adoption_mid=a_mid,
            adoption_speed=a_speed,
            adoption_max=a_max,
            kappa=_flat(post, "kappa") if "kappa" in post else None,
            moe_sparsity=moe_sparsity,
            gamma=_flat(post, "gamma_tokens") if "gamma_tokens" in post else None,
            tpp_intercept=_flat(post, "tpp_intercept"),
            tpp_trend=_flat(post, "tpp_trend"),
            tpp_sd=_flat(post, "tpp_sd"),
            drift_level=level,
            drift_rate=rate,
            drift_walk_sd=walk_sd,
            quality_sd=_flat(post, "quality_sd"),
            org_sd=_flat(post, "org_sd"),
            benchmarks=list(inp["benchmark"].values),
            chance=inp["chance"].values.astype(float),
            slope=_flat(post, "slope", "benchmark"),
            gumbel=inp["gumbel"].values.astype(bool),
            midpoint=_flat(post, "midpoint", "benchmark"),
            ceiling_loss=_flat(post, "ceiling_loss", "benchmark"),
            noise=post["noise_sd"].sel(source="independent").stack(sample=("chain", "draw"))
            .transpose("sample", "benchmark").values.astype(float),
            benchmark_spread=_flat(post, "benchmark_spread", "benchmark"),
            release_log_rate=_flat(post, "release_log_rate"),
            release_growth=_flat(post, "release_growth"),
            release_size_slope=_flat(post, "release_size_slope"),
            release_size_curve=_flat(post, "release_size_curve"),
            pop_mean=beta.mean(axis=1) if beta.shape[1] >= 3 else np.full(n, np.nan),
            pop_spread=beta.std(axis=1, ddof=1) if beta.shape[1] >= 3 else np.full(n, np.nan),
            model_ids=list(inp["model"].values),
            theta=LazyDraws(lambda: _flat(post, "theta", "model")) if "theta" in post else None,
            drift_long_run=long_run,
            drift_persistence=persistence,
            drift_log=log_slopes,
            upper_slope_ratio=(_flat(post, "upper_slope_ratio", "benchmark")
                               if "upper_slope_ratio" in post else None),
            report_share=_flat(post, "report_share", "benchmark") if "report_share" in post else None,
        )


def drift_at(
    knots: np.ndarray, slopes: np.ndarray, t_ref: float, when: float,
    long_run: np.ndarray | None = None, persistence: np.ndarray | None = None,
    log_walk_sd: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Drift level D(when) (with D(t_ref) = 0) and the slope in force at `when`, per draw.

    Parameters
    ----------
    knots : numpy.ndarray
        The calendar years bounding the segments.
    slopes : numpy.ndarray
        The yearly slopes, (n, segments).
    t_ref : float
        The reference time (calendar year) where D = 0.
    when : float
        The calendar year asked for.
    long_run, persistence : numpy.ndarray or None
        rho_bar and phi of an AR(1) drift; beyond the last knot the slope follows its expected
        path back to rho_bar. Without them the last slope continues.
    log_walk_sd : numpy.ndarray or None
        For positive slopes whose logs are the AR(1) (`PosteriorDraws.drift_log`): the log
        slope's yearly innovation sd. Beyond the last knot the level then gains the expected
        integral of exp(log slope) (`log_ar1_mean_path`) and the slope returned is exp of the
        log slope's expected value.

    Returns
    -------
    tuple of numpy.ndarray
        D(when) and the slope at `when`, each (n,).
    """
    n_seg = len(knots) - 1
    lo = knots[:-1]
    hi = knots[1:]
    a, b = min(t_ref, when), max(t_ref, when)
    overlap = np.clip(np.minimum(b, hi) - np.maximum(a, lo), 0.0, None)
    sign = 1.0 if when >= t_ref else -1.0
    level = sign * slopes @ overlap
    seg = int(np.clip(np.searchsorted(knots, when, side="right") - 1, 0, n_seg - 1))
    rate = slopes[:, seg]
    past = max(when - knots[-1], 0.0)  # beyond the last knot (t_ref lies inside the knots)
    last = slopes[:, -1]
    if past > 0 and long_run is not None and persistence is not None:
        if log_walk_sd is not None:
            gap, log_rate = log_ar1_mean_path(np.log(last), np.log(long_run), persistence,
                                              log_walk_sd, past)
            rate = np.exp(log_rate)
        else:
            gap, rate = ar1_mean_path(last, long_run, persistence, past)
        level = level + gap
    else:
        level = level + last * past
    return level, rate


def ar1_mean_path(start: np.ndarray, long_run: np.ndarray, persistence: np.ndarray,
                  dt: float) -> tuple[np.ndarray, np.ndarray]:
    """Expected rise over `dt` years and the expected slope at its end, for a slope starting at
    `start` that reverts to `long_run` as phi^t: rise = rho_bar dt + (r0 - rho_bar)(1 - phi^dt)/k
    with k = -ln phi (-> dt as phi -> 1), slope = rho_bar + (r0 - rho_bar) phi^dt.

    Parameters
    ----------
    start, long_run, persistence : numpy.ndarray
        r0, rho_bar and phi per draw.
    dt : float
        Years.

    Returns
    -------
    tuple of numpy.ndarray
        The expected rise and the expected slope at dt.
    """
    k = -np.log(np.clip(persistence, 1e-12, 1.0))
    decay = np.exp(-k * dt)
    with np.errstate(invalid="ignore", divide="ignore"):
        integral = np.where(k > 1e-9, -np.expm1(-k * dt) / np.where(k > 1e-9, k, 1.0), dt)
    return long_run * dt + (start - long_run) * integral, long_run + (start - long_run) * decay


# Gauss-Legendre nodes and weights on [0, 1] for the expected rise of a log-AR(1) slope: the
# integrand exp(m(u) + v(u) / 2) is smooth, so 16 nodes are exact to rounding for gaps of years
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(16)
_GL_NODES = 0.5 * (_GL_NODES + 1.0)
_GL_WEIGHTS = 0.5 * _GL_WEIGHTS


def log_ar1_mean_path(start: np.ndarray, long_run: np.ndarray, persistence: np.ndarray,
                      innovation_sd: np.ndarray, dt: float) -> tuple[np.ndarray, np.ndarray]:
    """Expected rise over `dt` years of a positive slope exp(l(u)) whose log l reverts to
    `long_run` (log rho_bar) as an Ornstein-Uhlenbeck process from l(0) = `start`, and the
    expected log slope at its end.

    l(u) is normal with mean m(u) = L + (l0 - L) phi^u and variance v(u), the transition variance
    of `ar1_transition_sd`, so E exp(l(u)) = exp(m(u) + v(u) / 2) and the rise is its integral
    over [0, dt] (Gauss-Legendre).

    Parameters
    ----------
    start, long_run : numpy.ndarray
        l0 and L per draw (natural logs of slopes).
    persistence, innovation_sd : numpy.ndarray
        phi and the log slope's yearly innovation sd per draw.
    dt : float
        Years.

    Returns
    -------
    tuple of numpy.ndarray
        The expected rise (log10 params) and m(dt).
    """
    phi = np.clip(persistence, 1e-12, 1.0 - 1e-12)
    u = dt * _GL_NODES[None, :]
    mean = long_run[:, None] + (start - long_run)[:, None] * phi[:, None] ** u
    var = ar1_transition_sd(innovation_sd[:, None], phi[:, None], u) ** 2
    rise = dt * (np.exp(mean + 0.5 * var) @ _GL_WEIGHTS)
    return rise, long_run + (start - long_run) * phi**dt


def ar1_transition_sd(innovation_sd: np.ndarray, persistence: np.ndarray, dt: float) -> np.ndarray:
    """Sd of the slope's change over `dt` years given its start, for the yearly AR(1) of
    innovation sd s_y and persistence phi in continuous time: s_y sqrt((1 - phi^(2 dt)) / (1 - phi^2))
    (-> s_y sqrt(dt), a random walk, as phi -> 1)."""
    return innovation_sd * np.sqrt((1.0 - persistence ** (2 * dt)) / (1.0 - persistence**2))


def projection_draws(fit: Any, priors: Any, seed: int = 0, as_of: Any = None) -> PosteriorDraws:
    """The draws of `fit` completed from `priors` (the set known at the fit's as-of date) for
    projecting: the size distribution of future techniques where the fit has too few fitted ones
    (`forecast.projection.future_draws.with_population`), and the loss law through which the fit read gamma
    (`PriorSet.token_law`: the token effect is gamma f(log10 r) with f = log10 of that law's
    parameter multiplier), so the projection reads it the same way.

    Parameters
    ----------
    fit : forecast.model.fit.Fit
        A fitted (or prior-sampled) model.
    priors : forecast.inputs.priors.PriorSet
        The prior set known at the fit's as-of date.
    seed : int
        Seeds the draws of the future techniques' size distribution.
    as_of : date or str or None
        The date future techniques arrive from (`PosteriorDraws.as_of`); None: the fit's data
        end (a caller that starts the projection later, as the backtest does at its cutoff,
        gets its arrivals from that start).

    Returns
    -------
    PosteriorDraws
    """
    draws = with_population(PosteriorDraws.from_fit(fit), priors, seed=seed)
    arrivals_from = draws.data_end if as_of is None else decimal_year(as_of)
    return replace(draws, token_law=priors.token_law(), as_of=arrivals_from)
