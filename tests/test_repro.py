"""Reproducibility: the same data, priors, settings and seed give the same numbers; anything that
changes a fit changes its cache key, so a stale fit is never served.

Fast tests compute cache keys on copied registry and prior folders with one value changed. Slow
tests compare `forecast when --json` across a fresh fit, the same fit from the cache, and an
independent fit with the same settings (the session's short fit).
"""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from forecast.model.fit import FitSettings, cache_key
from forecast.core.paths import default_data_dir, default_priors_dir
from forecast.inputs.priors import load_priors
from forecast.inputs.registry import load_registry

AS_OF = date(2025, 6, 1)


def key_for(data: Path | None = None, priors: Path | None = None, **settings) -> str:
    registry = load_registry(data)
    prior_set = load_priors(priors).introduced_by(AS_OF)
    return cache_key(registry.sha256, prior_set.sha256, FitSettings(as_of=AS_OF, **settings))


@pytest.fixture(scope="module")
def base_key() -> str:
    return key_for()


@pytest.fixture
def registry_copy(tmp_path) -> Path:
    dest = tmp_path / "registry"
    shutil.copytree(default_data_dir(), dest)
    return dest


def test_same_inputs_give_the_same_key(base_key, registry_copy, tmp_path):
    """Keys depend on content, not on where the folders are."""
    priors = tmp_path / "priors"
    shutil.copytree(default_priors_dir(), priors)
    assert key_for() == base_key
    assert key_for(registry_copy, priors) == base_key


def test_one_changed_score_changes_the_key(base_key, registry_copy):
    path = registry_copy / "scores.csv"
    rows = list(csv.DictReader(path.open(newline="", encoding="utf-8")))
    row = next(r for r in rows if r["benchmark"] == "mmlu")
    row["score"] = f"{min(float(row['score']) + 0.01, 0.99):.6f}"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    assert key_for(registry_copy) != base_key


def test_one_changed_release_date_changes_the_key(base_key, registry_copy):
    path = registry_copy / "models.csv"
    text = path.read_text(encoding="utf-8")
    first_date = next(r for r in csv.DictReader(text.splitlines()))["release_date"]
    changed = first_date[:-2] + ("02" if first_date[-2:] != "02" else "03")
    path.write_text(text.replace(first_date, changed, 1), encoding="utf-8")
    assert key_for(registry_copy) != base_key


def test_one_changed_prior_changes_the_key(base_key, tmp_path):
    priors = tmp_path / "priors"
    shutil.copytree(default_priors_dir(), priors)
    path = priors / "deduplication.toml"
    text = path.read_text(encoding="utf-8")
    assert "median = 1.15\ninterval90 = [0.96, 1.38]" in text
    path.write_text(text.replace("median = 1.15\ninterval90 = [0.96, 1.38]",
                                 "median = 1.265\ninterval90 = [1.056, 1.518]"), encoding="utf-8")
    assert key_for(priors=priors) != base_key


@pytest.mark.parametrize("change", [
    {"seed": 1}, {"draws": 999}, {"tune": 999}, {"chains": 2}, {"target_accept": 0.95},
    {"variant": "drift_only"}, {"min_models_per_benchmark": 13}, {"benchmarks": ("mmlu",)},
])
def test_each_setting_changes_the_key(base_key, change):
    assert key_for(**change) != base_key


def test_the_as_of_date_changes_the_key_through_what_the_fit_sees():
    from forecast.model.store import fit_keys

    registry, priors = load_registry(), load_priors()
    keys = {d: fit_keys(registry, priors, FitSettings(as_of=d)).key
            for d in (date(2024, 1, 1), date(2025, 6, 1), date(2025, 6, 2))}
    assert keys[date(2024, 1, 1)] != keys[date(2025, 6, 1)]  # new releases and scores in between
    assert keys[date(2025, 6, 1)] == keys[date(2025, 6, 2)]  # nothing new: the same fit


def test_scenario_prior_overrides_change_the_key_and_projection_settings_do_not(base_key, tmp_path):
    from forecast.api.engine import Engine

    plain = Engine(as_of=AS_OF)
    overrides = tmp_path / "over.toml"
    overrides.write_text('name = "o"\ndescription = "d"\n[priors]\n"techniques.deduplication.multiplier" = 1.3\n')
    projection = tmp_path / "proj.toml"
    projection.write_text('name = "p"\ndescription = "d"\n[projection]\narrival_rate_scale = 2.0\n')

    def engine_key(engine: Engine) -> str:
        known = engine.priors.introduced_by(engine.as_of)
        return cache_key(engine.registry.sha256, known.sha256, engine.settings())

    assert engine_key(plain) == base_key
    assert engine_key(Engine(as_of=AS_OF, scenario=overrides)) != base_key
    assert engine_key(Engine(as_of=AS_OF, scenario=projection)) == base_key


def test_an_edit_to_the_code_behind_a_fit_changes_the_key_and_other_code_does_not(tmp_path):
    """The key hashes every file of the layers that shape a posterior (inputs and model, found by
    glob, so a new module is covered without being listed), and nothing of the later layers."""
    package = Path(__file__).resolve().parents[1] / "forecast"
    copy = tmp_path / "forecast"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "data"))
    script = (
        "import json, sys; sys.path.insert(0, sys.argv[1])\n"
        "from datetime import date\n"
        "from pathlib import Path\n"
        "import forecast.model.fit as f\n"
        "assert Path(f.__file__).resolve().parents[1] == Path(sys.argv[1], 'forecast').resolve()\n"
        "keys = {}\n"
        "for name in ['', 'inputs/priors/prior_set.py', 'inputs/registry.py', 'model/graph.py', 'model/new_term.py',\n"
        "             'api/targets.py', 'projection/project.py', 'report/content.py', 'core/progress.py']:\n"
        "    if name:\n"
        "        p = Path(sys.argv[1], 'forecast', name)\n"
        "        p.write_text((p.read_text() if p.exists() else '') + '\\n# edited\\n')\n"
        "    f.source_hash.cache_clear()\n"
        "    keys[name or 'none'] = f.cache_key('d', 'p', f.FitSettings(as_of=date(2025, 1, 1)))\n"
        "print(json.dumps(keys))\n"
    )
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True,
                         check=True, env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    keys = json.loads(out.stdout.strip().splitlines()[-1])
    shaping = ["none", "inputs/priors/prior_set.py", "inputs/registry.py", "model/graph.py", "model/new_term.py"]
    assert len({keys[k] for k in shaping}) == len(shaping)
    for later in ("api/targets.py", "projection/project.py", "report/content.py", "core/progress.py"):
        assert keys[later] == keys["model/new_term.py"], later


def test_the_fit_key_refuses_an_empty_set_of_model_sources(tmp_path):
    from forecast.model.fit import fit_shaping_sources

    assert len(fit_shaping_sources()) >= 10
    (tmp_path / "inputs").mkdir()
    with pytest.raises(RuntimeError, match="no source files"):
        fit_shaping_sources(tmp_path)


def test_projection_only_priors_leave_the_fit_key_alone():
    """A scenario's saturation switch or arrival rate changes the projection, not the posterior."""
    from forecast.inputs.priors import load_priors

    base = load_priors()
    projection = base.replace({"engine.saturation.enabled": True})
    arrivals = base.replace({"engine.arrivals.rate": 3.0})
    shaping = base.replace({"engine.drift.rate": 0.2})
    assert projection.sha256 != base.sha256 and projection.fit_sha256 == base.fit_sha256
    assert arrivals.fit_sha256 == base.fit_sha256
    assert shaping.fit_sha256 not in (base.fit_sha256, shaping.sha256)
    assert base.introduced_by("2021-01-01").fit_sha256 != base.fit_sha256


def test_fit_settings_are_plain_data():
    """Everything in the key is JSON (no object reprs that could vary between runs)."""
    settings = FitSettings(as_of=AS_OF)
    assert json.loads(json.dumps(settings.to_dict())) == settings.to_dict()
    assert set(settings.to_dict()) == {f.name for f in dataclasses.fields(FitSettings)}


# ------------------------------------------------------------------ end to end (slow)

WHEN = ["when", "--target", "mmlu=0.7", "--params", "7B", "--p-by", "2027-06-30",
        "--draws", "150", "--tune", "150", "--seed", "11", "--json"]


def run_cli(args: list[str], cache: Path) -> dict:
    proc = subprocess.run([sys.executable, "-c", "from forecast.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=3600,
                          env=dict(os.environ, FORECAST_CACHE_DIR=str(cache)))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def without_timing(out: dict) -> dict:
    out = json.loads(json.dumps(out))
    out["diagnostics"].pop("seconds")
    return out


@pytest.mark.slow
def test_when_json_is_identical_with_and_without_the_cache(small_engine, tmp_path):
    """Run 1 fits from scratch in an empty cache, run 2 loads that fit, run 3 uses the session's
    fit (sampled in another process with the same settings): the same JSON, to the last digit
    (run 3 differs only in the sampler's wall time)."""
    from forecast.core.paths import cache_dir

    fresh = run_cli(WHEN, tmp_path / "cache")
    cached = run_cli(WHEN, tmp_path / "cache")
    assert cached == fresh
    independent = run_cli(WHEN, cache_dir())
    assert without_timing(independent) == without_timing(fresh)
    assert fresh["diagnostics"]["draws"] == 150


@pytest.mark.slow
def test_provenance_records_what_reproduces_a_fit(small_engine):
    prov = small_engine.fit().provenance
    for key in ("data_sha256", "priors_sha256", "settings", "versions", "code_sha256", "created",
                "command", "cache_key"):
        assert prov[key], key
    assert prov["settings"]["seed"] == 11 and prov["settings"]["draws"] == 150
    assert prov["settings"]["tune"] == 150 and prov["data_sha256"] == small_engine.registry.sha256
    for package in ("pymc", "nutpie", "arviz", "numpy"):
        assert prov["versions"][package] != "absent"


_SALTED_FIT = """
import sys
from forecast.api.engine import Engine
from forecast.core.processes import hashing_is_fixed
engine = Engine(as_of="2023-01-01", draws=60, tune=60, progress=False)
post = engine.fit().tree["posterior"].to_dataset()
print(hashing_is_fixed(), post["drift_rate"].values.tobytes().hex()[:64], float(post["ceiling_loss"].values.sum()).hex())
"""


@pytest.mark.slow
def test_the_same_seed_gives_the_same_draws_under_any_hash_salt(tmp_path):
    """Python salts str hashes per process, and PyTensor's graph rewrites (hence the last bits of
    the compiled gradient) depend on them; the sampler must not. Two processes with different
    salts (sampling in a child with PYTHONHASHSEED=0) and one started unsalted (sampling
    in-process) give bit-identical draws, each from an empty cache."""
    outputs = []
    for n, salt in enumerate(("1", "2", "0")):
        env = os.environ | {"PYTHONHASHSEED": salt, "FORECAST_CACHE_DIR": str(tmp_path / f"cache{n}")}
        proc = subprocess.run([sys.executable, "-c", _SALTED_FIT], env=env, capture_output=True, text=True,
                              timeout=600)
        assert proc.returncode == 0, proc.stderr[-3000:]
        outputs.append(proc.stdout.split())
    assert [o[0] for o in outputs] == ["False", "False", "True"], outputs
    assert outputs[0][1:] == outputs[1][1:] == outputs[2][1:], outputs
