"""`forecast targets`: the benchmarks and models a target can name, on the shipped registry (no fit)."""

from __future__ import annotations

import json

import jsonschema
from test_data_cli import run as run_main

from forecast.cli.output import json_schema


def targets(capsys, *args: str) -> dict:
    code, out, err = run_main(["targets", *args, "--json"], capsys)
    assert code == 0, err
    result = json.loads(out)
    jsonschema.Draft202012Validator(json_schema("targets"), format_checker=jsonschema.FormatChecker()).validate(result)
    return result


def test_the_fitted_benchmarks_are_targets_and_the_others_say_why(capsys):
    out = targets(capsys)
    rows = {r["benchmark"]: r for r in out["benchmarks"]}
    fitted = {b for b, r in rows.items() if r["target"]}
    assert fitted == {"mmlu", "mmlu_pro", "arc_c", "hellaswag", "winogrande", "bbh", "gsm8k", "humaneval"}
    assert all(r["reason"] is None for r in rows.values() if r["target"])
    assert "not in the fitted benchmark set" in rows["gpqa_diamond"]["reason"]
    assert rows["mmlu"]["models_with_size"] <= rows["mmlu"]["models"] and rows["mmlu"]["data_end"] == "2025-05-20"
    assert out["models"]["targets"] > 300
    assert "claude-3-opus-20240229" in out["models"]["examples"] or out["models"]["scored_without_size"] > 10


def test_a_benchmark_too_sparse_at_the_as_of_date_says_how_many_models_it_has(capsys):
    rows = {r["benchmark"]: r for r in targets(capsys, "--as-of", "2023-01-01")["benchmarks"]}
    assert not rows["mmlu_pro"]["target"]
    assert rows["mmlu_pro"]["reason"].endswith("the fit needs 12")
    assert f"{rows['mmlu_pro']['models_with_size']} models with a parameter count" in rows["mmlu_pro"]["reason"]


def test_a_date_with_nothing_to_fit_lists_every_benchmark_and_says_why(capsys):
    out = targets(capsys, "--as-of", "2021-07-01")
    assert not any(r["target"] for r in out["benchmarks"])
    assert all(r["reason"] for r in out["benchmarks"])
    assert "nothing to fit" in out["note"] and out["models"]["targets"] == 0
    code, text, _ = run_main(["targets", "--as-of", "2021-07-01"], capsys)
    assert code == 0 and "No target can be answered as of 2021-07-01" in " ".join(text.split())


def test_the_table_fits_80_columns(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    code, out, err = run_main(["targets"], capsys)
    assert code == 0, err
    assert "Score targets: mmlu" in out and "gpqa_diamond" in out
    assert max(len(line) for line in out.splitlines()) <= 80 and "…" not in out
