"""The shipped registry: coverage counts, well-known facts, loader behaviour."""

from __future__ import annotations

import json
import math
from datetime import date

import pandas as pd
import pytest

from forecast.cli import main
from forecast.core.errors import UserError
from forecast.inputs.registry import (
    MODEL_COLUMNS,
    SCORE_COLUMNS,
    TECHNIQUE_COLUMNS,
    Registry,
    load_registry,
)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


@pytest.fixture(scope="module")
def summary() -> dict:
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        main(["data", "summary", "--json"])
    return json.loads(buffer.getvalue())


def test_coverage_counts(summary):
    coverage = summary["coverage"]
    assert coverage["models_2018_2025_with_date_and_params"] >= 300
    assert coverage["models_with_date_params_mmlu"] >= 180
    first, last = coverage["mmlu_year_span"]
    assert first <= 2020 and last >= 2025
    assert coverage["required_families_missing"] == []
    assert coverage["scored_models_with_unknown_techniques"] == []
    # Every MoE model with a published size has its active parameters; the exceptions are
    # closed models whose active count is not published.
    assert set(coverage["moe_without_params_active"]) <= {
        "gemini-1.5-pro-0409", "gemini-1.5-pro-001", "gemini-1.5-pro-002", "qwen3-max"}
    assert coverage["moe_with_params_active"] >= 40
    assert coverage["models_with_training_tokens"] >= 300
    per_year = coverage["mmlu_models_per_year"]
    for year in range(2021, 2026):
        assert per_year.get(str(year), 0) >= 5, year
    for benchmark in ("mmlu", "arc_c", "hellaswag", "winogrande", "gsm8k", "humaneval",
                      "mmlu_pro", "bbh", "truthfulqa", "gpqa_diamond"):
        assert summary["per_benchmark"][benchmark]["observations"] >= 50, benchmark


# model_id, release date, total params, MMLU (fraction), citation
WELL_KNOWN = [
    ("gpt-3-175b", "2020-05-28", 175e9, 0.439, "Brown et al. 2020 arXiv:2005.14165; MMLU "
     "5-shot 43.9 from Hendrycks et al. 2020 arXiv:2009.03300"),
    ("gopher-280b", "2021-12-08", 280e9, 0.600, "Rae et al. 2021 arXiv:2112.11446, MMLU 60.0"),
    ("chinchilla-70b", "2022-03-29", 70e9, 0.675, "Hoffmann et al. 2022 arXiv:2203.15556, "
     "Table 6: 67.5"),
    ("palm-540b", "2022-04-04", 540e9, 0.693, "Chowdhery et al. 2022 arXiv:2204.02311, 69.3"),
    ("flan-t5-xxl", "2022-10-20", 11e9, 0.551, "Chung et al. 2022 arXiv:2210.11416, Flan-T5-XXL "
     "MMLU 55.1"),
    ("flan-t5-xl", "2022-10-20", 2.85e9, 0.524, "Chung et al. 2022 arXiv:2210.11416, 52.4; "
     "size from the google/flan-t5-xl config"),
    ("llama-7b", "2023-02-24", 6.7e9, 0.351, "Touvron et al. 2023 arXiv:2302.13971, Table 9"),
    ("llama-13b", "2023-02-24", 13e9, 0.469, "Touvron et al. 2023 arXiv:2302.13971, Table 9"),
    ("llama-65b", "2023-02-24", 65.2e9, 0.634, "Touvron et al. 2023 arXiv:2302.13971, Table 9"),
    ("llama-2-7b", "2023-07-18", 6.74e9, 0.453, "Touvron et al. 2023 arXiv:2307.09288, Table 3"),
    ("llama-2-70b", "2023-07-18", 70e9, 0.689, "Touvron et al. 2023 arXiv:2307.09288, Table 3"),
    ("mistral-7b-v0.1", "2023-09-27", 7.24e9, 0.601, "Jiang et al. 2023 arXiv:2310.06825, "
     "Table 2; release 2023-09-27"),
    ("phi-1.5", "2023-09-11", 1.418e9, 0.376, "Li et al. 2023 arXiv:2309.05463 (2-shot 37.6); "
     "1,418,270,720 parameters in the microsoft/phi-1_5 weights"),
    ("yi-34b", "2023-11-02", 34e9, 0.763, "Young et al. 2024 arXiv:2403.04652, 76.3"),
    ("mixtral-8x7b", "2023-12-11", 46.7e9, 0.706, "Jiang et al. 2024 arXiv:2401.04088, Table 2"),
    ("phi-2", "2023-12-12", 2.7e9, 0.567, "Microsoft Research Phi-2 blog, MMLU 56.7"),
    ("gemma-7b", "2024-02-21", 8.54e9, 0.643, "Gemma Team 2024 arXiv:2403.08295, Table 6"),
    ("gemma-2b", "2024-02-21", 2.51e9, 0.423, "Gemma Team 2024 arXiv:2403.08295, Table 6"),
    ("phi-3-mini-4k-instruct", "2024-04-23", 3.8e9, 0.688, "Abdin et al. 2024 arXiv:2404.14219"),
    ("llama-3.2-1b-instruct", "2024-09-25", 1.23e9, 0.493, "Llama 3.2 model card, MMLU 49.3"),
    ("llama-3.2-3b-instruct", "2024-09-25", 3.21e9, 0.634, "Llama 3.2 model card, MMLU 63.4"),
    ("qwen2.5-7b", "2024-09-19", 7.61e9, 0.742, "Qwen Team 2024 arXiv:2412.15115, Table 4"),
    ("olmo-2-1124-7b", "2024-11-26", 7.3e9, 0.637, "OLMo et al. 2024 arXiv:2501.00656"),
    ("phi-4", "2024-12-12", 14.7e9, 0.848, "Abdin et al. 2024 arXiv:2412.08905, MMLU 84.8"),
    ("gemma-3-27b", "2025-03-12", 27.4e9, 0.786, "Gemma 3 model card (pre-trained) 78.6"),
    ("qwen3-8b-base", "2025-04-29", 8.2e9, 0.7689, "Yang et al. 2025 arXiv:2505.09388"),
]


@pytest.mark.parametrize("model_id,released,params,mmlu,citation", WELL_KNOWN,
                         ids=[w[0] for w in WELL_KNOWN])
def test_well_known_models(registry, model_id, released, params, mmlu, citation):
    row = registry.model(model_id)
    assert row["release_date"] == pd.Timestamp(released), citation
    assert row["params_total"] == pytest.approx(params, rel=0.04), citation
    observed = registry.scores.query("model_id == @model_id and benchmark == 'mmlu'")["score"]
    assert (observed - mmlu).abs().min() <= 0.0015, (citation, list(observed))


def test_moe_rows_have_active_below_total(registry):
    moe = registry.models[registry.models["moe"] == 1]
    known = moe.dropna(subset=["params_total", "params_active"])
    assert (known["params_active"] < known["params_total"]).all()
    dense = registry.models[(registry.models["moe"] == 0) & registry.models["params_total"].notna()]
    assert (dense["params_active"] == dense["params_total"]).all()


def test_derived_models_never_predate_their_base(registry):
    models = registry.models.set_index("model_id")
    tuned = models[models["base_model"].astype(str).str.len() > 0]
    base_dates = models.loc[tuned["base_model"], "release_date"].to_numpy()
    assert (tuned["release_date"].to_numpy() >= base_dates).all()


def test_encoder_decoder_instruction_tuned_models_are_marked(registry):
    flan = registry.models[registry.models["family"] == "flan-t5"]
    assert len(flan) == 5
    assert set(flan["architecture"]) == {"encoder-decoder"}
    assert set(flan["instruction_tuned"]) == {1.0}
    assert (flan["release_date"] >= pd.Timestamp("2022-10-01")).all()


def test_scores_are_fractions_with_traceable_sources(registry):
    scores = registry.scores
    assert scores["score"].between(0, 1).all()
    assert scores["source"].isin(["self_reported", "independent"]).all()
    assert (scores["source_ref"].str.len() > 0).all()
    for ref in scores["source_ref"].head(500):
        for part in ref.split(";"):
            assert part.startswith("curation#") or "#row=" in part


def test_every_model_is_traceable(registry):
    models = registry.models
    assert (models["date_source"].str.len() > 0).all()
    with_params = models[models["params_total"].notna()]
    assert (with_params["params_source"].str.len() > 0).all()


def test_loaded_frame_types(registry):
    models = registry.models
    assert list(models.columns[: len(MODEL_COLUMNS)]) == MODEL_COLUMNS
    assert list(registry.scores.columns) == SCORE_COLUMNS
    assert pd.api.types.is_datetime64_any_dtype(models["release_date"])
    assert models["release_year"].dtype == float
    row = registry.model("gpt-3-175b")
    assert row["release_year"] == pytest.approx(2020 + 148 / 366)
    assert len(registry.sha256) == 64


def test_as_of_keeps_models_released_by_the_date(registry):
    cut = registry.as_of("2023-03-01")
    assert cut.models["release_date"].max() <= pd.Timestamp("2023-03-01")
    assert "llama-7b" in set(cut.models["model_id"])
    assert "llama-2-7b" not in set(cut.models["model_id"])
    assert set(cut.scores["model_id"]) <= set(cut.models["model_id"])
    assert cut.as_of(date(2020, 6, 1)).models["model_id"].tolist().count("gpt-3-175b") == 1
    with pytest.raises(UserError):
        registry.as_of("March 2023")
    assert len(load_registry(as_of="2022-01-01").models) == len(registry.as_of("2022-01-01").models)


def test_technique_matrix(registry):
    matrix = registry.technique_matrix(["moe", "distilled"])
    assert list(matrix.columns) == ["moe", "distilled"]
    assert matrix.loc["mixtral-8x7b", "moe"] == 1.0
    assert matrix.loc["llama-2-7b", "moe"] == 0.0
    assert matrix.loc["llama-3.2-1b", "distilled"] == 1.0
    assert matrix.dtypes.eq(float).all()
    assert set(TECHNIQUE_COLUMNS) >= set(matrix.columns)
    with pytest.raises(UserError):
        registry.technique_matrix(["not_a_technique"])
    scored = set(registry.scores["model_id"])
    full = registry.technique_matrix(TECHNIQUE_COLUMNS)
    assert not full.loc[sorted(scored)].isna().any().any()


def test_user_data_dir_defaults_benchmarks(tmp_path, registry):
    registry.models.head(0)  # the shipped tables load
    src = registry.source
    for name in ("models.csv", "scores.csv"):
        (tmp_path / name).write_bytes((src / name).read_bytes())
    user = load_registry(tmp_path)
    assert len(user.models) == len(registry.models)
    assert len(user.benchmarks) == len(registry.benchmarks)
    with pytest.raises(UserError):
        load_registry(tmp_path / "missing")


def test_small_models_cross_mmlu_early(registry):
    """The early crossings the backtest asks about are in the registry with their dates."""
    models = registry.models.set_index("model_id")
    mmlu = registry.scores[registry.scores["benchmark"] == "mmlu"]
    best = mmlu.groupby("model_id")["score"].max()
    joined = models.join(best.rename("mmlu"), how="inner")
    small = joined[joined["params_total"] <= 14e9]
    first_50 = small[small["mmlu"] >= 0.5]["release_date"].min()
    assert first_50 < pd.Timestamp("2023-01-01")  # Flan-T5-XL/XXL (2022-10)
    assert math.isfinite(small["release_year"].min())
