"""Likelihood terms written for speed give the same numbers as their plain forms: the per-family
link slices, the monthly adoption counts, the release counts by distinct count, the sampler's
default step setting, and nutpie called directly against nutpie called through `pm.sample`."""

from __future__ import annotations

import dataclasses
from datetime import date

import numpy as np
import pytest
from scipy import stats

from forecast.model.fit import (LONG_STEP_MIN_MODELS, LONG_TUNE, SHORT_TUNE, FitSettings, sample_model,
                          target_accept_for, tune_for)
from forecast.inputs.dates import decimal_year
from forecast.model.data import prepare_inputs
from forecast.model.densities import negative_binomial_logp
from forecast.model.links import link_cdf, link_cdf_density, link_density

AS_OF = date(2025, 12, 31)


@pytest.fixture(scope="module")
def shipped():
    from forecast.model.priors import model_priors_from
    from forecast.inputs.priors import load_priors
    from forecast.inputs.registry import load_registry

    registry = load_registry()
    mp = model_priors_from(load_priors().introduced_by(AS_OF), registry.benchmarks)
    inp = prepare_inputs(registry.models, registry.scores, registry.benchmarks, mp, AS_OF)
    return registry, mp, inp


@pytest.mark.parametrize("mask", [
    [1, 1, 1, 0, 0, 0, 0],  # Gumbel entries first: evaluated on slices
    [0, 1, 0, 1, 1, 0, 0],  # interleaved: both links evaluated and selected
    [1, 1, 1, 1, 1, 1, 1],
    [0, 0, 0, 0, 0, 0, 0],
])
def test_link_slices_equal_the_selected_links(mask):
    import pytensor.tensor as pt

    gumbel = np.array(mask, dtype=bool)
    z = np.array([-40.0, -3.0, -0.5, 0.0, 0.7, 4.0, 800.0])
    s, d = link_cdf_density(pt.as_tensor(z), gumbel)
    np.testing.assert_allclose(s.eval(), link_cdf(z, gumbel), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(d.eval(), link_density(z, gumbel), rtol=1e-12, atol=1e-300)


def test_observations_on_gumbel_links_come_first(shipped):
    _, _, inp = shipped
    gumbel = np.array([f == "gumbel" for f in inp.link_family])[inp.obs_bench]
    n = int(gumbel.sum())
    assert 0 < n < len(gumbel) and gumbel[:n].all() and not gumbel[n:].any()


def test_adoption_cells_hold_every_known_indicator(shipped):
    registry, mp, inp = shipped
    m = registry.models
    m = m[(m["release_year"] <= decimal_year(AS_OF)) & (m["release_year"] >= 2018.0)]
    for k, tech in enumerate(inp.adoption_tech):
        spec = next(s for s in mp.techniques if s.id == tech)
        known = m[spec.indicator].dropna() if spec.indicator in m else m.iloc[:0, 0]
        cells = inp.adoption_k == k
        assert inp.adoption_n[cells].sum() == len(known), tech
        assert inp.adoption_u[cells].sum() == known.sum(), tech
        assert np.all(inp.adoption_u[cells] <= inp.adoption_n[cells])
        assert len(np.unique(inp.adoption_t[cells])) == cells.sum()  # one cell per month


def test_monthly_counts_are_the_per_release_likelihood_up_to_a_constant(shipped):
    """Sum over releases of Bernoulli(u_j | A(t_month(j))) minus sum over cells of
    Binomial(u | n, A(t_m)) is the log binomial coefficients, whatever the curve A."""
    registry, mp, inp = shipped
    m = registry.models
    m = m[(m["release_year"] <= decimal_year(AS_OF)) & (m["release_year"] >= 2018.0)]
    k = inp.adoption_tech.index("instruction_tuning")
    spec = next(s for s in mp.techniques if s.id == "instruction_tuning")
    sub = m[m[spec.indicator].notna()]
    t_rel = (np.floor(sub["release_year"].to_numpy(float) * 12) + 0.5) / 12 - inp.t_ref
    u_rel = sub[spec.indicator].to_numpy(float)
    cells = inp.adoption_k == k
    gaps = []
    for amax, speed, mid in [(0.9, 1.5, 0.0), (0.4, 3.0, -1.0), (0.99, 0.5, 2.0)]:
        def curve(t):
            return amax / (1.0 + np.exp(-speed * (t - mid)))
        per_release = stats.bernoulli.logpmf(u_rel, curve(t_rel)).sum()
        per_cell = stats.binom.logpmf(inp.adoption_u[cells], inp.adoption_n[cells],
                                      curve(inp.adoption_t[cells])).sum()
        gaps.append(per_cell - per_release)
    assert gaps[0] > 0
    np.testing.assert_allclose(gaps, gaps[0], rtol=1e-9)


@pytest.mark.parametrize("which", ["shipped", "random"])
def test_release_counts_likelihood_is_pymcs_negative_binomial(shipped, which):
    """The release counts' log density by distinct count equals PyMC's NegativeBinomial(mu,
    alpha) summed over the cells, value and gradient, at several means and dispersions."""
    import pymc as pm
    import pytensor
    import pytensor.tensor as pt

    counts = (shipped[2].release_counts if which == "shipped"
              else np.random.default_rng(3).negative_binomial(2.0, 0.3, size=(20, 7)).astype(float))
    log_mu = pt.matrix("log_mu")
    alpha = pt.scalar("alpha")
    fast = negative_binomial_logp(counts, log_mu, alpha)
    plain = pm.logp(pm.NegativeBinomial.dist(mu=pt.exp(log_mu), alpha=alpha), counts).sum()
    fn = pytensor.function([log_mu, alpha], [fast, plain, *pytensor.grad(fast, [log_mu, alpha]),
                                             *pytensor.grad(plain, [log_mu, alpha])])
    rng = np.random.default_rng(4)
    for a in (0.3, 2.0, 40.0):
        lm = rng.normal(0.0, 1.5, size=counts.shape)
        v_fast, v_plain, g_mu, g_a, h_mu, h_a = fn(lm, a)
        np.testing.assert_allclose(v_fast, v_plain, rtol=1e-10)
        np.testing.assert_allclose(g_mu, h_mu, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(g_a, h_a, rtol=1e-9)


def test_target_accept_follows_the_data_unless_set():
    s = FitSettings(as_of=AS_OF)
    assert s.target_accept is None
    assert target_accept_for(s, LONG_STEP_MIN_MODELS) == 0.8
    assert target_accept_for(s, LONG_STEP_MIN_MODELS - 1) == 0.9
    assert target_accept_for(dataclasses.replace(s, target_accept=0.95), 10_000) == 0.95


def test_tuning_length_follows_the_data_unless_set():
    s = FitSettings(as_of=AS_OF)
    assert s.tune is None
    assert (SHORT_TUNE, LONG_TUNE) == (1000, 1000)
    assert tune_for(s, LONG_STEP_MIN_MODELS) == SHORT_TUNE
    assert tune_for(s, LONG_STEP_MIN_MODELS - 1) == LONG_TUNE
    assert tune_for(dataclasses.replace(s, tune=150), 10_000) == 150


def test_sampling_refuses_an_unresolved_tuning_length():
    with pytest.raises(ValueError, match="tune_for"):
        sample_model(object(), FitSettings(as_of=date(2024, 1, 1), target_accept=0.8), progress=False)


def test_sampling_refuses_an_unresolved_target_accept():
    """nutpie fails deep inside its sampling loop on a None step-size target; `sample_model` must
    stop first, with a message that says how to resolve it."""
    with pytest.raises(ValueError, match="target_accept_for"):
        sample_model(object(), FitSettings(as_of=date(2024, 1, 1)), progress=False)


def test_direct_nutpie_call_draws_what_pm_sample_draws():
    """`sample_model` calls nutpie itself (skipping `pm.sample`'s step assignment); for one seed
    it must give the very draws `pm.sample(nuts_sampler="nutpie")` gives, so the seed keeps its
    meaning. A seed that `nutpie_seed` mapped differently, or settings passed differently (target
    acceptance, tuning length), would change every draw."""
    import pymc as pm

    from forecast.model.fit import exact_float_arithmetic

    with pm.Model() as model:
        mu = pm.Normal("mu", 0.0, 1.0)
        sd = pm.HalfNormal("sd", 1.0)
        pm.Normal("y", mu, sd, observed=np.array([0.3, -0.2, 1.1, 0.7, 0.1]))
    settings = FitSettings(as_of=AS_OF, draws=150, tune=120, chains=3, cores=1, seed=20230319,
                           target_accept=0.85)
    direct, _, sampler = sample_model(model, settings, progress=False)
    with exact_float_arithmetic(), model:
        through_pymc = pm.sample(draws=150, tune=120, chains=3, cores=1, random_seed=20230319,
                                 nuts_sampler="nutpie", target_accept=0.85, progressbar=False,
                                 compute_convergence_checks=False)
    assert sampler == "nutpie"
    for name in ("mu", "sd"):
        a = direct["posterior"][name].values
        b = through_pymc["posterior"][name].values
        assert a.shape == (3, 150)
        np.testing.assert_array_equal(a, b)
    other, _, _ = sample_model(model, dataclasses.replace(settings, seed=1), progress=False)
    assert not np.array_equal(other["posterior"]["mu"].values, direct["posterior"]["mu"].values)
