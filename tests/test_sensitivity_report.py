"""The report's refit-sensitivity section (section 5) and `forecast report --sensitivity FILE`.

The section is built from a small hand-made sweep in the shape `forecast sensitivity --json`
prints (checked against its shipped schema first), so no fit runs; the CLI tests stop at the
option's validation, which comes before the report's fit (a fit, if one started, raises).
"""

from __future__ import annotations

import base64
import json
import re
from datetime import date
from types import SimpleNamespace

import jsonschema
import pytest

from forecast.cli.output import json_schema
from forecast.inputs.dates import year_to_date
from test_data_cli import run as run_cli

AS_OF = date(2025, 12, 31)
DAYS = 365.25
# the unmodified fit's answers: (q10, median, q90) in decimal years
BASE = {"mmlu=0.70 within 1B": (2026.0, 2026.5, 2027.5), "mmlu=0.80 within 7B": (2026.2, 2027.0, 2028.5)}
DIAGNOSTICS = {"rhat_max": 1.004, "ess_bulk_min": 950.0, "ess_tail_min": 1010.0, "divergences": 0,
               "ebfmi_min": 0.6, "draws": 2000, "chains": 4, "seconds": 40.0, "worst_rhat": None,
               "worst_ess": None, "sampler": "nutpie", "problems": [], "ok": True}
PRIORS = {"drift": "engine.drift.rate",
          "releases": "engine.releases.log_rate,engine.releases.growth_per_year",
          "links": "engine.links.slope,engine.links.midpoint"}
# per (technique, variant) the median shift in days per question (None: pushed past the horizon),
# listed out of order; the expected order is by the mean absolute shift, largest first
SHIFTS = {
    ("distillation", "removed"): (30.0, 10.0),      # mean 20
    ("releases", "group"): (2.0, -1.0),             # mean 1.5
    ("drift", "group"): (-100.0, -60.0),            # mean 80
    ("over_training", "removed"): (400.0, None),    # past the horizon: first
    ("distillation", "widened"): (-5.0, 5.0),       # mean 5
    ("links", "group"): (50.0, 120.0),              # mean 85
}
EXPECTED = [("over_training", "removed"), ("links", "group"), ("drift", "group"),
            ("distillation", "removed"), ("distillation", "widened"), ("releases", "group")]
NAMES = {"distillation": "Distillation", "over_training": "Over-training"}


def point(year: float | None) -> dict:
    return {"year": year, "date": None if year is None else year_to_date(year).isoformat()}


def quantiles(q10: float | None, median: float | None, q90: float | None) -> dict:
    return {"q10": point(q10), "median": point(median), "q90": point(q90)}


def sweep(as_of: date = AS_OF, ok: bool = True) -> dict:
    """A hand-made `forecast sensitivity --json` answer: two questions, three techniques' rows
    and the three groups; each refit moves its interval with its median."""
    base = [{"question": q, "target": q.split()[0], "params": q.split()[-1], **quantiles(*y)}
            for q, y in BASE.items()]
    rows = []
    for (tech, variant), shifts in SHIFTS.items():
        for (question, (q10, med, q90)), days in zip(BASE.items(), shifts):
            moved = None if days is None else days / DAYS
            prior = None
            if variant == "widened":
                prior = {"name": f"techniques.{tech}.multiplier", "median": 1.5, "interval90": [0.46, 4.9]}
            elif variant == "group":
                one = "," not in PRIORS[tech]
                prior = {"name": PRIORS[tech], "median": 0.1 if one else None,
                         "interval90": [0.009, 1.1] if one else [None, None]}
            rows.append({
                "technique": tech, "variant": variant, "question": question,
                "target": question.split()[0], "params": question.split()[-1],
                **quantiles(q10 + (moved or 0.0), None if moved is None else med + moved,
                            None if moved is None else q90 + moved),
                "shift_days": {"q10": 0.0 if moved is None else days, "median": days,
                               "q90": None if moved is None else days},
                "prior": prior, "fit_ok": ok or tech != "drift",
            })
    return {"command": "sensitivity", "as_of": as_of.isoformat(),
            "settings": {"seed": 20230319, "draws": 2000, "tune": None},
            "diagnostics": DIAGNOSTICS, "base": base, "rows": rows}


def page_data(sensitivity: dict | None, source: str = "reports/sensitivity.json") -> SimpleNamespace:
    return SimpleNamespace(sensitivity=sensitivity, sensitivity_source=source, names=NAMES, as_of=AS_OF)


def test_the_hand_made_sweep_is_a_valid_sensitivity_answer():
    jsonschema.validate(sweep(), json_schema("sensitivity"))


# ----------------------------------------------------------------------------- the rows


def test_rows_are_ordered_by_the_mean_absolute_median_shift():
    from forecast.report.content import REFIT_COLUMNS, refit_rows

    rows = refit_rows(sweep(), NAMES)
    assert list(rows.columns) == list(REFIT_COLUMNS)
    assert list(dict.fromkeys(zip(rows["technique"], rows["variant"]))) == EXPECTED
    assert rows["rank"].tolist() == [i for i in range(len(EXPECTED)) for _ in BASE]
    assert list(rows["question"][:2]) == list(BASE)  # within a pair, the sweep's question order
    first = rows.iloc[0]
    assert first["label"] == "Over-training" and first["shift"] == pytest.approx(400.0)
    assert first["lo"] == pytest.approx(400.0 - 0.5 * DAYS)  # q10 from the unmodified median
    assert first["base_lo"] == pytest.approx(-0.5 * DAYS) and first["base_hi"] == pytest.approx(DAYS)
    past = rows.iloc[1]
    assert past["past"] and past["shift"] != past["shift"] and past["hi"] != past["hi"]
    assert rows.loc[rows["technique"] == "links", "label"].iloc[0] == "links (group)"


# ----------------------------------------------------------------------------- the page


def test_page_draws_the_refit_tornado_and_lists_the_rows_in_order():
    from forecast.report.figures import report_style
    from forecast.report.pages import TITLES, page_sensitivity

    with report_style():
        section = page_sensitivity(page_data(sweep()))
    assert (section.number, section.title) == (5, "Sensitivity with refits") and TITLES[4] == section.title
    html = section.html
    images = re.findall(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(images) == 1
    svg = base64.b64decode(images[0]).decode("utf-8")
    for label in ("Over-training: removed", "links (group)", "Distillation: widened",
                  "mmlu=0.70 within 1B", "mmlu=0.80 within 7B"):
        assert label in svg, label
    body = html.split("<tbody>", 1)[1]
    cells = re.findall(r"<tr[^>]*><td>([^<]*)</td><td>([^<]*)</td>", body)
    labels = {("over_training", "removed"): "Over-training", ("distillation", "removed"): "Distillation",
              ("distillation", "widened"): "Distillation"}
    assert cells == [(labels.get(k, f"{k[0]} (group)"), k[1]) for k in EXPECTED]
    assert "+400 d" in html and "past the horizon" in html and "-100 d" in html
    assert "reports/sensitivity.json" in html and "Section 4" in html
    assert "engine.releases.log_rate, engine.releases.growth_per_year" in html
    assert "FAILED" not in html and "stale" not in html


def test_page_without_a_sweep_says_in_one_line_how_to_make_it():
    from forecast.report.pages import page_sensitivity

    html = page_sensitivity(page_data(None, source="")).html
    assert html.count("<p") == 1 and "<figure" not in html
    assert "forecast sensitivity --json &gt; reports/sensitivity.json" in html


def test_page_flags_failed_refits_and_another_as_of_date():
    from forecast.report.figures import report_style
    from forecast.report.pages import page_sensitivity

    with report_style():
        html = page_sensitivity(page_data(sweep(as_of=date(2025, 6, 30), ok=False))).html
    assert "1 of 6 refits FAILED" in html and 'class="fail">FAIL' in html
    assert 'class="note stale"' in html and "--as-of 2025-12-31" in html


def test_report_sections_are_numbered_in_order_with_the_new_page_fifth():
    from forecast.report.pages import PAGES, TITLES, page_attribution, page_sensitivity

    assert len(PAGES) == len(TITLES) == 10
    assert PAGES.index(page_sensitivity) == PAGES.index(page_attribution) + 1 == 4


# ----------------------------------------------------------------------------- the CLI


@pytest.fixture
def no_fits(monkeypatch, tmp_path_factory):
    """Any attempt to fit raises (a `BaseException`, so the CLI cannot turn it into an exit code)."""
    import forecast.model.fit

    class FitStarted(BaseException):
        pass

    def refuse(*args, **kwargs):
        raise FitStarted("the sensitivity file should have been refused before the fit")

    monkeypatch.setattr(forecast.model.fit, "fit_model", refuse)
    monkeypatch.setenv("FORECAST_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "sens-report-cache"))
    monkeypatch.setenv("COLUMNS", "200")


@pytest.mark.parametrize("content, words", [
    (lambda: {**sweep(), "rows": [{**sweep()["rows"][0], "variant": "shrunk"}]}, "rows/0/variant"),
    (lambda: {k: v for k, v in sweep().items() if k != "base"}, "'base' is a required property"),
    (lambda: "not json {", "not a readable sensitivity JSON file"),
])
def test_cli_refuses_an_invalid_sensitivity_file_with_exit_2_naming_it(tmp_path, capsys, no_fits,
                                                                       content, words):
    bad = tmp_path / "bad-sweep.json"
    value = content()
    bad.write_text(value if isinstance(value, str) else json.dumps(value))
    out = tmp_path / "r.pdf"
    code, stdout, err = run_cli(["report", "--no-backtest", "--out", str(out), "--sensitivity", str(bad)],
                                capsys)
    assert code == 2, err
    assert str(bad) in err and words in err and "Traceback" not in err
    assert not out.exists()
    code, stdout, _ = run_cli(["report", "--no-backtest", "--out", str(out), "--sensitivity", str(bad),
                               "--json"], capsys)
    error = json.loads(stdout)["error"]
    assert code == 2 and error["file"] == str(bad)


def test_cli_reads_the_default_file_and_refuses_it_when_invalid(tmp_path, capsys, no_fits, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "sensitivity.json").write_text(json.dumps({"command": "sensitivity"}))
    code, _, err = run_cli(["report", "--no-backtest", "--out", str(tmp_path / "r.pdf")], capsys)
    assert code == 2 and "reports/sensitivity.json" in err


def test_cli_refuses_a_missing_sensitivity_file(tmp_path, capsys, no_fits):
    missing = tmp_path / "nowhere.json"
    code, _, err = run_cli(["report", "--no-backtest", "--out", str(tmp_path / "r.pdf"),
                            "--sensitivity", str(missing)], capsys)
    assert code == 2 and str(missing) in err and "not found" in err


def test_loader_returns_a_valid_sweep_and_the_command_line_records_it(tmp_path):
    from forecast.cli.report_cmd import _command_line, _saved_sensitivity, load_sensitivity

    good = tmp_path / "sweep.json"
    good.write_text(json.dumps(sweep()))
    assert load_sensitivity(good) == sweep()
    loaded, used = _saved_sensitivity(good)
    assert loaded == sweep() and used == good
    line = _command_line(tmp_path / "r.pdf", None, None, None, None, None, None, 1, 100, 100, False,
                         True, None, None, None, used)
    assert line.endswith(f"--sensitivity {good}")
