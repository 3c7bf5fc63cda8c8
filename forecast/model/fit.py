"""Fitting the efficiency model: sample it, check it, and cache the posterior with its provenance.

`fit_model` builds the model of `forecast.model.graph` from a registry and a prior set known at
`settings.as_of`, samples it with nutpie (4 chains x 2000 draws after 400 or 1000 tuning steps
by default, `forecast.model.settings.tune_for`; in an interpreter with unsalted string hashes,
`forecast.model.sampling.sample_reproducibly`), runs the convergence checks of
`forecast.model.diagnostics` and the posterior predictive checks (in-sample and leave-one-out,
`forecast.model.checks`), and writes the posterior to a NetCDF file keyed by a hash of everything
that determines it (the data and priors seen as of its date, the other settings, model code,
package versions; `forecast.model.store.fit_keys`).
A second call with the same inputs loads that file instead of sampling again.

The names callers use from the fit's parts are importable from here as well (`__all__`).
"""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

import xarray as xr

from forecast.core.errors import DiagnosticsFailed, UserError
from forecast.model.checks import fit_checks, predictive_check
from forecast.model.data import prepare_inputs
from forecast.model.diagnostics import Diagnostics
from forecast.model.graph import SAMPLER_COORDINATES
from forecast.model.priors import model_priors_from
from forecast.model.sampling import (exact_float_arithmetic, nutpie_call, nutpie_seed, sample_model,
                                     sample_reproducibly)
from forecast.model.settings import (CORE_BENCHMARKS, LONG_STEP_MIN_MODELS, LONG_TUNE, MODEL_SETTINGS,
                                     SHORT_TUNE, FitSettings, FitVariant, target_accept_for, tune_for)
from forecast.model.store import (FIT_SHAPING_PACKAGES, Fit, FitKeys, cache_key, cache_path, compile_key,
                                  data_sha256, fit_keys, fit_shaping_sources, inputs_dataset, source_hash,
                                  versions)

__all__ = [
    "CORE_BENCHMARKS", "FIT_SHAPING_PACKAGES", "LONG_STEP_MIN_MODELS", "LONG_TUNE", "MODEL_SETTINGS",
    "SHORT_TUNE", "Fit", "FitKeys", "FitSettings", "FitVariant", "cache_key", "cache_path", "compile_key",
    "data_sha256", "exact_float_arithmetic", "fit_keys", "fit_model", "fit_shaping_sources", "nutpie_call",
    "nutpie_seed", "predictive_check", "require_converged", "sample_model", "sample_reproducibly", "source_hash",
    "target_accept_for", "tune_for", "versions",
]

# sampler statistics kept with a fit
_SAMPLE_STATS = ("diverging", "energy", "tree_depth", "n_steps", "step_size")


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

    Techniques introduced after the as-of date are left out (future arrivals stand for them).

    Parameters
    ----------
    registry : forecast.inputs.registry.Registry
        The models, scores and benchmarks.
    priors : forecast.inputs.priors.PriorSet
        The prior set.
    settings : FitSettings
        The fit's settings; `tune` and `target_accept` left None are resolved from the data.
    progress : bool, default True
        Show a progress bar per chain.
    use_cache : bool, default True
        Load the fit from the cache when it is there, and store a new one.
    strict : bool, default False
        Raise `DiagnosticsFailed` for a fit that fails its diagnostics.

    Returns
    -------
    Fit
    """
    keys = fit_keys(registry, priors, settings)
    known_priors, seen, key = keys.priors, keys.seen, keys.key
    path = cache_path(key)
    if use_cache and path.exists():
        cached = _load_cached(path, strict)
        if cached is not None:
            return cached

    mp = model_priors_from(known_priors, registry.benchmarks)
    inp = prepare_inputs(
        seen.models, seen.scores, seen.benchmarks, mp, settings.as_of,
        min_models_per_benchmark=settings.min_models_per_benchmark,
        benchmark_set=list(settings.benchmarks),
    )
    variant = "drift_only" if settings.variant == "drift_only" else "full"
    n_informative = int(inp.informative.sum())
    settings = replace(settings, target_accept=target_accept_for(settings, n_informative),
                       tune=tune_for(settings, n_informative))
    tree, seconds, sampler, monitored = sample_reproducibly(
        inp, mp, variant, True if settings.variant == "priors_only" else None, settings, progress,
        keys.compile_key)
    posterior = tree["posterior"].to_dataset()
    inputs = inputs_dataset(inp)
    diag, predictive, loo, tails = fit_checks(tree, posterior, inputs, inp.informative, monitored,
                                              settings, seconds, sampler)
    provenance = _provenance(registry, keys, settings, monitored, tree)
    result = Fit(tree=_stored_tree(tree, posterior, inputs), diagnostics=diag, provenance=provenance,
                 predictive=predictive, predictive_loo=loo, quality_tails=tails)
    if use_cache:
        result.save(path)
    require_converged(diag, strict)
    return result


def _load_cached(path: Any, strict: bool) -> Fit | None:
    """The cached fit at `path` (checked under `strict`), or None after removing an unreadable
    cache entry (the caller refits)."""
    try:
        cached = Fit.load(path)
        cached.from_cache = True
        require_converged(cached.diagnostics, strict)
        return cached
    except UserError:
        path.unlink(missing_ok=True)
        return None


def _stored_tree(tree: xr.DataTree, posterior: xr.Dataset, inputs: xr.Dataset) -> xr.DataTree:
    """What a fit keeps: the posterior without the non-centred standard normals, the imputed token
    ratios, the expected capabilities and the sampler's coordinates; a few sampler statistics;
    the input arrays."""
    keep = [v for v in posterior.data_vars
            if not v.startswith("z_") and v not in ("tpp_imputed", "expected_capability")
            and v not in SAMPLER_COORDINATES]
    return xr.DataTree.from_dict(
        {
            "posterior": posterior[keep],
            "sample_stats": (tree["sample_stats"].to_dataset()[
                [v for v in _SAMPLE_STATS if v in tree["sample_stats"].to_dataset()]]
                if "sample_stats" in tree.children else xr.Dataset()),
            "inputs": inputs,
        }
    )


def _provenance(registry: Any, keys: FitKeys, settings: FitSettings, monitored: list[str],
                tree: xr.DataTree) -> dict[str, Any]:
    """Where a fit comes from: data, priors, resolved settings, versions, code, command, key.

    The settings' as-of date is the date of the call that sampled the fit; a later date over the
    same data and priors loads the same fit (`fit_keys`)."""
    known_priors = keys.priors
    return {
        "data_sha256": registry.sha256,
        "seen_data_sha256": keys.data_sha256,
        "data_source": str(registry.source),
        "priors_sha256": known_priors.fit_sha256,
        "priors_folder": str(known_priors.folder),
        "techniques": list(known_priors.techniques),
        "settings": settings.to_dict(),
        "versions": versions(),
        "code_sha256": source_hash(),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join(sys.argv),
        "cache_key": keys.key,
        "monitored": monitored,
        "compiled_from_cache": bool(tree["posterior"].attrs.get("compiled_from_cache", 0)),
    }


def require_converged(diag: Diagnostics, strict: bool) -> None:
    """Under `strict`, raise for a fit that failed its checks.

    Parameters
    ----------
    diag : Diagnostics
        The fit's diagnostics.
    strict : bool
        Whether a failed check is an error.

    Raises
    ------
    DiagnosticsFailed
        Listing the problems, under `strict` when `diag` is not ok.
    """
    if strict and not diag.ok:
        raise DiagnosticsFailed("; ".join(diag.problems))
