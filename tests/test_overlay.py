"""The user's own releases: `forecast data add|import|overlay`, the overlay's effect on the
registry and its hash, unknown technique columns, and (slow) a refit that uses them."""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from forecast.cli import main
from forecast.core.errors import UserError
from forecast.core.paths import default_data_dir, overlay_dir, user_data_dir
from forecast.inputs.overlay import add_release, import_files, list_overlay, remove_model
from forecast.inputs.registry import (MODEL_COLUMNS, SCORE_COLUMNS, TECHNIQUE_COLUMNS,
                                      load_registry, read_csv_file)

SHIPPED = default_data_dir()


def _run(args: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = main(args)
    except SystemExit as exc:  # typer's standalone mode
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return int(code or 0), out, err


def shipped_digest() -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(SHIPPED.glob("*"))
            if p.is_file()}


def small_registry(folder: Path, step: int = 5) -> Path:
    """Every `step`-th shipped model with a parameter count and an MMLU score (by release date),
    with its MMLU scores only: a registry that fits in a minute or two."""
    folder.mkdir(parents=True, exist_ok=True)
    models, scores = read_csv_file(SHIPPED / "models.csv"), read_csv_file(SHIPPED / "scores.csv")
    mmlu = {r["model_id"] for r in scores.rows if r["benchmark"] == "mmlu"}
    rows = sorted((r for r in models.rows if r["model_id"] in mmlu and r["params_total"]),
                  key=lambda r: (r["release_date"], r["model_id"]))[::step]
    ids = {r["model_id"] for r in rows}
    for r in rows:
        if r["base_model"] not in ids:
            r["base_model"] = ""
    for name, table, keep in (("models.csv", models, rows),
                              ("scores.csv", scores, [r for r in scores.rows if r["model_id"] in ids
                                                      and r["benchmark"] == "mmlu"])):
        with open(folder / name, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, table.columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(keep)
    return folder


RELEASE = {"model": {"model_id": "acme-4b", "name": "Acme 4B", "organization": "Acme",
                     "release_date": "2026-09-15", "params_total": "4B",
                     "techniques": {"instruction_tuned": 1}},
           "scores": [{"benchmark": "mmlu", "score": 0.8, "reported_source": "model card"}]}


def test_the_user_data_folder_is_isolated_and_overridable(tmp_path, monkeypatch):
    monkeypatch.setenv("FORECAST_DATA_HOME", str(tmp_path))
    assert user_data_dir() == tmp_path
    assert overlay_dir() == tmp_path / "overlay"
    assert overlay_dir("/some/registry") == Path("/some/registry/overlay")


def test_adding_a_model_changes_the_hash_and_removing_it_restores_it(tmp_path, monkeypatch):
    monkeypatch.setenv("FORECAST_DATA_HOME", str(tmp_path))
    before = shipped_digest()
    base = load_registry()
    assert base.overlay == ()
    change = add_release(RELEASE)
    assert [p.name for p in change.files] == ["models.csv", "scores.csv"]
    assert any("reported: 2026-09-15 (the model's release date)" in d for d in change.defaults)
    added = load_registry()
    assert added.sha256 != base.sha256
    assert len(added.models) == len(base.models) + 1
    row = added.model("acme-4b")
    assert row["params_total"] == 4e9 and row["overlay"] and row["access"] == "weights"
    assert np.isnan(row["distilled"]) and row["instruction_tuned"] == 1  # unknown stays unknown
    score = added.scores[added.scores["model_id"] == "acme-4b"].iloc[0]
    assert score["reported"].date() == date(2026, 9, 15) and score["shots"] == 5
    assert not added.models.loc[added.models["model_id"] != "acme-4b", "overlay"].any()
    # a score for a shipped model, then the model removed: the registry hashes as before
    add_release({"model": None, "model_id": "llama-2-7b",
                 "scores": [{"benchmark": "gsm8k", "score": 0.2, "reported": "2026-01-02"}]})
    assert load_registry().sha256 not in (base.sha256, added.sha256)
    remove_model("acme-4b")
    remove_model("llama-2-7b")
    assert not (tmp_path / "overlay" / "models.csv").exists()
    assert load_registry().sha256 == base.sha256
    assert shipped_digest() == before


def test_the_fit_key_changes_with_the_overlay(tmp_path, monkeypatch):
    from forecast.model.store import data_sha256

    monkeypatch.setenv("FORECAST_DATA_HOME", str(tmp_path))
    base = data_sha256(load_registry().as_of("2026-12-01"))
    add_release(RELEASE)
    assert data_sha256(load_registry().as_of("2026-12-01")) != base
    assert data_sha256(load_registry().as_of("2026-09-01")) == base  # not released by then
    remove_model("acme-4b")
    assert data_sha256(load_registry().as_of("2026-12-01")) == base


def test_an_overlay_model_with_a_shipped_id_is_refused_with_file_row_and_column(tmp_path, monkeypatch):
    monkeypatch.setenv("FORECAST_DATA_HOME", str(tmp_path))
    add_release(RELEASE)
    path = tmp_path / "overlay" / "models.csv"
    text = path.read_text().replace("acme-4b,", "llama-2-7b,", 1)
    path.write_text(text)
    with pytest.raises(UserError) as info:
        load_registry()
    assert info.value.location.file == str(path)
    assert info.value.location.row == 1 and info.value.location.column == "model_id"
    assert "already in the registry" in info.value.message
    with pytest.raises(UserError, match="already in"):
        add_release({**RELEASE, "model": {**RELEASE["model"], "model_id": "llama-2-7b"}})


def test_a_refused_addition_leaves_the_overlay_as_it_was(tmp_path, monkeypatch):
    monkeypatch.setenv("FORECAST_DATA_HOME", str(tmp_path))
    add_release(RELEASE)
    before = {p.name: p.read_bytes() for p in (tmp_path / "overlay").iterdir()}
    bad = {"model": {**RELEASE["model"], "model_id": "acme-8b"},
           "scores": [{"benchmark": "mmlu", "score": 80}]}
    with pytest.raises(UserError, match="percentage"):
        add_release(bad)
    early = {"model": {**RELEASE["model"], "model_id": "acme-8b"},
             "scores": [{"benchmark": "mmlu", "score": 0.8, "reported": "2026-01-01"}]}
    with pytest.raises(UserError, match="before the model's release"):
        add_release(early)
    assert {p.name: p.read_bytes() for p in (tmp_path / "overlay").iterdir()} == before


def _write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _model(model_id: str, **cells: str) -> dict[str, str]:
    row = {c: "" for c in MODEL_COLUMNS if c not in ("params_exact", "access")}
    row.update(model_id=model_id, name=model_id, organization="Acme", release_date="2026-03-01",
               params_total="2000000000", open_weights="1", architecture="decoder",
               base_or_tuned="base")
    row.update(cells)
    return row


def test_import_of_a_models_and_a_scores_csv(tmp_path, monkeypatch):
    monkeypatch.setenv("FORECAST_DATA_HOME", str(tmp_path / "home"))
    models = _write(tmp_path / "m.csv", [c for c in MODEL_COLUMNS if c not in ("params_exact", "access")],
                    [_model("acme-2b"), _model("acme-2b-it", base_or_tuned="tuned", base_model="acme-2b",
                                               instruction_tuned="1")])
    scores = _write(tmp_path / "s.csv", SCORE_COLUMNS, [
        {"model_id": "acme-2b-it", "benchmark": "mmlu", "score": "0.6", "shots": "5", "cot": "0",
         "protocol": "paper", "source": "self_reported", "reported": "2026-03-01"}])
    change = import_files([models, scores])
    assert [m["model_id"] for m in change.models] == ["acme-2b", "acme-2b-it"]
    assert change.models[0]["params_exact"] == "1" and change.models[0]["access"] == "weights"
    registry = load_registry()
    assert {"acme-2b", "acme-2b-it"} <= set(registry.models["model_id"])
    assert list_overlay()["files"] == [str(tmp_path / "home" / "overlay" / n)
                                       for n in ("models.csv", "scores.csv")]
    # the same ids again: refused naming the user's file, row and column
    with pytest.raises(UserError) as info:
        import_files([models])
    assert info.value.location.file == str(models) and info.value.location.row == 1


def test_import_refuses_a_score_without_its_reported_date(tmp_path, monkeypatch):
    monkeypatch.setenv("FORECAST_DATA_HOME", str(tmp_path / "home"))
    scores = _write(tmp_path / "s.csv", SCORE_COLUMNS, [
        {"model_id": "llama-2-7b", "benchmark": "mmlu", "score": "0.5", "shots": "5", "cot": "0",
         "protocol": "paper", "source": "independent", "reported": ""}])
    with pytest.raises(UserError) as info:
        import_files([scores])
    assert (info.value.location.file, info.value.location.row,
            info.value.location.column) == (str(scores), 1, "reported")


def test_a_data_folder_has_its_own_overlay_and_the_shipped_one_is_untouched(tmp_path, monkeypatch):
    monkeypatch.setenv("FORECAST_DATA_HOME", str(tmp_path / "home"))
    before = shipped_digest()
    folder = small_registry(tmp_path / "reg")
    base = load_registry(folder)
    add_release(RELEASE, data_dir=folder)
    assert (folder / "overlay" / "models.csv").is_file()
    assert not (tmp_path / "home" / "overlay").exists()
    assert load_registry(folder).sha256 != base.sha256
    assert load_registry(folder, overlay=False).sha256 == base.sha256
    assert "acme-4b" not in set(load_registry().models["model_id"])
    assert shipped_digest() == before


def test_unknown_technique_columns_of_a_scored_model_are_accepted(tmp_path, capsys):
    """They were refused until the fit could impute them."""
    models = _write(tmp_path / "m.csv", [c for c in MODEL_COLUMNS if c not in ("params_exact", "access")],
                    [_model("acme-2b")])
    scores = _write(tmp_path / "s.csv", SCORE_COLUMNS, [
        {"model_id": "acme-2b", "benchmark": "mmlu", "score": "0.6", "shots": "5", "cot": "0",
         "protocol": "paper", "source": "self_reported", "reported": "2026-03-01"}])
    code, out, err = _run(["data", "check", str(models), str(scores)], capsys)
    assert code == 0, err


def test_unknown_indicators_are_marked_for_imputation(tmp_path, monkeypatch):
    from forecast.inputs.priors import load_priors
    from forecast.model.data import prepare_inputs
    from forecast.model.priors import model_priors_from

    monkeypatch.setenv("FORECAST_DATA_HOME", str(tmp_path / "home"))
    folder = small_registry(tmp_path / "reg")
    add_release({"model": {**RELEASE["model"], "release_date": "2025-03-01"},
                 "scores": [{"benchmark": "mmlu", "score": 0.7}]}, data_dir=folder)
    reg = load_registry(folder)
    priors = load_priors().introduced_by(date(2025, 6, 1))
    mp = model_priors_from(priors, reg.benchmarks)
    inp = prepare_inputs(reg.models, reg.scores, reg.benchmarks, mp, date(2025, 6, 1))
    j = list(inp.model_ids).index("acme-4b")
    known = {spec.indicator for spec in mp.binary} & {"instruction_tuned"}
    for k, spec in enumerate(mp.binary):
        assert inp.U_unknown[j, k] == (spec.indicator not in known)
        assert inp.adoption_tech[inp.U_adoption[k]] == spec.id
    assert inp.U_unknown.sum() == inp.U_unknown[j].sum()  # only the user's model
    # the release process ignores the overlay model: the same counts as without it
    base = prepare_inputs(*(lambda r: (r.models, r.scores, r.benchmarks))(
        load_registry(folder, overlay=False)), mp, date(2025, 6, 1))
    assert np.array_equal(inp.release_counts, base.release_counts)
    assert inp.data_end == base.data_end


def test_the_graph_imputes_unknown_indicators_by_the_adoption_curves(tmp_path, monkeypatch):
    """The unknown entries of the technique term are the adoption curves at the release date."""
    from forecast.inputs.priors import load_priors
    from forecast.model.data import prepare_inputs
    from forecast.model.graph import build_model
    from forecast.model.priors import model_priors_from

    monkeypatch.setenv("FORECAST_DATA_HOME", str(tmp_path / "home"))
    folder = small_registry(tmp_path / "reg")
    add_release({"model": {**RELEASE["model"], "release_date": "2025-03-01"},
                 "scores": [{"benchmark": "mmlu", "score": 0.7}]}, data_dir=folder)
    reg = load_registry(folder)
    as_of = date(2025, 6, 1)
    mp = model_priors_from(load_priors().introduced_by(as_of), reg.benchmarks)
    inp = prepare_inputs(reg.models, reg.scores, reg.benchmarks, mp, as_of)
    model = build_model(inp, mp)
    names = [v.name for v in model.free_RVs]
    assert names.index("adoption_mid") < names.index("z_beta")  # the curves come first
    free = [v.name for v in build_model(prepare_inputs(
        *(lambda r: (r.models, r.scores, r.benchmarks))(load_registry(folder, overlay=False)),
        mp, as_of), mp).free_RVs]
    assert free.index("adoption_mid") > free.index("z_beta")  # unchanged without unknowns
    # at a point, the expected capability equals that of the same model with the adoption
    # shares A_k(t_j) written into the data as the indicators
    point = model.initial_point()
    outs = model.replace_rvs_by_values([model["expected_capability"], model["beta"],
                                        model["adoption_max"], model["adoption_speed"],
                                        model["adoption_mid"]])
    fn = model.compile_fn(outs, inputs=model.value_vars, on_unused_input="ignore")
    cap, _, amax, speed, mid = fn(point)
    j = list(inp.model_ids).index("acme-4b")
    k_unknown = np.flatnonzero(inp.U_unknown[j])
    a = inp.U_adoption[k_unknown]
    share = amax[a] / (1.0 + np.exp(-speed[a] * (inp.t[j] - mid[a])))
    assert np.all((share > 0) & (share < 1))
    flipped = inp.U.copy()
    flipped[j, k_unknown] = share
    inp2 = prepare_inputs(reg.models, reg.scores, reg.benchmarks, mp, as_of)
    inp2.U = flipped
    inp2.U_unknown = np.zeros_like(inp2.U_unknown)
    model2 = build_model(inp2, mp)
    fn2 = model2.compile_fn(model2.replace_rvs_by_values([model2["expected_capability"]])[0],
                            inputs=model2.value_vars, on_unused_input="ignore")
    point2 = {k: point[k] for k in model2.initial_point()}
    assert np.allclose(cap, fn2(point2))


def test_cli_add_list_remove(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FORECAST_DATA_HOME", str(tmp_path))
    before = load_registry().sha256
    code, out, err = _run(["data", "add", "--id", "acme-4b", "--released", "2026-09-15",
                           "--params", "4B", "--org", "Acme", "--technique", "instruction_tuned=1",
                           "--score", "mmlu=0.80", "--reported-source", "Acme model card"], capsys)
    assert code == 0, err
    assert "reported 2026-09-15" in out and "the model's release date" in out
    code, out, err = _run(["data", "overlay", "list", "--json"], capsys)
    listed = json.loads(out)
    assert [m["model_id"] for m in listed["models"]] == ["acme-4b"]
    assert listed["scores"][0]["reported_source"] == "Acme model card"
    code, out, err = _run(["data", "summary", "--json"], capsys)
    assert json.loads(out)["sha256"] != before
    code, out, err = _run(["data", "add", "--id", "acme-4b", "--params", "8B"], capsys)
    assert code == 2 and "--released" in err
    code, out, err = _run(["data", "overlay", "remove", "acme-4b"], capsys)
    assert code == 0, err
    code, out, err = _run(["data", "overlay", "remove", "acme-4b"], capsys)
    assert code == 2 and "not in the overlay" in err
    assert load_registry().sha256 == before


def test_cli_add_from_toml(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FORECAST_DATA_HOME", str(tmp_path / "home"))
    release = tmp_path / "release.toml"
    release.write_text('''
[model]
model_id = "acme-4b"
name = "Acme 4B"
organization = "Acme"
release_date = 2026-09-15
params_total = "4B"
open_weights = true
techniques = { instruction_tuned = 1, distilled = 1 }

[[scores]]
benchmark = "mmlu"
score = 0.80
reported = 2026-09-20
reported_source = "Acme model card"
''')
    code, out, err = _run(["data", "add", "--from", str(release), "--json"], capsys)
    assert code == 0, err
    result = json.loads(out)
    assert result["models"][0]["distilled"] == "1" and result["models"][0]["moe"] == ""
    assert result["scores"][0]["reported"] == "2026-09-20"
    code, out, err = _run(["data", "add", "--from", str(release), "--id", "x"], capsys)
    assert code == 2 and "not both" in err
    bad = tmp_path / "bad.toml"
    bad.write_text('[model]\nmodel_id = "acme-5b"\nrelease_date = 2026-09-15\nparams = "4B"\n')
    code, out, err = _run(["data", "add", "--from", str(bad)], capsys)
    assert code == 2 and "model.params" in err


def test_cli_build_refuses_a_missing_source_folder_and_file(tmp_path, capsys):
    code, out, err = _run(["data", "build", "--sources", str(tmp_path / "nope"),
                           "--out", str(tmp_path / "out")], capsys)
    assert code == 2 and "sources folder not found" in err
    (tmp_path / "src").mkdir()
    code, out, err = _run(["data", "build", "--sources", str(tmp_path / "src"),
                           "--out", str(tmp_path / "out")], capsys)
    assert code == 2 and "source file not found" in err and "docs/data.md" in err
    assert not (tmp_path / "out" / "models.csv").exists()


@pytest.mark.slow
def test_adding_a_release_by_command_refits_and_moves_the_answer_earlier(tmp_path, monkeypatch,
                                                                        capsys):
    """End to end on a small registry: a high-scoring small model added after the data's end,
    by command and with its technique columns unknown, is evidence of capability; the answer
    moves earlier or stays, never later, and the shipped registry is untouched."""
    monkeypatch.setenv("FORECAST_DATA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("FORECAST_CACHE_DIR", str(tmp_path / "cache"))
    before_files = shipped_digest()
    folder = small_registry(tmp_path / "reg")
    query = ["when", "--target", "mmlu=0.80", "--params", "3B", "--data", str(folder), "--seed", "3",
             "--draws", "100", "--tune", "150", "--json"]
    code, out, err = _run(query, capsys)
    assert code == 0, err
    before = json.loads(out)
    code, out, err = _run(["data", "add", "--data", str(folder), "--id", "acme-3b",
                           "--released", "2026-03-01", "--params", "3B", "--org", "Acme",
                           "--score", "mmlu=0.78", "--reported-source", "Acme model card"], capsys)
    assert code == 0, err
    code, out, err = _run(query, capsys)
    assert code == 0, err
    after = json.loads(out)
    median = {k: date.fromisoformat(r["quantiles"]["0.5"]) for k, r in (("before", before),
                                                                       ("after", after))}
    assert median["after"] <= median["before"], median
    assert after["data_end"] == before["data_end"]  # the addition is not a census of releases
    assert shipped_digest() == before_files
