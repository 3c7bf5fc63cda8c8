"""Time-series cross-validation: the backtest's scored rows as one tidy frame, one row per
cutoff x method x event, in the manner of statsforecast's ``cross_validation``.

>>> from forecast.evaluation.cross_validation import cross_validation
>>> frame = cross_validation(models, scores, methods, "2021-01-01:2023-01-01:1Y")  # doctest: +SKIP
>>> frame.groupby(["cutoff", "method"])["crps"].mean()                               # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import pandas as pd

from forecast.evaluation.backtest import run_backtest
from forecast.evaluation.events import Event
from forecast.evaluation.method_protocol import Method
from forecast.evaluation.score_rule import ScoreRule


def cross_validation(
    models: pd.DataFrame,
    scores: pd.DataFrame,
    methods: Sequence[Method],
    cutoffs: str | Iterable[date | str],
    events: Sequence[Event] | None = None,
    n_samples: int = 2000,
    seed: int = 0,
    jobs: int = 1,
    scheduler: str | None = None,
    progress: bool = False,
    rule: ScoreRule = ScoreRule(),
    data_end: Any = None,
    benchmarks: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Fit every method as of every cutoff, forecast the events still open then, and return the
    scored rows with their ``cutoff`` column first.

    A thin wrapper of `forecast.evaluation.backtest.run_backtest` (which documents the cutoffs,
    seeds and the Dask options): each method sees only what was public on a cutoff, and
    each (cutoff, method) gets its own seed derived from `seed`, so the frame is the same
    however many workers run it. A method that cannot forecast at a cutoff leaves rows with
    empty scores and its message in ``error``.

    Parameters
    ----------
    models, scores : pandas.DataFrame
        The full model and score tables (as in the registry).
    methods : sequence of Method
        The methods, with distinct names (`forecast.evaluation.method_protocol.Method`).
    cutoffs : str or iterable
        ``FIRST:LAST:STEP`` (e.g. ``2021-01-01:2023-01-01:1Y``), dates joined by ``,``, or dates.
    events : sequence of Event, optional
        The crossing events; `forecast.evaluation.events.default_events()` by default.
    n_samples : int
        Forecast samples per event and method (at least 10).
    seed : int
        The run's seed.
    jobs : int
        Worker processes of a local Dask cluster (1: in this process).
    scheduler : str, optional
        A Dask scheduler to run the cutoffs on.
    progress : bool
        Show a progress bar on stderr.
    rule : ScoreRule
        How a model's score rows become its score.
    data_end : date or str, optional
        End of the data for every event.
    benchmarks : pandas.DataFrame, optional
        The benchmarks table with ``introduced`` dates; the shipped one by default.

    Returns
    -------
    pandas.DataFrame
        One row per (cutoff, method, event) in the backtest's order (`BacktestResult.rows`):
        ``cutoff`` (a `datetime.date`) first, then the method, the event, the forecast's
        quantiles, the outcome and the scores.

    Raises
    ------
    UserError
        As `run_backtest`: an invalid argument or no event open at any cutoff.
    """
    result = run_backtest(models, scores, methods, cutoffs, events=events, n_samples=n_samples,
                          seed=seed, jobs=jobs, progress=progress, rule=rule, data_end=data_end,
                          scheduler=scheduler, benchmarks=benchmarks)
    rows = result.rows
    return rows[["cutoff", *[c for c in rows.columns if c != "cutoff"]]].reset_index(drop=True)
