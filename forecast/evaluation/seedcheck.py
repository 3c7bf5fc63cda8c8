"""The seed thread's own claims, forecast as of its date and as of today, against what happened.

The thread (2023-03-19) bet that both "L"s of LLM go within about two years:

* "Large" goes: GPT-3.5-level MMLU (0.70) at 7B parameters or fewer, and GPT-3-175B-level MMLU
  (its reported 5-shot score, 0.439) at 1B or fewer, both by 2025-03-19;
* "Language" goes: more than half of new notable language-model releases are multimodal.

For each claim: the engine's forecast with the data and techniques known on 2023-03-19 ("then",
with the technique priors as of that date, `thread_priors`: the backtest's dated priors), the
forecast with everything in the registry and today's priors ("now"), and the registry's record
("happened"):
the first qualifying release (judged like the backtest: median of a model's admissible scores)
or, for multimodality, the share of multimodal models among releases in the year to the deadline.
The multimodal share forecast comes from the fitted adoption curve
A(t) = amax * logistic(speed * (t - t_mid)) of the `multimodal` indicator.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from forecast.evaluation.score_rule import ScoreRule
from forecast.inputs.dates import decimal_year, year_to_date

THREAD_DATE = date(2023, 3, 19)
DEADLINE = date(2025, 3, 19)
HORIZON = date(2040, 1, 1)
GPT3_MMLU = 0.439  # Hendrycks et al. 2021 (arXiv:2009.03300), Table 1: GPT-3 175B few-shot 43.9%

CLAIMS = (
    {"id": "large_gpt35_at_7b", "claim": "GPT-3.5-level MMLU (0.70) at 7B parameters or fewer by 2025-03-19",
     "target": "mmlu=0.70", "params": 7e9},
    {"id": "large_gpt3_at_1b", "claim": "GPT-3-175B-level MMLU (0.439) at 1B parameters or fewer by 2025-03-19",
     "target": f"mmlu={GPT3_MMLU}", "params": 1e9},
)


# the quantile levels of a claim's forecast: its median and 80% interval
LEVELS = (0.1, 0.5, 0.9)


def _summary(samples: np.ndarray, as_of: date) -> dict[str, Any]:
    """A forecast of dates as the JSON contract states it: ``quantiles`` (level -> ISO date, None
    past the horizon) and P(by the deadline)."""
    q = np.quantile(samples, LEVELS, method="inverted_cdf")
    return {
        "as_of": as_of.isoformat(),
        "quantiles": {f"{level:g}": year_to_date(float(x)).isoformat() if np.isfinite(x) else None
                      for level, x in zip(LEVELS, q)},
        "p_by_deadline": float(np.mean(samples <= decimal_year(DEADLINE))),
    }


def _happened_scores(registry: Any, benchmark: str, threshold: float, max_params: float) -> dict[str, Any]:
    per_model = ScoreRule().model_scores(registry.scores, benchmark)
    models = registry.models.set_index("model_id")
    ok = [m for m, v in per_model.items() if v >= threshold and m in models.index
          and 0 < models.at[m, "params_total"] <= max_params]
    if not ok:
        return {"reached": False, "date": None, "models": []}
    cand = models.loc[ok].sort_values("release_date")
    first_date = pd.Timestamp(cand["release_date"].iloc[0]).date()
    by_deadline = cand[cand["release_date"] <= pd.Timestamp(DEADLINE)]
    return {
        "reached": True,
        "date": first_date.isoformat(),
        "by_deadline": bool(first_date <= DEADLINE),
        "models": [
            {"model_id": str(i), "name": str(r["name"]), "date": pd.Timestamp(r["release_date"]).date().isoformat(),
             "params_total": float(r["params_total"]), "score": float(per_model[i])}
            for i, r in (by_deadline if len(by_deadline) else cand).head(5).iterrows()
        ],
    }


def _multimodal_forecast(draws: Any, as_of: date) -> dict[str, Any]:
    if "multimodal" not in draws.adoption_tech:
        return {"as_of": as_of.isoformat(), "quantiles": {f"{level:g}": None for level in LEVELS},
                "p_by_deadline": None, "note": "multimodal not yet a known technique at this date"}
    a = draws.adoption_tech.index("multimodal")
    amax, speed, mid = draws.adoption_max[:, a], draws.adoption_speed[:, a], draws.adoption_mid[:, a]
    t_dead = decimal_year(DEADLINE) - draws.t_ref
    share = amax / (1 + np.exp(-speed * (t_dead - mid)))
    # date the share passes one half (never if amax <= 1/2): t = mid + logit(0.5 / amax) / speed
    with np.errstate(divide="ignore", invalid="ignore"):
        x = 0.5 / amax
        cross = np.where(amax > 0.5, draws.t_ref + mid + np.log(x / (1 - x)) / speed, np.inf)
    out = _summary(cross, as_of)
    out["p_by_deadline"] = float(np.mean(share > 0.5))
    out["share_at_deadline"] = [float(v) for v in np.quantile(share, [0.1, 0.5, 0.9])]
    return out


def _multimodal_happened(registry: Any) -> dict[str, Any]:
    m = registry.models
    window = m[(m["release_date"] > pd.Timestamp(DEADLINE) - pd.DateOffset(years=1))
               & (m["release_date"] <= pd.Timestamp(DEADLINE)) & m["multimodal"].notna()]
    share = float(window["multimodal"].mean()) if len(window) else float("nan")
    latest = m[m["multimodal"].notna()]
    last_year = latest[latest["release_date"] > latest["release_date"].max() - pd.DateOffset(years=1)]
    return {
        "reached": bool(share > 0.5),
        "share_in_year_to_deadline": share,
        "n_releases": int(len(window)),
        "share_in_last_year_of_data": float(last_year["multimodal"].mean()) if len(last_year) else None,
        "models": [str(x) for x in window.loc[window["multimodal"] == 1, "name"].head(8)],
    }


def _verdict(happened: dict[str, Any], then: dict[str, Any]) -> str:
    p = then.get("p_by_deadline")
    ptxt = f"{p:.0%}" if p is not None else "n/a"
    if "share_in_year_to_deadline" in happened:
        s = happened["share_in_year_to_deadline"]
        return (f"Not by the deadline: {s:.0%} of {happened['n_releases']} releases in the year to "
                f"2025-03-19 were multimodal (forecast then: P = {ptxt})." if not happened["reached"]
                else f"Happened: {s:.0%} multimodal (forecast then: P = {ptxt}).")
    if happened["reached"] and happened.get("by_deadline"):
        first = happened["models"][0]
        return (f"Happened on {happened['date']} ({first['name']}, {first['params_total'] / 1e9:.3g}B, "
                f"{first['score']:.3f}); the forecast then gave P = {ptxt} of it by the deadline.")
    if happened["reached"]:
        return f"Happened late, on {happened['date']} (forecast then: P = {ptxt} by the deadline)."
    return f"Not reached in the registry (forecast then: P = {ptxt} by the deadline)."


def _claim_forecast(engine: Any, futures: Any, spec: dict[str, Any]) -> dict[str, Any]:
    """`_summary` of `Engine.when` for a claim, with the registry model that already meets it
    (`already_reached_by`) where there is one."""
    result = engine.when(spec["target"], params=spec["params"], futures=futures)
    out = _summary(result.samples, engine.as_of)
    if result.already_reached_by is not None:
        out["already_reached_by"] = result.already_reached_by
    return out


def thread_priors(priors_dir: Any = None) -> Any:
    """The technique priors of the forecast as of the thread's date: the dated priors as of
    `THREAD_DATE` (`forecast.inputs.priors.PriorSet.measured_by`), as the backtest's default
    mode uses at its cutoffs.

    Parameters
    ----------
    priors_dir : Path or str or None
        A priors folder; None for the shipped one.

    Returns
    -------
    forecast.inputs.priors.PriorSet
    """
    from forecast.inputs.priors import load_priors  # deferred: about 0.1 s to import

    return load_priors(priors_dir).measured_by(THREAD_DATE)


def fit_engine(spec: dict[str, Any]) -> str:
    """Fit (or load from the cache) the engine ``Engine(**spec)``; for a Dask worker, so that the
    fit lands in the fit cache and the engines of `seed_check` load it from there.

    Parameters
    ----------
    spec : dict
        `forecast.api.engine.Engine`'s keyword arguments (without ``progress``), and optionally
        ``thread_priors=True``: the priors folder ``priors`` is then read as of the thread's
        date (`thread_priors`).

    Returns
    -------
    str
        Where the fit is stored.
    """
    from forecast.api.engine import Engine  # deferred: about 0.1 s to import (the priors package)

    spec = dict(spec)
    if spec.pop("thread_priors", False):
        spec["priors"] = thread_priors(spec.get("priors"))
    return str(Engine(**spec, progress=False).fit().path)


def seed_check(engine_now: Any, engine_then: Any) -> dict[str, Any]:
    """Forecasts as of the thread's date and as of now, against the registry's record.

    "Then" is projected from the thread's date (the registry is complete up to it), "now" from
    the registry's data end, both to `HORIZON` with the engine's own futures
    (`Engine.shared_futures`, marched in NumPy as `Engine.when` does).

    Parameters
    ----------
    engine_now : forecast.api.engine.Engine
        The engine on the whole registry.
    engine_then : forecast.api.engine.Engine
        The engine as of `THREAD_DATE`.

    Returns
    -------
    dict
        ``thread_date``, ``claims`` (per claim: ``id``, ``claim``, ``deadline``, ``then``,
        ``now``, ``happened``, ``verdict``; each forecast with its ``as_of``, ``quantiles`` at
        0.1, 0.5 and 0.9 and ``p_by_deadline``) and ``fits`` (``then`` and ``now``: each fit's
        ``as_of`` and ``diagnostics``). This is the shape `forecast seedcheck --json` prints.
    """
    registry = engine_now.registry
    futures = {
        "then": engine_then.shared_futures(HORIZON, compiled=False, start=decimal_year(engine_then.as_of)),
        "now": engine_now.shared_futures(HORIZON, compiled=False),
    }
    claims = []
    for spec in CLAIMS:
        bench, value = spec["target"].split("=")
        forecasts = {key: _claim_forecast(eng, futures[key], spec)
                     for key, eng in (("then", engine_then), ("now", engine_now))}
        happened = _happened_scores(registry, bench, float(value), spec["params"])
        claims.append({"id": spec["id"], "claim": spec["claim"], "deadline": DEADLINE.isoformat(),
                       "then": forecasts["then"], "now": forecasts["now"], "happened": happened,
                       "verdict": _verdict(happened, forecasts["then"])})
    then_mm = _multimodal_forecast(engine_then.posterior_draws, engine_then.as_of)
    now_mm = _multimodal_forecast(engine_now.posterior_draws, engine_now.as_of)
    happened_mm = _multimodal_happened(registry)
    claims.append({"id": "language_multimodal_majority",
                   "claim": "More than half of new notable language-model releases multimodal by 2025-03-19",
                   "deadline": DEADLINE.isoformat(), "then": then_mm, "now": now_mm,
                   "happened": happened_mm, "verdict": _verdict(happened_mm, then_mm)})
    return {
        "thread_date": THREAD_DATE.isoformat(),
        "claims": claims,
        "fits": {key: {"as_of": eng.as_of.isoformat(), "diagnostics": eng.fit().diagnostics.to_dict()}
                 for key, eng in (("then", engine_then), ("now", engine_now))},
    }
