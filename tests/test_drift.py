"""The drift's yearly slopes: a stationary AR(1) around the long-run rate."""

from __future__ import annotations

import numpy as np
import pytest

from forecast.model.drift import drift_ar1_matrix


@pytest.mark.parametrize("phi", [0.05, 0.5, 0.95])
def test_ar1_factor_gives_the_stationary_correlation(phi):
    """L L' = phi^|i - j| for NumPy and PyTensor alike, and v L eps obeys the AR(1) recursion
    x_i = phi x_{i-1} + v sqrt(1 - phi^2) eps_i."""
    import pytensor.tensor as pt

    n = 7
    L = drift_ar1_matrix(phi, n)
    lag = np.abs(np.subtract.outer(np.arange(n), np.arange(n)))
    assert np.allclose(L @ L.T, phi**lag)
    assert np.allclose(np.triu(L, 1), 0.0)
    x = pt.scalar("phi")
    assert np.allclose(drift_ar1_matrix(x, n, pt).eval({x: phi}), L)
    eps = np.random.default_rng(0).standard_normal(n)
    dev = 0.2 * L @ eps
    assert np.allclose(dev[1:], phi * dev[:-1] + 0.2 * np.sqrt(1 - phi**2) * eps[1:])
    assert np.isclose(dev[0], 0.2 * eps[0])


@pytest.mark.parametrize("centred", [
    [1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 0], [0, 0, 0, 1, 1, 0], [1, 0, 1, 0, 1, 0],
])
def test_mixed_parameterisation_has_the_ar1_density(centred):
    """Whatever years are centred, the sampler's coordinates x carry the stationary AR(1)
    density of the deviations: log p(x) = log N(delta(x); 0, v^2 R) + sum over the non-centred
    years of log sd_y (the Jacobian of x -> delta; sd = v for the first year, s after); a
    centred year's coordinate is its slope, rate + delta."""
    import pymc as pm
    from scipy import stats

    from forecast.model.drift import drift_deviations

    rate, spread, phi = 0.04, 0.15, 0.6
    innovation = spread * np.sqrt(1 - phi**2)
    mask = np.array(centred, dtype=bool)
    n = len(mask)
    with pm.Model(coords={"segment": [str(y) for y in range(n)]}) as model:
        delta = drift_deviations(mask, rate, spread, phi, innovation)
    import pytensor

    fn = pytensor.function(model.value_vars, model.replace_rvs_by_values([delta, model.potentials[0]]))
    R = phi ** np.abs(np.subtract.outer(np.arange(n), np.arange(n)))
    sd = np.r_[spread, np.full(n - 1, innovation)]
    for x in np.random.default_rng(1).normal(0.0, 0.3, size=(3, n)):
        d, logp = fn(x)
        assert np.allclose(d[mask], x[mask] - rate)
        expected = stats.multivariate_normal(np.zeros(n), spread**2 * R).logpdf(d)
        assert np.isclose(logp, expected + np.log(sd[~mask]).sum())


def test_log_slope_mean_path_is_the_expected_integral_of_the_positive_slope():
    """`log_ar1_mean_path` against a Monte Carlo of the exact AR(1) transitions of the log slope:
    the expected rise integrates exp(l), so it exceeds exp of the mean log path (Jensen)."""
    from forecast.projection.posterior import ar1_transition_sd, log_ar1_mean_path

    start, long_run = np.array([np.log(0.3)]), np.array([np.log(0.1)])
    phi, innovation, years = np.array([0.5]), np.array([0.8]), 2.0
    rise, end = log_ar1_mean_path(start, long_run, phi, innovation, years)
    rng = np.random.default_rng(3)
    steps, paths = 240, 20_000
    dt = years / steps
    decay, sd = phi[0] ** dt, float(ar1_transition_sd(innovation, phi, dt)[0])
    dev = np.full(paths, start[0] - long_run[0])
    total = np.zeros(paths)
    prev = np.exp(long_run[0] + dev)
    for _ in range(steps):
        dev = decay * dev + sd * rng.standard_normal(paths)
        now = np.exp(long_run[0] + dev)
        total += 0.5 * (prev + now) * dt
        prev = now
    assert rise[0] == pytest.approx(total.mean(), rel=0.02)
    assert end[0] == pytest.approx(long_run[0] + (start[0] - long_run[0]) * phi[0] ** years)
    # without noise: the integral of exp of the mean path, below the noisy one
    quiet, _ = log_ar1_mean_path(start, long_run, phi, np.zeros(1), years)
    u = np.linspace(0, years, 4001)
    path = np.exp(long_run[0] + (start[0] - long_run[0]) * phi[0] ** u)
    assert quiet[0] == pytest.approx(np.trapezoid(path, u), rel=1e-6)
    assert quiet[0] < rise[0]


def test_drift_slope_is_exp_of_a_log_state_and_clipped_otherwise():
    from forecast.projection.simulator import drift_slope

    state = np.array([-3.0, 0.0, 0.5])
    np.testing.assert_allclose(drift_slope(state, True), np.exp(state))
    np.testing.assert_allclose(drift_slope(np.array([-0.2, 0.3]), False), [0.0, 0.3])
