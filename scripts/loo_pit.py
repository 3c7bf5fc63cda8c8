"""Leave-one-out predictive calibration of the default fit, per benchmark and source.

Prints, next to the in-sample posterior predictive coverage (`forecast.model.fit.predictive_check`),
the share of PSIS-LOO-PIT values in the central 50% and 90% bands
(`forecast.model.calibration.loo_coverage`; `forecast fit` prints the overall line, the report's
diagnostics page the full table).

    python scripts/loo_pit.py [--draws 1000] [--seed 0]
"""

from __future__ import annotations

import argparse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000, help="posterior draws used (thinned evenly)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    import forecast
    from forecast.model.calibration import loo_coverage

    fit = forecast.Engine().fit()
    loo = loo_coverage(fit.posterior, fit.inputs, draws=args.draws, seed=args.seed)
    pred = fit.predictive
    print(f"{loo['draws']} draws of {fit.diagnostics.draws * fit.diagnostics.chains}; "
          f"{loo['overall']['n']} scores; Pareto k-hat > 0.7 for {loo['khat_above']:.1%}\n")
    print("| scores | n | in-sample 50% | LOO-PIT in [0.25, 0.75] | in-sample 90% | LOO-PIT in [0.05, 0.95] |")
    print("|---|---|---|---|---|---|")
    rows = [("all", pred["overall"], loo["overall"])]
    rows += [(k, v, loo["by_benchmark"][k]) for k, v in pred["by_benchmark"].items()]
    rows += [(k, v, loo["by_source"][k]) for k, v in pred["by_source"].items()]
    for label, ins, lo in rows:
        print(f"| {label} | {ins['n']} | {ins['coverage_50']:.3f} | {lo['coverage_50']:.3f} | "
              f"{ins['coverage_90']:.3f} | {lo['coverage_90']:.3f} |")


if __name__ == "__main__":
    main()
