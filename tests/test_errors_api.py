"""The library API refuses a bad query before it samples, as the CLI does.

`forecast.model.fit.fit_model` is replaced by a function raising `FitStarted`; every call below must raise
`UserError` first. The CLI checks these itself (`forecast.cli.forecast_cmd.check_query`); the cases
marked xfail are where `forecast.api.engine.Engine` still samples first.
"""

from __future__ import annotations

import pytest

from forecast.core.errors import UserError
from test_errors_cli import FitStarted, no_fits  # noqa: F401  (autouse: any fit raises FitStarted)

API_FITS_FIRST = pytest.mark.xfail(strict=True, raises=FitStarted, reason=(
    "forecast/api.py: Engine.when/size/capability resolve the target or benchmark through "
    "posterior_draws (a fit) before parsing dates; parse horizon, p_by and dates first, check the "
    "target against the registry (as forecast.cli.forecast_cmd.fit_scope does) before fitting, and "
    "refuse size/capability dates on or before the as-of date"))


@pytest.fixture(scope="module")
def engine():
    from forecast.api.engine import Engine

    return Engine(as_of="2025-06-01")


def test_budget_is_checked_before_the_fit(engine):
    with pytest.raises(UserError):
        engine.when("mmlu=0.7", params="0")
    with pytest.raises(UserError):
        engine.capability("mmlu", ["2030-01-01"], memory="4GiB")



@pytest.mark.parametrize("horizon", ["2020-01-01", "soon", "2200-01-01"])
def test_when_checks_the_horizon_before_the_fit(engine, horizon):
    with pytest.raises(UserError):
        engine.when("mmlu=0.7", params="7B", horizon=horizon)



def test_when_checks_the_target_before_the_fit(engine):
    with pytest.raises(UserError):
        engine.when("mmlx=0.7", params="7B")



@pytest.mark.parametrize("when", ["yesterday", "2016-01-01"])
def test_size_checks_dates_before_the_fit(engine, when):
    with pytest.raises(UserError):
        engine.size("mmlu=0.7", [when])



def test_capability_checks_the_benchmark_before_the_fit(engine):
    with pytest.raises(UserError):
        engine.capability("nope", ["2030-01-01"], params="7B")
