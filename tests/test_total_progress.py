"""The `drift_only` baseline's prior on total progress (`priors/baselines/total_progress.toml`)."""

from __future__ import annotations

import math
from datetime import date

import pytest

from forecast.core.errors import UserError
from forecast.evaluation.methods import default_methods
from forecast.evaluation.total_progress import (SINGLE_RATE_SPAN, default_total_progress_file, drift_only_priors,
                                                load_total_progress, rate_prior)
from forecast.inputs.priors import load_priors

# the cited rates (the file's [[evidence]])
DENSING_DOUBLING_MONTHS = 3.3  # Xiao et al. 2024, arXiv:2412.04315: maximum capability density doubles
EPOCH_HALVING_MONTHS = 8.0  # Ho et al. 2024, arXiv:2403.05812: compute for a fixed loss halves
IMAGENET_HALVING_MONTHS = 16.0  # Hernandez & Brown 2020, arXiv:2005.04305
KAPLAN_EXPONENT = 0.73  # Kaplan et al. 2020, arXiv:2001.08361: N_opt ~ C_min^0.73
GPT3, LLAMA13 = 175.0, 13.0  # parameters (billions): Brown et al. 2020 Table 2.1; Touvron et al. 2023 Table 2
LLAMA_YEARS = (date(2023, 2, 27) - date(2020, 5, 28)).days / 365.25


def _methods(**kw) -> dict:
    return {m.name: m for m in default_methods(**kw)}


def _rates() -> dict:
    tokens = load_priors().engine.tokens
    compute_optimal = tokens.beta / (tokens.alpha + tokens.beta)  # N_opt ~ C^(beta / (alpha + beta))
    return {
        "densing": math.log10(2) * 12 / DENSING_DOUBLING_MONTHS,  # density is a ratio of parameters
        "epoch": math.log10(2) * 12 / EPOCH_HALVING_MONTHS * compute_optimal,
        "imagenet": math.log10(2) * 12 / IMAGENET_HALVING_MONTHS * KAPLAN_EXPONENT,
        "llama": math.log10(GPT3 / LLAMA13) / LLAMA_YEARS,
    }


def test_drift_only_prior_today_spans_the_cited_rates_after_conversion():
    rates = _rates()
    lo, hi = min(rates.values()), max(rates.values())
    assert (lo, hi) == (rates["imagenet"], rates["densing"])
    rate = _methods(priors_as_of="today")["drift_only"].priors(date(2025, 1, 1)).engine.drift.rate
    assert rate.distribution == "lognormal"
    assert rate.median == pytest.approx(math.sqrt(lo * hi), abs=5e-4)
    assert rate.interval90[0] == pytest.approx(lo, abs=5e-4)
    assert rate.interval90[1] == pytest.approx(hi, abs=5e-4)
    total = load_total_progress()
    assert sorted(e.rate for e in total.evidence) == pytest.approx(sorted(rates.values()), abs=5e-4)


def test_drift_only_prior_as_of_a_cutoff_sees_only_earlier_evidence():
    rates = _rates()
    methods = _methods()  # dated priors, the default
    early = methods["drift_only"].priors(date(2022, 7, 1)).engine.drift.rate
    # one rate public (Hernandez & Brown 2020): the median, as wide as the 2024 pair
    assert early.median == pytest.approx(rates["imagenet"], abs=5e-4)
    assert early.interval90[1] / early.interval90[0] == pytest.approx(SINGLE_RATE_SPAN, rel=1e-3)
    # after LLaMA, before Ho et al.: two rates closer than that span, centred on their mean
    mid = methods["drift_only"].priors(date(2023, 7, 1)).engine.drift.rate
    assert mid.median == pytest.approx(math.sqrt(rates["imagenet"] * rates["llama"]), abs=5e-4)
    late = methods["drift_only"].priors(date(2025, 1, 1)).engine.drift.rate
    assert late == load_total_progress().rate
    # the file's [rate] is the rule's result on all the evidence, rounded as stated
    rule = rate_prior([e.rate for e in load_total_progress().evidence], default_total_progress_file())
    assert rule.median == pytest.approx(late.median, abs=1e-4)
    assert rule.interval90 == pytest.approx(late.interval90, abs=1e-4)
    # no evidence before the first paper: refused, naming the file
    with pytest.raises(UserError, match="no total-progress evidence"):
        load_total_progress().known_by(date(2019, 1, 1))


def test_only_drift_only_changes_its_prior():
    methods = _methods()
    shipped = load_priors()
    for name in ("engine", "priors_only"):
        assert methods[name].priors().engine.drift.rate == shipped.engine.drift.rate
    drift_only = methods["drift_only"].priors()
    assert drift_only.engine.drift.rate != shipped.engine.drift.rate
    assert drift_only.engine.drift.spread == shipped.engine.drift.spread
    # a fit with the total-progress prior is cached apart from one with the residual prior
    assert drift_only.fit_sha256 != shipped.fit_sha256


def test_the_prior_file_is_cited_and_left_out_of_the_engine_priors():
    total = load_total_progress()
    assert total.file == default_total_progress_file()
    assert len(total.evidence) == 4
    assert all(e.cite and e.finding and e.conversion and e.published and e.rate > 0
               for e in total.evidence)
    assert {e.published for e in total.evidence} == {
        date(2020, 5, 8), date(2023, 2, 27), date(2024, 3, 9), date(2024, 12, 5)}
    priors = load_priors()
    assert drift_only_priors(priors, total).engine.drift.rate == total.rate
    assert "total_progress" not in priors.techniques


def test_a_bad_total_progress_file_is_refused(tmp_path):
    good = default_total_progress_file().read_text()
    bad = tmp_path / "total_progress.toml"
    bad.write_text(good.replace("[rate]\n", "[rate]\nmean = 0.5\n"))
    with pytest.raises(UserError, match="unknown key") as err:
        load_total_progress(bad)
    assert err.value.location.key == "rate.mean"
    bad.write_text(good.split("[[evidence]]")[0])
    with pytest.raises(UserError, match="evidence"):
        load_total_progress(bad)
    with pytest.raises(UserError, match="not found"):
        load_total_progress(tmp_path / "missing.toml")


def test_an_evidence_entry_without_a_rate_or_date_is_refused(tmp_path):
    good = default_total_progress_file().read_text()
    bad = tmp_path / "total_progress.toml"
    bad.write_text(good.replace("rate = 0.1648\n", "", 1))
    with pytest.raises(UserError, match="rate") as err:
        load_total_progress(bad)
    assert err.value.location.key == "evidence[0].rate"
    bad.write_text(good.replace("rate = 0.1648\n", "rate = -0.1\n", 1))
    with pytest.raises(UserError, match="> 0"):
        load_total_progress(bad)
    bad.write_text(good.replace("published = 2020-05-08\n", "", 1))
    with pytest.raises(UserError, match="published"):
        load_total_progress(bad)
