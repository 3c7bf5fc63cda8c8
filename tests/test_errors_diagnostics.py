"""The diagnostics gate: a fit that fails its convergence checks is flagged in every output that
uses it (JSON `diagnostics.ok` false, a one-line yellow warning on stderr saying why), and
`--strict` turns the flag into exit code 3.

The session's short fit (150 tuning steps + 150 draws x 4 chains) does not pass the checks, which
makes it a convenient failing fit; every command below loads it from the cache.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from test_errors_cli import run

pytestmark = pytest.mark.slow

SMALL = ["--draws", "150", "--tune", "150", "--seed", "11"]
COMMANDS = {
    "fit": ["fit", *SMALL],
    "when": ["when", "--target", "mmlu=0.7", "--params", "7B", *SMALL],
    "size": ["size", "--target", "mmlu=0.7", "--date", "2027-01-01", *SMALL],
    "capability": ["capability", "--benchmark", "mmlu", "--params", "3B", "--date", "2027-01-01", *SMALL],
    "compare": ["compare", "--scenario", "central", "--target", "mmlu=0.7", "--params", "7B", *SMALL],
}


@pytest.fixture(scope="module")
def failing_fit(small_engine):
    diag = small_engine.fit().diagnostics
    assert not diag.ok, "the short fit was expected to fail its checks"
    return diag


def diagnostics_of(command: str, out: dict) -> list[bool]:
    if command == "compare":
        return [row["diagnostics_ok"] for row in out["rows"]]
    return [out["diagnostics"]["ok"]]


def assert_warning_says_why(err: str, problems: list[str]) -> None:
    lines = [line for line in err.splitlines() if line.startswith("warning:")]
    assert len(lines) == 1, err
    assert "failed its convergence checks" in lines[0]
    for problem in problems:
        assert problem in lines[0]


@pytest.mark.parametrize("command", list(COMMANDS))
def test_failed_fit_is_flagged_in_json_and_on_stderr(capsys, failing_fit, command):
    code, out, err = run(capsys, [*COMMANDS[command], "--json"])
    assert code == 0, err
    result = json.loads(out)
    assert diagnostics_of(command, result) and not any(diagnostics_of(command, result))
    if command != "compare":
        assert result["diagnostics"]["problems"] == failing_fit.problems
    assert_warning_says_why(err, failing_fit.problems)


@pytest.mark.parametrize("command", list(COMMANDS))
def test_strict_turns_the_flag_into_exit_3_with_the_reason(capsys, failing_fit, command):
    code, out, err = run(capsys, [*COMMANDS[command], "--json", "--strict"])
    assert code == 3, err
    reason = [line for line in err.splitlines() if line.startswith("diagnostics failed (--strict):")]
    assert len(reason) == 1 and all(p in reason[0] for p in failing_fit.problems)
    assert "Traceback" not in err
    # under --json stdout holds the error object alone (`fit` prints no report before it)
    error = json.loads(out)
    assert error["exit_code"] == 3 and all(p in error["error"]["message"] for p in failing_fit.problems)


def test_fit_table_marks_the_fit_failed(capsys, failing_fit):
    code, out, err = run(capsys, COMMANDS["fit"])
    assert code == 0 and "FAILED" in out
    assert_warning_says_why(err, failing_fit.problems)


def test_the_warning_is_yellow_on_a_colour_terminal(small_engine, failing_fit):
    from forecast.core.paths import cache_dir

    proc = subprocess.run([sys.executable, "-c", "from forecast.cli import main; main()",
                           *COMMANDS["when"], "--json"], capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, FORECAST_CACHE_DIR=str(cache_dir()), FORCE_COLOR="1",
                                   TERM="xterm-256color"))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "\x1b[1;33mwarning: the fit failed its convergence checks" in proc.stderr
    assert json.loads(proc.stdout)["diagnostics"]["ok"] is False
