"""The README's worked examples, run on the shipped data: the printed table and the Python
block's commented values must be what the code gives today.

One fit of the shipped registry at the default settings (about a minute on 2 cores), shared by
both tests through a module-wide cache folder.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()

pytestmark = pytest.mark.slow


def console_example(command: str) -> list[str]:
    """The output lines printed under `$ <command>` in the README's first console block that has it."""
    for block in re.findall(r"```console\n(.*?)```", README, flags=re.S):
        lines = block.splitlines()
        if lines and lines[0] == f"$ {command}":
            return [line.rstrip() for line in lines[1:]]
    raise AssertionError(f"the README has no console example of `{command}`")


CLI = "import sys; from forecast.cli import main; main(sys.argv[1:])"


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """An environment whose fit cache holds the shipped fit, as after the README's first command."""
    cache = tmp_path_factory.mktemp("readme-cache")
    env = dict(os.environ, FORECAST_CACHE_DIR=str(cache), PYTHONHASHSEED="0", COLUMNS="100")
    fitted = run([sys.executable, "-c", CLI, "fit", "--json"], env)
    assert fitted.returncode == 0, fitted.stderr
    return env


def test_the_when_example_prints_what_the_readme_shows(env):
    command = "forecast when --target mmlu=0.70 --params 1B --as-of 2026-12-08"
    out = run([sys.executable, "-c", CLI, *command.split()[1:]], env)
    assert out.returncode == 0, out.stderr
    printed = [line.rstrip() for line in out.stdout.splitlines()]
    assert printed == console_example(command)


def test_the_python_example_gives_the_commented_values(env):
    block = re.search(r"```python\n(.*?)```", README, flags=re.S).group(1)
    expected = {  # the README's comments, as the values they state
        "median": re.search(r'\["0\.5"\]\s+# \'(\S+)\'', block).group(1),
        "p_2027": float(re.search(r'\["2027-01-01"\]\s+# (\S+)', block).group(1)),
        "capability": re.search(r"to_frame\(\)\s+# median (\S+), 90%: (\S+)-(\S+)", block).groups(),
        "diagnostics": re.search(r"rhat_max (\S+), ess_bulk_min (\S+), divergences (\S+)", block).groups(),
        "ceiling_share": float(re.search(r'share_at_or_above_ceiling"\]\s+# (\S+)', block).group(1)),
    }
    script = (
        "import json, forecast\n"
        "engine = forecast.Engine()\n"
        "r = engine.when('mmlu=0.70', params='1B').to_dict()\n"
        "cap = engine.capability('mmlu', ['2027-01-01'], params='3B').to_frame().iloc[0]\n"
        "d = engine.fit().diagnostics.to_dict()\n"
        "share = engine.ceiling_check(engine.target('mmlu=0.90'))[0]['share_at_or_above_ceiling']\n"
        "print(json.dumps({'median': r['quantiles']['0.5'], 'p_2027': r['p_by']['2027-01-01'],\n"
        "    'capability': [cap['0.5'], cap['0.05'], cap['0.95']], 'diagnostics': d, 'share': share}))\n"
    )
    out = run([sys.executable, "-c", script], env)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["median"] == expected["median"]
    assert f"{got['p_2027']:.4f}" == f"{expected['p_2027']:.4f}"
    assert [f"{v:.3f}" for v in got["capability"]] == list(expected["capability"])
    rhat, ess, divergences = expected["diagnostics"]
    assert f"{got['diagnostics']['rhat_max']:.3f}" == rhat
    assert f"{got['diagnostics']['ess_bulk_min']:.0f}" == ess
    assert str(got["diagnostics"]["divergences"]) == divergences
    assert f"{got['share']:.3f}" == f"{expected['ceiling_share']:.3f}"
