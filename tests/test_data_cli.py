"""`forecast data`: summary, show, check; every bad-input case exits 2 naming file, row, column."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from forecast.cli import main
from forecast.inputs.registry import MODEL_COLUMNS, SCORE_COLUMNS, TECHNIQUE_COLUMNS


def run(args: list[str], capsys) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def model_row(model_id: str, **changes: str) -> dict[str, str]:
    row = {c: "" for c in MODEL_COLUMNS}
    row.update(model_id=model_id, name=model_id.upper(), organization="Lab", family="fam",
               release_date="2023-05-01", params_total="7000000000",
               params_active="7000000000", training_tokens="1000000000000", open_weights="1",
               architecture="decoder", base_or_tuned="base", objective="causal",
               params_exact="1", access="weights")
    for technique in TECHNIQUE_COLUMNS:
        row[technique] = "0"
    row.update(changes)
    return row


def score_row(model_id: str, **changes: str) -> dict[str, str]:
    row = dict(model_id=model_id, benchmark="mmlu", score="0.61", shots="5", cot="0",
               protocol="paper", source="self_reported", source_ref="my-paper#table-2",
               reported="2023-05-01", reported_source="my-paper")
    row.update(changes)
    return row


def write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def user_files(tmp_path):
    models = [model_row("alpha-7b"), model_row("beta-1b", params_total="1000000000",
                                               params_active="1000000000")]
    scores = [score_row("alpha-7b"), score_row("beta-1b", score="0.3")]
    return tmp_path, models, scores


def check(tmp_path, models, scores, capsys, model_columns=MODEL_COLUMNS,
          score_columns=SCORE_COLUMNS):
    m = write(tmp_path / "models.csv", model_columns, models)
    s = write(tmp_path / "scores.csv", score_columns, scores)
    return run(["data", "check", str(m), str(s)], capsys)


def test_check_accepts_valid_files(user_files, capsys):
    tmp_path, models, scores = user_files
    code, out, err = check(tmp_path, models, scores, capsys)
    assert code == 0, err
    assert "OK" in out and "models table, 2 rows" in out and "scores table, 2 rows" in out


def test_check_json(user_files, capsys):
    tmp_path, models, scores = user_files
    m = write(tmp_path / "models.csv", MODEL_COLUMNS, models)
    code, out, _ = run(["data", "check", "--json", str(m)], capsys)
    assert code == 0
    assert json.loads(out)["files"][0]["kind"] == "models"


def test_check_refuses_an_undated_score_unless_told_to_date_it_by_release(user_files, capsys):
    tmp_path, models, scores = user_files
    scores[1]["reported"] = ""
    code, _, err = check(tmp_path, models, scores, capsys)
    assert code == 2 and "reported" in err and "row 2" in err
    code, out, err = run(["--date-scores-by-release", "data", "check", "--json",
                          str(tmp_path / "models.csv"), str(tmp_path / "scores.csv")], capsys)
    assert code == 0, err
    assert "1 score rows have no reported date" in err and "sees the future" in err
    files = {f["kind"]: f for f in json.loads(out)["files"]}
    assert files["scores"]["dated_by_release"] == 1


BAD_MODELS = [
    # (description, row index to change, column, new value, expected words)
    ("unparseable date", 1, "release_date", "May 2023", ["is not a date"]),
    ("impossible date", 0, "release_date", "2023-02-30", ["not a valid calendar date"]),
    ("date before 1950", 0, "release_date", "1900-01-01", ["outside 1950-2100"]),
    ("negative params", 1, "params_total", "-7e9", ["must be positive"]),
    ("zero params", 0, "params_total", "0", ["must be positive"]),
    ("non-numeric params", 1, "params_total", "7B", ["is not a number"]),
    ("infinite params", 0, "params_total", "inf", ["is not a number"]),
    ("huge params", 0, "params_total", "1e30", ["implausibly large"]),
    ("bad technique value", 1, "moe", "yes", ["unknown value 'yes'"]),
    ("unknown architecture", 0, "architecture", "transformer", ["unknown value"]),
    ("bad model id", 1, "model_id", "Beta 1B", ["is not an id"]),
    ("active above total", 0, "params_active", "9e9", ["exceed total"]),
]


@pytest.mark.parametrize("label,index,column,value,words", BAD_MODELS,
                         ids=[b[0] for b in BAD_MODELS])
def test_bad_model_values(user_files, capsys, label, index, column, value, words):
    tmp_path, models, scores = user_files
    models[index][column] = value
    if column == "model_id":
        scores[index]["model_id"] = value.lower().replace(" ", "-")
    code, out, err = check(tmp_path, models, scores, capsys)
    assert code == 2, (label, out, err)
    line = " ".join(err.split())
    assert "models.csv" in line and f"row {index + 1}" in line and f"column '{column}'" in line
    for word in words:
        assert word in line, (label, line)
    assert "Traceback" not in err


def test_empty_technique_of_a_scored_model_is_accepted(user_files, capsys):
    """Unknown, never refused: the fit imputes it from the technique's adoption
    (tests/test_overlay.py)."""
    tmp_path, models, scores = user_files
    models[0]["distilled"] = ""
    code, out, err = check(tmp_path, models, scores, capsys)
    assert code == 0, err


def test_duplicate_model_id(user_files, capsys):
    tmp_path, models, scores = user_files
    models[1]["model_id"] = "alpha-7b"
    code, _, err = check(tmp_path, models, scores[:1], capsys)
    line = " ".join(err.split())
    assert code == 2
    assert "models.csv, row 2, column 'model_id'" in line and "duplicate model_id" in line


BAD_SCORES = [
    ("score above one", "score", "1.3", ["outside [0, 1]", "looks like a percentage"]),
    ("percentage", "score", "61.2", ["looks like a percentage"]),
    ("negative score", "score", "-0.1", ["outside [0, 1]"]),
    ("score far too large", "score", "250", ["outside [0, 1]"]),
    ("non-numeric score", "score", "61%", ["is not a number"]),
    ("nan score", "score", "nan", ["is not a number"]),
    ("unknown benchmark", "benchmark", "mmmlu", ["unknown benchmark 'mmmlu'"]),
    ("unknown model", "model_id", "gamma-3b", ["'gamma-3b' is not in the models table"]),
    ("bad source", "source", "vendor", ["unknown value 'vendor'"]),
    ("fractional shots", "shots", "2.5", ["whole number"]),
    ("bad cot flag", "cot", "true", ["unknown value 'true'"]),
]


@pytest.mark.parametrize("label,column,value,words", BAD_SCORES, ids=[b[0] for b in BAD_SCORES])
def test_bad_score_values(user_files, capsys, label, column, value, words):
    tmp_path, models, scores = user_files
    scores[1][column] = value
    code, out, err = check(tmp_path, models, scores, capsys)
    assert code == 2, (label, out, err)
    line = " ".join(err.split())
    assert "scores.csv" in line and "row 2" in line and f"column '{column}'" in line, line
    for word in words:
        assert word in line, (label, line)


@pytest.mark.parametrize("kind", ["models", "scores"])
def test_missing_column(user_files, capsys, kind):
    tmp_path, models, scores = user_files
    if kind == "models":
        columns = [c for c in MODEL_COLUMNS if c != "release_date"]
        rows = [{k: v for k, v in r.items() if k != "release_date"} for r in models]
        code, _, err = check(tmp_path, rows, scores, capsys, model_columns=columns)
        expected = "models.csv, column 'release_date': required column is missing"
    else:
        columns = [c for c in SCORE_COLUMNS if c != "shots"]
        rows = [{k: v for k, v in r.items() if k != "shots"} for r in scores]
        code, _, err = check(tmp_path, models, rows, capsys, score_columns=columns)
        expected = "scores.csv, column 'shots': required column is missing"
    assert code == 2
    assert expected in " ".join(err.split())


def test_malformed_files(tmp_path, capsys):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    code, _, err = run(["data", "check", str(empty)], capsys)
    assert code == 2 and "empty" in err
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"model_id,name\n\xff\xfe\x00junk\n")
    code, _, err = run(["data", "check", str(binary)], capsys)
    assert code == 2 and "UTF-8" in err
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("benchmark,name,chance,metric,default_shots,citation,introduced\nmmlu,MMLU,0.25\n")
    code, _, err = run(["data", "check", str(ragged)], capsys)
    assert code == 2 and "row 1" in err and "fields" in err
    code, _, err = run(["data", "check", str(tmp_path / "absent.csv")], capsys)
    assert code == 2 and "file not found" in err


def test_bom_is_accepted(user_files, capsys):
    tmp_path, models, scores = user_files
    m = write(tmp_path / "models.csv", MODEL_COLUMNS, models)
    m.write_bytes(b"\xef\xbb\xbf" + m.read_bytes())
    s = write(tmp_path / "scores.csv", SCORE_COLUMNS, scores)
    code, _, err = run(["data", "check", str(m), str(s)], capsys)
    assert code == 0, err


def test_user_registry_through_data_option(user_files, capsys):
    tmp_path, models, scores = user_files
    write(tmp_path / "models.csv", MODEL_COLUMNS, models)
    write(tmp_path / "scores.csv", SCORE_COLUMNS, scores)
    code, out, err = run(["data", "summary", "--json", "--data", str(tmp_path)], capsys)
    assert code == 0, err
    result = json.loads(out)
    assert result["models"] == 2 and result["scores"] == 2
    assert result["coverage"]["models_with_date_params_mmlu"] == 2
    code, out, _ = run(["data", "show", "--data", str(tmp_path), "--json", "--name", "beta"],
                       capsys)
    assert code == 0
    assert [m["model_id"] for m in json.loads(out)["models"]] == ["beta-1b"]


def test_summary_table_and_show(capsys):
    code, out, err = run(["data", "summary"], capsys)
    assert code == 0, err
    assert "Coverage" in out and "mmlu" in out
    code, out, err = run(["data", "show", "--family", "llama-3.2", "--benchmark", "mmlu",
                          "--since", "2024-01-01", "--json"], capsys)
    assert code == 0, err
    shown = json.loads(out)
    ids = {m["model_id"] for m in shown["models"]}
    assert {"llama-3.2-1b", "llama-3.2-3b-instruct"} <= ids
    assert {s["benchmark"] for s in shown["scores"]} == {"mmlu"}
    code, out, _ = run(["data", "show", "--until", "2020-12-31", "--name", "gpt-3"], capsys)
    assert code == 0 and "gpt-3-175b" in out
    code, _, err = run(["data", "show", "--since", "2024/01/01"], capsys)
    assert code == 2 and "--since" in err
    code, _, err = run(["data", "show", "--benchmark", "not-a-benchmark"], capsys)
    assert code == 2 and "--benchmark" in err


@pytest.mark.parametrize("width", [80, 140])
def test_show_table_fits_the_terminal(capsys, monkeypatch, width):
    """`data show` at a standard and a wide terminal: every column keeps its values whole (long ids
    fold), mixtures of experts show total/active parameters, and a narrow terminal says which
    columns it left out."""
    from forecast.cli.output import console

    monkeypatch.setattr(console, "width", width)
    code, out, err = run(["data", "show", "--name", "mixtral-8x7b", "--benchmark", "mmlu"], capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert "\u2026" not in out and max(len(line) for line in lines) <= width
    header = next(line for line in lines if "model_id" in line)
    assert header.split() == (["model_id", "released", "params", "tokens", "open", "tuned", "best", "mmlu"]
                              if width < 100 else
                              ["model_id", "released", "org", "params", "tokens", "open", "arch", "tuned",
                               "best", "mmlu"])
    row = next(line for line in lines if line.strip().startswith("mixtral-8x7b "))
    assert "46.7B/12.9B" in row and "yes" in row
    assert ("org and arch left out below 100 columns" in " ".join(out.split())) == (width < 100)
