"""Projection: closed-form crossing, monotonicity, reproducibility (hand-made draws)."""

from __future__ import annotations

import numpy as np
import pytest

from forecast.project import (
    Budget,
    ProjectionSettings,
    Target,
    crossing_times,
    required_theta,
    smallest_size,
)
from forecast.scaling_law import ChinchillaLaw
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


@pytest.mark.parametrize(("rate", "walk", "saturation", "axis", "frontier"), [
    (0.0, 0.0, np.inf, "params_total", "release"),
    (1.5, 0.2, np.inf, "params_total", "release"),
    (3.0, 0.3, 0.8, "memory_bytes", "release"),
    (1.5, 0.2, np.inf, "params_total", "mean"),
])
def test_early_exit_march_equals_the_full_grid(rate, walk, saturation, axis, frontier):
    """`crossing_times` marches in blocks and stops paths once crossed; on the same draws the
    first crossing on the full month grid gives the same dates, bit for bit."""
    from dataclasses import replace

    from forecast.project import first_crossing, simulate_paths

    d = make_draws(n=300, beta=0.3, drift_rate=0.15, walk_sd=walk, jitter=0.3,
                   release_log_rate=-2.0, quality_sd=0.3, seed=4)
    e = replace(make_engine(n=300, rate=rate), saturation=np.full(300, saturation))
    s = ProjectionSettings(horizon=2040.0, paths_per_draw=3, seed=11, frontier=frontier)
    budget = Budget(axis, 2e9 if axis == "memory_bytes" else 1e9, bits=4.0 if axis == "memory_bytes" else None)
    for y in (0.55, 0.70, 0.85):
        target = Target(f"mmlu={y}", (("mmlu", y),))
        marched = crossing_times(d, e, target, budget, s)
        theta_star, noise = required_theta(d, target)
        paths = simulate_paths(d, e, budget.axis, s, bits=budget.bits)
        E = np.random.default_rng(s.seed + 1).exponential(size=len(paths.draw))
        dense = first_crossing(paths, budget.log10_params, theta_star, noise, s, E)
        np.testing.assert_array_equal(marched, dense)
        assert np.isfinite(dense).any() or y == 0.85  # the cases cross at all


def test_path_blocks_must_run_in_time_order():
    from forecast.project import PathSimulator

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
