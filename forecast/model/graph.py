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

* beta_k: prior from `priors/<technique>.toml` (lognormal multiplier -> normal beta). The beta_k
  and beta_tok = gamma * f(log10 r_ref), the over-training multiplier at the reference ratio, are
  jointly normal with the log-space correlations of the files' `correlated` overlaps (data
  curation, distillation and over-training share their gains). The spread of the fitted beta_k across techniques is the
  size distribution of future techniques (`forecast.projection.posterior`); it does not feed back on them.
* kappa = beta_moe / log10(s_ref): the elasticity of capability in the inactive parameters of a
  mixture of experts; a MoE of sparsity s is worth a dense model of N_active * s^kappa.
* f(log10 r) = log10 m(r), the parameter multiplier of training at r tokens per parameter
  against 20 (Besiroglu et al. 2024 refit of Hoffmann et al. 2022); gamma scales it (prior from
  `priors/overtraining.toml`). A fit as of a date before Chinchilla (2022-03-29) reads f from
  the law published by then, Kaplan et al. 2020, with that file's [before_introduction] prior
  (`forecast.inputs.priors.PriorSet.token_law`). Missing token counts are imputed:
  log10 r_j ~ N(a_r + b_r * t_j, s_r).
* D(t): piecewise linear in t with one slope per calendar year, D(t_ref) = 0. The yearly slopes
  fluctuate around a long-run rate rho_bar (the literature's decade-long average) as a stationary
  AR(1) with spread v (sd of a year's slope around rho_bar) and year-to-year persistence phi:
  Corr(rho_y, rho_y') = phi^|y - y'|, i.e. rho_y - rho_bar = phi (rho_{y-1} - rho_bar) + s_y eps_y
  with innovation sd s_y = v sqrt(1 - phi^2) (`drift_ar1_matrix`). The projection continues the
  same process in continuous time (an Ornstein-Uhlenbeck slope, `forecast.projection.project`).

Benchmark link for benchmark b, protocol group g (shots, chain of thought, self-reported or
independent), with the chance floor c_b fixed by the benchmark's design:

    z_i = a_b (theta_j - mu_b) + eta_g,    s_i = F_b(h_b(z_i)),    p_i = c_b + (1 - c_b - e_b) s_i
    y_i ~ StudentT(nu=5, p_i, sqrt(sigma_{b,src}^2 + (tau_b (1 - c_b - e_b) ds_i/dz_i)^2))

F_b is the logistic function or, for knowledge benchmarks that leave the chance floor abruptly
and approach the ceiling slowly (MMLU), the Gumbel CDF exp(-exp(-z)) (set in the link priors).
h_b(z) = z + (r_b - 1) softplus(z) (`link_stretch`) lets the curve climb at slope a_b below its
midpoint and a_b r_b well above it: within model families MMLU rises ~3 logits per decade
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

* Release process: monthly counts of scored releases in half-decade size bands,
  n_mq ~ NegBinomial(mu = w * exp(r0 + g * t_m + c1 * (x_q - 10) + c2 * (x_q - 10)^2), alpha),
  with x_q the band's log10 size and w = 0.5 its width.
* Adoption of each technique among releases, counted per release month m:
  u_km ~ Binomial(n_km, A_k(t_m)), A_k(t) = amax_k * logistic(s_k * (t - t50_k)), with n_km the
  releases of month m whose indicator for k is known and u_km those that used k (t_m the
  month's mid-point: the per-release Bernoulli likelihood with dates to the month).

Neither side model shares a parameter with the capability model, so the joint posterior is the
product of the three; sampling them together only keeps one set of draws for the projection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import numpy as np
import pandas as pd

from forecast.core.errors import UserError
from forecast.inputs.dates import decimal_year, year_to_date
from forecast.inputs.scaling_law import ChinchillaLaw, LossLaw

Variant = Literal["full", "drift_only"]

SIZE_BAND_LO = 8.0  # log10 params of the lowest release-size band
SIZE_BAND_WIDTH = 0.5
SIZE_BANDS = 9  # 1e8 .. 3e12 parameters
RELEASE_WINDOW_YEARS = 4.0
INFORMATIVE_MARGIN = 0.1  # a score this far above chance makes a model's theta well informed
# With fewer informative models the direct (centred) form mixes better than the expanded one.
# Measured min bulk ESS, direct against expanded: 235 vs 42 at 25 models; 575 vs 215 at 57 (the
# 2023-01-01 backtest fit, 1500 + 1500 draws x 4 chains: R-hat 1.006 and no divergences against
# 1.014 and 17); 690 vs 162 at 62 (the seed check's fit as of 2023-03-19, 2000 draws: R-hat 1.008
# and none against 1.028 and 1); at 121 (2023-07-01) 191 in 68 s with 4 divergences against 163
# in 44 s with 1; 316 vs 116 at 142; 250 vs 7 at 400.
EXPANSION_MIN_MODELS = 100
# A year's drift slope is sampled centred when that year has at least this many informative
# models, else non-centred (`drift_deviations`). One form for all years failed both ways: centred
# everywhere had 56-61 divergences at 17-25 models and a funnel between the spread and the
# sparsely observed early years even at 400 (parameter recovery, true spread 0.003: 56
# divergences); non-centred everywhere had 5 divergences at 400 models and mixed slowly where
# the years are pinned. The shipped registry has 3, 4, 9, 41, 144, 147, 29 in 2019-2025. Per year
# (1000 + 1000 draws x 4 chains, `scripts/recovery.py` seeds 2 and 3): 21 and 53 divergences
# against 92 and 138 with every year centred (22 and 43 since a centred year's coordinate is its
# slope rather than its deviation, `drift_deviations`). Where the true spread is far below the
# years' precision a funnel remains (the divergences sit at small spreads).
CENTRED_DRIFT_MIN_MODELS = 30


@dataclass(frozen=True)
class TechniqueSpec:
    """What the model needs of one technique prior (log10 units)."""

    id: str
    indicator: str
    kind: Literal["binary", "moe", "tokens", "memory"]
    log10_mean: float
    log10_sd: float
    introduced: float  # decimal year
    reference: float = float("nan")  # s_ref for moe, r_ref (tokens/param) for tokens


@dataclass
class ModelPriors:
    """Numeric priors for the model, extracted from a `PriorSet` (see `from_prior_set`).

    Engine distributions are objects with `.to_pymc(name)`, `.sample(rng, size)` and
    `.median`; technique priors are normal in log10 space.
    """

    techniques: list[TechniqueSpec]
    correlation: np.ndarray  # over the binary techniques, then the tokens one, in that order
    drift_rate: Any  # long-run rate of the yearly drift slopes
    drift_spread: Any  # sd of a year's slope around the long-run rate
    drift_persistence: Any  # year-to-year autocorrelation phi of the slopes
    quality_sd: Any
    org_sd: Any
    noise_sd: Any
    protocol_sd: Any
    benchmark_spread: Any
    link_slope: dict[str, Any]
    link_midpoint: dict[str, Any]
    link_ceiling: dict[str, Any]
    link_family: dict[str, str]
    release_log_rate: Any
    release_growth: Any
    tpp_trend: Any
    law: LossLaw = field(default_factory=ChinchillaLaw)
    engine: dict[str, Any] = field(default_factory=dict)  # the rest, used by the projection
    link_upper: dict[str, Any] = field(default_factory=dict)  # upper slope ratio r_b or None

    @property
    def binary(self) -> list[TechniqueSpec]:
        return [t for t in self.techniques if t.kind == "binary"]

    def technique(self, kind: str) -> TechniqueSpec | None:
        return next((t for t in self.techniques if t.kind == kind), None)


@dataclass
class ModelInputs:
    """Arrays the PyMC model is built from, with their coordinates."""

    as_of: date
    data_end: date
    t_ref: float
    model_ids: np.ndarray
    organizations: np.ndarray
    log10_params: np.ndarray
    t: np.ndarray  # release time, years since t_ref
    techniques: list[str]  # binary technique ids (columns of U)
    U: np.ndarray  # (J, K) 0/1 use of binary techniques
    log10_sparsity: np.ndarray  # (J,) 0 for dense models
    log10_tpp: np.ndarray  # (J,) NaN where unknown
    org_idx: np.ndarray
    year_knots: np.ndarray  # calendar years bounding the drift segments
    seg_idx: np.ndarray  # (J,) drift segment of each model
    ref_seg: int
    benchmarks: list[str]
    chance: np.ndarray  # (B,)
    link_family: list[str]  # (B,) "logistic" or "gumbel"
    obs_model: np.ndarray
    obs_bench: np.ndarray
    obs_group: np.ndarray  # -1 for the reference protocol of its benchmark
    obs_source: np.ndarray  # 0 independent, 1 self-reported
    obs_y: np.ndarray
    groups: list[str]
    group_bench: np.ndarray
    release_t: np.ndarray  # (M,) month mid-points, years since t_ref
    release_x: np.ndarray  # (Q,) band centres, log10 params
    release_counts: np.ndarray  # (M, Q)
    adoption_tech: list[str]
    adoption_k: np.ndarray  # (C,) technique of each (technique, release month) cell
    adoption_t: np.ndarray  # (C,) the month's mid-point, years since t_ref
    adoption_n: np.ndarray  # (C,) releases in the cell with a known indicator
    adoption_u: np.ndarray  # (C,) of which used the technique
    informative: np.ndarray  # (J,) bool: some score well above its benchmark's chance floor
    ref_score: np.ndarray  # (J,) median score on the reference (first) benchmark, NaN if none
    dropped: dict[str, int] = field(default_factory=dict)

    @property
    def n_models(self) -> int:
        return len(self.model_ids)

    def coords(self) -> dict[str, Any]:
        return {
            "model": list(self.model_ids),
            "organization": sorted(set(self.organizations)),
            "technique": list(self.techniques),
            "benchmark": list(self.benchmarks),
            "group": list(self.groups),
            "segment": [f"{int(y)}" for y in self.year_knots[:-1]],
            "obs": np.arange(len(self.obs_y)),
            "adopted": list(self.adoption_tech),
            "source": ["independent", "self_reported"],
            "reference": [self.benchmarks[0]],
            "benchmark_source": [f"{b}|{s}" for b in self.benchmarks
                                 for s in ("independent", "self_reported")],
        }


def _shots_bucket(shots: float) -> str:
    if pd.isna(shots):
        return "shots?"
    return "0-shot" if int(shots) == 0 else "few-shot"


def prepare_inputs(
    models: pd.DataFrame,
    scores: pd.DataFrame,
    benchmarks: pd.DataFrame,
    priors: ModelPriors,
    as_of: date,
    min_models_per_benchmark: int = 12,
    benchmark_set: list[str] | None = None,
) -> ModelInputs:
    """Select the models and scores known at `as_of` and turn them into model arrays.

    A model enters the fit when its release date is on or before `as_of`, its total
    parameter count is known and it has at least one score on a benchmark with at least
    `min_models_per_benchmark` scored models. Technique indicators that are unknown count as
    not used (the number is reported in `dropped`).
    """
    as_of_year = decimal_year(as_of)
    m = models[(models["release_year"] <= as_of_year)].copy()
    sc = scores[scores["model_id"].isin(m["model_id"])].copy()
    usable = m[(m["params_total"] > 0)].set_index("model_id")
    sc = sc[sc["model_id"].isin(usable.index)]
    per_bench = sc.groupby("benchmark")["model_id"].nunique()
    keep_bench = sorted(per_bench[per_bench >= min_models_per_benchmark].index)
    if benchmark_set is not None:
        keep_bench = [b for b in keep_bench if b in benchmark_set]
    if "mmlu" in keep_bench:  # MMLU first: it anchors the headline targets
        keep_bench = ["mmlu"] + [b for b in keep_bench if b != "mmlu"]
    if not keep_bench:
        raise UserError(
            f"no benchmark has scores for {min_models_per_benchmark} or more models released by "
            f"{as_of.isoformat()}; nothing to fit",
            key="as_of",
        )
    sc = sc[sc["benchmark"].isin(keep_bench)]
    fit_ids = sorted(sc["model_id"].unique())
    fm = usable.loc[fit_ids]
    J = len(fit_ids)
    dropped: dict[str, int] = {
        "models_without_params": int((~(m["params_total"] > 0)).sum()),
        "scores_on_sparse_benchmarks": int(
            scores["model_id"].isin(fit_ids).sum() - len(sc)
        ),
    }

    release_year = fm["release_year"].to_numpy(float)
    t_ref = float(np.round(release_year.mean(), 2))
    t = release_year - t_ref

    binary = priors.binary
    U = np.zeros((J, len(binary)))
    for k, spec in enumerate(binary):
        col = fm[spec.indicator].to_numpy(float) if spec.indicator in fm else np.full(J, np.nan)
        dropped[f"unknown_{spec.indicator}"] = int(np.isnan(col).sum())
        U[:, k] = np.nan_to_num(col, nan=0.0)

    params = fm["params_total"].to_numpy(float)
    active = fm["params_active"].to_numpy(float) if "params_active" in fm else params
    is_moe = fm["moe"].fillna(0).to_numpy(float) > 0 if "moe" in fm else np.zeros(J, bool)
    sparsity = np.where(is_moe & (active > 0) & (active < params), params / active, 1.0)
    tokens = fm["training_tokens"].to_numpy(float) if "training_tokens" in fm else np.full(J, np.nan)
    tpp = np.where(tokens > 0, tokens / params, np.nan)

    orgs = fm["organization"].fillna("unknown").astype(str).to_numpy()
    org_levels = sorted(set(orgs))
    org_idx = np.array([org_levels.index(o) for o in orgs])

    y_lo = int(np.floor(release_year.min()))
    y_hi = int(np.floor(max(as_of_year, release_year.max()))) + 1
    year_knots = np.arange(y_lo, y_hi + 1, dtype=float)
    seg_idx = np.clip(np.floor(release_year).astype(int) - y_lo, 0, len(year_knots) - 2)
    ref_seg = int(np.clip(np.floor(t_ref) - y_lo, 0, len(year_knots) - 2))

    # --- observations and protocol groups
    bench_idx = {b: i for i, b in enumerate(keep_bench)}
    model_pos = {mid: i for i, mid in enumerate(fit_ids)}
    # observations on Gumbel-link benchmarks first: the model evaluates each link on its own
    # contiguous slice (`link_cdf_density`)
    sc["gumbel_last"] = ~sc["benchmark"].map(lambda x: priors.link_family.get(x) == "gumbel")
    sc = (sc.sort_values(["gumbel_last", "model_id", "benchmark", "source_ref"])
          .drop(columns="gumbel_last").reset_index(drop=True))
    key = (
        sc["benchmark"].astype(str)
        + "|" + sc["protocol"].fillna("?").astype(str)
        + "|" + sc["source"].fillna("?").astype(str)
        + "|" + np.where(sc["cot"].fillna(0).astype(float) > 0, "cot", "direct")
        + "|" + sc["shots"].map(_shots_bucket)
    )
    reference = key.groupby(sc["benchmark"]).agg(lambda s: s.value_counts().sort_index().idxmax())
    groups = sorted(set(key) - set(reference.values))
    group_pos = {g: i for i, g in enumerate(groups)}
    obs_group = np.array([group_pos.get(k, -1) for k in key])
    group_bench = np.array([bench_idx[g.split("|")[0]] for g in groups], dtype=int)
    chance_map = benchmarks.set_index("benchmark")["chance"].astype(float).to_dict()
    chance = np.array([chance_map.get(b, 0.0) for b in keep_bench])

    # --- release process: scored releases per month and size band, up to the data's end
    all_scored = scores["model_id"].unique()
    rel = models[models["model_id"].isin(all_scored) & (models["params_total"] > 0)]
    data_end_year = float(min(as_of_year, rel["release_year"].max()))
    data_end = year_to_date(data_end_year)
    rel = rel[rel["release_year"] <= data_end_year]
    start = data_end_year - RELEASE_WINDOW_YEARS
    n_months = int(np.floor((data_end_year - start) * 12))
    edges = data_end_year - (np.arange(n_months, -1, -1) / 12.0)
    x_edges = SIZE_BAND_LO + SIZE_BAND_WIDTH * np.arange(SIZE_BANDS + 1)
    counts, _, _ = np.histogram2d(
        rel["release_year"].to_numpy(float),
        np.log10(rel["params_total"].to_numpy(float)),
        bins=[edges, x_edges],
    )
    release_t = 0.5 * (edges[:-1] + edges[1:]) - t_ref
    release_x = 0.5 * (x_edges[:-1] + x_edges[1:])

    # --- adoption of every technique with a registry indicator (incl. MoE and quantization)
    adopt_specs = [s for s in priors.techniques if s.kind in ("binary", "moe", "memory")]
    ak, at, an, au = [], [], [], []
    for k, spec in enumerate(adopt_specs):
        if spec.indicator not in m:
            continue
        sub = m[(m["release_year"] >= 2018.0) & m[spec.indicator].notna()]
        month = (np.floor(sub["release_year"].to_numpy(float) * 12.0) + 0.5) / 12.0
        cells = pd.DataFrame({"month": month, "used": sub[spec.indicator].to_numpy(float)})
        cells = cells.groupby("month")["used"].agg(["size", "sum"])
        ak.append(np.full(len(cells), k))
        at.append(cells.index.to_numpy(float) - t_ref)
        an.append(cells["size"].to_numpy(float))
        au.append(cells["sum"].to_numpy(float))
    y = sc["score"].to_numpy(float)
    above = y - chance[[bench_idx[b] for b in sc["benchmark"]]]
    informative = np.zeros(J, bool)
    informative[[model_pos[x] for x in sc.loc[above > INFORMATIVE_MARGIN, "model_id"]]] = True
    return ModelInputs(
        as_of=as_of,
        data_end=data_end,
        t_ref=t_ref,
        model_ids=np.array(fit_ids),
        organizations=orgs,
        log10_params=np.log10(params),
        t=t,
        techniques=[s.id for s in binary],
        U=U,
        log10_sparsity=np.log10(sparsity),
        log10_tpp=np.log10(tpp),
        org_idx=org_idx,
        year_knots=year_knots,
        seg_idx=seg_idx,
        ref_seg=ref_seg,
        benchmarks=keep_bench,
        chance=chance,
        link_family=[priors.link_family.get(x, "logistic") for x in keep_bench],
        obs_model=np.array([model_pos[x] for x in sc["model_id"]]),
        obs_bench=np.array([bench_idx[b] for b in sc["benchmark"]]),
        obs_group=obs_group,
        obs_source=(sc["source"] == "self_reported").to_numpy(int),
        obs_y=sc["score"].to_numpy(float),
        groups=groups,
        group_bench=group_bench,
        release_t=release_t,
        release_x=release_x,
        release_counts=counts,
        adoption_tech=[s.id for s in adopt_specs],
        adoption_k=np.concatenate(ak) if ak else np.zeros(0, int),
        adoption_t=np.concatenate(at) if at else np.zeros(0),
        adoption_n=np.concatenate(an) if an else np.zeros(0),
        adoption_u=np.concatenate(au) if au else np.zeros(0),
        informative=informative,
        ref_score=(sc[sc["benchmark"] == keep_bench[0]].groupby("model_id")["score"].median()
                   .reindex(fit_ids).to_numpy(float)),
        dropped=dropped,
    )


def drift_ar1_matrix(phi: Any, n: int, xp: Any = np) -> Any:
    """Cholesky factor L (n x n, lower triangular) of the AR(1) correlation phi^|i-j|
    (0 < phi < 1): L[i, 0] = phi^i and L[i, j] = phi^(i-j) sqrt(1 - phi^2) for 1 <= j <= i, so
    slopes - rho_bar = v L eps with eps ~ N(0, I) is a stationary AR(1) of sd v.
    `xp` is NumPy or `pytensor.tensor` (phi may be a tensor)."""
    i = np.arange(n)[:, None]
    j = np.arange(n)[None, :]
    lag = np.clip(i - j, 0, None).astype(float)
    first = np.zeros((1, n))
    first[0, 0] = 1.0
    power = xp.where(i >= j, phi ** lag, 0.0)
    innovation = xp.sqrt(1.0 - phi**2)
    return power * (first + (1.0 - first) * innovation)


def drift_deviations(centred: np.ndarray, rate: Any, spread: Any, phi: Any, innovation: Any) -> Any:
    """The yearly slopes' deviations from the long-run rate, delta_y = rho_y - rho_bar, as the
    AR(1) recursion delta_1 ~ N(0, v), delta_y | delta_{y-1} ~ N(phi delta_{y-1}, s) with
    s = v sqrt(1 - phi^2), each year in its own parameterisation: where `centred[y]` the sampler's
    coordinate x_y is the year's slope rho_y itself, delta_y = x_y - rho_bar (`rate`), with that
    conditional density; elsewhere x_y ~ N(0, 1) and delta_y = phi delta_{y-1} + s x_y. Both
    write the same joint density (each coordinate has its own density given the earlier ones;
    the shift by rho_bar has Jacobian 1). A centred year's coordinate is the slope, not its
    deviation, because the data pin the slope: with x_y = delta_y every move of rho_bar had to
    be undone in each well-observed year, and rho_bar mixed slowest of all parameters (shipped
    registry, 1000 + 1000 draws x 4 chains, one seed: rho_bar's bulk ESS 380 and R-hat 1.015
    with the deviation as coordinate, 1746 and 1.001 with the slope). Adds the free vector
    `drift_coords` and its Potential `drift_prior` to the model in context; returns delta
    (PyTensor vector)."""
    import pymc as pm
    import pytensor.tensor as pt

    x = pm.Flat("drift_coords", dims="segment")
    deviations, logp = [], []
    previous = None
    for y, is_centred in enumerate(centred):
        mean = 0.0 if previous is None else phi * previous
        sd = spread if previous is None else innovation
        if is_centred:
            delta = x[y] - rate
            logp.append(pm.logp(pm.Normal.dist(mean, sd), delta))
        else:
            delta = mean + sd * x[y]
            logp.append(pm.logp(pm.Normal.dist(0.0, 1.0), x[y]))
        deviations.append(delta)
        previous = delta
    pm.Potential("drift_prior", pt.sum(pt.stack(logp)))
    return pt.stack(deviations)


def negative_binomial_logp(counts: np.ndarray, log_mu: Any, alpha: Any) -> Any:
    """sum_c log NegBinomial(y_c; mu_c, alpha) for observed counts y_c (NumPy, non-negative
    integers) and log means log_mu_c (PyTensor, the shape of `counts`), dispersion alpha:

        sum_c [lnG(y_c + a) - lnG(a) - lnG(y_c + 1) + y_c log mu_c + a log a - (a + y_c) log(a + mu_c)]
      = sum_v n_v [lnG(v + a) - lnG(a)] + sum_c [y_c log mu_c - (a + y_c) log(a + mu_c)]
        + C a log a - sum_c lnG(y_c + 1)

    with n_v the number of cells whose count is v > 0 and C the number of cells. It is PyMC's
    `NegativeBinomial(mu, alpha)` log density summed over the cells (`tests/test_model_terms.py`
    checks value and gradient), but the log-gamma terms (and their digamma gradients) are
    evaluated once per distinct count instead of once per cell: the shipped release counts are
    432 (month, size band) cells with 8 distinct positive values. One evaluation of the shipped
    model's log density and gradient took 0.311 ms with PyMC's form, 0.262-0.268 ms with this
    one."""
    import pytensor.tensor as pt
    from scipy.special import gammaln

    y = np.asarray(counts, dtype=float)
    values, n_cells = np.unique(y[y > 0], return_counts=True)
    log_gamma_ratio = pt.sum(pt.as_tensor(n_cells.astype(float))
                             * (pt.gammaln(pt.as_tensor(values) + alpha) - pt.gammaln(alpha)))
    per_cell = pt.sum(pt.as_tensor(y) * log_mu - (alpha + pt.as_tensor(y)) * pt.log(alpha + pt.exp(log_mu)))
    return log_gamma_ratio + per_cell + y.size * alpha * pt.log(alpha) - float(gammaln(y + 1.0).sum())


def drift_knot_offsets(year_knots: np.ndarray, ref_seg: int, t_ref: float) -> np.ndarray:
    """Matrix G with D(knot_i) = (G @ rho)_i, D(t_ref) = 0; knots in calendar years."""
    n_seg = len(year_knots) - 1
    G = np.zeros((len(year_knots), n_seg))
    for i in range(len(year_knots)):
        for s in range(n_seg):
            lo, hi = year_knots[s], year_knots[s + 1]
            # integral of rho_s over [t_ref, knot_i] restricted to segment s (signed)
            a, b = sorted((t_ref, year_knots[i]))
            overlap = max(0.0, min(b, hi) - max(a, lo))
            G[i, s] = overlap if year_knots[i] >= t_ref else -overlap
    return G


def build_model(
    inp: ModelInputs, mp: ModelPriors, variant: Variant = "full", generative: bool | None = None
) -> Any:
    """The PyMC model of the module docstring. `drift_only` drops every technique term.

    `generative=True` writes the same joint distribution with every parameter drawn from its
    prior directly: it serves prior-predictive simulation and, with little data (fewer than
    `EXPANSION_MIN_MODELS` informative models), sampling, where it mixes better; with more data
    the sampler explores the reparameterised form (see the comments on the reference scale)
    several times faster. `generative=None` picks by that rule.
    """
    if generative is None:
        generative = int(inp.informative.sum()) < EXPANSION_MIN_MODELS
    import pymc as pm
    import pytensor.tensor as pt

    coords = inp.coords()
    J, K, B = inp.n_models, len(inp.techniques), len(inp.benchmarks)
    n_seg = len(inp.year_knots) - 1
    with pm.Model(coords=coords) as model:
        # ---------------- techniques
        # The binary multipliers and the over-training multiplier at its reference ratio share
        # one multivariate-normal prior in log10 space (correlations from the files' overlaps):
        # (beta_1..beta_K, beta_tok) = mean + sd * (L z), L L' = R, z ~ N(0, I).
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
            effect = effect + pt.dot(pt.as_tensor(inp.U), beta)
        moe = mp.technique("moe")
        if variant == "full" and moe is not None and np.any(inp.log10_sparsity > 0):
            beta_moe = pm.Normal("beta_moe", moe.log10_mean, moe.log10_sd)
            kappa = pm.Deterministic("kappa", beta_moe / np.log10(moe.reference))
            effect = effect + (kappa - 1.0) * pt.as_tensor(inp.log10_sparsity)
        # imputation model for log10 tokens per parameter (always fitted: the projection uses it)
        tpp_a = pm.Normal("tpp_intercept", 1.5, 1.0)
        tpp_b = mp.tpp_trend.to_pymc("tpp_trend")
        tpp_s = pm.HalfNormal("tpp_sd", 0.5)
        known = ~np.isnan(inp.log10_tpp)
        tpp_observed = pm.Normal(
            "tpp_observed", tpp_a + tpp_b * inp.t[known], tpp_s, observed=inp.log10_tpp[known]
        )
        if joint is not None and tok is not None:
            missing = np.flatnonzero(~known)
            # the observed ratios enter the capability through the observed variable itself:
            # fitting, it is the data; drawing from the prior predictive, it is the simulated
            # ratio, so simulated scores and simulated token ratios stay consistent
            log10_tpp = pt.zeros(len(inp.log10_tpp))
            log10_tpp = pt.set_subtensor(log10_tpp[np.flatnonzero(known)], tpp_observed)
            if len(missing):
                imputed = pm.Normal(
                    "tpp_imputed", tpp_a + tpp_b * inp.t[missing], tpp_s, shape=len(missing)
                )
                log10_tpp = pt.set_subtensor(log10_tpp[missing], imputed)
            grid_x, grid_y = mp.law.log10_multiplier_table()
            ref = mp.law.log10_multiplier_at(tok.reference)
            # gamma scales the law's curve so that gamma * log10 m_law(reference) = beta_tok
            gamma = pm.Deterministic("gamma_tokens", joint[-1] / ref)
            effect = effect + gamma * _interp(log10_tpp, grid_x, grid_y)

        # ---------------- drift: yearly slopes, AR(1) around the long-run rate, D(t_ref) = 0
        # The scale is the stationary spread, so a persistence near 1 does not inflate it.
        rho_bar = mp.drift_rate.to_pymc("drift_rate")
        spread = mp.drift_spread.to_pymc("drift_spread")
        phi = mp.drift_persistence.to_pymc("drift_persistence")
        innovation = pm.Deterministic("drift_walk_sd", spread * pt.sqrt(1.0 - phi**2))  # s_y
        if generative:
            eps = pm.Normal("drift_steps", 0.0, 1.0, dims="segment")
            deviations = spread * pt.dot(drift_ar1_matrix(phi, n_seg, pt), eps)
        else:
            per_year = np.bincount(inp.seg_idx[inp.informative], minlength=n_seg)[:n_seg]
            deviations = drift_deviations(per_year >= CENTRED_DRIFT_MIN_MODELS, rho_bar, spread, phi,
                                          innovation)
        rho = pm.Deterministic("drift_slopes", rho_bar + deviations, dims="segment")
        G = drift_knot_offsets(inp.year_knots, inp.ref_seg, inp.t_ref)
        D_knots = pt.dot(G, rho)
        seg = inp.seg_idx
        drift = D_knots[seg] + rho[seg] * (inp.t + inp.t_ref - inp.year_knots[seg])

        # ---------------- organisation and model quality
        org_sd = mp.org_sd.to_pymc("org_sd")
        # sum-to-zero: the common level of all organisations is the drift's and techniques' job
        z_org = pm.ZeroSumNormal("z_org", sigma=1.0, dims="organization")
        alpha_org = pm.Deterministic("org_effect", org_sd * z_org, dims="organization")
        quality_sd = mp.quality_sd.to_pymc("quality_sd")
        mean_theta = pt.as_tensor(inp.log10_params) + effect + drift + alpha_org[inp.org_idx]
        # Parameter expansion in location: the average effect of everything but size,
        # G = mean_j(mean_theta_j - log10 N_j), moves the link midpoints with it, so a common
        # shift of techniques, tokens and drift is one cheap move for the sampler.
        level = pm.Deterministic("level", pt.mean(mean_theta - inp.log10_params))
        # what each model's size, techniques, tokens, date and organisation predict, before its
        # quality term: for the quality-tail check (`forecast.model.quality_check`), not stored
        pm.Deterministic("expected_capability", mean_theta, dims="model")

        # ---------------- benchmark links, on the scale of the reference benchmark
        # The reference benchmark r (MMLU when fitted; prepare_inputs puts it first) defines the
        # scale of the sampler's coordinates: u_j = a_r (theta_j - mu_r) is a model's position
        # in r's link units, and every other benchmark is sampled as
        #     z = a_b (theta - mu_b) = rho_b (u - w_b),   rho_b = a_b / a_r,  w_b = a_r (mu_b - mu_r),
        # with w_b written through its value at the centre of b's data, k_b = rho_b (ubar_b - w_b).
        # The scores then constrain (u, rho, k) only; the common slope a_r, the midpoints and the
        # level move by themselves (parameter expansion in scale and location), which the
        # sampler does cheaply. The files' priors on a_b and mu_b are kept: the Potentials below
        # are their log densities at the implied a_b, mu_b, and the Jacobian of
        # (log rho_b, k_b) -> (a_b, mu_b) is a_b / (a_r rho_b) = 1. Midpoints are known relative
        # to the average level: mu_b = mu_rel_b + G - G0 (G0 = the level at the prior means).
        level0, theta0 = prior_level(inp, mp, per_model=True)
        ref = 0
        slope_d = [mp.link_slope[b] for b in inp.benchmarks]
        mid_d = [mp.link_midpoint[b] for b in inp.benchmarks]
        if generative:
            # the same joint distribution written directly, for prior and prior-predictive
            # draws (the sampler's coordinates below include improper Flat variables)
            slope = _vector_rv("slope", slope_d, "benchmark")
            upper = _upper_ratio(inp, mp, slope, generative=True)
            mid_rel = _vector_rv("midpoint_rel", mid_d, "benchmark")
            mid = pm.Deterministic("midpoint", mid_rel + level - level0, dims="benchmark")
            ceil = _vector_rv("ceiling_loss", [mp.link_ceiling[b] for b in inp.benchmarks], "benchmark")
            theta = pm.Normal("theta", mean_theta, quality_sd, dims="model")
            rho = slope / slope[ref]
            w = slope[ref] * (mid - mid[ref])
            u = slope[ref] * (theta - mid[ref])
        else:
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
                pm.Potential("slope_prior", _sum_logp(slope_d[1:], a_o))
                pm.Potential("midpoint_prior", _sum_logp(mid_d[1:], mu_o - level + level0))
                rho = pt.concatenate([pt.ones(1), rho_o])
                w = pt.concatenate([pt.zeros(1), w_o])
                slope = pt.concatenate([pt.stack([a_r]), a_o])
                mid = pt.concatenate([pt.stack([mu_r]), mu_o])
            else:
                rho, w = pt.ones(1), pt.zeros(1)
                slope, mid = pt.stack([a_r]), pt.stack([mu_r])
            slope = pm.Deterministic("slope", slope, dims="benchmark")
            mid = pm.Deterministic("midpoint", mid, dims="benchmark")
            ceil = _vector_rv("ceiling_loss", [mp.link_ceiling[b] for b in inp.benchmarks], "benchmark")
            upper = _upper_ratio(inp, mp, slope, generative=False)

            # ---------------- per-model capability
            # Where the scores pin a model down its capability is sampled centred in u:
            # u_j ~ N(a_r (mean_theta_j - mu_r), a_r sigma_q), the same prior as
            # theta_j ~ N(mean_theta_j, sigma_q). It is further shifted by where the reference link
            # puts the model's median reference score y_j given the ceiling e_r,
            # g_j(e_r) = F_r^-1((y_j - c_r) / (1 - c_r - e_r)): the sampler works with u_j - g_j(e_r),
            # so a change of the ceiling carries the models near it along (unit Jacobian). Near the
            # chance floor the scores say little and the term is non-centred (a centred one would
            # form a funnel with sigma_q).
            # The shift is clipped to 0.02 <= (y_j - c_r) / (1 - c_r - e_r) <= 0.95: near the ceiling
            # F_r^-1 is steep and the scores there pin u_j only loosely, so carrying such models
            # fully with e_r overshoots (posterior regressions of u_j on e_r gave 0.3-0.6 of dg_j/de_r
            # for the top MMLU models). Shipped fit, 4 x 2000 draws after 400 tuning steps, seed
            # 20230319: bulk ESS of ceiling_loss[mmlu] 404 with the clip at 0.995, 883 at 0.98, 1131
            # at 0.95, 1070 at 0.9; at 0.95 over seeds 20230319, 2, 3 the smallest bulk ESS of any
            # monitored scalar was 968-1038 and max R-hat 1.004-1.007, against 880-918 and
            # 1.004-1.009 at 0.98. The clip changes the coordinates, not the posterior.
            informative = np.flatnonzero(inp.informative)
            floor = np.flatnonzero(~inp.informative)
            u = pt.zeros(J)
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
            theta = pm.Deterministic("theta", mu_r + u / a_r, dims="model")

        # ---------------- observations
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
        # measurement noise (score units) plus a model-by-benchmark deviation of sd tau_b on the
        # logit scale, carried to the score scale by the link's derivative (delta method)
        noise = _vector_rv("noise", [mp.noise_sd] * (2 * B), "benchmark_source").reshape((B, 2))
        pm.Deterministic("noise_sd", noise, dims=("benchmark", "source"))
        tau = _vector_rv("benchmark_spread", [mp.benchmark_spread] * B, "benchmark")
        sd = pt.sqrt(noise[b, inp.obs_source] ** 2 + (tau[b] * span * density) ** 2)
        pm.StudentT("score", nu=5.0, mu=p, sigma=sd, observed=inp.obs_y, dims="obs")

        # ---------------- release process
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
        else:  # the same likelihood, its log-gamma terms once per distinct count
            pm.Potential("release_counts", negative_binomial_logp(
                inp.release_counts, np.log(SIZE_BAND_WIDTH) + log_mu, nb_alpha))

        # ---------------- adoption curves
        if len(inp.adoption_tech):
            intro = np.array(
                [next(s for s in mp.techniques if s.id == k).introduced for k in inp.adoption_tech]
            )
            t50 = pm.Normal("adoption_mid", intro + 2.0 - inp.t_ref, 2.0, dims="adopted")
            speed = pm.LogNormal("adoption_speed", np.log(1.5), 0.6, dims="adopted")
            amax = pm.Beta("adoption_max", 4.0, 1.5, dims="adopted")
            k = inp.adoption_k
            prob = amax[k] * pm.math.sigmoid(speed[k] * (inp.adoption_t - t50[k]))
            pm.Binomial("adoption", n=inp.adoption_n, p=pt.clip(prob, 1e-6, 1 - 1e-6),
                        observed=inp.adoption_u)
    return model


def prior_level(inp: ModelInputs, mp: ModelPriors, per_model: bool = False) -> Any:
    """G0: the average of mean_theta_j - log10 N_j over the fitted models at the prior means
    (techniques, MoE, tokens with missing ratios from a least-squares trend, drift rate).
    With `per_model`, also each model's prior-mean capability mean_theta_j."""
    level = np.zeros(inp.n_models)
    binary = mp.binary
    if binary:
        level += inp.U @ np.array([t.log10_mean for t in binary])
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


def link_stretch(z: Any, upper: Any, xp: Any = np) -> tuple[Any, Any]:
    """(h(z), h'(z)) for h(z) = z + (r - 1) softplus(z): slope 1 below the link's midpoint and r
    (the upper slope ratio) well above it, smoothly in between; h' = 1 + (r - 1) sigmoid(z) > 0.
    `xp` is NumPy or PyTensor's tensor module."""
    if xp is np:
        soft, sig = np.logaddexp(0.0, z), 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z)))
    else:
        soft, sig = xp.softplus(z), xp.sigmoid(z)
    return z + (upper - 1.0) * soft, 1.0 + (upper - 1.0) * sig


def link_cdf(z: Any, gumbel: Any, xp: Any = np, upper: Any = None) -> Any:
    """F(h(z)): logistic where `gumbel` is 0, Gumbel CDF exp(-exp(-z)) where it is 1, with h
    the upper-slope stretch of `link_stretch` (none when `upper` is None)."""
    if upper is not None:
        z = link_stretch(z, upper, xp)[0]
    logistic = 1.0 / (1.0 + xp.exp(-z))
    gumbel_cdf = xp.exp(-xp.exp(-xp.clip(z, -30.0, 700.0)))
    return xp.where(gumbel, gumbel_cdf, logistic)


def link_values(z: Any, gumbel: Any, xp: Any = np, upper: Any = None) -> tuple[Any, Any]:
    """(F(h(z)), d F(h(z)) / dz) from one evaluation of the link: d/dz = F'(h(z)) h'(z) with
    F' = s (1 - s) for the logistic and s exp(-z) for the Gumbel CDF (s = F(h(z)))."""
    dh = 1.0
    if upper is not None:
        z, dh = link_stretch(z, upper, xp)
    s = link_cdf(z, gumbel, xp)
    return s, xp.where(gumbel, s * xp.exp(-xp.clip(z, -30.0, 700.0)), s * (1.0 - s)) * dh


def link_density(z: Any, gumbel: Any, xp: Any = np, upper: Any = None) -> Any:
    """d F(h(z)) / dz alone (`link_values`)."""
    return link_values(z, gumbel, xp, upper)[1]


def link_cdf_density(z: Any, gumbel: np.ndarray, upper: Any = None) -> tuple[Any, Any]:
    """(F(h(z)), d F(h(z)) / dz) for a PyTensor vector z with a fixed 0/1 `gumbel` mask (NumPy)
    and the upper slope ratio `upper` per element (None: no stretch).

    When the Gumbel entries form a prefix (as `prepare_inputs` orders the observations), each
    link is evaluated on its own slice only, with the density from the same exponentials:
    Gumbel F = exp(-e), F' = F e with e = exp(-z); logistic F = sigmoid(z), F' = F (1 - F).
    Otherwise both links are evaluated everywhere and selected (`link_cdf`, `link_density`)."""
    import pytensor.tensor as pt

    dh = 1.0
    if upper is not None:
        z, dh = link_stretch(z, upper, pt)
    n_gumbel = int(np.sum(gumbel))
    if not np.all(gumbel[:n_gumbel]):
        return link_cdf(z, gumbel, pt), link_density(z, gumbel, pt) * dh
    parts_s, parts_d = [], []
    if n_gumbel:
        e = pt.exp(-pt.clip(z[:n_gumbel], -30.0, 700.0))
        s_g = pt.exp(-e)
        parts_s.append(s_g)
        parts_d.append(s_g * e)
    if n_gumbel < len(gumbel):
        s_l = pt.sigmoid(z[n_gumbel:])
        parts_s.append(s_l)
        parts_d.append(s_l * (1.0 - s_l))
    if len(parts_s) == 1:
        return parts_s[0], parts_d[0] * dh
    return pt.concatenate(parts_s), pt.concatenate(parts_d) * dh


def link_inverse(s: np.ndarray, gumbel: np.ndarray | bool, upper: Any = None) -> np.ndarray:
    """z with F(h(z)) = s, for 0 < s < 1 (NumPy): y = F^-1(s) in closed form, then h(z) = y by
    Newton's method from z = y (y <= 0) or y / r (y > 0); h is increasing and convex or concave,
    so the iteration converges monotonically (to 1e-12 in a few steps)."""
    s = np.clip(s, 1e-12, 1 - 1e-12)
    y = np.where(gumbel, -np.log(-np.log(s)), np.log(s / (1 - s)))
    if upper is None:
        return y
    r = np.broadcast_to(np.asarray(upper, dtype=float), np.shape(y))
    z = np.where(y > 0, y / r, y)
    for _ in range(50):
        h, dh = link_stretch(z, r)
        step = (h - y) / dh
        z = z - step
        if np.all(np.abs(step) <= 1e-12 * (1.0 + np.abs(z))):
            break
    return z


def _upper_ratio(inp: ModelInputs, mp: ModelPriors, slope: Any, generative: bool) -> Any:
    """The links' upper slope ratios r_b (B,), or None when no benchmark has a prior for one
    (plain links). A benchmark without a prior keeps r_b = 1; a fixed prior (`value` in the
    file) makes r_b a constant, a choice of link shape like the Gumbel or logistic family.

    A prior distribution makes r_b a parameter. The generative form draws it directly; for
    sampling, the scores above the midpoint pin down the slope there, a_b r_b, better than r_b
    (r_b and a_b trade off), so the sampler works with log(a_b r_b) (a Flat variable) and the prior
    of r_b enters as a Potential, log p_r(r_b) + log r_b, the second term the Jacobian of
    log(a_b r_b) -> r_b at fixed a_b."""
    import pymc as pm
    import pytensor.tensor as pt

    has = [k for k, b in enumerate(inp.benchmarks) if mp.link_upper.get(b) is not None]
    if not has:
        return None
    r = np.ones(len(inp.benchmarks))
    free, dists = [], []
    for k in has:
        d = mp.link_upper[inp.benchmarks[k]]
        if d.distribution == "fixed":
            r[k] = float(d.median)
        else:
            free.append(k)
            dists.append(d)
    ratio = pt.as_tensor(r)
    if free:
        if generative:
            parts = [d.to_pymc(f"upper_slope_ratio_{inp.benchmarks[k]}") for k, d in zip(free, dists)]
            r_free = pt.stack(parts)
        else:
            log_upper = pm.Flat("log_upper_slope", shape=len(free))
            r_free = pt.exp(log_upper) / slope[free]
            pm.Potential("upper_slope_prior", _sum_logp(dists, r_free) + pt.log(r_free).sum())
        ratio = pt.set_subtensor(ratio[free], r_free)
    return pm.Deterministic("upper_slope_ratio", ratio, dims="benchmark")


def _sum_logp(dists: list[Any], values: Any) -> Any:
    """Sum of each prior's log density at the matching element of `values` (a PyMC tensor)."""
    import pytensor.tensor as pt

    return pt.sum(pt.stack([_logp(d, values[i]) for i, d in enumerate(dists)]))


def _logp(dist: Any, value: Any) -> Any:
    import pymc as pm

    family = {"lognormal": pm.LogNormal, "normal": pm.Normal, "halfnormal": pm.HalfNormal,
              "gamma": pm.Gamma, "beta": pm.Beta, "inversegamma": pm.InverseGamma,
              "weibull": pm.Weibull, "exponential": pm.Exponential}[dist.distribution]
    return pm.logp(family.dist(**dict(dist.params)), value)


def _vector_rv(name: str, dists: list[Any], dims: str) -> Any:
    """One vector random variable over `dims` from per-element priors of one family.

    Elements whose priors differ in family are stacked from scalar variables instead.
    """
    import dataclasses

    import pytensor.tensor as pt

    families = {d.distribution for d in dists}
    if len(families) == 1 and "fixed" not in families:
        stacked = {k: np.array([d.params[k] for d in dists]) for k in dists[0].params}
        return dataclasses.replace(dists[0], params=stacked).to_pymc(name, dims=dims)
    import pymc as pm

    parts = [d.to_pymc(f"{name}_{i}") for i, d in enumerate(dists)]
    return pm.Deterministic(name, pt.stack(parts), dims=dims)


def _interp(x: Any, grid_x: np.ndarray, grid_y: np.ndarray) -> Any:
    """Piecewise-linear interpolation of (grid_x, grid_y) at tensor x, clamped at both ends."""
    import pytensor.tensor as pt

    step = float(grid_x[1] - grid_x[0])
    pos = pt.clip((x - grid_x[0]) / step, 0.0, len(grid_x) - 1.000001)
    idx = pt.cast(pt.floor(pos), "int64")
    w = pos - idx
    gy = pt.as_tensor(grid_y)
    return gy[idx] * (1.0 - w) + gy[idx + 1] * w


# The sampler's own coordinates (improper Flat variables of the reparameterised form): their
# scale means nothing, so they are neither monitored nor stored with the posterior.
SAMPLER_COORDINATES = ("drift_coords", "capability_shifted", "link_at_centre", "log_slope_ratio",
                       "log_upper_slope")


# variables whose convergence is checked (named parameters + per-model capability)
def monitored_vars(model: Any) -> list[str]:
    names = [v.name for v in model.free_RVs]
    hidden = ("drift_steps", *SAMPLER_COORDINATES)
    names = [n for n in names if not n.startswith("z_") and n not in hidden]
    for det in ("beta", "gamma_tokens", "kappa", "drift_slopes", "org_effect", "theta", "protocol_effect",
                "slope", "midpoint", "ceiling_loss", "upper_slope_ratio", "level"):
        if det in model.named_vars and det not in names:
            names.append(det)
    return names
