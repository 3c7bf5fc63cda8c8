"""The drift's yearly slopes: a stationary AR(1) around the long-run rate."""

from __future__ import annotations

import numpy as np
import pytest

from forecast.model import drift_ar1_matrix


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
