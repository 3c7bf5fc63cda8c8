"""Property tests: no malformed CSV makes the registry loader raise anything but UserError.

Hypothesis generates files that start from valid tables and break them in the ways user files
break: missing, duplicated or reordered headers, empty files, non-UTF-8 bytes, a byte-order
mark, NUL bytes, ragged rows, stray quotes, NaN/inf, huge and negative numbers, very long
fields, dates outside 1950-2100, and random cell values in every column.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forecast.core.errors import UserError
from forecast.inputs.registry import (
    BENCHMARK_COLUMNS,
    MODEL_COLUMNS,
    SCORE_COLUMNS,
    TECHNIQUE_COLUMNS,
    check_files,
    csv_bytes,
    load_registry,
)

GOOD_MODEL = {c: "" for c in MODEL_COLUMNS} | {
    "model_id": "alpha-7b", "name": "Alpha", "organization": "Lab", "family": "alpha",
    "release_date": "2023-05-01", "params_total": "7e9", "params_active": "7e9",
    "training_tokens": "1e12", "open_weights": "1", "architecture": "decoder",
    "base_or_tuned": "base", "objective": "causal"} | {t: "0" for t in TECHNIQUE_COLUMNS}
GOOD_SCORE = {"model_id": "alpha-7b", "benchmark": "mmlu", "score": "0.5", "shots": "5",
              "cot": "0", "protocol": "paper", "source": "self_reported", "source_ref": "x",
              "reported": "2023-05-01", "reported_source": "x"}
GOOD_BENCH = {"benchmark": "mmlu", "name": "MMLU", "chance": "0.25", "metric": "accuracy",
              "default_shots": "5", "citation": "arXiv:2009.03300", "introduced": "2020-09-07"}

NASTY_CELLS = st.sampled_from([
    "", " ", "nan", "NaN", "inf", "-inf", "1e400", "-1e400", "1e30", "-7e9", "0", "-0", "1",
    "0.5", "61.2", "100", "1.0", "2", "1_000", "0x10", "７", "7B", "1,000", "2023-02-30",
    "1899-12-31", "2101-01-01", "2023-13-01", "23-05-01", "2023/05/01", "9999-99-99", "true",
    "None", "null", "decoder", "hybrid", "ssm", "base", "tuned", "mmlu", "gsm8k",
    "self_reported", "independent", "alpha-7b", "Alpha 7B", "é", "\u200b", "\"", "'",
    "x" * 5000, "1" * 400, "a,b", "line\nbreak", "\t", "=1+1",
])
CELL = st.one_of(NASTY_CELLS, st.text(max_size=30), st.floats(allow_nan=True,
                                                              allow_infinity=True).map(repr),
                 st.integers(min_value=-10**30, max_value=10**30).map(str))


render = csv_bytes


@st.composite
def table_bytes(draw, columns: list[str], good: dict[str, str]) -> bytes:
    """A table derived from a valid one by a few random corruptions."""
    header = list(columns)
    mutation = draw(st.sampled_from(["cells", "drop", "dup", "shuffle", "extra", "none"]))
    if mutation == "drop":
        header.remove(draw(st.sampled_from(header)))
    elif mutation == "dup":
        header.insert(draw(st.integers(0, len(header))), draw(st.sampled_from(header)))
    elif mutation == "shuffle":
        header = draw(st.permutations(header))
    elif mutation == "extra":
        header.append(draw(st.text(min_size=0, max_size=8)))
    n_rows = draw(st.integers(0, 4))
    rows = []
    for _ in range(n_rows):
        row = dict(good)
        for column in draw(st.lists(st.sampled_from(columns), max_size=4)):
            row[column] = draw(CELL)
        rows.append(row)
    data = render(header, rows)
    raw = draw(st.sampled_from(["keep", "bom", "truncate", "bytes", "nul", "ragged",
                                "quote", "empty", "latin1"]))
    if raw == "bom":
        data = b"\xef\xbb\xbf" + data
    elif raw == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif raw == "bytes":
        position = draw(st.integers(0, len(data)))
        data = data[:position] + draw(st.binary(min_size=1, max_size=8)) + data[position:]
    elif raw == "nul":
        data = data.replace(b",", b"\x00,", 1)
    elif raw == "ragged":
        data = data + b"only,two\n"
    elif raw == "quote":
        data = data.replace(b",", b',"', 1)
    elif raw == "empty":
        data = draw(st.sampled_from([b"", b"\n\n", b"\xef\xbb\xbf", b",,,\n"]))
    elif raw == "latin1":
        data = data + "caf\u00e9".encode("latin-1") + b"\n"
    return data


GENERATED = {"inputs": 0, "user_errors": 0, "loaded": 0}


def _load_folder(models: bytes, scores: bytes, bench: bytes | None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "models.csv").write_bytes(models)
        (root / "scores.csv").write_bytes(scores)
        if bench is not None:
            (root / "benchmarks.csv").write_bytes(bench)
        GENERATED["inputs"] += 1
        try:
            load_registry(root)
            GENERATED["loaded"] += 1
        except UserError:
            GENERATED["user_errors"] += 1
        try:
            paths = [root / "models.csv", root / "scores.csv"]
            if bench is not None:
                paths.append(root / "benchmarks.csv")
            check_files(paths)
        except UserError:
            pass


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.data_too_large])
@given(models=table_bytes(MODEL_COLUMNS, GOOD_MODEL),
       scores=table_bytes(SCORE_COLUMNS, GOOD_SCORE),
       bench=st.one_of(st.none(), table_bytes(BENCHMARK_COLUMNS, GOOD_BENCH)))
def test_malformed_registry_raises_only_user_error(models, scores, bench):
    _load_folder(models, scores, bench)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models=st.binary(max_size=300), scores=st.binary(max_size=300))
def test_random_bytes_raise_only_user_error(models, scores):
    _load_folder(models, scores, None)


@settings(max_examples=500, deadline=None)
@given(cells=st.lists(CELL, min_size=len(MODEL_COLUMNS), max_size=len(MODEL_COLUMNS)))
def test_single_model_row_of_random_cells(cells):
    row = dict(zip(MODEL_COLUMNS, cells, strict=True))
    _load_folder(render(MODEL_COLUMNS, [row]), render(SCORE_COLUMNS, []), None)


def test_generated_input_count():
    """Runs after the property tests in this module: report how many inputs they generated."""
    if GENERATED["inputs"]:
        print(f"\ngenerated {GENERATED['inputs']} malformed registries: "
              f"{GENERATED['user_errors']} rejected with UserError, {GENERATED['loaded']} valid")
        assert GENERATED["user_errors"] > GENERATED["loaded"] > 0
