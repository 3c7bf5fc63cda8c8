"""The quality-tail check: it flags heavy-tailed quality residuals and passes normal ones."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from forecast.quality_check import QUALITY_TAIL_P, quality_tail_check, quality_tail_summary


def posterior(residuals: np.ndarray, scale: float = 0.2) -> xr.Dataset:
    """A posterior whose quality residuals (in sd units) are `residuals`, (chains, draws, models)."""
    chains, draws, models = residuals.shape
    rng = np.random.default_rng(1)
    expected = rng.normal(9.0, 1.0, size=(chains, draws, models))
    ids = [f"m{j}" for j in range(models)]
    return xr.Dataset(
        {
            "theta": (("chain", "draw", "model"), expected + scale * residuals),
            "expected_capability": (("chain", "draw", "model"), expected),
            "quality_sd": (("chain", "draw"), np.full((chains, draws), scale)),
        },
        coords={"model": ids},
    )


def test_normal_residuals_are_not_flagged():
    z = np.random.default_rng(0).standard_normal((4, 250, 300))
    out = quality_tail_check(posterior(z), np.ones(300, bool), seed=5)
    assert out["p_value"] > QUALITY_TAIL_P
    assert out["models"] == 300
    assert abs(out["excess_kurtosis"][1]) < 0.3
    assert out["above_3"] < 0.004 and out["below_3"] < 0.004


def test_heavy_tailed_residuals_are_flagged():
    rng = np.random.default_rng(0)
    z = rng.standard_t(3.0, size=(4, 250, 300)) / np.sqrt(3.0)  # unit variance, t_3 tails
    out = quality_tail_check(posterior(z), np.ones(300, bool), seed=5)
    assert out["p_value"] < QUALITY_TAIL_P
    assert out["excess_kurtosis"][1] > 1.0
    assert "heavier-tailed than the normal prior allows" in quality_tail_summary(out)


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
    from forecast.fit import FitSettings
    from forecast.model import prepare_inputs
    from forecast.model_priors import model_priors_from

    reg = small_engine.registry
    mp = model_priors_from(small_engine.priors.introduced_by(small_engine.as_of), reg.benchmarks)
    settings = FitSettings(as_of=small_engine.as_of)
    inp = prepare_inputs(reg.models, reg.scores, reg.benchmarks, mp, small_engine.as_of,
                         min_models_per_benchmark=settings.min_models_per_benchmark,
                         benchmark_set=list(settings.benchmarks))
    assert tails["models"] == int(inp.informative.sum())
