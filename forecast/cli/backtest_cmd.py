"""`forecast backtest` and `forecast seedcheck`: past forecasts scored against what happened."""

from __future__ import annotations

import hashlib
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any

import typer

import forecast
from forecast.cli import app, date_scores_by_release, warn_undated
from forecast.cli.forecast_cmd import make_engine, warn_diagnostics
from forecast.cli.options import (DEFAULT_SEED, BenchmarkOpt, DataOpt, DrawsOpt, JsonOpt, PriorsAsOfOpt,
                                  PriorsOpt, SchedulerOpt, SeedOpt, StrictOpt)
from forecast.cli.output import compact_table, console, emit_result
from forecast.cli.prospective_cmd import DEFAULT_RECORD, freeze_prospective, score_prospective
from forecast.core.errors import DiagnosticsFailed, UserError
from forecast.evaluation.cluster import dask_client, run_ordered, scheduler_address
from forecast.evaluation.cutoffs import DEFAULT_CUTOFFS, parse_cutoffs
from forecast.evaluation.events import default_events
from forecast.evaluation.method_protocol import derive_seed
from forecast.evaluation.seedcheck import THREAD_DATE, fit_engine, seed_check, thread_priors
from forecast.inputs.registry import load_registry

DEFAULT_OUT = Path("reports/backtest")


def _floats(values: list[str] | None, key: str, parse) -> list[float] | None:
    if not values:
        return None
    out = []
    for item in values:
        for part in str(item).split(","):
            if part.strip():
                try:
                    out.append(parse(part.strip()))
                except UserError:
                    raise
                except ValueError:
                    raise UserError(f"'{part}' is not a number", key=key) from None
    return out


def _threshold(text: str) -> float:
    v = float(text)
    if not 0 < v < 1:
        raise UserError(f"threshold {text} must lie strictly between 0 and 1", key="thresholds")
    return v


def event_grid(thresholds: list[str] | None, sizes: list[str] | None, benchmark: str) -> list:
    """The events of --thresholds, --sizes and --benchmark (`default_events` for what is left out).

    Parameters
    ----------
    thresholds, sizes : list of str or None
        The options as given.
    benchmark : str
        The events' benchmark.

    Returns
    -------
    list of Event
    """
    from forecast.api.targets import parse_count  # deferred: about 10 ms to import

    th = _floats(thresholds, "thresholds", _threshold)
    sz = _floats(sizes, "sizes", lambda x: parse_count(x, "sizes"))
    return default_events(**({"thresholds": th} if th else {}), **({"sizes": sz} if sz else {}),
                          benchmark=benchmark)


def run(cutoffs: str, thresholds: list[str] | None, sizes: list[str] | None, benchmark: str,
        methods: list[str] | None, jobs: int, draws: int, seed: int, data: Path | None,
        priors: Path | None, progress: bool, out: Path | None = None, scheduler: str | None = None,
        priors_as_of: str = "cutoff") -> Any:
    """Run the backtest and attach the diagnostics of every engine fit to the summary.

    Parameters
    ----------
    cutoffs : str
        FIRST:LAST:STEP or dates joined by ','.
    thresholds, sizes : list of str or None
        Score thresholds and parameter budgets of the events (each item may join several with
        ','); None for the defaults.
    benchmark : str
        The benchmark of the events.
    methods : list of str or None
        The methods to run; None for all.
    jobs : int
        Worker processes of a local Dask cluster that runs the cutoffs (1: in this process).
    draws : int
        Draws and tuning steps per chain of each fit.
    seed : int
        The backtest's seed; each fit's seed derives from it.
    data, priors : Path or None
        Registry and priors folders; None for the shipped ones.
    progress : bool
        Show progress.
    out : Path or None
        Save the scores here before the fits' diagnostics are gathered.
    scheduler : str or None
        A Dask scheduler to run the cutoffs on (`forecast.evaluation.cluster.dask_client`).
    priors_as_of : {"cutoff", "today"}
        The engine-family methods' technique priors: dated as of each cutoff, or today's (with
        hindsight); `forecast.evaluation.methods.PRIORS_AS_OF`.

    Returns
    -------
    forecast.evaluation.result.BacktestResult
        The scored rows and the summary, with `fit_diagnostics`, `fits_ok` and `provenance`.
    """
    from forecast.evaluation.backtest import run_backtest  # deferred: about 30 ms to import (scoring)
    from forecast.evaluation.methods import (  # deferred: about 0.1 s to import
        EngineMethod, check_priors_as_of, default_methods)

    check_priors_as_of(priors_as_of)
    registry = load_registry(data, date_scores_by_release=date_scores_by_release())
    warn_undated(registry)
    if benchmark not in set(registry.scores["benchmark"]):
        raise UserError(f"no scores for benchmark '{benchmark}' in the registry", key="benchmark")
    cut = parse_cutoffs(cutoffs)
    events = event_grid(thresholds, sizes, benchmark)
    available = default_methods(draws=draws, tune=draws,
                                priors_dir=str(priors) if priors else None,
                                data_dir=str(data) if data else None, priors_as_of=priors_as_of)
    if methods:
        names = {m.name for m in available}
        unknown = [m for m in methods if m not in names]
        if unknown:
            raise UserError(f"unknown method '{unknown[0]}' (known: {', '.join(sorted(names))})", key="methods")
        available = [m for m in available if m.name in methods]
    result = run_backtest(registry.models, registry.scores, available, cut, events=events,
                          seed=seed, jobs=jobs, progress=progress, scheduler=scheduler,
                          benchmarks=registry.benchmarks, priors_as_of=priors_as_of)
    if out is not None:
        result.save(out)  # the scores first; the fits' diagnostics below come from the cache
    fits: dict[str, Any] = {}
    for m in available:
        if isinstance(m, EngineMethod) and m.variant != "priors_only":
            per = {}
            failed = set(result.summary["methods"].get(m.name, {}).get("failed_cutoffs", []))
            for c in cut:
                if c.isoformat() in failed:
                    continue  # nothing to fit then: listed under `failures`
                reg = registry.as_of(c)
                per[c.isoformat()] = m.diagnostics(reg.models, reg.scores, c, derive_seed(seed, c, m.name, 0))
            fits[m.name] = per
    result.summary["fit_diagnostics"] = fits
    result.summary["fits_ok"] = all(d["ok"] for per in fits.values() for d in per.values())
    result.summary["provenance"] = backtest_provenance(registry, priors, draws, seed, cutoffs,
                                                       [e.key for e in events], priors_as_of=priors_as_of)
    return result


def backtest_provenance(registry: Any, priors_dir: Path | None, draws: int, seed: int,
                        cutoffs: str, events: list[str], priors_as_of: str = "cutoff") -> dict[str, Any]:
    """What a backtest result depends on, so a report can tell whether it is current.

    Parameters
    ----------
    registry : forecast.inputs.registry.Registry
        The registry the backtest ran on.
    priors_dir : Path or None
        The priors folder; None for the shipped one.
    draws, seed : int
        Draws (and tuning steps) per chain and the seed of the backtest.
    cutoffs : str
        The `--cutoffs` specification.
    events : list of str
        The keys of the scored events.
    priors_as_of : {"cutoff", "today"}
        The technique priors' mode of the engine-family methods.

    Returns
    -------
    dict
        The hashes of the registry, the priors and the code behind the fits and the scoring,
        the settings, the technique priors' mode (``priors_as_of``, its label, and per cutoff
        the techniques the dated priors gave the prior of a technique not yet measured,
        ``unmeasured_by_cutoff``: empty lists under today's priors; and the engine entries that
        took their earlier form, ``engine_before_by_cutoff``), the library versions, the time
        and the command line.
    """
    from forecast.inputs.priors import load_priors  # deferred: about 0.1 s to import
    from forecast.model.fit import source_hash, versions  # deferred: imports xarray and SciPy

    here = Path(forecast.__file__).parent
    code = hashlib.sha256(source_hash().encode())
    for path in sorted([*(here / "projection").rglob("*.py"), *(here / "evaluation").rglob("*.py")]):
        code.update(path.read_bytes())
    from forecast.evaluation.methods import PRIORS_AS_OF_LABELS  # deferred: about 0.1 s to import

    prior_set = load_priors(priors_dir)
    dated = priors_as_of == "cutoff"
    days = parse_cutoffs(cutoffs)
    unmeasured = {c.isoformat(): (prior_set.unmeasured_by(c) if dated else []) for c in days}
    before = {c.isoformat(): (prior_set.engine.superseded_by(c) if dated else []) for c in days}
    return {
        "data_sha256": registry.sha256,
        "priors_sha256": prior_set.sha256,
        "priors_as_of": priors_as_of,
        "priors_as_of_label": PRIORS_AS_OF_LABELS[priors_as_of],
        "unmeasured_by_cutoff": unmeasured,
        "engine_before_by_cutoff": before,
        "code_sha256": code.hexdigest(),
        "settings": {"draws": draws, "tune": draws, "seed": seed, "cutoffs": cutoffs, "events": events},
        "versions": versions(),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join(sys.argv),
    }


@app.command("backtest")
def backtest_command(
    cutoffs: Annotated[str, typer.Option("--cutoffs", help="FIRST:LAST:STEP (e.g. 2021-07-01:2025-01-01:6M) or dates joined by ','.")] = DEFAULT_CUTOFFS,
    thresholds: Annotated[list[str] | None, typer.Option("--thresholds", help="Score thresholds (default 0.45 .. 0.88).")] = None,
    sizes: Annotated[list[str] | None, typer.Option("--sizes", help="Parameter budgets (default 0.5B .. 70B).")] = None,
    benchmark: BenchmarkOpt = "mmlu",
    methods: Annotated[list[str] | None, typer.Option("--methods", help="Subset of engine, drift_only, priors_only, densing, naive_pooled.")] = None,
    jobs: Annotated[int, typer.Option("--jobs", min=1, max=16, help="Worker processes of a local Dask cluster that runs the cutoffs (1: in this process).")] = 1,
    draws: Annotated[int, typer.Option("--draws", min=100, max=5000, help="Draws (and tuning steps) per chain of each fit.")] = 1500,
    out: Annotated[Path, typer.Option("--out", help="Folder for backtest_rows.csv and backtest_summary.json.")] = DEFAULT_OUT,
    seed: SeedOpt = DEFAULT_SEED, data: DataOpt = None, priors: PriorsOpt = None, json: JsonOpt = False,
    strict: StrictOpt = False, scheduler: SchedulerOpt = None, priors_as_of: PriorsAsOfOpt = "cutoff",
    prospective: Annotated[bool, typer.Option("--prospective", help="Score the frozen prospective record (--record) against --data or the shipped registry; no fit.")] = False,
    freeze: Annotated[bool, typer.Option("--freeze-prospective", help="Fit the engine as of the registry's data end and freeze its forecasts of the event grid in --record.")] = False,
    record: Annotated[Path, typer.Option("--record", help="The prospective record's file.")] = DEFAULT_RECORD,
) -> None:
    """Fit as of past dates, forecast every crossing event not yet reached, score against what happened."""
    if prospective or freeze:  # the prospective record: forecast.cli.prospective_cmd
        _prospective(prospective, freeze, record, thresholds, sizes, benchmark, draws, seed, data, priors,
                     priors_as_of, json)
        return
    if out.exists() and not out.is_dir():
        raise UserError("--out must be a folder", file=out)
    result = run(cutoffs, thresholds, sizes, benchmark, methods, jobs, draws, seed, data, priors,
                 progress=not json, out=out, scheduler=scheduler, priors_as_of=priors_as_of)
    paths = result.save(out)
    s = result.summary
    if json:
        if strict and not s.get("fits_ok", True):  # under --json a failed check prints only the error object
            _warn_fits(s)
            raise DiagnosticsFailed("an engine fit in the backtest failed its diagnostics")
        emit_result("backtest", backtest_json(s, benchmark, paths))
    else:
        console.print(backtest_table(s))
        console.print(f"Technique priors: {s['provenance']['priors_as_of_label']}")
        console.print(f"Wrote {paths['rows']} and {paths['summary']}")
    _warn_fits(s)
    if strict and not s.get("fits_ok", True):
        raise DiagnosticsFailed("an engine fit in the backtest failed its diagnostics")


def _prospective(score: bool, freeze: bool, record: Path, thresholds: list[str] | None,
                 sizes: list[str] | None, benchmark: str, draws: int, seed: int, data: Path | None,
                 priors: Path | None, priors_as_of: str, json: bool) -> None:
    """`forecast backtest --prospective` (score the record) or `--freeze-prospective` (make it, on
    the event grid of --thresholds, --sizes and --benchmark); both at once is refused."""
    if score and freeze:
        raise UserError("--prospective scores the record and --freeze-prospective makes it: give one",
                        key="--prospective")
    if score:
        score_prospective(record, data, json)
        return
    events = event_grid(thresholds, sizes, benchmark)
    freeze_prospective(events, record, draws, seed, data, priors, priors_as_of, json)


def _warn_fits(s: dict[str, Any]) -> None:
    """A warning on stderr for each engine fit of the backtest that failed its checks."""
    for name, per in s.get("fit_diagnostics", {}).items():
        for cut, d in per.items():
            if not d["ok"]:
                warn_diagnostics(d | {"problems": [f"{name} fit as of {cut}: " + "; ".join(d["problems"])]})


def backtest_json(summary: dict[str, Any], benchmark: str, paths: dict[str, Path]) -> dict[str, Any]:
    """`forecast backtest --json`'s answer (without ``command``): the summary in the shared shape.

    ``data_end`` is the registry's data end on the events' benchmark (an ISO date, as in every
    other answer); the summary's mapping of benchmark to data end is ``data_end_by_benchmark``;
    ``saved_to`` names the files written.

    Parameters
    ----------
    summary : dict
        The backtest's summary (`run`).
    benchmark : str
        The benchmark of the events.
    paths : dict of str to Path
        The files `BacktestResult.save` wrote, under "rows" and "summary".

    Returns
    -------
    dict
    """
    by_benchmark = summary.get("data_end") or {}
    out = {k: v for k, v in summary.items() if k != "data_end"}
    return {"data_end": by_benchmark.get(benchmark), "data_end_by_benchmark": by_benchmark, **out,
            "saved_to": {k: str(v) for k, v in paths.items()}}


def _fmt(v: Any, spec: str = "{:.2f}") -> str:
    """A number for a table cell, "-" when missing."""
    return "-" if v is None else spec.format(v)


def _fmt_ci(v: Any, ci: Any, spec: str = "{:.2f}") -> str:
    """A number with its interval, "v [lo, hi]"; "-" when missing."""
    if v is None:
        return "-"
    return spec.format(v) + ("" if not ci else f" [{spec.format(ci[0])}, {spec.format(ci[1])}]")


def backtest_table(s: dict[str, Any]) -> Any:
    """The backtest summary as Rich tables, no wider than 80 columns, method names whole.

    The methods in rank order with the decided/censored split (coverage of the central 80%
    interval on decided rows with the bounds the censored rows allow, CRPS on reached and on
    censored rows), the Brier score of P(first crossing by the data's end) and the overall CRPS;
    then that probability's reliability diagram, and the first method's skill against each other
    method with two-way bootstrap intervals. Parts a summary lacks show "-" or are left out.

    Parameters
    ----------
    s : dict
        The backtest's summary (`forecast.evaluation.summary.summarise`).

    Returns
    -------
    rich.console.Group
        The tables, in that order.
    """
    from rich.console import Group  # deferred: about 5 ms to import; --json prints no table

    deciding = s.get("deciding_releases") or {}
    releases = (f"; decided by {deciding['n_models']} models released on {deciding['n_release_dates']} dates"
                if deciding else "")
    t = compact_table(
        f"Backtest: {s['n_events']} scored (cutoff, event) pairs, {s.get('n_reached', '?')} reached, "
        f"{s['n_censored']} censored at the data's end{releases}; cutoffs {', '.join(str(c) for c in s['cutoffs'])}",
        "cov 80%: share of decided rows inside the central 80% interval, with the bounds on all rows "
        "(undecided censored rows counted as misses, as covered); CRPS in years on reached and on "
        "censored rows and on all; Brier of P(first crossing by the data's end), which every row "
        "decides: lower is better")
    for col in ("rank", "method", "cov 80%\n[bounds]", "CRPS\nreach", "CRPS\ncens", "Brier\nby end", "CRPS\nall"):
        t.add_column(col, justify="right" if col != "method" else "left", no_wrap=True)
    for i, name in enumerate(s.get("ranking", list(s["methods"]))):
        m = s["methods"][name]
        d = m.get("decided") or {}
        cov = (d.get("coverage") or {}).get("0.8")
        bounds = (d.get("coverage_bounds") or {}).get("0.8")
        cell = _fmt(cov) + (f" [{bounds[0]:.2f}, {bounds[1]:.2f}]" if bounds else "")
        t.add_row(str(i + 1), name, cell, _fmt(d.get("crps_reached")), _fmt(d.get("crps_censored")),
                  _fmt((m.get("before_data_end") or {}).get("brier"), "{:.3f}"), _fmt(m.get("crps_mean")))
    parts: list[Any] = [t]
    reliability = _reliability_table(s)
    if reliability is not None:
        parts.append(reliability)
    skill = _skill_table(s)
    if skill is not None:
        parts.append(skill)
    return Group(*parts)


def _reliability_table(s: dict[str, Any]) -> Any:
    """P(first crossing by the data's end) binned: per method the observed frequency and the rows
    in each bin (None when the summary has no reliability diagram)."""
    names = [n for n in s.get("ranking", list(s["methods"]))
             if (s["methods"][n].get("before_data_end") or {}).get("reliability")]
    if not names:
        return None
    t = compact_table("Reliability of P(first crossing by the data's end)",
                      "per bin of forecast probability: observed frequency of crossings (rows)")
    t.add_column("P", justify="left", no_wrap=True)
    for name in names:
        t.add_column(name, justify="right", no_wrap=True)
    bins = s["methods"][names[0]]["before_data_end"]["reliability"]
    for j, b in enumerate(bins):
        cells = []
        for name in names:
            cell = s["methods"][name]["before_data_end"]["reliability"][j]
            cells.append("-" if not cell["n"] else f"{cell['observed']:.2f} ({cell['n']})")
        t.add_row(f"{b['lo']:.1f}-{b['hi']:.1f}", *cells)
    return t


def _skill_table(s: dict[str, Any]) -> Any:
    """The first method's skill against each other method (None when the summary has none)."""
    methods = list(s["methods"])
    first = methods[0] if methods else None
    skill = (s["methods"].get(first) or {}).get("skill") if first else None
    if not skill:
        return None
    ci = int(round(100 * (s.get("bootstrap") or {}).get("ci", 0.95)))
    t = compact_table(f"Skill of {first} against each baseline, on the rows both scored",
                      f"CRPS difference in years ({first} minus baseline; negative: {first} better), all "
                      f"rows and reached / censored rows; Brier skill of P(by the data's end) (positive: "
                      f"{first} better); intervals: {ci}% two-way bootstrap over cutoffs and events")
    for col in ("baseline", "n", "CRPS diff", "reach", "cens", "Brier skill"):
        t.add_column(col, justify="right" if col != "baseline" else "left", no_wrap=True)
    for name, k in skill.items():
        t.add_row(name, str(k["n"]), _fmt_ci(k.get("crps_diff"), k.get("crps_diff_ci")),
                  _fmt(k.get("crps_diff_reached")), _fmt(k.get("crps_diff_censored")),
                  _fmt_ci(k.get("brier_skill"), k.get("brier_skill_ci")))
    return t


@app.command("seedcheck")
def seedcheck_command(
    seed: SeedOpt = DEFAULT_SEED, data: DataOpt = None, priors: PriorsOpt = None,
    draws: DrawsOpt = 2000, json: JsonOpt = False, strict: StrictOpt = False, scheduler: SchedulerOpt = None,
) -> None:
    """The seed thread's claims (2023-03-19): the forecast then, the forecast now, what happened."""
    fit_on_cluster(data, priors, seed, draws, scheduler, progress=not json)
    now = make_engine(data, priors, None, seed, draws, progress=not json)
    # the forecast as of the thread's date uses the priors as of that date (dated priors)
    then = make_engine(data, thread_priors(priors), THREAD_DATE.isoformat(), seed, draws, progress=not json)
    result = seed_check(now, then)
    diagnostics = [fit["diagnostics"] for fit in result["fits"].values()]
    failed = strict and not all(d.get("ok", False) for d in diagnostics)
    if json and not failed:  # under --json a failed check prints only the error object
        emit_result("seedcheck", result)
    elif not json:
        print_seedcheck(result)
    for d in diagnostics:
        warn_diagnostics(d)
    if failed:
        raise DiagnosticsFailed("a seed-check fit failed its diagnostics")


def fit_on_cluster(data: Path | None, priors: Path | None, seed: int, draws: int, scheduler: str | None,
                   progress: bool) -> None:
    """With a Dask scheduler (``--scheduler`` or ``FORECAST_DASK_SCHEDULER``), the seed check's two
    fits run there as two tasks and land in the fit cache, where the engines then load them from
    (with a remote cluster, its workers and this machine need one shared ``FORECAST_CACHE_DIR``);
    without one, nothing happens here and the engines fit in this process.

    Parameters
    ----------
    data, priors : Path or None
        Registry and priors folders; None for the shipped ones.
    seed, draws : int
        The fits' seed and draws per chain.
    scheduler : str or None
        The ``--scheduler`` option.
    progress : bool
        Print the dashboard's address.

    Returns
    -------
    None
    """
    if scheduler_address(scheduler) is None:
        return
    specs = [dict(data=data, priors=priors, as_of=None, seed=seed, draws=draws),
             dict(data=data, priors=priors, as_of=THREAD_DATE.isoformat(), seed=seed, draws=draws,
                  thread_priors=True)]
    with dask_client(len(specs), scheduler, announce=progress) as client:
        run_ordered(client, fit_engine, specs, name="seedcheck-fit")


def print_seedcheck(result: dict[str, Any]) -> None:
    """The seed check as a table: each claim of the thread, the forecast then and now, and what
    happened.

    Parameters
    ----------
    result : dict
        `forecast.evaluation.seedcheck.seed_check`'s result.

    Returns
    -------
    None
    """
    from rich.table import Table  # deferred: about 5 ms to import; --json prints no table

    t = Table(title=f"The thread's claims ({result['thread_date']}): forecast then, forecast now, what happened")
    for col in ("claim", "then: median [80%], P(by deadline)", "now", "happened"):
        t.add_column(col)
    for c in result["claims"]:
        def cell(f: dict[str, Any]) -> str:
            q = f.get("quantiles") or {}
            if q.get("0.5") is None and f.get("p_by_deadline") is None:
                return f.get("note", "-")
            p = f.get("p_by_deadline")
            return (f"{q.get('0.5') or 'after 2040'} [{q.get('0.1') or '-'} .. {q.get('0.9') or 'after 2040'}], "
                    f"P = {p:.2f}")
        t.add_row(c["claim"], cell(c["then"]), cell(c["now"]), c["verdict"])
    console.print(t)
