"""The registry build: deterministic, and the shipped tables are its output."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from forecast.inputs.registry import load_registry
from forecast.inputs.registry_build.build import build

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO.parent / "shared" / "data"
SHIPPED = REPO / "forecast" / "data"
TABLES = ("models.csv", "scores.csv", "benchmarks.csv")

needs_sources = pytest.mark.skipif(
    not SOURCES.is_dir(),
    reason=f"public source files not found at {SOURCES} (the build reads ../shared/data)")


@needs_sources
def test_rebuild_is_byte_identical_to_shipped(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    report = build(SOURCES, first, SHIPPED / "curation.csv")
    build(SOURCES, second, SHIPPED / "curation.csv")
    for name in TABLES:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
        assert (first / name).read_bytes() == (SHIPPED / name).read_bytes(), (
            f"{name} differs from the shipped table: run forecast data build --sources "
            f"{SOURCES}")
        assert b"\r" not in (first / name).read_bytes()
    assert report["models"] == len(load_registry(first).models)
    for source in ("obsscaling/base_llm_benchmark_eval.csv",
                   "open_llm_leaderboard_v1/huggingface_v1.csv",
                   "epoch_models_2025/Epoch Database - Notable Models.csv",
                   "llmstats/llmstats_scores_long.csv"):
        assert report["rows_used"][source] > 0, source


@needs_sources
def test_build_drops_leaderboard_merges_and_quantised_runs(tmp_path):
    build(SOURCES, tmp_path, SHIPPED / "curation.csv")
    refs = [r["source_ref"] for r in csv.DictReader(open(tmp_path / "scores.csv"))]
    oll_rows = {int(p.split("#row=")[1]) for r in refs for p in r.split(";")
                if p.startswith("open_llm_leaderboard_v1/")}
    with open(SOURCES / "open_llm_leaderboard_v1" / "huggingface_v1.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    kept = [rows[i - 1] for i in sorted(oll_rows)]
    assert kept and all(r["precision"] in ("float16", "bfloat16") for r in kept)
    assert not any("merge" in r["type"] for r in kept)


def test_curation_rows_are_cited_and_unique():
    with open(SHIPPED / "curation.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) > 300
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    assert all(r["citation"].strip() for r in rows)


def test_shipped_tables_use_plain_numbers_and_unix_line_ends():
    models = (SHIPPED / "models.csv").read_bytes()
    assert b"\r\n" not in models
    header = models.split(b"\n", 1)[0].decode()
    assert header.startswith("model_id,name,organization,family,release_date,params_total")
    for row in csv.DictReader(open(SHIPPED / "models.csv", encoding="utf-8")):
        for column in ("params_total", "params_active", "training_tokens"):
            assert row[column] == "" or row[column].isdigit(), (row["model_id"], column)
