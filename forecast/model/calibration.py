"""Leave-one-out predictive calibration of a fit (PSIS-LOO-PIT).

The in-sample check (`forecast.model.checks.predictive_check`) replicates each score from a posterior that
has already seen it, so a model pinned by a single score is covered more often than nominal even
when the model is right. LOO-PIT asks where each observed score falls in its predictive
distribution given all the *other* scores, p(y_rep_i <= y_i | y_-i), by Pareto-smoothed importance
sampling over the posterior draws. Calibrated: about 50% of the values in [0.25, 0.75] and 90% in
[0.05, 0.95]; a Pareto k-hat above 0.7 marks observations where the approximation is unreliable.

Per observation i and draw s the likelihood is the model's (`forecast.model.graph`):
    y_i ~ p_is + sd_is * T_5,   p_is = c_b + (1 - c_b - e_bs) F_b(h_bs(z_is)),
    z_is = a_bs (theta_js - mu_bs) + eta_gs,
    sd_is = sqrt(sigma_{b,src,s}^2 + (tau_bs (1 - c_b - e_bs) d F_b(h_bs(z_is)) / dz)^2),
with h_bs the upper-slope stretch of `forecast.model.links.link_stretch` (none for fits without it).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from forecast.model.diagnostics import loo_pit_values
from forecast.model.links import link_values

KHAT_LIMIT = 0.7
CHUNK_DRAWS = 200  # posterior draws per pass of `predictive_location_scale`


def flat_draws(post: xr.Dataset, name: str, keep: Any, *dims: str) -> np.ndarray:
    """`name`'s draws `keep` with chains and draws flattened into the first axis, then `dims`."""
    return post[name].stack(s=("chain", "draw")).transpose("s", *dims).values[keep]


def predictive_location_scale(post: xr.Dataset, inp: xr.Dataset, keep: Any = slice(None)
                              ) -> tuple[np.ndarray, np.ndarray]:
    """p_is and sd_is of the module docstring for the posterior draws `keep` (all by default),
    each (draws, observations): the location and scale of the T_5 likelihood of every score.

    Computed `CHUNK_DRAWS` draws at a time: the same arithmetic element by element, so the same
    values as one pass over every draw, with temporaries of a few MB instead of one (draws x
    observations) array each (175 MB on the shipped fit)."""
    theta = np.ascontiguousarray(flat_draws(post, "theta", keep, "model"))
    slope, mid = flat_draws(post, "slope", keep, "benchmark"), flat_draws(post, "midpoint", keep, "benchmark")
    ceil = flat_draws(post, "ceiling_loss", keep, "benchmark")
    tau = flat_draws(post, "benchmark_spread", keep, "benchmark")
    noise = flat_draws(post, "noise_sd", keep, "benchmark", "source")
    upper = flat_draws(post, "upper_slope_ratio", keep, "benchmark") if "upper_slope_ratio" in post else None
    effect = flat_draws(post, "protocol_effect", keep, "group") if "protocol_effect" in post else None
    b, j = inp["obs_bench"].values, inp["obs_model"].values
    g, src = inp["obs_group"].values, inp["obs_source"].values
    grouped = g >= 0
    c = inp["chance"].values[b]
    gumbel = inp["gumbel"].values.astype(bool)[b]
    n = theta.shape[0]
    p, sd = np.empty((n, len(b))), np.empty((n, len(b)))
    for lo in range(0, n, CHUNK_DRAWS):
        r = slice(lo, min(n, lo + CHUNK_DRAWS))
        eta = np.zeros((r.stop - r.start, len(b)))
        if effect is not None:
            eta[:, grouped] = effect[r][:, g[grouped]]
        span = 1 - c - ceil[r][:, b]
        z = slope[r][:, b] * (theta[r][:, j] - mid[r][:, b]) + eta
        s, density = link_values(z, gumbel, upper=None if upper is None else upper[r][:, b])
        p[r] = c + span * s
        sd[r] = np.sqrt(noise[r][:, b, src] ** 2 + (tau[r][:, b] * span * density) ** 2)
    return p, sd


def coverage_by_group(in50: np.ndarray, in90: np.ndarray, inp: xr.Dataset) -> dict[str, Any]:
    """Shares of observations flagged in `in50` / `in90`: overall, per benchmark and per source
    (keys coverage_50, coverage_90, n)."""
    b, src = inp["obs_bench"].values, inp["obs_source"].values

    def share(mask: np.ndarray) -> dict[str, float]:
        return {"n": int(mask.sum()), "coverage_50": float(in50[mask].mean()),
                "coverage_90": float(in90[mask].mean())}

    names = list(inp["benchmark"].values)
    return {
        "overall": share(np.ones(len(b), bool)),
        "by_benchmark": {name: share(b == k) for k, name in enumerate(names) if (b == k).any()},
        "by_source": {name: share(src == v) for v, name in ((0, "independent"), (1, "self_reported"))
                      if (src == v).any()},
    }


def loo_coverage(post: xr.Dataset, inp: xr.Dataset, draws: int = 1000, seed: int = 0) -> dict[str, Any]:
    """Share of LOO-PIT values in the central 50% and 90% bands.

    Parameters
    ----------
    post : xarray.Dataset
        The posterior.
    inp : xarray.Dataset
        The fit's input arrays (`forecast.model.store.inputs_dataset`).
    draws : int, default 1000
        Evenly thinned posterior draws used.
    seed : int, default 0
        Seed of the replicates.

    Returns
    -------
    dict
        Overall, per benchmark and per source, in the layout of
        `forecast.model.checks.predictive_check` (keys coverage_50, coverage_90, n), plus
        `khat_above` (the share of observations with Pareto k-hat above `KHAT_LIMIT`) and `draws`.
    """
    from scipy.stats import t as student_t  # deferred: scipy.stats takes about 0.5 s to import

    n_all = int(post.sizes["chain"] * post.sizes["draw"])
    keep = np.linspace(0, n_all - 1, min(draws, n_all)).round().astype(int)
    p, sd = predictive_location_scale(post, inp, keep)
    y = inp["obs_y"].values
    loglik = student_t.logpdf((y - p) / sd, 5.0) - np.log(sd)
    y_rep = p + sd * np.random.default_rng(seed).standard_t(5.0, size=p.shape)
    pit, khat = loo_pit_values(y, y_rep, loglik)
    out = coverage_by_group((pit >= 0.25) & (pit <= 0.75), (pit >= 0.05) & (pit <= 0.95), inp)
    return out | {"khat_above": float(np.mean(khat > KHAT_LIMIT)), "draws": int(len(keep))}
