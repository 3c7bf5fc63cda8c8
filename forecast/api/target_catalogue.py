"""Which targets a fit can answer: every registry benchmark with its scores, and the models.

A score target (``mmlu=0.70``) needs its benchmark in the fit: one of the fitted benchmarks
(`forecast.model.settings.CORE_BENCHMARKS`) with scores for at least
`FitSettings.min_models_per_benchmark` models that have a parameter count and were released by
the as-of date. A model target (``model:ID``) needs the model in the fit: released by the as-of
date, with a parameter count and a score on a fitted benchmark. The catalogue says, for every
benchmark and for the models left out, which condition fails.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from forecast.core.errors import UserError


def target_catalogue(engine: Any) -> dict[str, Any]:
    """The benchmarks and models that can be targets of `engine`'s fit, and why others cannot.

    Found without sampling: the benchmarks and models come from the model's own input preparation
    (`Engine.fit_scope`) on the registry as of the engine's as-of date.

    Parameters
    ----------
    engine : forecast.api.engine.Engine

    Returns
    -------
    dict
        ``as_of``; ``benchmarks``: one entry per registry benchmark (``benchmark``, ``name``,
        ``target`` (bool), ``scores``, ``models``, ``models_with_size``, ``data_end`` (its last
        scored release by the as-of date, ISO, or None), ``reason`` (None for a target));
        ``models``: ``targets`` (the number of fitted models), ``scored_without_size`` (models
        with a score but no parameter count, which the fit leaves out) and up to 10 of their
        ``examples`` (model ids); ``note``: why no benchmark can be fitted as of the date, or None.
    """
    settings = engine.settings()
    note = None
    try:
        fitted, model_ids = engine.fit_scope()
    except UserError as err:
        if err.location.key != "as_of":
            raise
        # nothing can be fitted as of this date: every benchmark says why, none is a target
        fitted, model_ids, note = [], [], err.message
    reg = engine.registry.as_of(engine.as_of)
    models = reg.models.set_index("model_id")
    sized = models.index[models["params_total"].fillna(0) > 0]
    rows = []
    for _, bench in reg.benchmarks.sort_values("benchmark").iterrows():
        b = str(bench["benchmark"])
        scores = reg.scores[reg.scores["benchmark"] == b]
        scored = pd.Index(scores["model_id"].unique())
        with_size = scored.intersection(sized)
        dates = models.loc[models.index.intersection(scored), "release_date"]
        row = {
            "benchmark": b,
            "name": str(bench.get("name", b)),
            "target": b in fitted,
            "scores": int(len(scores)),
            "models": int(len(scored)),
            "models_with_size": int(len(with_size)),
            "data_end": pd.Timestamp(dates.max()).date().isoformat() if len(dates) else None,
            "reason": None,
        }
        if b not in fitted:
            if b not in settings.benchmarks:
                row["reason"] = ("not in the fitted benchmark set (" + ", ".join(settings.benchmarks)
                                 + "): a narrow or saturated benchmark would pull the shared capability")
            else:
                row["reason"] = (f"{len(with_size)} models with a parameter count and a score by "
                                 f"{engine.as_of.isoformat()}; the fit needs "
                                 f"{settings.min_models_per_benchmark}")
        rows.append(row)
    fitted_models = set(model_ids)
    scored_all = pd.Index(reg.scores["model_id"].unique())
    without_size = sorted(str(m) for m in scored_all.difference(sized) if m not in fitted_models)
    out = {
        "as_of": engine.as_of.isoformat(),
        "benchmarks": rows,
        "models": {"targets": len(fitted_models), "scored_without_size": len(without_size),
                   "examples": without_size[:10]},
        "note": note,
    }
    return out
