"""As of today by default (issue 28): the data's end per benchmark, the probability that "may
already have happened; not in the registry", `--not-reached-by`, the stale-data note, and a fit
keyed by what it saw, so a later as-of date over the same data reuses it.

The fast tests need no fit (results built from fixed samples, the engine's checks that run
before sampling, the cache keys); those on the session's short real fit are marked slow.
"""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from forecast.api.results import STALE_MONTHS, WhenResult, stale_data
from forecast.api.targets import make_budget
from forecast.core.errors import UserError
from forecast.inputs.dates import decimal_year
from test_data_cli import run as run_main

DATA = Path(__file__).resolve().parents[1] / "forecast" / "data"


def when_result(samples: np.ndarray, as_of: date, data_end: date, **kw) -> WhenResult:
    return WhenResult(target="mmlu=0.7", budget=make_budget("1B", None, None, None), as_of=as_of,
                      start=data_end, horizon=date(2040, 1, 1), samples=samples, already_reached_by=None,
                      diagnostics={"ok": True}, target_data_end=data_end, **kw)


def test_may_have_happened_is_the_share_between_data_end_and_as_of():
    rng = np.random.default_rng(1)
    samples = np.where(rng.random(5000) < 0.05, np.inf, 2025.4 + rng.gamma(2.0, 0.8, 5000))
    as_of, end = date(2026, 12, 7), date(2025, 5, 20)
    r = when_result(samples, as_of, end)
    share = np.mean((samples > decimal_year(end)) & (samples <= decimal_year(as_of)))
    assert 0.2 < share < 0.9
    assert r.p_may_have_happened == pytest.approx(share)
    out = r.to_dict()
    assert out["p_may_have_happened"] == pytest.approx(share)
    assert out["target_data_end"] == "2025-05-20"
    # the quantiles on or before the as-of date are marked, and only those
    marked = set(out["quantiles_by_as_of"])
    for level, value in out["quantiles"].items():
        assert (level in marked) == (value is not None and date.fromisoformat(value) <= as_of)
    assert "0.05" in marked and "0.95" not in marked
    # a target the registry shows reached has nothing that "may have happened"
    reached = when_result(np.full(100, 2024.7), as_of, end)
    reached.already_reached_by = {"model_id": "x", "name": "x", "date": "2024-09-13", "params_total": 5e8}
    assert reached.p_may_have_happened == 0.0


def test_stale_note_after_six_months_only():
    ends = {"mmlu": date(2025, 5, 20), "gsm8k": date(2025, 5, 2)}
    assert stale_data(ends, ["mmlu"], date(2025, 11, 19)) is None  # 6 months less a day
    note = stale_data(ends, ["mmlu", "gsm8k"], date(2026, 12, 7))
    assert note["data_end"] == "2025-05-02" and note["benchmarks"] == ["gsm8k"]
    assert note["months_before_as_of"] > STALE_MONTHS and "2025-05-02" in note["note"]


# ------------------------------------------------------------------ the engine, before any fit


def test_the_default_as_of_is_today_and_every_answer_knows_its_data_ends():
    from forecast.api.engine import Engine

    engine = Engine()
    assert engine.as_of == date.today()
    ends = engine.data_end_by_benchmark()
    assert list(ends) == engine.fit_scope()[0]  # every fitted benchmark, in the fit's order
    reg = engine.registry.as_of(engine.as_of)
    scored = reg.scores[reg.scores["benchmark"] == "mmlu"]["model_id"]
    newest = reg.models[reg.models["model_id"].isin(scored)]["release_date"].max()
    assert ends["mmlu"] == newest.date()
    assert engine.target_data_end(engine.target("mmlu=0.7,gsm8k=0.5")) == min(ends["mmlu"], ends["gsm8k"])
    # the techniques' knowledge ends where the inputs do, not at the calendar date
    assert engine.knowledge_end == Engine(as_of=reg.models["release_date"].max().date()).as_of


def test_not_reached_by_must_lie_between_the_data_end_and_the_as_of_date():
    from forecast.api.engine import Engine

    engine = Engine(as_of="2026-06-30")
    target = engine.target("mmlu=0.7")
    end = engine.target_data_end(target)
    assert engine.check_not_reached_by(target, end) == end
    assert engine.check_not_reached_by(target, "2026-06-30") == date(2026, 6, 30)
    with pytest.raises(UserError, match="after the as-of date"):
        engine.check_not_reached_by(target, "2026-07-01")
    with pytest.raises(UserError, match="before the registry's data end"):
        engine.check_not_reached_by(target, end - timedelta(days=1))


def test_cli_refuses_a_bad_not_reached_by_before_any_fit(capsys, monkeypatch):
    import forecast.api.engine as engine_module

    def no_fit(self, strict=False):
        raise AssertionError("a bad --not-reached-by must be refused before the fit")

    monkeypatch.setattr(engine_module.Engine, "fit", no_fit)
    code, out, err = run_main(["when", "--target", "mmlu=0.7", "--params", "1B", "--as-of", "2026-06-30",
                               "--not-reached-by", "2026-08-01"], capsys)
    assert code == 2 and "key 'not-reached-by'" in err and "after the as-of date" in err
    code, out, err = run_main(["when", "--target", "mmlu=0.7", "--params", "1B",
                               "--not-reached-by", "2024-01-01"], capsys)
    assert code == 2 and "before the registry's data end" in err


def test_stale_data_note_on_stderr_and_in_json(capsys, monkeypatch):
    """On the JSON contract's fake engine (as of 2025-12-31, MMLU data end 2025-05-20)."""
    import forecast.cli.forecast_cmd as forecast_cmd
    from test_json_contract import FakeEngine

    monkeypatch.setattr(forecast_cmd, "make_engine", lambda *a, **k: FakeEngine())
    code, out, err = run_main(["when", "--target", "mmlu=0.7", "--params", "7B"], capsys)
    assert code == 0, err
    assert "note: the registry's newest score on mmlu is from 2025-05-20, 7 months before" in " ".join(err.split())
    out = " ".join(out.split())  # the console wraps at its width
    assert "registry data end on mmlu 2025-05-20" in out
    assert "may already have happened; not in the registry" in out
    code, out, err = run_main(["when", "--target", "mmlu=0.7", "--params", "7B", "--json"], capsys)
    assert json.loads(out)["stale_data"]["benchmarks"] == ["mmlu"] and "note:" in err
    for command in (["size", "--target", "mmlu=0.7", "--date", "2027-01-01"],
                    ["capability", "--benchmark", "mmlu", "--params", "3B", "--date", "2027-01-01"]):
        code, out, err = run_main(command, capsys)
        assert code == 0 and "note: the registry's newest score on mmlu" in " ".join(err.split())


# ------------------------------------------------------------------ the fit's key: what it saw


def copy_registry(folder: Path, new_release: str | None = None) -> Path:
    """The shipped registry copied to `folder`, with one extra scored model released on
    `new_release` when given."""
    folder.mkdir()
    for name in ("models.csv", "scores.csv", "benchmarks.csv"):
        shutil.copy(DATA / name, folder / name)
    if new_release is not None:
        with open(folder / "models.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        base = next(r for r in rows if r["model_id"] == "qwen2.5-0.5b")
        with open(folder / "models.csv", "a", newline="") as f:
            csv.DictWriter(f, fieldnames=list(rows[0])).writerow(
                {**base, "model_id": "test-new-4b", "name": "Test New 4B", "release_date": new_release,
                 "params_total": "4000000000", "params_active": "4000000000"})
        with open(folder / "scores.csv", newline="") as f:
            scores = list(csv.DictReader(f))
        score = next(r for r in scores if r["model_id"] == "qwen2.5-0.5b" and r["benchmark"] == "mmlu")
        extra = {**score, "model_id": "test-new-4b", "score": "0.80"}
        if "reported" in extra:
            extra["reported"] = new_release
        with open(folder / "scores.csv", "a", newline="") as f:
            csv.DictWriter(f, fieldnames=list(scores[0])).writerow(extra)
    return folder


def test_a_later_as_of_over_the_same_data_shares_the_fit_key(tmp_path):
    from forecast.api.engine import Engine

    d1, d2 = "2026-03-01", "2026-11-30"  # no release in the shipped registry between them
    first, later = Engine(as_of=d1), Engine(as_of=d2)
    assert first._cache_keys() == later._cache_keys()
    # the key is the data's content, not the files': a copy gives the same key
    copy = copy_registry(tmp_path / "copy")
    assert Engine(data=copy, as_of=d1)._cache_keys() == first._cache_keys()
    # a model released between the two dates changes the later key, not the earlier one
    added = copy_registry(tmp_path / "added", new_release="2026-09-15")
    assert Engine(data=added, as_of=d1)._cache_keys() == first._cache_keys()
    assert Engine(data=added, as_of=d2)._cache_keys() != later._cache_keys()


def test_the_fitted_inputs_do_not_depend_on_the_calendar_date():
    """Two as-of dates over the same rows give the same arrays: the release process and the
    drift's segments end at the data's end."""
    from forecast.inputs.priors import load_priors
    from forecast.inputs.registry import load_registry
    from forecast.model.data import prepare_inputs
    from forecast.model.priors import model_priors_from

    reg = load_registry()
    priors = load_priors().introduced_by(date(2026, 12, 7))
    mp = model_priors_from(priors, reg.benchmarks)
    a = prepare_inputs(reg.models, reg.scores, reg.benchmarks, mp, date(2026, 1, 15))
    b = prepare_inputs(reg.models, reg.scores, reg.benchmarks, mp, date(2026, 12, 7))
    for field in ("model_ids", "year_knots", "release_t", "release_counts", "obs_y", "adoption_u", "t"):
        assert np.array_equal(getattr(a, field), getattr(b, field)), field
    assert a.data_end == b.data_end < date(2026, 1, 15)


# ------------------------------------------------------------------ on the session's short real fit


@pytest.mark.slow
def test_not_reached_by_moves_every_quantile_later_or_equal(small_engine):
    plain = small_engine.when("mmlu=0.70", params="1B")
    end = plain.target_data_end
    between = end + (small_engine.as_of - end) / 2
    cond = small_engine.when("mmlu=0.70", params="1B", not_reached_by=between)
    for level, value in plain.quantiles.items():
        later = cond.quantiles[level]
        assert value is None and later is None or later is None or (
            value is not None and date.fromisoformat(later) >= date.fromisoformat(value)), level
    dropped = np.mean(plain.samples <= decimal_year(between))
    assert cond.not_reached_by == {"date": between.isoformat(), "share_dropped": pytest.approx(dropped)}
    assert len(cond.samples) == round(len(plain.samples) * (1 - dropped))
    assert np.all(cond.samples > decimal_year(between))
    # what may have happened is now counted from the date the user knows about
    share = np.mean((cond.samples > decimal_year(between)) & (cond.samples <= decimal_year(small_engine.as_of)))
    assert cond.p_may_have_happened == pytest.approx(share)
    # and the unconditioned answer's share is counted from the data's end
    share = np.mean((plain.samples > decimal_year(end)) & (plain.samples <= decimal_year(small_engine.as_of)))
    assert plain.p_may_have_happened == pytest.approx(share)


@pytest.mark.slow
def test_a_later_as_of_answers_from_the_same_fit(small_engine):
    """The session's fit (as of today) is the fit of any as-of date since the registry's last
    release: loaded from the cache, and the same forecast (the inputs' knowledge ends at the same
    date), only its split at the as-of date differs."""
    from forecast.api.engine import Engine

    reg = small_engine.seen_registry
    last = reg.models["release_date"].max().date()
    if "reported" in reg.scores:  # scores reported later than the last release are data too
        last = max(last, max(date.fromisoformat(str(d)[:10]) for d in reg.scores["reported"].dropna()))
    earlier = Engine(as_of=last, seed=11, draws=150, tune=150)
    assert earlier.fit_is_cached()
    a = small_engine.when("mmlu=0.70", params="1B")
    b = earlier.when("mmlu=0.70", params="1B")
    assert a.quantiles == b.quantiles
    assert a.p_may_have_happened >= b.p_may_have_happened
