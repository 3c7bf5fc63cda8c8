"""The PDF report: budgets and targets, atomic rendering, and a small report checked as a reader
would check it (text extracted with pypdf, page 1 rasterised with pypdfium2)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecast.core.errors import UserError
from forecast.report.content import DEFAULT_TARGETS, parse_budget, target_spec
from forecast.report.pages import TITLES
from forecast.report.render import Section, render_pdf, table_html

# ----------------------------------------------------------------------------- helpers


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def pdf_pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(path)).pages)


def page_pixels(path: Path, index: int = 0) -> np.ndarray:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        image = pdf[index].render(scale=0.6).to_numpy()
    finally:
        pdf.close()
    return np.asarray(image, dtype=float)


def squash(text: str) -> str:
    """Text with all whitespace removed (extraction may break lines inside table cells)."""
    return "".join(text.split())


# ----------------------------------------------------------------------------- budgets, targets


@pytest.mark.parametrize(
    ("text", "axis", "value", "bits"),
    [
        ("7B", "params_total", 7e9, None),
        ("params=500M", "params_total", 5e8, None),
        ("active=13B", "params_active", 13e9, None),
        ("memory=4GiB,bits=4", "memory_bytes", 4 * 2**30, 4.0),
        ("4GiB@4bit", "memory_bytes", 4 * 2**30, 4.0),
    ],
)
def test_parse_budget_forms(text, axis, value, bits):
    b = parse_budget(text).budget
    assert (b.axis, b.bits) == (axis, bits)
    assert b.value == pytest.approx(value)


@pytest.mark.parametrize("text", ["7 apples", "memory=4GiB", "bits=4", "params=7B,active=1B", "4GiB@x", ""])
def test_parse_budget_rejects_with_user_error(text):
    with pytest.raises(UserError):
        parse_budget(text)


def test_budget_labels_are_short():
    assert parse_budget("0.5B").label == "500M params"
    assert parse_budget("memory=4GiB,bits=4").label == "4 GiB @ 4-bit"
    assert parse_budget("active=7B").label == "7B active"


def test_target_spec_keeps_default_labels_and_user_text():
    assert target_spec("MMLU=0.70") == DEFAULT_TARGETS[1]
    assert target_spec("gsm8k=0.8").label == "gsm8k=0.8"


def test_table_html_escapes_every_cell():
    html = table_html(pd.DataFrame({"a": ["<script>x</script>"], "b&": [1]}))
    assert "<script>" not in html and "&lt;script&gt;" in html and "b&amp;" in html


# ----------------------------------------------------------------------------- atomic rendering


def _tiny_sections() -> list[Section]:
    return [Section(1, "First", "<p>alpha</p>"), Section(2, "Second", "<p>beta</p>")]


def test_render_counts_pages_and_sections(tmp_path):
    out = tmp_path / "r.pdf"
    result = render_pdf(_tiny_sections(), out, title="t", stamp="s", version="0")
    assert result.pages == pdf_pages(out) == 2
    assert result.section_pages == {"1. First": 1, "2. Second": 2}
    assert "alpha" in pdf_text(out)


@pytest.mark.parametrize("error", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_failed_write_keeps_the_old_file_and_leaves_no_partial(tmp_path, monkeypatch, error):
    import weasyprint

    out = tmp_path / "report.pdf"
    out.write_bytes(b"%PDF-old")

    def broken(self, target=None, **kwargs):
        Path(target).write_bytes(b"%PDF-1.7 half written")
        raise error

    monkeypatch.setattr(weasyprint.document.Document, "write_pdf", broken)
    with pytest.raises(type(error)):
        render_pdf(_tiny_sections(), out, title="t", stamp="s", version="0")
    assert out.read_bytes() == b"%PDF-old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf"]


def test_failed_first_write_creates_no_file(tmp_path, monkeypatch):
    import weasyprint

    def broken(self, target=None, **kwargs):
        Path(target).write_bytes(b"%PDF")
        raise OSError("no space left")

    monkeypatch.setattr(weasyprint.document.Document, "write_pdf", broken)
    with pytest.raises(OSError):
        render_pdf(_tiny_sections(), tmp_path / "new.pdf", title="t", stamp="s", version="0")
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- backtest results


@pytest.fixture(scope="module")
def baseline_backtest():
    """A real backtest of the two data-only baselines on the shipped registry (small grid)."""
    from forecast.evaluation.backtest import run_backtest
    from forecast.evaluation.events import default_events
    from forecast.evaluation.baselines import DensingLaw, NaivePooled
    from forecast.inputs.registry import load_registry

    reg = load_registry()
    events = default_events(thresholds=(0.55, 0.65, 0.75), sizes=(1e9, 7e9, 34e9))
    return run_backtest(reg.models, reg.scores, [DensingLaw(), NaivePooled()], "2023-01-01,2024-01-01",
                        events=events, n_samples=300, seed=5, progress=False, n_bootstrap=200)


@pytest.mark.slow
def test_backtest_round_trips_through_its_files(tmp_path, baseline_backtest):
    from forecast.cli.report_cmd import load_backtest
    from forecast.report.content import backtest_scorecard, reliability

    baseline_backtest.save(tmp_path)
    loaded = load_backtest(tmp_path)
    assert loaded.summary == json.loads(json.dumps(baseline_backtest.summary))
    pd.testing.assert_frame_equal(backtest_scorecard(loaded), backtest_scorecard(baseline_backtest))
    a, b = reliability(loaded), reliability(baseline_backtest)
    pd.testing.assert_frame_equal(a, b)
    assert set(a["method"]) == {"densing", "naive_pooled"}
    assert ((a["observed"] >= 0) & (a["observed"] <= 1)).all()


@pytest.mark.slow
def test_hindsight_backtest_is_read_only_with_todays_priors_and_set_beside(tmp_path, baseline_backtest):
    from types import SimpleNamespace

    from forecast.cli.report_cmd import _saved_hindsight
    from forecast.report.content import backtest_scorecard, scored_summary
    from forecast.report.pages import hindsight_html

    baseline_backtest.save(tmp_path)
    path = tmp_path / "backtest_summary.json"
    summary = json.loads(path.read_text())
    summary.setdefault("provenance", {})["priors_as_of"] = "cutoff"
    path.write_text(json.dumps(summary))
    with pytest.raises(UserError, match="not a backtest with today's priors") as info:
        _saved_hindsight(tmp_path)
    assert info.value.location.key == "provenance.priors_as_of"
    summary["provenance"]["priors_as_of"] = "today"
    path.write_text(json.dumps(summary))
    loaded, folder = _saved_hindsight(tmp_path)
    assert folder == tmp_path
    card = backtest_scorecard(loaded, scored_summary(loaded)[0])
    html = hindsight_html(SimpleNamespace(hindsight=loaded), card)
    assert "today&#x27;s priors (with hindsight)" in html or "today's priors (with hindsight)" in html
    crps = f"{card.set_index('method').loc['naive_pooled', 'crps']:.3f}"
    assert f"{crps} / {crps}" in html  # the same run on both sides: equal cells
    assert "was not run" in hindsight_html(SimpleNamespace(hindsight=None), card)


def test_load_backtest_names_the_missing_file(tmp_path):
    from forecast.cli.report_cmd import load_backtest

    with pytest.raises(UserError) as info:
        load_backtest(tmp_path)
    assert "backtest_summary.json" in str(info.value)


@pytest.mark.slow
def test_reliability_counts_only_decided_rows(baseline_backtest):
    from forecast.report.content import reliability

    rel = reliability(baseline_backtest)
    decided = pd.to_numeric(baseline_backtest.rows["brier_1y"], errors="coerce").notna().sum()
    assert rel["n"].sum() == decided


# ----------------------------------------------------------------------------- the report


SEED_CHECK = {
    "thread_date": "2023-03-19",
    "claims": [
        {"id": "large_gpt35_at_7b", "claim": "GPT-3.5-level MMLU (0.70) at 7B parameters or fewer by 2025-03-19",
         "deadline": "2025-03-19",
         "then": {"as_of": "2023-03-19", "quantiles": {"0.1": "2024-02-01", "0.5": "2025-07-14", "0.9": "2028-11-30"},
                  "p_by_deadline": 0.4321},
         "now": {"as_of": "2025-12-31", "quantiles": {"0.1": "2024-04-23", "0.5": "2024-04-23", "0.9": "2024-04-23"},
                 "p_by_deadline": 1.0, "already_reached_by": {"name": "Phi-3-small 8K Instruct", "date": "2024-04-23"}},
         "happened": {"reached": True, "date": "2024-04-23",
                      "models": [{"model_id": "phi-3-small-8k-instruct", "name": "Phi-3-small 8K Instruct"}]},
         "verdict": "Happened on 2024-04-23 (hand-built test claim)."},
        {"id": "language_multimodal_majority", "claim": "More than half of releases multimodal by 2025-03-19",
         "deadline": "2025-03-19",
         "then": {"as_of": "2023-03-19", "quantiles": {"0.1": None, "0.5": None, "0.9": None}, "p_by_deadline": None,
                  "note": "multimodal not yet a known technique at this date"},
         "now": {"as_of": "2025-12-31", "quantiles": {"0.1": "2025-05-01", "0.5": "2025-09-01", "0.9": "2026-06-01"},
                 "p_by_deadline": 0.07, "share_at_deadline": [0.2, 0.3, 0.4]},
         "happened": {"reached": False, "share_in_year_to_deadline": 0.31, "n_releases": 120,
                      "models": ["Gemma 3 4B"]},
         "verdict": "Not by the deadline (hand-built test claim)."},
    ],
    "fits": {"then": {"as_of": "2023-03-19", "diagnostics": {
        "ok": False, "rhat_max": 1.2, "ess_bulk_min": 50.0, "divergences": 0, "problems": ["R-hat 1.200 > 1.01"]}}},
}


@pytest.fixture(scope="module")
def small_report(small_engine, baseline_backtest, tmp_path_factory):
    from forecast.report import build_report

    out = tmp_path_factory.mktemp("report") / "small.pdf"
    result = build_report(small_engine, out, backtest=baseline_backtest, seed_check=SEED_CHECK,
                          command="pytest small report", fan_draws=300, tornado_draws=200)
    return result, pdf_text(out)


@pytest.mark.slow
def test_report_has_every_section_in_order_and_the_page_count(small_report):
    result, text = small_report
    flat = squash(text)
    positions = [flat.find(squash(f"{i}. {t}")) for i, t in enumerate(TITLES, start=1)]
    assert all(p >= 0 for p in positions), [t for t, p in zip(TITLES, positions) if p < 0]
    assert positions == sorted(positions)
    assert pdf_pages(result.path) == result.pages
    pages = list(result.sections.values())
    assert pages == sorted(pages) and pages[0] == 1 and max(pages) <= result.pages
    assert len(result.sections) == len(TITLES)


@pytest.mark.slow
def test_report_prints_the_headline_numbers(small_report):
    result, text = small_report
    flat = squash(text)
    h = result.headline
    assert len(h) == len(DEFAULT_TARGETS) * 5
    open_rows = h[h["reached_by"].isna() & h["median"].notna()]
    assert len(open_rows) > 0
    for r in open_rows.itertuples():
        assert squash(f"{r.median[:7]}") in flat
        assert squash(f"{r.q10[:7]} to ") in flat
    for r in h[h["reached_by"].notna()].itertuples():
        assert squash(r.reached_by) in flat
    for label in {t.label for t in DEFAULT_TARGETS}:
        assert squash(label) in flat


@pytest.mark.slow
def test_report_banner_follows_the_fit_diagnostics(small_report, small_engine):
    result, text = small_report
    failed = "FAILED its convergence checks" in " ".join(text.split())
    assert failed == (not small_engine.fit().diagnostics.ok) == (not result.fit_ok)


@pytest.mark.slow
def test_report_states_the_quality_tail_check(small_report, small_engine):
    _, text = small_report
    flat = " ".join(text.split())
    tails = small_engine.fit().quality_tails
    from forecast.model.quality_check import quality_tail_summary

    assert "Shape of the per-model quality term" in flat
    # the paragraph may break around a figure, whose labels the PDF's text then interleaves:
    # each of its two sentences-halves must be there whole
    want = " ".join(quality_tail_summary(tails).split())
    head, sep, tail = want.partition(" most above their inputs: ")
    text = flat.replace("- ", "-")
    assert head + sep.rstrip() in text and tail in text


@pytest.mark.slow
def test_report_shows_backtest_and_seed_check(small_report, baseline_backtest):
    _, text = small_report
    flat = squash(text)
    assert "naive_pooled" in flat and "densing" in flat
    crps = baseline_backtest.summary["methods"]["naive_pooled"]["crps_mean"]
    assert f"{crps:.3f}" in flat
    assert squash("hand-built test claim") in flat
    assert squash("multimodal not yet a known technique") in flat


def pdf_fonts(path: Path) -> set[tuple[str, str]]:
    """(base font name without the subset prefix, font subtype) of every font the PDF uses."""
    from pypdf import PdfReader

    fonts = set()
    for page in PdfReader(str(path)).pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            fonts.add((str(font.get("/BaseFont", "")).split("+")[-1], str(font.get("/Subtype"))))
    return fonts


@pytest.mark.slow
def test_report_uses_one_embedded_font_family(small_report):
    result, _ = small_report
    fonts = pdf_fonts(result.path)
    assert fonts, "no fonts found"
    assert all(name.startswith("DejaVu-Sans") for name, _ in fonts), fonts  # figures and margins too
    assert all(kind != "/Type3" for _, kind in fonts)


@pytest.mark.slow
def test_report_page_one_is_not_blank(small_report):
    result, _ = small_report
    pixels = page_pixels(result.path, 0)
    assert pixels.std() > 20.0
    assert (pixels < 128).mean() > 0.01  # some dark ink: text and table rules


@pytest.mark.slow
def test_report_without_backtest_says_so_and_shows_no_scores(small_engine, tmp_path):
    from forecast.report import build_report

    out = tmp_path / "nobt.pdf"
    result = build_report(small_engine, out, targets=["mmlu=0.70"], budgets=["1B", "7B"],
                          backtest_note="--no-backtest was given.", seed_check_note="--no-backtest was given.",
                          fan_draws=200, tornado_draws=100)
    text = " ".join(pdf_text(out).split())
    assert "The backtest was not run for this report. --no-backtest was given." in text
    assert "The seed check was not run for this report." in text
    assert "CRPS" not in text and "naive_pooled" not in text
    assert result.pages == pdf_pages(out)
    assert len(result.headline) == 2


@pytest.mark.slow
def test_headline_equals_engine_when(small_engine):
    """The report's shared-futures projection (compiled march) gives what `Engine.when` gives
    (NumPy blocks): the same dates to 1e-9 years, the same quantile dates."""
    from forecast.report.content import HORIZON

    projector = small_engine.shared_futures(HORIZON)
    for target, budget in (("mmlu=0.864", "1B"), ("mmlu_pro=0.60", "3B"), ("mmlu=0.864", "memory=4GiB,bits=4")):
        spec = parse_budget(budget)
        mine = small_engine.when(target, params=spec.params, memory=spec.memory, bits=spec.bits,
                                 futures=projector)
        theirs = small_engine.when(target, params=spec.params, memory=spec.memory, bits=spec.bits)
        np.testing.assert_array_equal(np.isfinite(mine.samples), np.isfinite(theirs.samples))
        np.testing.assert_allclose(mine.samples, theirs.samples, rtol=0, atol=1e-9)
        assert mine.quantiles == theirs.quantiles


@pytest.mark.slow
def test_tornado_removing_a_technique_only_moves_its_share(small_engine):
    """With beta_k = 0 for a technique adopted by the frontier, the crossing comes no earlier;
    removing nothing changes nothing."""
    from forecast.report.content import HORIZON, without

    base = small_engine.shared_futures(HORIZON, max_draws=100)
    tgt = small_engine.target("mmlu=0.864")
    budget = parse_budget("1B").budget
    ref = base.crossing_times(tgt, budget)
    d = base.draws
    k = int(np.argmax(np.median(d.beta, axis=0)))  # the technique with the largest multiplier
    assert np.median(d.beta[:, k]) > 0
    removed = base.with_draws(without(d, d.techniques[k])).crossing_times(tgt, budget)
    assert np.quantile(removed, 0.5) >= np.quantile(ref, 0.5)
    same = base.with_draws(d).crossing_times(tgt, budget)
    np.testing.assert_array_equal(same, ref)


@pytest.mark.slow
def test_cli_report_writes_the_pdf_and_rejects_bad_input_before_fitting(small_engine, tmp_path, capsys):
    from forecast.cli import main

    out = tmp_path / "cli.pdf"
    args = ["report", "--out", str(out), "--seed", "11", "--draws", "150", "--tune", "150", "--no-backtest",
            "--targets", "mmlu=0.864", "--budgets", "1B", "--json"]
    main(args)
    summary = json.loads(capsys.readouterr().out)
    assert summary["pages"] == pdf_pages(out)
    assert summary["backtest"] is False and summary["seed_check"] is False
    assert summary["command"] == "report" and "--no-backtest" in summary["command_line"]
    assert "forecast report --out" in " ".join(pdf_text(out).split())
    for bad in (["--budgets", "7 apples"], ["--out", str(tmp_path / "x.txt")],
                ["--no-backtest", "--backtest", str(tmp_path)]):
        with pytest.raises(SystemExit) as info:
            main(["report", "--seed", "11", "--draws", "150", "--tune", "150", "--out", str(tmp_path / "y.pdf"),
                  *bad])
        assert info.value.code == 2
    assert not (tmp_path / "y.pdf").exists()


def test_next_years_are_the_starts_of_the_following_years():
    from forecast.report.content import next_years

    assert next_years(date(2025, 12, 31)) == (date(2026, 1, 1), date(2027, 1, 1))


def test_document_uses_the_packaged_template_and_style():
    from forecast.report.render import document_html

    html = document_html(_tiny_sections(), title="T <1>", stamp="S", version="9")
    assert "@page" in html and "DejaVu Sans" in html  # the stylesheet, fonts in margin boxes too
    assert "T &lt;1&gt;" in html and '<section class="page" id="section-2">' in html
    assert "$" not in html.replace("$(", "")  # every template placeholder filled


def test_default_targets_leave_out_what_the_fit_cannot_answer():
    from forecast.report.content import default_targets

    class EarlyFit:  # an as-of date before MMLU-Pro existed
        def target(self, spec):
            if spec.startswith("mmlu_pro"):
                raise UserError("unknown benchmark 'mmlu_pro'", key="target")

    kept, dropped = default_targets(EarlyFit())
    assert [t.spec for t in kept] == [t.spec for t in DEFAULT_TARGETS if not t.spec.startswith("mmlu_pro")]
    assert len(dropped) == 1 and "MMLU-Pro 0.60" in dropped[0] and "unknown benchmark" in dropped[0]


def test_provenance_names_the_shipped_folders_by_their_place_in_the_package(tmp_path):
    """The shipped registry and priors appear as `forecast/data/` and `priors/` whatever the
    checkout's path; a user's own folder appears as given."""
    from forecast.core.paths import default_data_dir, default_priors_dir
    from forecast.report.content import folder_label

    assert folder_label(default_data_dir(), "data") == "forecast/data/ (shipped with forecast)"
    assert folder_label(str(default_priors_dir()) + "/", "priors") == "priors/ (shipped with forecast)"
    assert folder_label(tmp_path, "data") == str(tmp_path)


@pytest.mark.slow
def test_report_shows_each_benchmarks_ceiling_prior_and_posterior(small_report, small_engine):
    from forecast.report.content import ceiling_rows

    _, text = small_report
    rows = ceiling_rows(small_engine)
    assert list(rows["benchmark"]) == list(small_engine.posterior_draws.benchmarks)
    flat = squash(text)
    assert squash("Benchmark ceilings: the highest score each link can give") in flat
    mmlu = rows.iloc[0]
    check = small_engine.ceiling_check(small_engine.target("mmlu=0.5"))[0]
    assert mmlu["posterior"].startswith(f"{check['ceiling_median']:.3f}")
    assert squash(mmlu["posterior"]) in flat and squash(mmlu["prior"]) in flat
    assert (mmlu["above the posterior's 95%"] == "yes") == (
        check["best_observed"]["score"] > check["ceiling_interval90"][1])


@pytest.mark.slow
def test_report_headline_says_what_may_already_have_happened(small_report, small_engine):
    """As of today the headline gives each open answer's share between the target's data end and
    the as-of date, and the note that the shipped data are more than 6 months old."""
    result, text = small_report
    flat = squash(text)
    h = result.headline
    assert squash("it may already have happened; not in the registry") in flat
    assert ((h["p_may"] >= 0) & (h["p_may"] <= 1)).all()
    assert (h.loc[h["reached_by"].notna(), "p_may"] == 0).all()
    stale = small_engine._target_stale(small_engine.target("mmlu=0.7"))
    assert stale is not None and squash(stale["note"]) in flat
