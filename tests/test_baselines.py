"""Data-only baselines: the Densing Law and the naive pooled frontier line, on synthetic registries
whose truth is known."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

from forecast.evaluation.backtest import run_backtest
from forecast.evaluation.events import Event, default_events
from forecast.evaluation.method_protocol import Method
from forecast.inputs.dates import decimal_year
from forecast.evaluation.baselines import DensingLaw, NaivePooled, sample_after, score_logit
from forecast.core.errors import UserError

LN10 = np.log(10.0)


def _dates(years: np.ndarray) -> pd.DatetimeIndex:
    whole = years.astype(int)
    start = pd.to_datetime(pd.DataFrame({"year": whole, "month": 1, "day": 1}))
    end = pd.to_datetime(pd.DataFrame({"year": whole + 1, "month": 1, "day": 1}))
    return pd.DatetimeIndex(start + (years - whole) * (end - start)).normalize()


def density_world(
    n: int = 500,
    A: float = np.log(2) / 1.0,
    k: float = 2.0,
    m: float = 10.5,
    quality_sd: float = 0.2,
    start: float = 2019.0,
    end: float = 2025.0,
    max_log10_params: float = 11.5,
    seed: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A registry from an exponential density law: a model of size N released at t has latent
    size log10 N + (A / ln 10)(t - start) + q, q ~ Normal(0, quality_sd), and MMLU score
    0.25 + 0.75 expit(k (latent - m)) (plus 0.005 measurement noise), reported on the release
    date. Max density then grows as exp(A t): doubling every ln 2 / A years."""
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(start, end, n))
    log_n = rng.uniform(8.0, max_log10_params, n)
    latent = log_n + A / LN10 * (t - start) + rng.normal(0, quality_sd, n)
    score = np.clip(0.25 + 0.75 * expit(k * (latent - m)) + rng.normal(0, 0.005, n), 0, 1)
    ids = [f"m{i:04d}" for i in range(n)]
    models = pd.DataFrame(
        {
            "model_id": ids,
            "release_date": _dates(t),
            "params_total": 10.0**log_n,
            "params_active": np.nan,
            "architecture": "decoder",
            "open_weights": 1,
        }
    )
    models["release_year"] = decimal_year(models["release_date"])
    scores = pd.DataFrame({"model_id": ids, "benchmark": "mmlu", "score": score, "shots": 5, "cot": 0,
                           "reported": models["release_date"]})
    return models, scores


@pytest.fixture(scope="module")
def world():
    return density_world()


def test_baselines_are_methods():
    assert isinstance(DensingLaw(), Method) and isinstance(NaivePooled(), Method)


def test_truncated_normal_sampler_is_exact_far_in_the_tail():
    rng = np.random.default_rng(0)
    x = sample_after(np.full(20000, 0.0), np.full(20000, 1.0), 0.0, rng)
    assert x.min() > 0 and np.mean(x) == pytest.approx(np.sqrt(2 / np.pi), abs=0.02)
    far = sample_after(np.full(5000, 0.0), np.full(5000, 1.0), 30.0, rng)
    # beyond 30 sd the excess over the bound is about Exponential(30): mean 1/30
    assert np.isfinite(far).all() and np.mean(far - 30) == pytest.approx(1 / 30, rel=0.1)
    assert np.isinf(sample_after(np.array([np.inf]), np.array([1.0]), 0.0, rng)).all()
    np.testing.assert_array_equal(sample_after(np.array([2.0, -1.0]), np.zeros(2), 0.0, rng), [2.0, 0.0])


@pytest.mark.parametrize("frontier", ["dates", "records"])
@pytest.mark.parametrize("doubling", [0.75, 1.0, 1.5])
def test_densing_law_recovers_the_growth_rate(doubling, frontier):
    A = np.log(2) / doubling
    models, scores = density_world(n=600, A=A, seed=3)
    fit = DensingLaw(frontier=frontier).fit(models, scores, date(2025, 1, 1), Event("mmlu", 0.6, 7e9))
    assert fit.A == pytest.approx(A, rel=0.12)
    assert fit.doubling_time_years == pytest.approx(doubling, rel=0.12)
    assert fit.k == pytest.approx(2.0, rel=0.1)
    assert len(fit.record_ids) >= 3 and fit.residual_sd > 0


def test_densing_crossing_follows_the_fitted_line(world):
    models, scores = world
    cutoff = date(2023, 1, 1)
    event = Event("mmlu", 0.7, 3e9)
    fit = DensingLaw().fit(models, scores, cutoff, event)
    mean, sd = fit.crossing_mean_sd(0.7, 3e9)
    # at the mean crossing date the fitted max density equals N_eff(0.7) / 3e9
    needed = LN10 * (fit.log10_effective_params(0.7) - np.log10(3e9))
    assert fit.A * (mean - fit.t0) + fit.B == pytest.approx(needed)
    assert sd == pytest.approx(fit.residual_sd / fit.A)
    samples = DensingLaw().sample_crossings(models, scores, cutoff, [event], 4000, seed=1)
    assert samples.shape == (1, 4000) and samples.min() > decimal_year("2023-01-01")
    if mean > 2023.5:
        assert np.median(samples) == pytest.approx(mean, abs=0.1)


def test_densing_ignores_models_after_the_cutoff(world):
    models, scores = world
    event = Event("mmlu", 0.6, 7e9)
    early = models[models["release_date"] <= "2022-01-01"]
    a = DensingLaw().fit(models, scores, date(2022, 1, 1), event)
    b = DensingLaw().fit(early, scores[scores["model_id"].isin(early["model_id"])], date(2022, 1, 1), event)
    assert a == b


@pytest.mark.parametrize("intercepts", ["per_threshold", "link"])
def test_naive_pooled_recovers_the_shared_slope(intercepts):
    """Truth: the smallest size reaching each threshold shrinks along parallel lines."""
    A = np.log(2) / 1.0
    models, scores = density_world(n=800, A=A, quality_sd=0.05, seed=4)
    fit = NaivePooled(intercepts=intercepts).fit(models, scores, date(2025, 1, 1), default_events())
    assert fit.intercept_model == intercepts
    # the latent size grows by A / ln 10 log10 units a year, so the size needed falls as fast
    assert fit.slope == pytest.approx(-A / LN10, rel=0.2)
    assert len(fit.thresholds) >= 5 and fit.df >= 2
    if intercepts == "link":
        # c1 = 1 / k: the size needed rises by 1/k log10 units per unit of score logit (k = 2)
        assert fit.coef[1] == pytest.approx(0.5, rel=0.25)


def test_naive_pooled_falls_back_to_the_link_on_sparse_data():
    models, scores = density_world(n=20, max_log10_params=9.5, seed=0)
    fit = NaivePooled().fit(models, scores, date(2021, 1, 1), default_events())
    assert fit.intercept_model == "link"
    with pytest.raises(UserError, match="intercept per threshold"):
        NaivePooled(intercepts="per_threshold").fit(models, scores, date(2021, 1, 1), default_events())


def test_naive_pooled_extrapolates_unreached_thresholds():
    models, scores = density_world(max_log10_params=10.0, seed=6)
    cutoff = date(2021, 1, 1)
    fit = NaivePooled().fit(models, scores, cutoff, default_events())
    unreached = [thr for thr in (0.45, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8) if thr not in fit.thresholds]
    assert unreached and len(fit.thresholds) >= 3
    rng = np.random.default_rng(0)
    coef, _ = fit.draw(4000, rng)
    top = max(fit.thresholds)
    a_top = fit.intercepts(top, coef, rng)
    a_hi = fit.intercepts(max(unreached), coef, rng)
    # a higher threshold needs a larger model at any date, and its intercept is less certain
    assert np.median(a_hi) > np.median(a_top)
    assert np.std(a_hi) > np.std(a_top)
    samples = NaivePooled().sample_crossings(models, scores, cutoff, default_events(), 500, seed=2)
    assert samples.shape == (80, 500)
    assert (samples > decimal_year("2021-01-01")).all()


def test_naive_pooled_needs_enough_records():
    models, scores = density_world(n=30, seed=5)
    with pytest.raises(UserError, match="naive_pooled"):
        NaivePooled().sample_crossings(models, scores, date(2019, 3, 1), default_events(), 100, 0)


def test_score_logit_is_linear_link():
    assert score_logit(0.625, 0.25) == pytest.approx(0.0)
    assert score_logit([0.25 + 0.75 * expit(1.0)], 0.25)[0] == pytest.approx(1.0)


def test_baselines_backtest_is_seeded_and_parallel_safe(world):
    models, scores = world
    events = default_events(thresholds=(0.55, 0.65, 0.75), sizes=(1e9, 7e9, 34e9))
    kw = dict(events=events, n_samples=300, seed=3, progress=False)
    methods = [DensingLaw(n_bootstrap=20), NaivePooled(n_bootstrap=20)]
    one = run_backtest(models, scores, methods, "2022-01-01,2023-01-01", jobs=1, **kw)
    two = run_backtest(models, scores, methods, "2022-01-01,2023-01-01", jobs=2, **kw)
    pd.testing.assert_frame_equal(one.rows, two.rows)
    assert one.summary == two.summary
    assert set(one.summary["methods"]) == {"densing", "naive_pooled"}
    assert one.summary["n_events"] > 0


# ----------------------------------------------------------------------------- parameter uncertainty


def _interval_width(samples: np.ndarray, lo: float = 0.1, hi: float = 0.9) -> float:
    """Width of the central interval of finite-or-infinite samples (no interpolation, so +inf
    draws count as the latest)."""
    q = np.quantile(samples, [lo, hi], method="inverted_cdf")
    return float(q[1] - q[0])


@pytest.fixture(scope="module")
def small_world():
    """A sparse registry: few models, so the frontier has a handful of points."""
    return density_world(n=30, quality_sd=0.3, start=2019.0, end=2023.0, seed=1)


def test_densing_bootstrap_widens_the_interval(small_world):
    models, scores = small_world
    cutoff, event = date(2023, 1, 1), Event("mmlu", 0.8, 1e9)
    point = DensingLaw(parameters="point").sample_crossings(models, scores, cutoff, [event], 4000, seed=5)[0]
    boot = DensingLaw().sample_crossings(models, scores, cutoff, [event], 4000, seed=5)[0]
    # the point fit's only spread is the residual scatter; the replicates add the fit's own
    assert _interval_width(boot) > 1.15 * _interval_width(point)
    fits = DensingLaw().bootstrap(models, scores, cutoff, event, np.random.default_rng(0))
    assert len(fits) == DensingLaw().n_bootstrap
    assert np.std([f.A for f in fits]) > 0 and np.std([f.k for f in fits]) > 0


def test_naive_bootstrap_widens_the_interval(small_world):
    models, scores = small_world
    cutoff, event = date(2023, 1, 1), Event("mmlu", 0.8, 1e9)
    point = NaivePooled(parameters="point").sample_crossings(models, scores, cutoff, [event], 4000, seed=5)[0]
    boot = NaivePooled().sample_crossings(models, scores, cutoff, [event], 4000, seed=5)[0]
    assert _interval_width(boot) > 1.15 * _interval_width(point)
    fit, refits = NaivePooled().bootstrap(models, scores, cutoff, [event], np.random.default_rng(0))
    slopes = np.array([f.slope for f in refits])
    assert np.std(slopes) > 0 and slopes.min() < fit.slope < slopes.max()


@pytest.mark.parametrize("method", [DensingLaw(), NaivePooled(), NaivePooled(parameters="normal")],
                         ids=["densing", "naive_bootstrap", "naive_normal"])
def test_baselines_are_reproducible_with_a_seed(small_world, method):
    models, scores = small_world
    events = [Event("mmlu", 0.7, 3e9), Event("mmlu", 0.75, 7e9)]
    a = method.sample_crossings(models, scores, date(2023, 1, 1), events, 500, seed=7)
    b = method.sample_crossings(models, scores, date(2023, 1, 1), events, 500, seed=7)
    c = method.sample_crossings(models, scores, date(2023, 1, 1), events, 500, seed=8)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_densing_bootstrap_keeps_the_failure_messages():
    models, scores = density_world(n=3, seed=1)
    with pytest.raises(UserError, match="scored models, need at least 4"):
        DensingLaw().sample_crossings(models, scores, date(2025, 1, 1), [Event("mmlu", 0.7, 3e9)], 50, 0)
    with pytest.raises(UserError, match="scored models, need at least 4"):
        DensingLaw().bootstrap(models, scores, date(2025, 1, 1), Event("mmlu", 0.7, 3e9), np.random.default_rng(0))


def test_baselines_see_only_what_was_public_at_the_cutoff(world):
    """A score reported after the cutoff is left out even when its model was released before."""
    models, scores = world
    cutoff, event = date(2022, 1, 1), Event("mmlu", 0.6, 7e9)
    late = scores.copy()
    late.loc[late["model_id"] == models["model_id"].iloc[0], "reported"] = pd.Timestamp("2024-01-01")
    without = scores[scores["model_id"] != models["model_id"].iloc[0]]
    assert DensingLaw().fit(models, late, cutoff, event) == DensingLaw().fit(models, without, cutoff, event)
    a = NaivePooled().fit(models, late, cutoff, [event])
    b = NaivePooled().fit(models, without, cutoff, [event])
    np.testing.assert_array_equal(a.coef, b.coef)
