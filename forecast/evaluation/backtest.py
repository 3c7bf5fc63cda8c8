"""Backtest: every method forecasts the open events as of every cutoff and is scored afterwards.

For every cutoff date the runner hands each forecasting method (`Method`) only the models
released by the cutoff, asks it for samples of the crossing date of every event
(`forecast.evaluation.events`) that had not happened by then, and scores those samples
(`forecast.evaluation.scoring`) against what the full registry shows afterwards, with
right-censoring at the end of the data. `forecast.evaluation.summary` aggregates the scores per
method.

A method that cannot forecast at a cutoff from the data it is given raises `UserError`; its rows
there keep the outcome and an `error` message but no scores.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, is_dataclass, replace
from datetime import date
from typing import Literal

import numpy as np
import pandas as pd
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from forecast.core.errors import UserError
from forecast.evaluation.cluster import dask_client, run_ordered, scheduler_address
from forecast.evaluation.cutoffs import parse_cutoffs
from forecast.evaluation.events import Event, default_events, realised
from forecast.evaluation.method_protocol import Method, derive_seed
from forecast.evaluation.result import BacktestResult, tidy_rows
from forecast.evaluation.score_rule import ScoreRule
from forecast.evaluation.scoring import SCORE_FIELDS, score_samples
from forecast.evaluation.summary import summarise
from forecast.inputs.dates import decimal_year
from forecast.inputs.registry import known_by, shipped_benchmarks


@dataclass
class _CutoffTask:
    """Everything one cutoff's forecasts and scores need (picklable, for a Dask worker)."""

    cutoff: date
    models: pd.DataFrame
    scores: pd.DataFrame
    methods: list
    events: list[Event]
    outcomes: pd.DataFrame
    n_samples: int
    seed: int
    on_error: str


def run_backtest(
    models: pd.DataFrame,
    scores: pd.DataFrame,
    methods: Sequence[Method],
    cutoffs: str | Iterable,
    events: Sequence[Event] | None = None,
    n_samples: int = 2000,
    seed: int = 0,
    jobs: int = 1,
    progress: bool = True,
    rule: ScoreRule = ScoreRule(),
    data_end=None,
    n_bootstrap: int = 2000,
    on_error: Literal["record", "raise"] = "record",
    scheduler: str | None = None,
    benchmarks: pd.DataFrame | None = None,
    priors_as_of: str | None = None,
) -> BacktestResult:
    """Fit every method as of every cutoff, forecast the open events, and score them.

    Per cutoff c: the methods see what was public on c (`forecast.inputs.registry.known_by`:
    models released by c, and their scores reported by c on benchmarks introduced by c); the
    events scored are those not reached by c in the full data (per `rule`) and with c
    before their `data_end`. Each (cutoff, method) gets the seed `derive_seed(seed, c, name)`
    and the rows are assembled in cutoff order, so the result is the same however many workers
    run it. With ``jobs=1`` and no scheduler (neither `scheduler` nor ``FORECAST_DASK_SCHEDULER``)
    the cutoffs run one after another in this process, without Dask. Otherwise each cutoff (its
    forecasts and their scores) is one Dask task, retried once if it fails (a worker lost
    mid-task; fits are cached atomically, so nothing half-written is left): on a local cluster of
    ``min(jobs, cutoffs)`` worker processes, or on the user's scheduler, whose workers must have
    started with PYTHONHASHSEED=0 (`forecast.evaluation.cluster.dask_client`). Methods must then
    be picklable, and a calling script needs the usual ``if __name__ == "__main__":`` guard.
    A Rich progress bar on stderr counts finished cutoffs.

    A method that cannot forecast at a cutoff from the data it is given (it raises `UserError`,
    e.g. too few models above chance) gets rows with empty scores and the message in `error`
    (`on_error="record"`, listed under `failures` in the summary, and the ranking compares
    methods on the rows all of them scored), or stops the run (`on_error="raise"`). Any other
    exception always stops the run.

    Parameters
    ----------
    models, scores : pandas.DataFrame
        The full model and score tables (scores with their ``reported`` dates).
    methods : sequence of Method
        The methods to score, with distinct names.
    cutoffs : str or iterable
        The cutoff dates, as `parse_cutoffs` reads them.
    events : sequence of Event, optional
        The events; `default_events()` by default.
    n_samples : int
        Samples per event and method (at least 10).
    seed : int
        The run's seed.
    jobs : int
        Worker processes of the local Dask cluster (1: run in this process, without Dask).
    progress : bool
        Show the progress bar.
    rule : ScoreRule
        How a model's score rows become its score.
    data_end : date or str, optional
        End of the data for every event (see `realised`).
    n_bootstrap : int
        Resamples of the summary's bootstrap over cutoffs.
    on_error : {"record", "raise"}
        What a method's `UserError` does.
    scheduler : str, optional
        A running Dask scheduler's address to run the cutoffs on; None for
        ``FORECAST_DASK_SCHEDULER`` or, when that is unset, a local cluster (``jobs > 1``).
    benchmarks : pandas.DataFrame, optional
        The benchmarks table with its ``introduced`` dates; the shipped one by default.
    priors_as_of : {"cutoff", "today"}, optional
        The technique priors' mode of every engine-family method (one with a ``priors_as_of``
        field, `forecast.evaluation.methods.EngineMethod`): "cutoff" for dated priors,
        "today" for today's (with hindsight); None keeps each method's own.

    Returns
    -------
    BacktestResult
        The tidy rows (by cutoff, then method, then event), the summary (`summarise` plus
        n_samples, seed, score_rule and data_end per benchmark), and the realised outcomes.

    Raises
    ------
    UserError
        When an argument is invalid, no event is open at any cutoff, or (with
        ``on_error="raise"``) a method cannot forecast, or when the scheduler does not answer
        or its workers' string hashing is salted.
    """
    events = list(events) if events is not None else default_events()
    methods = in_priors_mode(list(methods), priors_as_of)
    _check_arguments(events, methods, n_samples, jobs, on_error)
    cutoff_list = parse_cutoffs(cutoffs)
    models = models.copy()
    models["release_date"] = pd.to_datetime(models["release_date"])
    outcomes = realised(models, scores, events, data_end=data_end, rule=rule)
    if benchmarks is None:
        benchmarks = shipped_benchmarks()
    tasks = _cutoff_tasks(models, scores, benchmarks, methods, events, outcomes, cutoff_list, n_samples, seed,
                          on_error)
    rows = pd.concat(_run_tasks(tasks, jobs, scheduler, progress), ignore_index=True)
    summary = summarise(rows, n_bootstrap=n_bootstrap, seed=seed)
    summary.update(
        n_samples=int(n_samples),
        seed=int(seed),
        score_rule=asdict(rule),
        data_end={
            b: pd.Timestamp(e).date().isoformat()
            for b, e in outcomes.groupby("benchmark")["data_end"].max().items()
        },
    )
    return BacktestResult(rows=tidy_rows(rows), summary=summary, realised=outcomes)


def in_priors_mode(methods: list, priors_as_of: str | None) -> list:
    """`methods` with every engine-family method (one with a ``priors_as_of`` field) in the
    priors mode `priors_as_of` ("cutoff" or "today"); unchanged when it is None.

    Parameters
    ----------
    methods : list of Method
    priors_as_of : str or None

    Returns
    -------
    list of Method
    """
    if priors_as_of is None:
        return methods
    from forecast.evaluation.methods import check_priors_as_of  # deferred: about 0.1 s to import; only with a mode

    check_priors_as_of(priors_as_of)
    return [replace(m, priors_as_of=priors_as_of) if is_dataclass(m) and hasattr(m, "priors_as_of") else m
            for m in methods]


def _check_arguments(events: list[Event], methods: list, n_samples: int, jobs: int, on_error: str) -> None:
    """Raise `UserError` on the first invalid argument of `run_backtest`."""
    if not events:
        raise UserError("no events to score", key="events")
    names = [m.name for m in methods]
    if not methods or len(set(names)) != len(names):
        raise UserError(f"methods need distinct names, got {names}", key="methods")
    if n_samples < 10:
        raise UserError(f"n_samples={n_samples} is too few to score (at least 10)", key="n_samples")
    if jobs < 1:
        raise UserError(f"jobs={jobs} must be at least 1", key="jobs")
    if on_error not in ("record", "raise"):
        raise UserError(f"on_error={on_error!r} is not 'record' or 'raise'", key="on_error")


def _cutoff_tasks(
    models: pd.DataFrame,
    scores: pd.DataFrame,
    benchmarks: pd.DataFrame,
    methods: list,
    events: list[Event],
    outcomes: pd.DataFrame,
    cutoff_list: list[date],
    n_samples: int,
    seed: int,
    on_error: str,
) -> list[_CutoffTask]:
    """One task per cutoff with an open event: the data public on the cutoff (`known_by`) and the
    events not reached by it and ending after it. Raises `UserError` when there is none."""
    tasks = []
    for cutoff in cutoff_list:
        stamp = pd.Timestamp(cutoff)
        open_mask = (~outcomes["reached"] | (outcomes["realised_date"] > stamp)) & (outcomes["data_end"] > stamp)
        if not open_mask.any():
            continue
        models_c, scores_c = known_by(models, scores, benchmarks, stamp)
        idx = np.flatnonzero(open_mask.to_numpy())
        tasks.append(
            _CutoffTask(
                cutoff, models_c, scores_c, methods, [events[i] for i in idx],
                outcomes.iloc[idx].reset_index(drop=True), n_samples, seed, on_error,
            )
        )
    if not tasks:
        raise UserError("no event is open (not yet reached, before the data's end) at any cutoff", key="cutoffs")
    return tasks


def _run_tasks(tasks: list[_CutoffTask], jobs: int, scheduler: str | None, progress: bool) -> list[pd.DataFrame]:
    """The rows of every task, in task order: in this process, or as Dask tasks (`run_backtest`)."""
    address = scheduler_address(scheduler)
    bar = Progress(
        TextColumn("backtest"), BarColumn(), MofNCompleteColumn(), TextColumn("cutoffs"),
        TimeElapsedColumn(), console=Console(stderr=True), disable=not progress, transient=False,
    )
    if jobs == 1 and address is None:
        with bar:
            task_id = bar.add_task("backtest", total=len(tasks))
            results = []
            for task in tasks:
                results.append(_run_cutoff(task))
                bar.advance(task_id)
        return results
    with dask_client(min(jobs, len(tasks)), address, announce=progress) as client, bar:
        task_id = bar.add_task("backtest", total=len(tasks))
        return run_ordered(client, _run_cutoff, tasks, advance=lambda: bar.advance(task_id), name="backtest-cutoff")


def _forecast(method, task: _CutoffTask) -> tuple[np.ndarray | None, str]:
    """The method's samples, or (None, message) when it raises `UserError` and failures are
    recorded rather than raised."""
    try:
        samples = method.sample_crossings(
            task.models, task.scores, task.cutoff, list(task.events), task.n_samples,
            derive_seed(task.seed, task.cutoff, method.name, 0),
        )
    except UserError as exc:
        message = f"backtest cutoff {task.cutoff}, method '{method.name}': {exc.message}"
        if task.on_error == "record":
            return None, message
        loc = exc.location
        raise UserError(message, file=loc.file, row=loc.row, column=loc.column, key=loc.key) from exc
    samples = np.asarray(samples, dtype=float)
    expected = (len(task.events), task.n_samples)
    if samples.shape != expected:
        raise ValueError(f"method {method.name!r} returned shape {samples.shape}, expected {expected}")
    if np.isnan(samples).any() or np.isneginf(samples).any():
        raise ValueError(f"method {method.name!r} returned NaN or -inf crossing dates at {task.cutoff}")
    return samples, ""


def _run_cutoff(task: _CutoffTask) -> pd.DataFrame:
    """One cutoff's rows: per method (in order), the outcomes with the method's scores."""
    cutoff_year = float(decimal_year(pd.Timestamp(task.cutoff)))
    frames = []
    for method in task.methods:
        samples, error = _forecast(method, task)
        if samples is None:
            scored = {name: np.full(len(task.events), np.nan) for name in SCORE_FIELDS}
        else:
            scored = score_samples(
                samples,
                task.outcomes["realised_year"].to_numpy(float),
                task.outcomes["censored"].to_numpy(bool),
                task.outcomes["data_end_year"].to_numpy(float),
                cutoff_year,
                np.random.default_rng(derive_seed(task.seed, task.cutoff, method.name, 1)),
            )
        frame = task.outcomes.copy()
        frame.insert(0, "method", method.name)
        frame.insert(0, "cutoff_year", cutoff_year)
        frame.insert(0, "cutoff", pd.Timestamp(task.cutoff))
        for name in SCORE_FIELDS:
            frame[name] = scored[name]
        frame["error"] = error
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)
