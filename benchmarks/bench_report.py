"""Time of the PDF report on a cached fit (goal: under 60 s on 2 cores), and where it goes.

1. Makes sure the default fit (the one `forecast report` uses: `Engine()` defaults) is in the
   fit cache (`FORECAST_CACHE_DIR`), fitting once if it is not (not timed).
2. Times `forecast report --no-backtest` as a new process (interpreter start, imports, fit
   loaded from the cache, every section, the PDF written), `--repeat` times.
3. With `--saved`, also times the default command, which reads the saved backtest
   (`reports/backtest/`) and seed check (`reports/seedcheck.json`) and draws their pages.
4. Breakdown in this process: `build_report`'s own step timings (fit load, headline table, fan
   chart, tilting line, attribution, priors/adoption/data, figures, layout and writing).

Usage::

    python benchmarks/bench_report.py
    python benchmarks/bench_report.py --saved --repeat 2
    python benchmarks/bench_report.py --draws 150 --tune 150     # a short fit, for a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_SECONDS = 60.0


def ensure_fit(draws: int, tune: int, as_of: str | None = None) -> float:
    """Fit (or load) the engine so later runs hit the cache; returns the seconds it took."""
    from forecast.api.engine import Engine

    t0 = time.perf_counter()
    Engine(draws=draws, tune=tune, as_of=as_of).fit()
    return time.perf_counter() - t0


def cli_seconds(args: list[str], repeat: int) -> tuple[list[float], dict]:
    """Wall times of `forecast report ... --json` as new processes, and the last JSON summary
    (with the CPU seconds of the last run under "cpu_seconds": on a busy machine the wall time
    grows, the CPU time does not)."""
    times, summary = [], {}
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", "from forecast.cli import main; main()", "report", *args,
                               "--json"],
                              capture_output=True, text=True, env=os.environ.copy())
        times.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            raise SystemExit(f"forecast report failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        summary = json.loads(proc.stdout)
        summary["cpu_seconds"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return times, summary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    from forecast.model.fit import FitSettings

    default = FitSettings(as_of=None)
    ap.add_argument("--draws", type=int, default=default.draws, help="posterior draws per chain of the fit")
    ap.add_argument("--tune", type=int, default=default.tune)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--saved", action="store_true",
                    help="also time the default command (saved backtest and seed check pages)")
    args = ap.parse_args()

    print(f"fit cache: {os.environ.get('FORECAST_CACHE_DIR', '(default)')}; {os.cpu_count()} CPUs")
    t = ensure_fit(args.draws, args.tune)
    print(f"default fit ready ({t:.1f} s; cached after the first run)")
    common = ["--draws", str(args.draws), "--tune", str(args.tune)]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.pdf"
        times, summary = cli_seconds(["--out", str(out), "--no-backtest", *common], args.repeat)
        verdict = "meets" if min(times) < GOAL_SECONDS else "MISSES"
        print(f"\nforecast report --no-backtest (new process, cached fit): min {min(times):.1f} s, "
              f"median {statistics.median(times):.1f} s over {len(times)} run(s); {summary['pages']} pages; "
              f"{verdict} the {GOAL_SECONDS:.0f} s goal; CPU {summary['cpu_seconds']:.1f} s; load average "
              f"{os.getloadavg()[0]:.1f}")
        print("  build_report steps (s): " + ", ".join(f"{k} {v:.1f}" for k, v in summary["timings"].items()))
        if args.saved:
            times, summary = cli_seconds(["--out", str(out), *common], args.repeat)
            verdict = "meets" if min(times) < GOAL_SECONDS else "MISSES"
            print(f"\nforecast report (saved backtest and seed check): min {min(times):.1f} s, median "
                  f"{statistics.median(times):.1f} s; {summary['pages']} pages; {verdict} the goal; "
                  f"CPU {summary['cpu_seconds']:.1f} s")
            print("  build_report steps (s): " + ", ".join(f"{k} {v:.1f}" for k, v in summary["timings"].items()))


if __name__ == "__main__":
    main()
