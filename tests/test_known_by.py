"""No hindsight in the data: reported dates, benchmark introductions, exact counts, public access."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from forecast.core.errors import UserError
from forecast.evaluation.events import Event, population_frame, reaches, realised
from forecast.inputs.registry import (
    BENCHMARKS_FILE,
    MODEL_COLUMNS,
    OPTIONAL_MODEL_COLUMNS,
    SCORE_COLUMNS,
    TECHNIQUE_COLUMNS,
    known_by,
    load_registry,
    shipped_benchmarks,
)

from test_data_cli import run as _run

from forecast.inputs.registry_build import curation as build_curation
from forecast.inputs.registry_build import sources as build_sources


@pytest.fixture(scope="module")
def shipped():
    return load_registry()


def test_every_shipped_score_is_dated_after_its_release_and_benchmark(shipped):
    scores = shipped.scores.merge(shipped.models[["model_id", "release_date"]], on="model_id")
    scores = scores.merge(shipped.benchmarks[["benchmark", "introduced"]], on="benchmark")
    assert scores["reported"].notna().all()
    assert (scores["reported"] >= scores["release_date"]).all()
    assert (scores["reported"] >= scores["introduced"]).all()
    assert (scores["reported_source"].str.len() > 0).all()
    assert shipped.benchmarks["introduced"].notna().all()


def test_shipped_as_of_sees_far_fewer_early_scores_than_exist_now(shipped):
    """At the 2022-01 cutoff most of today's scores of the models released by then did not exist."""
    models, known = known_by(shipped.models, shipped.scores, shipped.benchmarks, "2022-01-01")
    now = shipped.scores[shipped.scores["model_id"].isin(models["model_id"])]
    assert len(known) < 0.5 * len(now)
    assert not known["benchmark"].isin(["bbh", "mmlu_pro", "gpqa", "ifeval", "musr", "math_lvl5"]).any()
    assert (known["reported"] <= pd.Timestamp("2022-01-01")).all()


def _tables():
    models = pd.DataFrame({
        "model_id": ["a", "b", "c"],
        "release_date": pd.to_datetime(["2022-01-01", "2022-06-01", "2023-06-01"]),
    })
    scores = pd.DataFrame({
        "model_id": ["a", "a", "b", "b", "c"],
        "benchmark": ["mmlu", "mmlu_pro", "mmlu", "mmlu", "mmlu"],
        "score": [0.4, 0.2, 0.5, 0.51, 0.6],
        "reported": pd.to_datetime(["2022-01-01", "2024-07-01", "2022-06-01", "2023-09-01",
                                    "2023-06-01"]),
    })
    return models, scores, shipped_benchmarks()


def test_known_by_filters_releases_reports_and_benchmarks():
    models, scores, bench = _tables()
    m, s = known_by(models, scores, bench, "2023-01-01")
    assert list(m["model_id"]) == ["a", "b"]
    assert list(zip(s["model_id"], s["score"], strict=True)) == [("a", 0.4), ("b", 0.5)]
    m, s = known_by(models, scores, bench, "2024-07-01")  # MMLU-Pro exists from 2024-06-03
    assert len(m) == 3 and len(s) == 5
    m, s = known_by(models, scores, bench, "2024-05-01")  # the MMLU-Pro score is not yet public
    assert "mmlu_pro" not in set(s["benchmark"])


def _write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _user_registry(tmp_path: Path, reported: str | None, optional: bool = True) -> Path:
    model = {c: "" for c in MODEL_COLUMNS} | {
        "model_id": "alpha-7b", "name": "Alpha", "release_date": "2023-05-01",
        "params_total": "7e9", "params_active": "7e9", "open_weights": "1",
        "architecture": "decoder", "base_or_tuned": "base", "objective": "causal",
        "params_exact": "1", "access": "weights"} | {t: "0" for t in TECHNIQUE_COLUMNS}
    model_columns = MODEL_COLUMNS if optional else [c for c in MODEL_COLUMNS
                                                     if c not in OPTIONAL_MODEL_COLUMNS]
    _write(tmp_path / "models.csv", model_columns, [{c: model[c] for c in model_columns}])
    score = {"model_id": "alpha-7b", "benchmark": "mmlu", "score": "0.5", "shots": "5", "cot": "0",
             "protocol": "paper", "source": "self_reported", "source_ref": "x",
             "reported": reported or "", "reported_source": "card"}
    _write(tmp_path / "scores.csv", SCORE_COLUMNS, [score])
    return tmp_path


def test_a_score_without_reported_date_is_refused_naming_file_row_column(tmp_path, capsys):
    folder = _user_registry(tmp_path, None)
    with pytest.raises(UserError) as err:
        load_registry(folder)
    loc = err.value.location
    assert (Path(loc.file).name, loc.row, loc.column) == ("scores.csv", 1, "reported")
    code, out, err = _run(["data", "check", str(folder / "models.csv"),
                           str(folder / "scores.csv")], capsys)
    assert code == 2
    assert "'reported'" in err and "row 1" in err and "Traceback" not in err + out


def test_date_scores_by_release_dates_them_and_counts_them(tmp_path):
    registry = load_registry(_user_registry(tmp_path, None), date_scores_by_release=True)
    assert registry.undated_scores == 1
    assert registry.scores["reported"].iloc[0] == pd.Timestamp("2023-05-01")


def test_a_score_reported_before_its_release_is_refused(tmp_path):
    with pytest.raises(UserError) as err:
        load_registry(_user_registry(tmp_path, "2023-04-30"))
    assert err.value.location.column == "reported"


def test_optional_model_columns_default_to_exact_and_public(tmp_path):
    registry = load_registry(_user_registry(tmp_path, "2023-05-02", optional=False))
    row = registry.models.iloc[0]
    assert row["params_exact"] == 1 and row["access"] == "weights"


def test_benchmarks_file_needs_introduced_dates(tmp_path):
    folder = _user_registry(tmp_path, "2023-05-02")
    text = (Path(shipped_benchmarks.__code__.co_filename).parents[1] / "data" / BENCHMARKS_FILE)
    lines = text.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    assert header[-1] == "introduced"
    (folder / BENCHMARKS_FILE).write_text(
        "\n".join(line.rsplit(",", 1)[0] for line in lines) + "\n", encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_registry(folder)
    assert err.value.location.column == "introduced"


def _population_models(exact: int, size: float, access: str = "weights") -> tuple[pd.DataFrame, pd.DataFrame]:
    models = pd.DataFrame({"model_id": ["m"], "release_date": pd.to_datetime(["2024-01-01"]),
                           "params_total": [size], "params_exact": [exact], "access": [access]})
    scores = pd.DataFrame({"model_id": ["m"], "benchmark": ["mmlu"], "score": [0.7]})
    return models, scores


@pytest.mark.parametrize(("exact", "size", "budget", "decides"), [
    (1, 7.0e9, 7e9, True),     # an exact count at the budget decides it
    (0, 7.0e9, 7e9, False),    # a rounded "7B" could be 7.7B
    (0, 7.0e9, 8e9, False),    # ... or 6.5B: within 15% of 8B it cannot decide either
    (0, 7.0e9, 14e9, True),    # far from the budget the rounding does not matter
    (1, 7.72e9, 7e9, False),   # over the budget
])
def test_rounded_counts_do_not_decide_budgets_near_them(exact, size, budget, decides):
    models, scores = _population_models(exact, size)
    event = Event("mmlu", 0.65, budget)
    frame = population_frame(models, scores, event)
    assert bool(reaches(frame, event).iloc[0]) is decides


def test_unreleased_models_do_not_count_as_releases():
    models, scores = _population_models(1, 1e9, access="none")
    event = Event("mmlu", 0.65, 7e9)
    assert population_frame(models, scores, event).empty
    outcome = realised(models, scores, [event], data_end="2025-01-01").iloc[0]
    assert not outcome["reached"]


def test_build_dates_a_merged_score_by_its_earliest_report():
    obs = build_sources.Observation("m", "mmlu", 0.5, 5, 0, "paper", "independent", ["r1", "r2"], 1e-3,
                            [("2024-03-01", "leaderboard"), (build_sources.AT_RELEASE, "card"),
                             ("2023-12-01", "paper")])
    assert build_curation.first_report(obs, "2024-01-15", "2020-09-07") == ("2024-01-15", "card")
    assert build_curation.first_report(obs, "2023-06-01", "2020-09-07") == ("2023-06-01", "card")
    # nothing is public before its benchmark exists
    assert build_curation.first_report(obs, "2023-06-01", "2024-06-03")[0] == "2024-06-03"


def test_data_summary_counts_what_was_known_at_each_cutoff(capsys):
    code, out, err = _run(["data", "summary", "--json"], capsys)
    assert code == 0, err
    known = json.loads(out)["known_by_cutoff"]
    assert list(known)[0] == date(2021, 7, 1).isoformat()
    for counts in known.values():
        assert counts["scores_known"] <= counts["scores_now"]
        assert counts["mmlu_known"] <= counts["mmlu_now"]
    assert known["2022-01-01"]["scores_known"] < known["2022-01-01"]["scores_now"]
