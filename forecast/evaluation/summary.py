"""Aggregate scores of a backtest per method, with bootstrap intervals over cutoffs and events.

Correlated rows: events are nested (reaching 0.70 at 7B also reaches 0.65 at 7B and 0.70 at
14B), a few frontier models decide most of them, and the rows of one cutoff share a fit. The
intervals on aggregate scores come from the two-way bootstrap over cutoffs and events
(`forecast.evaluation.two_way_bootstrap`; the same resamples for every method, so differences
between methods are paired), and the summary reports how many distinct releases decided the
scored crossings (`deciding_releases`).

Methods that cannot forecast: a data-only method may have nothing to fit at an early cutoff
(before 2022 few models score above chance on MMLU). Its rows there keep the outcome and an
`error` message but no scores; each method's scores cover the rows it forecast, and the ranking
and the paired differences use the common rows, those every method forecast (the skill table:
those the two methods compared forecast).

Per method the summary holds, besides the overall CRPS, Brier scores and PIT histogram: the
decided and censored rows apart (`decided`: coverage on decided rows with the bounds the
censored rows allow, CRPS on reached and on censored rows; `forecast.evaluation.censored_split`),
the Brier score and reliability of P(first crossing by the data's end) (`before_data_end`;
`forecast.evaluation.data_end_brier`), and its skill against every other method (`skill`;
`forecast.evaluation.skill`). `coverage` is the mean coverage *credit* of
`forecast.evaluation.scoring`, which takes the forecast's own probability for undecided rows;
the headline coverage is `decided.coverage` with `decided.coverage_bounds`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.core.errors import UserError
from forecast.evaluation.censored_split import censored_mask, split_by_cutoff, split_scores
from forecast.evaluation.data_end_brier import data_end_scores, probability_by_data_end
from forecast.evaluation.scoring import BRIER_HORIZONS_YEARS, LEVELS
from forecast.evaluation.skill import skill_table
from forecast.evaluation.two_way_bootstrap import TwoWayBootstrap

PIT_BINS = 10


def _finite(x: float) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


def _pit_histogram(lo: np.ndarray, hi: np.ndarray, bins: int = PIT_BINS) -> list[float]:
    """Sum over rows of the share of each row's PIT interval [lo, hi] in each bin (a point mass
    when lo == hi): the censoring-aware PIT histogram (counts of rows, fractional)."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    width = hi - lo
    point = width <= 1e-12
    overlap = np.clip(np.minimum(hi[:, None], edges[None, 1:]) - np.maximum(lo[:, None], edges[None, :-1]), 0, None)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(point[:, None], 0.0, overlap / np.where(point, 1.0, width)[:, None])
    idx = np.clip(np.searchsorted(edges, lo[point], side="right") - 1, 0, bins - 1)
    np.add.at(share, (np.flatnonzero(point), idx), 1.0)
    return [round(float(v), 6) for v in share.sum(axis=0)]


def _numeric(frame: pd.DataFrame, col: str) -> np.ndarray:
    """A column as floats (NaN where missing or not a number)."""
    return pd.to_numeric(frame[col], errors="coerce").to_numpy(float)


def summarise(rows: pd.DataFrame, n_bootstrap: int = 2000, seed: int = 0, ci: float = 0.95) -> dict:
    """Aggregate scores per method, with two-way bootstrap intervals over cutoffs and events.

    Parameters
    ----------
    rows : pandas.DataFrame
        One row per (cutoff, event, method), as `run_backtest` builds them or as a saved
        `backtest_rows.csv` reads back (`forecast.evaluation.result.load_backtest`).
    n_bootstrap : int
        Resamples of the two-way bootstrap.
    seed : int
        Seed of the resampling.
    ci : float
        Probability of the central intervals.

    Returns
    -------
    dict
        JSON-ready. Per method (under "methods"), over the rows it scored (`n_rows`; `n_failed`
        rows where it could not forecast, at `failed_cutoffs`): `coverage` {"0.5","0.8","0.9"}
        (mean credit), `coverage_decided` and `n_decided` / `n_undecided` (rows the outcome
        decides), `crps_mean` (years), `brier_1y`, `brier_2y` with `n_brier_1y`, `n_brier_2y`,
        `pit_hist` (10 bins), `*_ci` intervals from the bootstrap; `decided`
        (`censored_split.split_scores`), `before_data_end` (`data_end_brier.data_end_scores`),
        `skill` ({baseline: `skill.pair_skill` with `by_cutoff`}); `by_cutoff` {date: n,
        crps_mean, coverage_0.5/0.8/0.9 (mean credit), the split's values
        (`censored_split.split_by_cutoff`) and brier_data_end}. On the common rows (the
        (cutoff, event) pairs every method scored): `crps_mean_common` and `crps_diff_vs_best`,
        the paired difference in mean CRPS to the best method there, with its interval. Top
        level: n_events (scored cutoff x event pairs), n_distinct_events, n_censored,
        n_reached, cutoffs, events_per_cutoff, realising_models (distinct models that realised
        the scored crossings and how many scored pairs each decided), deciding_releases
        (distinct realising models and release dates), p_by_data_end_source, n_common,
        failures, methods, ranking (methods by crps_mean_common, best first), bootstrap.

    Raises
    ------
    UserError
        When a needed column is missing (key: the column) or there are no rows (key "rows").
    """
    for col in ("cutoff", "event", "method", "censored", "crps", "realised_by"):
        if col not in rows:
            raise UserError(f"backtest rows lack the column '{col}'", key=col)
    if rows.empty:
        raise UserError("no backtest rows to summarise", key="rows")
    rows = rows.copy()
    rows["cutoff"] = pd.to_datetime(rows["cutoff"]).dt.date
    rows["event"] = rows["event"].astype(str)
    methods = list(dict.fromkeys(rows["method"]))
    cutoffs = sorted(rows["cutoff"].unique())
    first = rows[rows["method"] == methods[0]]
    boot = TwoWayBootstrap(cutoffs, rows["event"].unique(), n_bootstrap, seed, ci)

    error = (rows["error"].astype(object).where(rows["error"].notna(), "").astype(str) if "error" in rows
             else pd.Series("", index=rows.index))
    ok = (error == "").to_numpy() & np.isfinite(_numeric(rows, "crps"))
    ok = pd.Series(ok, index=rows.index)
    p, p_source = probability_by_data_end(rows)
    rows["brier_data_end"] = (p - (~censored_mask(rows)).astype(float)) ** 2
    common = _common_rows(rows, ok, len(methods))
    skill = skill_table(rows[ok], methods, boot)

    out_methods: dict[str, dict] = {}
    for name in methods:
        out_methods[name] = _method_entry(rows, rows["method"] == name, ok, common, boot)
        out_methods[name]["skill"] = skill.get(name, {})
    ranking = _rank_and_compare(out_methods, rows[common], boot)

    reached = first[~censored_mask(first)]
    return {
        "n_events": int(len(first)),
        "n_distinct_events": int(first["event"].nunique()),
        "n_censored": int(censored_mask(first).sum()),
        "n_reached": int(len(reached)),
        "cutoffs": [c.isoformat() for c in cutoffs],
        "events_per_cutoff": {c.isoformat(): int(n) for c, n in first.groupby("cutoff").size().items()},
        "realising_models": _realising_models(reached["realised_by"]),
        "deciding_releases": deciding_releases(reached),
        "p_by_data_end_source": p_source,
        "n_common": int(len(rows[common & (rows["method"] == methods[0])])),
        "failures": _failures(rows, ok, error),
        "methods": out_methods,
        "ranking": ranking,
        "bootstrap": boot.describe(),
    }


def _common_rows(rows: pd.DataFrame, ok: pd.Series, n_methods: int) -> pd.Series:
    """Mask of the scored rows whose (cutoff, event) pair every method scored."""
    pair = rows["cutoff"].astype(str) + "|" + rows["event"].astype(str)
    n_ok = ok.groupby(pair).sum()
    return pair.isin(set(n_ok.index[n_ok == n_methods])) & ok


def _method_entry(
    rows: pd.DataFrame, mine: pd.Series, ok: pd.Series, common: pd.Series, boot: TwoWayBootstrap
) -> dict:
    """One method's summary entry (all but `skill` and `crps_diff_vs_best`).

    `mine` marks the method's rows, `ok` the rows scored, `common` the scored rows of the pairs
    every method scored.
    """
    frame = rows[mine & ok]
    entry: dict = {
        "n_rows": int(len(frame)),
        "n_failed": int((mine & ~ok).sum()),
        "failed_cutoffs": sorted({c.isoformat() for c in rows.loc[mine & ~ok, "cutoff"]}),
    }
    if frame.empty:
        return entry | {"coverage": {str(lv): None for lv in LEVELS}, "crps_mean": None, "crps_mean_common": None,
                        "decided": None, "before_data_end": None, "by_cutoff": {}}
    split = split_scores(frame, boot)
    cov, cov_ci = {}, {}
    for level in LEVELS:
        cov[str(level)], cov_ci[str(level)] = boot.mean(frame, _numeric(frame, f"credit_{round(level * 100)}"))
    entry.update(coverage=cov, coverage_ci=cov_ci, coverage_decided=split["coverage"],
                 n_decided=split["n_decided"], n_undecided=split["n_undecided"])
    entry["crps_mean"], entry["crps_ci"] = boot.mean(frame, _numeric(frame, "crps"))
    entry["crps_mean_common"] = _finite(np.nanmean(_numeric(rows[mine & common], "crps"))) if (mine & common).any() else None
    for h in BRIER_HORIZONS_YEARS:
        values = _numeric(frame, f"brier_{h}y")
        entry[f"brier_{h}y"], entry[f"brier_{h}y_ci"] = boot.mean(frame, values)
        entry[f"n_brier_{h}y"] = int(np.isfinite(values).sum())
    entry["pit_hist"] = _pit_histogram(_numeric(frame, "pit_lo"), _numeric(frame, "pit_hi"))
    entry["decided"] = split
    before = data_end_scores(frame, boot)
    entry["before_data_end"] = before
    per_split = split_by_cutoff(frame)
    entry["by_cutoff"] = {
        c.isoformat(): {
            "n": int(len(g)),
            "crps_mean": _finite(g["crps"].mean()),
            **{f"coverage_{level}": _finite(g[f"credit_{round(level * 100)}"].mean()) for level in LEVELS},
            **per_split[c.isoformat()],
            "brier_data_end": before["by_cutoff"][c.isoformat()]["brier"],
        }
        for c, g in frame.groupby("cutoff")
    }
    return entry


def _rank_and_compare(out_methods: dict[str, dict], common_rows: pd.DataFrame, boot: TwoWayBootstrap) -> list[str]:
    """Methods by mean CRPS on the common rows, best first (methods without a value last); adds
    each method's paired difference to the best (`crps_diff_vs_best`) to its entry."""

    def rank_key(name: str) -> tuple:
        value = out_methods[name]["crps_mean_common"]
        return (value is None, value if value is not None else 0.0)

    ranking = sorted(out_methods, key=rank_key)
    best = ranking[0]
    keys = ["cutoff", "event"]
    ref = common_rows.loc[common_rows["method"] == best, keys + ["crps"]]
    for name in out_methods:
        own = common_rows.loc[common_rows["method"] == name, keys + ["crps"]]
        both = own.merge(ref, on=keys, suffixes=("", "_best"))
        if both.empty:
            mean, interval = None, None
        else:
            mean, interval = boot.mean(both, _numeric(both, "crps") - _numeric(both, "crps_best"))
        out_methods[name]["crps_diff_vs_best"] = {"vs": best, "mean": mean, "ci": interval}
    return ranking


def _failures(rows: pd.DataFrame, ok: pd.Series, error: pd.Series) -> list[dict]:
    """One entry per (cutoff, method) that could not forecast, with its message."""
    failures = (
        rows.loc[~ok, ["cutoff", "method"]].assign(message=error[~ok]).drop_duplicates(["cutoff", "method"])
    )
    return [
        {"cutoff": r.cutoff.isoformat(), "method": r.method, "message": r.message}
        for r in failures.itertuples()
    ]


def _realising_models(realised_by: pd.Series) -> dict:
    """The distinct models that realised the scored crossings, and how many each decided."""
    by_model: dict[str, int] = {}
    for ids in realised_by:
        for mid in str(ids).split(";"):
            by_model[mid] = by_model.get(mid, 0) + 1
    return {
        "n": len(by_model),
        "events_by_model": dict(sorted(by_model.items(), key=lambda kv: (-kv[1], kv[0]))),
    }


def deciding_releases(reached: pd.DataFrame) -> dict:
    """How many independent releases decided the reached (cutoff, event) pairs.

    Parameters
    ----------
    reached : pandas.DataFrame
        One method's reached rows, with `realised_by` (model ids joined by ";") and
        `realised_date`.

    Returns
    -------
    dict
        ``n_models`` (distinct realising models), ``n_release_dates`` (distinct release dates
        among them) and ``pairs_by_release_date`` {ISO date: reached pairs it decided}, most
        first.
    """
    models = {m for ids in reached["realised_by"] for m in str(ids).split(";") if m and m != "nan"}
    by_date: dict[str, int] = {}
    if "realised_date" in reached:
        for d in pd.to_datetime(reached["realised_date"], errors="coerce").dropna():
            key = d.date().isoformat()
            by_date[key] = by_date.get(key, 0) + 1
    return {
        "n_models": len(models),
        "n_release_dates": len(by_date),
        "pairs_by_release_date": dict(sorted(by_date.items(), key=lambda kv: (-kv[1], kv[0]))),
    }
