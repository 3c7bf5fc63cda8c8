"""The report's numbers, gathered from the engine into plain DataFrames and dicts.

Nothing here draws or lays out; `forecast.report.figures` draws these tables and
`forecast.report.render` lays them out. Units: capabilities and technique effects in log10
baseline-equivalent parameters (a multiplier m appears as log10 m), sizes as parameter counts,
times as decimal years where a column says `year` and as `datetime.date` otherwise.

Default targets (scores on MMLU 5-shot):
* GPT-3 175B level: the fitted latent capability of GPT-3 175B (`model:gpt-3-175b`), whose
  MMLU few-shot score was 43.9% (Hendrycks et al. 2021, arXiv:2009.03300, Table 1);
* GPT-3.5 level: MMLU 0.70, and GPT-4 level: MMLU 0.864 (OpenAI 2023, arXiv:2303.08774,
  Table 2: 70.0% and 86.4%);
* a second benchmark: MMLU-Pro 0.60 (Wang et al. 2024, arXiv:2406.01574, Table 2: GPT-4o 72.6%,
  Llama-3-70B-Instruct 56.2%).
"""

from __future__ import annotations

import importlib.metadata as md
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from forecast.core.errors import UserError
from forecast.core.paths import default_data_dir, default_priors_dir
from forecast.inputs.dates import decimal_year, year_to_date
from forecast.model.diagnostics import EBFMI_MIN, ESS_MIN, RHAT_MAX, STEPS_GOAL
from forecast.model.links import link_cdf
from forecast.projection.frontier import smallest_size
from forecast.projection.posterior import drift_at
from forecast.projection.question import Budget, required_theta
from forecast.projection.shared_futures import Projector, subset_future_draws, thin_indices
from forecast.api.targets import format_count, make_budget
from forecast.evaluation.summary import summarise

# --------------------------------------------------------------------------------- questions


@dataclass(frozen=True)
class TargetSpec:
    """A target as the engine parses it (`spec`) and as the report names it (`label`)."""

    spec: str
    label: str


@dataclass(frozen=True)
class BudgetSpec:
    """A budget as written on the command line and as `make_budget` keywords."""

    text: str
    params: str | None = None
    active_params: str | None = None
    memory: str | None = None
    bits: float | None = None

    @property
    def budget(self) -> Budget:
        return make_budget(self.params, self.active_params, self.memory, self.bits)

    @property
    def label(self) -> str:
        b = self.budget
        if b.axis == "memory_bytes":
            return f"{b.value / 2**30:.3g} GiB @ {b.bits:g}-bit"
        return f"{format_count(b.value)} {'active' if b.axis == 'params_active' else 'params'}"


DEFAULT_TARGETS: tuple[TargetSpec, ...] = (
    TargetSpec("model:gpt-3-175b", "GPT-3 175B level"),
    TargetSpec("mmlu=0.70", "GPT-3.5 level (MMLU 0.70)"),
    TargetSpec("mmlu=0.864", "GPT-4 level (MMLU 0.864)"),
    TargetSpec("mmlu_pro=0.60", "MMLU-Pro 0.60"),
)
DEFAULT_BUDGETS: tuple[str, ...] = ("0.5B", "1B", "3B", "7B", "memory=4GiB,bits=4")
HORIZON = date(2040, 1, 1)


def default_targets(engine: Any) -> tuple[list[TargetSpec], list[str]]:
    """The default targets this fit can answer, and the reasons for those it cannot (a benchmark
    not fitted at an early as-of date, a model not in the fit)."""
    kept, dropped = [], []
    for t in DEFAULT_TARGETS:
        try:
            engine.target(t.spec)
        except UserError as exc:
            dropped.append(f"{t.label} ({exc})")
        else:
            kept.append(t)
    if not kept:
        raise UserError("none of the default targets can be answered by this fit; give --targets",
                        key="targets")
    return kept, dropped


def target_spec(text: str) -> TargetSpec:
    """A user's target: the default label when it is a default target, else the text itself."""
    text = str(text).strip()
    for t in DEFAULT_TARGETS:
        if t.spec == text.lower():
            return t
    return TargetSpec(text, text)


def parse_budget(text: str) -> BudgetSpec:
    """`7B` or `params=7B` (total parameters), `active=7B` (active parameters, MoE),
    `memory=4GiB,bits=4` or `4GiB@4` (weight memory at a precision in bits).

    Raises `UserError` (key `budgets`) on anything else; sizes are checked by `make_budget`.
    """
    raw = str(text).strip()
    low = raw.lower().replace(" ", "")
    try:
        if "@" in low:
            mem, bits = low.split("@", 1)
            spec = BudgetSpec(raw, memory=mem, bits=float(bits.removesuffix("bit").removesuffix("bits")))
        elif "=" in low:
            parts = dict(p.split("=", 1) for p in low.split(",") if p)
            keys = set(parts)
            if keys == {"params"}:
                spec = BudgetSpec(raw, params=parts["params"])
            elif keys in ({"active"}, {"active_params"}):
                spec = BudgetSpec(raw, active_params=parts.get("active", parts.get("active_params")))
            elif keys == {"memory", "bits"}:
                spec = BudgetSpec(raw, memory=parts["memory"], bits=float(parts["bits"]))
            else:
                raise ValueError
        else:
            spec = BudgetSpec(raw, params=low)
    except ValueError:
        raise UserError(f"'{raw}' is not a budget (e.g. 7B, active=7B, memory=4GiB,bits=4)",
                        key="budgets") from None
    spec.budget  # validates sizes and bits  # noqa: B018
    return spec


# --------------------------------------------------------------------------------- headline


def next_years(as_of: date) -> tuple[date, date]:
    """The start of the year after the as-of date, and of the year after that."""
    return date(as_of.year + 1, 1, 1), date(as_of.year + 2, 1, 1)


def headline(engine: Any, targets: list[TargetSpec], budgets: list[BudgetSpec],
             projector: Projector) -> pd.DataFrame:
    """One row per (target, budget): the `when` answer on the projector's draws.

    Columns: target, target_label, budget, budget_label, median, q10, q90 (dates, None = not
    before the horizon), p_next, p_next2 (probability reached by the start of the next year and
    the one after), p_never (not before the horizon), median_se_days (Monte Carlo standard error
    of the median: sqrt(1/4 / n) / f(median) with n the number of posterior draws, not paths, and
    the density f from the 40-60% quantile spacing; NaN when reached or past the horizon),
    reached_by, reached_date, reached_params, judged_by (how the registry shows it reached),
    data_end (the registry's data end on the target, ISO), p_may (the probability it was first met
    after that data end and by the as-of date: it may already have happened, not in the registry)
    and stale (the `forecast.api.results.stale_data` note's text, or None).
    """
    rows = []
    y1, y2 = next_years(engine.as_of)
    for t in targets:
        for b in budgets:
            r = engine.when(t.spec, params=b.params, active_params=b.active_params, memory=b.memory,
                            bits=b.bits, futures=projector)
            q = r.quantiles
            reached = r.already_reached_by or {}
            rows.append({
                "target": t.spec, "target_label": t.label, "budget": b.text, "budget_label": b.label,
                "median": q["0.5"], "q10": q["0.1"], "q90": q["0.9"],
                "p_next": r.p_by(y1), "p_next2": r.p_by(y2), "p_never": r.p_not_before_horizon,
                "median_se_days": median_se_days(r.samples, projector.draws.n) if r.already_reached_by is None
                else float("nan"),
                "reached_by": reached.get("name"), "reached_date": reached.get("date"),
                "reached_params": reached.get("params_total"), "judged_by": reached.get("judged_by"),
                "data_end": (r.target_data_end or r.start).isoformat(), "p_may": r.p_may_have_happened,
                "stale": r.stale_data["note"] if r.stale_data else None,
            })
    return pd.DataFrame(rows)


def median_se_days(samples: np.ndarray, n_draws: int) -> float:
    """Monte Carlo standard error of the sample median in days (see `headline`)."""
    q40, q50, q60 = np.quantile(samples, [0.4, 0.5, 0.6])
    if not np.isfinite(q60) or q60 <= q40:
        return float("nan")
    return float(np.sqrt(0.25 / n_draws) * (q60 - q40) / 0.2 * 365.25)


# --------------------------------------------------------------------------------- fan chart


FAN_LEVELS = (0.025, 0.1, 0.25, 0.5, 0.75, 0.9, 0.975)


def fan_dates(engine: Any, years_ahead: int = 6) -> list[date]:
    """Quarter starts from the quarter after the data's end to `years_ahead` years after the
    as-of year."""
    start = pd.Timestamp(year_to_date(engine.posterior_draws.data_end))
    first = (start + pd.offsets.QuarterBegin(startingMonth=1)).normalize()
    last = pd.Timestamp(engine.as_of.year + years_ahead, 1, 1)
    return [d.date() for d in pd.date_range(first, last, freq="QS")]


def fan(engine: Any, target: str, dates: list[date], max_draws: int | None = 1000) -> pd.DataFrame:
    """Quantiles (`FAN_LEVELS`) of log10 of the smallest parameter count meeting `target` by each
    date, as `Engine.size` computes them (one future per draw) on at most `max_draws` draws.
    +inf = larger than the size grid (10^12.5)."""
    draws = engine.posterior_draws
    eng = engine.future_draws()
    idx = thin_indices(draws.n, max_draws)
    if len(idx) < draws.n:
        draws, eng = draws.subset(idx), subset_future_draws(eng, idx)
    tgt = engine.target(target)
    years = np.array([decimal_year(d) for d in dates])
    horizon = max(max(dates), HORIZON)
    sizes = smallest_size(draws, eng, tgt, years, engine.projection_settings(horizon, paths_per_draw=1))
    out = pd.DataFrame({"date": dates, "year": years})
    for q in FAN_LEVELS:
        out[f"q{q:g}"] = np.quantile(sizes, q, axis=0, method="inverted_cdf")
    out.attrs["draws"] = int(draws.n)
    return out


def meeting_models(engine: Any, target: str) -> pd.DataFrame:
    """Registry models released by the as-of date that meet `target`, judged as `Engine.when`
    judges "already reached": by the median of a model's reported scores on each benchmark of a
    score target, by the posterior-median capability against the median required capability for
    a model target. Columns: model_id, name, date, year, params, record (a new smallest size
    among the models meeting the target released up to that date)."""
    reg = engine.registry.as_of(engine.as_of)
    models = reg.models.set_index("model_id")
    models = models[models["params_total"] > 0]
    tgt = engine.target(target)
    if tgt.model_id is not None or tgt.inferred:
        d = engine.posterior_draws
        if d.theta is None:
            return _meeting_frame(models.iloc[:0])
        theta = pd.Series(np.median(d.theta, axis=0), index=d.model_ids)
        need = float(np.median(required_theta(d, tgt)[0]))
        ok = [m for m in theta.index[theta >= need] if m in models.index]
    else:
        per = reg.scores.groupby(["model_id", "benchmark"])["score"].median().unstack()
        mask = pd.Series(True, index=per.index)
        for bench, y in tgt.thresholds:
            col = per[bench] if bench in per else pd.Series(np.nan, index=per.index)
            mask &= col >= y
        ok = [m for m in per.index[mask] if m in models.index]
    return _meeting_frame(models.loc[ok])


def _meeting_frame(models: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({
        "model_id": models.index.astype(str),
        "name": models["name"].astype(str).to_numpy() if len(models) else [],
        "date": pd.to_datetime(models["release_date"]).dt.date.to_numpy() if len(models) else [],
        "params": models["params_total"].astype(float).to_numpy() if len(models) else [],
    })
    out["year"] = [decimal_year(d) for d in out["date"]]
    out = out.sort_values(["year", "params"]).reset_index(drop=True)
    running = np.minimum.accumulate(out["params"].to_numpy()) if len(out) else np.zeros(0)
    prev = np.concatenate([[np.inf], running[:-1]]) if len(out) else np.zeros(0)
    out["record"] = out["params"].to_numpy() < prev
    return out


# --------------------------------------------------------------------------------- capability


def drift_level(engine: Any, year: float) -> np.ndarray:
    """D(year) per posterior draw (log10 params; D(t_ref) = 0), from the fitted yearly slopes
    (beyond the last fitted year, their expected path back to the long-run rate)."""
    fit = engine.fit()
    slopes = fit.posterior["drift_slopes"].stack(sample=("chain", "draw")).transpose("sample", "segment")
    knots = fit.inputs["year_knots"].values.astype(float)
    d = engine.posterior_draws
    level, _ = drift_at(knots, np.asarray(slopes.values, dtype=float), d.t_ref, year,
                        d.drift_long_run, d.drift_persistence,
                        d.drift_walk_sd if d.drift_log else None)
    return level


def adoption_at(draws: Any, tech: str, year: float | np.ndarray) -> np.ndarray:
    """A_k(year) = max_k logistic(speed_k (year - t_ref - mid_k)) per draw, shape (n, len(year))."""
    a = draws.adoption_tech.index(tech)
    t = np.atleast_1d(np.asarray(year, dtype=float))[None, :]
    x = draws.adoption_speed[:, a, None] * (t - draws.t_ref - draws.adoption_mid[:, a, None])
    return draws.adoption_max[:, a, None] * 0.5 * (1.0 + np.tanh(0.5 * x))


def tokens_effect(draws: Any, year: float) -> np.ndarray:
    """E[gamma f(log10 r)] per draw for a model released at `year`: f is the Chinchilla-law
    log10 parameter multiplier of training at r tokens per parameter (1 at 20), and
    log10 r ~ N(a_r + b_r (year - t_ref), s_r) the fitted trend (9-node Gauss-Hermite), with
    the law the fit used (`draws.token_law`)."""
    if draws.gamma is None:
        return np.zeros(draws.n)
    gx, gy = draws.token_law.log10_multiplier_table()
    nodes, weights = np.polynomial.hermite_e.hermegauss(9)
    weights = weights / weights.sum()
    mu = draws.tpp_intercept + draws.tpp_trend * (year - draws.t_ref)
    f = sum(w * np.interp(mu + z * draws.tpp_sd, gx, gy) for z, w in zip(nodes, weights))
    return draws.gamma * f


def capability_components(engine: Any, year: float, names: dict[str, str] | None = None) -> dict[str, np.ndarray]:
    """The mean capability of a model released at `year` minus its log10 size, by component
    (per draw, log10 params, total-parameter axis, quality terms at their mean 0):

        technique k:  A_k(year) beta_k   (A = 1 for techniques without an adoption curve)
        MoE:          A_moe(year) (kappa - 1) log10 s   (s: typical sparsity of recent MoE)
        tokens:       E[gamma f(log10 r)]
        drift:        D(year)

    These are the terms of the projection's mean (`forecast.projection.simulator.simulate_paths`) without
    the drift slope's noise and future techniques. Keys are technique ids (or `names[id]`), plus
    "mixture_of_experts", "overtraining" and "drift".
    """
    d = engine.posterior_draws
    names = names or {}
    out: dict[str, np.ndarray] = {}
    for k, tech in enumerate(d.techniques):
        a = adoption_at(d, tech, year)[:, 0] if tech in d.adoption_tech else 1.0
        out[names.get(tech, tech)] = a * d.beta[:, k]
    if d.kappa is not None and "mixture_of_experts" in d.adoption_tech:
        a = adoption_at(d, "mixture_of_experts", year)[:, 0]
        out[names.get("mixture_of_experts", "mixture_of_experts")] = a * (d.kappa - 1.0) * np.log10(d.moe_sparsity)
    if d.gamma is not None:
        out[names.get("overtraining", "overtraining")] = tokens_effect(d, year)
    out["drift"] = drift_level(engine, year)
    return out


def score_of(draws: Any, benchmark: str, theta: np.ndarray) -> np.ndarray:
    """Benchmark score c + (1 - c - e) F(h(a (theta - mu))) per draw for capabilities `theta`
    (n, m); the reference protocol (no protocol effect), no measurement noise."""
    b = draws.benchmark_index(benchmark)
    c = draws.chance[b]
    z = draws.slope[:, b, None] * (theta - draws.midpoint[:, b, None])
    r = draws.upper(b)
    return c + (1.0 - c - draws.ceiling_loss[:, b, None]) * link_cdf(
        z, draws.gumbel[b], upper=None if r is None else r[:, None])


def tilting_curves(engine: Any, years: list[int], benchmark: str = "mmlu",
                   log10_grid: np.ndarray | None = None) -> pd.DataFrame:
    """For each year y: the posterior-median score on `benchmark` of a model of size N released
    at y + 0.5 with that year's technique adoption, tokens-per-parameter trend and drift, and
    average quality (`capability_components` summed, plus log10 N), through the fitted link.
    Columns: year, log10_params, score (median over draws), score_lo, score_hi (10%, 90%)."""
    grid = np.linspace(8.0, 12.3, 87) if log10_grid is None else np.asarray(log10_grid, float)
    d = engine.posterior_draws
    rows = []
    for y in years:
        offset = sum(capability_components(engine, y + 0.5).values())
        s = score_of(d, benchmark, grid[None, :] + offset[:, None])
        lo, med, hi = np.quantile(s, [0.1, 0.5, 0.9], axis=0)
        rows.append(pd.DataFrame({"year": y, "log10_params": grid, "score": med,
                                  "score_lo": lo, "score_hi": hi}))
    return pd.concat(rows, ignore_index=True)


def observed_scores(engine: Any, benchmark: str = "mmlu") -> pd.DataFrame:
    """Registry models released by the as-of date with a known size and a score on `benchmark`
    (the median of its reported scores). Columns: model_id, name, year, release_year,
    log10_params, score, n_scores."""
    reg = engine.registry.as_of(engine.as_of)
    sc = reg.scores[reg.scores["benchmark"] == benchmark]
    per = sc.groupby("model_id")["score"].agg(["median", "size"])
    m = reg.models.set_index("model_id").join(per, how="inner")
    m = m[m["params_total"] > 0]
    return pd.DataFrame({
        "model_id": m.index.astype(str),
        "name": m["name"].astype(str).to_numpy(),
        "year": m["release_date"].dt.year.to_numpy(int),
        "release_year": [decimal_year(x) for x in m["release_date"]],
        "log10_params": np.log10(m["params_total"].to_numpy(float)),
        "score": m["median"].to_numpy(float),
        "n_scores": m["size"].to_numpy(int),
    })


# --------------------------------------------------------------------------------- attribution


def technique_names(engine: Any) -> dict[str, str]:
    """Technique id -> a short display name from its prior file (before any '(' or ' vs ')."""
    return {tid: t.name.split("(")[0].split(" vs ")[0].strip() for tid, t in engine.priors.techniques.items()}


def waterfall(engine: Any, since: float = 2020.0) -> pd.DataFrame:
    """Contribution of each component to the capability multiplier of a model released at the
    as-of date over a plain dense model of the same size trained at 20 tokens per parameter with
    the recipe of `since` (log10 params, per draw): techniques A_k(as-of) beta_k, MoE, the
    tokens effect, and the drift D(as-of) - D(since). Columns: component, id, median, lo, hi
    (10%, 90%), ordered by median; a last row "total" sums the components draw by draw."""
    names = technique_names(engine)
    t = decimal_year(engine.as_of)
    comps = capability_components(engine, t)
    comps["drift"] = comps["drift"] - drift_level(engine, since)
    rows = []
    for key, v in comps.items():
        label = f"drift since {since:g} (unnamed)" if key == "drift" else names.get(key, key)
        lo, med, hi = np.quantile(v, [0.1, 0.5, 0.9])
        rows.append({"component": label, "id": key, "median": med, "lo": lo, "hi": hi})
    out = pd.DataFrame(rows).sort_values("median", ascending=False, key=abs).reset_index(drop=True)
    total = sum(comps.values())
    lo, med, hi = np.quantile(total, [0.1, 0.5, 0.9])
    out.loc[len(out)] = {"component": "total", "id": "total", "median": med, "lo": lo, "hi": hi}
    return out


def removable(draws: Any) -> list[str]:
    """Technique ids the tornado can remove: every binary technique, MoE and the tokens term."""
    out = list(draws.techniques)
    if draws.kappa is not None and "mixture_of_experts" in draws.adoption_tech:
        out.append("mixture_of_experts")
    if draws.gamma is not None:
        out.append("overtraining")
    return out


def without(draws: Any, tech: str) -> Any:
    """A copy of the draws with one technique's effect set to zero (beta_k = 0; for MoE no
    capability from inactive parameters; for over-training no tokens effect). No refit: every
    other parameter keeps the value fitted with the technique present."""
    if tech in draws.techniques:
        beta = draws.beta.copy()
        beta[:, draws.techniques.index(tech)] = 0.0
        return replace(draws, beta=beta)
    if tech == "mixture_of_experts":
        return replace(draws, kappa=None)
    if tech == "overtraining":
        return replace(draws, gamma=None)
    raise KeyError(tech)


def tornado_cells(table: pd.DataFrame, budgets: list[BudgetSpec]) -> pd.DataFrame:
    """Per target, the headline cell the tornado explains: the smallest parameter budget the
    registry does not yet show reached and whose median falls before the horizon."""
    order = {b.text: i for i, b in enumerate(budgets) if b.memory is None}
    cand = table[table["budget"].isin(order) & table["reached_by"].isna() & table["median"].notna()]
    cand = cand.assign(_o=cand["budget"].map(order)).sort_values("_o")
    return cand.groupby("target", sort=False).head(1).drop(columns="_o")


def tornado(engine: Any, cells: pd.DataFrame, budgets: dict[str, BudgetSpec],
            max_draws: int | None = 500) -> pd.DataFrame:
    """How the median `when` of each cell moves when one technique is removed (`without`).

    Both the baseline and the altered forecasts use the same thinned draws (`max_draws`) and the
    same simulated randomness, so the difference is the technique's alone. Columns: target,
    target_label, budget, technique, base_median, median (decimal years; inf = not before the
    horizon), shift (years), p_next_base, p_next (probability by the start of next year).
    """
    names = technique_names(engine)
    base = engine.shared_futures(HORIZON, max_draws=max_draws)
    y1 = next_years(engine.as_of)[0]
    rows = []
    variants = {"": base} | {t: base.with_draws(without(base.draws, t)) for t in removable(base.draws)}
    for _, cell in cells.iterrows():
        tgt = engine.target(cell["target"])
        budget = budgets[cell["budget"]].budget
        ref = base.crossing_times(tgt, budget)
        ref_med = float(np.quantile(ref, 0.5, method="inverted_cdf"))
        for tech, proj in variants.items():
            if not tech:
                continue
            s = proj.crossing_times(tgt, budget)
            med = float(np.quantile(s, 0.5, method="inverted_cdf"))
            rows.append({
                "target": cell["target"], "target_label": cell["target_label"], "budget": cell["budget"],
                "budget_label": cell["budget_label"], "technique": names.get(tech, tech), "id": tech,
                "base_median": ref_med, "median": med,
                "shift": (min(med, base.settings.horizon) - ref_med),
                "capped": not np.isfinite(med),
                "p_next_base": base.p_by(ref, y1), "p_next": base.p_by(s, y1),
            })
    out = pd.DataFrame(rows)
    out.attrs["draws"] = int(base.draws.n)
    out.attrs["paths"] = int(base.draws.n * base.settings.paths_per_draw)
    return out


# ------------------------------------------------------------------------------- refit sensitivity

DAYS_PER_YEAR = 365.25
REFIT_COLUMNS = ("technique", "variant", "label", "question", "rank", "magnitude", "shift", "lo",
                 "hi", "base_lo", "base_hi", "past", "q10_date", "median_date", "q90_date",
                 "prior", "fit_ok")


def _days(year: float | None, ref: float | None) -> float:
    """(year - ref) in days; NaN when either is missing (past the horizon)."""
    return float("nan") if year is None or ref is None else (year - ref) * DAYS_PER_YEAR


def refit_rows(sensitivity: dict[str, Any], names: dict[str, str] | None = None) -> pd.DataFrame:
    """The refit sweep (`forecast sensitivity --json`) as one row per technique or group x
    variant x question, in the order the refit tornado draws them.

    Every quantile is put in days from the unmodified fit's median of the same question, so a
    row's ``shift`` is how far the refit moved the median and ``lo``..``hi`` is the refit's 80%
    interval on the same axis; ``base_lo``..``base_hi`` is the unmodified fit's own 80% interval
    there, the yardstick a shift is read against. The (technique, variant) pairs are ordered by
    ``magnitude``, the mean over the questions of the absolute median shift, largest first (rank
    0), as the no-refit tornado orders its techniques: a median that crossed the horizon (a
    null shift although one of the two medians lies before it) counts as larger than any finite
    shift, one past the horizon in both fits as no shift; ties keep the sweep's order.

    Parameters
    ----------
    sensitivity : dict
        The answer of `forecast sensitivity --json` (its schema:
        forecast/cli/schemas/sensitivity.json), already checked against it.
    names : dict of str to str, optional
        Technique id -> display name; a group is shown by its name and "(group)".

    Returns
    -------
    pandas.DataFrame
        Columns `REFIT_COLUMNS`: technique, variant, label (the name shown), question, rank,
        magnitude (the pair's mean absolute median shift in days; inf for a crossing of the
        horizon), shift, lo, hi, base_lo, base_hi
        (days from the unmodified median; NaN where a quantile is past the horizon, or every
        one of them when the unmodified median is), past (the refit's median is past the
        horizon), q10_date, median_date, q90_date (the refit's, ISO or None), prior (the
        changed prior's dotted name or names, or None) and fit_ok.
    """
    names = names or {}
    base = {b["question"]: b for b in sensitivity["base"]}
    rows = []
    for r in sensitivity["rows"]:
        b = base.get(r["question"])
        ref = None if b is None else b["median"]["year"]
        shift = r["shift_days"]["median"]
        if shift is not None:
            magnitude = abs(float(shift))
        else:
            magnitude = 0.0 if r["median"]["year"] is None and ref is None else float("inf")
        tech, variant = r["technique"], r["variant"]
        rows.append({
            "technique": tech, "variant": variant,
            "label": f"{tech} (group)" if variant == "group" else names.get(tech, tech),
            "question": r["question"], "magnitude": magnitude,
            "shift": float("nan") if shift is None else float(shift),
            "lo": _days(r["q10"]["year"], ref), "hi": _days(r["q90"]["year"], ref),
            "base_lo": _days(None if b is None else b["q10"]["year"], ref),
            "base_hi": _days(None if b is None else b["q90"]["year"], ref),
            "past": r["median"]["year"] is None,
            "q10_date": r["q10"]["date"], "median_date": r["median"]["date"],
            "q90_date": r["q90"]["date"],
            "prior": None if r["prior"] is None else r["prior"]["name"],
            "fit_ok": bool(r["fit_ok"]),
        })
    frame = pd.DataFrame(rows, columns=[c for c in REFIT_COLUMNS if c != "rank"])
    if frame.empty:
        return frame.assign(rank=pd.Series(dtype=int))[list(REFIT_COLUMNS)]
    keys = list(dict.fromkeys(zip(frame["technique"], frame["variant"])))
    size = frame.groupby(["technique", "variant"], sort=False)["magnitude"].mean()
    ordered = sorted(range(len(keys)), key=lambda i: (-size[keys[i]], i))
    rank = {keys[i]: n for n, i in enumerate(ordered)}
    question = {q: n for n, q in enumerate(dict.fromkeys(frame["question"]))}
    frame["rank"] = [rank[k] for k in zip(frame["technique"], frame["variant"])]
    frame["magnitude"] = [size[k] for k in zip(frame["technique"], frame["variant"])]
    frame = frame.assign(_q=frame["question"].map(question))
    frame = frame.sort_values(["rank", "_q"], kind="stable")
    return frame.drop(columns="_q").reset_index(drop=True)[list(REFIT_COLUMNS)]


# --------------------------------------------------------------------------------- priors


def technique_samples(engine: Any) -> dict[str, np.ndarray]:
    """Posterior draws of each technique's multiplier on its own axis (ratio scale): 10^beta_k
    for binary techniques, 10^beta_moe (active parameters, at the reference sparsity) for MoE,
    10^(gamma f(log10 r_ref)) for over-training at the prior's reference tokens per parameter.
    Techniques the registry cannot inform (e.g. quantization, memory axis) are absent."""
    fit = engine.fit()
    post = fit.posterior
    d = engine.posterior_draws
    out: dict[str, np.ndarray] = {}
    for tid, tech in engine.priors.introduced_by(fit.as_of).techniques.items():
        if tid in d.techniques:
            out[tid] = 10 ** d.beta[:, d.techniques.index(tid)]
        elif tech.indicator == "moe" and "beta_moe" in post:
            out[tid] = 10 ** post["beta_moe"].values.ravel()
        elif tech.indicator == "training_tokens" and d.gamma is not None and tech.reference_tpp:
            out[tid] = 10 ** (d.gamma * d.token_law.log10_multiplier_at(tech.reference_tpp))
    return out


def engine_prior_rows(engine: Any) -> pd.DataFrame:
    """Projection inputs that the registry does not update (priors only): future technique
    arrivals, their adoption lag and size, saturation. Columns: quantity, median, interval90,
    used."""
    eng = engine.priors.engine
    rows = [
        ("future techniques per year (arrival rate)", eng.arrivals.rate, "yes"),
        ("years from a new technique's arrival to half adoption", eng.arrivals.adoption_lag_years, "yes"),
        ("saturation ceiling on further gain (log10 params)", eng.saturation.ceiling,
         "yes" if eng.saturation.enabled else "no (off)"),
    ]
    out = [{"quantity": q, "median": f"{d.median:.3g}",
            "interval90": f"[{d.interval90[0]:.3g}, {d.interval90[1]:.3g}]", "used": u}
           for q, d, u in rows]
    return pd.DataFrame(out)


# --------------------------------------------------------------------------------- adoption


def adoption_curves(engine: Any, start: float = 2018.0, years_ahead: float = 3.0) -> pd.DataFrame:
    """Posterior adoption share A_k(t) of every technique with a fitted adoption curve, monthly
    from `start` to `years_ahead` after the as-of date. Columns: id, year, median, lo, hi
    (10%, 90%)."""
    d = engine.posterior_draws
    t = np.arange(start, decimal_year(engine.as_of) + years_ahead + 1e-9, 1 / 12)
    frames = []
    for tech in d.adoption_tech:
        a = adoption_at(d, tech, t)
        lo, med, hi = np.quantile(a, [0.1, 0.5, 0.9], axis=0)
        frames.append(pd.DataFrame({"id": tech, "year": t, "median": med, "lo": lo, "hi": hi}))
    return pd.concat(frames, ignore_index=True)


def adoption_shares(engine: Any, start: float = 2018.0) -> pd.DataFrame:
    """Registry share of models using each technique per half-year, among models released from
    `start` to the as-of date whose indicator is known (the data the adoption curves are fitted
    to). Columns: id, year (half-year midpoint), share, n."""
    reg = engine.registry.as_of(engine.as_of)
    m = reg.models
    release = np.array([decimal_year(x) for x in m["release_date"]])
    frames = []
    for tech in engine.posterior_draws.adoption_tech:
        col = engine.priors.techniques[tech].indicator
        if col not in m:
            continue
        known = m[col].notna().to_numpy() & (release >= start)
        half = np.floor(release[known] * 2) / 2
        g = pd.DataFrame({"half": half, "u": m.loc[known, col].astype(float).to_numpy()}).groupby("half")["u"]
        frames.append(pd.DataFrame({"id": tech, "year": g.mean().index + 0.25,
                                    "share": g.mean().to_numpy(), "n": g.size().to_numpy()}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["id", "year", "share", "n"])


def first_majority(curves: pd.DataFrame, tech: str) -> float | None:
    """First year the posterior-median adoption of `tech` exceeds one half (None if never)."""
    c = curves[curves["id"] == tech]
    above = c[c["median"] > 0.5]
    return float(above["year"].iloc[0]) if len(above) else None


# --------------------------------------------------------------------------------- backtest


def scored_summary(result: Any) -> tuple[dict, bool]:
    """The backtest summary with the decided/censored split, the Brier score of P(first crossing
    by the data's end) and the skill table.

    Parameters
    ----------
    result : forecast.evaluation.result.BacktestResult
        A backtest, run or loaded from its files.

    Returns
    -------
    tuple
        The summary, and whether those parts were recomputed from the rows because the saved
        summary lacks them (the saved summary's other fields, such as the fits' diagnostics and
        provenance, are kept).
    """
    s = result.summary
    if all("decided" in m for m in s["methods"].values()) and "deciding_releases" in s:
        return s, False
    return {**s, **summarise(result.rows, seed=int(s.get("seed", 0) or 0))}, True


def backtest_scorecard(result: Any, summary: dict | None = None) -> pd.DataFrame:
    """One row per method, ranked, with its scores.

    Parameters
    ----------
    result : forecast.evaluation.result.BacktestResult
        The backtest.
    summary : dict, optional
        The summary to read (`scored_summary`); None for ``result.summary``.

    Returns
    -------
    pandas.DataFrame
        Columns rank, method, rows, failed; cov0.5/0.8/0.9 and their `_ci` (mean coverage
        credit); dec0.5/0.8/0.9 with `_ci` and `_bounds` (coverage on decided rows, the bounds on
        all rows the censored rows allow); n_reached, n_censored, crps_reached, crps_censored
        with `_ci`; brier_end with `_ci` (P(first crossing by the data's end)); crps, crps_ci,
        crps_common (years); brier_1y, brier_2y. Missing parts are None.
    """
    s = summary if summary is not None else result.summary
    rows = []
    for rank, name in enumerate(s["ranking"], start=1):
        m = s["methods"][name]
        d = m.get("decided") or {}
        end = m.get("before_data_end") or {}
        row = {"rank": rank, "method": name, "rows": m["n_rows"], "failed": m["n_failed"]}
        for level in ("0.5", "0.8", "0.9"):
            row[f"cov{level}"] = m["coverage"].get(level)
            row[f"cov{level}_ci"] = (m.get("coverage_ci") or {}).get(level)
            row[f"dec{level}"] = (d.get("coverage") or {}).get(level)
            row[f"dec{level}_ci"] = (d.get("coverage_ci") or {}).get(level)
            row[f"dec{level}_bounds"] = (d.get("coverage_bounds") or {}).get(level)
        row["n_reached"], row["n_censored"] = d.get("n_reached"), d.get("n_censored")
        for kind in ("reached", "censored"):
            row[f"crps_{kind}"] = d.get(f"crps_{kind}")
            row[f"crps_{kind}_ci"] = d.get(f"crps_{kind}_ci")
        row["brier_end"], row["brier_end_ci"] = end.get("brier"), end.get("brier_ci")
        row["crps"] = m.get("crps_mean")
        row["crps_ci"] = m.get("crps_ci")
        row["crps_common"] = m.get("crps_mean_common")
        row["brier_1y"] = m.get("brier_1y")
        row["brier_2y"] = m.get("brier_2y")
        rows.append(row)
    return pd.DataFrame(rows)


def data_end_reliability(summary: dict) -> pd.DataFrame:
    """The reliability diagram of P(first crossing by the data's end), every method's bins.

    Parameters
    ----------
    summary : dict
        A summary with `before_data_end` per method (`scored_summary`).

    Returns
    -------
    pandas.DataFrame
        Columns method, lo, hi, n, p_mean, observed; the non-empty bins only.
    """
    out = []
    for name in summary["ranking"]:
        end = summary["methods"][name].get("before_data_end") or {}
        out += [{"method": name, **b} for b in end.get("reliability", []) if b["n"]]
    return pd.DataFrame(out, columns=["method", "lo", "hi", "n", "p_mean", "observed"])


def skill_rows(summary: dict, method: str | None = None) -> tuple[str | None, pd.DataFrame]:
    """One method's skill against each baseline, overall and per cutoff.

    Parameters
    ----------
    summary : dict
        A summary with `skill` per method (`scored_summary`).
    method : str, optional
        The method compared; None for the summary's first method (the engine in the default
        backtest).

    Returns
    -------
    tuple
        The method's name (None without methods) and a DataFrame with columns baseline, cutoff
        ("all" for the overall row), n, crps_diff, crps_diff_ci, crps_diff_reached,
        crps_diff_censored, brier_skill, brier_skill_ci.
    """
    cols = ["baseline", "cutoff", "n", "crps_diff", "crps_diff_ci", "crps_diff_reached", "crps_diff_censored",
            "brier_skill", "brier_skill_ci"]
    names = list(summary["methods"])
    if method is None:
        method = names[0] if names else None
    if method is None:
        return None, pd.DataFrame(columns=cols)
    out = []
    for baseline, k in (summary["methods"][method].get("skill") or {}).items():
        for cutoff, entry in [("all", k), *k.get("by_cutoff", {}).items()]:
            out.append({"baseline": baseline, "cutoff": cutoff, **{c: entry.get(c) for c in cols[2:]}})
    return method, pd.DataFrame(out, columns=cols)


def reliability(result: Any, horizon_years: int = 1, bins: int = 5) -> pd.DataFrame:
    """Reliability of P(reached within `horizon_years` of the cutoff): rows with a decided
    outcome (the Brier score is defined) binned by forecast probability. Columns: method, bin,
    p_mean, observed, n."""
    rows = result.rows
    p = pd.to_numeric(rows[f"p_{horizon_years}y"], errors="coerce")
    decided = pd.to_numeric(rows[f"brier_{horizon_years}y"], errors="coerce").notna() & p.notna()
    frame = rows[decided].copy()
    frame["p"] = p[decided]
    realised = pd.to_numeric(frame["realised_year"], errors="coerce")
    cutoff = pd.to_numeric(frame["cutoff_year"], errors="coerce")
    frame["o"] = (frame["reached"].astype(bool) & (realised <= cutoff + horizon_years)).astype(float)
    edges = np.linspace(0, 1, bins + 1)
    frame["bin"] = np.clip(np.digitize(frame["p"], edges[1:-1]), 0, bins - 1)
    g = frame.groupby(["method", "bin"])
    out = g.agg(p_mean=("p", "mean"), observed=("o", "mean"), n=("o", "size")).reset_index()
    return out


# --------------------------------------------------------------------------------- diagnostics


def diagnostics_rows(diag: dict[str, Any]) -> pd.DataFrame:
    """The sampler checks of `forecast.model.diagnostics` with their thresholds and pass/fail."""

    def ok(x: bool) -> str:
        return "pass" if x else "FAIL"

    rhat, bulk, tail = diag["rhat_max"], diag["ess_bulk_min"], diag["ess_tail_min"]
    ebfmi = diag["ebfmi_min"]
    rows = [
        ("R-hat (max, rank-normalised split)", f"{rhat:.3f}", f"<= {RHAT_MAX}", ok(rhat <= RHAT_MAX), diag.get("worst_rhat", "")),
        ("bulk ESS (min)", f"{bulk:.0f}", f">= {ESS_MIN:.0f}", ok(bulk >= ESS_MIN), diag.get("worst_ess", "")),
        ("tail ESS (min)", f"{tail:.0f}", f">= {ESS_MIN:.0f}", ok(tail >= ESS_MIN), ""),
        ("divergent transitions", f"{diag['divergences']}", "0", ok(diag["divergences"] == 0), ""),
        ("E-BFMI (min over chains)", "n/a" if ebfmi != ebfmi else f"{ebfmi:.2f}", f">= {EBFMI_MIN}",
         "pass" if ebfmi != ebfmi else ok(ebfmi >= EBFMI_MIN), ""),
    ]
    steps = diag.get("steps_per_draw_median", float("nan"))
    if steps is not None and steps == steps:
        # the sampler's cost, not a convergence check: a goal, reported beside the checks
        rows.append(("leapfrog steps per draw (median)", f"{steps:.0f}", f"goal <= {STEPS_GOAL}",
                     "pass" if steps <= STEPS_GOAL else "above goal", ""))
    return pd.DataFrame(rows, columns=["check", "value", "required", "status", "worst parameter"])


def predictive_rows(predictive: dict[str, Any], loo: dict[str, Any] | None = None) -> pd.DataFrame:
    """Posterior predictive coverage of the observed scores: overall, per benchmark, per source.
    Columns: group, name, n, coverage_50, coverage_90 (in-sample), and with `loo`
    (`forecast.model.calibration.loo_coverage`) loo_50, loo_90: the shares of LOO-PIT values in the
    central 50% and 90% bands."""
    rows = []
    if "overall" in predictive:
        rows.append(("all scores", "all", predictive["overall"], (loo or {}).get("overall")))
    for name, v in sorted(predictive.get("by_benchmark", {}).items()):
        rows.append(("benchmark", name, v, (loo or {}).get("by_benchmark", {}).get(name)))
    for name, v in sorted(predictive.get("by_source", {}).items()):
        rows.append(("source", name, v, (loo or {}).get("by_source", {}).get(name)))
    out = []
    for g, n, v, lv in rows:
        row = {"group": g, "name": n, "n": v["n"], "coverage_50": v["coverage_50"],
               "coverage_90": v["coverage_90"]}
        if loo is not None:
            row["loo_50"] = lv["coverage_50"] if lv else float("nan")
            row["loo_90"] = lv["coverage_90"] if lv else float("nan")
        out.append(row)
    return pd.DataFrame(out)


# --------------------------------------------------------------------------------- data, provenance


def data_by_year(engine: Any) -> pd.DataFrame:
    """Per release year (registry as of the as-of date): models, models with a known size,
    scored models, models in the fit, and score rows by source."""
    reg = engine.registry.as_of(engine.as_of)
    m = reg.models.copy()
    m["year"] = m["release_date"].dt.year
    fitted = set(engine.posterior_draws.model_ids)
    scored = set(reg.scores["model_id"])
    sc = reg.scores.merge(m[["model_id", "year"]], on="model_id")
    src = sc.groupby(["year", "source"]).size().unstack(fill_value=0)
    out = m.groupby("year").agg(
        models=("model_id", "size"),
        with_size=("params_total", lambda s: int((s > 0).sum())),
        scored=("model_id", lambda s: int(s.isin(scored).sum())),
        in_fit=("model_id", lambda s: int(s.isin(fitted).sum())),
    )
    for col in ("independent", "self_reported"):
        out[f"scores_{col}"] = src[col] if col in src else 0
    out = out.fillna(0).astype(int).reset_index()
    total = {"year": "all", **out.drop(columns="year").sum().to_dict()}
    out["year"] = out["year"].astype(str)
    return pd.concat([out, pd.DataFrame([total])], ignore_index=True)


def data_by_benchmark(engine: Any) -> pd.DataFrame:
    """Per benchmark: score rows, models, rows by source, and whether the fit uses it."""
    reg = engine.registry.as_of(engine.as_of)
    fitted = set(engine.posterior_draws.benchmarks)
    g = reg.scores.groupby("benchmark")
    out = pd.DataFrame({
        "observations": g.size(),
        "models": g["model_id"].nunique(),
        "independent": g["source"].apply(lambda s: int((s == "independent").sum())),
        "self_reported": g["source"].apply(lambda s: int((s == "self_reported").sum())),
    }).reset_index()
    out["fitted"] = np.where(out["benchmark"].isin(fitted), "yes", "no")
    return out.sort_values(["fitted", "observations"], ascending=[False, False]).reset_index(drop=True)


def ceiling_rows(engine: Any) -> pd.DataFrame:
    """Per fitted benchmark: the highest score its link can give, 1 - e_b, under the prior
    (median and 90% interval of the link prior's ceiling loss e_b) and the posterior, and the
    best score in the registry by the as-of date (`Engine.benchmark_ceilings`: median of each
    model's reported scores, from any model). A target at or above 1 - e_b is never reached in a
    draw."""
    rows = []
    for bench, check in engine.benchmark_ceilings(engine.posterior_draws.benchmarks).items():
        prior = engine.priors.engine.links.for_benchmark(bench).ceiling_loss
        lo, hi = check["ceiling_interval90"]
        best = check["best_observed"] or {}
        rows.append({
            "benchmark": bench,
            "prior": f"{1 - prior.median:.3f} [{1 - prior.interval90[1]:.3f}, {1 - prior.interval90[0]:.3f}]",
            "posterior": f"{check['ceiling_median']:.3f} [{lo:.3f}, {hi:.3f}]",
            "best score": f"{best['score']:.3f}" if best else "",
            "by": best.get("name", ""),
            "above the posterior's 95%": "yes" if best and best["score"] > hi else "no",
        })
    return pd.DataFrame(rows)


def folder_label(folder: Any, kind: str) -> str:
    """The registry or priors folder of this report's engine as the provenance page shows it:
    the shipped one by its place in the package (the same on every machine), another as given."""
    shipped = {"data": (default_data_dir(), "forecast/data"), "priors": (default_priors_dir(), "priors")}
    default, label = shipped[kind]
    if Path(folder).resolve() == Path(default).resolve():
        return f"{label}/ (shipped with forecast)"
    return str(folder)


def provenance(engine: Any, command: str, seconds: float | None = None) -> list[tuple[str, str]]:
    """Hashes, versions, seed, settings and the command line of the report and its fit."""
    fit = engine.fit()
    p = fit.provenance
    s = p.get("settings", {})
    versions = dict(p.get("versions", {}))
    for pkg in ("matplotlib", "weasyprint"):
        try:
            versions[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            versions[pkg] = "absent"
    data_end = fit.inputs.attrs.get("data_end", "")
    items = [
        ("command", command),
        ("report generated (UTC)", datetime.now(timezone.utc).isoformat(timespec="seconds")),
        ("as-of date", engine.as_of.isoformat()),
        ("registry data end", str(data_end)),
        ("seed", str(s.get("seed", engine.seed))),
        ("sampler", f"{fit.diagnostics.sampler or '?'}: {s.get('chains')} chains x {s.get('draws')} draws "
                    f"after {s.get('tune')} tuning steps, target_accept {s.get('target_accept')}"),
        ("fitted benchmarks", ", ".join(s.get("benchmarks", []))),
        ("scenario", engine.scenario.name if engine.scenario else "none (priors as shipped)"),
        ("registry folder", folder_label(engine.registry.source, "data")),
        ("registry sha256", p.get("data_sha256", "")),
        ("priors folder", folder_label(engine.priors.folder, "priors")),
        ("priors sha256 (the numbers that shape the fit, techniques known by the as-of date)", p.get("priors_sha256", "")),
        ("model code sha256", p.get("code_sha256", "")),
        ("fit cache key", p.get("cache_key", "")),
        ("fit created (UTC)", p.get("created", "")),
        ("fit loaded from cache", "yes" if fit.from_cache else "no"),
        ("versions", ", ".join(f"{k} {v}" for k, v in sorted(versions.items()))),
    ]
    if seconds is not None:
        items.append(("time to compute the numbers (before figures and layout)", f"{seconds:.1f} s"))
    return items
