"""The `drift_only` baseline's prior on total progress (`priors/baselines/total_progress.toml`)."""

from __future__ import annotations

import math
from datetime import date

import pytest

from forecast.core.errors import UserError
from forecast.evaluation.methods import default_methods
from forecast.evaluation.total_progress import default_total_progress_file, drift_only_priors, load_total_progress
from forecast.inputs.priors import load_priors

# the cited rates (the file's [[evidence]])
DENSING_DOUBLING_MONTHS = 3.3  # Xiao et al. 2024, arXiv:2412.04315: maximum capability density doubles
EPOCH_HALVING_MONTHS = 8.0  # Ho et al. 2024, arXiv:2403.05812: compute for a fixed loss halves


def _methods() -> dict:
    return {m.name: m for m in default_methods()}


def test_drift_only_prior_median_is_the_cited_rate_after_conversion():
    tokens = load_priors().engine.tokens
    densing = math.log10(2) * 12 / DENSING_DOUBLING_MONTHS  # density is a ratio of parameters
    compute_optimal = tokens.beta / (tokens.alpha + tokens.beta)  # N_opt ~ C^(beta / (alpha + beta))
    epoch = math.log10(2) * 12 / EPOCH_HALVING_MONTHS * compute_optimal
    rate = _methods()["drift_only"].priors().engine.drift.rate
    assert rate.distribution == "lognormal"
    assert rate.median == pytest.approx(math.sqrt(densing * epoch), abs=5e-4)
    assert rate.interval90[0] == pytest.approx(epoch, abs=5e-4)
    assert rate.interval90[1] == pytest.approx(densing, abs=5e-4)


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
    assert len(total.evidence) == 2
    assert all(e.cite and e.finding and e.conversion and e.published for e in total.evidence)
    assert {e.published for e in total.evidence} == {date(2024, 12, 5), date(2024, 3, 9)}
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
