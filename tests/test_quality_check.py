"""The quality-tail check: it flags heavy-tailed quality residuals and passes normal ones."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from forecast.model.quality_check import (MIN_MODELS, QUALITY_TAIL_P, flagged, quality_tail_check,
                                    quality_tail_summary)


def posterior(residuals: np.ndarray) -> xr.Dataset:
    """A posterior whose quality residuals (in sd units) are `residuals`, (chains, draws, models),
    with a quality sd that differs from draw to draw (so a misaligned sd would show)."""
    chains, draws, models = residuals.shape
    rng = np.random.default_rng(1)
    expected = rng.normal(9.0, 1.0, size=(chains, draws, models))
    scale = rng.uniform(0.05, 0.5, size=(chains, draws))
    ids = [f"m{j}" for j in range(models)]
    return xr.Dataset(
        {
            "theta": (("chain", "draw", "model"), expected + scale[:, :, None] * residuals),
            "expected_capability": (("chain", "draw", "model"), expected),
            "quality_sd": (("chain", "draw"), scale),
        },
        coords={"model": ids},
    )


def test_normal_residuals_are_not_flagged():
    z = np.random.default_rng(0).standard_normal((4, 250, 300))
    out = quality_tail_check(posterior(z), np.ones(300, bool), seed=5)
    assert out["p_value"] > QUALITY_TAIL_P and out["p_upper"] > QUALITY_TAIL_P
    assert not flagged(out) and "not flagged" in quality_tail_summary(out)
    assert out["models"] == 300
    assert abs(out["excess_kurtosis"][1]) < 0.3
    assert out["above_3"] < 0.004 and out["below_3"] < 0.004


def test_a_heavy_upper_tail_is_flagged():
    """Residuals where one model in thirty sits about 4 sd above what its inputs predict."""
    rng = np.random.default_rng(0)
    z = rng.standard_normal((4, 250, 300))
    z[:, :, ::30] += 4.0
    out = quality_tail_check(posterior(z), np.ones(300, bool), seed=5)
    assert out["p_value"] < QUALITY_TAIL_P and out["p_upper"] < QUALITY_TAIL_P
    assert out["excess_kurtosis"][1] > 1.0
    assert flagged(out) and "heavier than the normal prior allows" in quality_tail_summary(out)


def test_a_heavy_lower_tail_alone_is_not_flagged():
    """The flag is on the upper tail, where first crossings come from: residuals with a heavy
    lower tail only raise the kurtosis but not the count above +2.5 sd."""
    rng = np.random.default_rng(0)
    z = rng.standard_normal((4, 250, 300))
    z[:, :, ::30] -= 4.0  # one model in thirty far below what its inputs predict
    out = quality_tail_check(posterior(z), np.ones(300, bool), seed=5)
    assert out["p_value"] < QUALITY_TAIL_P
    assert out["p_upper"] > QUALITY_TAIL_P and not flagged(out)


@pytest.mark.parametrize("n", [0, 1, 3, MIN_MODELS - 1])
def test_too_few_pinned_models_skip_the_check(n):
    z = np.random.default_rng(0).standard_normal((2, 50, 30))
    informative = np.arange(30) < n
    out = quality_tail_check(posterior(z), informative)
    assert out["models"] == n and "skipped" in out and not flagged(out)
    assert quality_tail_summary(out).startswith("Quality-tail check not run")
    assert "not available" in quality_tail_summary({})


def test_only_pinned_models_count_and_outliers_are_named():
    rng = np.random.default_rng(2)
    z = rng.standard_normal((2, 200, 50))
    z[:, :, 7] += 4.0  # a model far above what its inputs predict
    z[:, :, 9] -= 4.0
    z[:, :, 0] += 40.0  # not pinned by its scores: left out
    informative = np.ones(50, bool)
    informative[0] = False
    out = quality_tail_check(posterior(z), informative)
    assert out["models"] == 49
    assert out["largest_above"][0]["model"] == "m7"
    assert out["largest_below"][0]["model"] == "m9"
    assert out["largest_above"][0]["z"] == pytest.approx(4.0, abs=0.3)
    text = quality_tail_summary(out)
    assert "m7 +4.0" in text and "m9 -4.0" in text


def test_expected_capability_is_the_prior_mean_of_theta():
    """In prior draws of the shipped model, (theta - expected_capability) / quality_sd is
    standard normal: the residual the check tests is exactly the quality term."""
    import pymc as pm

    from forecast.model.fit import FitSettings
    from forecast.model.data import prepare_inputs
    from forecast.model.graph import build_model
    from forecast.model.priors import model_priors_from
    from forecast.inputs.priors import load_priors
    from forecast.inputs.registry import load_registry

    reg = load_registry()
    settings = FitSettings(as_of=reg.models["release_date"].max())
    mp = model_priors_from(load_priors().introduced_by(settings.as_of), reg.benchmarks)
    inp = prepare_inputs(reg.models, reg.scores, reg.benchmarks, mp, settings.as_of,
                         min_models_per_benchmark=settings.min_models_per_benchmark,
                         benchmark_set=list(settings.benchmarks))
    with build_model(inp, mp, generative=True):
        prior = pm.sample_prior_predictive(draws=200, random_seed=4, var_names=[
            "theta", "expected_capability", "quality_sd"])["prior"]
    z = ((prior["theta"] - prior["expected_capability"]) / prior["quality_sd"]).values.ravel()
    assert abs(z.mean()) < 0.02 and abs(z.std() - 1.0) < 0.02


@pytest.mark.slow
def test_every_fit_carries_the_check_and_fit_json_reports_it(small_engine, capsys):
    """The check runs on the pinned models of a real fit; the model's expected capability is
    used for it and not stored; `forecast fit --json` reports it."""
    import json

    from forecast.cli import main

    fit = small_engine.fit()
    assert "expected_capability" not in fit.posterior
    tails = fit.quality_tails
    assert tails and 0.0 <= tails["p_value"] <= 1.0
    main(["fit", "--draws", "150", "--tune", "150", "--seed", "11", "--json"])  # the cached fit
    assert json.loads(capsys.readouterr().out)["quality_tails"] == tails
    from forecast.model.fit import FitSettings
    from forecast.model.data import prepare_inputs
    from forecast.model.priors import model_priors_from

    reg = small_engine.registry
    mp = model_priors_from(small_engine.priors.introduced_by(small_engine.as_of), reg.benchmarks)
    settings = FitSettings(as_of=small_engine.as_of)
    inp = prepare_inputs(reg.models, reg.scores, reg.benchmarks, mp, small_engine.as_of,
                         min_models_per_benchmark=settings.min_models_per_benchmark,
                         benchmark_set=list(settings.benchmarks))
    assert tails["models"] == int(inp.informative.sum())
