"""`build_report`: compute every section's numbers from a fitted engine and write the PDF.

The steps run in the order of the report's sections; each step's seconds go into
`ReportResult.timings` (and `forecast report --json`), so a slow section shows itself.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from forecast import __version__
from forecast.api.data_summary import summarize
from forecast.api.fit_summary import technique_table
from forecast.report import content
from forecast.report.figures import report_style
from forecast.report.pages import ReportData, all_sections
from forecast.report.render import render_pdf

DEFAULT_OUT = Path("reports") / "forecast.pdf"


@dataclass
class ReportResult:
    """What `build_report` wrote.

    Parameters
    ----------
    path : Path
        The PDF file.
    pages : int
        Its page count.
    sections : dict of str to int
        The first page of each section ("1. Headline answers" -> 1, ...).
    headline : pandas.DataFrame
        The headline table page 1 prints.
    fit_ok : bool
        Whether the fit passed its diagnostics.
    seconds : float
        Wall time of the whole build.
    timings : dict of str to float
        Seconds each step took ("fit", "headline", "fan", ..., "render").
    bytes : int
        Size of the PDF file.
    """

    path: Path
    pages: int
    sections: dict[str, int]
    headline: pd.DataFrame
    fit_ok: bool
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    bytes: int = 0


class _Laps:
    """A stopwatch: `lap(name)` records the seconds since the previous lap under `name`."""

    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()
        self.timings: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - self.last, 3)
        self.last = now

    def elapsed(self) -> float:
        return time.perf_counter() - self.start


def build_report(
    engine: Any,
    out: str | Path = DEFAULT_OUT,
    *,
    targets: Sequence[str] | None = None,
    budgets: Sequence[str] | None = None,
    backtest: Any = None,
    hindsight: Any = None,
    seed_check: dict[str, Any] | None = None,
    backtest_note: str | None = None,
    seed_check_note: str | None = None,
    sensitivity: dict[str, Any] | None = None,
    sensitivity_source: str | None = None,
    command: str | None = None,
    headline_draws: int | None = 2000,
    fan_draws: int | None = 1000,
    tornado_draws: int | None = 500,
) -> ReportResult:
    """Compute every section's numbers from `engine` and write the PDF to `out` atomically.

    Parameters
    ----------
    engine : forecast.api.engine.Engine
        The engine; fitted, or loaded from the cache, on first use.
    out : str or Path
        The PDF file to write.
    targets : sequence of str or None
        Target strings (`mmlu=0.70`, `model:gpt-3-175b`, ...); None for `content.DEFAULT_TARGETS`.
    budgets : sequence of str or None
        Budgets (`7B`, `active=7B`, `memory=4GiB,bits=4`); None for `content.DEFAULT_BUDGETS`.
    backtest : forecast.evaluation.result.BacktestResult or None
        The backtest section 8 shows. When None, section 8 says it was not run (with
        `backtest_note` as the reason) and shows no numbers in its place.
    hindsight : forecast.evaluation.result.BacktestResult or None
        The same backtest with today's priors (`forecast backtest --priors-as-of today`), shown
        beside it; None: section 8 says it was not run.
    seed_check : dict or None
        The seed check (`{"thread_date", "claims": [...], "diagnostics": {...}}`, as
        `forecast.evaluation.seedcheck.seed_check` returns it); None as for `backtest`, with
        `seed_check_note` as the reason.
    backtest_note, seed_check_note : str or None
        Why a result is missing; with a backtest, `backtest_note` says where its results came from.
    sensitivity : dict or None
        The refit sweep section 5 shows, as `forecast sensitivity --json` prints it (the caller
        checks it against forecast/cli/schemas/sensitivity.json; `forecast report` does); None:
        section 5 says in one line how to make it.
    sensitivity_source : str or None
        Where the sweep was read from, named on its page.
    command : str or None
        The command line recorded in the provenance.
    headline_draws, fan_draws, tornado_draws : int or None
        Posterior draws (evenly thinned over all chains) behind the headline table, the fan chart
        and the tornado; None = all. The headline uses the engine's futures per draw and its seed,
        so with every draw it equals `Engine.when`; thinned, it differs by Monte Carlo error, which
        page 1 states.

    Returns
    -------
    ReportResult
        The file written, its pages and sections, the headline table and the timings.
    """
    laps = _Laps()
    budget_specs = [content.parse_budget(b) for b in (budgets or content.DEFAULT_BUDGETS)]
    fit = engine.fit()
    draws = engine.posterior_draws
    target_specs, dropped = _target_specs(engine, targets)
    laps.lap("fit")

    projector = engine.shared_futures(content.HORIZON, max_draws=headline_draws)
    headline = content.headline(engine, target_specs, budget_specs, projector)
    laps.lap("headline")
    fan = _fan_fields(engine, draws, target_specs, fan_draws)
    laps.lap("fan")
    tilting = _tilting_fields(engine, draws)
    laps.lap("tilting")
    attribution = _attribution_fields(engine, headline, target_specs, budget_specs, tornado_draws)
    laps.lap("attribution")
    priors_adoption_data = _priors_adoption_data_fields(engine, fit)
    laps.lap("priors_adoption_data")
    loo = fit.loo_coverage()
    laps.lap("loo_pit")

    diag = fit.diagnostics.to_dict()
    data = ReportData(
        as_of=engine.as_of, horizon=content.HORIZON, diagnostics=diag,
        fit_summary={
            "models": int(fit.inputs.sizes["model"]), "observations": int(fit.inputs.sizes["obs"]),
            "chains": diag["chains"], "draws": diag["draws"], "seed": engine.seed,
            "scenario": engine.scenario.name if engine.scenario else "none",
        },
        **_headline_fields(headline, dropped, projector, draws, budget_specs),
        **fan, **tilting, **attribution, **priors_adoption_data,
        engine_priors=content.engine_prior_rows(engine), names=content.technique_names(engine),
        backtest=backtest, backtest_note=backtest_note or "", hindsight=hindsight,
        seed_check=seed_check, seed_check_note=seed_check_note or "",
        sensitivity=sensitivity, sensitivity_source=sensitivity_source or "",
        **_checks_and_data_fields(engine, fit, loo, diag),
        provenance=content.provenance(engine, command or "forecast.report.build_report(...)",
                                      seconds=laps.elapsed()),
    )
    with report_style():
        sections = all_sections(data)
    laps.lap("figures")

    title = f"forecast report, as of {engine.as_of}"
    stamp = f"data {fit.provenance.get('data_sha256', '')[:12]} · priors {fit.provenance.get('priors_sha256', '')[:12]} · seed {engine.seed}"
    rendered = render_pdf(sections, out, title=title, stamp=stamp, version=__version__)
    laps.lap("render")
    return ReportResult(
        path=rendered.path, pages=rendered.pages, sections=rendered.section_pages, headline=headline,
        fit_ok=bool(diag.get("ok", True)), seconds=round(laps.elapsed(), 3),
        timings=laps.timings, bytes=rendered.bytes,
    )


def _target_specs(engine: Any, targets: Sequence[str] | None) -> tuple[list[Any], list[str]]:
    """The report's targets and the labels of default targets left out (`content.default_targets`).

    Given targets must each parse against the fit, before the long work starts."""
    if not targets:
        return content.default_targets(engine)
    target_specs = [content.target_spec(t) for t in targets]
    for t in target_specs:
        engine.target(t.spec)
    return target_specs, []


def _headline_fields(headline: pd.DataFrame, dropped: list[str], projector: Any, draws: Any,
                     budget_specs: list[Any]) -> dict[str, Any]:
    """Section 1: the headline table, the default targets left out, the draws and futures per
    draw behind it (for its Monte Carlo note), and the parameter budgets it covers."""
    return {"headline": headline, "dropped_targets": dropped, "data_end": projector.start,
            "headline_draws": int(projector.draws.n), "total_draws": int(draws.n),
            "paths_per_draw": int(projector.settings.paths_per_draw),
            "budgets_params": sorted({b.budget.value for b in budget_specs if b.memory is None})}


def _fan_fields(engine: Any, draws: Any, target_specs: list[Any], max_draws: int | None) -> dict[str, Any]:
    """Section 2: the fan of the smallest model reaching each target, and the released models that
    meet it."""
    dates = content.fan_dates(engine)
    fans = {t.label: content.fan(engine, t.spec, dates, max_draws=max_draws) for t in target_specs}
    meeting = {t.label: content.meeting_models(engine, t.spec) for t in target_specs}
    return {"fans": fans, "meeting": meeting,
            "fan_draws": int(next(iter(fans.values())).attrs.get("draws", draws.n))}


def _tilting_fields(engine: Any, draws: Any) -> dict[str, Any]:
    """Section 3: the tilting line on MMLU (or, without it, the first fitted benchmark) for each
    year from 2020, or from the first observed score if later, to the as-of year; with the observed
    scores and the benchmark's chance score."""
    benchmark = "mmlu" if "mmlu" in draws.benchmarks else draws.benchmarks[0]
    observed = content.observed_scores(engine, benchmark)
    first_year = max(2020, int(observed["year"].min())) if len(observed) else 2020
    tilting = content.tilting_curves(engine, list(range(first_year, engine.as_of.year + 1)), benchmark)
    return {"tilting": tilting, "observed": observed, "benchmark": benchmark,
            "chance": float(draws.chance[draws.benchmark_index(benchmark)])}


def _attribution_fields(engine: Any, headline: pd.DataFrame, target_specs: list[Any],
                        budget_specs: list[Any], max_draws: int | None) -> dict[str, Any]:
    """Section 4: the waterfall since 2020 and the leave-one-technique-out tornado of the headline
    cells it can move, with the targets it had no cell for."""
    waterfall = content.waterfall(engine)
    cells = content.tornado_cells(headline, budget_specs)
    tornado = content.tornado(engine, cells, {b.text: b for b in budget_specs}, max_draws=max_draws)
    skipped = [t.label for t in target_specs if t.spec not in set(cells["target"])]
    return {"waterfall": waterfall, "tornado": tornado, "tornado_skipped": skipped}


def _priors_adoption_data_fields(engine: Any, fit: Any) -> dict[str, Any]:
    """Sections 5, 6 and 9: the technique priors and posteriors, the adoption curves and shares, and
    the scores per source and protocol of the registry as of the engine's date."""
    tech_table = technique_table(fit, engine.priors)
    samples = content.technique_samples(engine)
    curves = content.adoption_curves(engine)
    shares = content.adoption_shares(engine)
    reg = engine.registry.as_of(engine.as_of)
    per_source = summarize(reg.models, reg.scores)["per_source_protocol"]
    return {"priors": engine.priors, "technique_table": tech_table, "technique_samples": samples,
            "adoption_curves": curves, "adoption_shares": shares,
            "source_protocol": pd.DataFrame([{"source / protocol": k, "scores": v}
                                             for k, v in per_source.items()])}


def _checks_and_data_fields(engine: Any, fit: Any, loo: dict[str, Any], diag: dict[str, Any]) -> dict[str, Any]:
    """Sections 8 and 9: predictive coverage (in-sample and leave-one-out), the fitted ceilings, the
    quality tails, the sampler diagnostics, and the data per year and per benchmark."""
    return {
        "predictive": content.predictive_rows(fit.predictive, loo),
        "ceilings": content.ceiling_rows(engine),
        "loo_khat": loo["khat_above"],
        "quality_tails": fit.quality_tails,
        "diagnostics_table": content.diagnostics_rows(diag),
        "data_by_year": content.data_by_year(engine),
        "data_by_benchmark": content.data_by_benchmark(engine),
    }
