"""Engine-level properties on real (short) fits: as-of isolation, seed reproducibility."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest


def test_as_of_ignores_every_later_registry_row(tmp_path, monkeypatch):
    """Rows released after the as-of date cannot change the fit's inputs or its cache key."""
    import pandas as pd

    from forecast.fit import FitSettings, cache_key
    from forecast.model import prepare_inputs
    from forecast.model_priors import model_priors_from
    from forecast.priors import load_priors
    from forecast.registry import load_registry

    reg = load_registry()
    as_of = date(2023, 6, 30)
    priors = load_priors().introduced_by(as_of)
    mp = model_priors_from(priors, reg.benchmarks)
    a = prepare_inputs(reg.models, reg.scores, reg.benchmarks, mp, as_of)
    # corrupt everything released after the as-of date: scores flipped, sizes scrambled
    later = reg.models["release_date"] > pd.Timestamp(as_of)
    models = reg.models.copy()
    models.loc[later, "params_total"] = models.loc[later, "params_total"][::-1].to_numpy()
    scores = reg.scores.copy()
    late_ids = set(models.loc[later, "model_id"])
    scores.loc[scores["model_id"].isin(late_ids), "score"] = 1 - scores.loc[scores["model_id"].isin(late_ids), "score"]
    b = prepare_inputs(models, scores, reg.benchmarks, mp, as_of)
    for field in ("model_ids", "log10_params", "obs_y", "obs_model", "U", "release_counts", "adoption_u"):
        assert np.array_equal(getattr(a, field), getattr(b, field)), field
    assert a.data_end == b.data_end and a.data_end <= as_of
    # techniques introduced later are not in the fitted set
    assert all(t.introduced <= as_of for t in priors.techniques.values())
    assert "reasoning_rl" not in priors.techniques
    # the cache key depends on the as-of date
    assert cache_key("d", "p", FitSettings(as_of=as_of)) != cache_key("d", "p", FitSettings(as_of=date(2023, 7, 1)))


@pytest.mark.slow
def test_same_seed_same_when_answer(small_engine):
    a = small_engine.when("mmlu=0.75", params="3B").to_dict()
    small_engine._draws = None  # rebuild draws from the cached fit
    b = small_engine.when("mmlu=0.75", params="3B").to_dict()
    assert a == b


@pytest.mark.slow
def test_when_result_shape(small_engine):
    r = small_engine.when("mmlu=0.80", params="1B", p_by=["2027-06-30"]).to_dict()
    assert set(r["quantiles"]) == {"0.05", "0.1", "0.25", "0.5", "0.75", "0.9", "0.95"}
    assert "2027-06-30" in r["p_by"] and all(0 <= v <= 1 for v in r["p_by"].values())
    ps = [r["p_by"][k] for k in sorted(r["p_by"])]
    assert all(x <= y + 1e-12 for x, y in zip(ps, ps[1:]))  # a CDF
    assert {"rhat_max", "ess_bulk_min", "divergences", "ok"} <= set(r["diagnostics"])


def test_fit_table_marks_a_prior_only_technique(small_engine, capsys, monkeypatch):
    """Quantization is not identified by scores: the table says "prior only", never "nan"."""
    from forecast.cli import main
    from forecast.cli.output import console

    monkeypatch.setattr(console, "width", 200)  # the shared console may have been sized already
    main(["fit", "--draws", "150", "--tune", "150", "--seed", "11"])  # the session's cached fit
    out = capsys.readouterr().out
    assert "(cached)" in out
    row = next(line for line in out.splitlines() if "quantization" in line)
    assert "prior only" in row and "nan" not in row.lower()
