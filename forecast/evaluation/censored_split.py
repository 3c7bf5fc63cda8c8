"""One method's backtest scores with decided and censored rows apart.

A row is *reached* when its event happened by the data's end d and *censored* otherwise. For an
interval of level L a row is *decided* when the outcome settles whether the interval covers it
(`covered_L` True or False; `forecast.evaluation.scoring` says when a censored row is decided)
and *undecided* otherwise (`covered_L` missing: a censored row whose interval straddles d).

* Coverage on decided rows: the share of decided rows covered. Nothing is credited to the
  undecided rows, in particular not the forecast's own probability.
* Bounds on the coverage of all rows that the censoring allows: the lower bound counts every
  undecided row as a miss, ``covered / n``; the upper bound counts it as covered,
  ``(covered + undecided) / n``. The coverage the outcomes will show once every event is decided
  lies between them, whatever the forecast says.
* CRPS separately on reached rows and on censored rows (the censored CRPS clips forecast and
  outcome at d, as `forecast.evaluation.scoring` defines it; a forecast of "not before d" scores
  0 there, so it is reported apart, with the number of rows of each kind).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.core.errors import UserError
from forecast.evaluation.scoring import LEVELS
from forecast.evaluation.two_way_bootstrap import TwoWayBootstrap


def indicator(values: pd.Series) -> np.ndarray:
    """A coverage column as floats: 1.0 covered, 0.0 not, NaN undecided.

    Parameters
    ----------
    values : pandas.Series
        Booleans (nullable or object, as a saved table reads back), 1.0 / 0.0 / NaN, or the
        strings "True" / "False".

    Returns
    -------
    numpy.ndarray
        Float array of the same length.

    Raises
    ------
    UserError
        When a value is none of these (key: the column's name).
    """
    mapping = {True: 1.0, False: 0.0, 1.0: 1.0, 0.0: 0.0, "True": 1.0, "False": 0.0, "true": 1.0, "false": 0.0}
    out = np.full(len(values), np.nan)
    for i, v in enumerate(values.astype(object).to_numpy()):
        if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
            continue
        try:
            out[i] = mapping[v]
        except (KeyError, TypeError):
            raise UserError(f"coverage value {v!r} is not True, False or empty", key=str(values.name)) from None
    return out


def censored_mask(frame: pd.DataFrame) -> np.ndarray:
    """Per row: the event was not reached by the data's end.

    Parameters
    ----------
    frame : pandas.DataFrame
        Backtest rows with a `censored` column (booleans, or "True"/"False").

    Returns
    -------
    numpy.ndarray
        Boolean array.

    Raises
    ------
    UserError
        When the column is missing or holds another value (key "censored").
    """
    if "censored" not in frame:
        raise UserError("backtest rows lack the column 'censored'", key="censored")
    values = indicator(frame["censored"].rename("censored"))
    if np.isnan(values).any():
        raise UserError("backtest rows have an empty 'censored' value", key="censored")
    return values == 1.0


def split_scores(frame: pd.DataFrame, boot: TwoWayBootstrap) -> dict:
    """Coverage on decided rows with the censoring's bounds, and CRPS per kind of row.

    Parameters
    ----------
    frame : pandas.DataFrame
        One method's scored rows: `cutoff`, `event`, `censored`, `crps` and `covered_50`,
        `covered_80`, `covered_90`.
    boot : TwoWayBootstrap
        The resampling behind the intervals.

    Returns
    -------
    dict
        ``n_reached``, ``n_censored``; per level "0.5", "0.8", "0.9": ``coverage`` (decided
        rows only, None without any), ``coverage_ci``, ``n_decided``, ``n_undecided``,
        ``coverage_bounds`` ([lower, upper] on all rows, None without rows); ``crps_reached``,
        ``crps_reached_ci``, ``crps_censored``, ``crps_censored_ci`` (years).

    Raises
    ------
    UserError
        When a needed column is missing (key: the column).
    """
    for col in ("cutoff", "event", "crps", *(f"covered_{round(lv * 100)}" for lv in LEVELS)):
        if col not in frame:
            raise UserError(f"backtest rows lack the column '{col}'", key=col)
    cens = censored_mask(frame)
    crps = pd.to_numeric(frame["crps"], errors="coerce").to_numpy(float)
    out: dict = {"n_reached": int((~cens).sum()), "n_censored": int(cens.sum())}
    cov, cov_ci, n_dec, n_undec, bounds = {}, {}, {}, {}, {}
    for level in LEVELS:
        key = str(level)
        covered = indicator(frame[f"covered_{round(level * 100)}"])
        decided = ~np.isnan(covered)
        cov[key], cov_ci[key] = boot.mean(frame, covered)
        n_dec[key], n_undec[key] = int(decided.sum()), int((~decided).sum())
        n = len(covered)
        hits = float(np.nansum(covered))
        bounds[key] = [hits / n, (hits + n_undec[key]) / n] if n else None
    out.update(coverage=cov, coverage_ci=cov_ci, n_decided=n_dec, n_undecided=n_undec, coverage_bounds=bounds)
    out["crps_reached"], out["crps_reached_ci"] = boot.mean(frame, np.where(cens, np.nan, crps))
    out["crps_censored"], out["crps_censored_ci"] = boot.mean(frame, np.where(cens, crps, np.nan))
    return out


def split_by_cutoff(frame: pd.DataFrame) -> dict:
    """The split's point values at each cutoff (no intervals).

    Parameters
    ----------
    frame : pandas.DataFrame
        One method's scored rows, as for `split_scores`.

    Returns
    -------
    dict
        Per cutoff (ISO date): ``n_reached``, ``n_censored``, ``coverage_decided_0.5/0.8/0.9``,
        ``coverage_bounds_0.8`` ([lower, upper]), ``crps_reached``, ``crps_censored``.
    """
    out = {}
    for cutoff, g in frame.groupby("cutoff", sort=True):
        cens = censored_mask(g)
        crps = pd.to_numeric(g["crps"], errors="coerce").to_numpy(float)
        entry: dict = {"n_reached": int((~cens).sum()), "n_censored": int(cens.sum())}
        for level in LEVELS:
            covered = indicator(g[f"covered_{round(level * 100)}"])
            entry[f"coverage_decided_{level}"] = _mean(covered)
            if level == 0.8:
                hits, undecided = float(np.nansum(covered)), int(np.isnan(covered).sum())
                entry["coverage_bounds_0.8"] = [hits / len(g), (hits + undecided) / len(g)]
        entry["crps_reached"] = _mean(crps[~cens])
        entry["crps_censored"] = _mean(crps[cens])
        out[_iso(cutoff)] = entry
    return out


def _mean(values: np.ndarray) -> float | None:
    """Mean of the finite values, None without any."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    return float(v.mean()) if len(v) else None


def _iso(value) -> str:
    """A cutoff as an ISO date string."""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
