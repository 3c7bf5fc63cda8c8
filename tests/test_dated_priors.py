"""Priors as of a date: evidence publication dates, the stand-in prior of a technique not yet
measured, the backtest's two modes and their fit keys, and the CLI's display of the dates."""

from __future__ import annotations

import json
import math
import re
import shutil
from datetime import date

import numpy as np
import pytest

from forecast.cli import main
from forecast.core.errors import UserError
from forecast.core.paths import default_priors_dir
from forecast.evaluation.backtest import in_priors_mode
from forecast.evaluation.methods import EngineMethod, default_methods, priors_at
from forecast.evaluation.seedcheck import THREAD_DATE, thread_priors
from forecast.inputs.priors import load_priors

SHIPPED = default_priors_dir()
CUTOFFS = [date(2021, 7, 1), date(2022, 1, 1), date(2022, 7, 1), date(2023, 1, 1), date(2023, 7, 1),
           date(2024, 1, 1), date(2024, 7, 1), date(2025, 1, 1)]
# the techniques introduced by each backtest cutoff whose every evidence entry came later
FALLBACK = {
    date(2021, 7, 1): [],
    date(2022, 1, 1): ["instruction_tuning"],
    date(2022, 7, 1): ["architecture", "objectives"],
    date(2023, 1, 1): ["architecture"],
    date(2023, 7, 1): [],
    date(2024, 1, 1): [],
    date(2024, 7, 1): [],
    date(2025, 1, 1): ["reasoning_rl"],
}


@pytest.fixture(scope="module", autouse=True)
def isolated_cache(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FORECAST_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        mp.setenv("COLUMNS", "160")
        yield


@pytest.fixture(scope="module")
def priors():
    return load_priors()


def run(capsys, *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_every_evidence_entry_has_its_publication_date(priors):
    for t in priors.techniques.values():
        assert t.evidence and all(isinstance(e.published, date) for e in t.evidence)
        assert t.first_published == min(e.published for e in t.evidence)
    it = priors["instruction_tuning"]
    assert [e.published for e in it.evidence] == [date(2023, 2, 27), date(2022, 10, 20), date(2024, 4, 18),
                                                  date(2022, 3, 4), date(2023, 12, 12)]
    assert priors["instruction_tuning"].to_dict()["evidence"][1]["published"] == "2022-10-20"


def test_the_unmeasured_prior_is_the_future_arrivals_size(priors):
    """Its log10 has the mean and variance of mean + spread * Z with the population's priors."""
    pop = priors.engine.technique_population
    stand_in = pop.unmeasured_multiplier()
    mean, sd = stand_in.log10_moments()
    rng = np.random.default_rng(0)
    n = 400_000
    draws = pop.mean.sample(rng, n) + pop.spread.sample(rng, n) * rng.standard_normal(n)
    assert mean == pytest.approx(draws.mean(), abs=0.002)
    assert sd == pytest.approx(draws.std(), rel=0.01)
    assert mean == pytest.approx(0.12) and sd == pytest.approx(0.2404, abs=1e-3)
    assert stand_in.distribution == "lognormal" and stand_in.median == pytest.approx(10 ** 0.12)
    lo, hi = stand_in.interval90
    assert math.log10(lo) == pytest.approx(0.12 - 1.6449 * sd, abs=1e-4)
    assert math.log10(hi) == pytest.approx(0.12 + 1.6449 * sd, abs=1e-4)


def test_instruction_tuning_falls_back_at_2022_in_dated_mode_only(priors):
    cutoff = date(2022, 1, 1)
    dated = priors_at(priors, cutoff, "cutoff").introduced_by(cutoff)
    today = priors_at(priors, cutoff, "today").introduced_by(cutoff)
    stand_in = priors.engine.technique_population.unmeasured_multiplier()
    assert dated["instruction_tuning"].unmeasured and dated["instruction_tuning"].multiplier == stand_in
    assert dated["instruction_tuning"].evidence == priors["instruction_tuning"].evidence
    assert not today["instruction_tuning"].unmeasured
    assert today["instruction_tuning"].multiplier == priors["instruction_tuning"].multiplier
    # the others introduced by then keep their priors; over-training keeps its earlier form
    for tid, tech in dated.techniques.items():
        if tid != "instruction_tuning":
            assert tech.multiplier == today[tid].multiplier and not tech.unmeasured, tid
    assert dated["overtraining"].earlier_form and today["overtraining"].earlier_form
    assert dated.fit_sha256 != today.fit_sha256 and dated.sha256 != today.sha256


@pytest.mark.parametrize("cutoff", CUTOFFS, ids=[c.isoformat() for c in CUTOFFS])
def test_which_techniques_fall_back_at_each_backtest_cutoff(priors, cutoff):
    dated = priors.measured_by(cutoff).introduced_by(cutoff)
    assert [k for k, t in dated.techniques.items() if t.unmeasured] == FALLBACK[cutoff]
    assert priors.unmeasured_by(cutoff) == FALLBACK[cutoff]
    same = priors.introduced_by(cutoff)
    # the fit key changes exactly when a prior changes
    moved = FALLBACK[cutoff] or priors.engine.superseded_by(cutoff)
    assert (dated.fit_sha256 == same.fit_sha256) == (not moved)


def test_fit_hash_follows_the_stand_in_prior(priors):
    """The stand-in comes from a projection-only section, which the set's own fit hash leaves
    out; the dated set's hash must still change with it."""
    cutoff = date(2022, 1, 1)
    wider = priors.replace({"engine.technique_population.spread": {"distribution": "halfnormal", "median": 0.3}})
    assert wider.fit_sha256 == priors.fit_sha256  # projection-only
    assert wider.measured_by(cutoff).fit_sha256 != priors.measured_by(cutoff).fit_sha256


def test_dated_set_is_unchanged_without_a_fallback(priors):
    assert priors.measured_by("2030-01-01") is priors
    for day in (date(2021, 7, 1), date(2022, 1, 1)):
        dated = priors.measured_by(day)
        assert dated.measured_by(day) is dated  # already replaced


def test_dated_engine_entries_take_their_earlier_form_before_publication(priors):
    """MMLU's upper slope ratio (Qwen2.5 report, 2024-12-19) and ceiling (DeepSeek-R1's o1
    score, 2025-01-22): before those dates the plain link and the default ceiling prior."""
    from forecast.inputs.registry import load_registry
    from forecast.model.priors import model_priors_from

    assert priors.engine.superseded_by(date(2024, 12, 18)) == [
        "links.mmlu.ceiling_loss", "links.mmlu.upper_slope_ratio"]
    assert priors.engine.superseded_by(date(2024, 12, 19)) == ["links.mmlu.ceiling_loss"]
    assert priors.engine.superseded_by(date(2025, 1, 22)) == []
    benchmarks = load_registry().benchmarks
    early = priors.measured_by(date(2024, 7, 1))
    link = early.engine.links.for_benchmark("mmlu")
    assert link.ceiling_loss == priors.engine.links.ceiling_loss  # the default links' prior
    assert model_priors_from(early, benchmarks).link_upper["mmlu"] is None  # r = 1: plain link
    assert early.engine.sources["links.mmlu.ceiling_loss"].cite is None  # its own citation
    late = priors.measured_by(date(2025, 2, 1))
    assert late.engine.links.for_benchmark("mmlu") == priors.engine.links.for_benchmark("mmlu")
    assert model_priors_from(late, benchmarks).link_upper["mmlu"].median == 0.5
    assert early.fit_sha256 != priors.fit_sha256 and early.sha256 != priors.sha256
    shown = priors.engine.to_dict()["links"]["benchmarks"]["mmlu"]["upper_slope_ratio"]
    assert shown["published"] == "2024-12-19" and shown["before"]["median"] == 1.0


@pytest.mark.parametrize("drop", ["published", "before"])
def test_a_dated_engine_entry_needs_both_keys(tmp_path, drop):
    folder = tmp_path / "priors"
    shutil.copytree(SHIPPED, folder)
    path = folder / "_engine.toml"
    text = path.read_text()
    pattern = r", published = 2024-12-19" if drop == "published" else r", before = \{value = 1\.0[^}]*\}"
    path.write_text(re.sub(pattern, "", text, count=1))
    with pytest.raises(UserError, match="needs both") as err:
        load_priors(folder)
    assert err.value.location.key == f"links.mmlu.upper_slope_ratio.{drop}"  # the missing key


def test_only_total_parameter_techniques_fall_back(tmp_path):
    """Mixture-of-experts (active parameters), quantization (weight bytes) and over-training (a
    loss law) keep their priors even when every evidence entry postdates the date."""
    folder = tmp_path / "priors"
    shutil.copytree(SHIPPED, folder)
    for name in ("mixture_of_experts", "quantization", "overtraining", "distillation"):
        path = folder / f"{name}.toml"
        # every evidence date (the earlier law of over-training keeps its own, 2020-01-23)
        path.write_text(re.sub(r"^published = (?!2020-01-23)\d{4}-\d{2}-\d{2}$", "published = 2026-01-01",
                               path.read_text(), flags=re.M))
    ps = load_priors(folder)
    assert all(e.published == date(2026, 1, 1) for e in ps["mixture_of_experts"].evidence)
    moved = [t for t in ("mixture_of_experts", "quantization", "overtraining", "distillation")
             if not ps[t].measured_by(date(2025, 1, 1))]
    assert moved == ["mixture_of_experts", "quantization", "overtraining", "distillation"]
    assert ps.unmeasured_by(date(2025, 1, 1)) == ["distillation", "reasoning_rl"]


def _fit_priors(monkeypatch, method: EngineMethod, cutoff: date):
    """The prior set `method.fit` hands to the sampler, without sampling."""
    import forecast.model.fit

    seen = {}

    def fake_fit(registry, priors, settings, **kwargs):
        seen["priors"] = priors
        return None

    monkeypatch.setattr(forecast.model.fit, "fit_model", fake_fit)
    from forecast.inputs.registry import load_registry

    reg = load_registry()
    method.fit(reg.models, reg.scores, cutoff, 0)
    return seen["priors"]


def test_engine_method_fits_with_dated_priors_by_default(monkeypatch):
    cutoff = date(2022, 1, 1)
    engine = default_methods()[0]
    assert engine.name == "engine" and engine.priors_as_of == "cutoff"
    dated = _fit_priors(monkeypatch, engine, cutoff)
    today = _fit_priors(monkeypatch, EngineMethod(priors_as_of="today"), cutoff)
    assert dated["instruction_tuning"].unmeasured and not today["instruction_tuning"].unmeasured
    # the fit cache key hashes the set a fit holds (`introduced_by` its as-of date)
    assert dated.introduced_by(cutoff).fit_sha256 != today.introduced_by(cutoff).fit_sha256
    prior_only = _fit_priors(monkeypatch, EngineMethod(name="priors_only", variant="priors_only"), cutoff)
    assert prior_only["instruction_tuning"].unmeasured


def test_drift_only_dates_its_total_progress_prior(monkeypatch):
    # before the 2024 papers the dated total-progress prior differs from today's; once every
    # evidence entry is public the two modes fit the same priors
    for cutoff, same in ((date(2022, 1, 1), False), (date(2025, 1, 1), True)):
        a = _fit_priors(monkeypatch, EngineMethod(name="drift_only", variant="drift_only"), cutoff)
        b = _fit_priors(monkeypatch, EngineMethod(name="drift_only", variant="drift_only",
                                                  priors_as_of="today"), cutoff)
        assert (a.fit_sha256 == b.fit_sha256) is same
        assert (a.engine.drift.rate == b.engine.drift.rate) is same


def test_modes_are_checked_and_threaded_through_the_runner():
    with pytest.raises(UserError, match="unknown priors mode"):
        EngineMethod(priors_as_of="yesterday")
    methods = default_methods()
    assert in_priors_mode(methods, None) is methods
    today = in_priors_mode(methods, "today")
    engines = [m for m in today if isinstance(m, EngineMethod)]
    assert len(engines) == 3 and all(m.priors_as_of == "today" for m in engines)
    assert [m.name for m in today] == [m.name for m in methods]
    with pytest.raises(UserError, match="unknown priors mode"):
        in_priors_mode(methods, "hindsight")


def test_seed_check_forecast_then_uses_priors_as_of_the_thread(priors):
    then = thread_priors()
    assert then.fit_sha256 == priors.measured_by(THREAD_DATE).fit_sha256
    # nothing introduced by 2023-03-19 lacks evidence from before it; MMLU's link entries
    # published later take their earlier form
    assert priors.unmeasured_by(THREAD_DATE) == []
    assert then.techniques == priors.techniques and then is not priors
    assert then.engine.links.for_benchmark("mmlu").upper_slope_ratio.median == 1.0


def test_backtest_option_is_parsed_and_recorded(capsys, tmp_path):
    """The two baselines that need no fit, at one cutoff: the mode lands in the provenance."""
    for mode, fallback in (("today", []), ("cutoff", ["architecture"]), (None, ["architecture"])):
        args = ["backtest", "--methods", "densing", "--cutoffs", "2023-01-01", "--json",
                "--out", str(tmp_path / str(mode))]
        if mode is not None:
            args += ["--priors-as-of", mode]
        code, out, err = run(capsys, *args)
        assert code == 0, err
        prov = json.loads(out)["provenance"]
        assert prov["priors_as_of"] == (mode or "cutoff")
        assert prov["unmeasured_by_cutoff"] == {"2023-01-01": fallback}
        assert ("hindsight" in prov["priors_as_of_label"]) == (mode == "today")
        saved = json.loads((tmp_path / str(mode) / "backtest_summary.json").read_text())
        assert saved["provenance"]["priors_as_of"] == (mode or "cutoff")


def test_backtest_refuses_an_unknown_mode(capsys, tmp_path):
    code, out, err = run(capsys, "backtest", "--methods", "densing", "--cutoffs", "2023-01-01",
                         "--priors-as-of", "hindsight", "--out", str(tmp_path / "x"))
    assert code == 2 and out == "" and "unknown priors mode" in err and "priors_as_of" in err
    assert not (tmp_path / "x").exists()


def test_priors_list_marks_techniques_without_evidence_by_the_date(capsys):
    code, out, _ = run(capsys, "priors", "list", "--json", "--as-of", "2022-01-01")
    assert code == 0
    listing = json.loads(out)
    by_id = {r["id"]: r for r in listing["techniques"]}
    assert listing["evidence_as_of"] == "2022-01-01"
    assert listing["engine_before_as_of"] == ["links.mmlu.ceiling_loss", "links.mmlu.upper_slope_ratio"]
    assert by_id["instruction_tuning"]["first_published"] == "2022-03-04"
    assert by_id["instruction_tuning"]["evidence_after_as_of"] and by_id["instruction_tuning"]["unmeasured_as_of"]
    assert by_id["reasoning_rl"]["evidence_after_as_of"] and not by_id["reasoning_rl"]["unmeasured_as_of"]
    assert not by_id["distillation"]["evidence_after_as_of"]
    assert len(by_id["objectives"]["published"]) == len(by_id["objectives"]["citations"]) == 3
    code, out, _ = run(capsys, "priors", "list", "--as-of", "2022-07-01")
    assert code == 0 and "architecture+" in out and "objectives+" in out and "reasoning_rl*" in out
    assert "distillation " in out and "distillation*" not in out
    assert "earlier form" in out and "links.mmlu.upper_slope_ratio" in out
    code, out, _ = run(capsys, "priors", "list", "--as-of", "2025-02-01")
    assert code == 0 and "earlier form" not in out
    code, out, _ = run(capsys, "priors", "list", "--json")
    assert code == 0 and json.loads(out)["engine_before_as_of"] is None
    code, out, _ = run(capsys, "priors", "show", "engine")
    assert code == 0 and "before 2024-12-19: fixed median 1" in " ".join(out.split())
    code, out, _ = run(capsys, "priors", "list")
    assert code == 0 and "5, 2022-03" in out and "+" not in out.split("axis:")[0]
    code, _, err = run(capsys, "priors", "list", "--as-of", "2022-13-01")
    assert code == 2 and "as_of" in err


def test_priors_show_gives_each_evidence_date(capsys):
    code, out, _ = run(capsys, "priors", "show", "objectives")
    assert code == 0
    for day in ("2022-10-20", "2022-07-28", "2023-03-13"):
        assert f"(published {day})" in out
    code, out, _ = run(capsys, "priors", "show", "objectives", "--json")
    assert [e["published"] for e in json.loads(out)["evidence"]] == ["2022-10-20", "2022-07-28", "2023-03-13"]


def test_a_missing_publication_date_exits_2_naming_the_key(capsys, tmp_path):
    folder = tmp_path / "mine"
    shutil.copytree(SHIPPED, folder)
    path = folder / "ssm_hybrid.toml"
    path.write_text(path.read_text().replace("published = 2023-02-21\n", ""))
    code, out, err = run(capsys, "priors", "check", str(folder))
    line = " ".join(err.split())
    assert code == 2 and out == ""
    assert "ssm_hybrid.toml" in line and "evidence[2].published" in line and "missing required key" in line
