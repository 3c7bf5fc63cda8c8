"""Sampling the efficiency model, checking it, and caching the posterior with its provenance.

`fit_model` builds the model of `forecast.model.graph` from a registry and a prior set known at
`settings.as_of`, samples it with nutpie (4 chains x 2000 draws after 400 or 1000 tuning steps
by default, `tune_for`; in an interpreter with unsalted string hashes, see
`sample_reproducibly`), runs the convergence checks of `forecast.model.diagnostics` and the posterior
predictive checks (in-sample and leave-one-out), and writes the posterior to a NetCDF file keyed
by a hash of everything that determines it (data, priors, settings, model code, package
versions). A second call with the same inputs loads that file instead of sampling again.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import multiprocessing
import os
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import xarray as xr

from forecast.core import paths
from forecast.model.diagnostics import Diagnostics, diagnose, load_posterior, save_posterior
from forecast.core.errors import DiagnosticsFailed, UserError
from forecast.core.processes import children_with_fixed_hashing, hashing_is_fixed

FitVariant = Literal["full", "drift_only", "priors_only"]
# The benchmarks fitted by default: the general-capability set used by observational scaling
# laws (Ruan et al. 2024, arXiv:2405.10938) plus MMLU-Pro and BBH. Narrow or saturated ones
# (IFEval, MuSR, LAMBADA, TriviaQA, ...) would pull the shared capability toward what they test.
CORE_BENCHMARKS = ("mmlu", "mmlu_pro", "arc_c", "hellaswag", "winogrande", "bbh", "gsm8k", "humaneval")
# The layers whose code shapes a posterior: reading the inputs (registry, priors, scenarios,
# scaling laws, dates) and the model (its graph, sampling and the checks stored with a fit).
# Every Python file under them is hashed into the fit's cache key; code of later layers
# (projection, API, evaluation, report, CLI) and of `forecast.core` never changes a posterior.
FIT_SHAPING_PACKAGES = ("inputs", "model")


# NUTS's target acceptance rate by default: with many informative models the posterior is well
# conditioned and the longer step of 0.8 pays (shipped registry, 377 informative models, 1000 +
# 1000 draws x 4 chains: min bulk ESS 294-525 in 23-24 s of sampling at 0.8, 3 seeds, against 291
# in 29 s at 0.9; 2000 draws: 793-983 in 32-34 s, 0 divergences; 348 models, backtest cutoff
# 2025-01-01: 0 divergences); with fewer it does not (1500 draws: 4 divergences at 201 models
# and 1 at 293, backtest cutoffs 2024-01-01 and 2024-07-01, none there at 0.9; as of 2023-03-19,
# 62 models, 2000 draws: R-hat 1.028 and ESS 237 at 0.8 against 1.016 and 309 at 0.9).
LONG_STEP_MIN_MODELS = 300


# nutpie's tuning steps by default, from `LONG_STEP_MIN_MODELS` informative models on: 400.
# Shipped registry, seeds 20230319 and 2-5: min bulk ESS 968-1105, R-hat 1.004-1.008, no
# divergences in 29-31 s of sampling, against 36 s with 1000 steps (seed 20230319; before the
# reference shift was clipped at 0.95 in `forecast.model.graph.build_model`, 500 steps missed R-hat 1.01
# on MMLU's ceiling there). Below it 1000: as of 2023-03-19 (62 informative models) 400 steps
# gave 1 divergence (min bulk ESS 848, R-hat 1.007), 1000 none (690, 1.008). The backtest's fits
# set their own 1500 (`forecast.evaluation.methods`).
SHORT_TUNE, LONG_TUNE = 400, 1000


def _by_data_size(setting: Any, n_informative: int, large: Any, small: Any) -> Any:
    """`setting` when it is set, else `large` from `LONG_STEP_MIN_MODELS` informative models on
    and `small` below."""
    if setting is not None:
        return setting
    return large if n_informative >= LONG_STEP_MIN_MODELS else small


def tune_for(settings: FitSettings, n_informative: int) -> int:
    """`settings.tune`, or when it is None `SHORT_TUNE` from `LONG_STEP_MIN_MODELS` informative
    models on and `LONG_TUNE` below."""
    return int(_by_data_size(settings.tune, n_informative, SHORT_TUNE, LONG_TUNE))


def target_accept_for(settings: FitSettings, n_informative: int) -> float:
    """`settings.target_accept`, or when it is None 0.8 from `LONG_STEP_MIN_MODELS` informative
    models on and 0.9 below."""
    return float(_by_data_size(settings.target_accept, n_informative, 0.8, 0.9))


@dataclass(frozen=True)
class FitSettings:
    """Everything besides data and priors that changes a fit."""

    as_of: date
    draws: int = 2000
    tune: int | None = None  # None: `tune_for` the fitted data
    chains: int = 4
    cores: int = 2
    seed: int = 20230319
    variant: FitVariant = "full"
    target_accept: float | None = None  # None: `target_accept_for` the fitted data
    min_models_per_benchmark: int = 12
    benchmarks: tuple[str, ...] = CORE_BENCHMARKS

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["as_of"] = self.as_of.isoformat()
        d["benchmarks"] = list(self.benchmarks)
        return d


@dataclass
class Fit:
    """A sampled (or prior-sampled) posterior with its inputs, diagnostics and provenance."""

    tree: xr.DataTree
    diagnostics: Diagnostics
    provenance: dict[str, Any]
    predictive: dict[str, Any] = field(default_factory=dict)
    # leave-one-out coverage (`forecast.model.calibration.loo_coverage`), computed once when sampled
    predictive_loo: dict[str, Any] = field(default_factory=dict)
    # shape of the per-model quality term against its normal prior
    # (`forecast.model.quality_check.quality_tail_check`)
    quality_tails: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    from_cache: bool = False

    @property
    def posterior(self) -> xr.Dataset:
        return self.tree["posterior"].to_dataset()

    @property
    def inputs(self) -> xr.Dataset:
        return self.tree["inputs"].to_dataset()

    def loo_coverage(self) -> dict[str, Any]:
        """The leave-one-out coverage stored with the fit; computed here for a fit file written
        without it."""
        if not self.predictive_loo:
            from forecast.model.calibration import loo_coverage

            self.predictive_loo = loo_coverage(self.posterior, self.inputs)
        return self.predictive_loo

    @property
    def as_of(self) -> date:
        return date.fromisoformat(self.provenance["settings"]["as_of"])

    @property
    def variant(self) -> str:
        return self.provenance["settings"]["variant"]

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        tree = self.tree.copy()
        tree.attrs = {
            "provenance": json.dumps(self.provenance, sort_keys=True),
            "diagnostics": json.dumps(self.diagnostics.to_dict(), sort_keys=True),
            "predictive": json.dumps(self.predictive, sort_keys=True),
            "predictive_loo": json.dumps(self.predictive_loo, sort_keys=True),
            "quality_tails": json.dumps(self.quality_tails, sort_keys=True),
        }
        save_posterior(tree, path)
        self.path = path
        return path

    @classmethod
    def load(cls, path: str | Path) -> Fit:
        path = Path(path)
        try:
            tree = load_posterior(path)
            attrs = tree.attrs
            return cls(
                tree=tree,
                diagnostics=Diagnostics.from_dict(json.loads(attrs["diagnostics"])),
                provenance=json.loads(attrs["provenance"]),
                predictive=json.loads(attrs.get("predictive", "{}")),
                predictive_loo=json.loads(attrs.get("predictive_loo", "{}")),
                quality_tails=json.loads(attrs.get("quality_tails", "{}")),
                path=path,
            )
        except (OSError, KeyError, ValueError) as exc:
            raise UserError(f"not a readable forecast fit file ({exc})", file=path) from None


def fit_shaping_sources(package_dir: Path | None = None) -> list[Path]:
    """Every Python source file of the `FIT_SHAPING_PACKAGES`, sorted by path.

    Parameters
    ----------
    package_dir : Path, optional
        The `forecast` package folder (default: the one this module was loaded from).

    Returns
    -------
    list of Path

    Raises
    ------
    RuntimeError
        When the set is empty: a fit key over no code would never change.
    """
    root = Path(package_dir) if package_dir is not None else Path(__file__).resolve().parents[1]
    files = sorted(f for name in FIT_SHAPING_PACKAGES for f in (root / name).rglob("*.py"))
    if not files:
        raise RuntimeError(f"no source files under {root} / {FIT_SHAPING_PACKAGES}: the fit's cache "
                           "key would not track the model code")
    return files


@functools.lru_cache(maxsize=1)
def source_hash() -> str:
    """SHA-256 over the relative path and bytes of every `fit_shaping_sources` file, read once
    per process (a running job keeps its cache keys)."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in fit_shaping_sources(root):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


def versions() -> dict[str, str]:
    import importlib.metadata as md

    out = {}
    for pkg in ("forecast", "pymc", "pytensor", "nutpie", "arviz", "numpy", "pandas", "xarray", "preliz"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            out[pkg] = "absent"
    return out


def _inputs_key(data_sha: str, priors_sha: str, settings: dict[str, Any]) -> str:
    """24 hex digits of SHA-256 over the data, the priors, `settings`, the model code and the
    package versions."""
    payload = json.dumps(
        {"data": data_sha, "priors": priors_sha, "settings": settings,
         "code": source_hash(), "versions": versions()},
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:24]


def cache_key(data_sha: str, priors_sha: str, settings: FitSettings) -> str:
    return _inputs_key(data_sha, priors_sha, settings.to_dict())


# the settings that change the model's graph; the others (draws, tuning steps, chains, cores, seed,
# target acceptance) only steer the sampler
MODEL_SETTINGS = ("as_of", "variant", "min_models_per_benchmark", "benchmarks")


def compile_key(data_sha: str, priors_sha: str, settings: FitSettings) -> str:
    """The key of the model's compiled log density (`forecast.model.compiled`): `cache_key` with only
    the `MODEL_SETTINGS`, so a refit with another seed or number of draws reuses the compiled
    model."""
    return _inputs_key(data_sha, priors_sha,
                       {k: v for k, v in settings.to_dict().items() if k in MODEL_SETTINGS})


def cache_path(key: str) -> Path:
    return paths.cache_dir() / "fits" / f"fit-{key}.nc"


def _inputs_dataset(inp: Any) -> xr.Dataset:
    """The model's input arrays, stored beside the posterior (for checks, plots, projection)."""
    ds = xr.Dataset(
        {
            "log10_params": ("model", inp.log10_params),
            "release_t": ("model", inp.t),
            "log10_sparsity": ("model", inp.log10_sparsity),
            "log10_tpp": ("model", inp.log10_tpp),
            "organization": ("model", inp.organizations.astype(str)),
            "uses": (("model", "technique"), inp.U),
            "chance": ("benchmark", inp.chance),
            "gumbel": ("benchmark", np.array([f == "gumbel" for f in inp.link_family], dtype=np.int8)),
            "obs_model": ("obs", inp.obs_model),
            "obs_bench": ("obs", inp.obs_bench),
            "obs_group": ("obs", inp.obs_group),
            "obs_source": ("obs", inp.obs_source),
            "obs_y": ("obs", inp.obs_y),
            "year_knots": ("knot", inp.year_knots),
            "release_counts": (("month", "band"), inp.release_counts),
            "release_month_t": ("month", inp.release_t),
            "release_band_x": ("band", inp.release_x),
        },
        coords={
            "model": list(inp.model_ids),
            "technique": list(inp.techniques),
            "benchmark": list(inp.benchmarks),
            "obs": np.arange(len(inp.obs_y)),
        },
    )
    ds.attrs = {
        "t_ref": inp.t_ref,
        "as_of": inp.as_of.isoformat(),
        "data_end": inp.data_end.isoformat(),
        "ref_seg": inp.ref_seg,
        "groups": json.dumps(inp.groups),
        "adoption_tech": json.dumps(inp.adoption_tech),
        "dropped": json.dumps(inp.dropped),
    }
    return ds


def predictive_check(post: xr.Dataset, inp: xr.Dataset, seed: int = 0) -> dict[str, Any]:
    """Share of observed scores inside their posterior predictive 50% and 90% intervals.

    Replicates y_rep = p_i + sd_i * T_5 per posterior draw (p_i and sd_i as in the model,
    `forecast.model.calibration.predictive_location_scale`); reported overall, per benchmark and per
    source (independent / self-reported). In-sample: `forecast.model.calibration.loo_coverage` is the
    leave-one-out version.
    """
    from forecast.model.calibration import coverage_by_group, predictive_location_scale

    p, sd = predictive_location_scale(post, inp)
    y_rep = np.random.default_rng(seed).standard_t(5.0, size=p.shape)
    y_rep *= sd
    y_rep += p  # p + sd * T_5, in place
    y = inp["obs_y"].values
    # one partition per observation for all four levels, on a copy with the draws contiguous
    # (which the partition may then reorder in place)
    lo90, lo50, hi50, hi90 = np.quantile(y_rep.T.copy(), [0.05, 0.25, 0.75, 0.95], axis=1,
                                         overwrite_input=True)
    return coverage_by_group((y >= lo50) & (y <= hi50), (y >= lo90) & (y <= hi90), inp)


def fit_model(
    registry: Any,
    priors: Any,
    settings: FitSettings,
    *,
    progress: bool = True,
    use_cache: bool = True,
    strict: bool = False,
) -> Fit:
    """Fit (or load from cache) the model on what was known at `settings.as_of`.

    `registry` is a `forecast.inputs.registry.Registry`, `priors` a `forecast.inputs.priors.PriorSet`;
    techniques introduced after the as-of date are left out (future arrivals stand for them).
    Under `strict`, a fit that fails its diagnostics raises `DiagnosticsFailed`.
    """
    from forecast.model.priors import model_priors_from

    known_priors = priors.introduced_by(settings.as_of)
    key = cache_key(registry.sha256, known_priors.fit_sha256, settings)
    path = cache_path(key)
    if use_cache and path.exists():
        try:
            cached = Fit.load(path)
            cached.from_cache = True
            require_converged(cached.diagnostics, strict)
            return cached
        except UserError:
            path.unlink(missing_ok=True)  # unreadable cache entry: refit

    mp = model_priors_from(known_priors, registry.benchmarks)
    from forecast.model.graph import SAMPLER_COORDINATES, prepare_inputs

    inp = prepare_inputs(
        registry.models, registry.scores, registry.benchmarks, mp, settings.as_of,
        min_models_per_benchmark=settings.min_models_per_benchmark,
        benchmark_set=list(settings.benchmarks),
    )
    variant = "drift_only" if settings.variant == "drift_only" else "full"
    n_informative = int(inp.informative.sum())
    settings = replace(settings, target_accept=target_accept_for(settings, n_informative),
                       tune=tune_for(settings, n_informative))
    tree, seconds, sampler, monitored = sample_reproducibly(
        inp, mp, variant, True if settings.variant == "priors_only" else None, settings, progress,
        compile_key(registry.sha256, known_priors.fit_sha256, settings))
    posterior = tree["posterior"].to_dataset()
    inputs = _inputs_dataset(inp)
    diag, predictive, loo, tails = _fit_checks(tree, posterior, inputs, inp.informative, monitored,
                                               settings, seconds, sampler)
    keep = [v for v in posterior.data_vars
            if not v.startswith("z_") and v not in ("tpp_imputed", "expected_capability")
            and v not in SAMPLER_COORDINATES]
    out_tree = xr.DataTree.from_dict(
        {
            "posterior": posterior[keep],
            "sample_stats": (tree["sample_stats"].to_dataset()[
                [v for v in ("diverging", "energy", "tree_depth", "n_steps", "step_size")
                 if v in tree["sample_stats"].to_dataset()]]
                if "sample_stats" in tree.children else xr.Dataset()),
            "inputs": inputs,
        }
    )
    provenance = {
        "data_sha256": registry.sha256,
        "data_source": str(registry.source),
        "priors_sha256": known_priors.fit_sha256,
        "priors_folder": str(known_priors.folder),
        "techniques": list(known_priors.techniques),
        "settings": settings.to_dict(),
        "versions": versions(),
        "code_sha256": source_hash(),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join(sys.argv),
        "cache_key": key,
        "monitored": monitored,
        "compiled_from_cache": bool(tree["posterior"].attrs.get("compiled_from_cache", 0)),
    }
    result = Fit(tree=out_tree, diagnostics=diag, provenance=provenance, predictive=predictive,
                 predictive_loo=loo, quality_tails=tails)
    if use_cache:
        result.save(path)
    require_converged(diag, strict)
    return result


def _fit_checks(tree: xr.DataTree, posterior: xr.Dataset, inputs: xr.Dataset, informative: np.ndarray,
                monitored: list[str], settings: FitSettings, seconds: float, sampler: str
                ) -> tuple[Diagnostics, dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The checks stored with a fit: (diagnostics, in-sample predictive check, LOO, quality tails).

    The in-sample predictive check and then the quality-tail check run on a second thread (their
    NumPy work releases the GIL) while the diagnostics and LOO run on this one (shipped fit: 6.1-6.2
    s in all, against 6.8-6.9 s with the quality-tail check on this thread); each check that draws
    random numbers has its own generator, seeded by `settings.seed`, so the results do not depend on the
    threads' timing. Leaving the `with` block waits for the thread, also when a check raises.
    Under `forecast backtest --jobs 2` the two processes' threads share the two cores.
    A priors-only fit has no sampler diagnostics and no LOO (importance sampling from prior draws
    says nothing)."""
    from forecast.model.calibration import loo_coverage
    from forecast.model.quality_check import quality_tail_check

    priors_only = settings.variant == "priors_only"
    loo: dict[str, Any] = {}
    tails: dict[str, Any] = {}
    with ThreadPoolExecutor(max_workers=1) as pool:
        predictive_future = pool.submit(predictive_check, posterior, inputs, seed=settings.seed)
        tails_future = None
        if not priors_only and "expected_capability" in posterior:
            tails_future = pool.submit(quality_tail_check, posterior, informative, seed=settings.seed)
        if priors_only:
            diag = Diagnostics(
                rhat_max=float("nan"), ess_bulk_min=float("nan"), ess_tail_min=float("nan"),
                divergences=0, ebfmi_min=float("nan"), draws=settings.draws, chains=1,
                seconds=seconds, sampler=sampler,
            )
        else:
            diag = diagnose(tree, monitored, seconds=seconds, sampler=sampler)
            loo = loo_coverage(posterior, inputs)
        predictive = predictive_future.result()
        if tails_future is not None:
            tails = tails_future.result()
    return diag, predictive, loo, tails


def require_converged(diag: Diagnostics, strict: bool) -> None:
    """Under `strict`, raise `DiagnosticsFailed` listing the problems of a fit that failed its checks."""
    if strict and not diag.ok:
        raise DiagnosticsFailed("; ".join(diag.problems))


def exact_float_arithmetic() -> contextlib.AbstractContextManager[Any]:
    """Compile the model's functions without Numba's fastmath (IEEE arithmetic, no reassociation).

    With fastmath, code compiled in this process and the same code loaded from Numba's on-disk
    cache round differently, so a fit's draws depended on what the cache held (measured: the
    2021-07-01 fit of `tests/test_repro.py` gave three different draws from an empty, a partly
    filled and a full cache, each with unsalted hashes). Without it every run agreed, at the
    same gradient speed (0.22 ms per log-density and gradient evaluation on the shipped fit)."""
    import pytensor

    return pytensor.config.change_flags(numba__fastmath=False)


def _sample_model(inp: Any, mp: Any, variant: str, generative: bool | None, settings: FitSettings,
                  progress: bool, key: str | None = None) -> tuple[xr.DataTree, float, str, list[str]]:
    """Build the model, sample it (`sample_model`, compiled under `key`), and name the monitored
    variables it holds."""
    from forecast.model.graph import build_model, monitored_vars

    model = build_model(inp, mp, variant=variant, generative=generative)
    tree, seconds, sampler = sample_model(model, settings, progress, key)
    monitored = [v for v in monitored_vars(model) if v in tree["posterior"].to_dataset()]
    return tree, seconds, sampler, monitored


def _sample_in_child(conn: Any, *args: Any) -> None:
    """Body of the sampling process: send ("ok", result), ("interrupt", message) or ("error", exc)."""
    try:
        result = _sample_model(*args)
        conn.send(("ok", result))
    except KeyboardInterrupt as exc:
        conn.send(("interrupt", str(exc) or "sampling was interrupted"))
    except BaseException as exc:  # handed to the parent, which raises it
        try:
            conn.send(("error", exc))
        except Exception:  # an exception that does not pickle: its text
            conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
    finally:
        conn.close()


def sample_reproducibly(inp: Any, mp: Any, variant: str, generative: bool | None, settings: FitSettings,
                        progress: bool, key: str | None = None) -> tuple[xr.DataTree, float, str, list[str]]:
    """Sample the model of (`inp`, `mp`) so that the same seed gives the same draws in every process.

    PyTensor's graph rewrites visit some sets of variables in the order of their str hashes, which
    Python salts per process (PYTHONHASHSEED). The compiled log density and gradient then differ
    in their last bits from one process to the next (measured on the 2023-01-01 model: 0x1.478b72a3440a4p+10
    against ...a5p+10 for the summed gradient), and NUTS trajectories amplify those bits until two
    runs with one seed give different posteriors. So sampling happens in an interpreter whose hash
    seed is 0: this one when it started that way (`hashing_is_fixed`), otherwise a child process
    started for the purpose (spawn; a few seconds of imports). Ctrl-C or an exception in the
    parent stops the child; nothing is cached from an unfinished child.
    """
    args = (inp, mp, variant, generative, settings, progress, key)
    if hashing_is_fixed():
        return _sample_model(*args)
    from forecast.model.graph import build_model

    build_model(inp, mp, variant=variant, generative=generative)  # input errors surface here, not in the child
    ctx = multiprocessing.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    with children_with_fixed_hashing():
        proc = ctx.Process(target=_sample_in_child, args=(sender, *args), name="forecast-sampler")
        proc.start()
    sender.close()
    try:
        try:
            status, payload = receiver.recv()
        except EOFError:
            proc.join()
            raise RuntimeError(f"the sampling process ended without a result (exit code {proc.exitcode})") from None
        proc.join()
    finally:
        if proc.is_alive():
            proc.terminate()
            proc.join()
        receiver.close()
    if status == "interrupt":
        raise KeyboardInterrupt(payload)
    if status == "error":
        raise payload
    return payload


def sample_model(model: Any, settings: FitSettings, progress: bool,
                 key: str | None = None) -> tuple[xr.DataTree, float, str]:
    """Sample `model` with nutpie as `settings` say (draws, tuning steps, chains, cores, seed and a
    resolved `target_accept`), compiled by `exact_float_arithmetic`; the prior instead for the
    `priors_only` variant. Returns (inference data, seconds, sampler name); an interrupted run
    raises KeyboardInterrupt rather than returning a partial trace, and a `target_accept` still
    None (resolve it with `target_accept_for` first) raises ValueError before anything compiles.

    nutpie is called directly rather than through `pm.sample`, whose step-method assignment
    builds and discards a gradient graph for every free variable before handing the model to
    nutpie (`nutpie_call`). The draws are those `pm.sample(nuts_sampler="nutpie")` gives for the
    same seed (`tests/test_model_terms.py`). With a `key` (`compile_key`), the compiled log
    density is kept on disk and reused by the next process that samples the same model
    (`forecast.model.compiled`)."""
    import pymc as pm

    if (settings.target_accept is None or settings.tune is None) and settings.variant != "priors_only":
        raise ValueError("sample_model needs a resolved target_accept and tune: pass "
                         "replace(settings, target_accept=target_accept_for(settings, n_informative), "
                         "tune=tune_for(settings, n_informative))")
    start = time.perf_counter()
    with exact_float_arithmetic(), model:
        if settings.variant == "priors_only":
            idata = pm.sample_prior_predictive(draws=settings.draws, random_seed=settings.seed)
            prior = idata["prior"].to_dataset()
            tree = xr.DataTree.from_dict({"posterior": prior})
            return tree, time.perf_counter() - start, "prior"
        idata = nutpie_call(model, settings, progress, key)
    if idata["posterior"].sizes["draw"] < settings.draws:  # nutpie returns a partial trace on Ctrl-C
        raise KeyboardInterrupt("sampling was interrupted before all draws were taken")
    return idata, time.perf_counter() - start, "nutpie"


def nutpie_seed(seed: int, chains: int) -> int:
    """The seed `pm.sample(random_seed=seed, chains=chains)` hands nutpie: the first of the
    per-chain seeds drawn from `seed`'s spawned generators (nutpie derives every chain's stream
    from it)."""
    rngs = np.random.default_rng(seed).spawn(chains)
    return int(rngs[0].integers(2**30))


def nutpie_call(model: Any, settings: FitSettings, progress: bool, key: str | None = None
                ) -> xr.DataTree:
    """Compile `model` for nutpie (Numba backend; from the on-disk cache under `key` when
    it holds it, `forecast.model.compiled`) and sample it, BLAS limited to `settings.cores` threads; a
    progress bar per chain when `progress` (`forecast.core.progress`). Returns nutpie's DataTree
    (posterior, sample_stats) with the sampling seconds in the posterior's `sampling_time` attribute and whether the
    compiled model came from the cache in `compiled_from_cache`."""
    import nutpie
    from threadpoolctl import threadpool_limits

    from forecast.model.compiled import compile_model
    from forecast.core.progress import sampler_progress

    # the line `pm.sample` logs before compiling (PyMC's logger prints it to stderr)
    logging.getLogger("pymc").info(f"NUTS[nutpie]: {model.free_RVs}")
    compiled, from_cache = compile_model(model, key)
    bars = sampler_progress(settings.chains, settings.draws, progress)
    t0 = time.perf_counter()
    with threadpool_limits(limits=settings.cores), bars:
        idata = nutpie.sample(
            compiled,
            draws=settings.draws,
            tune=settings.tune,
            chains=settings.chains,
            cores=min(settings.cores, settings.chains),
            seed=nutpie_seed(settings.seed, settings.chains),
            target_accept=settings.target_accept,
            save_warmup=False,
            store_unconstrained=False,
            progress_bar=False,
            progress_callback=bars.update,
        )
    idata["posterior"].attrs["sampling_time"] = time.perf_counter() - t0
    idata["posterior"].attrs["compiled_from_cache"] = int(from_cache)
    return idata

