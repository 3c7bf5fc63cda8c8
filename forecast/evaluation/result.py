"""The result of a backtest: its rows, its summary, and the files they are saved in."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from forecast.core.errors import UserError
from forecast.core.io import atomic_write
from forecast.evaluation.scoring import LEVELS

_DATE_COLUMNS = ("cutoff", "realised_date", "data_end")


def tidy_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """Give the scored rows their table types, in place.

    Parameters
    ----------
    rows : pandas.DataFrame
        Rows as the runner builds them: `covered_L` as 1.0 / 0.0 / NaN, dates as timestamps.

    Returns
    -------
    pandas.DataFrame
        The same frame with `covered_L` as nullable booleans and the date columns (cutoff,
        realised_date, data_end) as `datetime.date`.
    """
    for level in LEVELS:
        col = f"covered_{round(level * 100)}"
        rows[col] = rows[col].map({1.0: True, 0.0: False}).astype("boolean")
    for col in _DATE_COLUMNS:
        rows[col] = pd.to_datetime(rows[col]).dt.date
    return rows


@dataclass
class BacktestResult:
    """A backtest's rows, summary and realised outcomes.

    Parameters
    ----------
    rows : pandas.DataFrame
        One tidy row per (cutoff, event, method).
    summary : dict
        Aggregate scores (JSON-ready).
    realised : pandas.DataFrame
        The outcome of every event in the full data.
    """

    rows: pd.DataFrame
    summary: dict
    realised: pd.DataFrame = field(repr=False)

    def save(self, out_dir: str | Path) -> dict[str, Path]:
        """Write `backtest_rows.csv` and `backtest_summary.json` into `out_dir` atomically.

        Parameters
        ----------
        out_dir : str or Path
            The folder to write into.

        Returns
        -------
        dict of str to Path
            The paths written, under "rows" and "summary".
        """
        out = Path(out_dir)
        paths = {"rows": out / "backtest_rows.csv", "summary": out / "backtest_summary.json"}
        atomic_write(paths["rows"], self.rows.to_csv(index=False))
        atomic_write(paths["summary"], json.dumps(self.summary, indent=2, allow_nan=False) + "\n")
        return paths


def load_backtest(out_dir: str | Path) -> BacktestResult:
    """Read a backtest written by `BacktestResult.save`.

    Parameters
    ----------
    out_dir : str or Path
        The folder holding `backtest_rows.csv` and `backtest_summary.json`.

    Returns
    -------
    BacktestResult
        The rows (date columns as `datetime.date`) and the summary; `realised` is rebuilt from
        the rows, one per (benchmark, threshold, max_params).

    Raises
    ------
    UserError
        When either file is missing or unreadable.
    """
    out = Path(out_dir)
    try:
        rows = pd.read_csv(out / "backtest_rows.csv")
        summary = json.loads((out / "backtest_summary.json").read_text())
    except (OSError, ValueError) as exc:
        raise UserError(f"not a readable backtest folder ({exc})", file=out) from None
    for col in _DATE_COLUMNS:
        if col in rows:
            rows[col] = pd.to_datetime(rows[col]).dt.date
    keys = [c for c in ("benchmark", "threshold", "max_params") if c in rows]
    realised = rows.drop_duplicates(keys) if keys else rows.iloc[0:0]
    return BacktestResult(rows=rows, summary=summary, realised=realised)
