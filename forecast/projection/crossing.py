"""First-crossing dates: when a release within a budget first meets a target, per simulated future.

Releases at log10 size x arrive as a Poisson process of rate
    lambda_rel(T, x) = exp(r0 + g (min(T, t_growth) - t_ref) + c1 (x - 10) + c2 (x - 10)^2)
per month per unit of log10 size. A budget of L = log10 N admits sizes x <= L, so the
hazard that some release reaches the target capability theta* in month T is

    h(T) = integral_{L - w}^{L} lambda_rel(T, x) Phi((mu(T, x) - theta*) / sqrt(V(T))) dx,

(Gauss-Legendre quadrature over the window w; mu and V as `forecast.projection.simulator`
states them), and the first-crossing time solves H(T) = integral h = E with E ~ Exp(1) drawn
per simulated future: a first-event time of an inhomogeneous Poisson process, found exactly on
the piecewise-linear cumulative hazard. Paths that never reach E by the horizon are returned as
+inf ("not before the horizon").

`frontier="mean"` drops the release process and the spread: the crossing is the first time
mu(T, L) >= theta*, linear between month boundaries (used for closed-form checks).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.special import ndtr

from forecast.projection.future_draws import FutureDraws
from forecast.projection.posterior import PosteriorDraws
from forecast.projection.question import Budget, Target, can_cross, required_theta
from forecast.projection.settings import ProjectionSettings
from forecast.projection.simulator import PathSimulator, _Paths, thin

FIRST_BLOCK_MONTHS = 6
MAX_BLOCK_MONTHS = 48


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
    """First-crossing year per path on the whole grid of `paths`.

    Parameters
    ----------
    paths : _Paths
        Simulated capabilities (`forecast.projection.simulator.simulate_paths`).
    L : float
        The budget's log10 size.
    theta_star, noise : numpy.ndarray
        (n,) required capability and observation noise per draw (`required_theta`).
    settings : ProjectionSettings
        Frontier and size-window quadrature.
    exp_draws : numpy.ndarray
        (P,) Exp(1) thresholds per path (release frontier).

    Returns
    -------
    numpy.ndarray
        (P,) decimal years; +inf where none before the grid's end.
    """
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
    future_draws: FutureDraws,
    target: Target,
    budget: Budget,
    settings: ProjectionSettings,
) -> np.ndarray:
    """Distribution of the first date (decimal year) a release within `budget` meets `target`.

    Parameters
    ----------
    draws : PosteriorDraws
        The posterior draws (thinned to `settings.max_paths`).
    future_draws : FutureDraws
        The prior-only draws paired with them.
    target : Target
        The target capability.
    budget : Budget
        The size budget.
    settings : ProjectionSettings
        Horizon, paths per draw, seed, frontier.

    Returns
    -------
    numpy.ndarray
        One decimal year per simulated future (draws x paths_per_draw); +inf = not before the
        horizon.
    """
    draws = thin(draws, settings)
    if settings.reported and settings.frontier == "release":
        draws = draws.reported_on([b for b, _ in target.thresholds])
    theta_star, noise = required_theta(draws, target)
    sim = PathSimulator(draws, future_draws, budget.axis, settings, bits=budget.bits)
    E = np.random.default_rng(settings.seed + 1).exponential(size=sim.P)
    return marcher(settings)(sim, budget.log10_params, theta_star, noise, settings, E)


def marcher(settings: ProjectionSettings) -> Callable[..., np.ndarray]:
    """The first-crossing march `settings.compiled` selects: `march_crossings_compiled` or
    `march_crossings` (the same signature and dates, to 1e-12 years)."""
    return march_crossings_compiled if settings.compiled else march_crossings


def march_crossings(
    sim: PathSimulator, L: float, theta_star: np.ndarray, noise: np.ndarray,
    settings: ProjectionSettings, exp_draws: np.ndarray,
) -> np.ndarray:
    """`first_crossing` with early exit.

    The months are evaluated in blocks (6 months, doubling up to 48), each path's cumulative
    hazard is carried from block to block, and a path leaves the computation in the block where
    its cumulative hazard reaches its Exp(1) threshold (for `frontier="mean"`, where its mean
    capability first reaches the target); paths that cannot cross (`can_cross`) are not marched
    at all. The result equals `first_crossing` on the full grid exactly (same draws; every
    running sum continues from its carried value, so it adds the same numbers in the same
    order). The march advances `sim`'s drift state, so a simulator serves one march.

    Parameters
    ----------
    sim : PathSimulator
        The simulated futures, not yet evaluated.
    L : float
        The budget's log10 size.
    theta_star, noise : numpy.ndarray
        (n,) required capability and observation noise per draw.
    settings : ProjectionSettings
        Frontier and size-window quadrature.
    exp_draws : numpy.ndarray
        (P,) Exp(1) thresholds per path.

    Returns
    -------
    numpy.ndarray
        (P,) decimal years; +inf = not before the horizon.
    """
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
    """`march_crossings` compiled: each path is evaluated month by month until it crosses.

    The kernel (`forecast.projection.crossing_kernel.march`) works on the futures `sim` drew
    and leaves `sim` unchanged, so one simulator serves many questions. It agrees with
    `first_crossing` on the full grid to about 1e-12 years (the kernel carries the adoption
    logistics by recurrence, the grid evaluates them month by month). Loading Numba and the
    cached kernel costs about 0.4 s once per process, and compiling it the first time about
    7.5 s, so it pays where one process asks many questions (the report) or hard ones.

    Parameters
    ----------
    sim : PathSimulator
        The simulated futures, ordered by posterior draw.
    L : float
        The budget's log10 size.
    theta_star, noise : numpy.ndarray
        (n,) required capability and observation noise per draw.
    settings : ProjectionSettings
        Frontier and size-window quadrature.
    exp_draws : numpy.ndarray
        (P,) Exp(1) thresholds per path.

    Returns
    -------
    numpy.ndarray
        (P,) decimal years; +inf = not before the horizon.
    """
    import numba  # deferred: Numba takes about 0.4 s to import

    from forecast.projection.crossing_kernel import march  # deferred: imports Numba

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
