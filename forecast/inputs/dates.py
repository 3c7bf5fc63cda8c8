"""Calendar dates and decimal years, and the one parser of dates given by users and files.

Times inside the model and the projection are decimal years: the year plus the fraction of it
that has passed, ``2023-07-02 -> 2023 + 182/365``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from forecast.core.errors import UserError

EARLIEST = date(2015, 1, 1)
LATEST = date(2100, 1, 1)
MAX_DATE_CHARS = 64


def decimal_year(when: Any) -> Any:
    """Date(s) as decimal years: year + (time since 1 January) / (length of that year).

    Parameters
    ----------
    when : date, datetime, Timestamp, numpy datetime64, or an array-like or Series of them

    Returns
    -------
    float for a single date; a float Series with the same index for a Series; otherwise a float
    ndarray. Missing dates give NaN. ``2023-01-01 -> 2023.0``, ``2023-07-02 -> 2023.4986``.
    """
    series = when if isinstance(when, pd.Series) else None
    scalar = not isinstance(when, (pd.Series, pd.Index, np.ndarray, list, tuple))
    idx = pd.DatetimeIndex(pd.to_datetime([when] if scalar else list(when)))
    if len(idx) == 0:
        out = np.array([], dtype=float)
    else:
        start = pd.to_datetime(pd.DataFrame({"year": idx.year, "month": 1, "day": 1}))
        end = pd.to_datetime(pd.DataFrame({"year": idx.year + 1, "month": 1, "day": 1}))
        frac = (idx - pd.DatetimeIndex(start)) / (pd.DatetimeIndex(end) - pd.DatetimeIndex(start))
        out = np.asarray(idx.year + np.asarray(frac, dtype=float), dtype=float)
    if scalar:
        return float(out[0])
    if series is not None:
        return pd.Series(out, index=series.index, name=series.name)
    return out


def year_to_date(y: float) -> date:
    """Decimal year -> calendar date, the inverse of `decimal_year` to the day.

    Parameters
    ----------
    y : float
        A decimal year such as 2023.4986.

    Returns
    -------
    datetime.date
    """
    year = int(np.floor(y))
    start = pd.Timestamp(year=year, month=1, day=1)
    end = pd.Timestamp(year=year + 1, month=1, day=1)
    return (start + (end - start) * (y - year)).round("D").date()


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def parse_date(value: Any, key: str, *, file: Any = None, default: date | None = None,
               earliest: date = EARLIEST, latest: date = LATEST) -> date:
    """A date from a user, a file or the library: a `date`, a `Timestamp` or ISO text YYYY-MM-DD.

    Parameters
    ----------
    value : date, pandas.Timestamp, str or None
        None gives `default` (a `UserError` when there is none). A `datetime` with a time of
        day is refused: every date in the project is a calendar day.
    key : str
        The option, column or key the value came from, named in the error.
    file : path, optional
        The file the value came from, named in the error.
    default : date, optional
    earliest, latest : date
        The accepted range, inclusive.

    Returns
    -------
    datetime.date

    Raises
    ------
    UserError
        Naming `file` and `key`, when the value is not a date or lies outside the range.
    """
    if value is None:
        if default is None:
            raise UserError("a date is required", file=file, key=key)
        return default
    if value is pd.NaT:
        raise UserError("is not a date (YYYY-MM-DD)", file=file, key=key)
    if isinstance(value, pd.Timestamp):
        if value != value.normalize():
            raise UserError("expected a date (YYYY-MM-DD), not a date-time", file=file, key=key)
        out = value.date()
    elif isinstance(value, datetime):
        if value != datetime.combine(value.date(), datetime.min.time(), value.tzinfo):
            raise UserError("expected a date (YYYY-MM-DD), not a date-time", file=file, key=key)
        out = value.date()
    elif isinstance(value, date):
        out = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            if len(text) > MAX_DATE_CHARS:
                raise ValueError
            out = date.fromisoformat(text)
        except ValueError:
            raise UserError(f"'{_shown(value)}' is not a date (YYYY-MM-DD); it does not parse",
                            file=file, key=key) from None
    else:
        raise UserError(f"expected a date (YYYY-MM-DD), got {type(value).__name__}",
                        file=file, key=key)
    if not earliest <= out <= latest:
        raise UserError(f"{out.isoformat()} is outside {earliest.isoformat()}..{latest.isoformat()}",
                        file=file, key=key)
    return out
