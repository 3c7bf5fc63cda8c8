"""Projection throughput, `smallest_size`, and the engine against squigglepy.

1. ``forecast.projection.crossing.crossing_times`` on posterior draws of the default fit (loaded from the
   fit cache, or fitted first), for draws x paths_per_draw x horizon; throughput in
   path-months per second = draws * paths_per_draw * months / seconds (best of ``--repeat``),
   counting the full month grid the answer covers; ``crossing_times`` stops each simulated
   future once it has crossed, so it evaluates fewer months than that.
   The query is ``mmlu=0.70`` within 1B parameters, release frontier, future arrivals on.
2. ``forecast.projection.frontier.smallest_size`` as ``Engine.size`` calls it (1 path per draw, the default
   51-size grid), for 3 dates; throughput counts draws x months to the last date x sizes.
3. Where the time of one ``crossing_times`` call goes (cProfile, top functions by own time).
4. The priors-only questions of ``devtools.crosscheck`` (without and with future
   techniques) computed by the engine and by squigglepy at equal sample counts (imports
   excluded; best of ``--repeat``), with the speed ratio and the agreement of their quantiles.

Usage::

    python benchmarks/bench_projection.py             # uses FORECAST_CACHE_DIR's default fit
    python benchmarks/bench_projection.py --quick     # fewer configurations
    python benchmarks/bench_projection.py --fit-draws 150 --fit-tune 150   # a short fit
    python benchmarks/bench_projection.py --squigglepy-only   # part 4 alone
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import os
import pstats
import sys
import time
from datetime import date

import numpy as np


def best_time(fn, repeat: int) -> tuple[float, float, object]:
    """Shortest wall time of `repeat` calls of fn(), the CPU time of that call, the last result.

    CPU seconds (this process, all threads) are less disturbed by other load on a shared
    machine than wall seconds."""
    best, cpu, out = float("inf"), float("nan"), None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        wall, used = time.perf_counter() - t0, time.process_time() - c0
        if wall < best:
            best, cpu = wall, used
    return best, cpu, out


def posterior_inputs(fit_draws: int, fit_tune: int):
    """Posterior draws of the shipped registry (cached fit), the priors and the as-of date."""
    from forecast.api.engine import Engine

    engine = Engine(draws=fit_draws, tune=fit_tune, progress=False)
    t0 = time.perf_counter()
    fit = engine.fit()
    how = "loaded from cache" if fit.from_cache else "fitted"
    print(f"posterior: {fit.diagnostics.draws} draws x {fit.diagnostics.chains} chains, {how} "
          f"in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return engine.posterior_draws, engine.priors, engine.as_of


def resample(draws, n: int, seed: int = 0):
    """`n` posterior draws (a subset, or resampled with replacement beyond the available)."""
    rng = np.random.default_rng(seed)
    idx = rng.permutation(draws.n)[:n] if n <= draws.n else rng.integers(0, draws.n, n)
    return draws.subset(idx)


def throughput(post, priors, as_of, configs, repeat: int) -> list[dict]:
    from forecast.inputs.dates import decimal_year
    from forecast.projection.future_draws import sample_future_draws
    from forecast.projection.crossing import crossing_times
    from forecast.projection.question import Budget, Target
    from forecast.projection.settings import ProjectionSettings

    target = Target("mmlu=0.70", (("mmlu", 0.70),))
    budget = Budget("params_total", 1e9)
    rows = []
    for n, ppd, horizon, frontier in configs:
        d = resample(post, n)
        e = sample_future_draws(priors, n, as_of, seed=1)
        s = ProjectionSettings(horizon=decimal_year(horizon), paths_per_draw=ppd, seed=3,
                               frontier=frontier, max_paths=None)
        months = int(np.ceil((s.horizon - d.data_end) * 12))
        secs, cpu, t = best_time(lambda: crossing_times(d, e, target, budget, s), repeat)
        path_months = n * ppd * months
        rows.append({"draws": n, "paths_per_draw": ppd, "horizon": horizon.isoformat(),
                     "frontier": frontier, "months": months, "paths": n * ppd, "seconds": secs,
                     "cpu_seconds": cpu,
                     "path_months_per_s": path_months / secs,
                     "median": float(np.quantile(t, 0.5))})
    return rows


def size_timing(post, priors, as_of, n: int, repeat: int) -> dict:
    from forecast.inputs.dates import decimal_year
    from forecast.projection.future_draws import sample_future_draws
    from forecast.projection.frontier import smallest_size
    from forecast.projection.question import Target
    from forecast.projection.settings import ProjectionSettings

    d = resample(post, n)
    e = sample_future_draws(priors, n, as_of, seed=1)
    s = ProjectionSettings(horizon=2040.0, paths_per_draw=1, seed=3, max_paths=None)
    dates = np.array([decimal_year(date(y, 1, 1)) for y in (2026, 2028, 2030)])
    target = Target("mmlu=0.70", (("mmlu", 0.70),))
    secs, cpu, out = best_time(lambda: smallest_size(d, e, target, dates, s), repeat)
    # the months the answer covers, to the last date (`smallest_size` evaluates no later month,
    # and stops each path at the smallest size that crosses by every date)
    months = int(np.ceil((dates.max() - d.data_end) * 12))
    grid = 51
    return {"draws": n, "dates": len(dates), "sizes": grid, "seconds": secs, "cpu_seconds": cpu,
            "path_months_per_s": n * months * grid / secs,
            "median_log10_params_2028": float(np.quantile(out[:, 1], 0.5))}


def profile_one(post, priors, as_of, n: int, ppd: int) -> str:
    from forecast.projection.future_draws import sample_future_draws
    from forecast.projection.crossing import crossing_times
    from forecast.projection.question import Budget, Target
    from forecast.projection.settings import ProjectionSettings

    d = resample(post, n)
    e = sample_future_draws(priors, n, as_of, seed=1)
    s = ProjectionSettings(horizon=2040.0, paths_per_draw=ppd, seed=3, max_paths=None)
    prof = cProfile.Profile()
    prof.enable()
    crossing_times(d, e, Target("mmlu=0.70", (("mmlu", 0.70),)), Budget("params_total", 1e9), s)
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(10)
    return buf.getvalue()


def versus_squigglepy(sizes, repeat: int, q) -> list[dict]:
    """Engine vs squigglepy on the priors-only question `q` at equal sample counts."""
    import squigglepy  # noqa: F401  (import outside the timing)

    from devtools.crosscheck import compare_quantiles, engine_crossing_times, squigglepy_crossing_times
    from forecast.inputs.priors import load_priors

    priors = load_priors(None)
    engine_crossing_times(priors, q, 100, seed=0)  # warm-up (first-call allocations)
    engine_crossing_times(priors, q, 100, seed=0, compiled=True)  # and loading the kernel
    squigglepy_crossing_times(priors, q, 1000, seed=0)
    rows = []
    for n in sizes:
        te, ce, a = best_time(lambda: engine_crossing_times(priors, q, n, seed=1), repeat)
        tk, ck, c = best_time(lambda: engine_crossing_times(priors, q, n, seed=1, compiled=True), repeat)
        ts, cs, b = best_time(lambda: squigglepy_crossing_times(priors, q, n, seed=2), repeat)
        cmp = compare_quantiles(a, b)
        fin = np.isfinite(a)
        rows.append({"n": n, "engine_s": te, "squigglepy_s": ts, "speedup": ts / te,
                     "compiled_s": tk, "compiled_cpu_s": ck, "compiled_speedup": ts / tk,
                     "compiled_max_diff": float(np.max(np.abs(a[fin] - c[fin]), initial=0.0))
                     if np.array_equal(fin, np.isfinite(c)) else float("inf"),
                     "engine_cpu_s": ce, "squigglepy_cpu_s": cs,
                     "months": int(round((q.horizon - q.start) * 12)),
                     "quantiles_agree": all(r["agree"] for r in cmp),
                     "median_engine": cmp[2]["engine"], "median_squigglepy": cmp[2]["reference"]})
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--fit-draws", type=int, default=1000, help="draws per chain of the fit used")
    ap.add_argument("--fit-tune", type=int, default=1000)
    ap.add_argument("--squigglepy-only", action="store_true",
                    help="only the comparison with squigglepy (no fit needed)")
    args = ap.parse_args(argv)
    if args.quick:
        configs = [(600, 1, date(2040, 1, 1), "release"), (600, 4, date(2040, 1, 1), "release")]
        squig_sizes = [10_000]
        size_n = 600
    else:
        configs = [c + ("release",) for c in itertools.product(
            (1000, 4000), (1, 4), (date(2030, 1, 1), date(2040, 1, 1)))]
        configs.append((4000, 4, date(2040, 1, 1), "mean"))
        squig_sizes = [10_000, 40_000]
        size_n = 4000

    print(f"\n{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start\n")
    if not args.squigglepy_only:
        projection_tables(args, configs, size_n)
    squigglepy_tables(squig_sizes, args.repeat)
    return 0


def projection_tables(args, configs, size_n: int) -> None:
    post, priors, as_of = posterior_inputs(args.fit_draws, args.fit_tune)
    print(f"## crossing_times throughput (mmlu=0.70 within 1B params; data end "
          f"{post.data_end:.2f}; best of {args.repeat})\n")
    print("| draws | paths/draw | horizon | frontier | months | paths | wall s | CPU s | path-months/s (wall) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in throughput(post, priors, as_of, configs, args.repeat):
        print(f"| {r['draws']} | {r['paths_per_draw']} | {r['horizon']} | {r['frontier']} | "
              f"{r['months']} | {r['paths']} | {r['seconds']:.3f} | {r['cpu_seconds']:.3f} | "
              f"{r['path_months_per_s']:.3g} |")

    s = size_timing(post, priors, as_of, size_n, max(1, args.repeat - 1))
    print(f"\n## smallest_size ({s['draws']} paths, {s['sizes']} sizes, {s['dates']} dates)\n")
    print(f"{s['seconds']:.2f} s wall, {s['cpu_seconds']:.2f} s CPU "
          f"({s['path_months_per_s']:.3g} path-month-sizes/s); "
          f"median log10 params meeting mmlu=0.70 by 2028: {s['median_log10_params_2028']:.2f}")

    print("\n## where one crossing_times call spends its time (4000 draws x 4 paths, to 2040)\n")
    print("```")
    print(profile_one(post, priors, as_of, min(4000, size_n), 4).strip())
    print("```")



def squigglepy_tables(sizes, repeat: int) -> None:
    from devtools.crosscheck import EXAMPLE_ARRIVALS_QUESTION, EXAMPLE_QUESTION

    for name, q, what in (
        ("EXAMPLE_QUESTION", EXAMPLE_QUESTION, "no arrivals: squigglepy evaluates the closed form"),
        ("EXAMPLE_ARRIVALS_QUESTION", EXAMPLE_ARRIVALS_QUESTION,
         "future techniques and saturation: squigglepy draws each sample's arrivals"),
    ):
        print(f"\n## engine vs squigglepy, priors-only question (devtools.crosscheck.{name}; {what})\n")
        print("| samples | months on the engine grid | engine s (CPU) | compiled engine s (CPU) | "
              "squigglepy s (CPU) | squigglepy / engine | squigglepy / compiled | "
              "compiled vs engine, max diff (yr) | quantiles agree | median engine | median squigglepy |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for r in versus_squigglepy(sizes, repeat, q):
            print(f"| {r['n']} | {r['months']} | {r['engine_s']:.3f} ({r['engine_cpu_s']:.3f}) | "
                  f"{r['compiled_s']:.3f} ({r['compiled_cpu_s']:.3f}) | "
                  f"{r['squigglepy_s']:.3f} ({r['squigglepy_cpu_s']:.3f}) | "
                  f"{r['speedup']:.2f}x | {r['compiled_speedup']:.2f}x | {r['compiled_max_diff']:.1e} | "
                  f"{r['quantiles_agree']} | {r['median_engine']:.2f} | {r['median_squigglepy']:.2f} |")


if __name__ == "__main__":
    sys.exit(main())
