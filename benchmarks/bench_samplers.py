"""Fit the shipped registry with each candidate NUTS sampler and compare speed and quality.

Samplers (each in its own subprocess, so "cold" means empty compile caches):

* ``nutpie``      ``forecast.model.fit.nutpie_call``, what ``forecast fit`` uses: nutpie called directly
  (the draws of ``pm.sample(nuts_sampler="nutpie")``), its compiled model kept under the
  fit's ``compile_key`` (``forecast.model.compiled``);
* ``pymc-c``      PyMC's own NUTS on the C backend (``PYTENSOR_FLAGS=linker=cvm``), cores=2;
* ``pymc-numba``  PyMC's own NUTS with the numba linker (``PYTENSOR_FLAGS=linker=numba``), cores=2;
* ``numpyro``     ``pm.sample(nuts_sampler="numpyro")``, chains in parallel on 2 host devices,
  JAX persistent compilation cache on (needs the optional ``jax`` extra).

Every sampler runs twice: **cold** (fresh ``compiledir``, ``NUMBA_CACHE_DIR``, JAX cache and
``FORECAST_CACHE_DIR``, new process) and **warm** (a second new process reusing those caches). The model, priors and
fit settings are those of ``forecast.model.fit.fit_model`` (``FitSettings`` defaults, the registry's
last release as the as-of date).

Columns: ``compile`` = wall time of the sampler call minus the sampler's own
``sampling_time`` (compilation, initial point, post-processing); ``sample`` = the sampler's
``sampling_time`` (tuning + draws); ``min ESS`` = minimum bulk ESS over every element of
``forecast.model.graph.monitored_vars``; ``ESS/s`` = min ESS / sample seconds; ``ESS/s wall`` =
min ESS / (compile + sample); ``fit CPU s`` = CPU seconds of the ``pm.sample`` call (all
threads and chain processes) and ``ESS per fit CPU s`` = min ESS / fit CPU s, a measure that
other load on a shared machine disturbs less than wall time; ``grad/draw`` = mean leapfrog
steps per draw; ``load`` = 1-minute load average when the process started. For numpyro the
sampler's ``sampling_time`` includes the XLA compilation of the sampling loop.

Usage::

    python benchmarks/bench_samplers.py                 # the fit's settings: 2000 draws x 4 chains
                                                        # after forecast.model.fit.tune_for's tuning steps
    python benchmarks/bench_samplers.py --quick         # 300 + 300
    python benchmarks/bench_samplers.py --samplers nutpie,pymc-c --cli
    python benchmarks/bench_samplers.py --samplers nutpie,pymc-c --seed 2   # another seed
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SAMPLERS = ("nutpie", "pymc-c", "pymc-numba", "numpyro")
REFERENCE = "pymc-c"  # the baseline of the 5x ESS/s goal
CHOSEN = "nutpie"  # what forecast.model.fit uses


# ----------------------------------------------------------------------------- worker


def _worker(name: str, draws: int, tune: int | None, chains: int, jax_cache: str | None,
            seed: int | None = None) -> dict:
    """Build the model as forecast.model.fit does, sample it once, return timings and diagnostics."""
    t0 = time.perf_counter()
    if name == "numpyro":
        import jax

        jax.config.update("jax_compilation_cache_dir", jax_cache)
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
        jax.config.update("jax_persistent_cache_min_entry_size_bytes", -1)
    import numpy as np
    import pandas as pd
    import pymc as pm

    from dataclasses import replace

    from forecast.model.diagnostics import diagnose
    from forecast.model.fit import (FitSettings, compile_key, exact_float_arithmetic, nutpie_call,
                              target_accept_for, tune_for)
    from forecast.model.data import prepare_inputs
    from forecast.model.graph import build_model, monitored_vars
    from forecast.model.priors import model_priors_from
    from forecast.inputs.priors import load_priors
    from forecast.inputs.registry import load_registry

    t_import = time.perf_counter() - t0

    t0 = time.perf_counter()
    registry = load_registry(None)
    as_of = pd.Timestamp(registry.models["release_date"].max()).date()
    settings = FitSettings(as_of=as_of, draws=draws, tune=tune, chains=chains)
    if seed is not None:
        settings = replace(settings, seed=seed)
    known = load_priors(None).introduced_by(settings.as_of)
    mp = model_priors_from(known, registry.benchmarks)
    inp = prepare_inputs(
        registry.models, registry.scores, registry.benchmarks, mp, settings.as_of,
        min_models_per_benchmark=settings.min_models_per_benchmark,
        benchmark_set=list(settings.benchmarks),
    )
    model = build_model(inp, mp, variant="full")
    t_build = time.perf_counter() - t0

    target_accept = target_accept_for(settings, int(inp.informative.sum()))
    settings = replace(settings, tune=tune_for(settings, int(inp.informative.sum())))
    kwargs: dict = {}
    if name in ("pymc-c", "pymc-numba"):
        kwargs["nuts_sampler"] = "pymc"
    elif name == "numpyro":
        kwargs["nuts_sampler"] = "numpyro"
        kwargs["nuts_sampler_kwargs"] = {"chain_method": "parallel"}
    t0, c0 = time.perf_counter(), _own_and_children_cpu()
    with exact_float_arithmetic(), model:  # as `forecast fit` compiles it
        if name == "nutpie":
            key = compile_key(registry.sha256, known.sha256, settings)
            idata = nutpie_call(model, replace(settings, target_accept=target_accept), False, key)
        else:
            idata = pm.sample(
                draws=settings.draws, tune=settings.tune, chains=settings.chains,
                cores=settings.cores, random_seed=settings.seed, target_accept=target_accept,
                progressbar=False, compute_convergence_checks=False, **kwargs,
            )
    t_call = time.perf_counter() - t0
    cpu_call = _own_and_children_cpu() - c0
    t_sample = float(idata["posterior"].attrs.get("sampling_time", float("nan")))
    monitored = [v for v in monitored_vars(model) if v in idata["posterior"].to_dataset()]
    diag = diagnose(idata, monitored, seconds=t_call, sampler=name)
    stats = idata["sample_stats"].to_dataset()
    steps = stats["n_steps"] if "n_steps" in stats else None
    return {
        "sampler": name,
        "linker": os.environ.get("PYTENSOR_FLAGS", ""),
        "models": int(inp.n_models),
        "observations": int(len(inp.obs_y)),
        "free_parameters": int(sum(np.prod(v.shape.eval()) for v in model.free_RVs)),
        "import_s": t_import,
        "build_s": t_build,
        "fit_wall_s": t_call,
        "fit_cpu_s": cpu_call,
        "sample_s": t_sample,
        "compile_s": t_call - t_sample,
        "ess_bulk_min": diag.ess_bulk_min,
        "worst_ess": diag.worst_ess,
        "ess_tail_min": diag.ess_tail_min,
        "rhat_max": diag.rhat_max,
        "divergences": diag.divergences,
        "ebfmi_min": diag.ebfmi_min,
        "grad_per_draw": float(steps.mean()) if steps is not None else float("nan"),
        "draws": draws,
        "tune": settings.tune,
        "chains": chains,
    }


# ----------------------------------------------------------------------------- driver


def _env(name: str, cache_root: Path) -> dict[str, str]:
    """Environment of one sampler process: its own compile caches under `cache_root`."""
    env = dict(os.environ)
    compiledir = cache_root / "pytensor"
    flags = [f"compiledir={compiledir}"]
    if name == "pymc-c":
        flags.append("linker=cvm")
    elif name == "pymc-numba":
        flags.append("linker=numba")
    env["PYTENSOR_FLAGS"] = ",".join(flags)
    env["NUMBA_CACHE_DIR"] = str(cache_root / "numba")
    env["FORECAST_CACHE_DIR"] = str(cache_root / "forecast")
    if name == "numpyro":
        env["XLA_FLAGS"] = "--xla_force_host_platform_device_count=2"
    return env


def run_one(name: str, cache_root: Path, draws: int, tune: int | None, chains: int,
            timeout: float, seed: int | None = None) -> dict:
    """One new process fitting with sampler `name`; returns its JSON result (or the error)."""
    cmd = [sys.executable, __file__, "--worker", name, "--draws", str(draws),
           "--chains", str(chains), "--jax-cache", str(cache_root / "jax")]
    if tune is not None:
        cmd += ["--tune", str(tune)]
    if seed is not None:
        cmd += ["--seed", str(seed)]
    t0 = time.perf_counter()
    cpu0 = _children_cpu()
    load = os.getloadavg()[0]
    try:
        proc = subprocess.run(cmd, env=_env(name, cache_root), capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"sampler": name, "error": f"timed out after {timeout:.0f} s"}
    wall = time.perf_counter() - t0
    cpu = _children_cpu() - cpu0
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return {"sampler": name, "error": " | ".join(tail) or f"exit {proc.returncode}"}
    out = json.loads(lines[-1])
    out["process_s"] = wall
    out["process_cpu_s"] = cpu
    out["load_before"] = load
    return out


def _children_cpu() -> float:
    """User + system CPU seconds of finished (and reaped) child processes so far."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _own_and_children_cpu() -> float:
    """CPU seconds of this process (all threads) and its reaped children (PyMC's chain processes)."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime + _children_cpu()


def time_cli_fit(draws: int | None, cold: bool, timeout: float) -> dict:
    """Wall time of `forecast fit --no-cache --json` in a new process: cold with empty PyTensor,
    Numba and compiled-model caches, warm with this user's; `draws` None keeps the command's
    default."""
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        env = dict(os.environ)
        if cold:  # warm: the user's compiled-model cache (the fit itself is never cached here)
            env["FORECAST_CACHE_DIR"] = str(Path(tmp) / "forecast")
            env["PYTENSOR_FLAGS"] = f"compiledir={Path(tmp) / 'pytensor'}"
            env["NUMBA_CACHE_DIR"] = str(Path(tmp) / "numba")
        exe = shutil.which("forecast")
        cmd = [exe] if exe else [sys.executable, "-m", "forecast.cli"]
        cmd += ["fit", "--no-cache", "--json"] + (["--draws", str(draws)] if draws else [])
        t0, c0, load = time.perf_counter(), _children_cpu(), os.getloadavg()[0]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
        wall, cpu = time.perf_counter() - t0, _children_cpu() - c0
    if proc.returncode not in (0,):
        return {"cold": cold, "wall_s": wall, "error": proc.stderr.strip().splitlines()[-1:]}
    diag = json.loads(proc.stdout)["diagnostics"]
    return {"cold": cold, "wall_s": wall, "cpu_s": cpu, "load": load, "fit_s": diag["seconds"],
            "draws": diag["draws"], "chains": diag["chains"],
            "ess_bulk_min": diag["ess_bulk_min"], "ok": diag["ok"], "problems": diag["problems"]}


def table(rows: list[dict]) -> str:
    """The Markdown table of the results, with the ESS/s ratio to PyMC's C backend."""
    ref = {r["cache"]: r for r in rows if r["sampler"] == REFERENCE and "error" not in r}
    head = ("| sampler | cache | process s | process CPU s | load | import s | build s | compile s | sample s | fit wall s "
            "| fit CPU s | min bulk ESS | ESS/s | ESS/s wall | ESS per fit CPU s | vs pymc-c (ESS/s) "
            "| vs pymc-c (ESS per CPU s) | grad/draw | div | R-hat max |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['sampler']} | {r['cache']} | failed: {r['error']} |" + " |" * 17)
            continue
        ess_s = r["ess_bulk_min"] / r["sample_s"]
        ess_w = r["ess_bulk_min"] / r["fit_wall_s"]
        base = ref.get(r["cache"])
        ess_c = r["ess_bulk_min"] / r["fit_cpu_s"]
        ratio = f"{ess_s / (base['ess_bulk_min'] / base['sample_s']):.1f}x" if base else "-"
        ratio_c = f"{ess_c / (base['ess_bulk_min'] / base['fit_cpu_s']):.1f}x" if base else "-"
        lines.append(
            f"| {r['sampler']} | {r['cache']} | {r['process_s']:.1f} | {r['process_cpu_s']:.1f} | "
            f"{r['load_before']:.1f} | {r['import_s']:.1f} | "
            f"{r['build_s']:.1f} | {r['compile_s']:.1f} | {r['sample_s']:.1f} | {r['fit_wall_s']:.1f} | "
            f"{r['fit_cpu_s']:.1f} | {r['ess_bulk_min']:.0f} | {ess_s:.3g} | {ess_w:.3g} | {ess_c:.3g} | "
            f"{ratio} | {ratio_c} | "
            f"{r['grad_per_draw']:.1f} | {r['divergences']} | {r['rhat_max']:.3f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--draws", type=int, default=2000, help="draws per chain (default: the fit's, 2000)")
    ap.add_argument("--tune", type=int, default=None,
                    help="tuning steps (default: the fit's, forecast.model.fit.tune_for: 400 on the shipped registry)")
    ap.add_argument("--chains", type=int, default=4)
    ap.add_argument("--quick", action="store_true", help="300 tuning steps + 300 draws")
    ap.add_argument("--samplers", default=",".join(SAMPLERS), help="comma-separated subset")
    ap.add_argument("--cli", action="store_true",
                    help="also time `forecast fit --no-cache` end to end (cold and warm caches)")
    ap.add_argument("--cli-draws", type=int, default=None,
                    help="--draws for the `forecast fit` timing (default: the command's own)")
    ap.add_argument("--timeout", type=float, default=1800.0, help="seconds per sampler process")
    ap.add_argument("--seed", type=int, default=None,
                    help="sampler seed (default: the fit's, FitSettings.seed)")
    ap.add_argument("--json", type=Path, help="also write the raw results here")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--jax-cache", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.quick:
        args.draws = args.tune = 300

    if args.worker:
        print(json.dumps(_worker(args.worker, args.draws, args.tune, args.chains, args.jax_cache,
                                 args.seed)))
        return 0

    names = [s.strip() for s in args.samplers.split(",") if s.strip()]
    unknown = sorted(set(names) - set(SAMPLERS))
    if unknown:
        ap.error(f"unknown sampler(s) {unknown}; choose from {SAMPLERS}")
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="bench-samplers-") as tmp:
        for name in names:
            if name == "numpyro":
                try:
                    import numpyro  # noqa: F401
                except ImportError:
                    rows.append({"sampler": name, "cache": "cold",
                                 "error": "numpyro not installed (pip install '.[jax]')"})
                    continue
            root = Path(tmp) / name
            for cache in ("cold", "warm"):
                print(f"# {name} ({cache}) ...", file=sys.stderr, flush=True)
                r = run_one(name, root, args.draws, args.tune, args.chains, args.timeout, args.seed)
                r["cache"] = cache
                rows.append(r)
                if "error" in r:
                    print(f"#   failed: {r['error']}", file=sys.stderr, flush=True)
                    break
    seed = f", seed {args.seed}" if args.seed is not None else ""
    tunes = sorted({r["tune"] for r in rows if "tune" in r}) or [args.tune]
    print(f"\n{args.chains} chains x ({'/'.join(map(str, tunes))} tune + {args.draws} draws){seed}, "
          f"{os.cpu_count()} CPUs\n")
    print(table(rows))
    cli = []
    if args.cli:
        for cold in (True, False):
            print(f"# forecast fit --no-cache ({'cold' if cold else 'warm'} compile caches) ...",
                  file=sys.stderr, flush=True)
            cli.append(time_cli_fit(args.cli_draws, cold, args.timeout))
        print("\n| `forecast fit --no-cache` | draws x chains | wall s (process) | CPU s | load "
              "| fit s | min bulk ESS | diagnostics ok |")
        print("|---|---|---|---|---|---|---|---|")
        for c in cli:
            label = "cold" if c["cold"] else "warm"
            if "error" in c:
                print(f"| {label} caches | | {c['wall_s']:.1f} | failed: {c['error']} | | | | |")
            else:
                print(f"| {label} caches | {c['draws']} x {c['chains']} | {c['wall_s']:.1f} | "
                      f"{c['cpu_s']:.1f} | {c['load']:.1f} | "
                      f"{c['fit_s']:.1f} | {c['ess_bulk_min']:.0f} | {c['ok']} |")
    if args.json:
        args.json.write_text(json.dumps({"samplers": rows, "cli": cli}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
