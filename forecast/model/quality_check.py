"""The per-model quality term's shape: a posterior predictive check of its tails.

The model gives every registry model a quality term theta_j - E_j ~ N(0, quality_sd), with E_j
what its size, techniques, tokens, release date and organisation predict (the model's
`expected_capability`). The projection's first crossing within a budget is the best of many
releases, an upper-tail draw of that term, so a normal term that is really heavier-tailed makes
early small models likelier than the forecasts say. `quality_tail_check` tests it after every
fit; `quality_tail_summary` states the result in one sentence for the CLI and the report.

The README's "The quality term's tails" gives the shipped fit's result and how a Student-t
quality term fared in its place (fitted, checked against the convergence bar and backtested,
not shipped).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from forecast.model.calibration import flat_draws

NORMAL_BEYOND_3 = 0.0013499  # P(Z > 3) of a standard normal
UPPER_Z = 2.5  # the upper-tail statistic counts residuals above this many sd
MIN_MODELS = 20  # fewer pinned models say too little about a tail (kurtosis of 2 is fixed at -2)
QUALITY_TAIL_P = 0.05  # below this upper-tail p the CLI and the report flag the quality term


def quality_tail_check(post: xr.Dataset, informative: np.ndarray, seed: int = 0,
                       largest: int = 5) -> dict[str, Any]:
    """Are the per-model quality terms as thin-tailed as their normal prior says?

    A realised-discrepancy posterior predictive check (Gelman, Meng & Stern 1996, Statistica
    Sinica 6, 733-807) on the latent quality residuals of the models whose scores pin them
    (`informative`): per posterior draw s, z_sj = (theta_sj - E_sj) / quality_sd_s with E the
    `expected_capability` (everything but the quality term). Under the model the z_s.j are iid
    N(0, 1), so each draw's discrepancies are compared with those of as many standard normal
    draws (seeded), and p = P(T_rep >= T_obs) over draws, for two statistics:

    * the count of z above +`UPPER_Z` (`p_upper`): the upper tail, where the best of many
      releases, and so a first crossing, comes from; the flag (`QUALITY_TAIL_P`) is on this one;
    * the excess kurtosis (`p_value`): the shape of both tails together.

    Also reported: the shares of z beyond +3 and below -3 (normal: 0.00135 each) and the
    `largest` models above and below what their inputs predict (posterior mean z). With fewer
    than `MIN_MODELS` pinned models the check is not run (`skipped` says why).

    Parameters
    ----------
    post : xarray.Dataset
        The posterior, with `theta`, `expected_capability` and `quality_sd`.
    informative : numpy.ndarray of bool
        The models the scores pin.
    seed : int, default 0
        Seed of the standard normal replicates.
    largest : int, default 5
        How many models to list above and below their inputs.

    Returns
    -------
    dict
        The statistics above, or `models` and `skipped`.
    """
    from scipy.stats import kurtosis  # deferred: scipy.stats takes about 0.5 s to import

    informative = np.asarray(informative, dtype=bool)
    n = int(informative.sum())
    if n < MIN_MODELS:
        return {"models": n, "skipped": f"only {n} models are pinned by their scores "
                                        f"(the check needs {MIN_MODELS})"}
    theta = flat_draws(post, "theta", slice(None), "model")[:, informative]
    expected = flat_draws(post, "expected_capability", slice(None), "model")[:, informative]
    scale = flat_draws(post, "quality_sd", slice(None))
    z = (theta - expected) / scale[:, None]
    rep = np.random.default_rng(seed).standard_normal(z.shape)
    observed, replicated = kurtosis(z, axis=1), kurtosis(rep, axis=1)
    upper_obs, upper_rep = (z > UPPER_Z).sum(axis=1), (rep > UPPER_Z).sum(axis=1)
    mean_z = z.mean(axis=0)
    ids = np.asarray(post["model"].values)[informative]
    order = np.argsort(mean_z)
    return {
        "models": n,
        "excess_kurtosis": [float(x) for x in np.quantile(observed, [0.05, 0.5, 0.95])],
        "replicated": [float(x) for x in np.quantile(replicated, [0.05, 0.5, 0.95])],
        "p_value": float(np.mean(replicated >= observed)),
        "upper_z": UPPER_Z,
        "upper_count": [float(x) for x in np.quantile(upper_obs, [0.05, 0.5, 0.95])],
        "upper_count_replicated": [float(x) for x in np.quantile(upper_rep, [0.05, 0.5, 0.95])],
        "p_upper": float(np.mean(upper_rep >= upper_obs)),
        "above_3": float(np.mean(z > 3.0)),
        "below_3": float(np.mean(z < -3.0)),
        "normal_beyond_3": NORMAL_BEYOND_3,
        "largest_above": [{"model": str(ids[i]), "z": float(mean_z[i])} for i in order[::-1][:largest]],
        "largest_below": [{"model": str(ids[i]), "z": float(mean_z[i])} for i in order[:largest]],
    }


def flagged(tails: dict[str, Any]) -> bool:
    """True when the check ran and the upper tail is heavier than the normal allows."""
    return "p_upper" in tails and tails["p_upper"] < QUALITY_TAIL_P


def quality_tail_summary(tails: dict[str, Any]) -> str:
    """One sentence on `quality_tail_check`'s result, for the CLI and the report."""
    if not tails:
        return "Quality-tail check: not available for this fit (a prior-only fit has none)."
    if "skipped" in tails:
        return f"Quality-tail check not run: {tails['skipped']}."
    lo, med, hi = tails["excess_kurtosis"]
    rlo, _, rhi = tails["replicated"]
    _, umed, _ = tails["upper_count"]
    _, rumed, _ = tails["upper_count_replicated"]
    above = ", ".join(f"{r['model']} {r['z']:+.1f}" for r in tails["largest_above"][:3])
    below = ", ".join(f"{r['model']} {r['z']:+.1f}" for r in tails["largest_below"][:3])
    verdict = ("heavier than the normal prior allows" if flagged(tails)
               else f"not flagged (flagged below p = {QUALITY_TAIL_P:g})")
    return (
        f"Per-model quality residuals ({tails['models']} models the scores pin, sd units): "
        f"upper tail, {umed:.0f} above +{tails['upper_z']:g} sd against {rumed:.0f} for normal "
        f"draws (medians), p = {tails['p_upper']:.3f}: {verdict}; excess kurtosis {med:.2f} "
        f"(90% {lo:.2f}..{hi:.2f}) against {rlo:.2f}..{rhi:.2f}, p = {tails['p_value']:.3f}; "
        f"beyond +3 sd {tails['above_3']:.2%} and below -3 sd {tails['below_3']:.2%} (normal "
        f"{tails['normal_beyond_3']:.2%} each); most above their inputs: {above}; most below: "
        f"{below}."
    )

