"""The PDF report: the forecast a reader can act on, with its evidence (DESIGN §7).

>>> from forecast import Engine
>>> from forecast.report import build_report
>>> result = build_report(Engine(), "reports/forecast.pdf")   # doctest: +SKIP
>>> result.pages, result.sections["1. Headline answers"]     # doctest: +SKIP

Sections, one or more A4 pages each, in this order: 1 headline answers (`when` for targets x
budgets), 2 smallest model reaching each target (fan chart), 3 the tilting line, 4 attribution
(waterfall and leave-one-technique-out tornado), 5 prior versus posterior per technique,
6 adoption curves, 7 backtest scorecard and the seed check, 8 diagnostics, 9 data appendix
and provenance. `content` gathers the numbers, `figures` draws them, `pages` writes the
sections and `render` lays them out with WeasyPrint and writes the file atomically.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

DEFAULT_OUT = Path("reports") / "forecast.pdf"


@dataclass
class ReportResult:
    """What `build_report` wrote: the PDF's path and page count, the first page of each section
    ("1. Headline answers" -> 1, ...), the headline table it printed, whether the fit passed its
    diagnostics, and the seconds each step took."""

    path: Path
    pages: int
    sections: dict[str, int]
    headline: pd.DataFrame
    fit_ok: bool
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    bytes: int = 0


def build_report(
    engine: Any,
    out: str | Path = DEFAULT_OUT,
    *,
    targets: Sequence[str] | None = None,
    budgets: Sequence[str] | None = None,
    backtest: Any = None,
    seed_check: dict[str, Any] | None = None,
    backtest_note: str | None = None,
    seed_check_note: str | None = None,
    command: str | None = None,
    headline_draws: int | None = 2000,
    fan_draws: int | None = 1000,
    tornado_draws: int | None = 500,
) -> ReportResult:
    """Compute every section's numbers from `engine` (a `forecast.api.engine.Engine`; fitted or loaded
    from the cache on first use) and write the PDF to `out` atomically.

    targets: target strings (`mmlu=0.70`, `model:gpt-3-175b`, ...; default
        `content.DEFAULT_TARGETS`); budgets: `7B`, `active=7B`, `memory=4GiB,bits=4`
        (default `content.DEFAULT_BUDGETS`).
    backtest: a `forecast.evaluation.backtest.BacktestResult`; seed_check: the seed-check dict
        (`{"thread_date", "claims": [...], "diagnostics": {...}}`, as `forecast.evaluation.seedcheck.seed_check`
        returns it). When None, page 7 says they were not run (with `backtest_note` /
        `seed_check_note` as the reason) and shows no numbers in their place; with a backtest,
        `backtest_note` says where its results came from.
    command: the command line recorded in the provenance.
    headline_draws, fan_draws, tornado_draws: posterior draws (evenly thinned over all chains)
        behind the headline table, the fan chart and the tornado; None = all. The headline uses
        the engine's futures per draw and its seed, so with every draw it equals `Engine.when`;
        thinned, it differs by Monte Carlo error, which page 1 states.
    """
    from forecast.report import content as C
    from forecast.report.figures import report_style
    from forecast.report.pages import ReportData, all_sections
    from forecast.report.projector import Projector
    from forecast.report.render import render_pdf

    start = time.perf_counter()
    timings: dict[str, float] = {}
    clock = [start]

    def lap(name: str) -> None:
        now = time.perf_counter()
        timings[name] = round(now - clock[0], 3)
        clock[0] = now

    budget_specs = [C.parse_budget(b) for b in (budgets or C.DEFAULT_BUDGETS)]
    fit = engine.fit()
    draws = engine.posterior_draws
    if targets:
        target_specs = [C.target_spec(t) for t in targets]
        for t in target_specs:  # every target must parse before the long work starts
            engine.target(t.spec)
        dropped: list[str] = []
    else:
        target_specs, dropped = C.default_targets(engine)
    lap("fit")

    projector = Projector.for_engine(engine, C.HORIZON, max_draws=headline_draws)
    headline = C.headline(engine, target_specs, budget_specs, projector)
    lap("headline")

    dates = C.fan_dates(engine)
    fans = {t.label: C.fan(engine, t.spec, dates, max_draws=fan_draws) for t in target_specs}
    meeting = {t.label: C.meeting_models(engine, t.spec) for t in target_specs}
    lap("fan")

    benchmark = "mmlu" if "mmlu" in draws.benchmarks else draws.benchmarks[0]
    observed = C.observed_scores(engine, benchmark)
    first_year = max(2020, int(observed["year"].min())) if len(observed) else 2020
    tilting = C.tilting_curves(engine, list(range(first_year, engine.as_of.year + 1)), benchmark)
    lap("tilting")

    waterfall = C.waterfall(engine)
    cells = C.tornado_cells(headline, budget_specs)
    tornado = C.tornado(engine, cells, {b.text: b for b in budget_specs}, max_draws=tornado_draws)
    skipped = [t.label for t in target_specs if t.spec not in set(cells["target"])]
    lap("attribution")

    from forecast.api.data_summary import summarize
    from forecast.api.fit_summary import technique_table

    tech_table = technique_table(fit, engine.priors)
    samples = C.technique_samples(engine)
    curves = C.adoption_curves(engine)
    shares = C.adoption_shares(engine)
    reg = engine.registry.as_of(engine.as_of)
    per_source = summarize(reg.models, reg.scores)["per_source_protocol"]
    lap("priors_adoption_data")
    loo = fit.loo_coverage()
    lap("loo_pit")

    diag = fit.diagnostics.to_dict()
    data = ReportData(
        as_of=engine.as_of,
        data_end=projector.start,
        horizon=C.HORIZON,
        diagnostics=diag,
        fit_summary={
            "models": int(fit.inputs.sizes["model"]), "observations": int(fit.inputs.sizes["obs"]),
            "chains": diag["chains"], "draws": diag["draws"], "seed": engine.seed,
            "scenario": engine.scenario.name if engine.scenario else "none",
        },
        headline=headline,
        dropped_targets=dropped,
        headline_draws=int(projector.draws.n),
        total_draws=int(draws.n),
        paths_per_draw=int(projector.settings.paths_per_draw),
        budgets_params=sorted({b.budget.value for b in budget_specs if b.memory is None}),
        fans=fans,
        meeting=meeting,
        fan_draws=int(next(iter(fans.values())).attrs.get("draws", draws.n)),
        tilting=tilting,
        observed=observed,
        benchmark=benchmark,
        chance=float(draws.chance[draws.benchmark_index(benchmark)]),
        waterfall=waterfall,
        tornado=tornado,
        tornado_skipped=skipped,
        priors=engine.priors,
        technique_table=tech_table,
        technique_samples=samples,
        engine_priors=C.engine_prior_rows(engine),
        adoption_curves=curves,
        adoption_shares=shares,
        names=C.technique_names(engine),
        backtest=backtest,
        backtest_note=backtest_note or "",
        seed_check=seed_check,
        seed_check_note=seed_check_note or "",
        predictive=C.predictive_rows(fit.predictive, loo),
        ceilings=C.ceiling_rows(engine),
        loo_khat=loo["khat_above"],
        quality_tails=fit.quality_tails,
        diagnostics_table=C.diagnostics_rows(diag),
        data_by_year=C.data_by_year(engine),
        data_by_benchmark=C.data_by_benchmark(engine),
        source_protocol=pd.DataFrame(
            [{"source / protocol": k, "scores": v} for k, v in per_source.items()]),
        provenance=C.provenance(engine, command or "forecast.report.build_report(...)",
                                seconds=time.perf_counter() - start),
    )
    with report_style():
        sections = all_sections(data)
    lap("figures")

    title = f"forecast report, as of {engine.as_of}"
    stamp = f"data {fit.provenance.get('data_sha256', '')[:12]} · priors {fit.provenance.get('priors_sha256', '')[:12]} · seed {engine.seed}"
    from forecast import __version__

    rendered = render_pdf(sections, out, title=title, stamp=stamp, version=__version__)
    lap("render")
    return ReportResult(
        path=rendered.path, pages=rendered.pages, sections=rendered.section_pages, headline=headline,
        fit_ok=bool(diag.get("ok", True)), seconds=round(time.perf_counter() - start, 3),
        timings=timings, bytes=rendered.bytes,
    )


__all__ = ["DEFAULT_OUT", "ReportResult", "build_report"]
