"""Projection: compounding efficiency into the future and first-crossing dates (pure NumPy).

For posterior draw i and simulated future p, the capability of a model of log10 size x
released at time T (decimal years) is Normal with mean mu(T, x) and variance V(T):

    mu(T, x) = x + sum_k A_k(T) beta_k + A_moe(T) (kappa - 1) log10 s       known techniques
             + E[gamma f(log10 r)],  log10 r ~ N(a_r + b_r (T - t_ref), s_r)   tokens/param
             + D(T)                                   drift: integral of max(r(u), 0)
             + J(T)                                   future techniques (compound Poisson)
             + q_bits                                 quality retention of b-bit weights

    V(T) = quality_sd^2 + org_sd^2 + sum_k A_k (1 - A_k) beta_k^2 + Var[gamma f] + noise^2

The drift slope r(u) is an Ornstein-Uhlenbeck process around the long-run rate rho_bar,
dr = -k (r - rho_bar) du + sigma dW with k = -ln phi and sigma^2 = 2 k s_y^2 / (1 - phi^2): the
continuous-time form of the fitted yearly AR(1) (persistence phi, yearly innovation sd s_y),
started at the fitted slope at the data's end and sampled exactly month by month; draws without
an AR(1) drift continue the slope as a random walk, r(u) = r0 + s_y W(u).
The future gain over the start date passes through an optional soft ceiling C:
G -> C (1 - exp(-G / C)). Future techniques arrive at rate lambda per year from the as-of
date (a Poisson process, drawn by `forecast.projection.arrivals`), each of size ~ N(mu_pop, tau_pop)
(log10), adopted along a logistic curve centred `adoption_lag` years after arrival.

The known techniques enter a release's capability through their mean and variance: a release
adopts technique k with probability A_k(T) and then gains beta_k, a mixture that the normal with
the same two moments stands for. On the shipped fit, mixing exactly over the three terms with the
widest two-point spread |beta_k| sqrt(A_k (1 - A_k)) (2^3 normals) moved the 10/50/90% crossing
dates of five `when` questions by at most 0.17 years, mostly later (MMLU 0.80
within 1B: 2026.34, 2027.32 and 2029.18 against 2026.42, 2027.42 and 2029.35; MMLU 0.70 within
1B: 2025.69, 2026.29 and 2027.19 against 2025.66, 2026.29 and 2027.21) at two to three times
the hazard's cost, so the normal stays.

Releases at log10 size x arrive as a Poisson process of rate
    lambda_rel(T, x) = exp(r0 + g (min(T, t_growth) - t_ref) + c1 (x - 10) + c2 (x - 10)^2)
per month per unit of log10 size. A budget of L = log10 N admits sizes x <= L, so the
hazard that some release reaches the target capability theta* in month T is

    h(T) = integral_{L - w}^{L} lambda_rel(T, x) Phi((mu(T, x) - theta*) / sqrt(V(T))) dx,

(Gauss-Legendre quadrature over the window w), and the first-crossing time solves
H(T) = integral h = E with E ~ Exp(1) drawn per simulated future: a first-event time of an
inhomogeneous Poisson process, found exactly on the piecewise-linear cumulative hazard.
Paths that never reach E by the horizon are returned as +inf ("not before the horizon").

`frontier="mean"` drops the release process and the spread: the crossing is the first time
mu(T, L) >= theta*, linear between month boundaries (used for closed-form checks).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy.special import ndtr, ndtri

from forecast.projection.arrivals import arrival_key, next_dates, standard_normals
from forecast.core.errors import UserError
from forecast.model.graph import link_cdf, link_density, link_inverse
from forecast.projection.future_draws import FutureDraws
from forecast.projection.posterior import PosteriorDraws, ar1_mean_path, ar1_transition_sd
from forecast.inputs.scaling_law import interp_uniform

LOG10_E = np.log10(np.e)
MAX_ARRIVALS_PER_PATH = 1000  # 50 a year over 20 years; each arrival is simulated


@dataclass(frozen=True)
class Target:
    """Target capability: scores on benchmarks (all must be met) or a registry model's level."""

    label: str
    thresholds: tuple[tuple[str, float], ...] = ()
    model_id: str | None = None


@dataclass(frozen=True)
class Budget:
    """A size budget on one axis.

    params_total: stored parameters; params_active: parameters used per token (MoE);
    memory_bytes: weight bytes at `bits` bits per weight (quantized), i.e.
    N = 8 * bytes / bits parameters with the quality retention of b-bit weights.
    """

    axis: Literal["params_total", "params_active", "memory_bytes"]
    value: float
    bits: float | None = None

    @property
    def log10_params(self) -> float:
        if self.axis == "memory_bytes":
            return float(np.log10(8.0 * self.value / float(self.bits or 16)))
        return float(np.log10(self.value))

    def describe(self) -> str:
        if self.axis == "memory_bytes":
            return f"{self.value / 2**30:.3g} GiB of weights at {self.bits:g}-bit"
        unit = "active params" if self.axis == "params_active" else "params"
        return f"{self.value / 1e9:.3g}B {unit}"


@dataclass(frozen=True)
class ProjectionSettings:
    horizon: float = 2040.0  # decimal year
    paths_per_draw: int = 4
    seed: int = 0
    frontier: Literal["release", "mean"] = "release"
    size_window: float = 1.5  # log10 sizes below the budget that can still reach the target
    quad_nodes: int = 6
    start: float | None = None  # default: the registry's data end
    arrivals: bool = True  # future techniques (J) on or off
    max_paths: int | None = 16000  # posterior draws are thinned evenly to stay within this
    # crossing dates from the compiled kernel (`march_crossings_compiled`) instead of NumPy
    # blocks (`march_crossings`): the same dates to 1e-12 years, faster on many or late
    # crossings, 0.4 s slower to start in a new process
    compiled: bool = False


def thin(draws: PosteriorDraws, settings: ProjectionSettings) -> PosteriorDraws:
    """Evenly spaced posterior draws so that draws x paths_per_draw <= max_paths."""
    if settings.max_paths is None or draws.n * settings.paths_per_draw <= settings.max_paths:
        return draws
    keep = max(1, settings.max_paths // settings.paths_per_draw)
    return draws.subset(np.linspace(0, draws.n - 1, keep).round().astype(int))


# ----------------------------------------------------------------------------- targets


def required_theta(draws: PosteriorDraws, target: Target) -> tuple[np.ndarray, np.ndarray]:
    """theta* per draw and the observation noise in theta units at theta*.

    For a score target y on benchmark b, s = (y - c_b) / (1 - c_b - e_b) and
    theta* = mu_b + F_b^-1(s) / a_b (+inf when s >= 1: above the benchmark's ceiling); the score
    noise sigma maps to sigma / (a_b (1 - c_b - e_b) F_b'(z*)) in theta units and the
    model-by-benchmark spread tau_b (link units) to tau_b / a_b.
    With several benchmarks the largest theta* decides.
    """
    if target.model_id is not None:
        if draws.theta is None or target.model_id not in draws.model_ids:
            raise KeyError(target.model_id)
        j = draws.model_ids.index(target.model_id)
        return draws.theta[:, j].copy(), np.zeros(draws.n)
    best = np.full(draws.n, -np.inf)
    best_noise = np.zeros(draws.n)
    for bench, y in target.thresholds:
        b = draws.benchmark_index(bench)
        c = draws.chance[b]
        span = 1.0 - c - draws.ceiling_loss[:, b]
        s = (y - c) / span
        inside = (s > 0) & (s < 1)
        sc = np.clip(s, 1e-9, 1 - 1e-9)
        a, mu, g = draws.slope[:, b], draws.midpoint[:, b], draws.gumbel[b]
        r = draws.upper(b)
        z = link_inverse(sc, g, r)
        theta = np.where(s >= 1.0, np.inf, np.where(s <= 0.0, -np.inf, mu + z / a))
        density = np.clip(link_density(z, g, upper=r), 1e-6, None)
        measured = draws.noise[:, b] / (a * span * density)
        noise = np.where(
            inside, np.sqrt(measured**2 + (draws.benchmark_spread[:, b] / a) ** 2), 0.0
        )
        take = theta > best
        best = np.where(take, theta, best)
        best_noise = np.where(take, noise, best_noise)
    return best, np.minimum(best_noise, 1.0)


# ----------------------------------------------------------------------------- paths


def _logistic(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


@dataclass
class _Paths:
    """Capability of a release of size L (log10) per simulated future at each month edge."""

    edges: np.ndarray  # (M+1,) decimal years
    mean_offset: np.ndarray  # (P, M+1): mu(T, L) - L
    var: np.ndarray  # (P, M+1)
    log_rate0: np.ndarray  # (P, M+1): release log-rate at x = 10
    c1: np.ndarray  # (P,)
    c2: np.ndarray  # (P,)
    draw: np.ndarray  # (P,) index of the posterior draw behind each path

    def rows(self, rows: np.ndarray) -> _Paths:
        """The paths `rows` alone (every quantity is per path, so their values are unchanged)."""
        return _Paths(edges=self.edges, mean_offset=self.mean_offset[rows], var=self.var[rows],
                      log_rate0=self.log_rate0[rows], c1=self.c1[rows], c2=self.c2[rows],
                      draw=self.draw[rows])


class PathSimulator:
    """The simulated futures of one projection, evaluated on any block of months.

    The drift's Brownian increments are drawn once, up front; the future techniques come from a
    counter-based generator (`forecast.projection.arrivals`) that gives each path's k-th technique the same
    date and size whenever it is drawn, and are drawn only as far as a path is evaluated
    (`draw_arrivals_until`). So a path's values do not depend on how its months are evaluated:
    `simulate_paths` evaluates every month of every path
    at once; `march_crossings` marches forward in blocks and drops the paths that have crossed
    (early exit), which skips most of the work when most futures cross early;
    `march_crossings_compiled` hands the same draws to a compiled kernel
    (`forecast.projection.crossing_kernel.march`, through `kernel_arguments`) that walks each path month
    by month and stops it at its crossing. When every walk sd is 0 no Brownian increments are
    drawn.

    Drift state (the Brownian walk W and the accumulated rise) is carried from one block to the
    next per path, so blocks must be evaluated in time order for the rows they include.
    """

    def __init__(self, draws: PosteriorDraws, engine: FutureDraws, budget_axis: str,
                 settings: ProjectionSettings, bits: float | None = None) -> None:
        draws = thin(draws, settings)
        self.draws, self.engine, self.axis, self.settings = draws, engine, budget_axis, settings
        rng = np.random.default_rng(settings.seed)
        start = draws.data_end if settings.start is None else settings.start
        self.start = start
        self.n_months = max(1, int(np.ceil((settings.horizon - start) * 12)))
        self.edges = start + np.arange(self.n_months + 1) / 12.0
        self.P = draws.n * settings.paths_per_draw
        self.draw = np.repeat(np.arange(draws.n), settings.paths_per_draw)
        P = self.P

        # drift: the slope's deviation X from its anchor, X_{m+1} = a X_m + c xi_m per month
        # (random walk: anchor r0, a = 1, c = s_y sqrt(dt); AR(1)/OU: anchor rho_bar,
        # a = phi^dt, c = s_y sqrt((1 - phi^(2 dt)) / (1 - phi^2)), the exact monthly transition)
        self.dt = 1.0 / 12.0
        # no increments are drawn when every walk sd is 0 (a deterministic drift: hand-made
        # and priors-only draws; a fitted posterior always has a positive sd)
        self.walk = bool(np.any(draws.drift_walk_sd != 0))
        self.dW = (rng.standard_normal((P, self.n_months)) * np.sqrt(self.dt) if self.walk
                   else np.zeros((P, 0)))
        self.W_at = np.zeros(P)  # X at the first month of the next block, per path
        self.rise_at = np.zeros(P)  # accumulated rise at the same month
        self.next_month = np.zeros(P, dtype=int)

        # future techniques: a Poisson process of rate lambda per year from the as-of date to
        # the horizon, from a counter-based generator (`forecast.projection.arrivals`), so they are drawn
        # only as far as each path is evaluated (`draw_arrivals_until`); `arrivals` holds the
        # (rows, dates, sizes) drawn so far, `next_arrival` and `arrival_index` each path's
        # next date (+inf: none before the horizon) and its index k
        self.arrivals: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.arrival_key = arrival_key(settings.seed)
        self.arrival_start = max(draws.as_of, start)
        self.arrival_end = float(settings.horizon)
        if settings.arrivals and self.arrival_end > self.arrival_start:
            self.arrival_rate = np.asarray(engine.arrival_rate, dtype=float)
            if not np.all(np.isfinite(self.arrival_rate) & (self.arrival_rate >= 0)):
                raise UserError("future techniques' arrival rates must be finite and not negative",
                                key="engine.arrivals.rate")
            expected = self.arrival_rate[self.draw] * (self.arrival_end - self.arrival_start)
            if float(np.median(expected)) > MAX_ARRIVALS_PER_PATH:
                raise UserError(
                    f"{np.median(expected):.3g} future techniques per simulated future (arrival "
                    f"rate {np.median(engine.arrival_rate):.3g} a year); at most "
                    f"{MAX_ARRIVALS_PER_PATH} are supported", key="engine.arrivals.rate")
        else:
            self.arrival_rate = np.zeros(len(engine.arrival_rate))
        self.arrival_index = np.zeros(P, dtype=np.int64)
        self.next_arrival = next_dates(self.arrival_key, np.arange(P), self.arrival_index,
                                       np.full(P, self.arrival_start), self.arrival_rate[self.draw],
                                       self.arrival_end)
        self.amax = draws.adoption_max.mean(axis=1) if draws.adoption_max.size else np.ones(draws.n)

        if budget_axis == "memory_bytes":
            key = float(bits or 16)
            if key not in engine.retention:
                raise KeyError(f"no quantization retention for {key:g}-bit weights")
            self.retention = engine.retention[key]
        else:
            self.retention = None
        rate = draws.drift_rate
        gap = max(start - draws.data_end, 0.0)
        self.mean_reverting = draws.drift_long_run is not None and draws.drift_persistence is not None
        if self.mean_reverting:
            # from the data's end to the start: the expected rise (not below 0) and, at the
            # start, the slope's exact AR(1) state (its expected value plus the gap's noise)
            phi = np.clip(draws.drift_persistence, 1e-9, 1.0 - 1e-9)
            rise, slope_start = ar1_mean_path(rate, draws.drift_long_run, phi, gap)
            self.drift_start = draws.drift_level + np.maximum(rise, 0.0)
            self.anchor = draws.drift_long_run
            self.decay = phi ** self.dt
            # per unit of dW (which carries sqrt(dt)): the exact monthly transition's sd / sqrt(dt)
            self.step_scale = ar1_transition_sd(draws.drift_walk_sd, phi, self.dt) / np.sqrt(self.dt)
            gap_sd = ar1_transition_sd(draws.drift_walk_sd, phi, gap)
            xi = rng.standard_normal(P)
            self.W_at = (slope_start - self.anchor)[self.draw] + gap_sd[self.draw] * xi
        else:
            self.drift_start = draws.drift_level + np.maximum(rate, 0.0) * gap
        self.W_start = self.W_at.copy()  # the drift state at the start (`block` advances W_at)

    def draw_arrivals_until(self, rows: np.ndarray, t_end: float) -> None:
        """Draw the future techniques of paths `rows` dated up to `t_end` that are not drawn yet
        (appended to `arrivals`; `forecast.projection.arrivals` gives their dates and sizes)."""
        key = self.arrival_key
        sel = rows[self.next_arrival[rows] <= t_end]
        while sel.size:
            t, k, d = self.next_arrival[sel], self.arrival_index[sel], self.draw[sel]
            size = self.draws.pop_mean[d] + self.draws.pop_spread[d] * standard_normals(key, sel, k)
            self.arrivals.append((sel, t, size))
            nxt = next_dates(key, sel, k + 1, t, self.arrival_rate[d], self.arrival_end)
            self.arrival_index[sel], self.next_arrival[sel] = k + 1, nxt
            sel = sel[nxt <= t_end]

    @functools.cached_property
    def base_start(self) -> np.ndarray:
        """The known terms' mean at the start, per draw (n, 1): the level the future gain is
        measured from (the compiled march computes it itself)."""
        return self._known(np.arange(self.draws.n), self.edges[:1])[0]

    # ------------------------------------------------------------------ known terms, per draw
    def _known(self, d: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean and variance of the known techniques' and the token ratio's contribution for
        draws `d` at times `edges`, shape (len(d), len(edges))."""
        draws = self.draws
        T = edges[None, :]
        mean = np.zeros((len(d), len(edges)))
        var = np.zeros((len(d), len(edges)))

        def adoption(tech_id: str) -> np.ndarray:
            a = draws.adoption_tech.index(tech_id)
            x = draws.adoption_speed[d, a, None] * (T - draws.t_ref - draws.adoption_mid[d, a, None])
            return draws.adoption_max[d, a, None] * _logistic(x)

        for k, tech in enumerate(draws.techniques):
            A = adoption(tech) if tech in draws.adoption_tech else np.ones_like(T)
            beta = draws.beta[d, k, None]
            mean += A * beta
            var += A * (1 - A) * beta**2
        if draws.kappa is not None and "mixture_of_experts" in draws.adoption_tech:
            A = adoption("mixture_of_experts")
            s = np.log10(draws.moe_sparsity)
            # total budget: a MoE of total size N is worth N s^(kappa-1);
            # active budget: a MoE of active size N is worth N s^kappa
            shift = draws.kappa[d, None] * s - (s if self.axis != "params_active" else 0.0)
            mean += A * shift
            var += A * (1 - A) * shift**2
        # tokens per parameter: E and Var of gamma f(log10 r) by Gauss-Hermite quadrature
        if draws.gamma is not None:
            gx, gy = draws.token_law.log10_multiplier_table()
            nodes, weights = np.polynomial.hermite_e.hermegauss(9)
            weights = weights / weights.sum()
            mu_r = draws.tpp_intercept[d, None] + draws.tpp_trend[d, None] * (T - draws.t_ref)
            f1 = np.zeros_like(mu_r)
            f2 = np.zeros_like(mu_r)
            for z, w in zip(nodes, weights):
                f = interp_uniform(mu_r + z * draws.tpp_sd[d, None], gx[0], gx[1] - gx[0], gy)
                f1 += w * f
                f2 += w * f * f
            g = draws.gamma[d, None]
            mean += g * f1
            var += g**2 * np.clip(f2 - f1**2, 0, None)
        return mean, var

    # ------------------------------------------------------------------ compiled march
    def kernel_arguments(self, L: float, theta_star: np.ndarray, noise: np.ndarray,
                         settings: ProjectionSettings, exp_draws: np.ndarray) -> tuple:
        """The arguments of `forecast.projection.crossing_kernel.march` for these futures, budget log10
        size `L`, target theta* and noise per draw, Exp(1) thresholds per path and which paths
        can cross at all (`can_cross`; the parts that depend on the futures alone are built
        once, `_kernel_futures`)."""
        head, known, drift, arrivals, release = self._kernel_futures
        nodes, weights = np.polynomial.legendre.leggauss(settings.quad_nodes)
        w = settings.size_window
        question = (np.ascontiguousarray(theta_star, dtype=np.float64),
                    np.ascontiguousarray(noise, dtype=np.float64),
                    np.ascontiguousarray(exp_draws, dtype=np.float64),
                    can_cross(theta_star, self.draw, exp_draws, settings.frontier))
        return (*head, float(L), settings.frontier == "release", *known, *drift, *arrivals,
                *question, *release, L - w * (1 - nodes) / 2.0, weights * w / 2.0)

    @functools.cached_property
    def _kernel_futures(self) -> tuple[tuple, ...]:
        """The kernel's arguments that depend on the futures alone, in its order: (edges,
        draw_ptr, t_ref) with draw_ptr delimiting each draw's run of paths, the known techniques
        and tokens, the drift, the future techniques' generator with the ceiling and retention,
        and the release process."""
        draws, engine = self.draws, self.engine
        n = draws.n

        def arr(x: object, shape: tuple[int, ...] | None = None) -> np.ndarray:
            a = np.ascontiguousarray(x, dtype=np.float64)
            return a.reshape(shape) if shape is not None else a

        A = len(draws.adoption_tech)
        tech_adoption = np.array([draws.adoption_tech.index(t) if t in draws.adoption_tech else -1
                                  for t in draws.techniques], dtype=np.int64)
        moe_adoption, moe_shift = -1, np.zeros(n)
        if draws.kappa is not None and "mixture_of_experts" in draws.adoption_tech:
            moe_adoption = draws.adoption_tech.index("mixture_of_experts")
            s = np.log10(draws.moe_sparsity)
            moe_shift = draws.kappa * s - (s if self.axis != "params_active" else 0.0)
        if draws.gamma is not None:
            gx, gy = draws.token_law.log10_multiplier_table()
            gh_z, gh_w = np.polynomial.hermite_e.hermegauss(9)
            token = (arr(draws.gamma), arr(draws.tpp_intercept), arr(draws.tpp_trend),
                     arr(draws.tpp_sd), gh_z, gh_w / gh_w.sum(), float(gx[0]), float(gx[1] - gx[0]),
                     arr(gy))
        else:
            empty = np.zeros(0)
            token = (empty, empty, empty, empty, empty, empty, 0.0, 1.0, np.zeros(2))
        known = (arr(draws.beta, (n, len(draws.techniques))), tech_adoption,
                 arr(draws.adoption_speed, (n, A)), arr(draws.adoption_mid, (n, A)),
                 arr(draws.adoption_max, (n, A)), moe_adoption, arr(moe_shift), *token,
                 arr(draws.quality_sd**2 + draws.org_sd**2))
        zeros = np.zeros(n)
        if self.mean_reverting:
            reverting = (arr(self.decay), arr(self.step_scale), arr(self.anchor))
        else:
            reverting = (zeros, zeros, zeros)
        drift = (self.mean_reverting, arr(self.W_start), arr(self.dW), *reverting,
                 arr(draws.drift_rate), arr(draws.drift_walk_sd), arr(self.drift_start))
        # the kernel draws the future techniques itself, from the same generator
        arrivals = (np.uint64(self.arrival_key), float(self.arrival_start), self.arrival_end,
                    arr(self.arrival_rate), arr(draws.pop_mean), arr(draws.pop_spread),
                    arr(self.amax), float(engine.new_technique_speed),
                    arr(engine.adoption_lag), arr(engine.saturation),
                    arr(self.retention) if self.retention is not None else zeros)
        release = (arr(draws.release_log_rate), arr(draws.release_growth),
                   float(draws.data_end + engine.release_growth_years),
                   arr(draws.release_size_slope), arr(draws.release_size_curve))
        # the kernel takes each draw's paths as one run: draw d's are draw_ptr[d]..draw_ptr[d + 1] - 1
        if np.any(np.diff(self.draw) < 0):
            raise ValueError("the compiled march needs the paths ordered by posterior draw")
        draw_ptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.draw, minlength=n), out=draw_ptr[1:])
        head = (arr(self.edges), draw_ptr, float(draws.t_ref))
        return head, known, drift, arrivals, release

    # ------------------------------------------------------------------ one block
    def block(self, rows: np.ndarray, i0: int, i1: int) -> _Paths:
        """mu(T, L) - L, V(T) and the release log-rate of paths `rows` at month edges i0..i1.

        Each row's previous block must have ended at i0 (or i0 = 0 for its first block).
        """
        if np.any(self.next_month[rows] != i0):
            raise ValueError("blocks of a path must be evaluated in time order")
        draws, engine = self.draws, self.engine
        edges = self.edges[i0:i1 + 1]
        T = edges[None, :]
        d = self.draw[rows]
        ud, inv = np.unique(d, return_inverse=True)
        known_mean, known_var = self._known(ud, edges)
        base, var = known_mean[inv], known_var[inv]
        var = var + (draws.quality_sd**2 + draws.org_sd**2)[d, None]

        # drift: the frontier does not regress (a published technique stays available), so the
        # future drift accumulates only the non-negative part of the slope:
        #     D(T) = D(data_end) + max(r0, 0) (start - data_end) + int_start^T max(r(u), 0) du
        # (running sums continue from the carried value, so they equal the full grid's exactly)
        if self.mean_reverting:
            a, c = self.decay[d], self.step_scale[d]
            W = np.empty((len(rows), i1 - i0 + 1))
            W[:, 0] = self.W_at[rows]
            for m in range(i1 - i0):
                W[:, m + 1] = a * W[:, m] + (c * self.dW[rows, i0 + m] if self.walk else 0.0)
            slope = np.maximum(self.anchor[d, None] + W, 0.0)
        else:
            steps = self.dW[rows, i0:i1] if self.walk else np.zeros((len(rows), i1 - i0))
            W = np.cumsum(np.concatenate([self.W_at[rows, None], steps], axis=1), axis=1)
            slope = np.maximum(draws.drift_rate[d, None] + draws.drift_walk_sd[d, None] * W, 0.0)
        rise = np.cumsum(np.concatenate(
            [self.rise_at[rows, None], 0.5 * (slope[:, 1:] + slope[:, :-1]) * self.dt], axis=1), axis=1)
        self.W_at[rows], self.rise_at[rows], self.next_month[rows] = W[:, -1], rise[:, -1], i1

        # future techniques that have arrived by the block's end
        self.draw_arrivals_until(rows, edges[-1])
        jump = np.zeros((len(rows), len(edges)))
        jump_var = np.zeros((len(rows), len(edges)))
        if self.arrivals:
            pos = np.full(self.P, -1)
            pos[rows] = np.arange(len(rows))
            for arr_rows, t_arr, size in self.arrivals:
                p = pos[arr_rows]
                sel = (p >= 0) & (t_arr <= edges[-1])
                if not sel.any():
                    continue
                p, ta, sz = p[sel], t_arr[sel, None], size[sel, None]
                dd = self.draw[arr_rows[sel]]
                A = self.amax[dd, None] * _logistic(
                    engine.new_technique_speed * (T - ta - engine.adoption_lag[dd, None])
                ) * (T >= ta)
                jump[p] += A * sz
                jump_var[p] += A * (1 - A) * sz**2

        gain = (base - self.base_start[d]) + rise + jump
        ceiling = engine.saturation[d, None]
        finite = np.isfinite(ceiling)
        if finite.any():
            capped = ceiling * (1.0 - np.exp(-np.clip(gain, 0, None) / np.where(finite, ceiling, 1.0)))
            gain = np.where(finite & (gain > 0), capped, gain)
        mean_offset = self.base_start[d] + self.drift_start[d, None] + gain
        if self.retention is not None:
            mean_offset = mean_offset + self.retention[d, None]

        t_growth = draws.data_end + engine.release_growth_years
        log_rate0 = draws.release_log_rate[d, None] + draws.release_growth[d, None] * (
            np.minimum(T, t_growth) - draws.t_ref)
        return _Paths(
            edges=edges,
            mean_offset=mean_offset,
            var=var + jump_var,
            log_rate0=log_rate0,
            c1=draws.release_size_slope[d],
            c2=draws.release_size_curve[d],
            draw=d,
        )


def simulate_paths(
    draws: PosteriorDraws,
    engine: FutureDraws,
    budget_axis: str,
    settings: ProjectionSettings,
    bits: float | None = None,
    until: float | None = None,
) -> _Paths:
    """Simulate mu(T, L) - L and V(T) on the month grid for every draw x future.

    The grid runs from the start to the horizon, or with `until` (decimal year) only to the
    first month edge at or after it: the futures are the same (the drift's increments are drawn
    for the whole horizon, the future techniques are the same numbers whenever they are drawn),
    so the values are the full grid's first columns, bit for bit,
    and a first crossing found on them is the full grid's wherever it lies before `until`.
    """
    sim = PathSimulator(draws, engine, budget_axis, settings, bits=bits)
    last = sim.n_months
    if until is not None:
        last = int(min(last, max(1, np.searchsorted(sim.edges, until, side="left"))))
    return sim.block(np.arange(sim.P), 0, last)


# ----------------------------------------------------------------------------- crossings


def _hazard(paths: _Paths, L: float, theta_star: np.ndarray, noise: np.ndarray,
            settings: ProjectionSettings) -> np.ndarray:
    """Monthly hazard h at each month edge, shape (P, M+1), for budget log10 size L."""
    nodes, weights = np.polynomial.legendre.leggauss(settings.quad_nodes)
    w = settings.size_window
    x = L - w * (1 - nodes) / 2.0  # from L - w to L
    weights = weights * w / 2.0
    sd = np.sqrt(paths.var + noise[paths.draw, None] ** 2)
    gap = (paths.mean_offset - theta_star[paths.draw, None])
    h = np.zeros_like(gap)
    for xq, wq in zip(x, weights):
        rate = np.exp(paths.log_rate0 + paths.c1[:, None] * (xq - 10) + paths.c2[:, None] * (xq - 10) ** 2)
        h += wq * rate * ndtr((xq + gap) / sd)
    return h


def first_crossing(
    paths: _Paths, L: float, theta_star: np.ndarray, noise: np.ndarray,
    settings: ProjectionSettings, exp_draws: np.ndarray,
) -> np.ndarray:
    """First-crossing year per path (inf if none before the horizon)."""
    edges = paths.edges
    if settings.frontier == "mean":
        level = L + paths.mean_offset - theta_star[paths.draw, None]
        above = level >= 0
        first = np.where(above.any(axis=1), above.argmax(axis=1), -1)
        out = np.full(len(first), np.inf)
        ok = first >= 0
        i = first[ok]
        rows = np.flatnonzero(ok)
        prev = np.maximum(i - 1, 0)
        l0, l1 = level[rows, prev], level[rows, i]
        frac = np.where((i > 0) & (l1 != l0), -l0 / np.where(l1 != l0, l1 - l0, 1.0), 0.0)
        out[rows] = np.where(i > 0, edges[prev] + frac * (edges[i] - edges[prev]), edges[0])
        return out
    H = _cumulative_hazard(paths, L, theta_star, noise, settings, np.zeros(len(paths.draw)))
    return _invert_cumulative(H, edges, exp_draws)


def _cumulative_hazard(paths: _Paths, L: float, theta_star: np.ndarray, noise: np.ndarray,
                       settings: ProjectionSettings, H0: np.ndarray) -> np.ndarray:
    """Cumulative hazard at each month edge of `paths`, (P, M+1), starting from H0 (P,) at the
    first edge: trapezoids of the monthly hazard h (a month is one unit), summed in month order."""
    h = _hazard(paths, L, theta_star, noise, settings)
    return np.cumsum(np.concatenate([H0[:, None], 0.5 * (h[:, 1:] + h[:, :-1])], axis=1), axis=1)


def _invert_cumulative(H: np.ndarray, edges: np.ndarray, E: np.ndarray) -> np.ndarray:
    """Time where the piecewise-linear cumulative hazard H (P, M+1) first reaches E (P,)."""
    reached = H >= E[:, None]
    idx = np.where(reached.any(axis=1), reached.argmax(axis=1), -1)
    out = np.full(len(E), np.inf)
    ok = idx > 0
    rows = np.flatnonzero(ok)
    i = idx[ok]
    h0, h1 = H[rows, i - 1], H[rows, i]
    frac = (E[rows] - h0) / np.where(h1 > h0, h1 - h0, 1.0)
    out[rows] = edges[i - 1] + frac * (edges[i] - edges[i - 1])
    out[idx == 0] = edges[0]
    return out


def crossing_times(
    draws: PosteriorDraws,
    engine: FutureDraws,
    target: Target,
    budget: Budget,
    settings: ProjectionSettings,
) -> np.ndarray:
    """Distribution of the first date (decimal year) a release within `budget` meets `target`.

    One value per simulated future (draws x paths_per_draw); +inf = not before the horizon.
    """
    draws = thin(draws, settings)
    theta_star, noise = required_theta(draws, target)
    sim = PathSimulator(draws, engine, budget.axis, settings, bits=budget.bits)
    E = np.random.default_rng(settings.seed + 1).exponential(size=sim.P)
    return marcher(settings)(sim, budget.log10_params, theta_star, noise, settings, E)


def marcher(settings: ProjectionSettings):
    """The first-crossing march `settings.compiled` selects: `march_crossings_compiled` or
    `march_crossings` (the same signature and dates, to 1e-12 years)."""
    return march_crossings_compiled if settings.compiled else march_crossings


FIRST_BLOCK_MONTHS = 6
MAX_BLOCK_MONTHS = 48


def can_cross(theta_star: np.ndarray, draw: np.ndarray, exp_draws: np.ndarray, frontier: str) -> np.ndarray:
    """Per path, False where the answer is +inf before any month is evaluated: the target lies
    above the benchmark's ceiling in the path's draw (theta* = +inf), so the level stays at -inf
    and the hazard at 0, which never reaches an Exp(1) threshold above 0 (a threshold of exactly
    0 is reached at the start, as on the full grid)."""
    above = np.isposinf(theta_star[draw])
    return ~above if frontier == "mean" else ~(above & (exp_draws > 0))


def march_crossings(
    sim: PathSimulator, L: float, theta_star: np.ndarray, noise: np.ndarray,
    settings: ProjectionSettings, exp_draws: np.ndarray,
) -> np.ndarray:
    """`first_crossing` with early exit: the months are evaluated in blocks (6 months, doubling
    up to 48), each path's cumulative hazard is carried from block to block, and a path leaves
    the computation in the block where its cumulative hazard reaches its Exp(1) threshold (for
    `frontier="mean"`, where its mean capability first reaches the target); paths that cannot
    cross (`can_cross`) are not marched at all.
    The result equals `first_crossing` on the full grid exactly (same draws; every running sum
    continues from its carried value, so it adds the same numbers in the same order)."""
    out = np.full(sim.P, np.inf)
    H_at = np.zeros(sim.P)
    active = np.flatnonzero(can_cross(theta_star, sim.draw, exp_draws, settings.frontier))
    i0, step = 0, FIRST_BLOCK_MONTHS
    while i0 < sim.n_months and active.size:
        i1 = min(sim.n_months, i0 + step)
        paths = sim.block(active, i0, i1)
        if settings.frontier == "mean":
            # the block's first edge was the previous block's last, where the level was below
            t = first_crossing(paths, L, theta_star, noise, settings, exp_draws[active])
        else:
            H = _cumulative_hazard(paths, L, theta_star, noise, settings, H_at[active])
            t = _invert_cumulative(H, paths.edges, exp_draws[active])
            H_at[active] = H[:, -1]
        done = np.isfinite(t)
        out[active[done]] = t[done]
        active = active[~done]
        i0, step = i1, min(2 * step, MAX_BLOCK_MONTHS)
    return out


def arrival_capacity(sim: PathSimulator) -> int:
    """Room for future techniques per path in the compiled march: twice the largest expected
    number by the horizon, plus 64."""
    span = max(sim.arrival_end - sim.arrival_start, 0.0)
    return int(2 * float(np.max(sim.arrival_rate, initial=0.0)) * span) + 64


def march_crossings_compiled(
    sim: PathSimulator, L: float, theta_star: np.ndarray, noise: np.ndarray,
    settings: ProjectionSettings, exp_draws: np.ndarray,
) -> np.ndarray:
    """`march_crossings` compiled: each path is evaluated month by month until it crosses
    (`forecast.projection.crossing_kernel.march`), on the futures `sim` drew. Agrees with `first_crossing`
    on the full grid to about 1e-12 years (the kernel carries the adoption logistics by
    recurrence, the grid evaluates them month by month). Loading Numba and the cached kernel
    costs about 0.4 s once per process, and compiling it the first time about 7.5 s, so it pays
    where one process asks many questions (the report) or hard ones."""
    import numba

    from forecast.projection.crossing_kernel import march

    # a few chunks per thread balance paths that cross early against those that run long; a
    # path that needs more room for future techniques than `capacity` is marked NaN, and the
    # question is asked again with twice the room
    args = sim.kernel_arguments(L, theta_star, noise, settings, exp_draws)
    capacity = arrival_capacity(sim)
    while True:
        out = march(*args, 8 * numba.get_num_threads(), capacity)
        if not np.isnan(out).any():
            return out
        capacity *= 2


def smallest_size(
    draws: PosteriorDraws,
    engine: FutureDraws,
    target: Target,
    dates: np.ndarray,
    settings: ProjectionSettings,
    log10_grid: np.ndarray | None = None,
    axis: str = "params_total",
) -> np.ndarray:
    """log10 of the smallest parameter count that has met `target` by each date, per path.

    Shape (paths, len(dates)); +inf where no size on the grid has crossed by that date. The
    same simulated futures and Exp(1) thresholds serve every size, so the answer is monotone in
    the date. Sizes are tried from the smallest up, each path until it has crossed by every
    date, and only the months up to the last date are evaluated (`simulate_paths` with `until`):
    a crossing by a date is found on them exactly as on the grid to the horizon.
    """
    draws = thin(draws, settings)
    if log10_grid is None:
        log10_grid = np.arange(7.5, 12.55, 0.1)
    dates = np.asarray(dates, dtype=float)
    theta_star, noise = required_theta(draws, target)
    last = float(dates.max()) if dates.size else None
    paths = simulate_paths(draws, engine, axis, settings, until=last)
    E = np.random.default_rng(settings.seed + 1).exponential(size=len(paths.draw))
    out = np.full((len(paths.draw), len(dates)), np.inf)
    active = np.flatnonzero(can_cross(theta_star, paths.draw, E, settings.frontier))
    # from small to large: a path's answer for a date is the first size that crosses by it, and
    # a path leaves once it has an answer for every date (the hazard is computed row by row, so
    # the crossings of the paths that remain are those of the whole set)
    for L in np.sort(log10_grid):
        if not active.size:
            break
        t = first_crossing(paths.rows(active), float(L), theta_star, noise, settings, E[active])
        crossed = t[:, None] <= dates[None, :]
        unanswered = np.isinf(out[active])
        out[active] = np.where(crossed & unanswered, L, out[active])
        active = active[(unanswered & ~crossed).any(axis=1)]
    return out


def best_score(
    draws: PosteriorDraws,
    engine: FutureDraws,
    budget: Budget,
    benchmark: str,
    dates: np.ndarray,
    settings: ProjectionSettings,
    window_years: float = 1.0,
) -> np.ndarray:
    """Score of the best release within `budget` over the year up to each date, per path.

    Releases in the top half-decade of sizes below the budget over `window_years` number
    K ~ Poisson(Lambda) (at least one); the best of K capabilities drawn from N(mu, V) is
    mu + sqrt(V) Phi^-1(U^(1/K)); it maps to the benchmark's score through the link, with
    the observation noise of an independent evaluation.
    """
    draws = thin(draws, settings)
    rng = np.random.default_rng(settings.seed + 2)
    dates = np.asarray(dates, dtype=float)
    # the months up to the last date: the same values as the grid to the horizon has there
    last = float(dates.max()) if dates.size else None
    paths = simulate_paths(draws, engine, budget.axis, settings, bits=budget.bits, until=last)
    L = budget.log10_params
    b = draws.benchmark_index(benchmark)
    idx = np.clip(np.searchsorted(paths.edges, dates), 0, len(paths.edges) - 1)
    out = np.empty((len(paths.draw), len(dates)))
    for col, i in enumerate(idx):
        x = L - 0.25  # middle of the top half-decade of sizes
        rate = np.exp(paths.log_rate0[:, i] + paths.c1 * (x - 10) + paths.c2 * (x - 10) ** 2)
        K = np.maximum(1, rng.poisson(rate * 0.5 * 12 * window_years))
        u = rng.uniform(size=len(K))
        best = x + paths.mean_offset[:, i] + np.sqrt(paths.var[:, i]) * ndtri(u ** (1.0 / K))
        d = paths.draw
        c = draws.chance[b]
        z = draws.slope[d, b] * (best - draws.midpoint[d, b])
        z = z + draws.benchmark_spread[d, b] * rng.standard_normal(len(d))
        p = c + (1 - c - draws.ceiling_loss[d, b]) * link_cdf(z, draws.gumbel[b], upper=draws.upper(b, d))
        out[:, col] = np.clip(p + draws.noise[d, b] * rng.standard_normal(len(d)), 0.0, 1.0)
    return out
