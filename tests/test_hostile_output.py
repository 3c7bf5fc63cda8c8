"""Text from user files (model names, organisations, scenario names) is printed as text: Rich
markup or terminal escapes inside it neither crash a command nor style the terminal."""

from __future__ import annotations

import csv
import shutil

import pytest

from forecast.cli.forecast_cmd import print_when
from forecast.core.paths import default_data_dir
from test_errors_cli import run

HOSTILE = "[/bold] [link=https://example.invalid]x[/link] [red]"


def test_when_table_prints_hostile_names_literally(capsys):
    out = {
        "target": "mmlu=0.7", "budget": {"description": "7B params"}, "as_of": "2025-06-01",
        "data_end": "2025-05-20", "scenario": HOSTILE,
        "already_reached_by": {"name": HOSTILE, "params_total": 3.8e9, "date": "2024-08-16"},
    }
    print_when(out)
    printed = capsys.readouterr().out
    assert printed.count("[/bold]") == 2 and "[link=https://example.invalid]" in printed


@pytest.fixture
def hostile_registry(tmp_path):
    dest = tmp_path / "registry"
    shutil.copytree(default_data_dir(), dest)
    path = dest / "models.csv"
    rows = list(csv.DictReader(path.open(newline="", encoding="utf-8")))
    rows[0]["organization"] = HOSTILE
    rows[0]["name"] = HOSTILE
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return dest, rows[0]["model_id"]


def test_hostile_registry_text_is_valid_data(hostile_registry):
    from forecast.inputs.registry import load_registry

    folder, model_id = hostile_registry
    assert load_registry(folder).model(model_id)["organization"] == HOSTILE


def test_data_show_prints_hostile_registry_text_literally(capsys, monkeypatch, hostile_registry):
    from forecast.cli.output import console

    monkeypatch.setattr(console, "width", 200)  # wide enough for the org column
    folder, model_id = hostile_registry
    code, out, err = run(capsys, ["data", "show", "--data", str(folder), "--name", model_id])
    assert code == 0, err
    assert "[/bold]" in out and "[link=https://example.invalid]" in out
