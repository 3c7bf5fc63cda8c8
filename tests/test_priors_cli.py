"""`forecast priors list|show|check|summary` through the real entry point (exit codes and output)."""

from __future__ import annotations

import json
import shutil

import pytest

from forecast.cli import main
from forecast.core.paths import default_priors_dir

SHIPPED = default_priors_dir()


@pytest.fixture(scope="module", autouse=True)
def isolated_cache(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FORECAST_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        mp.setenv("COLUMNS", "160")
        yield


def run(capsys, *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def user_folder(tmp_path):
    dest = tmp_path / "mine"
    shutil.copytree(SHIPPED, dest)
    return dest


def test_list_json(capsys):
    code, out, _ = run(capsys, "priors", "list", "--json")
    assert code == 0
    listing = json.loads(out)
    assert listing["command"] == "priors list" and listing["folder"] == str(SHIPPED)
    rows = listing["techniques"]
    assert len(rows) == 12
    by_id = {r["id"]: r for r in rows}
    moe = by_id["mixture_of_experts"]
    assert moe["axis"] == "params_active" and moe["median"] == 3.0 and moe["interval90"] == [1.25, 7.2]
    assert set(moe) >= {"id", "name", "axis", "introduced", "indicator", "distribution", "median",
                        "interval90", "citations"}
    assert all(r["citations"] and all(isinstance(c, str) for c in r["citations"]) for r in rows)


def test_list_table_fits_80_columns(capsys, monkeypatch):
    from forecast.cli.output import console

    monkeypatch.setattr(console, "width", 80)
    code, out, _ = run(capsys, "priors", "list")
    assert code == 0
    for text in ("instruction_tuning", "mixture_of_experts  active", "quantization        memory",
                 "0.96-1.38", "2.85-4.3", "memory = bytes of the weights"):
        assert text in out
    assert "\u2026" not in out  # nothing cut short
    assert max(len(line) for line in out.splitlines()) <= 80


def test_list_with_user_folder(capsys, user_folder):
    path = user_folder / "objectives.toml"
    path.write_text(path.read_text().replace("median = 1.15\ninterval90 = [0.95, 1.39]",
                                             "median = 1.3\ninterval90 = [1.0, 1.69]"))
    code, out, _ = run(capsys, "priors", "list", "--json", "--priors", str(user_folder))
    assert code == 0
    assert {r["id"]: r for r in json.loads(out)["techniques"]}["objectives"]["median"] == 1.3


def test_show_technique_and_engine(capsys):
    code, out, _ = run(capsys, "priors", "show", "quantization")
    assert code == 0 and "retention by bits" in out and "Dettmers & Zettlemoyer 2022" in out
    code, out, _ = run(capsys, "priors", "show", "mixture_of_experts", "--json")
    data = json.loads(out)
    assert data["total_multiplier"]["median"] == pytest.approx(0.6) and data["reference_sparsity"] == 5.0
    assert len(data["evidence"]) >= 3 and data["overlaps"][0]["with"] == "overtraining"
    code, out, _ = run(capsys, "priors", "show", "engine", "--json")
    engine = json.loads(out)
    assert engine["tokens"]["E"]["value"] == 1.8172 and engine["links"]["benchmarks"]["mmlu"]["slope"]["median"] == 1.6
    code, out, _ = run(capsys, "priors", "show", "engine")
    assert "drift" in out and "mmlu.slope" in out


def test_show_unknown_id_exits_2_with_one_line(capsys):
    code, out, err = run(capsys, "priors", "show", "teleportation")
    assert code == 2 and out == ""
    assert err.strip().count("\n") == 0 and "teleportation" in err


def test_check_ok(capsys):
    code, out, _ = run(capsys, "priors", "check", str(SHIPPED))
    assert code == 0 and out.startswith("OK: 12 techniques")
    code, out, _ = run(capsys, "priors", "check", str(SHIPPED), "--json")
    assert json.loads(out)["techniques"] == 12


def test_check_bad_folder_exits_2_naming_file_and_key(capsys, user_folder):
    path = user_folder / "multimodal.toml"
    path.write_text(path.read_text().replace('axis = "params_total"', 'axis = "pixels"'))
    code, out, err = run(capsys, "priors", "check", str(user_folder))
    assert code == 2 and out == ""
    line = " ".join(err.split())  # Rich may wrap long lines on narrow terminals
    assert "multimodal.toml" in line and "key 'axis'" in line and "unknown axis" in line


def test_check_syntax_error_names_line(capsys, user_folder):
    path = user_folder / "distillation.toml"
    path.write_text(path.read_text().replace("median = 1.5", "median 1.5"))
    code, _, err = run(capsys, "priors", "check", str(user_folder))
    assert code == 2 and "distillation.toml" in err and "line" in err


def test_summary_json_and_text(capsys):
    code, out, _ = run(capsys, "priors", "summary", "--json", "--draws", "20000")
    assert code == 0
    s = json.loads(out)
    assert s["product_of_medians"] == pytest.approx(57.49, rel=1e-3)
    assert s["comparisons"]["ho_2024"]["params_per_year"] < s["annual_rate"]["of_medians"] \
        < s["comparisons"]["densing_law"]["params_per_year"]
    code, out, _ = run(capsys, "priors", "summary", "--draws", "20000")
    assert code == 0 and "Ho et al. 2024" in out and "Densing Law" in out and "between the two" in out
    code, _, err = run(capsys, "priors", "summary", "--by", "someday")
    assert code == 2 and "--by" in err
