"""Cold-process time of a forecast query on a cached fit, with a breakdown of where it goes.

1. Makes sure the default fit (the one `forecast when` uses) is in the fit cache
   (`FORECAST_CACHE_DIR`), running `forecast fit` once if it is not.
2. Times ``forecast when --target mmlu=0.70 --params 7B --json`` (a registry model already
   meets it, so nothing is projected) and ``... --params 1B`` (projected), or the ``--query``
   arguments given, as new processes, process start included (min and median wall of
   ``--repeat`` runs, and CPU seconds). Goal: < 3 s wall on 2 cores.
3. Breakdown, in a new process that performs the command's steps one at a time: interpreter
   start, imports of the CLI, the engine (registry and priors load), the fit from the cache
   (cache key: source and version hashes; NetCDF load), the query (posterior draws, the
   "already reached" check, engine draws, the projection) and the JSON output; the parts come
   from cProfile's cumulative times (profiling slows Python-heavy parts a little). Also which
   heavy libraries ended up imported.
4. The other two questions, ``forecast size`` and ``forecast capability`` (``OTHER_QUERIES``), as
   new processes, the same way as 2 (they evaluate the simulated futures only up to their last
   date).
5. The slowest imports of the command, from ``python -X importtime`` (cumulative, top level).

Usage::

    python benchmarks/bench_query.py
    python benchmarks/bench_query.py --query "--target mmlu=0.70 --params 1B"
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import time

# the first is already reached by a registry model (no projection); the second is projected
DEFAULT_QUERIES = ("--target mmlu=0.70 --params 7B", "--target mmlu=0.70 --params 1B")
# `forecast size` and `forecast capability`, timed as new processes like the `when` queries
OTHER_QUERIES = ("size --target mmlu=0.70 --date 2026-01-01 --date 2028-01-01",
                 "capability --benchmark mmlu --params 3B --date 2027-01-01")
# parts of each step reported from its profile: label -> (file, function)
ENGINE_PARTS = {
    "load registry": ("forecast/inputs/registry.py", "load_registry"),
    "load priors": ("forecast/inputs/priors/prior_set.py", "load_priors"),
}
FIT_PARTS = {
    "cache key (hashes of sources, package versions)": ("forecast/model/store.py", "cache_key"),
    "NetCDF load (h5netcdf)": ("forecast/model/diagnostics.py", "load_posterior"),
}
WHEN_PARTS = {
    "posterior draws (flatten to NumPy)": ("forecast/projection/posterior.py", "from_fit"),
    "already-reached check": ("forecast/api/engine.py", "already_reached"),
    "future draws (arrival rate, lags, retention)": ("forecast/projection/future_draws.py", "sample_future_draws"),
    "projection: set up futures (random draws)": ("forecast/projection/simulator.py", "__init__"),
    "projection: paths, block by block": ("forecast/projection/simulator.py", "block"),
    "projection: hazard and crossing dates": ("forecast/projection/crossing.py", "_hazard"),
}
HEAVY = ("pymc", "pytensor", "arviz", "numba", "nutpie", "scipy", "matplotlib", "xarray",
         "h5netcdf", "h5py", "pandas", "preliz", "squigglepy", "jax")


def forecast_cmd() -> list[str]:
    exe = shutil.which("forecast")
    return [sys.executable, exe] if exe else [sys.executable, "-m", "forecast.cli"]


def ensure_cached_fit() -> None:
    """Fit once with the default settings if the cache holds no matching fit."""
    import pandas as pd

    from forecast.model.fit import FitSettings, cache_key, cache_path
    from forecast.inputs.priors import load_priors
    from forecast.inputs.registry import load_registry

    reg = load_registry(None)
    as_of = pd.Timestamp(reg.models["release_date"].max()).date()
    settings = FitSettings(as_of=as_of)
    path = cache_path(cache_key(reg.sha256, load_priors(None).introduced_by(as_of).sha256, settings))
    if path.exists():
        print(f"cached fit: {path}", file=sys.stderr)
        return
    print("no cached default fit; running `forecast fit` once ...", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    subprocess.run(forecast_cmd() + ["fit", "--json"], check=True, stdout=subprocess.DEVNULL)
    print(f"  fitted in {time.perf_counter() - t0:.1f} s", file=sys.stderr)


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def time_process(args: list[str], repeat: int) -> dict:
    """Wall and CPU seconds (user + system) of `repeat` runs of a new process."""
    walls, cpus = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), _children_cpu()
        proc = subprocess.run(args, capture_output=True, text=True)
        walls.append(time.perf_counter() - t0)
        cpus.append(_children_cpu() - c0)
        if proc.returncode != 0:
            return {"error": proc.stderr.strip().splitlines()[-1:], "walls": walls}
    out = json.loads(proc.stdout) if proc.stdout.strip().startswith("{") else {}
    return {"min": min(walls), "median": statistics.median(walls), "cpu": min(cpus),
            "walls": walls, "out": out}


# ----------------------------------------------------------------------------- breakdown


def _profiled(fn):
    """Run fn() under cProfile; return its result, wall seconds and the profile's raw stats."""
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    out = fn()
    prof.disable()
    return out, time.perf_counter() - t0, pstats.Stats(prof).stats


def _cumulative(stats: dict, file: str, func: str) -> float:
    """Cumulative seconds of function `func` defined in a file ending with `file`."""
    return sum(v[3] for k, v in stats.items() if k[0].endswith(file) and k[2] == func)


def _breakdown(query: str) -> dict:
    """The steps of `forecast when` as the command runs them, each timed (fresh process).

    Every step but the first runs under cProfile, whose cumulative times give the parts."""
    t0 = time.perf_counter()
    import forecast.cli  # noqa: F401  (typer, rich, every command module)

    steps = [("import forecast.cli (typer, rich, command modules)", time.perf_counter() - t0, [])]

    def step(label, fn, parts):
        out, secs, stats = _profiled(fn)
        steps.append((label, secs, [(name, _cumulative(stats, f, g)) for name, (f, g) in parts.items()]))
        return out

    args = shlex.split(query)
    flags = {"--target": "target", "--params": "params", "--active-params": "active_params",
             "--memory": "memory", "--bits": "bits"}
    kw = {flags[a]: args[i + 1] for i, a in enumerate(args) if a in flags}

    def construct():
        from forecast.cli.forecast_cmd import DEFAULT_SEED, make_engine

        return make_engine(None, None, None, DEFAULT_SEED, progress=False)

    engine = step("Engine() (imports forecast.api.engine; loads registry and priors)", construct, ENGINE_PARTS)
    step("engine.fit() from the cache", engine.fit, FIT_PARTS)
    result = step("engine.when()", lambda: engine.when(kw.pop("target"), **kw), WHEN_PARTS)

    def output():
        from forecast.cli.output import to_json

        return to_json(result.to_dict())

    step("result to JSON", output, {})
    loaded = [m for m in HEAVY if m in sys.modules]
    return {"steps": steps, "heavy_modules": loaded, "already_reached": result.already_reached_by}


def importtime(query: str, top: int) -> list[tuple[str, float]]:
    """The costliest imports of the command (seconds, from -X importtime): every top-level
    package (cumulative cost of its first import, wherever it happened) and the package's own
    modules directly imported by the command."""
    cmd = [sys.executable, "-X", "importtime"] + forecast_cmd()[1:] + ["when", "--json"] + shlex.split(query)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    rows = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _self_us, cum_us, field = line[len("import time:"):].split("|")
        name = field[1:]
        depth = (len(name) - len(name.lstrip(" "))) // 2
        name = name.strip()
        if "." not in name or (name.startswith("forecast.") and depth == 0):
            rows.append((name, int(cum_us) / 1e6))
    rows.sort(key=lambda r: -r[1])
    return rows[:top]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--query", action="append", help=f"arguments of `forecast when` (default: {' and '.join(DEFAULT_QUERIES)})")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--top", type=int, default=15, help="slowest imports to list")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(_breakdown(args.worker)))
        return 0
    queries = args.query or list(DEFAULT_QUERIES)
    ensure_cached_fit()

    t_python = time_process([sys.executable, "-c", "pass"], args.repeat)
    print(f"\n{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
          f"bare interpreter start {t_python['min']:.3f} s\n")
    print("| query | min wall s | median wall s | min CPU s | runs | already reached | median date |")
    print("|---|---|---|---|---|---|---|")
    for q in queries:
        r = time_process(forecast_cmd() + ["when", "--json"] + shlex.split(q), args.repeat)
        if "error" in r:
            print(f"| `forecast when {q}` | failed: {r['error']} | | | | | |")
            continue
        reached = (r["out"].get("already_reached_by") or {}).get("name", "no")
        print(f"| `forecast when {q} --json` | {r['min']:.2f} | {r['median']:.2f} | {r['cpu']:.2f} | {len(r['walls'])} "
              f"| {reached} | {r['out'].get('quantiles', {}).get('0.5')} |")

    print("\n| other queries | min wall s | median wall s | min CPU s | runs |")
    print("|---|---|---|---|---|")
    for q in OTHER_QUERIES:
        r = time_process(forecast_cmd() + shlex.split(q) + ["--json"], args.repeat)
        if "error" in r:
            print(f"| `forecast {q}` | failed: {r['error']} | | | |")
            continue
        print(f"| `forecast {q} --json` | {r['min']:.2f} | {r['median']:.2f} | {r['cpu']:.2f} | {len(r['walls'])} |")

    for q in queries:
        proc = subprocess.run([sys.executable, __file__, "--worker", q], capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"\nbreakdown failed: {proc.stderr.strip().splitlines()[-1:]}")
            continue
        b = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"\n## breakdown of `forecast when {q}` (one fresh process)\n")
        print("| step | seconds |")
        print("|---|---|")
        print(f"| interpreter start (bare `python -c pass`) | {t_python['min']:.3f} |")
        for name, secs, parts in b["steps"]:
            print(f"| {name} | {secs:.3f} |")
            for part, cum in parts:
                print(f"| &nbsp;&nbsp;of which {part} | {cum:.3f} |")
        reached = (b["already_reached"] or {}).get("name")
        if reached:
            print(f"\nalready reached by {reached}: the projection was skipped")
        print(f"\nheavy libraries imported: {', '.join(b['heavy_modules']) or 'none'}")

    print("\n## costliest imports of `forecast when` (python -X importtime, cumulative; packages "
          "include what they import)\n")
    print("| module | seconds |")
    print("|---|---|")
    for name, secs in importtime(queries[-1], args.top):
        print(f"| {name} | {secs:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
