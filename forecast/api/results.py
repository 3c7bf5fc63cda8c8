"""The answers of `forecast.Engine`'s questions: distributions over simulated futures.

Each result holds the samples of one question, the diagnostics of the fit it used, and
converts to a dict (`to_dict`, the CLI's JSON) or a DataFrame (`to_frame`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from forecast.inputs.dates import decimal_year, year_to_date
from forecast.projection.question import Budget

QUANTILE_LEVELS = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)

# a registry whose data end on a question's benchmarks lies more than this many months before the
# as-of date gets a note (`stale_data`)
STALE_MONTHS = 6

# what the probability between the data's end and the as-of date means, in every output
MAY_HAVE_HAPPENED = "may already have happened; not in the registry"


def months_before(earlier: date, later: date) -> float:
    """Whole calendar months from `earlier` to `later` plus the part of a month in days (30.4 a
    month); negative when `earlier` is later."""
    months = (later.year - earlier.year) * 12 + (later.month - earlier.month)
    return float(months + (later.day - earlier.day) / 30.4375)


def stale_data(data_end_by_benchmark: dict[str, date], benchmarks: list[str], as_of: date
               ) -> dict[str, Any] | None:
    """The note for a question whose benchmarks' data end lies more than `STALE_MONTHS` months
    before the as-of date, or None.

    Parameters
    ----------
    data_end_by_benchmark : dict
        Benchmark -> its data end (`forecast.api.engine.Engine.data_end_by_benchmark`).
    benchmarks : list of str
        The question's benchmarks (a model target's: every fitted benchmark's newest end).
    as_of : date
        The as-of date.

    Returns
    -------
    dict or None
        ``data_end`` (ISO; the earliest end among `benchmarks`), ``benchmarks`` (those ending
        then), ``months_before_as_of`` (one decimal) and ``note`` (the sentence the CLI prints).
    """
    ends = {b: data_end_by_benchmark[b] for b in benchmarks if b in data_end_by_benchmark}
    if not ends:
        return None
    end = min(ends.values())
    months = months_before(end, as_of)
    if months <= STALE_MONTHS:
        return None
    names = sorted(b for b, e in ends.items() if e == end)
    return {
        "data_end": end.isoformat(), "benchmarks": names, "months_before_as_of": round(months, 1),
        "note": (f"the registry's newest score on {', '.join(names)} is from {end.isoformat()}, "
                 f"{months:.0f} months before the as-of date {as_of.isoformat()}: anything released "
                 "since is not in the data, and the forecast for that time is a projection "
                 "(forecast data show lists what the registry holds)"),
    }


def _iso_dates(ends: dict[str, date]) -> dict[str, str]:
    return {b: d.isoformat() for b, d in ends.items()}


def _quantile_dates(samples: np.ndarray) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for q in QUANTILE_LEVELS:
        v = np.quantile(samples, q, method="inverted_cdf")
        out[f"{q:g}"] = year_to_date(float(v)).isoformat() if np.isfinite(v) else None
    return out


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _budget_dict(budget: Budget) -> dict[str, Any]:
    """A budget as the JSON object every answer shares: axis, value, bits and description."""
    return {"axis": budget.axis, "value": budget.value, "bits": budget.bits,
            "description": budget.describe()}


def _by_date_rows(frame: pd.DataFrame, extra: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The rows of a `to_frame` table as dicts: the date (ISO), ``quantiles`` (one entry per
    quantile level, keyed by the level as text) and the columns named in `extra`."""
    return [
        {"date": r["date"].isoformat(), "quantiles": {f"{q:g}": r[f"{q:g}"] for q in QUANTILE_LEVELS},
         **{k: r[k] for k in extra}}
        for _, r in frame.iterrows()
    ]


@dataclass
class WhenResult:
    """Distribution of the first date a release within the budget meets the target.

    Parameters
    ----------
    target : str
        The target as given.
    budget : Budget
        The size budget.
    as_of : date
        The as-of date of the fit.
    start : date
        The registry's data end (reported as ``data_end``).
    horizon : date
        The last date simulated.
    samples : numpy.ndarray
        One decimal year per simulated future; inf = not before the horizon.
    already_reached_by : dict or None
        The earliest registry model that meets the target within the budget
        (`Engine.already_reached`); then every sample is its release date.
    diagnostics : dict
        The fit's convergence diagnostics.
    p_by_dates : list of date
        The dates `to_dict` and `to_frame` give P(reached by) for.
    scenario : str or None
        The scenario's name.
    ceiling : list of dict
        Each score threshold against its benchmark's fitted ceiling (`Engine.ceiling_check`).
    target_data_end : date or None
        The registry's data end on the target's benchmarks (the earliest of their
        `data_end_by_benchmark`); None: `start`. Crossings after it and by the as-of date may
        have happened without the registry showing them (`p_may_have_happened`).
    data_end_by_benchmark : dict
        Fitted benchmark -> the release date of the newest model with a score on it in the
        registry as of the as-of date.
    not_reached_by : dict or None
        When the forecast is conditioned on the target not being met by a date
        (`Engine.when(not_reached_by=...)`): ``date`` (ISO) and ``share_dropped``, the share of
        the simulated futures that met it by then and were left out; `samples` are the others.
    stale_data : dict or None
        The note for a data end more than `STALE_MONTHS` months before the as-of date
        (`stale_data`).
    """

    target: str
    budget: Budget
    as_of: date
    start: date
    horizon: date
    samples: np.ndarray
    already_reached_by: dict[str, Any] | None
    diagnostics: dict[str, Any]
    p_by_dates: list[date] = field(default_factory=list)
    scenario: str | None = None
    ceiling: list[dict[str, Any]] = field(default_factory=list)
    target_data_end: date | None = None
    data_end_by_benchmark: dict[str, date] = field(default_factory=dict)
    not_reached_by: dict[str, Any] | None = None
    stale_data: dict[str, Any] | None = None

    @property
    def quantiles(self) -> dict[str, str | None]:
        """ISO date per quantile level (`QUANTILE_LEVELS`); None = not before the horizon."""
        return _quantile_dates(self.samples)

    @property
    def quantiles_by_as_of(self) -> list[str]:
        """The quantile levels (as text) whose date is on or before the as-of date: those
        crossings may already have happened without being in the registry (or, for a target
        already reached, did happen)."""
        return [k for k, v in self.quantiles.items() if v is not None and date.fromisoformat(v) <= self.as_of]

    @property
    def unknown_since(self) -> date:
        """The start of the window the registry cannot speak for: the target's data end, or the
        `not_reached_by` date when the forecast is conditioned on it."""
        since = self.target_data_end or self.start
        if self.not_reached_by is not None:
            since = max(since, date.fromisoformat(self.not_reached_by["date"]))
        return since

    @property
    def p_may_have_happened(self) -> float:
        """The probability that the target was first met within the budget after the data's end
        (`unknown_since`) and by the as-of date: it "may already have happened; not in the
        registry". 0 for a target the registry shows reached."""
        if self.already_reached_by is not None:
            return 0.0
        lo, hi = decimal_year(self.unknown_since), decimal_year(self.as_of)
        return float(np.mean((self.samples > lo) & (self.samples <= hi)))

    def p_by(self, when: date) -> float:
        """Probability that the target is met within the budget by `when`.

        Parameters
        ----------
        when : date

        Returns
        -------
        float
        """
        return float(np.mean(self.samples <= decimal_year(when)))

    @property
    def p_not_before_horizon(self) -> float:
        """Probability that the target is not met by the horizon."""
        return float(np.mean(~(self.samples <= decimal_year(self.horizon))))

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready dict (the CLI's ``--json`` output).

        Returns
        -------
        dict
        """
        return {
            "as_of": self.as_of.isoformat(),
            "data_end": self.start.isoformat(),
            "data_end_by_benchmark": _iso_dates(self.data_end_by_benchmark),
            "target_data_end": (self.target_data_end or self.start).isoformat(),
            "scenario": self.scenario,
            "target": self.target,
            "budget": _budget_dict(self.budget),
            "horizon": self.horizon.isoformat(),
            "p_may_have_happened": self.p_may_have_happened,
            "quantiles": self.quantiles,
            "quantiles_by_as_of": self.quantiles_by_as_of,
            "p_by": {d.isoformat(): self.p_by(d) for d in self.p_by_dates},
            "p_not_before_horizon": self.p_not_before_horizon,
            "already_reached_by": self.already_reached_by,
            "not_reached_by": self.not_reached_by,
            "stale_data": self.stale_data,
            "n_samples": int(len(self.samples)),
            "ceiling": self.ceiling,
            "diagnostics": self.diagnostics,
        }

    def to_frame(self) -> pd.DataFrame:
        """Tidy CDF: one row per p_by date.

        Returns
        -------
        pandas.DataFrame
            Columns ``date`` and ``p_by``.
        """
        return pd.DataFrame(
            {"date": [d for d in self.p_by_dates], "p_by": [self.p_by(d) for d in self.p_by_dates]}
        )


@dataclass
class SizeResult:
    """Smallest parameter count meeting the target by each date (quantiles over futures).

    Parameters
    ----------
    target : str
        The target as given.
    dates : list of date
        The dates asked about.
    log10_params : numpy.ndarray
        (paths, dates) log10 parameters; inf = larger than the size grid.
    diagnostics : dict
        The fit's convergence diagnostics.
    scenario : str or None
        The scenario's name.
    ceiling : list of dict
        Each score threshold against its benchmark's fitted ceiling (`Engine.ceiling_check`).
    as_of : date or None
        The as-of date of the fit.
    data_end : date or None
        The registry's data end, where the projection starts.
    data_end_by_benchmark : dict
        Fitted benchmark -> its data end (`WhenResult.data_end_by_benchmark`).
    stale_data : dict or None
        The note for a data end on the target's benchmarks more than `STALE_MONTHS` months
        before the as-of date (`stale_data`).
    """

    target: str
    dates: list[date]
    log10_params: np.ndarray
    diagnostics: dict[str, Any]
    scenario: str | None = None
    ceiling: list[dict[str, Any]] = field(default_factory=list)
    as_of: date | None = None
    data_end: date | None = None
    data_end_by_benchmark: dict[str, date] = field(default_factory=dict)
    stale_data: dict[str, Any] | None = None

    def to_frame(self) -> pd.DataFrame:
        """One row per date.

        Returns
        -------
        pandas.DataFrame
            ``date``, the parameter count at each quantile level (None beyond the grid) and
            ``p_within_grid``.
        """
        rows = []
        for i, d in enumerate(self.dates):
            col = self.log10_params[:, i]
            row: dict[str, Any] = {"date": d}
            for q in QUANTILE_LEVELS:
                v = np.quantile(col, q, method="inverted_cdf")
                row[f"{q:g}"] = float(10**v) if np.isfinite(v) else None
            row["p_within_grid"] = float(np.mean(np.isfinite(col)))
            rows.append(row)
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready dict (the CLI's ``--json`` output).

        Returns
        -------
        dict
        """
        return {
            "as_of": _iso(self.as_of),
            "data_end": _iso(self.data_end),
            "data_end_by_benchmark": _iso_dates(self.data_end_by_benchmark),
            "stale_data": self.stale_data,
            "scenario": self.scenario,
            "target": self.target,
            "by_date": _by_date_rows(self.to_frame(), extra=("p_within_grid",)),
            "n_samples": int(self.log10_params.shape[0]),
            "ceiling": self.ceiling,
            "diagnostics": self.diagnostics,
        }


@dataclass
class CapabilityResult:
    """Score of the best release within the budget over the year up to each date.

    Parameters
    ----------
    benchmark : str
        The benchmark scored.
    budget : Budget
        The size budget.
    dates : list of date
        The dates asked about.
    scores : numpy.ndarray
        (paths, dates) scores in [0, 1].
    diagnostics : dict
        The fit's convergence diagnostics.
    scenario : str or None
        The scenario's name.
    as_of : date or None
        The as-of date of the fit.
    data_end : date or None
        The registry's data end, where the projection starts.
    data_end_by_benchmark : dict
        Fitted benchmark -> its data end (`WhenResult.data_end_by_benchmark`).
    stale_data : dict or None
        The note for a data end on the benchmark more than `STALE_MONTHS` months before the
        as-of date (`stale_data`).
    """

    benchmark: str
    budget: Budget
    dates: list[date]
    scores: np.ndarray
    diagnostics: dict[str, Any]
    scenario: str | None = None
    as_of: date | None = None
    data_end: date | None = None
    data_end_by_benchmark: dict[str, date] = field(default_factory=dict)
    stale_data: dict[str, Any] | None = None

    def to_frame(self) -> pd.DataFrame:
        """One row per date.

        Returns
        -------
        pandas.DataFrame
            ``date`` and the score at each quantile level.
        """
        rows = []
        for i, d in enumerate(self.dates):
            row: dict[str, Any] = {"date": d}
            for q in QUANTILE_LEVELS:
                row[f"{q:g}"] = float(np.quantile(self.scores[:, i], q))
            rows.append(row)
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready dict (the CLI's ``--json`` output).

        Returns
        -------
        dict
        """
        return {
            "as_of": _iso(self.as_of),
            "data_end": _iso(self.data_end),
            "data_end_by_benchmark": _iso_dates(self.data_end_by_benchmark),
            "stale_data": self.stale_data,
            "scenario": self.scenario,
            "benchmark": self.benchmark,
            "budget": _budget_dict(self.budget),
            "by_date": _by_date_rows(self.to_frame()),
            "n_samples": int(self.scores.shape[0]),
            "diagnostics": self.diagnostics,
        }
