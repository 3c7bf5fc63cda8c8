"""The seed check: the thread's claims forecast as of 2023-03-19 and as of now, against the record."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from forecast.evaluation.seedcheck import CLAIMS, DEADLINE, GPT3_MMLU, THREAD_DATE, _happened_scores, _multimodal_happened


@pytest.fixture(scope="module")
def registry():
    from forecast.inputs.registry import load_registry

    return load_registry()


def test_happened_is_the_first_qualifying_release_in_the_registry(registry):
    res = _happened_scores(registry, "mmlu", GPT3_MMLU, 1e9)
    assert res["reached"]
    models = registry.models.set_index("model_id")
    first = res["models"][0]
    assert first["score"] >= GPT3_MMLU and first["params_total"] <= 1e9
    assert models.at[first["model_id"], "params_total"] == first["params_total"]
    assert first["date"] == res["date"]
    # no release of 1B or fewer scored at the threshold before that date
    from forecast.evaluation.score_rule import ScoreRule

    per_model = ScoreRule().model_scores(registry.scores, "mmlu")
    earlier = [m for m, v in per_model.items() if v >= GPT3_MMLU and m in models.index
               and 0 < models.at[m, "params_total"] <= 1e9
               and models.at[m, "release_date"] < pd.Timestamp(res["date"])]
    assert earlier == []


def test_unreachable_threshold_is_reported_as_not_reached(registry):
    assert _happened_scores(registry, "mmlu", 0.999, 1e9) == {"reached": False, "date": None, "models": []}


def test_multimodal_share_counts_the_year_to_the_deadline(registry):
    res = _multimodal_happened(registry)
    m = registry.models
    window = m[(m["release_date"] > pd.Timestamp(DEADLINE) - pd.DateOffset(years=1))
               & (m["release_date"] <= pd.Timestamp(DEADLINE)) & m["multimodal"].notna()]
    assert res["n_releases"] == len(window) > 0
    assert res["share_in_year_to_deadline"] == pytest.approx(window["multimodal"].mean())
    assert res["reached"] == (res["share_in_year_to_deadline"] > 0.5)


@pytest.mark.slow
def test_seed_check_end_to_end(small_engine):
    from forecast.api.engine import Engine
    from forecast.evaluation.seedcheck import seed_check

    then = Engine(as_of=THREAD_DATE, seed=11, draws=150, tune=150, progress=False)
    out = seed_check(small_engine, then)
    assert out["thread_date"] == "2023-03-19"
    assert [c["id"] for c in out["claims"]] == [c["id"] for c in CLAIMS] + ["language_multimodal_majority"]
    for c in out["claims"]:
        assert c["then"]["as_of"] == THREAD_DATE.isoformat()
        assert c["now"]["as_of"] == small_engine.as_of.isoformat()
        assert c["verdict"]
        p = c["then"]["p_by_deadline"]
        assert p is None or 0.0 <= p <= 1.0
    large = out["claims"][1]  # GPT-3 level at 1B: reached in the registry, and before "now"
    assert large["happened"]["reached"]
    assert large["now"].get("already_reached_by") is not None
    assert date.fromisoformat(large["now"]["already_reached_by"]["date"]) <= small_engine.as_of
    # "then" is fitted only on what was released by the thread's date
    assert then.as_of == THREAD_DATE
    fitted = [str(m) for m in then.fit().inputs["model"].values]
    dates = then.registry.models.set_index("model_id").loc[fitted, "release_date"]
    assert len(fitted) > 40 and dates.max() <= pd.Timestamp(THREAD_DATE)
    seen = then.registry.as_of(THREAD_DATE).scores
    assert (seen["reported"] <= pd.Timestamp(THREAD_DATE)).all()  # only scores public by then
    assert set(out["fits"]) == {"then", "now"}
    assert out["fits"]["then"]["as_of"] == THREAD_DATE.isoformat()
    for fit in out["fits"].values():
        d = fit["diagnostics"]
        assert {"rhat_max", "ess_bulk_min", "divergences", "ok"} <= set(d)
        assert np.isfinite(d["rhat_max"])
