"""Aggregate scores of a backtest per method, with bootstrap intervals over cutoffs.

Correlated events: events are nested (reaching 0.70 at 7B also reaches 0.65 at 7B and 0.70 at
14B) and a few frontier models decide most of them, so intervals on the aggregate scores come
from a bootstrap over cutoffs (whole cutoffs resampled with replacement, the same resamples for
every method, so differences between methods are paired), and the summary reports how many
distinct models realised the scored crossings.

Methods that cannot forecast: a data-only method may have nothing to fit at an early cutoff
(before 2022 few models score above chance on MMLU). Its rows there keep the outcome and an
`error` message but no scores; each method's scores cover the rows it forecast, and the ranking
and the paired differences use the common rows, those every method forecast.

The headline coverage is the mean *credit* and the PIT histogram spreads each row over its PIT
interval; both are defined in `forecast.evaluation.scoring`.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from forecast.evaluation.scoring import BRIER_HORIZONS_YEARS, LEVELS

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


class _CutoffBootstrap:
    """Means of a row column and their intervals from resampling whole cutoffs.

    The resampling weights (`n_bootstrap` multinomial draws over the cutoffs) depend only on
    the number of cutoffs and the seed, so every method and column shares them.
    """

    def __init__(self, cutoffs: list[date], n_bootstrap: int, seed: int, ci: float) -> None:
        self.cutoffs = cutoffs
        rng = np.random.default_rng(np.random.SeedSequence([int(seed), 7919]))
        self.weights = rng.multinomial(len(cutoffs), np.full(len(cutoffs), 1 / len(cutoffs)), size=n_bootstrap)
        self.tail = (1 - ci) / 2 * 100

    def per_cutoff(self, frame: pd.DataFrame, col: str) -> tuple[np.ndarray, np.ndarray]:
        """Sum and count of the non-missing values of `col` per cutoff (zeros where none)."""
        values = pd.to_numeric(frame[col], errors="coerce").astype(float)
        grouped = pd.DataFrame({"c": frame["cutoff"], "v": values}).groupby("c")["v"]
        sums = grouped.sum(min_count=0).reindex(self.cutoffs, fill_value=0.0).to_numpy(float)
        counts = grouped.count().reindex(self.cutoffs, fill_value=0).to_numpy(float)
        return sums, counts

    def point_and_ci(self, sums: np.ndarray, counts: np.ndarray) -> tuple[float | None, list | None]:
        """The mean over all rows and its bootstrap interval (None, None without rows)."""
        if counts.sum() == 0:
            return None, None
        with np.errstate(invalid="ignore", divide="ignore"):
            boot = (self.weights @ sums) / (self.weights @ counts)
        boot = boot[np.isfinite(boot)]
        interval = None
        if len(boot):
            interval = [float(np.percentile(boot, self.tail)), float(np.percentile(boot, 100 - self.tail))]
        return float(sums.sum() / counts.sum()), interval


def summarise(rows: pd.DataFrame, n_bootstrap: int = 2000, seed: int = 0, ci: float = 0.95) -> dict:
    """Aggregate scores per method, with bootstrap intervals over cutoffs.

    Parameters
    ----------
    rows : pandas.DataFrame
        One row per (cutoff, event, method), as `run_backtest` builds them before tidying.
    n_bootstrap : int
        Resamples of whole cutoffs.
    seed : int
        Seed of the resampling.
    ci : float
        Probability of the central intervals.

    Returns
    -------
    dict
        JSON-ready. Per method (under "methods"), over the rows it scored (`n_rows`; `n_failed`
        rows where it could not forecast, at `failed_cutoffs`): `coverage` {"0.5","0.8","0.9"}
        (mean credit, censoring-aware), `coverage_decided` and `n_decided` / `n_undecided`
        (rows the outcome decides), `crps_mean` (years), `brier_1y`, `brier_2y` with
        `n_brier_1y`, `n_brier_2y`, `pit_hist` (10 bins), `*_ci` intervals from the bootstrap,
        and `by_cutoff` {date: {n, crps_mean, coverage_0.5, coverage_0.8, coverage_0.9}}. On the
        common rows (the (cutoff, event) pairs every method scored): `crps_mean_common` and
        `crps_diff_vs_best`, the paired difference in mean CRPS to the best method there, with
        its interval. Top level: n_events (scored cutoff x event pairs), n_distinct_events,
        n_censored, n_reached, cutoffs, events_per_cutoff, realising_models (distinct models
        that realised the scored crossings and how many scored pairs each decided), n_common,
        failures, methods, ranking (methods by crps_mean_common, best first), bootstrap.
    """
    rows = rows.copy()
    rows["cutoff"] = pd.to_datetime(rows["cutoff"]).dt.date
    methods = list(dict.fromkeys(rows["method"]))
    cutoffs = sorted(rows["cutoff"].unique())
    first = rows[rows["method"] == methods[0]]
    boot = _CutoffBootstrap(cutoffs, n_bootstrap, seed, ci)

    error = rows["error"].fillna("").astype(str) if "error" in rows else pd.Series("", index=rows.index)
    ok = error == ""
    common = _common_rows(rows, ok, len(methods))

    out_methods: dict[str, dict] = {}
    common_sums: dict[str, np.ndarray] = {}
    for name in methods:  # every method has one CRPS per common pair: the same common_counts
        out_methods[name], common_sums[name], common_counts = _method_entry(
            rows, rows["method"] == name, ok, common, boot
        )
    ranking = _rank_and_compare(out_methods, common_sums, common_counts, boot)

    reached = first[~first["censored"].astype(bool)]
    return {
        "n_events": int(len(first)),
        "n_distinct_events": int(first["event"].nunique()),
        "n_censored": int(first["censored"].astype(bool).sum()),
        "n_reached": int(len(reached)),
        "cutoffs": [c.isoformat() for c in cutoffs],
        "events_per_cutoff": {c.isoformat(): int(n) for c, n in first.groupby("cutoff").size().items()},
        "realising_models": _realising_models(reached["realised_by"]),
        "n_common": int(common_counts.sum()),
        "failures": _failures(rows, ok, error),
        "methods": out_methods,
        "ranking": ranking,
        "bootstrap": {"resampled": "cutoffs", "n": int(n_bootstrap), "ci": ci},
    }


def _common_rows(rows: pd.DataFrame, ok: pd.Series, n_methods: int) -> pd.Series:
    """Mask of the scored rows whose (cutoff, event) pair every method scored."""
    pair = rows["cutoff"].astype(str) + "|" + rows["event"].astype(str)
    n_ok = ok.groupby(pair).sum()
    return pair.isin(set(n_ok.index[n_ok == n_methods])) & ok


def _method_entry(
    rows: pd.DataFrame, mine: pd.Series, ok: pd.Series, common: pd.Series, boot: _CutoffBootstrap
) -> tuple[dict, np.ndarray, np.ndarray]:
    """One method's summary entry (all but `crps_diff_vs_best`), and the per-cutoff sums and
    counts of its CRPS on the common rows.

    `mine` marks the method's rows, `ok` the rows scored, `common` the scored rows of the pairs
    every method scored.
    """
    frame = rows[mine & ok]
    entry: dict = {
        "n_rows": int(len(frame)),
        "n_failed": int((mine & ~ok).sum()),
        "failed_cutoffs": sorted({c.isoformat() for c in rows.loc[mine & ~ok, "cutoff"]}),
    }
    cov, cov_ci, cov_dec, n_dec, n_undec = {}, {}, {}, {}, {}
    for level in LEVELS:
        tag = round(level * 100)
        cov[str(level)], cov_ci[str(level)] = boot.point_and_ci(*boot.per_cutoff(frame, f"credit_{tag}"))
        decided = pd.to_numeric(frame[f"covered_{tag}"].astype("Float64"), errors="coerce")
        n_dec[str(level)] = int(decided.notna().sum())
        n_undec[str(level)] = int(decided.isna().sum())
        cov_dec[str(level)] = _finite(decided.mean()) if n_dec[str(level)] else None
    entry.update(coverage=cov, coverage_ci=cov_ci, coverage_decided=cov_dec, n_decided=n_dec, n_undecided=n_undec)
    entry["crps_mean"], entry["crps_ci"] = boot.point_and_ci(*boot.per_cutoff(frame, "crps"))
    common_sums, common_counts = boot.per_cutoff(rows[mine & common], "crps")
    entry["crps_mean_common"], _ = boot.point_and_ci(common_sums, common_counts)
    for h in BRIER_HORIZONS_YEARS:
        sums, counts = boot.per_cutoff(frame, f"brier_{h}y")
        entry[f"brier_{h}y"], entry[f"brier_{h}y_ci"] = boot.point_and_ci(sums, counts)
        entry[f"n_brier_{h}y"] = int(counts.sum())
    entry["pit_hist"] = _pit_histogram(frame["pit_lo"].to_numpy(float), frame["pit_hi"].to_numpy(float))
    entry["by_cutoff"] = {
        c.isoformat(): {
            "n": int(len(g)),
            "crps_mean": _finite(g["crps"].mean()),
            **{f"coverage_{level}": _finite(g[f"credit_{round(level * 100)}"].mean()) for level in LEVELS},
        }
        for c, g in frame.groupby("cutoff")
    }
    return entry, common_sums, common_counts


def _rank_and_compare(
    out_methods: dict[str, dict],
    common_sums: dict[str, np.ndarray],
    common_counts: np.ndarray,
    boot: _CutoffBootstrap,
) -> list[str]:
    """Methods by mean CRPS on the common rows, best first (methods without a value last); adds
    each method's paired difference to the best (`crps_diff_vs_best`) to its entry."""

    def rank_key(name: str) -> tuple:
        value = out_methods[name]["crps_mean_common"]
        return (value is None, value if value is not None else 0.0)

    ranking = sorted(out_methods, key=rank_key)
    best = ranking[0]
    for name in out_methods:
        mean, interval = boot.point_and_ci(common_sums[name] - common_sums[best], common_counts)
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
