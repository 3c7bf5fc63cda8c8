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
