"""Leave-one-out predictive calibration of the default fit (PSIS-LOO-PIT through ArviZ).

The in-sample posterior predictive check (`forecast.fit.predictive_check`) replicates each score
from a posterior that has already seen it, so a model pinned by a single score is covered more
often than nominal even when the model is right. LOO-PIT asks instead where each observed score
falls in its predictive distribution given all the *other* scores, p(y_rep_i <= y_i | y_-i),
approximated by Pareto-smoothed importance sampling over the posterior draws. A calibrated model
has LOO-PIT values uniform on [0, 1]: about 50% fall in [0.25, 0.75] and 90% in [0.05, 0.95].

Per observation i and draw s the likelihood is the model's (see `forecast.model`):
    y_i ~ p_is + sd_is * T_5,   p_is = c_b + (1 - c_b - e_bs) F_b(z_is),
    z_is = a_bs (theta_js - mu_bs) + eta_gs,
    sd_is = sqrt(sigma_{b,src,s}^2 + (tau_bs (1 - c_b - e_bs) F_b'(z_is))^2).

    python scripts/loo_pit.py [--draws 2000] [--seed 0]

Prints the share of LOO-PIT values in the central 50% and 90% bands, overall, per benchmark and
per source, next to the in-sample coverage, and the share of observations whose Pareto k-hat
exceeds 0.7 (where the importance-sampling approximation is unreliable).
"""

from __future__ import annotations

import argparse

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=2000, help="posterior draws used (thinned evenly)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    import arviz_stats as azs
    import xarray as xr
    from scipy.stats import t as student_t

    import forecast
    from forecast.model import link_cdf, link_density

    fit = forecast.Engine().fit()
    post, inp = fit.posterior, fit.inputs

    def flat(name: str, *dims: str) -> np.ndarray:
        return post[name].stack(s=("chain", "draw")).transpose("s", *dims).values

    theta = flat("theta", "model")
    keep = np.linspace(0, theta.shape[0] - 1, min(args.draws, theta.shape[0])).round().astype(int)
    theta = theta[keep]
    slope, mid = flat("slope", "benchmark")[keep], flat("midpoint", "benchmark")[keep]
    ceil, tau = flat("ceiling_loss", "benchmark")[keep], flat("benchmark_spread", "benchmark")[keep]
    noise = flat("noise_sd", "benchmark", "source")[keep]
    b, j = inp["obs_bench"].values, inp["obs_model"].values
    g, src = inp["obs_group"].values, inp["obs_source"].values
    eta = np.zeros((len(keep), len(b)))
    if "protocol_effect" in post:
        eg = flat("protocol_effect", "group")[keep]
        eta[:, g >= 0] = eg[:, g[g >= 0]]
    c = inp["chance"].values[b]
    gumbel = inp["gumbel"].values.astype(bool)[b]
    span = 1 - c - ceil[:, b]
    z = slope[:, b] * (theta[:, j] - mid[:, b]) + eta
    p = c + span * link_cdf(z, gumbel)
    sd = np.sqrt(noise[:, b, src] ** 2 + (tau[:, b] * span * link_density(z, gumbel)) ** 2)
    y = inp["obs_y"].values
    rng = np.random.default_rng(args.seed)
    loglik = student_t.logpdf((y - p) / sd, 5.0) - np.log(sd)
    y_rep = p + sd * rng.standard_t(5.0, size=p.shape)

    def group(values: np.ndarray) -> xr.Dataset:
        return xr.Dataset({"score": (("chain", "draw", "obs"), values[None])})

    tree = xr.DataTree.from_dict({
        "posterior": xr.Dataset({"theta0": (("chain", "draw"), theta[None, :, 0])}),
        "posterior_predictive": group(y_rep),
        "log_likelihood": group(loglik),
        "observed_data": xr.Dataset({"score": (("obs",), y)}),
    })
    loo = azs.loo(tree, var_name="score", pointwise=True)
    pit = np.asarray(azs.loo_pit(tree, var_names="score")["score"].values)
    khat = np.asarray(loo.pareto_k.values if hasattr(loo.pareto_k, "values") else loo.pareto_k)

    lo50, hi50 = np.quantile(y_rep, [0.25, 0.75], axis=0)
    lo90, hi90 = np.quantile(y_rep, [0.05, 0.95], axis=0)
    in50, in90 = (y >= lo50) & (y <= hi50), (y >= lo90) & (y <= hi90)
    loo50, loo90 = (pit >= 0.25) & (pit <= 0.75), (pit >= 0.05) & (pit <= 0.95)

    print(f"{len(keep)} draws of {fit.diagnostics.draws * fit.diagnostics.chains}; "
          f"{len(y)} scores; Pareto k-hat > 0.7 for {np.mean(khat > 0.7):.1%}\n")
    print("| scores | n | in-sample 50% | LOO-PIT in [0.25, 0.75] | in-sample 90% | LOO-PIT in [0.05, 0.95] |")
    print("|---|---|---|---|---|---|")
    names = list(inp["benchmark"].values)
    rows = [("all", np.ones(len(y), bool))]
    rows += [(name, b == k) for k, name in enumerate(names)]
    rows += [(name, src == v) for v, name in ((0, "independent"), (1, "self-reported"))]
    for label, m in rows:
        if m.any():
            print(f"| {label} | {m.sum()} | {in50[m].mean():.3f} | {loo50[m].mean():.3f} | "
                  f"{in90[m].mean():.3f} | {loo90[m].mean():.3f} |")


if __name__ == "__main__":
    main()
