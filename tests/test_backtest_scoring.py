"""Backtest scores that censoring cannot flatter: decided/censored split, Brier by the data's end,
skill with the two-way bootstrap."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jsonschema
import numpy as np
import pandas as pd
import pytest

from forecast.core.errors import UserError
from forecast.evaluation.censored_split import indicator, split_by_cutoff, split_scores
from forecast.evaluation.data_end_brier import data_end_scores, probability_by_data_end, reliability_bins
from forecast.evaluation.scoring import score_samples
from forecast.evaluation.skill import paired_rows, skill_table
from forecast.evaluation.summary import deciding_releases, summarise
from forecast.evaluation.two_way_bootstrap import TwoWayBootstrap


def frame(**cols) -> pd.DataFrame:
    """A few hand-made rows: cutoff 2022-01-01 unless given, events e0, e1, ..."""
    n = len(next(iter(cols.values())))
    base = {"cutoff": [date(2022, 1, 1)] * n, "event": [f"e{i}" for i in range(n)]}
    return pd.DataFrame(base | cols)


def boot_for(rows: pd.DataFrame, n: int = 500, seed: int = 0) -> TwoWayBootstrap:
    return TwoWayBootstrap(rows["cutoff"].unique(), rows["event"].unique(), n, seed, 0.95)


# ----------------------------------------------------------------------------- synthetic world


def calibrated(cutoff: float, rate: float, rng: np.random.Generator, n: int) -> np.ndarray:
    """The true law of the crossing date given it is after the cutoff (memoryless)."""
    return cutoff + rng.exponential(1 / rate, n)


def never(cutoff: float, rate: float, rng: np.random.Generator, n: int) -> np.ndarray:
    """A forecast of "not before the horizon", always."""
    return np.full(n, np.inf)


def synthetic_rows(n_events: int, methods: dict, cutoffs=(2021.0, 2022.0, 2023.0), data_end: float = 2024.0,
                   seed: int = 0, n_samples: int = 400) -> pd.DataFrame:
    """Backtest rows scored by `score_samples`: each event crosses at an exponential date from 2020
    (rate per event), is open at the cutoffs before its crossing, and is censored after `data_end`."""
    rng = np.random.default_rng(seed)
    rates = rng.uniform(0.1, 0.6, n_events)
    crossing = 2020.0 + rng.exponential(1 / rates)
    frames = []
    for c in cutoffs:
        open_ = np.flatnonzero(crossing > c)
        if not len(open_):
            continue
        cens = crossing[open_] > data_end
        for name, forecast in methods.items():
            samples = np.stack([forecast(c, rates[i], rng, n_samples) for i in open_])
            scored = score_samples(samples, crossing[open_], cens, np.full(len(open_), data_end), c, rng)
            release = np.floor(crossing[open_] * 4) / 4  # releases come quarterly
            f = pd.DataFrame({
                "cutoff": date(int(c), 1 + int(round((c % 1) * 12)), 1), "cutoff_year": c, "method": name,
                "event": [f"ev{i:03d}" for i in open_], "censored": cens,
                "realised_year": np.where(cens, np.nan, release),
                "realised_date": [pd.NaT if x else pd.Timestamp(int(r), 1 + int(round((r % 1) * 12)), 1)
                                  for x, r in zip(cens, release)],
                "realised_by": [np.nan if x else f"model-{r:.2f}" for x, r in zip(cens, release)],
                "data_end_year": data_end, **scored, "error": "",
            })
            f["reached"] = ~f["censored"]
            frames.append(f)
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def gamed():
    """Most events censored: "never" scores 0 on every censored row."""
    rows = synthetic_rows(80, {"calibrated": calibrated, "never": never},
                          cutoffs=(2020.5, 2021.0, 2021.5, 2022.0, 2022.5, 2023.0), data_end=2023.5, seed=3)
    return rows, summarise(rows, n_bootstrap=400, seed=1)


# ----------------------------------------------------------------------------- decided / censored


def test_coverage_on_decided_rows_and_the_bounds_by_hand():
    rows = frame(censored=[False, False, True, True, True],
                 covered_50=[True, False, pd.NA, False, True],
                 covered_80=[True, False, pd.NA, pd.NA, True],
                 covered_90=[True, True, True, pd.NA, True],
                 crps=[0.5, 1.5, 0.1, 0.2, 0.3])
    out = split_scores(rows, boot_for(rows))
    assert out["n_reached"] == 2 and out["n_censored"] == 3
    # 80%: decided rows 0, 1, 4 -> 2 of 3 covered; two undecided rows
    assert out["coverage"]["0.8"] == pytest.approx(2 / 3)
    assert out["n_decided"]["0.8"] == 3 and out["n_undecided"]["0.8"] == 2
    assert out["coverage_bounds"]["0.8"] == pytest.approx([2 / 5, 4 / 5])
    assert out["coverage"]["0.5"] == pytest.approx(2 / 4)
    assert out["coverage_bounds"]["0.5"] == pytest.approx([2 / 5, 3 / 5])
    assert out["coverage_bounds"]["0.9"] == pytest.approx([4 / 5, 5 / 5])
    assert out["crps_reached"] == pytest.approx(1.0)
    assert out["crps_censored"] == pytest.approx(0.2)
    lo, hi = out["crps_reached_ci"]
    assert 0.5 <= lo <= 1.0 <= hi <= 1.5


def test_the_bounds_never_use_the_forecasts_own_probability():
    """Two forecasts differing only in their credit for undecided rows get the same coverage."""
    base = dict(censored=[False, True, True], covered_50=[True, pd.NA, pd.NA], covered_80=[True, pd.NA, pd.NA],
                covered_90=[True, pd.NA, pd.NA], crps=[0.1, 0.0, 0.0])
    a = frame(**base, credit_80=[1.0, 0.99, 0.99])
    b = frame(**base, credit_80=[1.0, 0.01, 0.01])
    sa, sb = split_scores(a, boot_for(a)), split_scores(b, boot_for(b))
    assert sa["coverage"] == sb["coverage"] and sa["coverage_bounds"] == sb["coverage_bounds"]
    assert sa["coverage_bounds"]["0.8"] == pytest.approx([1 / 3, 1.0])


def test_split_per_cutoff():
    rows = pd.concat([
        frame(censored=[False, True], covered_50=[True, pd.NA], covered_80=[True, False],
              covered_90=[True, True], crps=[1.0, 0.0]),
        frame(cutoff=[date(2023, 1, 1)] * 2, censored=[True, True], covered_50=[pd.NA, pd.NA],
              covered_80=[pd.NA, True], covered_90=[True, True], crps=[0.2, 0.4]),
    ], ignore_index=True)
    per = split_by_cutoff(rows)
    assert per["2022-01-01"]["coverage_decided_0.8"] == pytest.approx(0.5)
    assert per["2022-01-01"]["crps_reached"] == 1.0 and per["2022-01-01"]["crps_censored"] == 0.0
    assert per["2023-01-01"]["n_reached"] == 0 and per["2023-01-01"]["crps_reached"] is None
    assert per["2023-01-01"]["coverage_bounds_0.8"] == pytest.approx([0.5, 1.0])


def test_coverage_values_read_back_from_a_saved_table():
    values = pd.Series(["True", "False", np.nan, True, 0.0, 1.0], name="covered_80")
    assert np.array_equal(indicator(values), [1.0, 0.0, np.nan, 1.0, 0.0, 1.0], equal_nan=True)
    with pytest.raises(UserError) as info:
        indicator(pd.Series(["maybe"], name="covered_80"))
    assert info.value.location.key == "covered_80"


# ----------------------------------------------------------------------------- Brier by the data's end


def test_brier_by_data_end_on_a_tiny_frame():
    rows = frame(censored=[False, True, True, False], p_by_data_end=[0.9, 0.2, 0.6, 1.0], crps=[0.1] * 4)
    out = data_end_scores(rows, boot_for(rows))
    # outcomes 1, 0, 0, 1: (0.01 + 0.04 + 0.36 + 0) / 4
    assert out["brier"] == pytest.approx(0.41 / 4)
    assert out["n"] == 4 and out["p_source"] == "samples"
    assert out["observed"] == pytest.approx(0.5) and out["p_mean"] == pytest.approx(0.675)
    bins = {(b["lo"], b["hi"]): b for b in out["reliability"]}
    assert bins[(0.9, 1.0)]["n"] == 2 and bins[(0.9, 1.0)]["observed"] == 1.0  # 0.9 and 1.0
    assert bins[(0.2, 0.3)]["n"] == 1 and bins[(0.2, 0.3)]["observed"] == 0.0
    assert bins[(0.6, 0.7)]["p_mean"] == pytest.approx(0.6)
    assert bins[(0.0, 0.1)]["n"] == 0 and bins[(0.0, 0.1)]["observed"] is None
    assert out["by_cutoff"]["2022-01-01"]["brier"] == pytest.approx(out["brier"])


def test_reliability_bins_validate_their_input():
    with pytest.raises(UserError) as info:
        reliability_bins(np.array([0.1]), np.array([1.0]), bins=0)
    assert info.value.location.key == "bins"
    with pytest.raises(UserError) as info:
        reliability_bins(np.array([0.1, 0.2]), np.array([1.0]))
    assert info.value.location.key == "observed"


def test_score_samples_carries_p_by_data_end():
    x = np.array([[2021.0, 2022.0, 2023.0, np.inf], [2030.0, 2031.0, np.inf, np.inf]])
    out = score_samples(x, np.array([2021.5, np.nan]), np.array([False, True]), np.array([2022.5, 2022.5]),
                        2020.0, np.random.default_rng(0))
    assert out["p_by_data_end"] == pytest.approx([0.5, 0.0])


def test_probability_rebuilt_from_quantiles_is_close_and_exact_when_censored():
    rows = synthetic_rows(60, {"calibrated": calibrated}, seed=5, n_samples=2000)
    exact = rows["p_by_data_end"].to_numpy(float)
    rebuilt, source = probability_by_data_end(rows.drop(columns="p_by_data_end"))
    assert source == "quantiles"
    cens = rows["censored"].to_numpy(bool)
    assert cens.any() and (~cens).any()
    assert rebuilt[cens] == pytest.approx(exact[cens])
    assert np.abs(rebuilt[~cens] - exact[~cens]).max() < 0.06
    with pytest.raises(UserError) as info:
        probability_by_data_end(rows.drop(columns=["p_by_data_end", "pit_lo"]))
    assert info.value.location.key == "pit_lo"


# ----------------------------------------------------------------------------- the two-way bootstrap


def additive_rows(n_events: int, n_cutoffs: int = 6, seed: int = 0) -> pd.DataFrame:
    """Scores = cutoff effect + event effect + noise, every event at every cutoff."""
    rng = np.random.default_rng(seed)
    cutoffs = [date(2020 + k, 1, 1) for k in range(n_cutoffs)]
    ce, ee = rng.normal(0, 0.3, n_cutoffs), rng.normal(0, 0.5, n_events)
    rows = [(c, f"e{j}", 1.0 + ce[k] + ee[j] + rng.normal(0, 0.2)) for k, c in enumerate(cutoffs)
            for j in range(n_events)]
    return pd.DataFrame(rows, columns=["cutoff", "event", "value"])


def test_two_way_interval_covers_the_estimate_and_shrinks_with_more_events():
    widths = []
    for n_events in (10, 200):
        rows = additive_rows(n_events)
        point, (lo, hi) = boot_for(rows, n=1000).mean(rows, rows["value"].to_numpy())
        assert point == pytest.approx(rows["value"].mean())
        assert lo < point < hi
        widths.append(hi - lo)
    assert widths[1] < 0.8 * widths[0]


def test_two_way_interval_is_wider_than_resampling_cutoffs_alone():
    """With event effects, holding the events fixed understates the uncertainty."""
    rows = additive_rows(15, n_cutoffs=8, seed=2)
    boot = boot_for(rows, n=2000)
    values = rows["value"].to_numpy()
    _, (lo2, hi2) = boot.mean(rows, values)
    w = boot.cutoff_weights[:, [boot.cutoffs.index(c) for c in rows["cutoff"]]]
    one_way = (w @ values) / w.sum(axis=1)
    lo1, hi1 = np.percentile(one_way, [2.5, 97.5])
    assert hi2 - lo2 > hi1 - lo1


def test_the_bootstrap_is_paired_and_reproducible():
    rows = additive_rows(30)
    a, b = boot_for(rows, seed=4), boot_for(rows, seed=4)
    assert np.array_equal(a.weights(rows["cutoff"], rows["event"]), b.weights(rows["cutoff"], rows["event"]))
    point, ci = a.mean(rows, rows["value"].to_numpy() - rows["value"].to_numpy())
    assert point == 0.0 and ci == [0.0, 0.0]
    within = a.weights(rows["cutoff"], rows["event"], within_cutoff=True)
    assert np.array_equal(within, a.event_weights[:, [a.events.index(e) for e in rows["event"]]])


def test_bootstrap_bad_input_names_the_key():
    for kwargs, key in (({"n_bootstrap": 0}, "n_bootstrap"), ({"ci": 1.0}, "ci"), ({"events": []}, "rows")):
        args = {"cutoffs": [date(2022, 1, 1)], "events": ["e"], "n_bootstrap": 10, "seed": 0, "ci": 0.9} | kwargs
        with pytest.raises(UserError) as info:
            TwoWayBootstrap(**args)
        assert info.value.location.key == key
    boot = TwoWayBootstrap([date(2022, 1, 1)], ["e"], 10, 0, 0.9)
    with pytest.raises(UserError) as info:
        boot.weights([date(2022, 1, 1)], ["unknown"])
    assert info.value.location.key == "rows"


# ----------------------------------------------------------------------------- a "never" forecast


def test_never_wins_only_on_censored_rows(gamed):
    rows, s = gamed
    cal, nev = s["methods"]["calibrated"], s["methods"]["never"]
    assert s["n_censored"] > s["n_reached"] > 20
    # the gamed score: censored CRPS of "never" is 0, and that is reported apart
    assert nev["decided"]["crps_censored"] == 0.0
    assert nev["decided"]["crps_censored"] < cal["decided"]["crps_censored"]
    # on reached rows, and on the question every row decides, "never" loses
    assert nev["decided"]["crps_reached"] > cal["decided"]["crps_reached"]
    assert nev["before_data_end"]["brier"] > cal["before_data_end"]["brier"]
    skill = cal["skill"]["never"]
    assert skill["crps_diff_reached"] < 0 and skill["crps_diff_reached_ci"][1] < 0
    assert skill["brier_skill"] > 0 and skill["brier_skill_ci"][0] > 0
    assert skill["crps_diff_censored"] > 0  # the censored rows alone would favour "never"
    assert nev["skill"]["calibrated"]["crps_diff_reached"] == pytest.approx(-skill["crps_diff_reached"])


def test_calibrated_forecast_has_bounds_around_the_nominal_level(gamed):
    _, s = gamed
    cal = s["methods"]["calibrated"]["decided"]
    for level in ("0.5", "0.8", "0.9"):
        lo, hi = cal["coverage_bounds"][level]
        assert lo - 0.05 <= float(level) <= hi + 0.05
    nev = s["methods"]["never"]["decided"]
    assert nev["coverage"]["0.8"] == 0.0 or nev["n_decided"]["0.8"] == nev["n_censored"]


def test_skill_per_cutoff_and_paired_rows(gamed):
    rows, s = gamed
    skill = s["methods"]["calibrated"]["skill"]["never"]
    assert set(skill["by_cutoff"]) == set(s["cutoffs"])
    assert sum(v["n"] for v in skill["by_cutoff"].values()) == skill["n"] == s["n_events"]
    scored = rows.assign(brier_data_end=(rows["p_by_data_end"] - (~rows["censored"]).astype(float)) ** 2)
    pairs = paired_rows(scored, "calibrated", "never")
    assert len(pairs) == s["n_events"]
    assert skill["crps_diff"] == pytest.approx((pairs["crps_m"] - pairs["crps_b"]).mean())
    one = pairs[pairs["cutoff"] == date(2021, 1, 1)]
    assert len(one)
    expected = 1 - one["brier_m"].sum() / one["brier_b"].sum()
    assert skill["by_cutoff"]["2021-01-01"]["brier_skill"] == pytest.approx(expected)
    with pytest.raises(UserError) as info:
        paired_rows(pd.concat([scored, scored.iloc[:1]]), "calibrated", "never")
    assert info.value.location.key == "event"
    with pytest.raises(UserError) as info:
        skill_table(scored.drop(columns="brier_data_end"), ["calibrated", "never"], boot_for(rows))
    assert info.value.location.key == "brier_data_end"


def test_deciding_releases_counts_models_and_dates():
    reached = pd.DataFrame({"realised_by": ["a;b", "a", "c", "d"],
                            "realised_date": ["2023-01-01", "2023-01-01", "2023-01-01", "2024-05-02"]})
    out = deciding_releases(reached)
    assert out == {"n_models": 4, "n_release_dates": 2,
                   "pairs_by_release_date": {"2023-01-01": 3, "2024-05-02": 1}}


# ----------------------------------------------------------------------------- summary, schema, CLI


def test_summary_validates_against_the_backtest_schema(gamed):
    from forecast.cli.backtest_cmd import backtest_json
    from forecast.cli.output import json_schema

    _, s = gamed
    s = s | {"n_samples": 400, "seed": 1, "score_rule": {}, "data_end": {"mmlu": "2023-07-01"},
             "fit_diagnostics": {}, "fits_ok": True, "provenance": {}}
    out = json.loads(json.dumps({"command": "backtest", **backtest_json(s, "mmlu", {"rows": Path("r"), "summary": Path("s")})},
                                allow_nan=False))
    jsonschema.Draft202012Validator(json_schema("backtest"), format_checker=jsonschema.FormatChecker()).validate(out)
    assert out["bootstrap"]["resampled"] == "cutoffs x events (two-way)"
    assert out["p_by_data_end_source"] == "samples"


def test_summarise_names_a_missing_column(gamed):
    rows, _ = gamed
    with pytest.raises(UserError) as info:
        summarise(rows.drop(columns="censored"), n_bootstrap=10)
    assert info.value.location.key == "censored"


def test_summarise_reads_a_saved_table(gamed, tmp_path):
    from forecast.evaluation.result import load_backtest

    rows, s = gamed
    rows.to_csv(tmp_path / "backtest_rows.csv", index=False)
    (tmp_path / "backtest_summary.json").write_text(json.dumps({"methods": {}}))
    again = summarise(load_backtest(tmp_path).rows, n_bootstrap=400, seed=1)
    for name in ("calibrated", "never"):
        assert again["methods"][name]["decided"] == s["methods"][name]["decided"]
        assert again["methods"][name]["before_data_end"]["brier"] == pytest.approx(
            s["methods"][name]["before_data_end"]["brier"])


def test_cli_table_shows_decided_coverage_bounds_and_brier(gamed):
    from rich.console import Console

    from forecast.cli.backtest_cmd import backtest_table

    _, s = gamed
    console = Console(width=80, record=True, color_system=None)
    console.print(backtest_table(s))
    text = console.export_text()
    assert max(len(line.rstrip()) for line in text.splitlines()) <= 80 and "\u2026" not in text
    d = s["methods"]["calibrated"]["decided"]
    lo, hi = d["coverage_bounds"]["0.8"]
    assert f"{d['coverage']['0.8']:.2f} [{lo:.2f}, {hi:.2f}]" in text
    assert f"{s['methods']['calibrated']['before_data_end']['brier']:.3f}" in text
    flat = " ".join(text.split())
    assert "Reliability of P(first crossing by the data's end)" in flat
    assert "Skill of calibrated against each baseline" in flat


def test_report_recomputes_a_summary_saved_without_the_split(gamed):
    from forecast.evaluation.result import BacktestResult
    from forecast.report.content import backtest_scorecard, data_end_reliability, scored_summary, skill_rows

    rows, s = gamed
    old = {k: v for k, v in s.items() if k != "deciding_releases"}
    old["methods"] = {k: {f: x for f, x in v.items() if f not in ("decided", "before_data_end", "skill")}
                      for k, v in s["methods"].items()}
    summary, recomputed = scored_summary(BacktestResult(rows=rows, summary=old | {"seed": 1}, realised=pd.DataFrame()))
    assert recomputed and summary["methods"]["never"]["decided"]["crps_censored"] == 0.0
    _, fresh = scored_summary(BacktestResult(rows=rows, summary=s, realised=pd.DataFrame()))
    assert fresh is False
    card = backtest_scorecard(None, summary)
    assert set(card["method"]) == {"calibrated", "never"}
    assert card.loc[card["method"] == "never", "crps_censored"].item() == 0.0
    rel = data_end_reliability(summary)
    assert rel.groupby("method")["n"].sum().to_dict() == {"calibrated": s["n_events"], "never": s["n_events"]}
    method, skill = skill_rows(summary)
    assert method == "calibrated" and set(skill["cutoff"]) == {"all", *s["cutoffs"]}
