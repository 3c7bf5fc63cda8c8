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

    @property
    def quantiles(self) -> dict[str, str | None]:
        """ISO date per quantile level (`QUANTILE_LEVELS`); None = not before the horizon."""
        return _quantile_dates(self.samples)

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
            "scenario": self.scenario,
            "target": self.target,
            "budget": _budget_dict(self.budget),
            "horizon": self.horizon.isoformat(),
            "quantiles": self.quantiles,
            "p_by": {d.isoformat(): self.p_by(d) for d in self.p_by_dates},
            "p_not_before_horizon": self.p_not_before_horizon,
            "already_reached_by": self.already_reached_by,
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
    """

    target: str
    dates: list[date]
    log10_params: np.ndarray
    diagnostics: dict[str, Any]
    scenario: str | None = None
    ceiling: list[dict[str, Any]] = field(default_factory=list)
    as_of: date | None = None
    data_end: date | None = None

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
    """

    benchmark: str
    budget: Budget
    dates: list[date]
    scores: np.ndarray
    diagnostics: dict[str, Any]
    scenario: str | None = None
    as_of: date | None = None
    data_end: date | None = None

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
            "scenario": self.scenario,
            "benchmark": self.benchmark,
            "budget": _budget_dict(self.budget),
            "by_date": _by_date_rows(self.to_frame()),
            "n_samples": int(self.scores.shape[0]),
            "diagnostics": self.diagnostics,
        }
