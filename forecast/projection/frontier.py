"""The size and score frontiers: the smallest size that meets a target by a date, and the best
score within a budget at a date, per simulated future."""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

from forecast.model.links import link_cdf
from forecast.projection.crossing import first_crossing
from forecast.projection.future_draws import FutureDraws
from forecast.projection.posterior import PosteriorDraws
from forecast.projection.question import Budget, Target, can_cross, required_theta
from forecast.projection.settings import ProjectionSettings
from forecast.projection.simulator import simulate_paths, thin


def smallest_size(
    draws: PosteriorDraws,
    future_draws: FutureDraws,
    target: Target,
    dates: np.ndarray,
    settings: ProjectionSettings,
    log10_grid: np.ndarray | None = None,
    axis: str = "params_total",
) -> np.ndarray:
    """log10 of the smallest parameter count that has met `target` by each date, per path.

    The same simulated futures and Exp(1) thresholds serve every size, so the answer is
    monotone in the date. Sizes are tried from the smallest up, each path until it has crossed
    by every date, and only the months up to the last date are evaluated (`simulate_paths` with
    `until`): a crossing by a date is found on them exactly as on the grid to the horizon.

    Parameters
    ----------
    draws : PosteriorDraws
        The posterior draws.
    future_draws : FutureDraws
        The prior-only draws paired with them.
    target : Target
        The target capability.
    dates : numpy.ndarray
        Decimal years.
    settings : ProjectionSettings
        Horizon, paths per draw, seed, frontier.
    log10_grid : numpy.ndarray or None
        The sizes tried (log10 parameters); default 7.5 to 12.5 in steps of 0.1.
    axis : str
        The budget axis the sizes are counted on.

    Returns
    -------
    numpy.ndarray
        (paths, len(dates)); +inf where no size on the grid has crossed by that date.
    """
    draws = thin(draws, settings)
    if log10_grid is None:
        log10_grid = np.arange(7.5, 12.55, 0.1)
    dates = np.asarray(dates, dtype=float)
    theta_star, noise = required_theta(draws, target)
    last = float(dates.max()) if dates.size else None
    paths = simulate_paths(draws, future_draws, axis, settings, until=last)
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
    future_draws: FutureDraws,
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

    Parameters
    ----------
    draws : PosteriorDraws
        The posterior draws.
    future_draws : FutureDraws
        The prior-only draws paired with them.
    budget : Budget
        The size budget.
    benchmark : str
        The benchmark scored.
    dates : numpy.ndarray
        Decimal years.
    settings : ProjectionSettings
        Horizon, paths per draw, seed.
    window_years : float
        The span of releases before each date.

    Returns
    -------
    numpy.ndarray
        (paths, len(dates)) scores in [0, 1].
    """
    draws = thin(draws, settings)
    rng = np.random.default_rng(settings.seed + 2)
    dates = np.asarray(dates, dtype=float)
    # the months up to the last date: the same values as the grid to the horizon has there
    last = float(dates.max()) if dates.size else None
    paths = simulate_paths(draws, future_draws, budget.axis, settings, bits=budget.bits, until=last)
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
