"""The checks stored with every fit: convergence, posterior predictive coverage (in-sample and
leave-one-out) and the quality term's tails."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import xarray as xr

from forecast.model.calibration import coverage_by_group, loo_coverage, predictive_location_scale
from forecast.model.diagnostics import Diagnostics, diagnose
from forecast.model.quality_check import quality_tail_check
from forecast.model.settings import FitSettings


def predictive_check(post: xr.Dataset, inp: xr.Dataset, seed: int = 0) -> dict[str, Any]:
    """Share of observed scores inside their posterior predictive 50% and 90% intervals.

    Replicates y_rep = p_i + sd_i * T_5 per posterior draw (p_i and sd_i as in the model,
    `forecast.model.calibration.predictive_location_scale`); reported overall, per benchmark and
    per source (independent / self-reported). In-sample: `forecast.model.calibration.loo_coverage`
    is the leave-one-out version.

    Parameters
    ----------
    post : xarray.Dataset
        The posterior.
    inp : xarray.Dataset
        The fit's input arrays (`forecast.model.store.inputs_dataset`).
    seed : int, default 0
        Seed of the replicates.

    Returns
    -------
    dict
        The layout of `forecast.model.calibration.coverage_by_group`.
    """
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


def fit_checks(tree: xr.DataTree, posterior: xr.Dataset, inputs: xr.Dataset, informative: np.ndarray,
               monitored: list[str], settings: FitSettings, seconds: float, sampler: str
               ) -> tuple[Diagnostics, dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The checks stored with a fit.

    The in-sample predictive check and then the quality-tail check run on a second thread (their
    NumPy work releases the GIL) while the diagnostics and LOO run on this one; each check that
    draws random numbers has its own generator, seeded by `settings.seed`, so the results do not
    depend on the threads' timing. Leaving the `with` block waits for the thread, also when a
    check raises. A priors-only fit has no sampler diagnostics and no LOO (importance sampling
    from prior draws says nothing).

    Parameters
    ----------
    tree : xarray.DataTree
        The sampler's output (posterior, sample_stats).
    posterior : xarray.Dataset
        Its posterior.
    inputs : xarray.Dataset
        The fit's input arrays (`forecast.model.store.inputs_dataset`).
    informative : numpy.ndarray of bool
        The models the scores pin (`ModelInputs.informative`).
    monitored : list of str
        The variables whose convergence is checked.
    settings : FitSettings
        The fit's settings (variant, draws, seed).
    seconds : float
        The sampling time.
    sampler : str
        The sampler's name.

    Returns
    -------
    tuple
        (diagnostics, in-sample predictive check, LOO coverage, quality tails).
    """
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
