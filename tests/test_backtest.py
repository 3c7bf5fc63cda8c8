"""Backtest: events, realised outcomes and censoring, scores, aggregation and the runner."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import pytest
import scoringrules as sr

from forecast.evaluation.backtest import run_backtest
from forecast.evaluation.cutoffs import parse_cutoffs
from forecast.evaluation.events import Event, default_events, realised
from forecast.evaluation.method_protocol import Method
from forecast.evaluation.score_rule import ScoreRule
from forecast.evaluation.scoring import SCORE_FIELDS, sample_quantiles, score_samples
from forecast.evaluation.summary import summarise
from forecast.inputs.dates import decimal_year
from forecast.core.errors import UserError


def year_to_date(y: float) -> pd.Timestamp:
    start = pd.Timestamp(int(y), 1, 1)
    length = pd.Timestamp(int(y) + 1, 1, 1) - start
    return (start + (y - int(y)) * length).normalize()


# ----------------------------------------------------------------------------- small registry


@pytest.fixture()
def tiny():
    models = pd.DataFrame(
        [
            ("a", "2020-06-01", 10e9, np.nan, "decoder", 1),
            ("b", "2021-03-01", 2e9, np.nan, "encoder-decoder", 1),
            ("c", "2022-05-01", 0.5e9, np.nan, "decoder", 1),
            ("e", "2022-05-01", 1e9, np.nan, "decoder", 1),
            ("f", "2021-06-01", np.nan, np.nan, "decoder", 1),
            ("d", "2023-01-01", 70e9, np.nan, "decoder", 0),
            ("g", "2023-06-01", 7e9, np.nan, "decoder", 1),
            ("x", "2023-02-01", 140e9, 12e9, "decoder", 1),
        ],
        columns=["model_id", "release_date", "params_total", "params_active", "architecture", "open_weights"],
    )
    models["release_date"] = pd.to_datetime(models["release_date"])
    models["moe"] = (models["model_id"] == "x").astype(int)
    scores = pd.DataFrame(
        [
            ("a", "mmlu", 0.50, 5, 0, "self_reported"),
            ("b", "mmlu", 0.62, 5, 0, "self_reported"),
            ("b", "mmlu", 0.58, 5, 0, "independent"),
            ("c", "mmlu", 0.55, 5, 0, "self_reported"),
            ("c", "mmlu", 0.75, 5, 1, "self_reported"),
            ("e", "mmlu", 0.56, np.nan, 0, "independent"),
            ("f", "mmlu", 0.90, 5, 0, "self_reported"),
            ("d", "mmlu", 0.72, np.nan, np.nan, "self_reported"),
            ("g", "mmlu", 0.20, 0, 0, "independent"),
            ("x", "mmlu", 0.78, 5, 0, "independent"),
        ],
        columns=["model_id", "benchmark", "score", "shots", "cot", "source"],
    )
    scores["reported"] = scores["model_id"].map(models.set_index("model_id")["release_date"])
    return models, scores


def _one(models, scores, event, **kw):
    return realised(models, scores, [event], **kw).iloc[0]


def test_realised_first_date_models_and_ties(tiny):
    models, scores = tiny
    r = _one(models, scores, Event("mmlu", 0.5, 10e9))
    assert r["reached"] and r["realised_date"] == pd.Timestamp("2020-06-01") and r["realised_by"] == "a"
    assert r["realised_year"] == pytest.approx(decimal_year("2020-06-01"))
    r = _one(models, scores, Event("mmlu", 0.55, 1e9))
    assert r["realised_date"] == pd.Timestamp("2022-05-01") and r["realised_by"] == "c;e"
    # shots unknown and cot unknown are admissible; 70B decides 0.70 in 2023-01
    r = _one(models, scores, Event("mmlu", 0.7, 70e9))
    assert r["realised_by"] == "d" and not r["censored"]


def test_score_rule_median_versus_max_and_cot(tiny):
    models, scores = tiny
    event = Event("mmlu", 0.61, 2e9)
    assert _one(models, scores, event)["censored"]  # median of 0.62 and 0.58 is 0.60
    assert _one(models, scores, event, rule=ScoreRule(aggregate="max"))["realised_by"] == "b"
    assert _one(models, scores, Event("mmlu", 0.6, 2e9))["realised_by"] == "b"
    # the chain-of-thought row of c (0.75) counts only when allowed: median(0.55, 0.75) = 0.65
    decoder = Event("mmlu", 0.6, 2e9, architectures=("decoder",))
    assert _one(models, scores, decoder)["censored"]
    assert _one(models, scores, decoder, rule=ScoreRule(allow_cot=True))["realised_by"] == "c"
    # only independent rows: b has 0.58
    assert _one(models, scores, Event("mmlu", 0.6, 2e9), rule=ScoreRule(sources=("independent",)))["censored"]


def test_filters_axis_and_unknown_size(tiny):
    models, scores = tiny
    # f (0.90) has no size, so it never decides an event
    assert _one(models, scores, Event("mmlu", 0.85, 1e12))["censored"]
    # d is closed: the open-weights event waits for x (140B total)
    r = _one(models, scores, Event("mmlu", 0.7, 200e9, open_weights_only=True))
    assert r["realised_by"] == "x"
    # on the active axis x counts at 12B; dense models fall back to their total size
    assert _one(models, scores, Event("mmlu", 0.75, 14e9, axis="params_active"))["realised_by"] == "x"
    assert _one(models, scores, Event("mmlu", 0.5, 10e9, axis="params_active"))["realised_by"] == "a"
    assert _one(models, scores, Event("mmlu", 0.75, 14e9))["censored"]


def test_censoring_at_data_end(tiny):
    models, scores = tiny
    r = _one(models, scores, Event("mmlu", 0.7, 7e9))
    # g scores only 0-shot (inadmissible) but is the last model with an MMLU row: it sets data_end
    assert r["censored"] and not r["reached"] and pd.isna(r["realised_date"])
    assert r["data_end"] == pd.Timestamp("2023-06-01")
    r = _one(models, scores, Event("mmlu", 0.7, 70e9), data_end="2022-12-31")
    assert r["censored"] and r["data_end"] == pd.Timestamp("2022-12-31")


def test_event_validation_and_defaults():
    events = default_events()
    assert len(events) == 80 and events[0].key == "mmlu>=0.45@0.5B"
    assert {e.threshold for e in events} == {0.45, 0.55, 0.60, 0.65, 0.70, 0.75, 0.80, 0.82, 0.85, 0.88}
    assert Event("MMLU", 0.7, 7e9, architectures=["decoder"], open_weights_only=True).key == "mmlu>=0.7@7B[decoder,open]"
    for bad in (dict(threshold=1.2), dict(max_params=0), dict(axis="tokens"), dict(architectures=("rnn",))):
        kw = dict(benchmark="mmlu", threshold=0.7, max_params=7e9) | bad
        with pytest.raises(UserError):
            Event(**kw)


def test_parse_cutoffs():
    got = parse_cutoffs("2021-07-01:2025-01-01:6M")
    assert got[0] == date(2021, 7, 1) and got[-1] == date(2025, 1, 1) and len(got) == 8
    assert parse_cutoffs("2023-01-01,2022-01-01") == [date(2022, 1, 1), date(2023, 1, 1)]
    assert parse_cutoffs(["2022-01-01", date(2021, 1, 1)]) == [date(2021, 1, 1), date(2022, 1, 1)]
    assert len(parse_cutoffs("2020-01-01:2021-01-01:1Y")) == 2
    for bad in ("2021-07-01:2025-01-01:6Q", "2025-01-01:2021-01-01:6M", "2021-13-01", ""):
        with pytest.raises(UserError):
            parse_cutoffs(bad)


def test_missing_column_is_a_user_error(tiny):
    models, scores = tiny
    with pytest.raises(UserError, match="release_date"):
        realised(models.drop(columns="release_date"), scores, [Event("mmlu", 0.5, 1e9)])


# ----------------------------------------------------------------------------- scores


def test_quantiles_with_infinite_samples():
    x = np.concatenate([np.linspace(2022, 2023, 900), np.full(100, np.inf)])[None, :]
    q = sample_quantiles(x, [0.5, 0.89, 0.9, 0.95])[0]
    assert q[0] == pytest.approx(np.quantile(x[0, :900], 0.5 / 0.9), abs=2e-3)
    assert np.isfinite(q[1]) and np.isinf(q[2]) and np.isinf(q[3])


def test_score_samples_hand_cases():
    n = 1001
    x = np.stack(
        [
            np.linspace(2022, 2023, n),  # uncensored, outcome in the middle
            np.linspace(2022, 2023.5, n),  # censored at 2024, interval ends before: not covered
            np.linspace(2023, 2027, n),  # censored at 2024, interval straddles: undecided
            np.r_[np.linspace(2022, 2023, 900), np.full(n - 900, np.inf)],  # censored, upper end inf
        ]
    )
    y = np.array([2022.5, np.nan, np.nan, np.nan])
    cens = np.array([False, True, True, True])
    d = np.array([2024.0, 2024.0, 2024.0, 2023.5])
    out = score_samples(x, y, cens, d, 2022.0, np.random.default_rng(0))
    assert out["covered_50"][0] == 1.0 and out["credit_50"][0] == 1.0
    assert out["pit"][0] == pytest.approx(0.5, abs=1e-3)
    assert all(out[f"covered_{L}"][1] == 0.0 for L in (50, 80, 90)) and out["pit"][1] == 1.0
    assert all(np.isnan(out[f"covered_{L}"][2]) for L in (50, 80, 90))
    # P(2024 <= T <= 2026 | T > 2024) = 0.5 / 0.75 for the central 50% interval [2024, 2026]
    assert out["credit_50"][2] == pytest.approx(2 / 3, abs=2e-3)
    assert out["pit_lo"][2] == pytest.approx(0.25, abs=2e-3) and out["pit_hi"][2] == 1.0
    assert 0.25 <= out["pit"][2] <= 1.0
    # upper end +inf with the lower end before data_end: covered is decided True
    assert out["covered_90"][3] == 1.0 and out["covered_50"][3] == 0.0
    assert out["q95"][3] == np.inf
    # Brier: cutoff 2022 + 2y = 2024 is within data_end 2024 but not within 2023.5
    assert out["brier_1y"][0] == pytest.approx((1.0 - 1.0) ** 2)
    assert out["brier_1y"][1] == pytest.approx(((x[1] <= 2023).mean() - 0) ** 2)
    assert np.isfinite(out["brier_2y"][2]) and np.isnan(out["brier_2y"][3])


def test_crps_matches_scoringrules():
    rng = np.random.default_rng(3)
    x = 2023 + rng.gamma(2.0, 0.8, size=(50, 500))
    y = 2023 + rng.gamma(2.0, 0.8, size=50)
    d = np.full(50, 2040.0)  # nothing clipped: the plain CRPS
    out = score_samples(x, y, np.zeros(50, bool), d, 2023.0, rng)
    np.testing.assert_allclose(out["crps"], sr.crps_ensemble(y, x), rtol=1e-12)
    # with clipping it is scoringrules' threshold-weighted CRPS for the weight 1{x <= d}
    d = np.full(50, 2024.5)
    cens = y > d
    out = score_samples(x, np.where(cens, np.nan, y), cens, d, 2023.0, rng)
    np.testing.assert_allclose(out["crps"], sr.twcrps_ensemble(np.minimum(y, d), x, b=2024.5), rtol=1e-10)


# ----------------------------------------------------------------------------- calibrated world


@dataclass(frozen=True)
class ExponentialOracle:
    """Knows each benchmark's true waiting-time rate; memorylessness makes it exactly calibrated
    given 'not reached by the cutoff'. `rate_factor` != 1 makes it miscalibrated."""

    rates: tuple[float, ...]
    name: str = "oracle"
    rate_factor: float = 1.0

    def sample_crossings(self, models, scores, cutoff, events, n_samples, seed):
        rng = np.random.default_rng(seed)
        c = decimal_year(pd.Timestamp(cutoff))
        rate = np.array([self.rates[int(e.benchmark[1:])] for e in events]) * self.rate_factor
        return c + rng.exponential(1.0, size=(len(events), n_samples)) / rate[:, None]


def exponential_world(n_events: int = 400, seed: int = 1, data_end: float = 2024.0):
    """One benchmark per event so events are independent; event i is reached at
    T_i = 2020 + Exponential(rate_i) by a 1B model, visible only if T_i <= data_end."""
    rng = np.random.default_rng(seed)
    rates = rng.uniform(0.15, 1.0, n_events)
    crossing = 2020.0 + rng.exponential(1.0, n_events) / rates
    models, scores = [], []
    for i in range(n_events):
        b = f"b{i:03d}"
        for tag, when, size, score in (("old", 2019.5, 1e11, 0.3), ("end", data_end, 1e11, 0.3), ("hit", crossing[i], 1e9, 0.6)):
            if when > data_end:
                continue
            mid = f"{b}-{tag}"
            models.append((mid, year_to_date(when), size))
            scores.append((mid, b, score, 5, 0))
    models = pd.DataFrame(models, columns=["model_id", "release_date", "params_total"])
    scores = pd.DataFrame(scores, columns=["model_id", "benchmark", "score", "shots", "cot"])
    scores["reported"] = pd.to_datetime(scores["model_id"].map(models.set_index("model_id")["release_date"]))
    events = [Event(f"b{i:03d}", 0.5, 1e9) for i in range(n_events)]
    return models, scores, events, tuple(rates)


def synthetic_benchmarks(scores: pd.DataFrame) -> pd.DataFrame:
    """A benchmarks table for the synthetic benchmarks of `scores`, all introduced long ago."""
    return pd.DataFrame({"benchmark": sorted(set(scores["benchmark"])),
                         "introduced": pd.Timestamp("1900-01-01")})


@pytest.fixture(scope="module")
def world():
    return exponential_world()


@pytest.fixture(scope="module")
def oracle_result(world):
    models, scores, events, rates = world
    methods = [ExponentialOracle(rates), ExponentialOracle(rates, name="too_early", rate_factor=3.0)]
    return run_backtest(models, scores, methods, "2021-01-01:2023-01-01:1Y", events=events,
                        n_samples=1000, seed=5, progress=False,
                        benchmarks=synthetic_benchmarks(scores))


def test_oracle_is_a_method(world):
    assert isinstance(ExponentialOracle(world[3]), Method)


def test_calibrated_method_has_nominal_coverage(oracle_result):
    s = oracle_result.summary
    oracle = s["methods"]["oracle"]
    assert s["n_events"] > 400 and s["n_censored"] > 100
    for level in ("0.5", "0.8", "0.9"):
        assert oracle["coverage"][level] == pytest.approx(float(level), abs=0.035)
    assert oracle["n_undecided"]["0.8"] > 0
    hist = np.array(oracle["pit_hist"]) / s["n_events"]
    assert np.all(np.abs(hist - 0.1) < 0.03)
    # a forecast three times too early is caught
    early = s["methods"]["too_early"]
    assert early["coverage"]["0.8"] < 0.6
    assert early["crps_mean"] > oracle["crps_mean"]
    assert s["ranking"] == ["oracle", "too_early"]
    assert early["crps_diff_vs_best"]["ci"][0] > 0
    assert early["brier_1y"] > oracle["brier_1y"]


def test_decided_only_coverage_is_biased_near_the_data_end(world):
    """Cutoffs a few months before the data's end: the rows the outcome decides are mostly
    crossings that came early, so the decided-only rate of a calibrated forecast collapses,
    while the censoring-aware coverage stays near nominal."""
    models, scores, events, rates = world
    result = run_backtest(models, scores, [ExponentialOracle(rates)], "2023-04-01,2023-07-01",
                          events=events, n_samples=1000, seed=2, progress=False,
                          benchmarks=synthetic_benchmarks(scores))
    oracle = result.summary["methods"]["oracle"]
    assert result.summary["n_censored"] > 100
    assert oracle["coverage"]["0.5"] == pytest.approx(0.5, abs=0.07)
    assert oracle["coverage"]["0.8"] == pytest.approx(0.8, abs=0.06)
    assert oracle["coverage_decided"]["0.5"] < 0.3


def test_rows_layout(oracle_result, world):
    rows = oracle_result.rows
    expected = {
        "cutoff", "event", "benchmark", "threshold", "max_params", "axis", "architectures",
        "open_weights_only", "method", "realised_date", "realised_year", "realised_by", "censored",
        "q05", "q10", "q25", "q50", "q75", "q90", "q95", "covered_50", "covered_80", "covered_90",
        "pit", "pit_lo", "pit_hi", "crps", "brier_1y", "brier_2y",
    }
    assert expected <= set(rows.columns)
    assert str(rows["covered_80"].dtype) == "boolean"
    # only events not reached by each cutoff are scored
    reached_before = rows["realised_year"] <= rows["cutoff_year"]
    assert not reached_before.any()
    assert (rows["q05"] > rows["cutoff_year"]).all()
    # a censored row whose 80% interval ends before the data's end is decided False
    cens = rows[rows["censored"]]
    assert (cens.loc[cens["q90"] <= cens["data_end_year"], "covered_80"] == False).all()  # noqa: E712
    # summarise on the saved tidy rows gives the same numbers
    again = summarise(rows, seed=5)
    assert again["methods"]["oracle"]["coverage"] == oracle_result.summary["methods"]["oracle"]["coverage"]


def test_save_writes_csv_and_json(oracle_result, tmp_path):
    paths = oracle_result.save(tmp_path / "out")
    rows = pd.read_csv(paths["rows"])
    assert len(rows) == len(oracle_result.rows)
    summary = json.loads(paths["summary"].read_text())
    for key in ("n_events", "n_censored", "cutoffs", "methods", "ranking", "realising_models"):
        assert key in summary
    assert set(summary["methods"]["oracle"]["coverage"]) == {"0.5", "0.8", "0.9"}
    assert not list((tmp_path / "out").glob(".*tmp"))


def test_runner_rejects_bad_input(world):
    models, scores, events, rates = world
    with pytest.raises(UserError):
        run_backtest(models, scores, [ExponentialOracle(rates), ExponentialOracle(rates)], "2021-01-01", events=events[:3],
                     benchmarks=synthetic_benchmarks(scores))
    with pytest.raises(UserError, match="no event is open"):
        run_backtest(models, scores, [ExponentialOracle(rates)], "2030-01-01", events=events[:3], progress=False,
                     benchmarks=synthetic_benchmarks(scores))


@dataclass(frozen=True)
class CannotFitBefore:
    """Raises a UserError at cutoffs before `year`, else defers to the oracle."""

    oracle: ExponentialOracle
    year: int = 2022
    name: str = "late_starter"

    def sample_crossings(self, models, scores, cutoff, events, n_samples, seed):
        if cutoff.year < self.year:
            raise UserError("too few models", key="cutoff")
        return self.oracle.sample_crossings(models, scores, cutoff, events, n_samples, seed)


def test_method_that_cannot_forecast_is_recorded_or_raised(world):
    models, scores, events, rates = world
    oracle = ExponentialOracle(rates)
    methods = [oracle, CannotFitBefore(oracle)]
    kw = dict(events=events[:80], n_samples=300, seed=1, progress=False,
              benchmarks=synthetic_benchmarks(scores))
    with pytest.raises(UserError, match="cutoff 2021-01-01, method 'late_starter': too few models"):
        run_backtest(models, scores, methods, "2021-01-01,2022-01-01", on_error="raise", **kw)
    result = run_backtest(models, scores, methods, "2021-01-01,2022-01-01", **kw)
    s, rows = result.summary, result.rows
    late = s["methods"]["late_starter"]
    assert late["failed_cutoffs"] == ["2021-01-01"] and late["n_failed"] == s["events_per_cutoff"]["2021-01-01"]
    assert late["n_rows"] + late["n_failed"] == s["n_events"]
    assert s["failures"] == [{"cutoff": "2021-01-01", "method": "late_starter",
                              "message": "backtest cutoff 2021-01-01, method 'late_starter': too few models"}]
    failed = rows[rows["error"] != ""]
    assert (failed["method"] == "late_starter").all() and failed["crps"].isna().all()
    # the common rows are the 2022 ones, where both scored
    assert s["n_common"] == s["events_per_cutoff"]["2022-01-01"]
    assert late["crps_mean_common"] == pytest.approx(late["crps_mean"])
    in_2022 = (rows["method"] == "oracle") & (rows["cutoff"] == date(2022, 1, 1))
    assert s["methods"]["oracle"]["crps_mean_common"] == pytest.approx(rows.loc[in_2022, "crps"].mean())
    best, other = s["ranking"]
    diff = s["methods"][other]["crps_mean_common"] - s["methods"][best]["crps_mean_common"]
    assert s["methods"][other]["crps_diff_vs_best"]["mean"] == pytest.approx(diff)


def test_score_fields_are_what_score_samples_returns():
    x = np.linspace(2022, 2024, 50)[None, :]
    out = score_samples(x, np.array([2023.0]), np.array([False]), np.array([2025.0]), 2022.0,
                        np.random.default_rng(0))
    assert tuple(out) == SCORE_FIELDS
