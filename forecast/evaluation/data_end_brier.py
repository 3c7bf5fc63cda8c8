"""The fully observed question of a backtest row: did the first crossing come before the data's end?

Every row decides it: a reached row (crossed by the data's end d) is 1, a censored row 0. The
forecast is the method's probability of a first crossing by d, ``P(X <= d)`` over its samples,
which `forecast.evaluation.scoring` stores per row as `p_by_data_end`. Its Brier score
``(p - o)^2`` charges a forecast for the probability it gave to crossings that did not come, which
censored CRPS and coverage cannot.

Rows saved before that column existed carry only the quantiles q05..q95 and the PIT interval;
`probability_by_data_end` then rebuilds the probability: exactly for a censored row (its
``pit_lo`` is ``P(X <= d)``), and for a reached row by linear interpolation of the forecast's
distribution function through its quantiles and its value at the outcome T <= d (``pit_hi``),
which bounds it from below. The summary names which was used (`p_source`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.core.errors import UserError
from forecast.evaluation.censored_split import censored_mask
from forecast.evaluation.scoring import QUANTILES
from forecast.evaluation.two_way_bootstrap import TwoWayBootstrap

#: Bins of the reliability diagram: equal widths on [0, 1].
RELIABILITY_BINS = 10
_QUANTILE_COLUMNS = tuple(f"q{round(p * 100):02d}" for p in QUANTILES)


def probability_by_data_end(frame: pd.DataFrame) -> tuple[np.ndarray, str]:
    """Each row's forecast probability of a first crossing by the data's end.

    Parameters
    ----------
    frame : pandas.DataFrame
        Scored backtest rows: `p_by_data_end`, or else `censored`, `data_end_year`,
        `realised_year`, `pit_hi`, `pit_lo` and the quantile columns q05..q95.

    Returns
    -------
    tuple
        The probabilities (NaN where a row has no scores) and their source: "samples" (the
        column `p_by_data_end`) or "quantiles" (rebuilt as the module docstring says).

    Raises
    ------
    UserError
        When neither `p_by_data_end` nor the columns to rebuild it are present (key: the first
        missing column).
    """
    if "p_by_data_end" in frame:
        p = pd.to_numeric(frame["p_by_data_end"], errors="coerce").to_numpy(float)
        has_scores = np.isfinite(pd.to_numeric(frame.get("crps", pd.Series(p)), errors="coerce").to_numpy(float))
        if np.isfinite(p[has_scores]).all():
            return p, "samples"
    for col in ("data_end_year", "realised_year", "pit_lo", "pit_hi", *_QUANTILE_COLUMNS):
        if col not in frame:
            raise UserError(f"backtest rows lack 'p_by_data_end' and the column '{col}' to rebuild it", key=col)
    cens = censored_mask(frame)
    d = pd.to_numeric(frame["data_end_year"], errors="coerce").to_numpy(float)
    t = pd.to_numeric(frame["realised_year"], errors="coerce").to_numpy(float)
    pit_lo = pd.to_numeric(frame["pit_lo"], errors="coerce").to_numpy(float)
    pit_hi = pd.to_numeric(frame["pit_hi"], errors="coerce").to_numpy(float)
    q = np.column_stack([pd.to_numeric(frame[c], errors="coerce").to_numpy(float) for c in _QUANTILE_COLUMNS])
    out = np.full(len(frame), np.nan)
    for i in range(len(frame)):
        if not np.isfinite(pit_lo[i]):
            continue
        out[i] = pit_lo[i] if cens[i] else _interpolated_cdf(q[i], d[i], t[i], pit_hi[i])
    return out, "quantiles"


def _interpolated_cdf(q: np.ndarray, d: float, t: float, f_t: float) -> float:
    """F(d) from the quantiles q (at `QUANTILES`, +inf allowed) and F(t) = f_t with t <= d.

    Linear between the known points; past the last finite quantile, halfway between its level
    and the next level (whose quantile is +inf) or 1; never below f_t.
    """
    probs = np.asarray(QUANTILES, dtype=float)
    xs = [t] + [float(x) for x in q if np.isfinite(x)]
    ps = [f_t] + [float(p) for x, p in zip(q, probs) if np.isfinite(x)]
    order = np.argsort(xs, kind="stable")
    xs_sorted, ps_sorted = np.asarray(xs)[order], np.maximum.accumulate(np.asarray(ps)[order])
    if d <= xs_sorted[-1]:
        value = float(np.interp(d, xs_sorted, ps_sorted))
    else:
        finite = int(np.isfinite(q).sum())
        top = float(probs[finite - 1]) if finite else 0.0
        nxt = float(probs[finite]) if finite < len(probs) else 1.0
        value = (max(top, ps_sorted[-1]) + nxt) / 2
    return float(min(1.0, max(f_t, value)))


def reliability_bins(p: np.ndarray, observed: np.ndarray, bins: int = RELIABILITY_BINS) -> list[dict]:
    """The reliability diagram: forecast probabilities binned, against how often the event came.

    Parameters
    ----------
    p : numpy.ndarray
        Forecast probabilities in [0, 1] (NaN rows are left out).
    observed : numpy.ndarray
        Outcomes, 1.0 or 0.0, one per probability.
    bins : int
        Equal-width bins on [0, 1]; a probability on an inner edge goes to the upper bin, 1.0
        to the last.

    Returns
    -------
    list of dict
        One per bin, in order: ``lo``, ``hi``, ``n`` (rows), ``p_mean`` (mean forecast) and
        ``observed`` (share of rows whose event came), both None in an empty bin.

    Raises
    ------
    UserError
        When `bins` is below 1 (key "bins") or the arrays differ in length (key "observed").
    """
    if bins < 1:
        raise UserError(f"bins={bins} must be at least 1", key="bins")
    p = np.asarray(p, dtype=float)
    o = np.asarray(observed, dtype=float)
    if p.shape != o.shape:
        raise UserError("probabilities and outcomes differ in length", key="observed")
    keep = np.isfinite(p) & np.isfinite(o)
    p, o = p[keep], o[keep]
    edges = np.round(np.linspace(0.0, 1.0, bins + 1), 12)  # 0.6 on the edge at 0.6, not 0.6000000000000001
    idx = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, bins - 1)
    out = []
    for b in range(bins):
        sel = idx == b
        n = int(sel.sum())
        out.append({"lo": round(float(edges[b]), 6), "hi": round(float(edges[b + 1]), 6), "n": n,
                    "p_mean": float(p[sel].mean()) if n else None,
                    "observed": float(o[sel].mean()) if n else None})
    return out


def data_end_scores(frame: pd.DataFrame, boot: TwoWayBootstrap) -> dict:
    """One method's Brier score of P(first crossing by the data's end), overall and per cutoff.

    Parameters
    ----------
    frame : pandas.DataFrame
        The method's scored rows (`cutoff`, `event`, `censored`, and what
        `probability_by_data_end` reads).
    boot : TwoWayBootstrap
        The resampling behind the intervals (per cutoff: events only).

    Returns
    -------
    dict
        ``brier``, ``brier_ci``, ``n``, ``p_mean`` (mean forecast), ``observed`` (share
        reached), ``p_source`` ("samples" or "quantiles"), ``reliability`` (`reliability_bins`)
        and ``by_cutoff`` {ISO date: n, brier, brier_ci, p_mean, observed, reliability}.
    """
    p, source = probability_by_data_end(frame)
    o = (~censored_mask(frame)).astype(float)
    brier = (p - o) ** 2
    point, interval = boot.mean(frame, brier)
    keep = np.isfinite(p)
    out: dict = {
        "brier": point, "brier_ci": interval, "n": int(keep.sum()),
        "p_mean": float(p[keep].mean()) if keep.any() else None,
        "observed": float(o[keep].mean()) if keep.any() else None,
        "p_source": source, "reliability": reliability_bins(p, o), "by_cutoff": {},
    }
    cutoffs = frame["cutoff"].to_numpy()
    for cutoff in sorted(set(cutoffs)):
        sel = cutoffs == cutoff
        g = frame[sel]
        b, b_ci = boot.mean(g, brier[sel], within_cutoff=True)
        ks = keep[sel]
        out["by_cutoff"][cutoff.isoformat() if hasattr(cutoff, "isoformat") else str(cutoff)] = {
            "n": int(ks.sum()), "brier": b, "brier_ci": b_ci,
            "p_mean": float(p[sel][ks].mean()) if ks.any() else None,
            "observed": float(o[sel][ks].mean()) if ks.any() else None,
            "reliability": reliability_bins(p[sel], o[sel]),
        }
    return out
