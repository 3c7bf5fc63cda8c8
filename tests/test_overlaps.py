"""The overlaps the prior files state are the ones the model and the projection apply: the binary
technique multipliers and the over-training multiplier share one correlated prior in the fitted
model, and the quantization retention is drawn conditional on the over-training multiplier."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest


@pytest.fixture(scope="module")
def setup():
    from forecast.model.data import prepare_inputs
    from forecast.model.priors import model_priors_from
    from forecast.inputs.priors import load_priors
    from forecast.inputs.registry import load_registry

    as_of = date(2025, 6, 1)
    registry = load_registry()
    priors = load_priors().introduced_by(as_of)
    mp = model_priors_from(priors, registry.benchmarks)
    inp = prepare_inputs(registry.models, registry.scores, registry.benchmarks, mp, as_of,
                         benchmark_set=["mmlu", "arc_c"])
    return priors, mp, inp


def test_model_prior_correlates_over_training_with_curation_and_distillation(setup):
    import pymc as pm

    from forecast.model.graph import build_model
    from forecast.projection.future_draws import tokens_score

    priors, mp, inp = setup
    with build_model(inp, mp, generative=True):
        prior = pm.sample_prior_predictive(draws=6000, random_seed=3,
                                           var_names=["beta", "gamma_tokens"])["prior"].to_dataset()
    beta = prior["beta"].values.reshape(-1, len(inp.techniques))
    z_tok = tokens_score(priors, prior["gamma_tokens"].values.ravel())
    # gamma is a rescaled log10 multiplier: its score is standard normal under the prior
    assert abs(z_tok.mean()) < 0.05 and abs(z_tok.std() - 1.0) < 0.05
    for k, tech in enumerate(inp.techniques):
        want = priors.correlation([tech, "overtraining"])[0, 1]
        assert np.corrcoef(beta[:, k], z_tok)[0, 1] == pytest.approx(want, abs=0.05), tech
    assert priors.correlation(["data_curation", "overtraining"])[0, 1] < 0  # the case that matters


def test_quantization_retention_follows_the_over_training_draw(setup):
    from forecast.projection.future_draws import sample_future_draws

    priors, _, _ = setup
    n = 20000
    z_tok = np.random.default_rng(0).standard_normal(n)
    conditional = sample_future_draws(priors, n, date(2025, 6, 1), seed=1, tokens_z=z_tok)
    independent = sample_future_draws(priors, n, date(2025, 6, 1), seed=1)
    rho = priors.correlation(["quantization", "overtraining"])[0, 1]
    assert rho < 0
    for bits in (3.0, 4.0, 8.0):
        got = conditional.retention[bits]
        assert np.corrcoef(z_tok, got)[0, 1] == pytest.approx(rho, abs=0.03)
        assert abs(np.corrcoef(z_tok, independent.retention[bits])[0, 1]) < 0.03
        # the marginal prior is unchanged
        assert np.median(got) == pytest.approx(np.median(independent.retention[bits]), abs=0.01)
