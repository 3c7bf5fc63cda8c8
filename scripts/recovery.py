"""Parameter recovery on registry-shaped simulated data (the full version of tests/test_recovery.py).

For each seed: draw true parameters and outcomes from the model's prior predictive with the
shipped registry's models, benchmarks, protocols and missingness (`devtools.simulate`), refit,
and count how many true values fall inside their posterior 50% and 90% intervals. Prints a
table per seed and the pooled coverage with a binomial 95% interval.

    python scripts/recovery.py --seeds 1 2 3 4 5 --draws 1000 --tune 1000 [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date

import numpy as np
from scipy.stats import beta as beta_dist


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--tune", type=int, default=1000)
    parser.add_argument("--as-of", default="2025-12-31")
    parser.add_argument("--json", default=None, help="write the per-parameter rows here")
    args = parser.parse_args()

    from forecast.model.fit import CORE_BENCHMARKS
    from forecast.model.data import prepare_inputs
    from forecast.model.priors import model_priors_from
    from forecast.inputs.priors import load_priors
    from forecast.inputs.registry import load_registry
    from devtools.simulate import recover

    as_of = date.fromisoformat(args.as_of)
    registry = load_registry()
    mp = model_priors_from(load_priors().introduced_by(as_of), registry.benchmarks)
    inp = prepare_inputs(registry.models, registry.scores, registry.benchmarks, mp, as_of,
                         benchmark_set=list(CORE_BENCHMARKS))
    results = []
    print("| seed | values | in 50% | in 90% | R-hat max | min ESS | divergences | seconds |")
    print("|---|---|---|---|---|---|---|---|")
    for seed in args.seeds:
        t0 = time.perf_counter()
        res = recover(inp, mp, seed, draws=args.draws, tune=args.tune)
        d = res.diagnostics
        print(f"| {seed} | {res.n_values} | {res.coverage50:.2f} | {res.coverage90:.2f} | "
              f"{d.rhat_max:.3f} | {d.ess_bulk_min:.0f} | {d.divergences} | "
              f"{time.perf_counter() - t0:.0f} |", flush=True)
        results.append(res)
    n = sum(r.n_values for r in results)
    for level, k in (("50%", sum(r.covered50 for r in results)), ("90%", sum(r.covered90 for r in results))):
        lo = beta_dist.ppf(0.025, k, n - k + 1) if k > 0 else 0.0
        hi = beta_dist.ppf(0.975, k + 1, n - k) if k < n else 1.0
        print(f"pooled coverage of the {level} intervals: {k}/{n} = {k / n:.3f} "
              f"(95% CI {lo:.3f}..{hi:.3f}); note the values within a seed are correlated")
    if args.json:
        rows = [dict(r, seed=res.seed) for res in results for r in res.rows]
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=1)


if __name__ == "__main__":
    main()
