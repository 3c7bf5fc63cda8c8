"""LLM-Stats' model.json files flattened into the two CSV files the registry build reads: the
shipped snapshot gives the shipped files byte for byte, the layout rules hold on a small tree,
bad input is refused naming the file and key, and the build flattens a download by itself."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from forecast.core.errors import UserError
from forecast.inputs.registry_build.build import build
from forecast.inputs.registry_build.llmstats_flatten import (MODELS_COLUMNS, MODELS_FILE,
                                                             SCORES_COLUMNS, SCORES_FILE,
                                                             flat_tables, flatten,
                                                             write_flat_tables)
from forecast.inputs.registry_build.sources import Builder
from tests.test_data_cli import run

REPO = Path(__file__).resolve().parents[1]
# the public sources beside the project (as tests/test_registry_build.py finds them); a git
# worktree elsewhere can point FORECAST_TEST_SOURCES at the same folder
SOURCES = Path(os.environ.get("FORECAST_TEST_SOURCES") or REPO.parent / "shared" / "data")
LLMSTATS = SOURCES / "llmstats"
SHIPPED = REPO / "forecast" / "data"

needs_sources = pytest.mark.skipif(
    not (LLMSTATS / "models").is_dir(),
    reason=f"LLM-Stats snapshot not found at {LLMSTATS / 'models'} (the tests read "
           f"../shared/data, or FORECAST_TEST_SOURCES)")


def model_json(name: str, metrics: list[dict] | None = None, **fields: object) -> dict:
    return {"name": name, "release_date": "2024-05-01", **fields,
            "qualitative_metrics": metrics if metrics is not None else []}


def metric(dataset: str, score: float, **fields: object) -> dict:
    return {"dataset_name": dataset, "score": score, "is_self_reported": True,
            "analysis_method": "Accuracy", "date_recorded": "2024-05-02",
            "source_link": "https://example.org", **fields}


def tree(root: Path, files: dict[str, dict | str]) -> Path:
    """A download folder: `files` maps ``org/model`` to its model.json (a dict, or raw text)."""
    for where, content in files.items():
        path = root / "models" / where / "model.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content if isinstance(content, str) else json.dumps(content),
                        encoding="utf-8")
    return root


# --- the shipped snapshot -------------------------------------------------------------------

@needs_sources
@pytest.mark.parametrize("src", ["download folder", "models folder"])
def test_the_snapshot_flattens_to_the_shipped_files_byte_for_byte(src):
    tables = flat_tables(LLMSTATS if src == "download folder" else LLMSTATS / "models")
    assert list(tables) == [MODELS_FILE, SCORES_FILE]
    for name, data in tables.items():
        assert data == (LLMSTATS / name).read_bytes(), f"{name} differs from the shipped file"


@needs_sources
def test_the_frames_equal_the_shipped_files_cell_by_cell():
    models, scores = flatten(LLMSTATS)
    for frame, name in ((models, MODELS_FILE), (scores, SCORES_FILE)):
        shipped = pd.read_csv(LLMSTATS / name, dtype=str, keep_default_na=False)
        pd.testing.assert_frame_equal(frame.reset_index(drop=True), shipped, check_dtype=False)
    assert len(models) == len(list((LLMSTATS / "models").glob("*/*/model.json")))


@needs_sources
def test_a_malformed_file_in_a_copy_of_the_snapshot_is_named(tmp_path):
    shutil.copytree(LLMSTATS / "models", tmp_path / "models")
    victim = tmp_path / "models" / "meta" / "llama-3.1-8b-instruct" / "model.json"
    victim.write_text(victim.read_text()[:-20], encoding="utf-8")
    with pytest.raises(UserError) as err:
        flat_tables(tmp_path)
    assert err.value.location.file == str(victim)
    assert "not valid JSON" in str(err.value) and str(victim) in str(err.value)
    data = json.loads((LLMSTATS / "models" / "meta" / "llama-3.1-8b-instruct" / "model.json")
                      .read_text())
    del data["qualitative_metrics"][2]["dataset_name"]
    victim.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(UserError) as err:
        flat_tables(tmp_path)
    assert err.value.location.file == str(victim)
    assert err.value.location.key == "qualitative_metrics[2].dataset_name"


def _llmstats_only(root: Path, with_csv: bool) -> Path:
    """A sources folder holding only ``llmstats/``: the snapshot's models/ tree (linked), and
    its two CSV files (copied) when `with_csv`."""
    (root / "llmstats").mkdir(parents=True)
    (root / "llmstats" / "models").symlink_to(LLMSTATS / "models", target_is_directory=True)
    if with_csv:
        for name in (MODELS_FILE, SCORES_FILE):
            shutil.copy(LLMSTATS / name, root / "llmstats" / name)
    return root


@needs_sources
def test_the_builder_reads_a_flattened_download_as_it_reads_the_csv_files(tmp_path):
    from_csv = Builder(_llmstats_only(tmp_path / "csv", True), SHIPPED / "curation.csv")
    from_json = Builder(_llmstats_only(tmp_path / "json", False), SHIPPED / "curation.csv")
    from_csv.load_llmstats()
    from_json.load_llmstats()
    assert from_csv.flattened == [] and from_json.flattened == ["llmstats"]
    assert from_json.observations and from_json.observations == from_csv.observations
    assert dict(from_json.rows_used) == dict(from_csv.rows_used)
    assert {k: vars(v) for k, v in from_json.facts.items()} == {
        k: vars(v) for k, v in from_csv.facts.items()}
    assert sorted(p.name for p in (tmp_path / "json" / "llmstats").iterdir()) == ["models"]


@needs_sources
def test_a_build_from_the_models_tree_alone_gives_the_shipped_tables(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    for folder in SOURCES.iterdir():
        if folder.is_dir() and folder.name != "llmstats":
            (sources / folder.name).symlink_to(folder, target_is_directory=True)
    _llmstats_only(sources, with_csv=False)
    report = build(sources, tmp_path / "out", SHIPPED / "curation.csv")
    assert report["flattened"] == ["llmstats"]
    for name in ("models.csv", "scores.csv", "benchmarks.csv"):
        assert (tmp_path / "out" / name).read_bytes() == (SHIPPED / name).read_bytes(), name
    assert sorted(p.name for p in (sources / "llmstats").iterdir()) == ["models"]


# --- the layout rules, on a small tree --------------------------------------------------------

def test_the_layout_rules_on_a_small_tree(tmp_path):
    tree(tmp_path, {
        "beta/x-r1": model_json("X R1", [metric("GPQA", 0.5), metric("GPQA", 0.6),
                                         metric("Arena Hard", 1, model_id="ignored")],
                                param_count=7000000000, training_tokens=None,
                                input_context_size=4096, output_context_size=2048,
                                multimodal=False,
                                description='Says "hi", twice'),
        "beta/x-r1-zero": model_json("X R1 Zero", [metric("MMLU", 0.25)], param_count=1.5e9,
                                     input_context_size=8192, output_context_size=8192,
                                     multimodal=True,
                                     license=["a", "b"]),
        "alpha/empty": model_json("Empty", input_context_size=128),
    })
    models, scores = flatten(tmp_path)
    assert tuple(models.columns) == MODELS_COLUMNS and tuple(scores.columns) == SCORES_COLUMNS
    # folder order: the path as text, so "x-r1-zero/" sorts before "x-r1/"
    assert list(models["model_id"]) == ["empty", "x-r1-zero", "x-r1"]
    assert list(models["org"]) == ["alpha", "beta", "beta"]
    # a numeric column with a missing value is written as floats; a complete integer one as ints
    assert list(models["param_count"]) == ["", "1500000000.0", "7000000000.0"]
    assert list(models["input_context_size"]) == ["128", "8192", "4096"]
    assert list(models["output_context_size"]) == ["", "8192.0", "2048.0"]
    assert list(models["training_tokens"]) == ["", "", ""]
    assert list(models["multimodal"]) == ["", "True", "False"]
    assert list(models["license"]) == ["", '["a", "b"]', ""]
    # the first entry of a benchmark fills its column
    assert list(models["score_GPQA"]) == ["", "", "0.5"]
    assert list(models["score_MMLU"]) == ["", "0.25", ""]
    # one score row per entry, in the file's order; a model without entries has none
    assert list(zip(scores["model_id"], scores["dataset_name"], scores["score"])) == [
        ("x-r1-zero", "MMLU", "0.25"), ("x-r1", "GPQA", "0.5"), ("x-r1", "GPQA", "0.6"),
        ("x-r1", "Arena Hard", "1.0")]
    assert list(scores["param_count"]) == ["1500000000.0", "7000000000.0", "7000000000.0",
                                           "7000000000.0"]
    text = flat_tables(tmp_path)[MODELS_FILE].decode("utf-8")
    assert '"Says ""hi"", twice"' in text and "\r" not in text
    assert text.splitlines()[0] == ",".join(MODELS_COLUMNS)


# --- bad input ---------------------------------------------------------------------------------

@pytest.mark.parametrize("content, key, words", [
    ('{"name": "M", ', None, "not valid JSON"),
    ("[1, 2]", None, "expected a JSON object"),
    (json.dumps({"qualitative_metrics": []}), "name", "missing required field"),
    (json.dumps({"name": "M"}), "qualitative_metrics", "missing required field"),
    (json.dumps({"name": "M", "qualitative_metrics": {}}), "qualitative_metrics",
     "expected list"),
    (json.dumps({"name": "M", "qualitative_metrics": [{"score": 0.5}]}),
     "qualitative_metrics[0].dataset_name", "missing required field"),
    (json.dumps({"name": "M", "qualitative_metrics": [{"dataset_name": "MMLU"}]}),
     "qualitative_metrics[0].score", "missing required field"),
    (json.dumps({"name": "M", "qualitative_metrics": [{"dataset_name": "MMLU",
                                                       "score": "85%"}]}),
     "qualitative_metrics[0].score", "expected a number"),
    (json.dumps({"name": "M", "param_count": "7B", "qualitative_metrics": []}), "param_count",
     "expected a number or null"),
])
def test_a_bad_model_file_is_refused_naming_file_and_key(tmp_path, content, key, words):
    tree(tmp_path, {"good/a": model_json("A", [metric("MMLU", 0.5)]), "lab/m": content})
    with pytest.raises(UserError) as err:
        flatten(tmp_path)
    bad = tmp_path / "models" / "lab" / "m" / "model.json"
    assert err.value.location.file == str(bad)
    assert err.value.location.key == key
    assert words in str(err.value)


def test_a_missing_or_empty_download_is_refused(tmp_path):
    with pytest.raises(UserError, match="download folder not found"):
        flatten(tmp_path / "nope")
    (tmp_path / "models" / "lab").mkdir(parents=True)
    with pytest.raises(UserError, match="no model files found"):
        flatten(tmp_path)


def test_the_builder_refuses_a_folder_without_csv_files_or_models(tmp_path):
    (tmp_path / "llmstats").mkdir()
    with pytest.raises(UserError) as err:
        Builder(tmp_path, SHIPPED / "curation.csv").load_llmstats()
    assert err.value.location.file == str(tmp_path / "llmstats" / MODELS_FILE)
    assert "models/" in str(err.value)


def test_the_builder_flattens_a_small_download_and_writes_nothing(tmp_path):
    tree(tmp_path / "llmstats", {"meta/llama-3.1-8b-instruct": model_json(
        "Llama 3.1 8B Instruct", [metric("MMLU", 0.694, is_self_reported=False)])})
    builder = Builder(tmp_path, SHIPPED / "curation.csv")
    builder.load_llmstats()
    assert builder.flattened == ["llmstats"]
    assert builder.rows_used[f"llmstats/{SCORES_FILE}"] == 1
    assert [(o.model_id, o.benchmark, o.score) for o in builder.observations] == [
        ("llama-3.1-8b-instruct", "mmlu", 0.694)]
    assert sorted(p.name for p in (tmp_path / "llmstats").iterdir()) == ["models"]


# --- writing the files, and the command -------------------------------------------------------

def test_writing_is_atomic_and_reports_what_changed(tmp_path):
    src = tree(tmp_path / "src", {"lab/a": model_json("A", [metric("MMLU", 0.5)])})
    out = tmp_path / "out"
    out.mkdir()
    report = write_flat_tables(src, out)
    assert report["models"] == 1 and report["scores"] == 1
    assert report["changed"] == [MODELS_FILE, SCORES_FILE]
    assert sorted(p.name for p in out.iterdir()) == [MODELS_FILE, SCORES_FILE]
    assert write_flat_tables(src, out)["changed"] == []
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (src / "models" / "lab" / "b").mkdir()
    (src / "models" / "lab" / "b" / "model.json").write_text("{", encoding="utf-8")
    with pytest.raises(UserError):
        write_flat_tables(src, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_the_command_writes_the_files_and_refuses_bad_input_with_exit_2(tmp_path, capsys):
    src = tree(tmp_path / "src", {"lab/a": model_json("A", [metric("MMLU", 0.5)])})
    out = tmp_path / "out"
    code, stdout, err = run(["data", "flatten-llmstats", str(src), "--out", str(out)], capsys)
    assert code == 0, err
    assert "Wrote 1 models and 1 score rows" in stdout
    assert (out / MODELS_FILE).read_bytes() == flat_tables(src)[MODELS_FILE]
    code, stdout, err = run(["data", "flatten-llmstats", str(src / "models"), "--out", str(out),
                             "--json"], capsys)
    assert code == 0 and json.loads(stdout)["changed"] == []
    bad = src / "models" / "lab" / "a" / "model.json"
    bad.write_text(json.dumps({"name": "A", "qualitative_metrics": [{"score": 0.5}]}))
    code, stdout, err = run(["data", "flatten-llmstats", str(src), "--out", str(out)], capsys)
    assert code == 2
    assert str(bad) in err and "qualitative_metrics[0].dataset_name" in err
    assert "Traceback" not in err + stdout
    code, stdout, err = run(["data", "flatten-llmstats", str(tmp_path / "nope"), "--out",
                             str(tmp_path / "out2")], capsys)
    assert code == 2 and "download folder not found" in err and "Traceback" not in err
    assert not (tmp_path / "out2").exists()
