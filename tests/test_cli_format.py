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


def test_fit_tables_fit_80_columns():
    """`forecast fit`'s two tables at a standard terminal width: nothing cut short."""
    import pandas as pd
    from rich.console import Console

    from forecast.cli.forecast_cmd import diagnostics_table, multipliers_table

    rows = pd.DataFrame([
        {"id": "instruction_tuning", "axis": "params_total", "prior_median": 1.6,
         "prior_interval90": [0.9, 2.85], "posterior_median": 1.2, "posterior_interval90": [1.08, 1.34],
         "narrowing": 0.81},
        {"id": "mixture_of_experts", "axis": "params_active", "prior_median": 12.5,
         "prior_interval90": [10.25, 15.5], "posterior_median": 13.75, "posterior_interval90": [11.0, 16.25],
         "narrowing": -0.05},
        {"id": "quantization", "axis": "memory_bytes", "prior_median": 3.5, "prior_interval90": [2.85, 4.3],
         "posterior_median": float("nan"), "posterior_interval90": None, "narrowing": float("nan")},
    ])
    diag = {"rhat_max": 1.0421, "ess_bulk_min": 12345.6, "ess_tail_min": 98.2, "divergences": 1234,
            "ebfmi_min": 0.21, "draws": 10000, "chains": 4, "seconds": 1234.5, "ok": False}
    console = Console(width=80, record=True, color_system=None)
    console.print(multipliers_table(rows))
    console.print(diagnostics_table(diag))
    text = console.export_text()
    assert "\u2026" not in text
    assert max(len(line.rstrip()) for line in text.splitlines()) <= 80
    for piece in ("instruction_tuning", "total", "1.60 (0.90-2.85)", "1.20 (1.08-1.34)", "81%",
                  "mixture_of_experts", "active", "12.50 (10.25-15.50)", "-5%", "quantization",
                  "memory", "prior only", "1.042", "12346", "98", "1234", "0.21", "10000x4", "1234.5",
                  "FAILED"):
        assert piece in text, piece


def test_compare_table_folds_long_model_ids(capsys, monkeypatch):
    """A scenario cell naming a long model id folds at 80 columns instead of cutting it short,
    and an id with square brackets prints as text, not markup."""
    from forecast.cli.forecast_cmd import print_compare
    from forecast.cli.output import console

    monkeypatch.setattr(console, "width", 80)
    reached = {"model_id": "phi-3-small-8k-instruct-[bold]preview", "name": "Phi-3", "date": "2024-05-21",
               "params_total": 7.4e9}
    rows = [{"scenario": s, "target": "mmlu=0.70", "params": "7B",
             "quantiles": {"0.1": None, "0.5": None, "0.9": None}, "already_reached_by": reached}
            for s in ("aggressive", "central", "conservative")]
    print_compare(rows, ["mmlu=0.70"], ["7B"])
    out = capsys.readouterr().out
    assert "\u2026" not in out
    assert max(len(line) for line in out.splitlines()) <= 80
    body = [line.split("\u2502") for line in out.splitlines() if line.startswith("\u2502")]
    for col in (3, 4, 5):  # each scenario's cell, read down its column
        assert "".join(cells[col].strip() for cells in body) == "reached(phi-3-small-8k-instruct-[bold]preview)"


def test_backtest_table_fits_80_columns():
    """The backtest's ranking at a standard terminal width: every method name whole, the decided
    coverage with its bounds, CRPS on reached and censored rows, the Brier by the data's end."""
    from rich.console import Console

    from forecast.cli.backtest_cmd import backtest_table

    bins = [{"lo": k / 10, "hi": (k + 1) / 10, "n": 3, "p_mean": k / 10 + 0.05, "observed": 0.5} for k in range(10)]
    methods = {name: {"coverage": {"0.5": 0.45, "0.8": 0.79, "0.9": None}, "crps_mean": 0.284,
                      "brier_1y": 0.11, "brier_2y": 0.13,
                      "decided": {"coverage": {"0.5": 0.35, "0.8": 0.75, "0.9": None},
                                  "coverage_bounds": {"0.8": [0.39, 0.87]}, "crps_reached": 0.533,
                                  "crps_censored": 0.064},
                      "before_data_end": {"brier": 0.168, "reliability": bins}, "skill": {}}
               for name in ("engine", "priors_only", "drift_only", "naive_pooled", "densing")}
    methods["engine"]["skill"] = {name: {"n": 332, "crps_diff": -0.069, "crps_diff_ci": [-0.17, 0.04],
                                         "crps_diff_reached": 0.027, "crps_diff_censored": -0.155,
                                         "brier_skill": -0.2, "brier_skill_ci": [-0.95, 0.26]}
                                  for name in list(methods)[1:]}
    summary = {"n_events": 332, "n_reached": 156, "n_censored": 176, "cutoffs": ["2021-07-01", "2025-01-01"],
               "deciding_releases": {"n_models": 23, "n_release_dates": 13},
               "methods": methods, "ranking": list(methods)}
    console = Console(width=80, record=True, color_system=None)
    console.print(backtest_table(summary))
    text = console.export_text()
    assert "\u2026" not in text and max(len(line.rstrip()) for line in text.splitlines()) <= 80
    rows = [line.split() for line in text.splitlines() if line.split()[:1] in (["1"], ["2"], ["3"], ["4"], ["5"])]
    assert [r[1] for r in rows] == list(methods)
    assert rows[0][2:] == ["0.75", "[0.39,", "0.87]", "0.53", "0.06", "0.168", "0.28"]
    skill = [line.split() for line in text.splitlines() if line.split()[:1] == ["priors_only"]][-1]
    assert skill == ["priors_only", "332", "-0.07", "[-0.17,", "0.04]", "0.03", "-0.15", "-0.20", "[-0.95,", "0.26]"]