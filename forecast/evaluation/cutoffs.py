"""Cutoff dates of a backtest: the dates as of which every method forecasts."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

import pandas as pd

from forecast.core.errors import UserError
from forecast.inputs.dates import parse_date

_STEP = re.compile(r"^\s*(\d+)\s*([DWMY])\s*$", re.IGNORECASE)


#: The backtest's default cutoffs: every six months from mid-2021 to the start of 2025.
DEFAULT_CUTOFFS = "2021-07-01:2025-01-01:6M"


def parse_cutoffs(spec: str | Iterable) -> list[date]:
    """Cutoff dates from a range, a list of dates, or an iterable.

    Parameters
    ----------
    spec : str or iterable
        ``"START:END:STEP"`` (STEP = n followed by D, W, M or Y; END included), a
        comma-separated list of ISO dates, or an iterable of dates / ISO strings.

    Returns
    -------
    list of datetime.date
        The cutoffs: a range in order, a list sorted and without duplicates.

    Raises
    ------
    UserError
        When a date does not parse, the step is malformed or zero, the range ends before it
        starts, or no date is given.

    Examples
    --------
    >>> [d.isoformat() for d in parse_cutoffs("2021-07-01:2022-07-01:6M")]
    ['2021-07-01', '2022-01-01', '2022-07-01']
    """
    if isinstance(spec, str):
        text = spec.strip()
        if text.count(":") == 2:
            return _cutoff_range(*text.split(":"))
        items = [s for s in text.split(",") if s.strip()]
    else:
        items = list(spec)
    if not items:
        raise UserError("no cutoff dates given", key="cutoffs")
    return sorted({parse_date(s, "cutoffs") for s in items})


def _cutoff_range(start_s: str, end_s: str, step_s: str) -> list[date]:
    """START, START + STEP, START + 2 STEP, ... up to and including END."""
    start, end = parse_date(start_s, "cutoffs"), parse_date(end_s, "cutoffs")
    m = _STEP.match(step_s)
    if m is None or int(m.group(1)) == 0:
        raise UserError(f"cutoff step {step_s!r} is not like 6M, 1Y, 2W or 30D", key="cutoffs")
    n, unit = int(m.group(1)), m.group(2).upper()
    if end < start:
        raise UserError(f"cutoff range ends ({end}) before it starts ({start})", key="cutoffs")
    offset = {
        "D": lambda k: pd.DateOffset(days=k * n),
        "W": lambda k: pd.DateOffset(weeks=k * n),
        "M": lambda k: pd.DateOffset(months=k * n),
        "Y": lambda k: pd.DateOffset(years=k * n),
    }[unit]
    out, k = [], 0
    while (d := (pd.Timestamp(start) + offset(k)).date()) <= end:
        out.append(d)
        k += 1
    return out
