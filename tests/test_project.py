"""Projection: closed-form crossing, monotonicity, reproducibility (hand-made draws)."""

from __future__ import annotations

import numpy as np
import pytest

from forecast.projection.crossing import crossing_times
from forecast.projection.frontier import smallest_size
from forecast.projection.question import Budget, Target, required_theta
from forecast.projection.settings import ProjectionSettings
from forecast.inputs.scaling_law import ChinchillaLaw
from tests.conftest import make_draws, make_engine


def test_closed_form_crossing_to_the_day():
    """One technique (fully adopted), linear drift, no arrivals, no spread: analytic date."""
    d = make_draws(n=10, beta=0.3, drift_rate=0.25, drift_level=0.1, data_end=2024.0,
                   midpoint=10.5, slope=1.5, ceiling=0.05)
    e = make_engine(n=10)
    target = Target("mmlu=0.70", (("mmlu", 0.70),))
    budget = Budget("params_total", 1e9)
    s = ProjectionSettings(horizon=2040.0, paths_per_draw=1, frontier="mean", arrivals=False)
    t = crossing_times(d, e, target, budget, s)
    # theta* = mu + logit((0.70 - 0.25) / (1 - 0.25 - 0.05)) / a
    q = (0.70 - 0.25) / 0.70
    theta_star = 10.5 + np.log(q / (1 - q)) / 1.5
    # 9 + 0.3 + 0.1 + 0.25 (T - 2024) = theta*
    expected = 2024.0 + (theta_star - 9.0 - 0.3 - 0.1) / 0.25
    assert np.allclose(t, expected, atol=1 / 365.25)


def test_frontier_does_not_regress_under_a_negative_drift():
    """A negative fitted drift slope does not make the frontier worse: with no walk and no
    arrivals, a target above today's level is never reached, one below it is reached at the start."""
    d = make_draws(n=10, beta=0.3, drift_rate=-0.3, drift_level=0.1, data_end=2024.0,
                   midpoint=10.5, slope=1.5, ceiling=0.05)
    e = make_engine(n=10)
    s = ProjectionSettings(horizon=2040.0, paths_per_draw=1, frontier="mean", arrivals=False)
    theta_now = 9.0 + 0.3 + 0.1
    for score, reached in ((0.80, False), (0.30, True)):
        t = crossing_times(d, e, Target(f"mmlu={score}", (("mmlu", score),)), Budget("params_total", 1e9), s)
        assert np.all(np.isfinite(t)) == reached, (score, t)
        if reached:
            assert np.allclose(t, 2024.0)
    # a projection starting a year after the data end keeps the level at the data end (a
    # regressing drift would have lowered it by 0.3 and missed this target for ever)
    q = 1.0 / (1.0 + np.exp(-1.5 * (theta_now - 10.5)))
    y = 0.25 + 0.70 * q - 1e-4
    later = ProjectionSettings(horizon=2040.0, paths_per_draw=1, frontier="mean", arrivals=False, start=2025.0)
    t = crossing_times(d, e, Target("at-level", (("mmlu", y),)), Budget("params_total", 1e9), later)
    assert np.allclose(t, 2025.0)


def test_required_theta_ceiling_is_unreachable():
    d = make_draws(n=5, ceiling=0.05)
    theta, _ = required_theta(d, Target("x", (("mmlu", 0.96),)))
    assert np.all(np.isinf(theta))


@pytest.fixture(scope="module")
def stochastic():
    d = make_draws(n=300, jitter=0.2, walk_sd=0.05, noise=0.01, release_log_rate=0.5, seed=3)
    e = make_engine(n=300, rate=1.0)
    return d, e


def _median(t: np.ndarray) -> float:
    return float(np.quantile(t, 0.5))


def test_larger_budget_never_later(stochastic):
    d, e = stochastic
    s = ProjectionSettings(horizon=2045.0, paths_per_draw=2, seed=7)
    target = Target("mmlu=0.7", (("mmlu", 0.7),))
    medians = [_median(crossing_times(d, e, target, Budget("params_total", n), s))
               for n in (5e8, 1e9, 3e9, 7e9)]
    assert all(a >= b for a, b in zip(medians, medians[1:]))


def test_higher_target_never_earlier(stochastic):
    d, e = stochastic
    s = ProjectionSettings(horizon=2045.0, paths_per_draw=2, seed=7)
    budget = Budget("params_total", 1e9)
    medians = [_median(crossing_times(d, e, Target(f"{y}", (("mmlu", y),)), budget, s))
               for y in (0.5, 0.6, 0.7, 0.8)]
    assert all(a <= b for a, b in zip(medians, medians[1:]))


def test_same_seed_same_answer(stochastic):
    d, e = stochastic
    s = ProjectionSettings(horizon=2045.0, paths_per_draw=2, seed=11)
    target = Target("mmlu=0.7", (("mmlu", 0.7),))
    a = crossing_times(d, e, target, Budget("params_total", 1e9), s)
    b = crossing_times(d, e, target, Budget("params_total", 1e9), s)
    assert np.array_equal(a, b)


def test_smallest_size_is_monotone_in_time(stochastic):
    d, e = stochastic
    s = ProjectionSettings(horizon=2040.0, paths_per_draw=1, seed=5)
    dates = np.array([2025.0, 2027.0, 2030.0, 2035.0])
    sizes = smallest_size(d, e, Target("mmlu=0.7", (("mmlu", 0.7),)), dates, s)
    assert np.all(np.diff(sizes, axis=1) <= 1e-12)


def test_smallest_size_agrees_with_crossing_times(stochastic):
    """The path-wise smallest size at date T crosses by T; the next grid size down does not."""
    d, e = stochastic
    s = ProjectionSettings(horizon=2040.0, paths_per_draw=1, seed=5)
    target = Target("mmlu=0.7", (("mmlu", 0.7),))
    grid = np.arange(8.0, 12.01, 0.25)
    sizes = smallest_size(d, e, target, np.array([2030.0]), s, log10_grid=grid)[:, 0]
    for L in (9.0, 10.0):
        t = crossing_times(d, e, target, Budget("params_total", 10**L), s)
        assert np.array_equal(t <= 2030.0, sizes <= L + 1e-9)


@pytest.mark.parametrize("compiled", [False, True])
@pytest.mark.parametrize(("rate", "walk", "saturation", "axis", "frontier"), [
    (0.0, 0.0, np.inf, "params_total", "release"),
    (1.5, 0.2, np.inf, "params_total", "release"),
    (3.0, 0.3, 0.8, "memory_bytes", "release"),
    (1.5, 0.2, np.inf, "params_total", "mean"),
])
def test_early_exit_march_equals_the_full_grid(rate, walk, saturation, axis, frontier, compiled):
    """`crossing_times` marches in blocks and stops paths once crossed; on the same draws the
    first crossing on the full month grid gives the same dates, bit for bit. The compiled march
    walks each path month by month and gives them to rounding."""
    from dataclasses import replace

    from forecast.projection.crossing import first_crossing
    from forecast.projection.simulator import simulate_paths

    d = make_draws(n=300, beta=0.3, drift_rate=0.15, walk_sd=walk, jitter=0.3,
                   release_log_rate=-2.0, quality_sd=0.3, seed=4)
    e = replace(make_engine(n=300, rate=rate), saturation=np.full(300, saturation))
    s = ProjectionSettings(horizon=2040.0, paths_per_draw=3, seed=11, frontier=frontier,
                           compiled=compiled)
    budget = Budget(axis, 2e9 if axis == "memory_bytes" else 1e9, bits=4.0 if axis == "memory_bytes" else None)
    for y in (0.55, 0.70, 0.85):
        target = Target(f"mmlu={y}", (("mmlu", y),))
        marched = crossing_times(d, e, target, budget, s)
        theta_star, noise = required_theta(d, target)
        paths = simulate_paths(d, e, budget.axis, s, bits=budget.bits)
        E = np.random.default_rng(s.seed + 1).exponential(size=len(paths.draw))
        dense = first_crossing(paths, budget.log10_params, theta_star, noise, s, E)
        if compiled:
            np.testing.assert_array_equal(np.isfinite(marched), np.isfinite(dense))
            np.testing.assert_allclose(marched, dense, rtol=0, atol=1e-9)
        else:
            np.testing.assert_array_equal(marched, dense)
        assert np.isfinite(dense).any() or y == 0.85  # the cases cross at all


def test_path_blocks_must_run_in_time_order():
    from forecast.projection.simulator import PathSimulator

    sim = PathSimulator(make_draws(n=5), make_engine(n=5), "params_total",
                        ProjectionSettings(horizon=2030.0, paths_per_draw=1))
    sim.block(np.arange(5), 0, 6)
    with pytest.raises(ValueError):
        sim.block(np.arange(5), 12, 18)


@pytest.mark.parametrize("law", [ChinchillaLaw(), ChinchillaLaw(alpha=0.30, beta=0.40, reference_tpp=30.0)])
def test_the_token_effect_follows_the_draws_law_to_the_day(law):
    """The token term gamma f(log10 r) uses the Chinchilla law the draws carry (the priors' law
    the fit read gamma through), not a built-in one: with a constant ratio r = 100 and no spread it
    adds gamma log10 m_law(100) to the closed-form crossing."""
    import dataclasses

    d = make_draws(n=10, beta=0.3, drift_rate=0.25, drift_level=0.1, data_end=2024.0,
                   midpoint=10.5, slope=1.5, ceiling=0.05)
    d = dataclasses.replace(d, gamma=np.full(10, 0.8), tpp_intercept=np.full(10, 2.0),
                            tpp_trend=np.zeros(10), tpp_sd=np.zeros(10), token_law=law)
    t = crossing_times(d, make_engine(n=10), Target("mmlu=0.70", (("mmlu", 0.70),)), Budget("params_total", 1e9),
                       ProjectionSettings(horizon=2040.0, paths_per_draw=1, frontier="mean", arrivals=False))
    q = (0.70 - 0.25) / 0.70
    theta_star = 10.5 + np.log(q / (1 - q)) / 1.5
    tokens = 0.8 * law.log10_multiplier_at(100.0)
    expected = 2024.0 + (theta_star - 9.0 - 0.3 - 0.1 - tokens) / 0.25
    assert np.allclose(t, expected, atol=1 / 365.25)


def test_mean_reverting_drift_crossing_to_the_day():
    """AR(1) drift, no noise: the slope decays from r0 to the long-run rate as phi^t, so
    D(T) = D0 + rho_bar (T - S) + (r0 - rho_bar) (1 - phi^(T - S)) / ln(1/phi); the crossing
    of a target solves it to the day (and differs from the random-walk answer by years)."""
    from scipy.optimize import brentq

    r0, rho_bar, phi = 0.6, 0.2, 0.4
    kw = dict(n=10, beta=0.3, drift_rate=r0, drift_level=0.1, data_end=2024.0,
              midpoint=10.5, slope=1.5, ceiling=0.05)
    e = make_engine(n=10)
    target = Target("mmlu=0.70", (("mmlu", 0.70),))
    budget = Budget("params_total", 1e9)
    s = ProjectionSettings(horizon=2040.0, paths_per_draw=1, frontier="mean", arrivals=False)
    q = (0.70 - 0.25) / 0.70
    theta_star = 10.5 + np.log(q / (1 - q)) / 1.5
    k = -np.log(phi)

    def level(T: float) -> float:
        return 9.0 + 0.3 + 0.1 + rho_bar * (T - 2024.0) + (r0 - rho_bar) * (1 - phi ** (T - 2024.0)) / k

    expected = brentq(lambda T: level(T) - theta_star, 2024.0, 2040.0)
    t = crossing_times(make_draws(**kw, long_run=rho_bar, persistence=phi), e, target, budget, s)
    assert np.allclose(t, expected, atol=1 / 365.25), (t[0], expected)
    walk = crossing_times(make_draws(**kw), e, target, budget, s)
    assert walk[0] < expected - 1.0  # the random walk keeps the fast slope


def test_mean_reverting_drift_has_the_ou_mean_and_variance():
    """Monthly exact OU transitions: the accumulated drift over T years has the
    Ornstein-Uhlenbeck integral's mean and variance (slope kept positive, so no clipping):
    with X0 = r0 - rho_bar, k = -ln phi, sigma^2 = 2 k s^2 / (1 - phi^2),
    E = rho_bar T + X0 (1 - e^{-kT}) / k,
    Var = sigma^2 / k^2 [T - 2 (1 - e^{-kT}) / k + (1 - e^{-2kT}) / (2k)]."""
    from forecast.projection.simulator import simulate_paths

    r0, rho_bar, phi, s_y, T = 1.2, 1.0, 0.6, 0.08, 5.0
    d = make_draws(n=20000, beta=0.0, drift_rate=r0, drift_level=0.0, data_end=2024.0,
                   walk_sd=s_y, long_run=rho_bar, persistence=phi, quality_sd=0.0)
    e = make_engine(n=20000)
    s = ProjectionSettings(horizon=2024.0 + T, paths_per_draw=1, arrivals=False, max_paths=None, seed=5)
    paths = simulate_paths(d, e, "params_total", s)
    rise = paths.mean_offset[:, -1] - paths.mean_offset[:, 0]
    k = -np.log(phi)
    sigma2 = 2 * k * s_y**2 / (1 - phi**2)
    mean = rho_bar * T + (r0 - rho_bar) * (1 - np.exp(-k * T)) / k
    var = sigma2 / k**2 * (T - 2 * (1 - np.exp(-k * T)) / k + (1 - np.exp(-2 * k * T)) / (2 * k))
    # trapezoidal months: the mean is exact to O(dt^2), the variance to a few per mille
    assert abs(rise.mean() - mean) < 4 * np.sqrt(var / len(rise)) + 1e-4
    assert abs(rise.var() / var - 1) < 0.05, (rise.var(), var)


def test_mean_reverting_drift_blocks_equal_the_full_grid():
    """The early-exit marches carry the AR(1) state from block to block (NumPy) and month to
    month (compiled): the same answer as evaluating every month at once."""
    from forecast.projection.crossing import first_crossing, march_crossings, march_crossings_compiled
    from forecast.projection.simulator import PathSimulator

    d = make_draws(n=300, beta=0.3, drift_rate=0.3, walk_sd=0.1, long_run=0.1, persistence=0.5,
                   jitter=0.2, release_log_rate=0.5, seed=4)
    e = make_engine(n=300)
    target = Target("mmlu=0.70", (("mmlu", 0.70),))
    s = ProjectionSettings(horizon=2040.0, paths_per_draw=2, seed=9)
    theta_star, noise = required_theta(d, target)
    full = PathSimulator(d, e, "params_total", s)
    E = np.random.default_rng(1).exponential(size=full.P)
    grid = first_crossing(full.block(np.arange(full.P), 0, full.n_months), 9.0, theta_star, noise, s, E)
    marched = march_crossings(PathSimulator(d, e, "params_total", s), 9.0, theta_star, noise, s, E)
    compiled = march_crossings_compiled(PathSimulator(d, e, "params_total", s), 9.0, theta_star, noise, s, E)
    assert np.isfinite(grid).mean() > 0.3
    assert np.array_equal(grid, marched)
    np.testing.assert_array_equal(np.isfinite(grid), np.isfinite(compiled))
    np.testing.assert_allclose(compiled, grid, rtol=0, atol=1e-9)


@pytest.mark.parametrize("frontier", ["release", "mean"])
@pytest.mark.parametrize("axis", ["params_total", "params_active", "memory_bytes"])
def test_the_compiled_march_equals_the_grid_with_every_term(frontier, axis):
    """Every term of mu(T) and V(T) at once: two techniques on adoption curves and one without,
    MoE through kappa, the token effect, an AR(1) drift with noise, future techniques, a soft
    ceiling and quantization retention; the compiled march and the NumPy grid agree."""
    from dataclasses import replace

    from forecast.projection.crossing import first_crossing, march_crossings_compiled
    from forecast.projection.simulator import PathSimulator

    n = 200
    rng = np.random.default_rng(5)
    base = make_draws(n=n, beta=0.3, drift_rate=0.1, walk_sd=0.15, long_run=0.08, persistence=0.6,
                      jitter=0.2, release_log_rate=-1.0, quality_sd=0.25, org_sd=0.1, noise=0.02,
                      spread=0.1, seed=6)
    d = replace(
        base,
        techniques=["curve_now", "curve_later", "always"],
        beta=np.column_stack([base.beta[:, 0], 0.2 + 0.05 * rng.standard_normal(n), np.full(n, 0.1)]),
        adoption_tech=["curve_now", "curve_later", "mixture_of_experts"],
        adoption_mid=np.column_stack([np.full(n, 1.0), np.full(n, 4.0), np.full(n, 2.5)])
        + 0.3 * rng.standard_normal((n, 3)),
        adoption_speed=np.exp(np.log(1.5) + 0.3 * rng.standard_normal((n, 3))),
        adoption_max=rng.uniform(0.5, 0.95, (n, 3)),
        kappa=0.6 + 0.1 * rng.standard_normal(n),
        gamma=1.0 + 0.2 * rng.standard_normal(n),
        release_size_slope=-0.3 + 0.05 * rng.standard_normal(n),
        release_size_curve=np.full(n, -0.2),
    )
    e = replace(make_engine(n=n, rate=2.5, lag=1.5), saturation=rng.uniform(1.0, 3.0, n))
    s = ProjectionSettings(horizon=2040.0, paths_per_draw=3, seed=8, frontier=frontier)
    bits = 4.0 if axis == "memory_bytes" else None
    L = np.log10(2e9 * 8 / 4) if axis == "memory_bytes" else 9.3
    for y in (0.6, 0.75, 0.9):
        theta_star, noise = required_theta(d, Target(f"mmlu={y}", (("mmlu", y),)))
        full = PathSimulator(d, e, axis, s, bits=bits)
        E = np.random.default_rng(2).exponential(size=full.P)
        grid = first_crossing(full.block(np.arange(full.P), 0, full.n_months), L, theta_star,
                              noise, s, E)
        marched = march_crossings_compiled(PathSimulator(d, e, axis, s, bits=bits), L, theta_star,
                                           noise, s, E)
        np.testing.assert_array_equal(np.isfinite(marched), np.isfinite(grid))
        np.testing.assert_allclose(marched, grid, rtol=0, atol=1e-9)
        assert 0.0 < np.isfinite(grid).mean() or y == 0.9


@pytest.mark.parametrize("frontier", ["release", "mean"])
def test_paths_whose_target_is_above_the_ceiling_answer_as_on_the_grid(frontier):
    """Draws where the target lies above the benchmark's ceiling (theta* = +inf) are not marched
    (`can_cross`); both marches still give the full grid's dates, bit for bit (NumPy) and to
    1e-9 years (compiled), including thresholds of exactly 0, which the grid reaches at the
    start."""
    from forecast.projection.crossing import first_crossing, march_crossings, march_crossings_compiled
    from forecast.projection.question import can_cross
    from forecast.projection.simulator import PathSimulator

    from dataclasses import replace

    d = make_draws(n=200, beta=0.3, drift_rate=0.3, walk_sd=0.1, jitter=0.5, release_log_rate=0.5, seed=21)
    d = replace(d, ceiling_loss=np.random.default_rng(22).uniform(0.02, 0.10, (200, 1)))
    e = make_engine(n=200, rate=2.0)
    s = ProjectionSettings(horizon=2040.0, paths_per_draw=2, seed=5, frontier=frontier)
    theta_star, noise = required_theta(d, Target("mmlu=0.94", (("mmlu", 0.94),)))
    above = np.isposinf(theta_star)
    assert 0.2 < above.mean() < 0.8
    full = PathSimulator(d, e, "params_total", s)
    E = np.random.default_rng(4).exponential(size=full.P)
    E[np.flatnonzero(above[full.draw])[:3]] = 0.0
    grid = first_crossing(full.block(np.arange(full.P), 0, full.n_months), 9.5, theta_star, noise, s, E)
    skipped = ~can_cross(theta_star, full.draw, E, frontier)
    assert skipped.sum() >= 0.2 * full.P and np.isinf(grid[skipped]).all()
    assert np.isfinite(grid).mean() > 0.1
    marched = march_crossings(PathSimulator(d, e, "params_total", s), 9.5, theta_star, noise, s, E)
    compiled = march_crossings_compiled(PathSimulator(d, e, "params_total", s), 9.5, theta_star, noise, s, E)
    assert np.array_equal(grid, marched)
    np.testing.assert_array_equal(np.isfinite(compiled), np.isfinite(grid))
    np.testing.assert_allclose(compiled, grid, rtol=0, atol=1e-9)


def test_the_compiled_march_does_not_depend_on_its_chunks_or_threads():
    """The kernel splits the draws into runs shared by Numba's threads; every path's date
    depends on its own draws alone, so one run on one thread gives the same dates, bit for bit,
    as many runs on every thread (the release frontier, with future techniques and a walk)."""
    import numba

    from forecast.projection.crossing_kernel import march
    from forecast.projection.simulator import PathSimulator

    d = make_draws(n=150, beta=0.3, drift_rate=0.2, walk_sd=0.15, jitter=0.2,
                   release_log_rate=-0.5, seed=11)
    e = make_engine(n=150, rate=3.0)
    s = ProjectionSettings(horizon=2040.0, paths_per_draw=3, seed=12, frontier="release")
    theta_star, noise = required_theta(d, Target("mmlu=0.75", (("mmlu", 0.75),)))
    sim = PathSimulator(d, e, "params_total", s)
    E = np.random.default_rng(3).exponential(size=sim.P)
    args = sim.kernel_arguments(9.3, theta_star, noise, s, E)
    threads = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = march(*args, 1, 256)
    finally:
        numba.set_num_threads(threads)
    many = march(*args, 37, 256)
    assert np.isfinite(one).mean() > 0.2
    assert np.array_equal(one, many)


def test_the_compiled_march_asks_again_when_a_path_needs_more_room(monkeypatch):
    """A path with more future techniques by its crossing than the kernel has room for is
    marked NaN and the question is asked again with twice the room: starting from room for one
    gives the same dates as the default room."""
    import forecast.projection.crossing as crossing
    from forecast.projection.simulator import PathSimulator

    d = make_draws(n=100, beta=0.3, drift_rate=0.2, walk_sd=0.1, jitter=0.2, release_log_rate=-0.5, seed=3)
    e = make_engine(n=100, rate=4.0)
    s = ProjectionSettings(horizon=2040.0, paths_per_draw=2, seed=6, frontier="release")
    theta_star, noise = required_theta(d, Target("mmlu=0.8", (("mmlu", 0.8),)))
    E = np.random.default_rng(1).exponential(size=200)
    default = crossing.march_crossings_compiled(PathSimulator(d, e, "params_total", s), 9.3,
                                                theta_star, noise, s, E)
    calls = []
    original = crossing.arrival_capacity

    def one(sim):
        calls.append(original(sim))
        return 1

    monkeypatch.setattr(crossing, "arrival_capacity", one)
    retried = crossing.march_crossings_compiled(PathSimulator(d, e, "params_total", s), 9.3,
                                                theta_star, noise, s, E)
    assert calls and np.isfinite(default).mean() > 0.2
    assert not np.isnan(retried).any()
    assert np.array_equal(default, retried)


def test_paths_until_a_date_are_the_full_grids_first_months():
    """`simulate_paths(until=...)` stops at the first month edge at or after the date and its
    values are the full grid's there, bit for bit (the futures are drawn for the horizon)."""
    from forecast.projection.simulator import simulate_paths

    d = make_draws(n=40, beta=0.3, drift_rate=0.15, walk_sd=0.2, jitter=0.3, seed=2)
    e = make_engine(n=40, rate=2.0)
    s = ProjectionSettings(horizon=2040.0, paths_per_draw=2, seed=3)
    full = simulate_paths(d, e, "params_total", s)
    short = simulate_paths(d, e, "params_total", s, until=2027.3)
    m = len(short.edges)
    assert short.edges[-1] >= 2027.3 > short.edges[-2]
    assert m < len(full.edges)
    for name in ("edges", "mean_offset", "var", "log_rate0"):
        np.testing.assert_array_equal(getattr(short, name), getattr(full, name)[..., :m])


@pytest.mark.parametrize("query", ["size", "capability"])
def test_size_and_capability_evaluate_only_the_months_they_need(query, stochastic, monkeypatch):
    """`smallest_size` and `best_score` evaluate the paths only up to their last date; the
    answers equal those computed on the grid to the horizon."""
    import forecast.projection.frontier as frontier

    d, e = stochastic
    s = ProjectionSettings(horizon=2040.0, paths_per_draw=1, seed=5)
    dates = np.array([2026.5, 2029.0])

    def ask():
        if query == "size":
            return frontier.smallest_size(d, e, Target("mmlu=0.7", (("mmlu", 0.7),)), dates, s)
        return frontier.best_score(d, e, Budget("params_total", 3e9), "mmlu", dates, s)

    seen = []
    real = frontier.simulate_paths

    def spy(*args, **kwargs):
        paths = real(*args, **kwargs)
        seen.append(paths.edges[-1])
        return paths

    monkeypatch.setattr(frontier, "simulate_paths", spy)
    short = ask()
    monkeypatch.setattr(frontier, "simulate_paths",
                        lambda *a, until=None, **k: spy(*a, **k))  # the grid to the horizon
    full = ask()
    assert seen[0] < 2029.2 and seen[1] == pytest.approx(2040.0, abs=1 / 12)
    np.testing.assert_array_equal(short, full)
    if query == "size":
        assert np.isfinite(short).any()
