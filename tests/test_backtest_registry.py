"""The backtest on the shipped registry: realised outcomes are consistent, and a two-cutoff
miniature with both data-only baselines runs end to end."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast.evaluation.backtest import run_backtest
from forecast.evaluation.events import default_events, realised
from forecast.inputs.dates import decimal_year
from forecast.evaluation.baselines import DensingLaw, NaivePooled
from forecast.core.paths import default_data_dir

pytestmark = pytest.mark.skipif(
    not (default_data_dir() / "models.csv").is_file(), reason="the shipped registry is not built yet"
)


@pytest.fixture(scope="module")
def registry():
    from forecast.inputs.registry import load_registry

    return load_registry()


def test_realised_events_are_nested_and_traceable(registry):
    models, scores = registry.models, registry.scores
    events = default_events()
    out = realised(models, scores, events)
    assert out["reached"].sum() > 10 and out["censored"].sum() > 0
    first = out["realised_year"].fillna(np.inf).to_numpy().reshape(10, 8)  # thresholds x sizes
    # a larger budget is reached no later; a higher threshold no earlier
    assert (first[:, 1:] <= first[:, :-1]).all()
    assert (first[1:, :] >= first[:-1, :]).all()
    by_id = models.set_index("model_id")
    for _, row in out[out["reached"]].iterrows():
        for mid in row["realised_by"].split(";"):
            assert by_id.loc[mid, "release_date"] == row["realised_date"]
            assert by_id.loc[mid, "params_total"] <= row["max_params"]


def test_two_cutoff_miniature_with_the_baselines(registry, tmp_path):
    result = run_backtest(
        registry.models, registry.scores, [DensingLaw(), NaivePooled()], "2023-01-01,2024-01-01",
        n_samples=500, seed=0, progress=False,
    )
    s = result.summary
    assert s["n_events"] > 0 and s["cutoffs"] == ["2023-01-01", "2024-01-01"]
    for name in ("densing", "naive_pooled"):
        m = s["methods"][name]
        assert all(0.0 <= v <= 1.0 for v in m["coverage"].values())
        assert m["crps_mean"] > 0
    assert set(s["ranking"]) == {"densing", "naive_pooled"}
    paths = result.save(tmp_path)
    assert len(pd.read_csv(paths["rows"])) == 2 * s["n_events"]
