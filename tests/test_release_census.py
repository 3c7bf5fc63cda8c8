"""Releases apart from reports: the release census, each benchmark's reporting share, and the
reported-score question the backtest asks."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest

from forecast.projection.crossing import crossing_times
from forecast.projection.question import Budget, Target
from forecast.projection.settings import ProjectionSettings
from tests.conftest import make_draws, make_engine


def _registry_inputs(as_of: date, drop_unscored: bool = False):
    from forecast.inputs.priors import load_priors
    from forecast.inputs.registry import known_by, load_registry
    from forecast.model.data import prepare_inputs
    from forecast.model.priors import model_priors_from

    reg = load_registry()
    models, scores = known_by(reg.models, reg.scores, reg.benchmarks, pd.Timestamp(as_of))
    if drop_unscored:
        models = models[models["model_id"].isin(scores["model_id"])]
    mp = model_priors_from(load_priors().introduced_by(as_of), reg.benchmarks)
    return prepare_inputs(models, scores, reg.benchmarks, mp, as_of), models, scores


def test_the_census_counts_unscored_releases_and_the_reports_apart():
    """Removing the releases without a score lowers the census's counts but not the data's
    end, and every benchmark's report count is the recent releases with a score on it."""
    as_of = date(2024, 7, 1)
    inp, models, scores = _registry_inputs(as_of)
    scored_only, _, _ = _registry_inputs(as_of, drop_unscored=True)
    assert inp.data_end == scored_only.data_end
    assert inp.release_counts.sum() > scored_only.release_counts.sum()
    end = inp.data_end
    dated = models[(models["params_total"] > 0)]
    released = pd.to_datetime(dated["release_date"]).dt.date
    recent = dated[(released <= end) & (released > date(end.year - 1, end.month, end.day))]
    assert inp.report_n == len(recent)
    mmlu = inp.benchmarks.index("mmlu")
    with_mmlu = set(scores.loc[scores["benchmark"] == "mmlu", "model_id"])
    assert inp.report_k[mmlu] == recent["model_id"].isin(with_mmlu).sum()
    assert 0 < inp.report_k[mmlu] < inp.report_n
    assert scored_only.report_n == recent["model_id"].isin(set(scores["model_id"])).sum()


@pytest.fixture(scope="module")
def paths():
    d = make_draws(n=200, jitter=0.2, walk_sd=0.05, noise=0.01, release_log_rate=0.5, seed=5)
    return d, make_engine(n=200, rate=1.0)


def test_a_reported_crossing_is_never_earlier_than_the_capability_crossing(paths):
    """With the same futures, a release rate scaled by a share below 1 lowers every path's
    hazard, so each path's reported crossing comes on or after its capability crossing."""
    d, e = paths
    share = np.column_stack([np.full(d.n, 0.3)] * len(d.benchmarks))
    shared = replace(d, report_share=share)
    target, budget = Target("mmlu=0.7", (("mmlu", 0.7),)), Budget("params_total", 3e9)
    s = ProjectionSettings(horizon=2045.0, paths_per_draw=2, seed=9)
    reach = crossing_times(shared, e, target, budget, s)
    report = crossing_times(shared, e, target, budget, replace(s, reported=True))
    assert np.all(report >= reach)
    assert np.median(report) > np.median(reach)
    # a share of 1 reports every release: the same dates
    full = replace(d, report_share=np.ones_like(share))
    assert np.array_equal(crossing_times(full, e, target, budget, replace(s, reported=True)), reach)


def test_reported_on_scales_the_rate_by_the_least_reported_benchmark(paths):
    d, _ = paths
    one = replace(d, report_share=np.full((d.n, 1), 0.2)).reported_on(["mmlu"])
    assert np.allclose(one.release_log_rate, d.release_log_rate + np.log(0.2))
    two = replace(d, benchmarks=["mmlu", "arc_c"],
                  report_share=np.tile([0.5, 0.2], (d.n, 1))).reported_on(["mmlu", "arc_c"])
    assert np.allclose(two.release_log_rate, d.release_log_rate + np.log(0.2))
    assert d.reported_on(["mmlu"]) is d  # no shares: unchanged
