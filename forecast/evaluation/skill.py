"""Skill of each backtest method against each other method, paired on the rows both scored.

For a method m and a baseline b, on the (cutoff, event) pairs both forecast:

* CRPS difference ``mean(CRPS_m - CRPS_b)`` in years (negative: m is better), over all common
  rows and separately over reached and censored rows (`forecast.evaluation.censored_split`);
* Brier skill on P(first crossing by the data's end) (`forecast.evaluation.data_end_brier`),
  ``1 - sum(Brier_m) / sum(Brier_b)`` (positive: m is better; 1 is perfect).

Both overall, with the two-way bootstrap over cutoffs and events
(`forecast.evaluation.two_way_bootstrap`), and per cutoff, with the events resampled. The same
resamples serve every pair, so the comparisons are paired.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.core.errors import UserError
from forecast.evaluation.censored_split import censored_mask
from forecast.evaluation.two_way_bootstrap import TwoWayBootstrap


def paired_rows(rows: pd.DataFrame, method: str, baseline: str) -> pd.DataFrame:
    """The rows both methods scored, side by side.

    Parameters
    ----------
    rows : pandas.DataFrame
        Scored rows of every method: `method`, `cutoff`, `event`, `censored`, `crps` and
        `brier_data_end` (the squared error of P(first crossing by the data's end)).
    method, baseline : str
        The two methods' names.

    Returns
    -------
    pandas.DataFrame
        One row per common (cutoff, event): `cutoff`, `event`, `censored`, `crps_m`, `crps_b`,
        `brier_m`, `brier_b`, sorted by cutoff and event.

    Raises
    ------
    UserError
        When a column is missing (key: the column), a method has no rows (key "method") or has
        two rows of one (cutoff, event) (key "event").
    """
    for col in ("method", "cutoff", "event", "censored", "crps", "brier_data_end"):
        if col not in rows:
            raise UserError(f"backtest rows lack the column '{col}'", key=col)
    keys = ["cutoff", "event"]
    parts = []
    for name, tag in ((method, "m"), (baseline, "b")):
        own = rows[rows["method"] == name]
        if own.empty:
            raise UserError(f"no scored rows of method '{name}'", key="method")
        if own.duplicated(keys).any():
            raise UserError(f"method '{name}' has two rows of one (cutoff, event)", key="event")
        cols = keys + (["censored"] if tag == "m" else []) + ["crps", "brier_data_end"]
        parts.append(own[cols].rename(columns={"crps": f"crps_{tag}", "brier_data_end": f"brier_{tag}"}))
    both = parts[0].merge(parts[1], on=keys, how="inner")
    return both.sort_values(keys, kind="stable").reset_index(drop=True)


def pair_skill(pairs: pd.DataFrame, boot: TwoWayBootstrap, within_cutoff: bool = False) -> dict:
    """CRPS differences and Brier skill of one method against one baseline on paired rows.

    Parameters
    ----------
    pairs : pandas.DataFrame
        As `paired_rows` returns them.
    boot : TwoWayBootstrap
        The resampling behind the intervals.
    within_cutoff : bool
        The rows are one cutoff's: resample the events only.

    Returns
    -------
    dict
        ``n``, ``n_reached``, ``n_censored``; ``crps_diff``, ``crps_diff_ci``,
        ``crps_diff_reached``, ``crps_diff_reached_ci``, ``crps_diff_censored``,
        ``crps_diff_censored_ci`` (years, method minus baseline); ``brier_skill``,
        ``brier_skill_ci`` (None where the baseline's Brier sum is 0).
    """
    cens = censored_mask(pairs)
    diff = pairs["crps_m"].to_numpy(float) - pairs["crps_b"].to_numpy(float)
    out: dict = {"n": int(np.isfinite(diff).sum()), "n_reached": int((np.isfinite(diff) & ~cens).sum()),
                 "n_censored": int((np.isfinite(diff) & cens).sum())}
    out["crps_diff"], out["crps_diff_ci"] = boot.mean(pairs, diff, within_cutoff)
    out["crps_diff_reached"], out["crps_diff_reached_ci"] = boot.mean(pairs, np.where(cens, np.nan, diff), within_cutoff)
    out["crps_diff_censored"], out["crps_diff_censored_ci"] = boot.mean(pairs, np.where(cens, diff, np.nan), within_cutoff)
    bm, bb = pairs["brier_m"].to_numpy(float), pairs["brier_b"].to_numpy(float)
    out["brier_skill"], out["brier_skill_ci"] = boot.ratio(pairs, bm, bb, within_cutoff, transform=lambda r: 1 - r)
    return out


def skill_table(rows: pd.DataFrame, methods: list[str], boot: TwoWayBootstrap) -> dict:
    """Every method's skill against every other method, overall and per cutoff.

    Parameters
    ----------
    rows : pandas.DataFrame
        Scored rows of every method, as `paired_rows` reads them.
    methods : list of str
        The methods, in the summary's order.
    boot : TwoWayBootstrap
        The resampling behind the intervals.

    Returns
    -------
    dict
        ``{method: {baseline: pair_skill(...) | {"by_cutoff": {ISO date: pair_skill(...)}}}}``
        for every ordered pair of distinct methods that share a row.
    """
    out: dict = {}
    for m in methods:
        out[m] = {}
        for b in methods:
            if b == m or rows.loc[rows["method"] == m].empty or rows.loc[rows["method"] == b].empty:
                continue
            pairs = paired_rows(rows, m, b)
            if pairs.empty:
                continue
            entry = pair_skill(pairs, boot)
            entry["by_cutoff"] = {
                (c.isoformat() if hasattr(c, "isoformat") else str(c)): pair_skill(g, boot, within_cutoff=True)
                for c, g in pairs.groupby("cutoff", sort=True)
            }
            out[m][b] = entry
    return out
