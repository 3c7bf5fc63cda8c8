"""Numbers as the CLI tables print them."""

from __future__ import annotations

import pytest

from forecast.cli.forecast_cmd import _p_by_rows, _params


@pytest.mark.parametrize("value, text", [
    (999.99e6, "1B"), (1.26e9, "1.26B"), (63.1e6, "63.1M"), (2.5e12, "2.5T"), (999.6e9, "1T"),
    (None, "> 3.5T"),
])
def test_parameter_counts_read_naturally(value, text):
    assert _params(value) == text


def test_probability_rows_stop_once_settled():
    p_by = {"2026-01-01": 0.5, "2027-01-01": 0.996, "2028-01-01": 0.999, "2029-01-01": 1.0}
    assert _p_by_rows(p_by) == [("2026-01-01", "0.500"), ("2027-01-01", "0.996"), ("later", ">= 0.995")]
    unsettled = {"2026-01-01": 0.1, "2027-01-01": 0.2}
    assert [d for d, _ in _p_by_rows(unsettled)] == ["2026-01-01", "2027-01-01"]


def test_report_names_a_backtest_made_on_other_inputs():
    from forecast.cli.report_cmd import _provenance_mismatch

    same = {"data_sha256": "a", "priors_sha256": "b"}
    assert _provenance_mismatch(same, dict(same)) == ""
    assert "registry differ" in _provenance_mismatch(same, {"data_sha256": "c", "priors_sha256": "b"})
    both = _provenance_mismatch(same, {"data_sha256": "c", "priors_sha256": "d"})
    assert "registry and priors differ" in both
    assert _provenance_mismatch({}, same) == ""  # an old summary without hashes: nothing to compare
