"""The links' upper-slope stretch h(z) = z + (r - 1) softplus(z): its inverse, its derivative,
its priors, and how the model and the projection use it."""

from __future__ import annotations

import dataclasses
from datetime import date

import numpy as np
import pytest

from forecast.model.data import prepare_inputs
from forecast.model.graph import build_model
from forecast.model.links import link_cdf, link_cdf_density, link_density, link_inverse, link_stretch

AS_OF = date(2025, 12, 31)


@pytest.fixture(scope="module")
def shipped():
    from forecast.model.priors import model_priors_from
    from forecast.inputs.priors import load_priors
    from forecast.inputs.registry import load_registry

    registry = load_registry()
    priors = load_priors()
    mp = model_priors_from(priors.introduced_by(AS_OF), registry.benchmarks)
    inp = prepare_inputs(registry.models, registry.scores, registry.benchmarks, mp, AS_OF)
    return priors, mp, inp


@pytest.mark.parametrize("gumbel", [False, True])
def test_inverse_and_density_of_the_stretched_link(gumbel):
    rng = np.random.default_rng(3)
    s = rng.uniform(1e-4, 1 - 1e-4, 2000)
    r = rng.uniform(0.15, 4.0, 2000)
    z = link_inverse(s, gumbel, r)
    np.testing.assert_allclose(link_cdf(z, gumbel, upper=r), s, rtol=0, atol=1e-12)
    h = 1e-6
    numeric = (link_cdf(z + h, gumbel, upper=r) - link_cdf(z - h, gumbel, upper=r)) / (2 * h)
    np.testing.assert_allclose(link_density(z, gumbel, upper=r), numeric, rtol=1e-5, atol=1e-9)


def test_a_ratio_of_one_is_the_plain_link():
    z = np.linspace(-8, 8, 101)
    for gumbel in (False, True):
        np.testing.assert_allclose(link_cdf(z, gumbel, upper=1.0), link_cdf(z, gumbel), rtol=1e-15)
        np.testing.assert_allclose(link_density(z, gumbel, upper=1.0), link_density(z, gumbel), rtol=1e-15)
        s = link_cdf(z, gumbel)
        np.testing.assert_allclose(link_inverse(s, gumbel, 1.0), link_inverse(s, gumbel), atol=1e-12)


def test_the_stretch_keeps_the_lower_slope_and_scales_the_upper_one():
    r = 0.4
    lo, hi = np.array([-12.0, -10.0]), np.array([10.0, 12.0])
    h_lo, _ = link_stretch(lo, r)
    h_hi, d_hi = link_stretch(hi, r)
    assert np.diff(h_lo)[0] == pytest.approx(2.0, rel=1e-4)  # slope 1 far below the midpoint
    assert np.diff(h_hi)[0] == pytest.approx(2.0 * r, rel=1e-4)  # slope r far above it
    assert d_hi[-1] == pytest.approx(r, rel=1e-4)
    # a shallower upper slope approaches the ceiling more slowly
    z = np.array([2.0, 4.0, 6.0])
    assert np.all(1 - link_cdf(z, True, upper=r) > 1 - link_cdf(z, True))


def test_pytensor_link_matches_numpy_with_a_ratio():
    import pytensor.tensor as pt

    gumbel = np.array([1, 1, 1, 0, 0, 0], dtype=bool)
    z = np.array([-5.0, 0.3, 6.0, -2.0, 0.0, 9.0])
    r = np.array([0.4, 0.4, 0.4, 1.7, 1.7, 1.7])
    s, d = link_cdf_density(pt.as_tensor(z), gumbel, pt.as_tensor(r))
    np.testing.assert_allclose(s.eval(), link_cdf(z, gumbel, upper=r), rtol=1e-12)
    np.testing.assert_allclose(d.eval(), link_density(z, gumbel, upper=r), rtol=1e-12)


def test_priors_take_the_ratio_per_benchmark_or_as_default(shipped, tmp_path):
    import shutil

    from forecast.model.priors import model_priors_from
    from forecast.inputs.priors import load_priors
    from forecast.inputs.registry import load_registry

    priors, mp, _ = shipped
    shipped_ratio = priors.engine.links.for_benchmark("mmlu").upper_slope_ratio
    assert shipped_ratio.distribution == "fixed" and shipped_ratio.median == 0.5  # shipped: MMLU only
    assert all(v is None for b, v in mp.link_upper.items() if b != "mmlu")
    folder = tmp_path / "priors"
    shutil.copytree(priors.folder, folder)
    engine = folder / "_engine.toml"
    text = engine.read_text()
    assert text.count("upper_slope_ratio = {value = 0.5,") == 1
    text = text.replace("upper_slope_ratio = {value = 0.5,", "upper_slope_ratio = {value = 0.4,")
    engine.write_text(text)
    own = load_priors(folder)
    r = own.engine.links.for_benchmark("mmlu").upper_slope_ratio
    assert r.distribution == "fixed" and r.median == pytest.approx(0.4)
    assert own.engine.links.for_benchmark("hellaswag").upper_slope_ratio is None
    assert own.sha256 != priors.sha256  # a different link shape is a different fit
    mp_own = model_priors_from(own.introduced_by(AS_OF), load_registry().benchmarks)
    assert mp_own.link_upper["mmlu"].median == pytest.approx(0.4) and mp_own.link_upper["arc_c"] is None


def test_model_carries_a_fixed_ratio_as_a_constant(shipped):
    from forecast.inputs.priors import Dist

    _, mp, inp = shipped
    model = build_model(inp, dataclasses.replace(mp, link_upper={**mp.link_upper, "mmlu": Dist.fixed(0.4)}))
    ratio = model["upper_slope_ratio"].eval()
    expected = np.array([0.4 if b == "mmlu" else 1.0 for b in inp.benchmarks])
    np.testing.assert_allclose(ratio, expected)
    assert "log_upper_slope" not in model.named_vars  # nothing new to sample
    plain = build_model(inp, dataclasses.replace(mp, link_upper={b: None for b in mp.link_upper}))
    assert "upper_slope_ratio" not in plain.named_vars  # every link plain: no new variable


def test_a_ratio_prior_makes_it_a_parameter_with_its_prior_and_jacobian(shipped):
    """log(a_b r_b) is sampled; the Potential adds log p(r_b) + log r_b."""
    from forecast.inputs.priors import Dist

    _, mp, inp = shipped
    prior = Dist.fit("lognormal", median=0.5, interval90=(0.25, 1.0))
    model = build_model(inp, dataclasses.replace(mp, link_upper={**mp.link_upper, "mmlu": prior}))
    assert "log_upper_slope" in model.named_vars
    point = model.initial_point()
    outs = model.replace_rvs_by_values([model["upper_slope_ratio"], model["upper_slope_prior"]])
    ratio, pot = model.compile_fn(outs, inputs=model.value_vars, on_unused_input="ignore")(point)
    k = inp.benchmarks.index("mmlu")
    r = float(ratio[k])
    from scipy import stats

    mu, sigma = prior.params["mu"], prior.params["sigma"]
    expected = stats.lognorm(s=sigma, scale=np.exp(mu)).logpdf(r) + np.log(r)
    assert float(pot) == pytest.approx(expected, rel=1e-9)
    assert np.all(np.delete(ratio, k) == 1.0)
    generative = build_model(inp, dataclasses.replace(mp, link_upper={**mp.link_upper, "mmlu": prior}),
                             generative=True)
    assert "log_upper_slope" not in generative.named_vars and "upper_slope_ratio" in generative.named_vars


def test_projection_requires_the_capability_the_stretched_link_needs():
    """theta* solves c + (1 - c - e) F(h(a (theta* - mu))) = y."""
    from forecast.projection.question import Target, required_theta
    from conftest import make_draws

    draws = make_draws(n=50, gumbel=True, ceiling=0.05, slope=2.5, midpoint=10.4, jitter=0.05)
    draws = dataclasses.replace(draws, upper_slope_ratio=np.full((draws.n, 1), 0.4))
    y = 0.88
    theta, _ = required_theta(draws, Target("mmlu=0.88", (("mmlu", y),)))
    z = draws.slope[:, 0] * (theta - draws.midpoint[:, 0])
    score = draws.chance[0] + (1 - draws.chance[0] - draws.ceiling_loss[:, 0]) * link_cdf(z, True, upper=0.4)
    np.testing.assert_allclose(score, y, atol=1e-10)
    plain, _ = required_theta(dataclasses.replace(draws, upper_slope_ratio=None),
                              Target("mmlu=0.88", (("mmlu", y),)))
    assert np.all(theta > plain)  # the shallower top needs more capability for the same score
