"""`forecast fit`, `when`, `size`, `capability` and `compare`: fitting and the forecast queries."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.markup import escape

from forecast.cli import app
from forecast.cli.options import (DEFAULT_SEED, ActiveParamsOpt, AsOfOpt, BenchmarkOpt, BitsOpt, DataOpt,
                                  DatesOpt, DrawsOpt, HorizonOpt, JsonOpt, MemoryOpt, NotReachedByOpt, ParamsOpt,
                                  PriorsOpt, ScenarioOpt, SeedOpt, StrictOpt, TuneOpt)
from forecast.cli.output import AXIS_NOTE, axis_label, compact_table, console, emit_result, err_console
from forecast.api.results import MAY_HAVE_HAPPENED
from forecast.core.errors import UserError
from forecast.core.io import output_file
from forecast.inputs.dates import parse_date, year_to_date

NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Refit even if a cached fit matches.")]


def make_engine(data: Path | None, priors: Path | None, as_of: str | None, seed: int,
                draws: int = 2000, scenario: str | None = None, progress: bool = True,
                use_cache: bool = True, tune: int | None = None) -> Any:
    """The `forecast.api.engine.Engine` a command asks its questions of.

    Parameters
    ----------
    data, priors : Path or None
        Registry and priors folders; None for the shipped ones.
    as_of : str or None
        Use only what was known by this date (YYYY-MM-DD); None for today.
    seed : int
        Seed of the sampler and the projection.
    draws : int
        Posterior draws per chain.
    scenario : str or None
        Scenario file or preset name; None for the engine's default.
    progress : bool
        Show the sampler's progress bar.
    use_cache : bool
        Reuse a cached fit with the same inputs.
    tune : int or None
        Tuning steps per chain; None for the fit's default.

    Returns
    -------
    forecast.api.engine.Engine
        The engine, not yet fitted: it fits (or loads its cached fit) on first use.
    """
    from forecast.api.engine import Engine  # deferred: about 0.1 s to import (the priors package)

    engine = Engine(data=data, priors=priors, scenario=scenario, as_of=as_of, seed=seed,
                    draws=draws, tune=tune, progress=progress, use_cache=use_cache)
    engine.before_fit = announce_fit
    return engine


def fit_announcement(plan: dict[str, Any]) -> str:
    """The line that announces a fit: why it is needed and about how long it will take.

    Parameters
    ----------
    plan : dict
        `forecast.api.engine.Engine.fit_plan()` of the engine about to fit.

    Returns
    -------
    str
        E.g. "Fitting the model as of 2025-12-31 (no cached fit for this registry, priors,
        settings and code; about 1 minute on 2 cores) ...".
    """
    why = ("--no-cache was given" if not plan["use_cache"]
           else "no cached fit for this registry, priors, settings and code")
    seconds = plan["seconds"]
    if seconds < 50:
        took = f"about {max(10, round(seconds / 10) * 10):.0f} seconds"
    elif seconds < 90:
        took = "about 1 minute"
    else:
        took = f"about {round(seconds / 60):.0f} minutes"
    cores = plan["cores"]
    return (f"Fitting the model as of {plan['as_of']} ({why}; {took} on {cores} "
            f"core{'s' if cores != 1 else ''}) ...")


def announce_fit(engine: Any) -> None:
    """Print `fit_announcement` on stderr (also under --json); `Engine.before_fit` of the CLI's
    engines, so it runs once before each fit that is not in the cache.

    Parameters
    ----------
    engine : forecast.api.engine.Engine
        The engine about to fit.

    Returns
    -------
    None
    """
    err_console.print(fit_announcement(engine.fit_plan()), highlight=False, markup=False, soft_wrap=True)


def fit_scope(engine: Any) -> tuple[list[str], list[str]]:
    """The benchmarks and model ids the engine's fit will hold, found without sampling.

    Parameters
    ----------
    engine : forecast.api.engine.Engine
        The engine of the query.

    Returns
    -------
    tuple of (list of str, list of str)
        The fitted benchmarks and the model ids.
    """
    return engine.fit_scope()


def check_query(
    engine: Any,
    *,
    targets: Sequence[str] = (),
    budgets: Sequence[dict[str, Any]] = (),
    horizon: str | None = None,
    dates: Sequence[str] = (),
    dates_key: str = "date",
    future_dates: bool = False,
    benchmark: str | None = None,
    not_reached_by: str | None = None,
) -> None:
    """Check every part of a query (targets, budgets, dates, benchmark) before any fit starts.

    A bad value raises `UserError` naming the option, so a typo costs a second, not a fit.

    Parameters
    ----------
    engine : forecast.api.engine.Engine
        The engine that will answer the query (not yet fitted).
    targets : sequence of str
        Target strings (`mmlu=0.70`, `model:<id>`, ...), checked against the fit's benchmarks and models.
    budgets : sequence of dict
        Keyword sets of `forecast.api.targets.make_budget`; a memory budget needs a retention prior
        for its bits.
    horizon : str or None
        The last date forecast; must lie after the as-of date.
    dates : sequence of str
        Dates of the query, named `dates_key` in the messages.
    dates_key : str
        The option the dates came from.
    future_dates : bool
        Every date must lie after the as-of date (the projection starts there; the past is in
        the registry).
    benchmark : str or None
        A benchmark that must be among the fitted ones.
    not_reached_by : str or None
        A `--not-reached-by` date, checked against the as-of date and each target's data end
        (`forecast.api.engine.Engine.check_not_reached_by`).

    Returns
    -------
    None
        Raises `UserError` on the first bad value.
    """
    from forecast.api.targets import make_budget, parse_target  # deferred: about 10 ms to import

    for kwargs in budgets:
        budget = make_budget(**kwargs)
        if budget.axis == "memory_bytes":
            from forecast.projection.future_draws import sample_future_draws  # deferred: SciPy

            known = sorted(sample_future_draws(engine.priors, 1, engine.as_of).retention)
            if float(budget.bits or 16) not in known:
                raise UserError(f"no quality-retention prior for {budget.bits:g}-bit weights "
                                f"(known: {', '.join(f'{b:g}' for b in known)})", key="bits")
    if horizon is not None and parse_date(horizon, "horizon") <= engine.as_of:
        raise UserError(f"horizon {horizon} is not after the as-of date {engine.as_of}", key="horizon")
    for d in dates:
        if parse_date(d, dates_key) <= engine.as_of and future_dates:
            raise UserError(f"{d} is not after the as-of date {engine.as_of}: forecasts start there "
                            "(`forecast data show` lists what was released before)", key=dates_key)
    if targets or benchmark is not None:
        benchmarks, model_ids = fit_scope(engine)
        for text in targets:
            parsed = engine.target(text) if text.strip().lower().startswith("model:") \
                else parse_target(text, benchmarks, model_ids)
            if not_reached_by is not None:
                engine.check_not_reached_by(parsed, not_reached_by, key="not-reached-by")
        if benchmark is not None and benchmark.strip().lower() not in benchmarks:
            raise UserError(f"'{benchmark[:40]}' is not a fitted benchmark "
                            f"(fitted: {', '.join(benchmarks)})", key="benchmark")


def warn_diagnostics(diag: dict[str, Any], label: str = "the fit") -> None:
    """A yellow warning on stderr (one line) when the fit behind an answer failed its checks.

    Parameters
    ----------
    diag : dict
        A fit's `diagnostics` object (`ok`, `problems`, ...).
    label : str
        What failed, e.g. "the fit for scenario central".

    Returns
    -------
    None
    """
    if not diag.get("ok", True):
        err_console.print(
            f"[bold yellow]warning: {escape(label)} failed its convergence checks: "
            + escape("; ".join(diag.get("problems", [])))
            + ". Treat the numbers with caution (more --draws may help; --strict makes this an error).[/]",
            highlight=False, soft_wrap=True,
        )


# `warn_ceiling` speaks up when at least this share of posterior draws cannot reach a threshold
CEILING_NOTE_SHARE = 0.05


def warn_ceiling(ceiling: list[dict[str, Any]], label: str = "") -> None:
    """A yellow note on stderr for each threshold at or above its benchmark's fitted ceiling in
    at least `CEILING_NOTE_SHARE` of the posterior draws: those draws never reach it, so that
    part of the answer comes from the link's ceiling, not from the pace of progress.

    Parameters
    ----------
    ceiling : list of dict
        The `ceiling` entries of a `when` or `size` answer, one per threshold.
    label : str
        Starts each note, e.g. "scenario central: ".

    Returns
    -------
    None
    """
    for c in ceiling:
        if c["share_at_or_above_ceiling"] < CEILING_NOTE_SHARE:
            continue
        lo, hi = c["ceiling_interval90"]
        best = c.get("best_observed")
        seen = ""
        if best is not None:
            size = ("size unknown, not in the fit" if best["params_total"] is None
                    else f"{best['params_total'] / 1e9:.3g}B params")
            seen = (f" The registry's best {c['benchmark']} score is {best['score']:.3f} "
                    f"({best['name']}, {size}).")
        err_console.print(
            f"[yellow]note: {escape(label)}{escape(c['benchmark'])}={c['score']:g} is at or above the fitted "
            f"ceiling of the {escape(c['benchmark'])} link (highest score it can give: median "
            f"{c['ceiling_median']:.3f}, 90% {lo:.3f}-{hi:.3f}) in "
            f"{c['share_at_or_above_ceiling']:.0%} of posterior draws, which never reach it; "
            f"that share of the answer comes from the ceiling, not from the pace of progress."
            f"{escape(seen)}[/]",
            highlight=False, soft_wrap=True,
        )


def warn_stale(stale: dict[str, Any] | None, label: str = "") -> None:
    """A yellow note on stderr when the registry's data end on a question's benchmarks lies more
    than `forecast.api.results.STALE_MONTHS` months before the as-of date (`stale_data`).

    Parameters
    ----------
    stale : dict or None
        The answer's `stale_data` object; None prints nothing.
    label : str
        Starts the note, e.g. "mmlu=0.70: ".

    Returns
    -------
    None
    """
    if stale is not None:
        err_console.print(f"[yellow]note: {escape(label)}{escape(stale['note'])}.[/]", highlight=False,
                          soft_wrap=True)


def data_end_text(ends: dict[str, str], benchmarks: Sequence[str]) -> str:
    """'registry data end on mmlu 2025-05-20' (several: 'on mmlu 2025-05-20, gsm8k 2025-05-02')
    for the question's benchmarks; every fitted benchmark's newest end when none is named.

    Parameters
    ----------
    ends : dict
        The answer's ``data_end_by_benchmark``.
    benchmarks : sequence of str
        The question's benchmarks (empty for a model target).

    Returns
    -------
    str
    """
    named = [b for b in benchmarks if b in ends]
    if not named:
        return f"registry data end {max(ends.values())}" if ends else "registry data end unknown"
    return "registry data end on " + ", ".join(f"{b} {ends[b]}" for b in named)


def _target_benchmarks(target: str) -> list[str]:
    """The benchmarks a target string names (none for a model target)."""
    if target.strip().lower().startswith("model:"):
        return []
    return [part.split("=")[0].strip().lower() for part in target.split(",") if "=" in part]


def diagnostics_table(diag: dict[str, Any]) -> Any:
    """The Rich table of a fit's `diagnostics` object, no wider than 80 columns."""
    t = compact_table("Sampler diagnostics", "R-hat: the largest over every monitored scalar; ESS, "
                      "E-BFMI: the smallest; draws: per chain x chains")
    for col in ("R-hat", "bulk ESS", "tail ESS", "divergent", "E-BFMI", "draws", "seconds", "status"):
        t.add_column(col, justify="right", no_wrap=True)
    status = "[green]ok[/]" if diag.get("ok", True) else "[bold red]FAILED[/]"
    t.add_row(
        f"{diag['rhat_max']:.3f}", f"{diag['ess_bulk_min']:.0f}", f"{diag['ess_tail_min']:.0f}",
        str(diag["divergences"]), f"{diag['ebfmi_min']:.2f}",
        f"{diag['draws']}x{diag['chains']}", f"{diag['seconds']:.1f}", status,
    )
    return t


def multipliers_table(table: Any) -> Any:
    """The Rich table of `forecast.api.fit_summary.technique_table`'s rows (prior and posterior median with
    90% interval, and how much the data narrowed the interval), no wider than 80 columns."""
    t = compact_table("Technique multipliers: x fewer parameters needed, median (90% interval)",
                      f"{AXIS_NOTE}; narrowed: how much narrower the data made the 90% interval")
    for col in ("technique", "axis", "prior", "posterior", "narrowed"):
        t.add_column(col, justify="left" if col in ("technique", "axis") else "right", no_wrap=True)
    for r in table.itertuples():
        fitted = not _absent(r.posterior_median)
        t.add_row(
            r.id, axis_label(r.axis), _median_interval(r.prior_median, r.prior_interval90),
            _median_interval(r.posterior_median, r.posterior_interval90) if fitted else "prior only",
            f"{r.narrowing:.0%}" if not _absent(r.narrowing) else "-",
        )
    return t


def _absent(value: object) -> bool:
    """None or NaN (pandas turns a missing posterior into NaN)."""
    return value is None or (isinstance(value, float) and value != value)


def _median_interval(median: float, interval: list[float] | None) -> str:
    """'median (lo-hi)' with two decimals, or the median alone without an interval."""
    if not interval:
        return f"{median:.2f}"
    return f"{median:.2f} ({interval[0]:.2f}-{interval[1]:.2f})"


@app.command("fit")
def fit_command(
    data: DataOpt = None, priors: PriorsOpt = None, as_of: AsOfOpt = None, seed: SeedOpt = DEFAULT_SEED,
    draws: DrawsOpt = 2000, tune: TuneOpt = None, strict: StrictOpt = False, json: JsonOpt = False,
    no_cache: NoCacheOpt = False,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Also write the fitted posterior with its provenance to this NetCDF file (.nc).")] = None,
) -> None:
    """Fit the efficiency model; print technique multipliers (prior vs posterior) and diagnostics."""
    from forecast.api.fit_summary import technique_table  # deferred: imports xarray and SciPy (about 1 s)

    out_path = output_file(out, suffixes=(".nc",)) if out is not None else None
    engine = make_engine(data, priors, as_of, seed, draws, progress=not json, use_cache=not no_cache,
                         tune=tune)
    fit = engine.fit()
    if out_path is not None:
        engine.save(out_path)
    table = technique_table(fit, engine.priors)
    drift = _drift_summary(fit)
    diag = fit.diagnostics.to_dict()
    loo = fit.loo_coverage()
    if json:
        engine.fit(strict=strict)  # under --json a failed check prints only the error object
        emit_result("fit", {
            "as_of": engine.as_of.isoformat(),
            "data_end": fit.inputs.attrs["data_end"],
            "models": int(fit.inputs.sizes["model"]),
            "observations": int(fit.inputs.sizes["obs"]),
            "benchmarks": list(fit.inputs["benchmark"].values),
            "from_cache": fit.from_cache,
            "techniques": table.to_dict(orient="records"),
            "drift": drift,
            "predictive": fit.predictive,
            "predictive_loo": loo,
            "quality_tails": fit.quality_tails,
            "diagnostics": diag,
            "provenance": fit.provenance,
            "saved_to": str(out_path) if out_path is not None else None,
        })
    else:
        console.print(
            f"Fit as of {engine.as_of} on {fit.inputs.sizes['model']} models and "
            f"{fit.inputs.sizes['obs']} scores (data end {fit.inputs.attrs['data_end']})"
            + (" [dim](cached)[/]" if fit.from_cache else "")
        )
        console.print(multipliers_table(table))
        _print_drift(drift)
        _print_fit_checks(fit, loo)
        console.print(diagnostics_table(diag))
        if out_path is not None:
            console.print(f"Posterior saved to {out_path}", highlight=False, markup=False)
    warn_diagnostics(diag)
    engine.fit(strict=strict)


def _drift_summary(fit: Any) -> dict[str, Any]:
    """The 5%, 50% and 95% quantiles of the fit's drift of unnamed improvements: its rate at the
    data end and the sd of its random walk's innovations, and, when the drift reverts to a long-run rate,
    that rate and the year-to-year persistence."""
    from forecast.projection.posterior import PosteriorDraws  # deferred: imports xarray and SciPy

    d = PosteriorDraws.from_fit(fit)
    return {
        "rate_at_data_end": [float(x) for x in np.quantile(d.drift_rate, [0.05, 0.5, 0.95])],
        "walk_sd": [float(x) for x in np.quantile(d.drift_walk_sd, [0.05, 0.5, 0.95])],  # innovation sd
        **({"long_run_rate": [float(x) for x in np.quantile(d.drift_long_run, [0.05, 0.5, 0.95])],
            "persistence": [float(x) for x in np.quantile(d.drift_persistence, [0.05, 0.5, 0.95])]}
           if d.drift_long_run is not None and d.drift_persistence is not None else {}),
        "units": ("log10 baseline-equivalent parameters per year (5%, 50%, 95%); walk_sd in "
                  "natural-log units of the slope" if d.drift_log else
                  "log10 baseline-equivalent parameters per year (5%, 50%, 95%)"),
    }


def _print_drift(drift: dict[str, Any]) -> None:
    """The lines of `forecast fit` on the drift (`_drift_summary`)."""
    lo, med, hi = drift["rate_at_data_end"]
    console.print(
        f"Drift of unnamed improvements at the data end: {med:.2f} log10 params/yr "
        f"(90% {lo:.2f}..{hi:.2f}; x{10**med:.2f}/yr)"
    )
    if "long_run_rate" in drift:
        lo, med, hi = drift["long_run_rate"]
        plo, pmed, phi = drift["persistence"]
        console.print(
            f"Long-run drift it reverts to: {med:.2f} log10 params/yr (90% {lo:.2f}..{hi:.2f}); "
            f"year-to-year persistence {pmed:.2f} (90% {plo:.2f}..{phi:.2f})"
        )


def _print_fit_checks(fit: Any, loo: dict[str, Any]) -> None:
    """The lines of `forecast fit` on how well the fit describes the scores: in-sample predictive
    coverage, leave-one-out coverage and the quality tails."""
    from forecast.model.quality_check import flagged, quality_tail_summary  # deferred: imports xarray

    pc = fit.predictive.get("overall", {})
    if pc:
        console.print(
            f"Posterior predictive coverage of observed scores: 50% interval {pc['coverage_50']:.2f}, "
            f"90% interval {pc['coverage_90']:.2f} (n = {pc['n']}; in-sample)"
        )
    lo = loo["overall"]
    console.print(
        f"Leave-one-out (PSIS-LOO-PIT): {lo['coverage_50']:.2f} in the central 50%, "
        f"{lo['coverage_90']:.2f} in the central 90% (Pareto k-hat > 0.7 for "
        f"{loo['khat_above']:.1%} of the scores)"
    )
    console.print(quality_tail_summary(fit.quality_tails), highlight=False, markup=False,
                  style="yellow" if flagged(fit.quality_tails) else "")


@app.command("when")
def when_command(
    target: Annotated[str, typer.Option("--target", help="mmlu=0.70, model:<id>, or several joined with ','.")],
    params: ParamsOpt = None,
    active_params: ActiveParamsOpt = None,
    memory: MemoryOpt = None,
    bits: BitsOpt = None,
    p_by: Annotated[list[str] | None, typer.Option(
        "--p-by", help="Extra date for P(by date), after the as-of date; repeatable.")] = None,
    horizon: HorizonOpt = "2040-01-01",
    not_reached_by: NotReachedByOpt = None,
    data: DataOpt = None, priors: PriorsOpt = None, as_of: AsOfOpt = None, seed: SeedOpt = DEFAULT_SEED,
    draws: DrawsOpt = 2000, tune: TuneOpt = None, scenario: ScenarioOpt = None, strict: StrictOpt = False,
    json: JsonOpt = False,
) -> None:
    """When does a released model within the budget first reach the target?"""
    engine = make_engine(data, priors, as_of, seed, draws, scenario, progress=not json, tune=tune)
    check_query(engine, targets=[target], horizon=horizon, dates=p_by or [], dates_key="p-by",
                future_dates=True, budgets=[dict(params=params, active_params=active_params, memory=memory, bits=bits)],
                not_reached_by=not_reached_by)
    engine.fit(strict=strict)
    result = engine.when(target, params=params, active_params=active_params, memory=memory,
                         bits=bits, horizon=horizon, p_by=p_by or [], not_reached_by=not_reached_by)
    out = result.to_dict()
    if json:
        emit_result("when", out)
    else:
        print_when(out)
    warn_stale(out["stale_data"])
    if not out["already_reached_by"]:
        warn_ceiling(out["ceiling"])
    warn_diagnostics(out["diagnostics"])


def print_when(out: dict[str, Any]) -> None:
    """The answer of `forecast when` as a heading and a table of quantiles and P(by date).

    Names from user files and scenarios are escaped: they are text, not Rich markup.

    Parameters
    ----------
    out : dict
        `forecast.api.engine.WhenResult.to_dict()` of the answer.

    Returns
    -------
    None
    """
    ends = out.get("data_end_by_benchmark") or {}
    end_text = (data_end_text(ends, _target_benchmarks(out["target"])) if ends
                else f"registry data end {out['data_end']}")
    console.print(
        f"[bold]{escape(out['target'])}[/] within {out['budget']['description']} "
        f"(as of {out['as_of']}; {escape(end_text)})"
        + (f"; scenario {escape(out['scenario'])}" if out.get("scenario") else "")
    )
    reached = out.get("already_reached_by")
    if reached:
        console.print(
            f"Already reached: {escape(reached['name'])} ({reached['params_total'] / 1e9:.3g}B params), "
            f"released {reached['date']}."
        )
        return
    from rich.table import Table  # deferred: about 5 ms to import; --json prints no table

    t = Table(title="First date within the budget")
    for col, justify in (("quantile", "right"), ("first date", "left"), ("by", "left"), ("P", "right")):
        t.add_column(col, justify=justify)
    past = set(out.get("quantiles_by_as_of", []))
    quantiles = [(f"{float(k):.0%}", (v or f"after {out['horizon']}") + (" *" if k in past else ""))
                 for k, v in out["quantiles"].items()]
    p_rows = _p_by_rows(out["p_by"])
    for i in range(max(len(quantiles), len(p_rows))):
        qk, qv = quantiles[i] if i < len(quantiles) else ("", "")
        pd_, pv = p_rows[i] if i < len(p_rows) else ("", "")
        t.add_row(qk, qv, pd_, pv)
    console.print(t)
    console.print(f"P(not before {out['horizon']}) = {out['p_not_before_horizon']:.2f}")
    condition = out.get("not_reached_by")
    since = condition["date"] if condition else out.get("target_data_end", out["data_end"])
    if "p_may_have_happened" in out:
        console.print(f"P(first met after {since} and by {out['as_of']}) = {out['p_may_have_happened']:.2f}",
                      highlight=False)
        console.print(f"  {MAY_HAVE_HAPPENED}" + (" (* in the table)" if past else ""), highlight=False)
    if condition:
        console.print(f"Given not met by {condition['date']}: {condition['share_dropped']:.1%} of the simulated "
                      "futures dropped", highlight=False)


def _p_by_rows(p_by: dict[str, float], settled: float = 0.995) -> list[tuple[str, str]]:
    """P(reached by date) rows, stopping at the first date where P is at least `settled`
    (later dates can only be higher); every date is in the JSON output."""
    rows = []
    items = list(p_by.items())
    for i, (d, v) in enumerate(items):
        rows.append((d, f"{v:.3f}"))
        if v >= settled:
            if i < len(items) - 1:
                rows.append(("later", f">= {settled}"))
            break
    return rows


@app.command("size")
def size_command(
    target: Annotated[str, typer.Option("--target", help="mmlu=0.70 or model:<id>.")],
    dates: DatesOpt,
    data: DataOpt = None, priors: PriorsOpt = None, as_of: AsOfOpt = None, seed: SeedOpt = DEFAULT_SEED,
    draws: DrawsOpt = 2000, tune: TuneOpt = None, scenario: ScenarioOpt = None, strict: StrictOpt = False,
    json: JsonOpt = False,
) -> None:
    """The smallest parameter count that reaches the target by each date."""
    engine = make_engine(data, priors, as_of, seed, draws, scenario, progress=not json, tune=tune)
    check_query(engine, targets=[target], dates=dates, future_dates=True)
    engine.fit(strict=strict)
    result = engine.size(target, dates)
    out = result.to_dict()
    if json:
        emit_result("size", out)
    else:
        from rich.table import Table  # deferred: about 5 ms to import; --json prints no table

        console.print(f"As of {out['as_of']}; "
                      + escape(data_end_text(out["data_end_by_benchmark"], _target_benchmarks(out["target"]))),
                      highlight=False)
        t = Table(title=f"Smallest parameter count reaching {escape(out['target'])}")
        t.add_column("date")
        for k in ("0.05", "0.25", "0.5", "0.75", "0.95"):
            t.add_column(f"{float(k):.0%}", justify="right")
        for row in out["by_date"]:
            t.add_row(row["date"], *[_params(row["quantiles"][k]) for k in ("0.05", "0.25", "0.5", "0.75", "0.95")])
        console.print(t)
    warn_stale(out["stale_data"])
    warn_ceiling(out["ceiling"])
    warn_diagnostics(out["diagnostics"])


def _params(v: float | None) -> str:
    if v is None:
        return "> 3.5T"
    from forecast.api.targets import format_count  # deferred: about 10 ms to import

    return format_count(v)


@app.command("capability")
def capability_command(
    benchmark: BenchmarkOpt,
    dates: DatesOpt,
    params: ParamsOpt = None,
    active_params: ActiveParamsOpt = None,
    memory: MemoryOpt = None,
    bits: BitsOpt = None,
    data: DataOpt = None, priors: PriorsOpt = None, as_of: AsOfOpt = None, seed: SeedOpt = DEFAULT_SEED,
    draws: DrawsOpt = 2000, tune: TuneOpt = None, scenario: ScenarioOpt = None, strict: StrictOpt = False,
    json: JsonOpt = False,
) -> None:
    """The score of the best release within the budget over the year up to each date."""
    engine = make_engine(data, priors, as_of, seed, draws, scenario, progress=not json, tune=tune)
    check_query(engine, benchmark=benchmark, dates=dates, future_dates=True,
                budgets=[dict(params=params, active_params=active_params, memory=memory, bits=bits)])
    engine.fit(strict=strict)
    result = engine.capability(benchmark, dates, params=params, active_params=active_params,
                               memory=memory, bits=bits)
    out = result.to_dict()
    if json:
        emit_result("capability", out)
    else:
        from rich.table import Table  # deferred: about 5 ms to import; --json prints no table

        console.print(f"As of {out['as_of']}; "
                      + escape(data_end_text(out["data_end_by_benchmark"], [out["benchmark"]])), highlight=False)
        t = Table(title=f"Best {out['benchmark']} score within {result.budget.describe()}")
        t.add_column("date")
        for k in ("0.05", "0.25", "0.5", "0.75", "0.95"):
            t.add_column(f"{float(k):.0%}", justify="right")
        for row in out["by_date"]:
            t.add_row(row["date"], *[f"{row['quantiles'][k]:.3f}" for k in ("0.05", "0.25", "0.5", "0.75", "0.95")])
        console.print(t)
    warn_stale(out["stale_data"])
    warn_diagnostics(out["diagnostics"])


# the quantile levels of each `compare` row: the median and the central 80% interval
COMPARE_LEVELS = ("0.1", "0.5", "0.9")


@app.command("compare")
def compare_command(
    scenario: Annotated[list[str], typer.Option("--scenario", help="Scenario file or preset; repeat for each.")],
    target: Annotated[list[str] | None, typer.Option("--target", help="Targets (repeatable).")] = None,
    params: Annotated[list[str] | None, typer.Option("--params", help="Budgets (repeatable).")] = None,
    horizon: HorizonOpt = "2040-01-01",
    data: DataOpt = None, priors: PriorsOpt = None, as_of: AsOfOpt = None, seed: SeedOpt = DEFAULT_SEED,
    draws: DrawsOpt = 2000, tune: TuneOpt = None, strict: StrictOpt = False, json: JsonOpt = False,
) -> None:
    """The same `when` questions under several scenarios, side by side."""
    targets = target or ["model:gpt-3-175b", "mmlu=0.70", "mmlu=0.80"]
    budgets = params or ["1B", "7B"]
    engines = [make_engine(data, priors, as_of, seed, draws, name, progress=not json, tune=tune)
               for name in scenario]  # every scenario file is read and checked before any fit
    seen: dict[str, str] = {}
    for name, engine in zip(scenario, engines):
        if engine.scenario.name in seen:
            raise UserError(f"two scenarios are named '{engine.scenario.name}' ({seen[engine.scenario.name]} "
                            f"and {name}); give each a distinct name", key="scenario")
        seen[engine.scenario.name] = name
    check_query(engines[0], targets=targets, horizon=horizon,
                budgets=[dict(params=b) for b in budgets])
    rows = []
    ceilings: dict[tuple[str, str], list[dict[str, Any]]] = {}  # per scenario and target, not yet reached
    stale: dict[str, dict[str, Any] | None] = {}  # per target
    for engine in engines:
        engine.fit(strict=strict)
        warn_diagnostics(engine.fit().diagnostics.to_dict(), f"the fit for scenario {engine.scenario.name}")
        for tg in targets:
            for b in budgets:
                r = engine.when(tg, params=b, horizon=horizon).to_dict()
                rows.append({"scenario": engine.scenario.name, "target": tg, "params": b,
                             "budget": r["budget"],
                             "quantiles": {k: r["quantiles"][k] for k in COMPARE_LEVELS},
                             "quantiles_by_as_of": [k for k in r["quantiles_by_as_of"] if k in COMPARE_LEVELS],
                             "target_data_end": r["target_data_end"],
                             "p_may_have_happened": r["p_may_have_happened"],
                             "p_not_before_horizon": r["p_not_before_horizon"],
                             "already_reached_by": r["already_reached_by"],
                             "p_at_or_above_ceiling": max(
                                 (c["share_at_or_above_ceiling"] for c in r["ceiling"]), default=0.0),
                             "n_samples": r["n_samples"],
                             "diagnostics_ok": r["diagnostics"]["ok"]})
                if not r["already_reached_by"]:
                    ceilings[(engine.scenario.name, tg)] = r["ceiling"]
                stale.setdefault(tg, r["stale_data"])
    if json:
        first = engines[0]
        emit_result("compare", {
            "as_of": first.as_of.isoformat(),
            "data_end": year_to_date(first.posterior_draws.data_end).isoformat(),
            "data_end_by_benchmark": {b: d.isoformat() for b, d in first.data_end_by_benchmark().items()},
            "stale_data": _stalest(list(stale.values())),
            "horizon": parse_date(horizon, "horizon").isoformat(),
            "scenarios": [{"scenario": e.scenario.name, "diagnostics": e.fit().diagnostics.to_dict()}
                          for e in engines],
            "rows": rows,
        })
    else:
        print_compare(rows, targets, budgets)
        console.print(f"As of {engines[0].as_of}; " + escape(data_end_text(
            {b: d.isoformat() for b, d in engines[0].data_end_by_benchmark().items()},
            list(dict.fromkeys(b for tg in targets for b in _target_benchmarks(tg))))), highlight=False)
        if any(r["quantiles_by_as_of"] for r in rows if not r["already_reached_by"]):
            console.print(f"* on or before the as-of date: {MAY_HAVE_HAPPENED}.", highlight=False)
    shown: set[str] = set()
    for note in stale.values():
        if note is not None and note["data_end"] not in shown:  # one note per data end
            shown.add(note["data_end"])
            warn_stale(note)
    for (name, _), ceiling in ceilings.items():
        warn_ceiling(ceiling, label=f"scenario {name}: ")


def _stalest(notes: list[dict[str, Any] | None]) -> dict[str, Any] | None:
    """Of the targets' `stale_data` notes, the one with the earliest data end; None when none."""
    present = [n for n in notes if n is not None]
    return min(present, key=lambda n: n["data_end"]) if present else None


def print_compare(rows: list[dict[str, Any]], targets: list[str], budgets: list[str]) -> None:
    """The `compare` rows as one table: a column per scenario, a row per target and budget.

    Parameters
    ----------
    rows : list of dict
        One row per scenario, target and budget, as `compare_command` gathers them.
    targets, budgets : list of str
        The targets and the `--params` budgets, in the order of the table's rows.

    Returns
    -------
    None
    """
    from rich.table import Table  # deferred: about 5 ms to import; --json prints no table

    t = Table(title="Scenarios side by side: first date within the budget (median, 80% interval)")
    for col in ("target", "params", *dict.fromkeys(r["scenario"] for r in rows)):
        t.add_column(escape(col), overflow="fold")  # a long model id folds rather than being cut
    names = list(dict.fromkeys(r["scenario"] for r in rows))
    for tg in targets:
        for b in budgets:
            cells = []
            for n in names:
                r = next(x for x in rows if x["scenario"] == n and x["target"] == tg and x["params"] == b)
                if r["already_reached_by"]:
                    cells.append(f"reached ({escape(r['already_reached_by']['model_id'])})")
                else:
                    q, past = r["quantiles"], set(r.get("quantiles_by_as_of", []))

                    def mark(k: str, v: str) -> str:
                        return v + ("*" if k in past else "")

                    cells.append(f"{mark('0.5', q['0.5'] or 'after horizon')} [{mark('0.1', q['0.1'] or '-')} .. "
                                 f"{mark('0.9', q['0.9'] or 'after')}]")
            t.add_row(escape(tg), escape(b), *cells)
    console.print(t)
