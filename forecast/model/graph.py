"""The Bayesian efficiency model: latent capability of released models in effective parameters.

Units: capability `theta` is in log10 "baseline-equivalent" parameters, i.e. the log10 size of a
plain dense 2020-recipe Transformer trained compute-optimally (~20 tokens per parameter) that
would score the same. Time `t` is in years, measured from `t_ref` (the mean release date of the
fitted models).

Latent capability of registry model j (DESIGN §5):

    theta_j = log10 N_j                                   total parameters
            + sum_k u_jk * beta_k                         binary techniques, beta_k = log10 m_k
            + (kappa - 1) * log10 s_j                     mixture of experts, s_j = N_total/N_active
            + gamma * f(log10 r_j)                        tokens per parameter r_j (loss law)
            + D(t_j)                                      drift of unnamed improvements
            + alpha_org[o_j] + sigma_q * z_j              organisation and model quality

* u_jk: 1 or 0 from the registry; where the registry leaves it unknown (a user's addition), the
  fitted adoption of technique k at the model's release, A_k(t_j) below: the expected indicator,
  plugged in (docs/methods.md, "Unknown technique indicators").
* beta_k: prior from `priors/<technique>.toml` (lognormal multiplier -> normal beta). The beta_k
  and beta_tok = gamma * f(log10 r_ref), the over-training multiplier at the reference ratio, are
  jointly normal with the log-space correlations of the files' `correlated` overlaps (data
  curation, distillation and over-training share their gains). The spread of the fitted beta_k
  across techniques is the size distribution of future techniques (`forecast.projection.posterior`);
  it does not feed back on them.
* kappa = beta_moe / log10(s_ref): the elasticity of capability in the inactive parameters of a
  mixture of experts; a MoE of sparsity s is worth a dense model of N_active * s^kappa.
* f(log10 r) = log10 m(r), the parameter multiplier of training at r tokens per parameter
  against 20 (Besiroglu et al. 2024 refit of Hoffmann et al. 2022); gamma scales it (prior from
  `priors/overtraining.toml`). A fit as of a date before Chinchilla (2022-03-29) reads f from
  the law published by then, Kaplan et al. 2020, with that file's [before_introduction] prior
  (`forecast.inputs.priors.PriorSet.token_law`). Missing token counts are imputed:
  log10 r_j ~ N(a_r + b_r * t_j, s_r).
* D(t): piecewise linear in t with one positive slope rho_y = exp(l_y) per calendar year,
  D(t_ref) = 0, so the frontier of unnamed improvements never regresses. The log slopes fluctuate
  around the log of a long-run rate rho_bar (the literature's decade-long average) as a
  stationary AR(1) with spread v (sd of a year's log slope around log rho_bar) and year-to-year
  persistence phi: Corr(l_y, l_y') = phi^|y - y'|, i.e.
  l_y - log rho_bar = phi (l_{y-1} - log rho_bar) + s_y eps_y with innovation sd
  s_y = v sqrt(1 - phi^2) (`forecast.model.drift`). The projection continues the same process in
  continuous time (an Ornstein-Uhlenbeck log slope, `forecast.projection.simulator`) and
  integrates exp of it, exactly what was fitted.

Benchmark link for benchmark b, protocol group g (shots, chain of thought, self-reported or
independent), with the chance floor c_b fixed by the benchmark's design:

    z_i = a_b (theta_j - mu_b) + eta_g,    s_i = F_b(h_b(z_i)),    p_i = c_b + (1 - c_b - e_b) s_i
    y_i ~ StudentT(nu=5, p_i, sqrt(sigma_{b,src}^2 + (tau_b (1 - c_b - e_b) ds_i/dz_i)^2))

F_b is the logistic function or, for knowledge benchmarks that leave the chance floor abruptly
and approach the ceiling slowly (MMLU), the Gumbel CDF exp(-exp(-z)) (set in the link priors).
h_b(z) = z + (r_b - 1) softplus(z) (`forecast.model.links.link_stretch`) lets the curve climb at
slope a_b below its midpoint and a_b r_b well above it: within model families MMLU rises ~3 logits per decade
mid-curve and ~1.2 near the top, which one slope can only fit by lowering the ceiling below the
best models' scores. r_b comes from the link priors: a fixed value is a choice of curve shape
like the family; a distribution makes it a parameter; without an entry (the shipped priors) the
link is plain (r_b = 1) and the model is exactly the one-slope link.

sigma_src is measurement noise (score units, per benchmark and source: independent or
self-reported); tau_b
is the spread of a model's benchmark-specific strength around its shared capability, on the
logit scale, carried to the score scale by the link's derivative (a delta-method logit-normal).

eta_g = 0 for each benchmark's most common protocol; other groups get eta_g ~ N(0, sd_eta).

Two side models share the fit so the projection gets joint posterior draws:

* Release process: monthly counts of released models (every dated release with a parameter
  count, scored or not) in half-decade size bands,
  n_mq ~ NegBinomial(mu = w * exp(r0 + g * t_m + c1 * (x_q - 10) + c2 * (x_q - 10)^2), alpha),
  with x_q the band's log10 size and w = 0.5 its width; and apart from it each benchmark's
  reporting share, the chance that a release reports a score on it,
  k_b ~ Binomial(n, pi_b), pi_b ~ Beta(1, 1), over the n releases of the census's last year,
  k_b of them with a score on benchmark b. A question about capability counts every release;
  a question about reported scores (the backtest's events) counts a release with chance pi_b.
* Adoption of each technique among releases, counted per release month m:
  u_km ~ Binomial(n_km, A_k(t_m)), A_k(t) = amax_k * logistic(s_k * (t - t50_k)), with n_km the
  releases of month m whose indicator for k is known and u_km those that used k (t_m the
  month's mid-point: the per-release Bernoulli likelihood with dates to the month).

Neither side model shares a parameter with the capability model, so the joint posterior is the
product of the three; sampling them together only keeps one set of draws for the projection.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

import numpy as np

from forecast.model.data import SIZE_BAND_WIDTH, ModelInputs
from forecast.model.densities import negative_binomial_logp, sum_logp
from forecast.model.drift import (CENTRED_DRIFT_MIN_MODELS, drift_ar1_matrix, drift_deviations,
                                  drift_knot_offsets)
from forecast.model.links import link_cdf_density, upper_slope_ratio
from forecast.model.priors import ModelPriors

Variant = Literal["full", "drift_only"]

# With fewer informative models the direct (centred) form of the model mixes better than the
# expanded one (`build_model`'s `generative`); with more, the expanded one.
EXPANSION_MIN_MODELS = 100

# The sampler's own coordinates (improper Flat variables of the reparameterised form): their
# scale means nothing, so they are neither monitored nor stored with the posterior.
SAMPLER_COORDINATES = ("drift_coords", "capability_shifted", "link_at_centre", "log_slope_ratio",
                       "log_upper_slope")


def build_model(
    inp: ModelInputs, mp: ModelPriors, variant: Variant = "full", generative: bool | None = None
) -> Any:
    """The PyMC model of the module docstring.

    `generative=True` writes the same joint distribution with every parameter drawn from its
    prior directly: it serves prior-predictive simulation and, with little data (fewer than
    `EXPANSION_MIN_MODELS` informative models), sampling, where it mixes better; with more data
    the sampler explores the reparameterised form (`_links_expanded`) several times faster.

    The variables are created in a fixed order (techniques, drift, organisation and quality,
    links, scores, release process, adoption), which fixes the sampler's parameter vector and so
    the draws for a seed. When some fitted model's technique indicator is unknown, the adoption
    curves come first: they impute it in the techniques' term.

    Parameters
    ----------
    inp : ModelInputs
        The data (`forecast.model.data.prepare_inputs`).
    mp : ModelPriors
        The numeric priors (`forecast.model.priors.model_priors_from`).
    variant : {"full", "drift_only"}, default "full"
        "drift_only" drops every technique term.
    generative : bool, optional
        The form to write; None picks by the number of informative models, as above.

    Returns
    -------
    pymc.Model
    """
    if generative is None:
        generative = int(inp.informative.sum()) < EXPANSION_MIN_MODELS
    import pymc as pm  # deferred: PyMC takes about 2 s to import

    with pm.Model(coords=inp.coords()) as model:
        imputes = variant == "full" and bool(inp.U_unknown.any()) and len(inp.adoption_tech) > 0
        curves = _adoption_curves(inp, mp) if imputes else None
        effect = _technique_effect(inp, mp, variant, curves)
        drift = _drift(inp, mp, generative)
        mean_theta, level, quality_sd = _organisation_and_level(inp, mp, effect, drift)
        if generative:
            rho, w, u, ceil, upper = _links_generative(inp, mp, mean_theta, level, quality_sd)
        else:
            rho, w, u, ceil, upper = _links_expanded(inp, mp, mean_theta, level, quality_sd)
        _scores(inp, mp, rho, w, u, ceil, upper)
        _release_process(inp, mp, generative)
        _adoption(inp, mp, curves)
    return model


def _technique_effect(inp: ModelInputs, mp: ModelPriors, variant: Variant,
                      curves: tuple[Any, Any, Any] | None = None) -> Any:
    """The techniques' term of each model's capability (binary techniques, mixture of experts,
    tokens per parameter), with the imputation model of the token ratios (always fitted: the
    projection uses it).

    The binary multipliers and the over-training multiplier at its reference ratio share one
    multivariate-normal prior in log10 space (correlations from the files' overlaps):
    (beta_1..beta_K, beta_tok) = mean + sd * (L z), L L' = R, z ~ N(0, I).

    With the adoption `curves` (t50, speed, amax), each unknown indicator u_jk is the curve's
    value A_k(t_j) at the model's release date (`_imputed_uses`)."""
    import pymc as pm  # deferred: PyMC takes about 2 s to import
    import pytensor.tensor as pt  # deferred: PyTensor takes about a second to import

    J, K = inp.n_models, len(inp.techniques)
    effect = pt.zeros(J)
    tok = mp.technique("tokens") if variant == "full" else None
    joint = None
    if variant == "full" and (K > 0 or tok is not None):
        specs = mp.binary + ([tok] if tok is not None else [])
        mean = np.array([s.log10_mean for s in specs])
        sd = np.array([s.log10_sd for s in specs])
        chol = np.linalg.cholesky(mp.correlation + 1e-9 * np.eye(len(specs)))
        z = []
        if K > 0:
            z.append(pm.Normal("z_beta", 0.0, 1.0, dims="technique"))
        if tok is not None:
            z.append(pm.Normal("z_tokens", 0.0, 1.0, shape=1))
        z_all = pt.concatenate(z) if len(z) > 1 else z[0]
        joint = pt.as_tensor(mean) + pt.as_tensor(sd) * pt.dot(pt.as_tensor(chol), z_all)
    if joint is not None and K > 0:
        beta = pm.Deterministic("beta", joint[:K], dims="technique")
        uses = _imputed_uses(inp, curves) if curves is not None else pt.as_tensor(inp.U)
        effect = effect + pt.dot(uses, beta)
    moe = mp.technique("moe")
    if variant == "full" and moe is not None and np.any(inp.log10_sparsity > 0):
        beta_moe = pm.Normal("beta_moe", moe.log10_mean, moe.log10_sd)
        kappa = pm.Deterministic("kappa", beta_moe / np.log10(moe.reference))
        effect = effect + (kappa - 1.0) * pt.as_tensor(inp.log10_sparsity)
    log10_tpp = _token_ratios(inp, mp, with_imputation=joint is not None and tok is not None)
    if log10_tpp is not None:
        grid_x, grid_y = mp.law.log10_multiplier_table()
        ref = mp.law.log10_multiplier_at(tok.reference)
        # gamma scales the law's curve so that gamma * log10 m_law(reference) = beta_tok
        gamma = pm.Deterministic("gamma_tokens", joint[-1] / ref)
        effect = effect + gamma * _interp(log10_tpp, grid_x, grid_y)
    return effect


def _token_ratios(inp: ModelInputs, mp: ModelPriors, with_imputation: bool) -> Any:
    """The imputation model of log10 tokens per parameter, log10 r_j ~ N(a_r + b_r t_j, s_r),
    and, `with_imputation`, every model's log10 r_j (observed or imputed; else None).

    The observed ratios enter the capability through the observed variable itself: fitting, it
    is the data; drawing from the prior predictive, it is the simulated ratio, so simulated
    scores and simulated token ratios stay consistent."""
    import pymc as pm  # deferred: PyMC takes about 2 s to import
    import pytensor.tensor as pt  # deferred: PyTensor takes about a second to import

    tpp_a = pm.Normal("tpp_intercept", 1.5, 1.0)
    tpp_b = mp.tpp_trend.to_pymc("tpp_trend")
    tpp_s = pm.HalfNormal("tpp_sd", 0.5)
    known = ~np.isnan(inp.log10_tpp)
    tpp_observed = pm.Normal(
        "tpp_observed", tpp_a + tpp_b * inp.t[known], tpp_s, observed=inp.log10_tpp[known]
    )
    if not with_imputation:
        return None
    missing = np.flatnonzero(~known)
    log10_tpp = pt.zeros(len(inp.log10_tpp))
    log10_tpp = pt.set_subtensor(log10_tpp[np.flatnonzero(known)], tpp_observed)
    if len(missing):
        imputed = pm.Normal(
            "tpp_imputed", tpp_a + tpp_b * inp.t[missing], tpp_s, shape=len(missing)
        )
        log10_tpp = pt.set_subtensor(log10_tpp[missing], imputed)
    return log10_tpp


def _drift(inp: ModelInputs, mp: ModelPriors, generative: bool) -> Any:
    """Each model's drift D(t_j): positive yearly slopes whose logs are an AR(1) around the
    log of the long-run rate, D(t_ref) = 0.

    The scale is the log slopes' stationary spread, so a persistence near 1 does not inflate it.
    The generative form draws the log slopes through the AR(1) correlation's Cholesky factor;
    the sampler's form writes them year by year, centred in the years that at least
    `CENTRED_DRIFT_MIN_MODELS` informative models pin (`forecast.model.drift.drift_deviations`)."""
    import pymc as pm  # deferred: PyMC takes about 2 s to import
    import pytensor.tensor as pt  # deferred: PyTensor takes about a second to import

    n_seg = len(inp.year_knots) - 1
    rho_bar = mp.drift_rate.to_pymc("drift_rate")
    spread = mp.drift_spread.to_pymc("drift_spread")
    phi = mp.drift_persistence.to_pymc("drift_persistence")
    innovation = pm.Deterministic("drift_walk_sd", spread * pt.sqrt(1.0 - phi**2))  # s_y
    log_rate = pt.log(rho_bar)
    if generative:
        eps = pm.Normal("drift_steps", 0.0, 1.0, dims="segment")
        deviations = spread * pt.dot(drift_ar1_matrix(phi, n_seg, pt), eps)
    else:
        per_year = np.bincount(inp.seg_idx[inp.informative], minlength=n_seg)[:n_seg]
        deviations = drift_deviations(per_year >= CENTRED_DRIFT_MIN_MODELS, log_rate, spread, phi,
                                      innovation, initial_rate=float(np.log(mp.drift_rate.median)))
    log_rho = pm.Deterministic("drift_log_slopes", log_rate + deviations, dims="segment")
    rho = pm.Deterministic("drift_slopes", pt.exp(log_rho), dims="segment")
    G = drift_knot_offsets(inp.year_knots, inp.t_ref)
    D_knots = pt.dot(G, rho)
    seg = inp.seg_idx
    return D_knots[seg] + rho[seg] * (inp.t + inp.t_ref - inp.year_knots[seg])


def _organisation_and_level(inp: ModelInputs, mp: ModelPriors, effect: Any, drift: Any
                            ) -> tuple[Any, Any, Any]:
    """(mean_theta, the level G, quality_sd): each model's prior-mean capability with its
    organisation's effect, the level G = mean_j(mean_theta_j - log10 N_j) and the sd of the
    per-model quality term.

    Parameter expansion in location: the level, the average effect of everything but size,
    moves the link midpoints with it, so a common shift of techniques, tokens and drift is one
    cheap move for the sampler."""
    import pymc as pm  # deferred: PyMC takes about 2 s to import
    import pytensor.tensor as pt  # deferred: PyTensor takes about a second to import

    org_sd = mp.org_sd.to_pymc("org_sd")
    # sum-to-zero: the common level of all organisations is the drift's and techniques' job
    z_org = pm.ZeroSumNormal("z_org", sigma=1.0, dims="organization")
    alpha_org = pm.Deterministic("org_effect", org_sd * z_org, dims="organization")
    quality_sd = mp.quality_sd.to_pymc("quality_sd")
    mean_theta = pt.as_tensor(inp.log10_params) + effect + drift + alpha_org[inp.org_idx]
    level = pm.Deterministic("level", pt.mean(mean_theta - inp.log10_params))
    # what each model's size, techniques, tokens, date and organisation predict, before its
    # quality term: for the quality-tail check (`forecast.model.quality_check`), not stored
    pm.Deterministic("expected_capability", mean_theta, dims="model")
    return mean_theta, level, quality_sd


def _links_generative(inp: ModelInputs, mp: ModelPriors, mean_theta: Any, level: Any,
                      quality_sd: Any) -> tuple[Any, ...]:
    """The links and per-model capabilities written directly, for prior and prior-predictive
    draws and for sampling with little data: (rho, w, u, ceiling loss, upper slope ratio) in the
    reference benchmark's units (`_links_expanded`)."""
    import pymc as pm  # deferred: PyMC takes about 2 s to import

    level0 = prior_level(inp, mp)
    ref = 0
    slope = _vector_rv("slope", [mp.link_slope[b] for b in inp.benchmarks], "benchmark")
    upper = upper_slope_ratio(inp, mp, slope, generative=True)
    mid_rel = _vector_rv("midpoint_rel", [mp.link_midpoint[b] for b in inp.benchmarks], "benchmark")
    mid = pm.Deterministic("midpoint", mid_rel + level - level0, dims="benchmark")
    ceil = _vector_rv("ceiling_loss", [mp.link_ceiling[b] for b in inp.benchmarks], "benchmark")
    theta = pm.Normal("theta", mean_theta, quality_sd, dims="model")
    rho = slope / slope[ref]
    w = slope[ref] * (mid - mid[ref])
    u = slope[ref] * (theta - mid[ref])
    return rho, w, u, ceil, upper


def _links_expanded(inp: ModelInputs, mp: ModelPriors, mean_theta: Any, level: Any,
                    quality_sd: Any) -> tuple[Any, ...]:
    """The links and per-model capabilities in the sampler's coordinates, on the scale of the
    reference benchmark: (rho, w, u, ceiling loss, upper slope ratio).

    The reference benchmark r (MMLU when fitted; `forecast.model.data.prepare_inputs` puts it
    first) defines the scale of the sampler's coordinates: u_j = a_r (theta_j - mu_r) is a model's
    position in r's link units, and every other benchmark is sampled as
        z = a_b (theta - mu_b) = rho_b (u - w_b),   rho_b = a_b / a_r,  w_b = a_r (mu_b - mu_r),
    with w_b written through its value at the centre of b's data, k_b = rho_b (ubar_b - w_b).
    The scores then constrain (u, rho, k) only; the common slope a_r, the midpoints and the
    level move by themselves (parameter expansion in scale and location), which the sampler
    does cheaply. The files' priors on a_b and mu_b are kept: the Potentials are their log
    densities at the implied a_b, mu_b, and the Jacobian of (log rho_b, k_b) -> (a_b, mu_b) is
    a_b / (a_r rho_b) = 1. Midpoints are known relative to the average level:
    mu_b = mu_rel_b + G - G0 (G0 = the level at the prior means, `prior_level`)."""
    import pymc as pm  # deferred: PyMC takes about 2 s to import
    import pytensor.tensor as pt  # deferred: PyTensor takes about a second to import

    B = len(inp.benchmarks)
    level0, theta0 = prior_level(inp, mp, per_model=True)
    slope_d = [mp.link_slope[b] for b in inp.benchmarks]
    mid_d = [mp.link_midpoint[b] for b in inp.benchmarks]
    a_r = _vector_rv("slope_reference", slope_d[:1], "reference")[0]
    mu_rel_r = _vector_rv("midpoint_reference", mid_d[:1], "reference")[0]
    mu_r = mu_rel_r + level - level0
    if B > 1:
        u0 = float(slope_d[0].median) * (theta0 - float(mid_d[0].median))
        ubar = np.array([u0[inp.obs_model[inp.obs_bench == k]].mean() for k in range(1, B)])
        log_rho = pm.Flat("log_slope_ratio", shape=B - 1)
        k_c = pm.Flat("link_at_centre", shape=B - 1)
        rho_o = pt.exp(log_rho)
        w_o = ubar - k_c / rho_o
        a_o = rho_o * a_r
        mu_o = mu_r + w_o / a_r
        pm.Potential("slope_prior", sum_logp(slope_d[1:], a_o))
        pm.Potential("midpoint_prior", sum_logp(mid_d[1:], mu_o - level + level0))
        rho = pt.concatenate([pt.ones(1), rho_o])
        w = pt.concatenate([pt.zeros(1), w_o])
        slope = pt.concatenate([pt.stack([a_r]), a_o])
        mid = pt.concatenate([pt.stack([mu_r]), mu_o])
    else:
        rho, w = pt.ones(1), pt.zeros(1)
        slope, mid = pt.stack([a_r]), pt.stack([mu_r])
    slope = pm.Deterministic("slope", slope, dims="benchmark")
    pm.Deterministic("midpoint", mid, dims="benchmark")
    ceil = _vector_rv("ceiling_loss", [mp.link_ceiling[b] for b in inp.benchmarks], "benchmark")
    upper = upper_slope_ratio(inp, mp, slope, generative=False)
    u = _capability_expanded(inp, mean_theta, quality_sd, a_r, mu_r, ceil, upper)
    pm.Deterministic("theta", mu_r + u / a_r, dims="model")
    return rho, w, u, ceil, upper


def _capability_expanded(inp: ModelInputs, mean_theta: Any, quality_sd: Any, a_r: Any, mu_r: Any,
                         ceil: Any, upper: Any) -> Any:
    """Each model's position u_j = a_r (theta_j - mu_r) in the reference link's units, in the
    sampler's coordinates.

    Where the scores pin a model down its capability is sampled centred in u:
    u_j ~ N(a_r (mean_theta_j - mu_r), a_r sigma_q), the same prior as
    theta_j ~ N(mean_theta_j, sigma_q). It is further shifted by where the reference link puts
    the model's median reference score y_j given the ceiling e_r,
    g_j(e_r) = F_r^-1((y_j - c_r) / (1 - c_r - e_r)): the sampler works with u_j - g_j(e_r), so
    a change of the ceiling carries the models near it along (unit Jacobian). Near the chance
    floor the scores say little and the term is non-centred (a centred one would form a funnel
    with sigma_q).

    The shift is clipped to 0.02 <= (y_j - c_r) / (1 - c_r - e_r) <= 0.95: near the ceiling
    F_r^-1 is steep and the scores there pin u_j only loosely, so carrying such models fully
    with e_r overshoots. The clip changes the coordinates, not the posterior."""
    import pymc as pm  # deferred: PyMC takes about 2 s to import
    import pytensor.tensor as pt  # deferred: PyTensor takes about a second to import

    ref = 0
    informative = np.flatnonzero(inp.informative)
    floor = np.flatnonzero(~inp.informative)
    u = pt.zeros(inp.n_models)
    if len(informative):
        y_ref = inp.ref_score[informative]
        has = ~np.isnan(y_ref)
        c_r = float(inp.chance[ref])
        s_ref = pt.clip((np.nan_to_num(y_ref, nan=0.5) - c_r) / (1.0 - c_r - ceil[ref]), 0.02, 0.95)
        if inp.link_family[ref] == "gumbel":
            g = -pt.log(-pt.log(s_ref))
        else:
            g = pt.log(s_ref / (1.0 - s_ref))
        if upper is not None:  # about h^-1(g): g below the midpoint, g / r well above it
            g = g * (1.0 + (1.0 / upper[ref] - 1.0) * pt.sigmoid(g))
        g = pt.where(has, g, 0.0)
        d = pm.Flat("capability_shifted", shape=len(informative))
        u_inf = d + g
        pm.Potential(
            "capability_prior",
            pm.logp(pm.Normal.dist(a_r * (mean_theta[informative] - mu_r), a_r * quality_sd),
                    u_inf).sum(),
        )
        u = pt.set_subtensor(u[informative], u_inf)
    if len(floor):
        z_q = pm.Normal("z_quality", 0.0, 1.0, shape=len(floor))
        u = pt.set_subtensor(u[floor], a_r * (mean_theta[floor] + quality_sd * z_q - mu_r))
    return u


def _scores(inp: ModelInputs, mp: ModelPriors, rho: Any, w: Any, u: Any, ceil: Any, upper: Any) -> None:
    """The scores' likelihood: protocol effects, the links, measurement noise (score units) plus
    a model-by-benchmark deviation of sd tau_b on the logit scale, carried to the score scale by
    the link's derivative (delta method)."""
    import pymc as pm  # deferred: PyMC takes about 2 s to import
    import pytensor.tensor as pt  # deferred: PyTensor takes about a second to import

    B = len(inp.benchmarks)
    eta = pt.zeros(len(inp.obs_y))
    if inp.groups:
        protocol_sd = mp.protocol_sd.to_pymc("protocol_sd")
        z_eta = pm.Normal("z_protocol", 0.0, 1.0, dims="group")
        eta_g = pm.Deterministic("protocol_effect", protocol_sd * z_eta, dims="group")
        has = inp.obs_group >= 0
        eta = pt.set_subtensor(eta[np.flatnonzero(has)], eta_g[inp.obs_group[has]])
    b = inp.obs_bench
    c = pt.as_tensor(inp.chance)[b]
    span = 1.0 - c - ceil[b]
    gumbel = np.array([f == "gumbel" for f in inp.link_family])[b]
    z = rho[b] * (u[inp.obs_model] - w[b]) + eta  # = a_b (theta_j - mu_b) + eta
    s, density = link_cdf_density(z, gumbel, None if upper is None else upper[b])
    p = c + span * s
    noise = _vector_rv("noise", [mp.noise_sd] * (2 * B), "benchmark_source").reshape((B, 2))
    pm.Deterministic("noise_sd", noise, dims=("benchmark", "source"))
    tau = _vector_rv("benchmark_spread", [mp.benchmark_spread] * B, "benchmark")
    sd = pt.sqrt(noise[b, inp.obs_source] ** 2 + (tau[b] * span * density) ** 2)
    pm.StudentT("score", nu=5.0, mu=p, sigma=sd, observed=inp.obs_y, dims="obs")


def _release_process(inp: ModelInputs, mp: ModelPriors, generative: bool) -> None:
    """The monthly release counts per size band, negative binomial, and each benchmark's
    reporting share, binomial (module docstring). The sampler's form adds the counts'
    likelihood as a Potential with its log-gamma terms once per distinct count
    (`forecast.model.densities.negative_binomial_logp`)."""
    import pymc as pm  # deferred: PyMC takes about 2 s to import
    import pytensor.tensor as pt  # deferred: PyTensor takes about a second to import

    r0 = mp.release_log_rate.to_pymc("release_log_rate")
    rg = mp.release_growth.to_pymc("release_growth")
    c1 = pm.Normal("release_size_slope", 0.0, 1.0)
    c2 = pm.Normal("release_size_curve", -0.5, 0.5)
    nb_alpha = pm.Gamma("release_dispersion", 2.0, 0.5)
    xs = inp.release_x - 10.0
    log_mu = (
        r0 + rg * inp.release_t[:, None] + c1 * xs[None, :] + c2 * (xs**2)[None, :]
    )
    if generative:
        pm.NegativeBinomial(
            "release_counts", mu=SIZE_BAND_WIDTH * pt.exp(log_mu), alpha=nb_alpha,
            observed=inp.release_counts,
        )
    else:
        pm.Potential("release_counts", negative_binomial_logp(
            inp.release_counts, np.log(SIZE_BAND_WIDTH) + log_mu, nb_alpha))
    share = pm.Beta("report_share", REPORT_SHARE_A, REPORT_SHARE_B, dims="benchmark")
    pm.Binomial("reports", n=inp.report_n, p=share, observed=inp.report_k, dims="benchmark")


#: The reporting shares' prior, Beta(a, b): uniform, as nothing is claimed before the census.
REPORT_SHARE_A, REPORT_SHARE_B = 1.0, 1.0


def _imputed_uses(inp: ModelInputs, curves: tuple[Any, Any, Any]) -> Any:
    """The (J, K) technique indicators with every unknown one replaced by its technique's
    adoption A_k(t_j) = amax_k * logistic(s_k * (t_j - t50_k)) at the model's release: the
    probability that a release of that date uses the technique, i.e. the expected indicator."""
    import pytensor.tensor as pt  # deferred: PyTensor takes about a second to import

    t50, speed, amax = curves
    rows, cols = np.nonzero(inp.U_unknown)
    a = inp.U_adoption[cols]
    share = amax[a] * pt.sigmoid(speed[a] * (inp.t[rows] - t50[a]))
    return pt.set_subtensor(pt.as_tensor(inp.U)[rows, cols], share)


#: The adoption curves' priors: midpoint (years after the technique's introduction, and sd),
#: speed (median per year, log sd) and ceiling (Beta a, b).
ADOPTION_MID_AFTER, ADOPTION_MID_SD = 2.0, 2.0
ADOPTION_SPEED_MEDIAN, ADOPTION_SPEED_LOG_SD = 1.5, 0.6
ADOPTION_MAX_A, ADOPTION_MAX_B = 4.0, 1.5


def _adoption_curves(inp: ModelInputs, mp: ModelPriors) -> tuple[Any, Any, Any]:
    """The adoption curves' parameters (t50_k, s_k, amax_k) over the adopted techniques."""
    import pymc as pm  # deferred: PyMC takes about 2 s to import

    intro = np.array(
        [next(s for s in mp.techniques if s.id == k).introduced for k in inp.adoption_tech]
    )
    t50 = pm.Normal("adoption_mid", intro + ADOPTION_MID_AFTER - inp.t_ref, ADOPTION_MID_SD,
                    dims="adopted")
    speed = pm.LogNormal("adoption_speed", np.log(ADOPTION_SPEED_MEDIAN), ADOPTION_SPEED_LOG_SD,
                         dims="adopted")
    amax = pm.Beta("adoption_max", ADOPTION_MAX_A, ADOPTION_MAX_B, dims="adopted")
    return t50, speed, amax


def _adoption(inp: ModelInputs, mp: ModelPriors, curves: tuple[Any, Any, Any] | None = None
              ) -> None:
    """The adoption curves: each technique's monthly use among releases, binomial around
    A_k(t) = amax_k * logistic(s_k * (t - t50_k)); `curves` when they were made earlier (to
    impute unknown indicators)."""
    if not len(inp.adoption_tech):
        return
    import pymc as pm  # deferred: PyMC takes about 2 s to import
    import pytensor.tensor as pt  # deferred: PyTensor takes about a second to import

    t50, speed, amax = curves if curves is not None else _adoption_curves(inp, mp)
    k = inp.adoption_k
    prob = amax[k] * pm.math.sigmoid(speed[k] * (inp.adoption_t - t50[k]))
    pm.Binomial("adoption", n=inp.adoption_n, p=pt.clip(prob, 1e-6, 1 - 1e-6),
                observed=inp.adoption_u)


def prior_level(inp: ModelInputs, mp: ModelPriors, per_model: bool = False) -> Any:
    """G0: the average of mean_theta_j - log10 N_j over the fitted models at the prior means.

    The prior means of the techniques, MoE, tokens (missing ratios from a least-squares trend)
    and the drift rate.

    Parameters
    ----------
    inp : ModelInputs
        The data.
    mp : ModelPriors
        The priors.
    per_model : bool, default False
        Also return each model's prior-mean capability mean_theta_j.

    Returns
    -------
    float or tuple
        G0, or (G0, mean_theta) with `per_model`.
    """
    level = np.zeros(inp.n_models)
    binary = mp.binary
    if binary:
        level += _prior_uses(inp, mp) @ np.array([t.log10_mean for t in binary])
    moe = mp.technique("moe")
    if moe is not None:
        level += (moe.log10_mean / np.log10(moe.reference) - 1.0) * inp.log10_sparsity
    tok = mp.technique("tokens")
    known = ~np.isnan(inp.log10_tpp)
    if tok is not None and known.sum() >= 2:
        coef = np.polyfit(inp.t[known], inp.log10_tpp[known], 1)
        tpp = np.where(known, inp.log10_tpp, np.polyval(coef, inp.t))
        gx, gy = mp.law.log10_multiplier_table()
        level += tok.log10_mean / mp.law.log10_multiplier_at(tok.reference) * np.interp(tpp, gx, gy)
    level += float(mp.drift_rate.median) * inp.t
    if per_model:
        return float(level.mean()), inp.log10_params + level
    return float(level.mean())


def _prior_uses(inp: ModelInputs, mp: ModelPriors) -> np.ndarray:
    """The technique indicators with the unknown ones at the adoption curves' prior central
    values (midpoint and speed at their medians, ceiling at its mean), for `prior_level`."""
    rows, cols = np.nonzero(inp.U_unknown)
    if not len(rows):
        return inp.U
    intro = {s.id: s.introduced for s in mp.techniques}
    t50 = np.array([intro[inp.adoption_tech[a]] for a in inp.U_adoption[cols]]) \
        + ADOPTION_MID_AFTER - inp.t_ref
    amax = ADOPTION_MAX_A / (ADOPTION_MAX_A + ADOPTION_MAX_B)
    uses = inp.U.copy()
    uses[rows, cols] = amax / (1.0 + np.exp(-ADOPTION_SPEED_MEDIAN * (inp.t[rows] - t50)))
    return uses


def _vector_rv(name: str, dists: list[Any], dims: str) -> Any:
    """One vector random variable over `dims` from per-element priors of one family.

    Elements whose priors differ in family are stacked from scalar variables instead.
    """
    import pytensor.tensor as pt  # deferred: PyTensor takes about a second to import

    families = {d.distribution for d in dists}
    if len(families) == 1 and "fixed" not in families:
        stacked = {k: np.array([d.params[k] for d in dists]) for k in dists[0].params}
        return dataclasses.replace(dists[0], params=stacked).to_pymc(name, dims=dims)
    import pymc as pm  # deferred: PyMC takes about 2 s to import

    parts = [d.to_pymc(f"{name}_{i}") for i, d in enumerate(dists)]
    return pm.Deterministic(name, pt.stack(parts), dims=dims)


def _interp(x: Any, grid_x: np.ndarray, grid_y: np.ndarray) -> Any:
    """Piecewise-linear interpolation of (grid_x, grid_y) at tensor x, clamped at both ends."""
    import pytensor.tensor as pt  # deferred: PyTensor takes about a second to import

    step = float(grid_x[1] - grid_x[0])
    pos = pt.clip((x - grid_x[0]) / step, 0.0, len(grid_x) - 1.000001)
    idx = pt.cast(pt.floor(pos), "int64")
    w = pos - idx
    gy = pt.as_tensor(grid_y)
    return gy[idx] * (1.0 - w) + gy[idx + 1] * w


def monitored_vars(model: Any) -> list[str]:
    """The variables whose convergence is checked: the named parameters and the per-model
    capability, without the non-centred standard normals (`z_*`) and the sampler's coordinates.

    Parameters
    ----------
    model : pymc.Model
        A model of `build_model`.

    Returns
    -------
    list of str
        Variable names, free variables first, in the model's order.
    """
    names = [v.name for v in model.free_RVs]
    hidden = ("drift_steps", *SAMPLER_COORDINATES)
    names = [n for n in names if not n.startswith("z_") and n not in hidden]
    for det in ("beta", "gamma_tokens", "kappa", "drift_slopes", "org_effect", "theta", "protocol_effect",
                "slope", "midpoint", "ceiling_loss", "upper_slope_ratio", "level"):
        if det in model.named_vars and det not in names:
            names.append(det)
    return names
