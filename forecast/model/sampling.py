"""Sampling the model with nutpie, reproducibly: the same seed gives the same draws in every process.

Two things would otherwise make a seed's draws depend on the process: PyTensor's graph rewrites
visit some sets of variables in the order of their (per-process salted) str hashes, so sampling
happens in an interpreter with unsalted hashes (`sample_reproducibly`); and Numba's fastmath lets
code compiled in this process and the same code loaded from its on-disk cache round differently,
so the model is compiled with IEEE arithmetic (`exact_float_arithmetic`).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import time
from typing import Any

import numpy as np
import xarray as xr

from forecast.core.processes import children_with_fixed_hashing, hashing_is_fixed
from forecast.core.progress import sampler_progress
from forecast.model.compiled import compile_model
from forecast.model.data import ModelInputs
from forecast.model.graph import build_model, monitored_vars
from forecast.model.priors import ModelPriors
from forecast.model.settings import FitSettings


def exact_float_arithmetic() -> contextlib.AbstractContextManager[Any]:
    """Compile the model's functions without Numba's fastmath (IEEE arithmetic, no reassociation).

    With fastmath, code compiled in this process and the same code loaded from Numba's on-disk
    cache round differently, so a fit's draws would depend on what the cache holds. Without it
    they do not, at the same gradient speed.

    Returns
    -------
    context manager
        PyTensor's config change, undone on exit.
    """
    import pytensor  # deferred: PyTensor takes about a second to import

    return pytensor.config.change_flags(numba__fastmath=False)


def build_and_sample(inp: ModelInputs, mp: ModelPriors, variant: str, generative: bool | None,
                     settings: FitSettings, progress: bool, key: str | None = None
                     ) -> tuple[xr.DataTree, float, str, list[str]]:
    """Build the model (`forecast.model.graph.build_model`), sample it (`sample_model`, compiled
    under `key`), and name the monitored variables it holds.

    Parameters
    ----------
    inp, mp, variant, generative
        As for `build_model`.
    settings : FitSettings
        With resolved `tune` and `target_accept`.
    progress : bool
        Show a progress bar per chain.
    key : str, optional
        The compiled model's cache key (`forecast.model.store.compile_key`).

    Returns
    -------
    tuple
        (inference data, seconds, sampler name, monitored variable names).
    """
    model = build_model(inp, mp, variant=variant, generative=generative)
    tree, seconds, sampler = sample_model(model, settings, progress, key)
    monitored = [v for v in monitored_vars(model) if v in tree["posterior"].to_dataset()]
    return tree, seconds, sampler, monitored


def _sample_in_child(conn: Any, *args: Any) -> None:
    """Body of the sampling process: send ("ok", result), ("interrupt", message) or ("error", exc)."""
    try:
        result = build_and_sample(*args)
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


def sample_reproducibly(inp: ModelInputs, mp: ModelPriors, variant: str, generative: bool | None,
                        settings: FitSettings, progress: bool, key: str | None = None
                        ) -> tuple[xr.DataTree, float, str, list[str]]:
    """Sample the model of (`inp`, `mp`) so that the same seed gives the same draws in every process.

    PyTensor's graph rewrites visit some sets of variables in the order of their str hashes, which
    Python salts per process (PYTHONHASHSEED). The compiled log density and gradient then differ
    in their last bits from one process to the next, and NUTS trajectories amplify those bits
    until two runs with one seed give different posteriors. So sampling happens in an interpreter
    whose hash seed is 0: this one when it started that way (`hashing_is_fixed`), otherwise a
    child process started for the purpose (spawn; a few seconds of imports). Ctrl-C or an
    exception in the parent stops the child; nothing is cached from an unfinished child.

    Parameters
    ----------
    inp, mp, variant, generative, settings, progress, key
        As for `build_and_sample`.

    Returns
    -------
    tuple
        (inference data, seconds, sampler name, monitored variable names).

    Raises
    ------
    KeyboardInterrupt
        When sampling was interrupted.
    RuntimeError
        When the sampling process ended without a result.
    """
    args = (inp, mp, variant, generative, settings, progress, key)
    if hashing_is_fixed():
        return build_and_sample(*args)
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
    """Sample `model` with nutpie as `settings` say; the prior instead for the `priors_only` variant.

    nutpie is called directly rather than through `pm.sample`, whose step-method assignment
    builds and discards a gradient graph for every free variable before handing the model to
    nutpie (`nutpie_call`). The draws are those `pm.sample(nuts_sampler="nutpie")` gives for the
    same seed (`tests/test_model_terms.py`). With a `key` (`forecast.model.store.compile_key`),
    the compiled log density is kept on disk and reused by the next process that samples the
    same model (`forecast.model.compiled`).

    Parameters
    ----------
    model : pymc.Model
        The model.
    settings : FitSettings
        Draws, tuning steps, chains, cores, seed and a resolved `target_accept` and `tune`
        (`forecast.model.settings.target_accept_for`, `tune_for`).
    progress : bool
        Show a progress bar per chain.
    key : str, optional
        The compiled model's cache key.

    Returns
    -------
    tuple
        (inference data, seconds, sampler name), compiled by `exact_float_arithmetic`.

    Raises
    ------
    ValueError
        When `target_accept` or `tune` is still None, before anything compiles.
    KeyboardInterrupt
        When the run was interrupted (rather than returning a partial trace).
    """
    import pymc as pm  # deferred: PyMC takes about 2 s to import

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
    """The seed `pm.sample(random_seed=seed, chains=chains)` hands nutpie.

    The first of the per-chain seeds drawn from `seed`'s spawned generators (nutpie derives
    every chain's stream from it).

    Parameters
    ----------
    seed : int
        The fit's seed.
    chains : int
        The number of chains.

    Returns
    -------
    int
    """
    rngs = np.random.default_rng(seed).spawn(chains)
    return int(rngs[0].integers(2**30))


def nutpie_call(model: Any, settings: FitSettings, progress: bool, key: str | None = None
                ) -> xr.DataTree:
    """Compile `model` for nutpie and sample it.

    Compiled with the Numba backend, from the on-disk cache under `key` when it holds it
    (`forecast.model.compiled`); BLAS is limited to `settings.cores` threads while sampling.

    Parameters
    ----------
    model : pymc.Model
        The model.
    settings : FitSettings
        As for `sample_model`.
    progress : bool
        Show a progress bar per chain (`forecast.core.progress`).
    key : str, optional
        The compiled model's cache key.

    Returns
    -------
    xarray.DataTree
        nutpie's (posterior, sample_stats), with the sampling seconds in the posterior's
        `sampling_time` attribute and whether the compiled model came from the cache in
        `compiled_from_cache`.
    """
    import nutpie  # deferred: nutpie loads PyMC and its compiled extension
    from threadpoolctl import threadpool_limits  # deferred: needed only while sampling

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
