"""Leave-one-out calibration (PSIS-LOO-PIT): near nominal for a correctly specified model whose
parameters are each pinned by one score (where the in-sample check over-covers), and far from
nominal when the fitted noise is too small."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from forecast.calibration import loo_coverage

J, S, PRIOR_SD = 1500, 800, 0.3


def _synthetic(true_noise: float, fitted_noise: float, seed: int = 0):
    """One logistic benchmark, one score per model: theta_j ~ N(m_j, PRIOR_SD),
    y_j = logistic(theta_j) + true_noise * T_5; exact posterior draws of theta_j under the fitted
    noise by sampling-importance resampling from the prior."""
    from scipy.stats import t as student_t

    rng = np.random.default_rng(seed)
    m = rng.uniform(-1.5, 1.5, J)
    theta = m + PRIOR_SD * rng.standard_normal(J)
    y = 1 / (1 + np.exp(-theta)) + true_noise * rng.standard_t(5.0, J)
    proposals = m[:, None] + PRIOR_SD * rng.standard_normal((J, 10 * S))
    logw = student_t.logpdf((y[:, None] - 1 / (1 + np.exp(-proposals))) / fitted_noise, 5.0)
    w = np.exp(logw - logw.max(axis=1, keepdims=True))
    cdf = np.cumsum(w, axis=1)
    u = (rng.uniform(size=(J, S)) + np.arange(S)) / S * cdf[:, -1:]  # stratified resampling
    idx = np.minimum(np.array([np.searchsorted(c, r) for c, r in zip(cdf, u)]), 10 * S - 1)
    draws = np.take_along_axis(proposals, idx, axis=1).T

    def per_draw(value: float, *dims: str, shape: tuple[int, ...] = ()) -> xr.DataArray:
        return xr.DataArray(np.full((1, S, *shape), value), dims=("chain", "draw", *dims))

    post = xr.Dataset({
        "theta": (("chain", "draw", "model"), draws[None]),
        "slope": per_draw(1.0, "benchmark", shape=(1,)),
        "midpoint": per_draw(0.0, "benchmark", shape=(1,)),
        "ceiling_loss": per_draw(0.0, "benchmark", shape=(1,)),
        "benchmark_spread": per_draw(0.0, "benchmark", shape=(1,)),
        "noise_sd": per_draw(fitted_noise, "benchmark", "source", shape=(1, 2)),
    })
    inp = xr.Dataset({
        "obs_bench": ("obs", np.zeros(J, int)), "obs_model": ("obs", np.arange(J)),
        "obs_group": ("obs", np.full(J, -1)), "obs_source": ("obs", np.zeros(J, int)),
        "obs_y": ("obs", y), "chance": ("benchmark", [0.0]), "gumbel": ("benchmark", [False]),
    }, coords={"benchmark": ["b0"]})
    return post, inp


def test_correct_model_is_calibrated_left_one_out():
    post, inp = _synthetic(true_noise=0.05, fitted_noise=0.05)
    loo = loo_coverage(post, inp, draws=S)
    assert loo["overall"]["n"] == J and loo["draws"] == S
    assert loo["overall"]["coverage_50"] == pytest.approx(0.5, abs=0.05)
    assert loo["overall"]["coverage_90"] == pytest.approx(0.9, abs=0.04)
    assert loo["by_benchmark"]["b0"] == loo["overall"]
    assert loo["khat_above"] < 0.2  # one score per model: some LOO posteriors move a lot


def test_too_small_a_fitted_noise_is_caught():
    post, inp = _synthetic(true_noise=0.15, fitted_noise=0.03)
    loo = loo_coverage(post, inp, draws=S)
    assert loo["overall"]["coverage_50"] < 0.4 and loo["overall"]["coverage_90"] < 0.75
