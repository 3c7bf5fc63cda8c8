"""A two-cutoff miniature of the engine backtest (real fits, short chains)."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.mark.slow
def test_two_cutoff_miniature(tmp_path, monkeypatch):
    monkeypatch.setenv("FORECAST_CACHE_DIR", str(tmp_path / "cache"))
    from forecast.evaluation.backtest import run_backtest
    from forecast.evaluation.events import Event
    from forecast.evaluation.methods import EngineMethod
    from forecast.evaluation.baselines import NaivePooled
    from forecast.inputs.registry import load_registry

    reg = load_registry()
    events = [Event("mmlu", t, s) for t in (0.6, 0.7) for s in (3e9, 7e9)]
    engine = EngineMethod(draws=150, tune=150)
    res = run_backtest(reg.models, reg.scores, [engine, NaivePooled()], ["2023-07-01", "2024-01-01"],
                       events=events, n_samples=500, seed=3, progress=False)
    rows = res.rows
    eng = rows[rows["method"] == "engine"]
    assert len(eng) > 0 and eng["error"].fillna("").eq("").all()
    assert np.isfinite(eng["crps"]).all() and (eng["crps"] >= 0).all()
    # samples are conditioned on "not reached by the cutoff"
    assert (eng["q05"] >= eng["cutoff_year"] - 1e-9).all()
    assert set(res.summary["methods"]) == {"engine", "naive_pooled"}
    # the same backtest with the cutoffs in parallel processes gives the same rows (each
    # (cutoff, method) pair is seeded on its own; the fits come from the cache just written)
    import pandas as pd

    res2 = run_backtest(reg.models, reg.scores, [engine, NaivePooled()], ["2023-07-01", "2024-01-01"],
                        events=events, n_samples=500, seed=3, progress=False, jobs=2)
    key = ["cutoff", "method", "event"]
    a = rows.sort_values(key).reset_index(drop=True)
    b = res2.rows.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
