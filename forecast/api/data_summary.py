"""What the registry holds: counts per year, benchmark, source, protocol and technique.

`summarize` gives `forecast data summary` and the report's data page the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd

from forecast.inputs.registry import MODEL_COLUMNS, TECHNIQUE_COLUMNS, known_by

#: Families the registry must cover (issue 2): label -> family ids in models.csv.
REQUIRED_FAMILIES: dict[str, list[str]] = {
    "GPT-3": ["gpt-3"],
    "Gopher": ["gopher"],
    "Chinchilla": ["chinchilla"],
    "PaLM": ["palm"],
    "OPT": ["opt"],
    "BLOOM": ["bloom"],
    "Pythia": ["pythia"],
    "LLaMA 1": ["llama"],
    "Llama 2": ["llama-2"],
    "Llama 3": ["llama-3"],
    "Llama 3.1": ["llama-3.1"],
    "Llama 3.2": ["llama-3.2"],
    "Mistral": ["mistral"],
    "Mixtral": ["mixtral"],
    "Falcon": ["falcon"],
    "Yi": ["yi", "yi-1.5"],
    "Qwen 1": ["qwen"],
    "Qwen 1.5": ["qwen1.5"],
    "Qwen 2": ["qwen2"],
    "Qwen 2.5": ["qwen2.5"],
    "Qwen 3": ["qwen3"],
    "Gemma 1": ["gemma"],
    "Gemma 2": ["gemma-2"],
    "Gemma 3": ["gemma-3"],
    "Phi-1.5": ["phi-1.5"],
    "Phi-2": ["phi-2"],
    "Phi-3": ["phi-3"],
    "Phi-3.5": ["phi-3.5"],
    "Phi-4": ["phi-4"],
    "SmolLM": ["smollm", "smollm2"],
    "DeepSeek": ["deepseek-llm", "deepseek-moe", "deepseek-v2", "deepseek-v3", "deepseek-r1",
                 "deepseek-coder"],
    "OLMo": ["olmo", "olmo-2"],
}

COVERAGE_YEARS = (2018, 2025)


def _counts(series: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in series.value_counts().sort_index().items()}


def known_then(models: pd.DataFrame, scores: pd.DataFrame, benchmarks: pd.DataFrame,
               cutoffs: Sequence[date], benchmark: str = "mmlu") -> dict[str, dict[str, int]]:
    """Per cutoff, the scores public then against the scores of the same models known now.

    Parameters
    ----------
    models, scores, benchmarks : pandas.DataFrame
        The registry tables.
    cutoffs : sequence of date
        The dates to count at (the backtest's cutoffs).
    benchmark : str
        The benchmark counted apart (``<benchmark>_known``, ``<benchmark>_now``).

    Returns
    -------
    dict
        ISO cutoff -> ``models`` (released by then), ``scores_known`` (reported by then on a
        benchmark that existed then, `known_by`), ``scores_now`` (every score of those models
        in the registry today), and the same two counts for `benchmark`.
    """
    out = {}
    for cutoff in cutoffs:
        released, known = known_by(models, scores, benchmarks, cutoff)
        now = scores[scores["model_id"].isin(set(released["model_id"]))]
        out[cutoff.isoformat()] = {
            "models": int(len(released)),
            "scores_known": int(len(known)),
            "scores_now": int(len(now)),
            f"{benchmark}_known": int((known["benchmark"] == benchmark).sum()),
            f"{benchmark}_now": int((now["benchmark"] == benchmark).sum()),
        }
    return out


def summarize(models: pd.DataFrame, scores: pd.DataFrame, benchmarks: pd.DataFrame | None = None,
              cutoffs: Sequence[date] = ()) -> dict[str, Any]:
    """All counts of `forecast data summary` as a JSON-ready dict (see the module docstring).

    Parameters
    ----------
    models, scores : pandas.DataFrame
        The registry tables.
    benchmarks : pandas.DataFrame, optional
        The benchmarks table; needed for `cutoffs`.
    cutoffs : sequence of date
        Dates for ``known_by_cutoff`` (`known_then`); none by default.

    Returns
    -------
    dict
        The counts; ``known_by_cutoff`` is empty without cutoffs.
    """
    years = models["release_date"].dt.year
    has_params = models["params_total"].notna()
    in_window = years.between(*COVERAGE_YEARS)
    mmlu_ids = set(scores.loc[scores["benchmark"] == "mmlu", "model_id"])
    with_mmlu = models[has_params & models["model_id"].isin(mmlu_ids)]
    mmlu_years = with_mmlu["release_date"].dt.year
    families_found = {}
    for label, family_ids in REQUIRED_FAMILIES.items():
        members = with_mmlu[with_mmlu["family"].isin(family_ids)]
        families_found[label] = sorted(members["model_id"])
    moe = models[models["moe"] == 1]
    per_benchmark = {
        str(b): {"observations": int(len(g)), "models": int(g["model_id"].nunique())}
        for b, g in scores.groupby("benchmark", sort=True)
    }
    per_source = {
        f"{s}/{p}": int(n)
        for (s, p), n in scores.groupby(["source", "protocol"], sort=True).size().items()
    }
    techniques = {
        t: {"yes": int((models[t] == 1).sum()), "no": int((models[t] == 0).sum()),
            "unknown": int(models[t].isna().sum())}
        for t in TECHNIQUE_COLUMNS
    }
    missing = {}
    for column in MODEL_COLUMNS:
        values = models[column]
        empty = values.isna() | (values.astype(str).str.len() == 0)
        missing[column] = int(empty.sum())
    return {
        "models": int(len(models)),
        "scores": int(len(scores)),
        "models_per_year": _counts(years),
        "scored_models_per_year": _counts(years[models["model_id"].isin(set(scores["model_id"]))]),
        "per_benchmark": per_benchmark,
        "per_source_protocol": per_source,
        "per_technique": techniques,
        "missing_values": missing,
        "known_by_cutoff": (known_then(models, scores, benchmarks, cutoffs)
                            if cutoffs and benchmarks is not None else {}),
        "exact_counts": {
            "scored_models": int(models["model_id"].isin(set(scores["model_id"])).sum()),
            "scored_with_exact_count": int((models["model_id"].isin(set(scores["model_id"]))
                                            & (models["params_exact"] == 1)).sum()),
        },
        "access": _counts(models["access"].replace("", "unknown").fillna("unknown")),
        "coverage": {
            "models_2018_2025_with_date_and_params": int((in_window & has_params).sum()),
            "models_with_date_params_mmlu": int(len(with_mmlu)),
            "mmlu_year_span": ([int(mmlu_years.min()), int(mmlu_years.max())]
                               if len(with_mmlu) else None),
            "mmlu_models_per_year": _counts(mmlu_years),
            "required_families_found": sorted(k for k, v in families_found.items() if v),
            "required_families_missing": sorted(k for k, v in families_found.items() if not v),
            "moe_models": int(len(moe)),
            "moe_with_params_active": int(moe["params_active"].notna().sum()),
            "moe_without_params_active": sorted(moe.loc[moe["params_active"].isna(), "model_id"]),
            "models_with_training_tokens": int(models["training_tokens"].notna().sum()),
            "scored_models_with_unknown_techniques": sorted(
                models.loc[models["model_id"].isin(set(scores["model_id"]))
                           & models[TECHNIQUE_COLUMNS].isna().any(axis=1), "model_id"]),
        },
    }
