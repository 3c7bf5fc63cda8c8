"""Which fitted quantities cost the engine its backtest score: swap each group for its priors.

For every backtest cutoff the engine's fitted projection draws are taken as they are (the
`engine` row, which reproduces the default backtest's), and then with one group of quantities
replaced by the same quantities drawn from the priors-only variant's draws (no data update),
everything else kept: the future drift (level, slope, long-run rate, persistence, walk; and
each of its parts alone: the level at the data's end, the slope there, the slope's dynamics), the
release process (rate, growth, size profile, reporting shares), the benchmark links (slope,
midpoint, ceiling, noise, spread), the frontier's spread (quality and organisation sd), and the
techniques (multipliers, adoption curves, future-technique sizes). The events, outcomes, seeds,
projection paths and scores are the default backtest's (`forecast backtest`), so each row
differs from `engine` only by the group swapped. This is a diagnostic: a swapped draw breaks the
posterior's correlation between that group and the rest, and a group that scores better from
its priors is where the data moved the forecast the wrong way, at those cutoffs, by hindsight.

    PYTHONHASHSEED=0 python scripts/backtest_attribution.py [--cutoffs 2021-07-01:2025-01-01:6M]
        [--jobs 2] [--groups drift releases ...]

Uses the fits cached by `forecast backtest` (same settings), fitting what is missing.
"""

from __future__ import annotations

import argparse
import dataclasses
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

GROUPS: dict[str, tuple[str, ...]] = {
    "drift": ("drift_level", "drift_rate", "drift_walk_sd", "drift_long_run", "drift_persistence"),
    # the drift's parts: where it stands at the data's end, its slope there, and how the slope
    # moves afterwards (the long-run rate it reverts to, the persistence and the yearly noise)
    "drift_level": ("drift_level",),
    "drift_slope": ("drift_rate",),
    "drift_dynamics": ("drift_long_run", "drift_persistence", "drift_walk_sd"),
    "releases": ("release_log_rate", "release_growth", "release_size_slope", "release_size_curve",
                 "report_share"),
    "links": ("slope", "midpoint", "ceiling_loss", "noise", "benchmark_spread"),
    "frontier_spread": ("quality_sd", "org_sd"),
    "techniques": ("beta", "adoption_mid", "adoption_speed", "adoption_max", "kappa", "pop_mean",
                   "pop_spread"),
}
# the column labels of the per-benchmark and per-technique arrays
COLUMNS = {"slope": "benchmarks", "midpoint": "benchmarks", "ceiling_loss": "benchmarks",
           "noise": "benchmarks", "benchmark_spread": "benchmarks", "beta": "techniques",
           "adoption_mid": "adoption_tech", "adoption_speed": "adoption_tech",
           "adoption_max": "adoption_tech", "report_share": "benchmarks"}


def swapped(fitted, prior, fields: tuple[str, ...]):
    """`fitted` (PosteriorDraws) with `fields` taken from `prior`: its draws cycled to the fitted
    count, columns matched by benchmark or technique id."""
    rows = np.arange(fitted.n) % prior.n
    new = {}
    for name in fields:
        a, b = getattr(fitted, name), getattr(prior, name)
        if a is None or b is None:
            continue
        b = np.asarray(b)[rows]
        if name in COLUMNS:
            labels_b = [str(x) for x in getattr(prior, COLUMNS[name])]
            b = b[:, [labels_b.index(str(x)) for x in getattr(fitted, COLUMNS[name])]]
        new[name] = b
    return dataclasses.replace(fitted, **new)


@dataclass(frozen=True)
class SwappedEngine:
    """A backtest method: the engine's forecasts with `group` drawn from the priors-only fit."""

    group: str
    base_seed: int = 20230319

    @property
    def name(self) -> str:
        return f"engine, {self.group} from priors"

    def sample_crossings(self, models, scores, cutoff: date, events, n_samples: int, seed: int) -> np.ndarray:
        from forecast.evaluation.method_protocol import derive_seed
        from forecast.evaluation.methods import EngineMethod

        engine = EngineMethod()
        priors_only = EngineMethod(name="priors_only", variant="priors_only")
        own = derive_seed(self.base_seed, cutoff, engine.name, 0)  # the default backtest's seeds
        fitted, priors = engine.posterior_draws(models, scores, cutoff, own)
        prior, _ = priors_only.posterior_draws(models, scores, cutoff,
                                               derive_seed(self.base_seed, cutoff, priors_only.name, 0))
        draws = swapped(fitted, prior, GROUPS[self.group])
        return engine.crossings_from(draws, priors, cutoff, events, n_samples, own)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cutoffs", default="2021-07-01:2025-01-01:6M")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20230319)
    parser.add_argument("--groups", nargs="+", choices=sorted(GROUPS), default=list(GROUPS),
                        help="the groups to swap (default: all)")
    args = parser.parse_args()

    from forecast.evaluation.backtest import run_backtest
    from forecast.evaluation.methods import EngineMethod
    from forecast.inputs.registry import load_registry

    registry = load_registry()
    methods = [EngineMethod(), EngineMethod(name="priors_only", variant="priors_only")]
    methods += [SwappedEngine(group, args.seed) for group in args.groups]
    result = run_backtest(registry.models, registry.scores, methods, args.cutoffs, seed=args.seed,
                          jobs=args.jobs, progress=True)
    rows = result.rows
    if "error" in rows:  # an empty message (or NaN, read back from a CSV) marks a scored row
        rows = rows[rows["error"].fillna("").astype(str).eq("")]
    reached = rows["reached"].astype(str).str.lower().eq("true")
    came = (reached & (rows["realised_year"] <= rows["data_end_year"])).astype(float)
    rows = rows.assign(reached_row=reached, came=came,
                       brier_end=(rows["p_by_data_end"] - came) ** 2)
    print(f"On the {len(rows) // len(methods)} scored (cutoff, event) pairs of the default backtest "
          "(lower CRPS and Brier are better; the share that came by the data's end is the same for "
          f"every method: {came.mean() if len(rows) else float('nan'):.3f}, per method row count "
          "below)\n")
    print("| method | rows | CRPS | CRPS reached | CRPS censored | Brier by data end | mean P(by data end) |")
    print("|---|---|---|---|---|---|---|")
    for m in methods:
        g = rows[rows["method"] == m.name]
        print(f"| {m.name} | {len(g)} | {g['crps'].mean():.3f} | {g.loc[g['reached_row'], 'crps'].mean():.3f} | "
              f"{g.loc[~g['reached_row'], 'crps'].mean():.3f} | {g['brier_end'].mean():.3f} | "
              f"{g['p_by_data_end'].mean():.3f} |")
    print("\nCRPS by cutoff\n")
    table = rows.pivot_table(index="method", columns="cutoff", values="crps", aggfunc="mean")
    table = table.loc[[m.name for m in methods if m.name in table.index]]
    table.columns = [pd.Timestamp(c).date().isoformat() for c in table.columns]
    print("| method | " + " | ".join(table.columns) + " |")
    print("|---|" + "---|" * len(table.columns))
    for name, values in table.iterrows():
        print(f"| {name} | " + " | ".join(f"{v:.3f}" for v in values) + " |")

if __name__ == "__main__":
    main()
