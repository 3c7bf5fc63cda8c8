"""Leave-one-out calibration (PSIS-LOO-PIT): near nominal for a correctly specified model whose
parameters are each pinned by one score (where the in-sample check over-covers), and far from
nominal when the fitted noise is too small."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from forecast.model.calibration import loo_coverage

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


@pytest.mark.parametrize("stretched", [False, True])
def test_location_scale_in_chunks_equals_one_pass(monkeypatch, stretched):
    """The chunked likelihood location and scale equal the module docstring's formulas evaluated
    over every draw at once, bit for bit (two benchmarks, one of them Gumbel, protocol effects,
    both sources, with and without an upper slope ratio), whatever the chunk size and for any
    selection of draws."""
    from forecast.model import calibration
    from forecast.model.links import link_values

    rng = np.random.default_rng(3)
    n_chain, n_draw, n_model, n_obs = 2, 7, 5, 12

    def draws(*shape: int) -> np.ndarray:
        return rng.uniform(0.05, 0.3, (n_chain, n_draw, *shape))

    post = xr.Dataset({
        "theta": (("chain", "draw", "model"), rng.normal(size=(n_chain, n_draw, n_model))),
        "slope": (("chain", "draw", "benchmark"), 1 + draws(2)),
        "midpoint": (("chain", "draw", "benchmark"), rng.normal(size=(n_chain, n_draw, 2))),
        "ceiling_loss": (("chain", "draw", "benchmark"), draws(2)),
        "benchmark_spread": (("chain", "draw", "benchmark"), draws(2)),
        "noise_sd": (("chain", "draw", "benchmark", "source"), draws(2, 2)),
        "protocol_effect": (("chain", "draw", "group"), rng.normal(size=(n_chain, n_draw, 3))),
    })
    if stretched:
        post["upper_slope_ratio"] = (("chain", "draw", "benchmark"), 0.3 + 2 * draws(2))
    b, j = rng.integers(0, 2, n_obs), rng.integers(0, n_model, n_obs)
    g, src = rng.integers(-1, 3, n_obs), rng.integers(0, 2, n_obs)
    inp = xr.Dataset({
        "obs_bench": ("obs", b), "obs_model": ("obs", j), "obs_group": ("obs", g),
        "obs_source": ("obs", src), "obs_y": ("obs", rng.uniform(size=n_obs)),
        "chance": ("benchmark", [0.25, 0.0]), "gumbel": ("benchmark", [True, False]),
    })

    def flat(name: str) -> np.ndarray:
        v = post[name].values
        return v.reshape(n_chain * n_draw, *v.shape[2:])

    eta = np.zeros((n_chain * n_draw, n_obs))
    eta[:, g >= 0] = flat("protocol_effect")[:, g[g >= 0]]
    c = np.array([0.25, 0.0])[b]
    span = 1 - c - flat("ceiling_loss")[:, b]
    z = flat("slope")[:, b] * (flat("theta")[:, j] - flat("midpoint")[:, b]) + eta
    upper = flat("upper_slope_ratio")[:, b] if stretched else None
    s, density = link_values(z, np.array([True, False])[b], upper=upper)
    p_want = c + span * s
    sd_want = np.sqrt(flat("noise_sd")[:, b, src] ** 2 + (flat("benchmark_spread")[:, b] * span * density) ** 2)
    for chunk in (1, 3, 100):
        monkeypatch.setattr(calibration, "CHUNK_DRAWS", chunk)
        p, sd = calibration.predictive_location_scale(post, inp)
        assert np.array_equal(p, p_want) and np.array_equal(sd, sd_want)
    monkeypatch.setattr(calibration, "CHUNK_DRAWS", 2)
    mask = np.arange(n_chain * n_draw) % 3 == 1
    for keep in (np.array([0, 5, 13, 5]), mask, slice(12, 2, -3)):
        p, sd = calibration.predictive_location_scale(post, inp, keep)
        assert np.array_equal(p, p_want[keep]) and np.array_equal(sd, sd_want[keep])
