"""Simulated futures: a release's capability month by month for every posterior draw x future.

For posterior draw i and simulated future p, the capability of a model of log10 size x
released at time T (decimal years) is Normal with mean mu(T, x) and variance V(T):

    mu(T, x) = x + sum_k A_k(T) beta_k + A_moe(T) (kappa - 1) log10 s       known techniques
             + E[gamma f(log10 r)],  log10 r ~ N(a_r + b_r (T - t_ref), s_r)   tokens/param
             + D(T)                                   drift: integral of r(u) > 0
             + J(T)                                   future techniques (compound Poisson)
             + q_bits                                 quality retention of b-bit weights

    V(T) = quality_sd^2 + org_sd^2 + sum_k A_k (1 - A_k) beta_k^2 + Var[gamma f] + noise^2

The known techniques enter a release's capability through their mean and variance: a release
adopts technique k with probability A_k(T) and then gains beta_k, a mixture that the normal with
the same two moments stands for.

The drift slope r(u) = exp(l(u)) is positive, as fitted: its log is an Ornstein-Uhlenbeck
process around the log of the long-run rate rho_bar, dl = -k (l - ln rho_bar) du + sigma dW with
k = -ln phi and sigma^2 = 2 k s_y^2 / (1 - phi^2): the continuous-time form of the fitted yearly
AR(1) of the log slopes (persistence phi, yearly innovation sd s_y), started at the fitted log
slope at the data's end and sampled exactly month by month. Draws of a fit that modelled the
slope itself (`PosteriorDraws.drift_log` false) run the same process on the slope and integrate
its part above 0; draws without an AR(1) drift continue the slope as a random walk,
r(u) = r0 + s_y W(u).
The future gain over the start date passes through an optional soft ceiling C:
G -> C (1 - exp(-G / C)). Future techniques arrive at rate lambda per year from the as-of
date (a Poisson process, drawn by `forecast.projection.arrivals`), each of size ~ N(mu_pop, tau_pop)
(log10), adopted along a logistic curve centred `adoption_lag` years after arrival.

The release process (its log-rate at log10 size 10 by month, and its size slope and curvature)
comes with the paths; `forecast.projection.crossing` turns them into first-crossing dates.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from forecast.core.errors import UserError
from forecast.inputs.scaling_law import interp_uniform
from forecast.projection.arrivals import arrival_key, next_dates, standard_normals
from forecast.projection.future_draws import FutureDraws
from forecast.projection.kernel_inputs import futures_records, question_record
from forecast.projection.posterior import (PosteriorDraws, ar1_mean_path, ar1_transition_sd,
                                          log_ar1_mean_path)
from forecast.projection.settings import ProjectionSettings

MAX_ARRIVALS_PER_PATH = 1000  # 50 a year over 20 years; each arrival is simulated


def thin(draws: PosteriorDraws, settings: ProjectionSettings) -> PosteriorDraws:
    """Evenly spaced posterior draws so that draws x paths_per_draw <= max_paths.

    Parameters
    ----------
    draws : PosteriorDraws
        The posterior draws.
    settings : ProjectionSettings
        `max_paths` and `paths_per_draw`.

    Returns
    -------
    PosteriorDraws
        `draws` itself when within the limit, else an evenly spaced subset.
    """
    if settings.max_paths is None or draws.n * settings.paths_per_draw <= settings.max_paths:
        return draws
    keep = max(1, settings.max_paths // settings.paths_per_draw)
    return draws.subset(np.linspace(0, draws.n - 1, keep).round().astype(int))


def _logistic(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def drift_slope(state: np.ndarray, log: bool) -> np.ndarray:
    """The drift's slope from its state: exp(state) for positive slopes modelled on the log
    scale (`PosteriorDraws.drift_log`), else max(state, 0).

    Parameters
    ----------
    state : numpy.ndarray
        The log slope or the slope.
    log : bool
        Whether `state` is a log slope.

    Returns
    -------
    numpy.ndarray
        The slope, log10 params per year.
    """
    return np.exp(state) if log else np.maximum(state, 0.0)


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
    counter-based generator (`forecast.projection.arrivals`) that gives each path's k-th
    technique the same date and size whenever it is drawn, and are drawn only as far as a path
    is evaluated (`draw_arrivals_until`). So a path's values do not depend on how its months are
    evaluated: `simulate_paths` evaluates every month of every path at once;
    `forecast.projection.crossing.march_crossings` marches forward in blocks and drops the paths
    that have crossed (early exit), which skips most of the work when most futures cross early;
    `march_crossings_compiled` hands the same draws to a compiled kernel
    (`forecast.projection.crossing_kernel.march`, through `kernel_arguments`) that walks each
    path month by month and stops it at its crossing. When every walk sd is 0 no Brownian
    increments are drawn.

    Drift state (the Brownian walk W and the accumulated rise) is carried from one block to the
    next per path, so blocks must be evaluated in time order for the rows they include.

    Parameters
    ----------
    draws : PosteriorDraws
        The posterior draws (thinned to `settings.max_paths`).
    future_draws : FutureDraws
        The prior-only draws paired with them.
    budget_axis : {"params_total", "params_active", "memory_bytes"}
        The budget's axis (a mixture of experts counts differently on the active axis; memory
        budgets add the quality retention of `bits`-bit weights).
    settings : ProjectionSettings
        Grid, seed and future techniques on or off.
    bits : float or None
        Bits per weight of a memory budget (16 when not given).

    Raises
    ------
    UserError
        For arrival rates that are negative, not finite, or too many to simulate.
    KeyError
        For a memory budget whose bit width has no retention draws.
    """

    def __init__(self, draws: PosteriorDraws, future_draws: FutureDraws, budget_axis: str,
                 settings: ProjectionSettings, bits: float | None = None) -> None:
        draws = thin(draws, settings)
        self.draws, self.future, self.axis, self.settings = draws, future_draws, budget_axis, settings
        start = draws.data_end if settings.start is None else settings.start
        self.start = start
        self.n_months = max(1, int(np.ceil((settings.horizon - start) * 12)))
        self.edges = start + np.arange(self.n_months + 1) / 12.0
        self.P = draws.n * settings.paths_per_draw
        self.draw = np.repeat(np.arange(draws.n), settings.paths_per_draw)
        self.dt = 1.0 / 12.0
        rng = np.random.default_rng(settings.seed)
        self._draw_walk(rng)
        self._start_arrivals()
        self.retention = self._retention(bits)
        self._start_drift(rng)

    def _draw_walk(self, rng: np.random.Generator) -> None:
        """The drift's Brownian increments dW (P, M), and the per-path drift state.

        The slope's deviation X from its anchor follows X_{m+1} = a X_m + c xi_m per month
        (random walk: anchor r0, a = 1, c = s_y sqrt(dt); AR(1)/OU: anchor rho_bar, a = phi^dt,
        c = s_y sqrt((1 - phi^(2 dt)) / (1 - phi^2)), the exact monthly transition). No
        increments are drawn when every walk sd is 0 (a deterministic drift: hand-made and
        priors-only draws; a fitted posterior always has a positive sd)."""
        P = self.P
        self.walk = bool(np.any(self.draws.drift_walk_sd != 0))
        self.dW = (rng.standard_normal((P, self.n_months)) * np.sqrt(self.dt) if self.walk
                   else np.zeros((P, 0)))
        self.W_at = np.zeros(P)  # X at the first month of the next block, per path
        self.rise_at = np.zeros(P)  # accumulated rise at the same month
        self.next_month = np.zeros(P, dtype=int)

    def _start_arrivals(self) -> None:
        """The future techniques' generator and each path's first arrival.

        A Poisson process of rate lambda per year from the as-of date to the horizon, from a
        counter-based generator (`forecast.projection.arrivals`), so they are drawn only as far
        as each path is evaluated (`draw_arrivals_until`); `arrivals` holds the (rows, dates,
        sizes) drawn so far, `next_arrival` and `arrival_index` each path's next date (+inf:
        none before the horizon) and its index k."""
        draws, future, settings, P = self.draws, self.future, self.settings, self.P
        self.arrivals: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.arrival_key = arrival_key(settings.seed)
        self.arrival_start = max(draws.as_of, self.start)
        self.arrival_end = float(settings.horizon)
        if settings.arrivals and self.arrival_end > self.arrival_start:
            self.arrival_rate = np.asarray(future.arrival_rate, dtype=float)
            if not np.all(np.isfinite(self.arrival_rate) & (self.arrival_rate >= 0)):
                raise UserError("future techniques' arrival rates must be finite and not negative",
                                key="engine.arrivals.rate")
            expected = self.arrival_rate[self.draw] * (self.arrival_end - self.arrival_start)
            if float(np.median(expected)) > MAX_ARRIVALS_PER_PATH:
                raise UserError(
                    f"{np.median(expected):.3g} future techniques per simulated future (arrival "
                    f"rate {np.median(future.arrival_rate):.3g} a year); at most "
                    f"{MAX_ARRIVALS_PER_PATH} are supported", key="engine.arrivals.rate")
        else:
            self.arrival_rate = np.zeros(len(future.arrival_rate))
        self.arrival_index = np.zeros(P, dtype=np.int64)
        self.next_arrival = next_dates(self.arrival_key, np.arange(P), self.arrival_index,
                                       np.full(P, self.arrival_start), self.arrival_rate[self.draw],
                                       self.arrival_end)
        self.amax = draws.adoption_max.mean(axis=1) if draws.adoption_max.size else np.ones(draws.n)

    def _retention(self, bits: float | None) -> np.ndarray | None:
        """log10 quality retention of `bits`-bit weights per draw (memory budgets), else None."""
        if self.axis != "memory_bytes":
            return None
        key = float(bits or 16)
        if key not in self.future.retention:
            raise KeyError(f"no quantization retention for {key:g}-bit weights")
        return self.future.retention[key]

    def _start_drift(self, rng: np.random.Generator) -> None:
        """The drift's level at the start and, for a mean-reverting slope, its monthly transition
        and each path's slope state at the start."""
        draws, P = self.draws, self.P
        rate = draws.drift_rate
        gap = max(self.start - draws.data_end, 0.0)
        self.mean_reverting = draws.drift_long_run is not None and draws.drift_persistence is not None
        # the random walk's slope state at the data's end (a log for positive slopes)
        self.walk_start = np.log(rate) if draws.drift_log else rate
        if self.mean_reverting:
            # from the data's end to the start: the expected rise (not below 0) and, at the
            # start, the slope's exact AR(1) state (its expected value plus the gap's noise)
            phi = np.clip(draws.drift_persistence, 1e-9, 1.0 - 1e-9)
            rise, slope_start = ar1_mean_path(rate, draws.drift_long_run, phi, gap)
            if draws.drift_log:
                # the AR(1) runs on the log slope: its state and anchor are logs
                anchor = np.log(draws.drift_long_run)
                rise, slope_start = log_ar1_mean_path(np.log(rate), anchor, phi,
                                                      draws.drift_walk_sd, gap)
                self.drift_start = draws.drift_level + rise
            else:
                anchor = draws.drift_long_run
                self.drift_start = draws.drift_level + np.maximum(rise, 0.0)
            self.anchor = anchor
            self.decay = phi ** self.dt
            # per unit of dW (which carries sqrt(dt)): the exact monthly transition's sd / sqrt(dt)
            self.step_scale = ar1_transition_sd(draws.drift_walk_sd, phi, self.dt) / np.sqrt(self.dt)
            gap_sd = ar1_transition_sd(draws.drift_walk_sd, phi, gap)
            xi = rng.standard_normal(P)
            self.W_at = (slope_start - self.anchor)[self.draw] + gap_sd[self.draw] * xi
        elif draws.drift_log:
            self.drift_start = draws.drift_level + rate * gap
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
        """The records `forecast.projection.crossing_kernel.march` takes for these futures.

        Parameters
        ----------
        L : float
            The budget's log10 size.
        theta_star, noise : numpy.ndarray
            (n,) the target's required capability and observation noise per draw.
        settings : ProjectionSettings
            Frontier and size-window quadrature.
        exp_draws : numpy.ndarray
            (P,) the paths' Exp(1) thresholds.

        Returns
        -------
        tuple
            (Grid, KnownTerms, Drift, FutureTechniques, Levels, ReleaseProcess, Question) of
            `forecast.projection.kernel_inputs`; the parts that depend on the futures alone are
            built once per simulator.
        """
        return (*self._kernel_futures,
                question_record(self, L, theta_star, noise, settings, exp_draws))

    @functools.cached_property
    def _kernel_futures(self) -> tuple:
        return futures_records(self)

    # ------------------------------------------------------------------ one block
    def block(self, rows: np.ndarray, i0: int, i1: int) -> _Paths:
        """mu(T, L) - L, V(T) and the release log-rate of paths `rows` at month edges i0..i1.

        Each row's previous block must have ended at i0 (or i0 = 0 for its first block).

        Parameters
        ----------
        rows : numpy.ndarray
            The paths to evaluate.
        i0, i1 : int
            First and last month edge.

        Returns
        -------
        _Paths
            The paths' capability on the block's month edges.
        """
        if np.any(self.next_month[rows] != i0):
            raise ValueError("blocks of a path must be evaluated in time order")
        draws, future = self.draws, self.future
        edges = self.edges[i0:i1 + 1]
        T = edges[None, :]
        d = self.draw[rows]
        ud, inv = np.unique(d, return_inverse=True)
        known_mean, known_var = self._known(ud, edges)
        base, var = known_mean[inv], known_var[inv]
        var = var + (draws.quality_sd**2 + draws.org_sd**2)[d, None]
        rise = self._drift_rise(rows, d, i0, i1)
        jump, jump_var = self._jumps(rows, edges)

        gain = (base - self.base_start[d]) + rise + jump
        ceiling = future.saturation[d, None]
        finite = np.isfinite(ceiling)
        if finite.any():
            capped = ceiling * (1.0 - np.exp(-np.clip(gain, 0, None) / np.where(finite, ceiling, 1.0)))
            gain = np.where(finite & (gain > 0), capped, gain)
        mean_offset = self.base_start[d] + self.drift_start[d, None] + gain
        if self.retention is not None:
            mean_offset = mean_offset + self.retention[d, None]

        t_growth = draws.data_end + future.release_growth_years
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

    def _drift_rise(self, rows: np.ndarray, d: np.ndarray, i0: int, i1: int) -> np.ndarray:
        """The drift's rise since the start at month edges i0..i1 of paths `rows` (draws `d`),
        carrying each path's slope state and rise on to its next block.

        The slope is `drift_slope` of the state: exp of the log slope for a fit with positive
        slopes (the process it fitted), else the part of the slope above 0 (the frontier does not
        regress):
            D(T) = D(data_end) + rise(data_end, start) + int_start^T slope(u) du
        (running sums continue from the carried value, so they equal the full grid's exactly)."""
        draws = self.draws
        if self.mean_reverting:
            a, c = self.decay[d], self.step_scale[d]
            W = np.empty((len(rows), i1 - i0 + 1))
            W[:, 0] = self.W_at[rows]
            for m in range(i1 - i0):
                W[:, m + 1] = a * W[:, m] + (c * self.dW[rows, i0 + m] if self.walk else 0.0)
            slope = drift_slope(self.anchor[d, None] + W, draws.drift_log)
        else:
            steps = self.dW[rows, i0:i1] if self.walk else np.zeros((len(rows), i1 - i0))
            W = np.cumsum(np.concatenate([self.W_at[rows, None], steps], axis=1), axis=1)
            slope = drift_slope(self.walk_start[d, None] + draws.drift_walk_sd[d, None] * W,
                                draws.drift_log)
        rise = np.cumsum(np.concatenate(
            [self.rise_at[rows, None], 0.5 * (slope[:, 1:] + slope[:, :-1]) * self.dt], axis=1), axis=1)
        self.W_at[rows], self.rise_at[rows], self.next_month[rows] = W[:, -1], rise[:, -1], i1
        return rise

    def _jumps(self, rows: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean and variance of the future techniques' gain J(T) of paths `rows` at `edges`: each
        technique arrived by T is adopted along its logistic curve (module docstring)."""
        future = self.future
        T = edges[None, :]
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
                    future.new_technique_speed * (T - ta - future.adoption_lag[dd, None])
                ) * (T >= ta)
                jump[p] += A * sz
                jump_var[p] += A * (1 - A) * sz**2
        return jump, jump_var


def simulate_paths(
    draws: PosteriorDraws,
    future_draws: FutureDraws,
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

    Parameters
    ----------
    draws : PosteriorDraws
        The posterior draws.
    future_draws : FutureDraws
        The prior-only draws paired with them.
    budget_axis : str
        The budget's axis (`PathSimulator`).
    settings : ProjectionSettings
        Grid and seed.
    bits : float or None
        Bits per weight of a memory budget.
    until : float or None
        Last date needed (decimal year); None: the horizon.

    Returns
    -------
    _Paths
        Every path's capability on the month grid.
    """
    sim = PathSimulator(draws, future_draws, budget_axis, settings, bits=bits)
    last = sim.n_months
    if until is not None:
        last = int(min(last, max(1, np.searchsorted(sim.edges, until, side="left"))))
    return sim.block(np.arange(sim.P), 0, last)
