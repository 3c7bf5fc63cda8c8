"""`forecast sensitivity`: the refit sensitivity sweep of the headline questions to each technique's prior."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
import typer

from forecast.api.engine import sensitivity_task
from forecast.api.sensitivity import (DEFAULT_QUESTIONS, GROUPS, VARIANTS, check_techniques,
                                      check_variants, sensitivity_frame, sensitivity_specs)
from forecast.api.targets import make_budget
from forecast.cli import app
from forecast.cli.forecast_cmd import make_engine, warn_diagnostics
from forecast.cli.options import (DEFAULT_SEED, AsOfOpt, DataOpt, DrawsOpt, JsonOpt, PriorsOpt,
                                  SchedulerOpt, SeedOpt, TuneOpt)
from forecast.cli.output import compact_table, console, emit_result, err_console
from forecast.core.errors import UserError
from forecast.inputs.dates import year_to_date
from forecast.evaluation.cluster import dask_client, run_ordered, scheduler_address


def questions_from(targets: Sequence[str] | None, params: Sequence[str] | None) -> list[dict[str, str]]:
    """The questions of ``--target``/``--params`` pairs (the i-th target within the i-th budget),
    or `DEFAULT_QUESTIONS` when neither is given.

    Parameters
    ----------
    targets, params : sequence of str or None

    Returns
    -------
    list of dict
        ``{"target", "params"}`` each.

    Raises
    ------
    UserError
        When the two options are not given the same number of times.
    """
    targets, params = list(targets or []), list(params or [])
    if not targets and not params:
        return [dict(q) for q in DEFAULT_QUESTIONS]
    if len(targets) != len(params):
        raise UserError(f"give one --params per --target ({len(targets)} targets, {len(params)} budgets)",
                        key="params")
    return [{"target": t, "params": p} for t, p in zip(targets, params)]


def _map_in_process(fn: Callable[[Any], Any], specs: Sequence[Any], announce: bool) -> Iterator[Any]:
    """``fn`` over `specs` one after another, announcing each refit on stderr."""
    for i, spec in enumerate(specs):
        if announce:
            what = "base fit" if spec["variant"] == "base" else f"{spec['technique']} {spec['variant']}"
            err_console.print(f"refit {i + 1}/{len(specs)}: {what}", highlight=False, markup=False)
        yield fn(spec)


def run(techniques: list[str] | None, variants: list[str] | None, questions: list[dict[str, str]],
        draws: int, tune: int | None, jobs: int, scheduler: str | None, as_of: str | None,
        data: Path | None, priors: Path | None, seed: int, progress: bool) -> dict[str, Any]:
    """Check the input, then run the sweep: in this process (``jobs`` 1 and no scheduler) or as
    Dask tasks (`forecast.evaluation.cluster.run_ordered`), the base fit first.

    Parameters
    ----------
    techniques : list of str or None
        Technique ids; None for every technique known at the as-of date.
    variants : list of str or None
        Among removed, widened, group; None for removed and widened.
    questions : list of dict
        ``{"target", "params"}`` each.
    draws : int
        Posterior draws per chain of every fit.
    tune : int or None
        Tuning steps per chain (None: the fit's default).
    jobs : int
        Worker processes of a local Dask cluster (1: in this process).
    scheduler : str or None
        A Dask scheduler's address.
    as_of : str or None
        The as-of date (None: today).
    data, priors : Path or None
        Registry and priors folders.
    seed : int
        Seed of every fit and projection.
    progress : bool
        Announce the refits on stderr.

    Returns
    -------
    dict
        ``engine`` (the base engine, not fitted here), ``results`` (`sensitivity_task`'s) and
        ``frame`` (`forecast.api.sensitivity.sensitivity_frame`).
    """
    variants = list(variants or ("removed", "widened"))
    check_variants(variants)
    engine = make_engine(data, priors, as_of, seed, draws, progress=False, tune=tune)
    known = list(engine.priors.introduced_by(engine.as_of).techniques)
    ids = list(dict.fromkeys(techniques)) if techniques else known
    check_techniques(ids, known)
    for q in questions:  # refuse a bad target or budget before any fit
        engine.target(q["target"])
        make_budget(q["params"])
    specs = sensitivity_specs(data, priors, engine.as_of, seed, draws, tune, ids, variants, questions)
    if jobs == 1 and scheduler_address(scheduler) is None:
        results = list(_map_in_process(sensitivity_task, specs, progress))
    else:
        done = [0]

        def advance() -> None:
            done[0] += 1
            if progress:
                err_console.print(f"refits done: {done[0]}/{len(specs)}", highlight=False, markup=False)

        with dask_client(min(jobs, len(specs)), scheduler, announce=progress) as client:
            results = run_ordered(client, sensitivity_task, specs, advance=advance, name="sensitivity")
    return {"engine": engine, "results": results, "frame": sensitivity_frame(results)}


def _shift(days: float) -> str:
    return "-" if not np.isfinite(days) else f"{days:+.0f} d"


def _interval(row: pd.Series) -> str:
    lo, hi = _text(row["q10_date"]), _text(row["q90_date"])
    return f"{lo or 'after'}..{hi or 'after'}"


def sensitivity_table(base: dict[str, Any], frame: pd.DataFrame, as_of: str) -> Any:
    """The sweep as a Rich table within 80 columns: per technique, variant and question the
    median's shift from the unmodified fit in days and the refit's 80% interval.

    Parameters
    ----------
    base : dict
        The base fit's `sensitivity_task` result.
    frame : pandas.DataFrame
        `sensitivity_frame`'s rows.
    as_of : str
        The as-of date (ISO).

    Returns
    -------
    rich.table.Table
    """
    lines = []
    for a in base["answers"]:
        y = a["years"]
        iso = lambda v: "after horizon" if v is None else year_to_date(v).isoformat()  # noqa: E731
        lines.append(f"{a['question']}: {iso(y[1])} [{iso(y[0])}..{iso(y[2])}]")
    t = compact_table(
        f"Refit sensitivity as of {as_of}",
        "Unmodified fit, median [80% interval]: " + "; ".join(lines) + ". question: target and "
        "total-parameter budget; shift: the refit's median minus the unmodified median, in days (- "
        "when either is past the horizon; after: past the horizon); removed: the "
        "technique's prior taken out; widened: its multiplier's 90% interval doubled in log10 "
        "space, same median; group: a group of engine priors twice as uncertain, same medians "
        "(drift: its long-run rate; releases: the release rate and its growth; links: the "
        "benchmark links' slopes and midpoints).")
    for col, justify in (("technique", "left"), ("variant", "left"), ("question", "left"),
                         ("shift", "right"), ("80% interval", "left")):
        t.add_column(col, justify=justify, no_wrap=True)
    for _, row in frame.iterrows():
        t.add_row(str(row["technique"]), str(row["variant"]), f"{row['target']} {row['params']}",
                  _shift(row["median_shift_days"]), _interval(row))
    return t


def _num(v: Any) -> float | None:
    return None if v is None or (isinstance(v, float) and not np.isfinite(v)) else float(v)


def _text(v: Any) -> str | None:
    return v if isinstance(v, str) else None


def sensitivity_json(base: dict[str, Any], frame: pd.DataFrame, as_of: str, settings: dict[str, Any]) -> dict[str, Any]:
    """`forecast sensitivity --json`'s answer (without ``command``).

    Parameters
    ----------
    base : dict
        The base fit's `sensitivity_task` result.
    frame : pandas.DataFrame
        `sensitivity_frame`'s rows.
    as_of : str
        The as-of date (ISO).
    settings : dict
        seed, draws, tune of the fits.

    Returns
    -------
    dict
        as_of, settings, diagnostics (the base fit's), base (per question its quantiles as
        decimal years and ISO dates) and rows (one per technique x variant x question).
    """
    def point(v: float | None) -> dict[str, Any]:
        return {"year": v, "date": None if v is None else year_to_date(v).isoformat()}

    base_rows = [{"question": a["question"], "target": a["target"], "params": a["params"],
                  "q10": point(a["years"][0]), "median": point(a["years"][1]), "q90": point(a["years"][2])}
                 for a in base["answers"]]
    rows = []
    for r in frame.to_dict("records"):
        rows.append({
            "technique": r["technique"], "variant": r["variant"], "question": r["question"],
            "target": r["target"], "params": r["params"],
            "q10": {"year": _num(r["q10"]), "date": _text(r["q10_date"])},
            "median": {"year": _num(r["median"]), "date": _text(r["median_date"])},
            "q90": {"year": _num(r["q90"]), "date": _text(r["q90_date"])},
            "shift_days": {"q10": _num(r["q10_shift_days"]), "median": _num(r["median_shift_days"]),
                           "q90": _num(r["q90_shift_days"])},
            "prior": None if not isinstance(r["prior"], str) else {
                "name": r["prior"], "median": _num(r["prior_median"]),
                "interval90": [_num(r["prior_q05"]), _num(r["prior_q95"])]},
            "fit_ok": bool(r["fit_ok"]),
        })
    return {"as_of": as_of, "settings": settings, "diagnostics": base["diagnostics"], "base": base_rows,
            "rows": rows}


@app.command("sensitivity")
def sensitivity_command(
    technique: Annotated[list[str] | None, typer.Option(
        "--technique", help="Technique id to vary (repeatable; default: every technique known at the as-of date).")] = None,
    variant: Annotated[list[str] | None, typer.Option(
        "--variant", help=f"Variant to refit ({', '.join(VARIANTS)}; repeatable; default: removed and widened). "
                          "group: one refit per group of engine priors widened "
                          f"({', '.join(GROUPS)}).")] = None,
    target: Annotated[list[str] | None, typer.Option(
        "--target", help="Target of a question, paired with the --params at the same position (repeatable; "
                         "default: mmlu=0.70 within 1B and mmlu=0.80 within 7B).")] = None,
    params: Annotated[list[str] | None, typer.Option(
        "--params", help="Total-parameter budget of a question, paired with its --target (e.g. 7B).")] = None,
    draws: DrawsOpt = 2000, tune: TuneOpt = None,
    jobs: Annotated[int, typer.Option("--jobs", min=1, max=16, help="Worker processes of a local Dask cluster that runs the refits (1: in this process).")] = 1,
    scheduler: SchedulerOpt = None, as_of: AsOfOpt = None, data: DataOpt = None, priors: PriorsOpt = None,
    seed: SeedOpt = DEFAULT_SEED, json: JsonOpt = False,
) -> None:
    """Refit with each technique's prior removed or widened; shifts of the headline answers."""
    out = run(technique, variant, questions_from(target, params), draws, tune, jobs, scheduler,
              as_of, data, priors, seed, progress=not json)
    base, frame = out["results"][0], out["frame"]
    as_of_iso = out["engine"].as_of.isoformat()
    if json:
        emit_result("sensitivity", sensitivity_json(base, frame, as_of_iso,
                                                    {"seed": seed, "draws": draws, "tune": tune}))
    else:
        console.print(sensitivity_table(base, frame, as_of_iso))
    for r in out["results"]:
        label = "the base fit" if r["variant"] == "base" else f"the {r['technique']} {r['variant']} refit"
        warn_diagnostics(r["diagnostics"], label)
