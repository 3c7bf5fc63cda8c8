"""Future techniques from the counter-based generator (`forecast.projection.arrivals`)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from conftest import make_draws, make_engine
from forecast.projection.arrivals import arrival_key, next_dates, standard_normals, uniforms
from forecast.projection.settings import ProjectionSettings
from forecast.projection.simulator import PathSimulator


def test_the_kernels_uniforms_are_numpys_bit_for_bit():
    """The compiled march draws its own future techniques; its generator must give NumPy's."""
    from forecast.projection.crossing_kernel import _uniform

    rng = np.random.default_rng(0)
    key = arrival_key(123)
    path = rng.integers(0, 10**6, 300)
    k = rng.integers(0, 2000, 300)
    for stream in (0, 1, 2):
        numpy_u = uniforms(key, path, k, stream)
        kernel_u = np.array([_uniform(np.uint64(key), int(p), int(j), stream) for p, j in zip(path, k)])
        assert np.array_equal(numpy_u, kernel_u)
        assert (numpy_u > 0).all() and (numpy_u <= 1).all()


def test_dates_are_a_poisson_process_and_sizes_standard_normal():
    """Counts over [S, H] are Poisson(lambda (H - S)) (mean and variance), dates given the count
    are uniform (KS), the standardised sizes N(0, 1) (KS); neighbouring paths and indices are
    uncorrelated."""
    key, P, rate, S, H = arrival_key(7), 20000, 3.0, 2025.0, 2035.0
    paths = np.arange(P)
    k = np.zeros(P, dtype=np.int64)
    t = next_dates(key, paths, k, np.full(P, S), np.full(P, rate), H)
    dates, counts = [], np.zeros(P, dtype=int)
    live = np.isfinite(t)
    while live.any():
        rows = np.flatnonzero(live)
        dates.append(t[rows])
        counts[rows] += 1
        k[rows] += 1
        t[rows] = next_dates(key, rows, k[rows], t[rows], np.full(len(rows), rate), H)
        live = np.isfinite(t)
    mean = rate * (H - S)
    assert abs(counts.mean() - mean) < 4 * np.sqrt(mean / P)
    assert abs(counts.var() / mean - 1) < 0.05
    assert stats.kstest((np.concatenate(dates) - S) / (H - S), "uniform").pvalue > 1e-3
    z = standard_normals(key, np.repeat(paths[:5000], 10), np.tile(np.arange(10), 5000))
    assert stats.kstest(z, "norm").pvalue > 1e-3
    grid = z.reshape(5000, 10)
    assert abs(np.corrcoef(grid[:, 0], grid[:, 1])[0, 1]) < 0.05
    assert abs(np.corrcoef(grid[:-1, 0], grid[1:, 0])[0, 1]) < 0.05


def test_a_paths_techniques_do_not_depend_on_when_they_are_drawn():
    """Drawn in two steps, or for a subset of paths, a path's techniques are the same numbers."""
    d = make_draws(n=300, jitter=0.2, seed=1)
    e = make_engine(n=300, rate=2.5)
    s = ProjectionSettings(horizon=2040.0, paths_per_draw=2, seed=4)

    def drawn(sim):
        return {(int(p), float(t), float(z))
                for rows, ts, zs in sim.arrivals for p, t, z in zip(rows, ts, zs)}

    rows = np.arange(0, 600, 3)
    at_once = PathSimulator(d, e, "params_total", s)
    at_once.draw_arrivals_until(rows, 2035.0)
    in_steps = PathSimulator(d, e, "params_total", s)
    in_steps.draw_arrivals_until(rows[:50], 2030.0)
    in_steps.draw_arrivals_until(rows, 2028.0)
    in_steps.draw_arrivals_until(rows, 2035.0)
    assert drawn(at_once) == drawn(in_steps)
    assert len(drawn(at_once)) > 200 * 2.5 * 5
    assert all(t <= 2035.0 for _, t, _ in drawn(at_once))


@pytest.mark.parametrize("bad", [np.inf, np.nan, -1.0])
def test_an_arrival_rate_that_is_not_a_finite_rate_is_refused(bad):
    """An infinite rate would never leave its first date; the simulator refuses it by key."""
    from forecast.core.errors import UserError

    e = make_engine(n=50, rate=2.0)
    e.arrival_rate[7] = bad
    with pytest.raises(UserError, match=r"key 'engine.arrivals.rate': .*finite"):
        PathSimulator(make_draws(n=50), e, "params_total", ProjectionSettings(horizon=2040.0))
