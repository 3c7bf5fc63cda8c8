"""The `forecast` console script restarts itself with unsalted string hashes (`forecast.launcher`)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from forecast.launcher import should_reexec

SCRIPT = """\
import os, sys
print("start", os.environ.get("PYTHONHASHSEED"), sys.flags.hash_randomization, os.getpid(), flush=True)
from forecast.launcher import main
main()
"""


def test_restarts_only_when_the_hash_seed_is_unset_on_posix(tmp_path):
    script = tmp_path / "forecast"
    script.write_text(SCRIPT)
    argv = [str(script), "when"]
    assert should_reexec({}, argv, posix=True)
    assert not should_reexec({"PYTHONHASHSEED": "0"}, argv, posix=True)
    assert not should_reexec({"PYTHONHASHSEED": "123"}, argv, posix=True)
    assert not should_reexec({}, argv, posix=False)
    assert not should_reexec({}, [str(tmp_path / "missing"), "when"], posix=True)
    assert not should_reexec({}, [], posix=True)


def _run(script, env):
    return subprocess.run([sys.executable, str(script), "--help"], env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.skipif(os.name != "posix", reason="the restart is POSIX only")
def test_the_console_script_runs_the_cli_in_one_process_with_unsalted_hashes(tmp_path):
    """Started without PYTHONHASHSEED, the script runs twice in the same process (exec): first
    salted, then with PYTHONHASHSEED=0, and the CLI answers; started with the variable set, once."""
    script = tmp_path / "forecast"
    script.write_text(SCRIPT)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}
    out = _run(script, env)
    assert out.returncode == 0, out.stderr
    starts = [line.split() for line in out.stdout.splitlines() if line.startswith("start ")]
    assert [s[1:3] for s in starts] == [["None", "1"], ["0", "0"]]
    assert starts[0][3] == starts[1][3]  # the same process
    assert "Usage: forecast" in out.stdout

    out = _run(script, env | {"PYTHONHASHSEED": "7"})
    starts = [line.split() for line in out.stdout.splitlines() if line.startswith("start ")]
    assert out.returncode == 0 and [s[1:3] for s in starts] == [["7", "1"]]
