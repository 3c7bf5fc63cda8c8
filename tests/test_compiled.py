"""The compiled log density kept on disk (`forecast.model.compiled`): a second process loads it instead
of compiling, and samples exactly what a fresh compile samples."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SCRIPT = textwrap.dedent("""
    import json, sys
    import numpy as np
    import nutpie
    import pymc as pm
    from forecast.model.compiled import compile_model
    from forecast.model.fit import exact_float_arithmetic

    key = None if sys.argv[1] == "none" else sys.argv[1]
    with pm.Model(coords={"group": ["a", "b", "c"]}) as model:
        mu = pm.Normal("mu", 0.0, 1.0)
        sd = pm.HalfNormal("sd", 1.0)
        z = pm.Normal("z", 0.0, 1.0, dims="group")
        theta = pm.Deterministic("theta", mu + sd * z, dims="group")
        pm.Normal("y", theta[np.array([0, 0, 1, 2, 2])], 0.5,
                  observed=np.array([0.3, -0.2, 1.1, 0.7, 0.1]))
    with exact_float_arithmetic():
        compiled, from_cache = compile_model(model, key)
    idata = nutpie.sample(compiled, draws=60, tune=60, chains=2, cores=1, seed=7, progress_bar=False)
    post = idata["posterior"]
    print(json.dumps({"from_cache": from_cache,
                      "theta": post["theta"].values.ravel().tolist(),
                      "sd": post["sd"].values.ravel().tolist(),
                      "dims": list(post["theta"].dims)}))
""")


def _run(key: str, cache: Path) -> dict:
    env = dict(os.environ, FORECAST_CACHE_DIR=str(cache), PYTHONHASHSEED="0")
    proc = subprocess.run([sys.executable, "-c", SCRIPT, key], capture_output=True, text=True, env=env,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    return {"fresh": _run("none", cache), "first": _run("model-a", cache), "second": _run("model-a", cache),
            "cache": cache}


def test_a_second_process_loads_the_compiled_model_and_draws_the_same(runs):
    assert runs["fresh"]["from_cache"] is False
    assert runs["first"]["from_cache"] is False
    assert runs["second"]["from_cache"] is True
    for name in ("theta", "sd"):
        assert runs["first"][name] == runs["fresh"][name]
        assert runs["second"][name] == runs["fresh"][name]
    # the deterministic comes through the cached expand callback with its dims
    assert runs["second"]["dims"] == ["chain", "draw", "group"]
    assert len(runs["second"]["theta"]) == 2 * 60 * 3


def test_a_damaged_entry_is_rebuilt(runs):
    cache = runs["cache"]
    (entry,) = (cache / "compiled").iterdir()
    for f in (entry / "__pycache__").iterdir():  # Numba's cached machine code gone
        f.unlink()
    rebuilt = _run("model-a", cache)
    assert rebuilt["from_cache"] is False
    assert rebuilt["theta"] == runs["fresh"]["theta"]
    (entry / "meta.json").write_text("{not json")
    again = _run("model-a", cache)
    assert again["from_cache"] is False
    assert again["theta"] == runs["fresh"]["theta"]
    assert _run("model-a", cache)["from_cache"] is True


def test_the_entry_key_follows_the_callers_key_and_the_fastmath_flag():
    import pytensor

    from forecast.model.compiled import entry_key

    a = entry_key("model-a")
    assert entry_key("model-a") == a
    assert entry_key("model-b") != a
    with pytensor.config.change_flags(numba__fastmath=not pytensor.config.numba__fastmath):
        assert entry_key("model-a") != a


def test_the_compile_key_ignores_the_sampler_settings_only():
    """Every setting either shapes the model (and is in the key) or only steers the sampler; a
    setting added later must be put in one group here, or this test fails."""
    import dataclasses
    from datetime import date

    from forecast.model.fit import FitSettings, compile_key

    sampler_only = {"draws", "tune", "chains", "cores", "seed", "target_accept"}
    shaping = {"as_of", "variant", "min_models_per_benchmark", "benchmarks"}
    assert {f.name for f in dataclasses.fields(FitSettings)} == sampler_only | shaping
    s = FitSettings(as_of=date(2024, 1, 1))
    k = compile_key("data", "priors", s)
    same = dataclasses.replace(s, draws=10, tune=5, chains=2, cores=1, seed=2, target_accept=0.95)
    assert compile_key("data", "priors", same) == k
    # the date enters through the data and priors it selects (their hashes), not by itself
    assert compile_key("data", "priors", dataclasses.replace(s, as_of=date(2024, 1, 2))) == k
    for changed in (dataclasses.replace(s, variant="drift_only"),
                    dataclasses.replace(s, min_models_per_benchmark=5),
                    dataclasses.replace(s, benchmarks=("mmlu",))):
        assert compile_key("data", "priors", changed) != k
    assert compile_key("data2", "priors", s) != k
    assert compile_key("data", "priors2", s) != k
