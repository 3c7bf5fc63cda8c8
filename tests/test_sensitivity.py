"""The refit sensitivity sweep (`forecast.api.sensitivity`, `Engine.sensitivity`, `forecast
sensitivity`) and the backtest's `cross_validation` frame.

The fast tests check the prior changes, the tidy frame and the refusals without sampling; the
slow ones refit short posteriors (100 tuning steps + 100 draws x 4 chains) of the shipped
registry in this process and on a local Dask cluster of two workers.
"""

from __future__ import annotations

import math
import os
from datetime import date

import numpy as np
import pandas as pd
import pytest

from forecast.api.engine import Engine, sensitivity_task
from forecast.api.sensitivity import (FRAME_COLUMNS, GROUPS, group_prior_names, modified_priors,
                                      sensitivity_frame, sensitivity_specs, widened_prior)
from forecast.core.errors import UserError
from forecast.evaluation.backtest import run_backtest
from forecast.evaluation.cross_validation import cross_validation
from forecast.inputs.priors import load_priors
from test_backtest import CannotFitBefore, ExponentialOracle, exponential_world, synthetic_benchmarks
from test_data_cli import run as run_cli

AS_OF = date(2025, 12, 31)


def log10_width(dist) -> float:
    lo, hi = dist.ppf(np.array([0.05, 0.95]))
    return math.log10(hi) - math.log10(lo)


# ----------------------------------------------------------------------------- prior changes


@pytest.mark.parametrize("tech", sorted(load_priors().techniques))
def test_widened_prior_is_twice_as_wide_in_log10_with_the_same_median(tech):
    old = load_priors()[tech].multiplier
    new = widened_prior(old)
    assert new.distribution == old.distribution == "lognormal"
    assert new.ppf(0.5) == pytest.approx(old.ppf(0.5), rel=1e-9)
    assert log10_width(new) == pytest.approx(2.0 * log10_width(old), rel=1e-9)


def test_widened_variant_changes_only_that_multiplier():
    priors = load_priors()
    changed, record = modified_priors(priors, AS_OF, "distillation", "widened")
    assert record["name"] == "techniques.distillation.multiplier"
    assert changed["distillation"].multiplier == widened_prior(priors["distillation"].multiplier)
    assert all(changed[t].multiplier == priors[t].multiplier for t in priors.techniques if t != "distillation")
    assert changed.fit_sha256 != priors.fit_sha256  # a refit, not the cached base fit
    lo, hi = record["after"]["interval90"]
    assert math.log10(hi / lo) == pytest.approx(2 * log10_width(priors["distillation"].multiplier), rel=1e-6)


def test_removed_variant_drops_the_technique():
    priors = load_priors()
    changed, record = modified_priors(priors, AS_OF, "distillation", "removed")
    assert record is None
    assert "distillation" not in changed.techniques
    assert set(changed.techniques) == set(priors.techniques) - {"distillation"}


def test_group_variant_widens_the_drift_rate_around_its_median():
    priors = load_priors()
    changed, record = modified_priors(priors, AS_OF, "drift", "group")
    assert record["name"] == ",".join(GROUPS["drift"]) == "engine.drift.rate"
    old, new = priors.engine.drift.rate, changed.engine.drift.rate
    assert new.distribution == old.distribution == "lognormal"
    assert new.params["mu"] == old.params["mu"] and new.params["sigma"] == 2 * old.params["sigma"]
    assert changed.engine.drift.spread == priors.engine.drift.spread
    assert changed.fit_sha256 != priors.fit_sha256


# the names each group widens in the shipped priors: the links' defaults and every benchmark
# override's slope and midpoint held as a distribution (mmlu's and mmlu_pro's; hellaswag's table
# sets only its family)
SHIPPED_GROUP_NAMES = {
    "drift": ["engine.drift.rate"],
    "releases": ["engine.releases.log_rate", "engine.releases.growth_per_year"],
    "links": ["engine.links.slope", "engine.links.midpoint", "engine.links.mmlu.slope",
              "engine.links.mmlu_pro.slope", "engine.links.mmlu.midpoint", "engine.links.mmlu_pro.midpoint"],
}


def width90(dist) -> float:
    """Width of the equal-tailed 90% interval: in log10 space for a lognormal, else on its scale."""
    lo, hi = dist.ppf(np.array([0.05, 0.95]))
    return math.log10(hi) - math.log10(lo) if dist.distribution == "lognormal" else hi - lo


def test_group_names_cover_the_shipped_priors():
    priors = load_priors()
    assert set(GROUPS) == set(SHIPPED_GROUP_NAMES)
    for group, names in SHIPPED_GROUP_NAMES.items():
        assert group_prior_names(priors, group) == names


@pytest.mark.parametrize("group", sorted(SHIPPED_GROUP_NAMES))
def test_each_group_widens_its_priors_twice_as_wide_around_the_same_median(group):
    """Build each group's prior set without fitting: every override name is one `PriorSet.replace`
    accepts, each widened prior keeps its family and median and has a 90% interval twice as wide
    (log10 space for a lognormal, its own scale for a normal), and nothing else moves."""
    priors = load_priors()
    changed, record = modified_priors(priors, AS_OF, group, "group")
    names = SHIPPED_GROUP_NAMES[group]
    assert record["name"] == ",".join(names)
    assert [c["name"] for c in record["priors"]] == names
    assert changed.fit_sha256 != priors.fit_sha256  # a refit, not the cached base fit
    for name in names:
        key = name.removeprefix("engine.")
        old, new = priors.engine.value(key), changed.engine.value(key)
        assert old.distribution in ("lognormal", "normal")
        assert new.distribution == old.distribution
        assert new.ppf(0.5) == pytest.approx(old.ppf(0.5), rel=1e-9, abs=1e-12)
        assert width90(new) == pytest.approx(2.0 * width90(old), rel=1e-9)
        alone = priors.replace({name: new})  # each name on its own is a valid override
        assert alone.engine.value(key) == new
    untouched = {f"engine.{s}.{k}" for s, section in priors.engine.to_dict().items()
                 for k, v in section.items() if isinstance(v, dict) and "distribution" in v}
    for name in sorted(untouched - set(names)):
        key = name.removeprefix("engine.")
        assert changed.engine.value(key) == priors.engine.value(key), name
    links, before = changed.engine.links, priors.engine.links
    for bench in before.benchmarks:  # ceiling losses (betas), families and fixed values stay
        assert links.for_benchmark(bench).ceiling_loss == before.for_benchmark(bench).ceiling_loss
        assert links.for_benchmark(bench).family == before.for_benchmark(bench).family
        assert links.for_benchmark(bench).upper_slope_ratio == before.for_benchmark(bench).upper_slope_ratio
    assert changed.techniques == priors.techniques


def test_links_group_widens_the_default_a_benchmark_without_override_uses():
    priors = load_priors()
    changed, _ = modified_priors(priors, AS_OF, "links", "group")
    assert changed.engine.links.for_benchmark("hellaswag").slope == widened_prior(priors.engine.links.slope)
    assert changed.engine.links.for_benchmark("mmlu").slope == widened_prior(
        priors.engine.links.benchmarks["mmlu"].slope)


def test_a_group_of_several_priors_gives_no_one_median_in_the_frame():
    priors = load_priors()
    _, record = modified_priors(priors, AS_OF, "releases", "group")
    assert "after" not in record and len(record["priors"]) == 2
    answer = [{"question": "q", "target": "mmlu=0.7", "params": "1B", "years": [2027.0, 2028.0, 2029.0]}]
    base = {"technique": None, "variant": "base", "prior": None, "fitted_techniques": [],
            "diagnostics": {"ok": True}, "answers": answer}
    frame = sensitivity_frame([base, base | {"technique": "releases", "variant": "group", "prior": record}])
    row = frame.iloc[0]
    assert row["prior"] == "engine.releases.log_rate,engine.releases.growth_per_year"
    assert np.isnan(row["prior_median"]) and np.isnan(row["prior_q05"])


def test_unknown_group_is_refused_naming_it_and_the_known_groups():
    with pytest.raises(UserError, match="telepathy") as info:
        modified_priors(load_priors(), AS_OF, "telepathy", "group")
    assert "drift, releases, links" in str(info.value) and info.value.location.key == "technique"


def test_a_group_that_cannot_be_widened_fails_before_any_fit():
    """A priors folder whose release rate is a point mass: the sweep is refused while the specs
    are built, naming why."""
    fixed = load_priors().replace({"engine.releases.log_rate": 0.7})
    with pytest.raises(UserError, match="point-mass"):
        sensitivity_specs(None, fixed, AS_OF, 3, 100, 100, [], ["group"])


def test_specs_are_plain_data_with_the_base_first():
    import pickle

    specs = sensitivity_specs(None, None, AS_OF, 3, 100, 100, ["distillation", "objectives"],
                              ["removed", "widened", "group"], [{"target": "mmlu=0.7", "params": "1B"}])
    assert [(s["technique"], s["variant"]) for s in specs] == [
        (None, "base"), ("distillation", "removed"), ("distillation", "widened"),
        ("objectives", "removed"), ("objectives", "widened"), ("drift", "group"),
        ("releases", "group"), ("links", "group")]
    assert pickle.loads(pickle.dumps(specs)) == specs
    assert specs[1]["questions"] == [{"target": "mmlu=0.7", "params": "1B", "label": "mmlu=0.7 within 1B"}]


def test_frame_shifts_in_days_and_past_the_horizon():
    def result(variant, years, technique="x"):
        return {"technique": technique, "variant": variant, "prior": None, "fitted_techniques": [],
                "diagnostics": {"ok": True},
                "answers": [{"question": "q", "target": "mmlu=0.7", "params": "1B", "years": years}]}

    frame = sensitivity_frame([result("base", [2027.0, 2028.0, 2030.0], None),
                               result("removed", [2027.5, 2029.0, None])])
    assert list(frame.columns) == list(FRAME_COLUMNS) and len(frame) == 1
    row = frame.iloc[0]
    assert row["median_shift_days"] == pytest.approx(365.25)
    assert row["q10_shift_days"] == pytest.approx(365.25 / 2)
    assert np.isnan(row["q90_shift_days"]) and np.isnan(row["q90"]) and row["q90_date"] is None
    assert row["median_date"] == "2029-01-01"


# ----------------------------------------------------------------------------- bad input


def test_unknown_technique_exits_2_naming_it_and_the_known_ids(capsys):
    code, _, err = run_cli(["sensitivity", "--technique", "distillation", "--technique", "telepathy"], capsys)
    assert code == 2
    assert "telepathy" in err and "distillation" in err and "quantization" in err
    assert "Traceback" not in err


def test_unknown_variant_exits_2_naming_it(capsys):
    code, out, _ = run_cli(["sensitivity", "--variant", "shrunk", "--json"], capsys)
    assert code == 2
    import json

    error = json.loads(out)["error"]
    assert error["key"] == "variant" and "shrunk" in error["message"] and "widened" in error["message"]


def test_targets_and_budgets_must_pair(capsys):
    code, _, err = run_cli(["sensitivity", "--target", "mmlu=0.7", "--target", "mmlu=0.8",
                            "--params", "1B"], capsys)
    assert code == 2 and "--params" in err


def test_engine_refuses_an_unknown_technique_before_fitting():
    engine = Engine(draws=100, tune=100)
    with pytest.raises(UserError, match="telepathy"):
        engine.sensitivity(techniques=["telepathy"], map_fn=lambda fn, items: pytest.fail("ran a refit"))
    with pytest.raises(UserError, match="variant"):
        engine.sensitivity(techniques=["distillation"], variants=["shrunk"])
    assert engine._fit is None


# ----------------------------------------------------------------------------- cross-validation


def test_cross_validation_is_the_backtest_rows_with_the_cutoff_first():
    models, scores, events, rates = exponential_world()
    methods = [ExponentialOracle(rates), CannotFitBefore(ExponentialOracle(rates))]
    kw = dict(events=events[:60], n_samples=200, seed=3, progress=False,
              benchmarks=synthetic_benchmarks(scores))
    frame = cross_validation(models, scores, methods, "2021-01-01:2023-01-01:1Y", **kw)
    assert frame.columns[0] == "cutoff"
    assert set(frame["cutoff"]) == {date(2021, 1, 1), date(2022, 1, 1), date(2023, 1, 1)}
    assert set(frame["method"]) == {m.name for m in methods}
    rows = run_backtest(models, scores, methods, "2021-01-01:2023-01-01:1Y", **kw).rows
    pd.testing.assert_frame_equal(frame, rows[list(frame.columns)], check_exact=True)
    with pytest.raises(UserError, match="n_samples"):
        cross_validation(models, scores, methods, "2021-01-01", n_samples=2,
                         benchmarks=synthetic_benchmarks(scores))


# ----------------------------------------------------------------------------- refits

QUESTION = [{"target": "mmlu=0.70", "params": "1B"}]


@pytest.fixture(scope="module")
def refit_cache(tmp_path_factory):
    """A fit cache of this module's own (also the Dask workers', which inherit it)."""
    cache = tmp_path_factory.mktemp("sensitivity-cache")
    old = os.environ.get("FORECAST_CACHE_DIR")
    os.environ["FORECAST_CACHE_DIR"] = str(cache)
    yield cache
    if old is None:
        os.environ.pop("FORECAST_CACHE_DIR", None)
    else:
        os.environ["FORECAST_CACHE_DIR"] = old


@pytest.fixture(scope="module")
def sweep(refit_cache):
    """The base fit and the refit without distillation, in this process."""
    specs = sensitivity_specs(None, None, AS_OF, 5, 100, 100, ["distillation"], ["removed"], QUESTION)
    return specs, list(map(sensitivity_task, specs))


@pytest.mark.slow
def test_removed_refit_has_no_beta_for_the_technique(sweep):
    _, (base, removed) = sweep
    assert "distillation" in base["fitted_techniques"]
    assert set(removed["fitted_techniques"]) == set(base["fitted_techniques"]) - {"distillation"}
    frame = sensitivity_frame([base, removed])
    assert list(frame[["technique", "variant", "question"]].itertuples(index=False, name=None)) == [
        ("distillation", "removed", "mmlu=0.70 within 1B")]
    row = frame.iloc[0]
    assert np.isfinite(row["median"]) and np.isfinite(row["base_median"])
    assert row["median_shift_days"] == pytest.approx((row["median"] - row["base_median"]) * 365.25)


@pytest.mark.slow
def test_refits_are_identical_in_process_and_on_two_dask_workers(sweep):
    from forecast.evaluation.cluster import dask_client, run_ordered

    specs, here = sweep
    fresh = [s | {"use_cache": False} for s in specs]  # sampled again, on the workers
    with dask_client(jobs=2, announce=False) as client:
        there = run_ordered(client, sensitivity_task, fresh, name="sensitivity-test")
    strip = lambda rs: [{k: v for k, v in r.items() if k != "diagnostics"} for r in rs]  # noqa: E731
    assert strip(there) == strip(here)
    pd.testing.assert_frame_equal(sensitivity_frame(there), sensitivity_frame(here), check_exact=True)


# ----------------------------------------------------------------------------- the command


def fake_task(spec):
    """A refit's result of the real form without sampling: each variant moves the dates."""
    shift = {"base": 0.0, "removed": 0.5, "widened": -0.25, "group": 0.1}[spec["variant"]]
    prior = None if spec["variant"] in ("base", "removed") else modified_priors(
        load_priors(), spec["as_of"], spec["technique"], spec["variant"])[1]
    years = [2027.0 + shift, 2028.5 + shift, None]
    return {"technique": spec["technique"], "variant": spec["variant"], "prior": prior,
            "fitted_techniques": [], "diagnostics": {**DIAGNOSTICS, "ok": spec["variant"] != "group"},
            "answers": [{"question": q["label"], "target": q["target"], "params": q["params"], "years": years}
                        for q in spec["questions"]]}


DIAGNOSTICS = {"rhat_max": 1.004, "ess_bulk_min": 950.0, "ess_tail_min": 1010.0, "divergences": 0,
               "ebfmi_min": 0.6, "draws": 2000, "chains": 4, "seconds": 40.0, "worst_rhat": None,
               "worst_ess": None, "sampler": "nutpie", "problems": ["R-hat 1.2 > 1.01"], "ok": True}


def test_json_validates_and_table_fits_80_columns(monkeypatch, capsys):
    import json

    import jsonschema

    import forecast.cli.sensitivity_cmd as cmd
    from forecast.cli.output import json_schema

    monkeypatch.setattr(cmd, "sensitivity_task", fake_task)
    args = ["sensitivity", "--technique", "mixture_of_experts", "--technique", "distillation",
            "--variant", "removed", "--variant", "widened", "--variant", "group"]
    code, out, err = run_cli([*args, "--json"], capsys)
    assert code == 0, err
    answer = json.loads(out)
    jsonschema.validate(answer, json_schema("sensitivity"))
    assert answer["command"] == "sensitivity" and answer["as_of"] == date.today().isoformat()
    assert [(r["technique"], r["variant"]) for r in answer["rows"]][::2] == [
        ("mixture_of_experts", "removed"), ("mixture_of_experts", "widened"), ("distillation", "removed"),
        ("distillation", "widened"), ("drift", "group"), ("releases", "group"), ("links", "group")]
    assert len(answer["rows"]) == 14  # x 2 default questions
    links = answer["rows"][-1]["prior"]  # several priors: their names, no one median
    assert links["name"].split(",")[:2] == ["engine.links.slope", "engine.links.midpoint"]
    assert links["median"] is None and links["interval90"] == [None, None]
    first = answer["rows"][0]
    assert first["shift_days"]["median"] == pytest.approx(0.5 * 365.25) and first["shift_days"]["q90"] is None
    assert answer["rows"][2]["prior"]["name"] == "techniques.mixture_of_experts.multiplier"
    assert "drift group refit failed its convergence checks" in err
    code, out, _ = run_cli(args, capsys)
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "mixture_of_experts" in out and "+183 d" in out and "-91 d" in out


def test_engine_sensitivity_maps_the_task_over_plain_specs_base_first():
    """`Engine.sensitivity` hands `sensitivity_task` and picklable specs to the map it is given."""
    import pickle

    seen = {}

    def fake_map(fn, specs):
        seen["fn"], seen["specs"] = fn, specs
        pickle.dumps(specs)
        return map(fake_task, specs)

    engine = Engine(draws=100, tune=100, seed=9)
    frame = engine.sensitivity(techniques=["distillation", "objectives"], variants=["widened", "group"],
                               questions=QUESTION, map_fn=fake_map)
    assert seen["fn"] is sensitivity_task
    assert [(s["variant"], s["technique"]) for s in seen["specs"]] == [
        ("base", None), ("widened", "distillation"), ("widened", "objectives"), ("group", "drift"),
        ("group", "releases"), ("group", "links")]
    assert all(s["seed"] == 9 and s["draws"] == 100 and s["as_of"] == date.today().isoformat()
               for s in seen["specs"])  # the default as-of date: today
    assert list(frame["technique"]) == ["distillation", "objectives", "drift", "releases", "links"]
    assert frame["median_shift_days"].tolist() == pytest.approx(
        [-0.25 * 365.25, -0.25 * 365.25] + [0.1 * 365.25] * 3)
    assert engine._fit is None  # the refits ran in the map, not on this engine
