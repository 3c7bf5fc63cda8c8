"""The report says loudly when fits behind its backtest failed their convergence checks."""

from __future__ import annotations

from forecast.report.pages import backtest_fits_banner


def test_failed_backtest_fits_get_a_red_banner_naming_the_worst():
    summary = {"fit_diagnostics": {
        "engine": {"2023-01-01": {"ok": True, "rhat_max": 1.004, "ess_bulk_min": 900},
                   "2024-01-01": {"ok": False, "rhat_max": 1.02, "ess_bulk_min": 300}},
        "drift_only": {"2023-01-01": {"ok": False, "rhat_max": 1.18, "ess_bulk_min": 16}},
    }}
    html = backtest_fits_banner(summary)
    assert html.startswith('<div class="banner">2 of 3 fits')
    assert "drift_only as of 2023-01-01, R-hat 1.180, min bulk ESS 16" in html


def test_no_banner_when_every_fit_passes_or_none_is_recorded():
    ok = {"fit_diagnostics": {"engine": {"2023-01-01": {"ok": True, "rhat_max": 1.0, "ess_bulk_min": 900}}}}
    assert backtest_fits_banner(ok) == ""
    assert backtest_fits_banner({}) == ""
