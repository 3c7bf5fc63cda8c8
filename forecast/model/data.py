"""The model's data: the registry rows known at a date, turned into the arrays of `ModelInputs`.

`prepare_inputs` selects the models and scores a fit as of a date sees, and lays out what the
model of `forecast.model.graph` reads: per model (size, techniques, tokens, organisation, drift
segment), per score (benchmark, protocol group, source), the monthly release counts per size
band and the adoption counts per technique and month.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from forecast.core.errors import UserError
from forecast.inputs.dates import decimal_year, year_to_date
from forecast.model.priors import ModelPriors, TechniqueSpec

SIZE_BAND_LO = 8.0  # log10 params of the lowest release-size band
SIZE_BAND_WIDTH = 0.5
SIZE_BANDS = 9  # 1e8 .. 3e12 parameters
RELEASE_WINDOW_YEARS = 4.0
REPORT_WINDOW_YEARS = 1.0  # the census's last year, whose releases' reporting shares are counted
INFORMATIVE_MARGIN = 0.1  # a score this far above chance makes a model's theta well informed


@dataclass
class ModelInputs:
    """Arrays the PyMC model is built from, with their coordinates."""

    as_of: date  # the date the rows were selected at (a later one over the same rows fits the same)
    data_end: date  # the last scored release with a parameter count by `as_of` (overlay aside)
    t_ref: float
    model_ids: np.ndarray
    organizations: np.ndarray
    log10_params: np.ndarray
    t: np.ndarray  # release time, years since t_ref
    techniques: list[str]  # binary technique ids (columns of U)
    U: np.ndarray  # (J, K) 0/1 use of binary techniques, 0 where unknown
    U_unknown: np.ndarray  # (J, K) bool: the indicator is unknown (imputed in the graph)
    U_adoption: np.ndarray  # (K,) each binary technique's position in `adoption_tech`
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
    release_counts: np.ndarray  # (M, Q) census releases (scored or not)
    report_n: int  # census releases in the last REPORT_WINDOW_YEARS
    report_k: np.ndarray  # (B,) of which with a score on each benchmark
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
        """The number of fitted models J."""
        return len(self.model_ids)

    def coords(self) -> dict[str, Any]:
        """The PyMC model's coordinates (dimension name -> labels)."""
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
    `min_models_per_benchmark` scored models. Technique indicators that are unknown are marked
    in `ModelInputs.U_unknown` (their number per indicator in `dropped`): the graph replaces
    them by the fitted adoption of the technique at the model's release date
    (`forecast.model.graph`). A model whose ``moe`` is unknown counts as a mixture of experts
    when its active parameters are fewer than its total.

    Parameters
    ----------
    models, scores, benchmarks : pandas.DataFrame
        The registry's tables (`forecast.inputs.registry.Registry`).
    priors : ModelPriors
        The numeric priors (techniques and link families are read from them).
    as_of : datetime.date
        The fit's date: nothing released later is seen.
    min_models_per_benchmark : int, default 12
        A benchmark is fitted when at least this many usable models have a score on it.
    benchmark_set : list of str, optional
        Fit only these benchmarks (of those with enough models); MMLU always comes first.

    Returns
    -------
    ModelInputs

    Raises
    ------
    UserError
        When no benchmark has enough scored models by `as_of`.
    """
    as_of_year = decimal_year(as_of)
    known = models[(models["release_year"] <= as_of_year)].copy()
    usable, sc, keep_bench = _fitted_scores(known, scores, as_of, min_models_per_benchmark,
                                            benchmark_set)
    fit_ids = sorted(sc["model_id"].unique())
    fm = usable.loc[fit_ids]
    dropped: dict[str, int] = {
        "models_without_params": int((~(known["params_total"] > 0)).sum()),
        "scores_on_sparse_benchmarks": int(
            scores["model_id"].isin(fit_ids).sum() - len(sc)
        ),
    }
    release_year = fm["release_year"].to_numpy(float)
    t_ref = float(np.round(release_year.mean(), 2))
    return ModelInputs(
        as_of=as_of,
        t_ref=t_ref,
        model_ids=np.array(fit_ids),
        t=release_year - t_ref,
        dropped=dropped,
        **_model_columns(fm, priors.binary, dropped),
        **_drift_segments(release_year, _data_end_year(known, scores), t_ref),
        **_observations(sc, keep_bench, fit_ids, benchmarks, priors),
        **_release_process(known, scores, keep_bench, t_ref),
        **_adoption_cells(known, priors.techniques, priors.binary, t_ref),
    )


def _fitted_scores(known: pd.DataFrame, scores: pd.DataFrame, as_of: date, min_models: int,
                   benchmark_set: list[str] | None) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """(models with a parameter count, by id; their scores on the fitted benchmarks; the fitted
    benchmarks, MMLU first) among the `known` models."""
    sc = scores[scores["model_id"].isin(known["model_id"])].copy()
    usable = known[(known["params_total"] > 0)].set_index("model_id")
    sc = sc[sc["model_id"].isin(usable.index)]
    per_bench = sc.groupby("benchmark")["model_id"].nunique()
    keep_bench = sorted(per_bench[per_bench >= min_models].index)
    if benchmark_set is not None:
        keep_bench = [b for b in keep_bench if b in benchmark_set]
    if "mmlu" in keep_bench:  # MMLU first: it anchors the headline targets
        keep_bench = ["mmlu"] + [b for b in keep_bench if b != "mmlu"]
    if not keep_bench:
        raise UserError(
            f"no benchmark has scores for {min_models} or more models released by "
            f"{as_of.isoformat()}; nothing to fit",
            key="as_of",
        )
    return usable, sc[sc["benchmark"].isin(keep_bench)], keep_bench


def _model_columns(fm: pd.DataFrame, binary: list[TechniqueSpec], dropped: dict[str, int]
                   ) -> dict[str, Any]:
    """The per-model arrays of the fitted models `fm`: size, binary technique use, MoE sparsity,
    tokens per parameter and organisation. Counts each binary indicator's unknown entries (taken
    as not used) in `dropped`."""
    J = len(fm)
    U = np.zeros((J, len(binary)))
    unknown = np.zeros((J, len(binary)), bool)
    for k, spec in enumerate(binary):
        col = fm[spec.indicator].to_numpy(float) if spec.indicator in fm else np.full(J, np.nan)
        dropped[f"unknown_{spec.indicator}"] = int(np.isnan(col).sum())
        unknown[:, k] = np.isnan(col)
        U[:, k] = np.nan_to_num(col, nan=0.0)

    params = fm["params_total"].to_numpy(float)
    active = fm["params_active"].to_numpy(float) if "params_active" in fm else params
    moe_flag = fm["moe"].to_numpy(float) if "moe" in fm else np.zeros(J)
    is_moe = (moe_flag > 0) | (np.isnan(moe_flag) & (active > 0) & (active < params))
    sparsity = np.where(is_moe & (active > 0) & (active < params), params / active, 1.0)
    tokens = fm["training_tokens"].to_numpy(float) if "training_tokens" in fm else np.full(J, np.nan)
    tpp = np.where(tokens > 0, tokens / params, np.nan)

    orgs = fm["organization"].fillna("unknown").astype(str).to_numpy()
    org_levels = sorted(set(orgs))
    return {
        "organizations": orgs,
        "log10_params": np.log10(params),
        "techniques": [s.id for s in binary],
        "U": U,
        "U_unknown": unknown,
        "log10_sparsity": np.log10(sparsity),
        "log10_tpp": np.log10(tpp),
        "org_idx": np.array([org_levels.index(o) for o in orgs]),
    }


def _drift_segments(release_year: np.ndarray, data_end_year: float, t_ref: float) -> dict[str, Any]:
    """The calendar years bounding the drift's yearly segments (from the first release's year to
    the one after the data's end), each model's segment and the segment of `t_ref`.

    They end after the data's end, not after the as-of date: a segment past the data would hold
    only its prior, and a later as-of date over the same data must give the same model."""
    y_lo = int(np.floor(release_year.min()))
    y_hi = int(np.floor(max(data_end_year, release_year.max()))) + 1
    year_knots = np.arange(y_lo, y_hi + 1, dtype=float)
    return {
        "year_knots": year_knots,
        "seg_idx": np.clip(np.floor(release_year).astype(int) - y_lo, 0, len(year_knots) - 2),
        "ref_seg": int(np.clip(np.floor(t_ref) - y_lo, 0, len(year_knots) - 2)),
    }


def _shots_bucket(shots: float) -> str:
    if pd.isna(shots):
        return "shots?"
    return "0-shot" if int(shots) == 0 else "few-shot"


def _observations(sc: pd.DataFrame, keep_bench: list[str], fit_ids: list[str],
                  benchmarks: pd.DataFrame, priors: ModelPriors) -> dict[str, Any]:
    """The score arrays: benchmarks and their chance floors and link families, each score's
    model, benchmark, protocol group and source, the protocol groups, which models score well
    above chance somewhere (`INFORMATIVE_MARGIN`) and each model's median reference score.

    A protocol group is a benchmark's (protocol, source, chain of thought, shots) combination;
    each benchmark's most common one is its reference (group -1)."""
    bench_idx = {b: i for i, b in enumerate(keep_bench)}
    model_pos = {mid: i for i, mid in enumerate(fit_ids)}
    # observations on Gumbel-link benchmarks first: the model evaluates each link on its own
    # contiguous slice (`forecast.model.links.link_cdf_density`)
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
    chance_map = benchmarks.set_index("benchmark")["chance"].astype(float).to_dict()
    chance = np.array([chance_map.get(b, 0.0) for b in keep_bench])

    y = sc["score"].to_numpy(float)
    above = y - chance[[bench_idx[b] for b in sc["benchmark"]]]
    informative = np.zeros(len(fit_ids), bool)
    informative[[model_pos[x] for x in sc.loc[above > INFORMATIVE_MARGIN, "model_id"]]] = True
    return {
        "benchmarks": keep_bench,
        "chance": chance,
        "link_family": [priors.link_family.get(x, "logistic") for x in keep_bench],
        "obs_model": np.array([model_pos[x] for x in sc["model_id"]]),
        "obs_bench": np.array([bench_idx[b] for b in sc["benchmark"]]),
        "obs_group": np.array([group_pos.get(k, -1) for k in key]),
        "obs_source": (sc["source"] == "self_reported").to_numpy(int),
        "obs_y": sc["score"].to_numpy(float),
        "groups": groups,
        "group_bench": np.array([bench_idx[g.split("|")[0]] for g in groups], dtype=int),
        "informative": informative,
        "ref_score": (sc[sc["benchmark"] == keep_bench[0]].groupby("model_id")["score"].median()
                      .reindex(fit_ids).to_numpy(float)),
    }


def _scored_releases(known: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """The `known` models with a parameter count and a score on some benchmark."""
    return known[known["model_id"].isin(scores["model_id"].unique()) & (known["params_total"] > 0)]


def _data_end_year(known: pd.DataFrame, scores: pd.DataFrame) -> float:
    """The data's end as a decimal year: the last release among the scored `known` models with a
    parameter count (`ModelInputs.data_end`)."""
    return float(_scored_releases(known, scores)["release_year"].max())


def _release_process(known: pd.DataFrame, scores: pd.DataFrame, benchmarks: list[str],
                     t_ref: float) -> dict[str, Any]:
    """The release census per month and size band over the `RELEASE_WINDOW_YEARS` up to the
    data's end, with the months' mid-points and the bands' centres; and, per fitted benchmark,
    how many of the census's releases in the last `REPORT_WINDOW_YEARS` have a score on it.

    The census is every `known` release with a parameter count, scored or not: the rate of
    releases is a fact about releases, and whether a release reports a given benchmark is
    another, counted apart (`report_n` releases, `report_k` of them with a score on each
    benchmark by the as-of date). A benchmark's reporting falls as newer ones replace it, and
    counting only the releases that report one would read that as fewer releases.

    The data's end is the last release among the `known` models (those released by the as-of
    date) with a parameter count and a score, not the as-of date: months between the last
    scored release and the as-of date would read as months without releases, and a later as-of
    date over the same data must give the same fit (docs/decisions/fit-key-what-the-fit-saw.md).

    The user's overlay models (the ``overlay`` column) are left out of the counts and of the
    window's end: they are the releases a user chose to add, not a census of releases, so the
    months between the registry's end and a late addition must not read as months without
    releases; the data's end (`ModelInputs.data_end`, where projections start) is the census's.
    Their scores still inform the capability model and the drift's segments reach them."""
    census = known[~known["overlay"].astype(bool)] if "overlay" in known else known
    if _scored_releases(census, scores).empty:
        census = known
    data_end_year = _data_end_year(census, scores)
    dated = census[(census["params_total"] > 0) & (census["release_year"] <= data_end_year)]
    start = data_end_year - RELEASE_WINDOW_YEARS
    n_months = int(np.floor((data_end_year - start) * 12))
    edges = data_end_year - (np.arange(n_months, -1, -1) / 12.0)
    x_edges = SIZE_BAND_LO + SIZE_BAND_WIDTH * np.arange(SIZE_BANDS + 1)
    counts, _, _ = np.histogram2d(
        dated["release_year"].to_numpy(float),
        np.log10(dated["params_total"].to_numpy(float)),
        bins=[edges, x_edges],
    )
    recent = dated[dated["release_year"] > data_end_year - REPORT_WINDOW_YEARS]["model_id"]
    reported = scores[scores["model_id"].isin(recent)].groupby("benchmark")["model_id"].nunique()
    return {
        "data_end": year_to_date(data_end_year),
        "release_t": 0.5 * (edges[:-1] + edges[1:]) - t_ref,
        "release_x": 0.5 * (x_edges[:-1] + x_edges[1:]),
        "release_counts": counts,
        "report_n": int(len(recent)),
        "report_k": reported.reindex(benchmarks, fill_value=0).to_numpy(int),
    }


def _adoption_cells(known: pd.DataFrame, techniques: list[TechniqueSpec],
                    binary: list[TechniqueSpec], t_ref: float) -> dict[str, Any]:
    """Per (technique, release month) cell from 2018 on, the releases with a known indicator and
    those that used the technique, for every technique with a registry indicator (binary, MoE
    and quantization); and each of the `binary` techniques' position among them (whose
    adoption curve imputes its unknown indicators)."""
    adopt_specs = [s for s in techniques if s.kind in ("binary", "moe", "memory")]
    ak, at, an, au = [], [], [], []
    for k, spec in enumerate(adopt_specs):
        if spec.indicator not in known:
            continue
        sub = known[(known["release_year"] >= 2018.0) & known[spec.indicator].notna()]
        month = (np.floor(sub["release_year"].to_numpy(float) * 12.0) + 0.5) / 12.0
        cells = pd.DataFrame({"month": month, "used": sub[spec.indicator].to_numpy(float)})
        cells = cells.groupby("month")["used"].agg(["size", "sum"])
        ak.append(np.full(len(cells), k))
        at.append(cells.index.to_numpy(float) - t_ref)
        an.append(cells["size"].to_numpy(float))
        au.append(cells["sum"].to_numpy(float))
    adoption_ids = [s.id for s in adopt_specs]
    return {
        "U_adoption": np.array([adoption_ids.index(s.id) for s in binary], dtype=int),
        "adoption_tech": adoption_ids,
        "adoption_k": np.concatenate(ak) if ak else np.zeros(0, int),
        "adoption_t": np.concatenate(at) if at else np.zeros(0),
        "adoption_n": np.concatenate(an) if an else np.zeros(0),
        "adoption_u": np.concatenate(au) if au else np.zeros(0),
    }
