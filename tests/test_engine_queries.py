"""Engine-level properties on real (short) fits: as-of isolation, seed reproducibility."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest


def test_as_of_ignores_every_later_registry_row(tmp_path, monkeypatch):
    """Rows released after the as-of date cannot change the fit's inputs or its cache key."""
    import pandas as pd

    from forecast.model.fit import FitSettings, cache_key, fit_keys
    from forecast.model.data import prepare_inputs
    from forecast.model.priors import model_priors_from
    from forecast.inputs.priors import load_priors
    from forecast.inputs.registry import load_registry

    reg = load_registry()
    as_of = date(2023, 6, 30)
    priors = load_priors().introduced_by(as_of)
    mp = model_priors_from(priors, reg.benchmarks)
    a = prepare_inputs(reg.models, reg.scores, reg.benchmarks, mp, as_of)
    # corrupt everything released after the as-of date: scores flipped, sizes scrambled
    later = reg.models["release_date"] > pd.Timestamp(as_of)
    models = reg.models.copy()
    models.loc[later, "params_total"] = models.loc[later, "params_total"][::-1].to_numpy()
    scores = reg.scores.copy()
    late_ids = set(models.loc[later, "model_id"])
    scores.loc[scores["model_id"].isin(late_ids), "score"] = 1 - scores.loc[scores["model_id"].isin(late_ids), "score"]
    b = prepare_inputs(models, scores, reg.benchmarks, mp, as_of)
    for field in ("model_ids", "log10_params", "obs_y", "obs_model", "U", "release_counts", "adoption_u"):
        assert np.array_equal(getattr(a, field), getattr(b, field)), field
    assert a.data_end == b.data_end and a.data_end <= as_of
    # techniques introduced later are not in the fitted set
    assert all(t.introduced <= as_of for t in priors.techniques.values())
    assert "reasoning_rl" not in priors.techniques
    # the cache key follows the rows the fit sees, not the calendar date: the same key when no
    # model was released between two dates, another when one was
    # (docs/decisions/fit-key-what-the-fit-saw.md)
    full = load_priors()
    days = sorted(reg.models["release_date"].dt.date.unique())
    quiet = next(d for d, nxt in zip(days, days[1:]) if (nxt - d).days > 3 and d > as_of)
    same = [fit_keys(reg, full, FitSettings(as_of=quiet + timedelta(days=k))).key for k in (0, 2)]
    assert same[0] == same[1]
    assert fit_keys(reg, full, FitSettings(as_of=as_of)).key != same[0]
    assert cache_key("d", "p", FitSettings(as_of=as_of)) == cache_key("d", "p", FitSettings(as_of=date(2023, 7, 1)))


@pytest.mark.slow
def test_same_seed_same_when_answer(small_engine):
    a = small_engine.when("mmlu=0.75", params="3B").to_dict()
    small_engine._draws = None  # rebuild draws from the cached fit
    b = small_engine.when("mmlu=0.75", params="3B").to_dict()
    assert a == b


@pytest.mark.slow
def test_when_result_shape(small_engine):
    r = small_engine.when("mmlu=0.80", params="1B", p_by=["2027-06-30"]).to_dict()
    assert set(r["quantiles"]) == {"0.05", "0.1", "0.25", "0.5", "0.75", "0.9", "0.95"}
    assert "2027-06-30" in r["p_by"] and all(0 <= v <= 1 for v in r["p_by"].values())
    ps = [r["p_by"][k] for k in sorted(r["p_by"])]
    assert all(x <= y + 1e-12 for x, y in zip(ps, ps[1:]))  # a CDF
    assert {"rhat_max", "ess_bulk_min", "divergences", "ok"} <= set(r["diagnostics"])


def test_fit_table_marks_a_prior_only_technique(small_engine, capsys, monkeypatch):
    """Quantization is not identified by scores: the table says "prior only", never "nan"."""
    from forecast.cli import main
    from forecast.cli.output import console

    monkeypatch.setattr(console, "width", 200)  # the shared console may have been sized already
    main(["fit", "--draws", "150", "--tune", "150", "--seed", "11"])  # the session's cached fit
    out = capsys.readouterr().out
    assert "(cached)" in out
    row = next(line for line in out.splitlines() if "quantization" in line)
    assert "prior only" in row and "nan" not in row.lower()


@pytest.mark.slow
def test_ceiling_check_counts_draws_that_cannot_reach_the_threshold(small_engine):
    """The share of draws whose link ceiling 1 - e_b is at or below the threshold rises from 0
    below every draw's ceiling to 1 above it; the best registry score counts models of unknown
    size too."""
    top = 1.0 - small_engine.posterior_draws.ceiling_loss[:, 0]  # MMLU is the first benchmark
    below, above = float(top.min()) - 0.01, min(float(top.max()) + 0.01, 0.999)
    grid = [below, float(np.median(top)), above]
    shares = [small_engine.ceiling_check(small_engine.target(f"mmlu={y}"))[0]["share_at_or_above_ceiling"]
              for y in grid]
    assert shares[0] == 0.0 and shares[2] == 1.0 and 0.0 < shares[1] < 1.0
    check = small_engine.ceiling_check(small_engine.target("mmlu=0.5,hellaswag=0.6"))
    assert [c["benchmark"] for c in check] == ["mmlu", "hellaswag"]
    scores = small_engine.registry.as_of(small_engine.as_of).scores
    best = scores[scores["benchmark"] == "mmlu"].groupby("model_id")["score"].median()
    assert check[0]["best_observed"]["model_id"] == best.idxmax()
    assert check[0]["best_observed"]["score"] == pytest.approx(best.max())
    lo, hi = check[0]["ceiling_interval90"]
    assert lo <= check[0]["ceiling_median"] <= hi
    assert small_engine.ceiling_check(small_engine.target(f"model:{small_engine.fit_scope()[1][0]}")) == []


@pytest.mark.slow
def test_when_notes_a_target_above_the_fitted_ceiling(small_engine, capsys):
    from forecast.cli import main

    top = 1.0 - small_engine.posterior_draws.ceiling_loss[:, 0]
    above = min(float(top.max()) + 0.005, 0.999)
    args = ["--draws", "150", "--tune", "150", "--seed", "11", "--params", "1B"]
    main(["when", "--target", f"mmlu={above:.3f}", *args])  # the session's cached fit
    err = capsys.readouterr().err
    assert "fitted ceiling of the mmlu link" in err and "in 100% of posterior draws" in err
    main(["when", "--target", f"mmlu={float(top.min()) - 0.05:.3f}", *args])
    assert "fitted ceiling" not in capsys.readouterr().err


@pytest.mark.slow
def test_compare_notes_a_target_above_the_fitted_ceiling_once_per_scenario(small_engine, capsys):
    import json

    from forecast.cli import main

    top = 1.0 - small_engine.posterior_draws.ceiling_loss[:, 0]
    above = f"mmlu={min(float(top.max()) + 0.005, 0.999):.3f}"
    # the central preset changes nothing, so it reuses the session's cached fit
    main(["compare", "--scenario", "central", "--target", above, "--target", "mmlu=0.3",
          "--params", "1B", "--params", "7B", "--draws", "150", "--tune", "150", "--seed", "11", "--json"])
    captured = capsys.readouterr()
    rows = json.loads(captured.out)["rows"]
    assert {r["p_at_or_above_ceiling"] for r in rows if r["target"] == above} == {1.0}
    assert all(r["p_at_or_above_ceiling"] == 0.0 for r in rows if r["target"] == "mmlu=0.3")
    assert captured.err.count("scenario central: mmlu=") == 1  # one note for the two budgets
