"""The CLI's error contract, command by command, through the real entry point `forecast.cli.main`.

A user error prints exactly one line on stderr (``error: <where>: <what>``), nothing on stdout, and
exits 2; an internal error exits 1 with a short message and the `--debug` hint. Every bad query
below must fail *before* a fit starts: `forecast.model.fit.fit_model` is replaced by a function that
raises `FitStarted` (a `BaseException`, so the CLI cannot turn it into an exit code), so a
validation that only happens after sampling shows up as a test failure, not as a slow pass.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from forecast.cli import main
from test_data_cli import run as run_main

class FitStarted(BaseException):
    """A fit began although the query was invalid."""


@pytest.fixture(autouse=True)
def no_fits(monkeypatch, tmp_path_factory):
    """Isolated cache, wide console, and any attempt to fit raises `FitStarted`."""
    import forecast.model.fit

    def refuse(*args, **kwargs):
        raise FitStarted("validation should have failed before the fit")

    monkeypatch.setattr(forecast.model.fit, "fit_model", refuse)
    monkeypatch.setenv("FORECAST_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "errors-cache"))
    monkeypatch.setenv("COLUMNS", "200")


def run(capsys, args: list[str]) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `forecast <args>` run through `forecast.cli.main`."""
    return run_main(args, capsys)


def assert_user_error(code: int, out: str, err: str, *needles: str) -> None:
    assert code == 2, (code, out, err)
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: "), err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("bad-inputs")
    files = {
        "toml_syntax": root / "syntax.toml",
        "toml_unknown_key": root / "unknown.toml",
        "toml_projection": root / "projection.toml",
        "toml_prior_override": root / "override.toml",
        "toml_not_utf8": root / "latin1.toml",
        "toml_huge_rate": root / "huge.toml",
    }
    files["toml_syntax"].write_text('name = "x"\ndescription = "y\n[projection\n')
    files["toml_unknown_key"].write_text('name = "x"\ndescription = "y"\nexec = "import os"\n')
    files["toml_projection"].write_text('name = "x"\ndescription = "y"\n[projection]\narrivals = "yes"\n')
    files["toml_prior_override"].write_text(
        'name = "x"\ndescription = "y"\n[priors]\n"techniques.nope.multiplier" = 2.0\n')
    files["toml_not_utf8"].write_bytes(b'name = "caf\xe9"\ndescription = "y"\n')
    files["toml_huge_rate"].write_text(
        'name = "x"\ndescription = "y"\n[projection]\narrival_rate_scale = 1e300\n')
    (root / "a-folder").mkdir()
    files["folder"] = root / "a-folder"
    return files


QUERY = ["when", "--target", "mmlu=0.7", "--params", "7B"]

# (arguments, substrings the one error line must contain)
WHEN_CASES = [
    (["when", "--params", "7B"], ["forecast when", "--target"]),
    (["when", "--target", "", "--params", "7B"], ["key 'target'", "empty target"]),
    (["when", "--target", "mmlu=1.5", "--params", "7B"], ["key 'target'", "between 0 and 1"]),
    (["when", "--target", "mmlu=0", "--params", "7B"], ["key 'target'", "between 0 and 1"]),
    (["when", "--target", "mmlu=70", "--params", "7B"], ["key 'target'", "70%"]),
    (["when", "--target", "mmlu=nan", "--params", "7B"], ["key 'target'", "not a score"]),
    (["when", "--target", "mmlu=inf", "--params", "7B"], ["key 'target'", "not a score"]),
    (["when", "--target", "mmlu=-0.5", "--params", "7B"], ["key 'target'", "between 0 and 1"]),
    (["when", "--target", "mmlx=0.7", "--params", "7B"], ["key 'target'", "unknown benchmark 'mmlx'", "mmlu"]),
    (["when", "--target", "ifeval=0.5", "--params", "7B"], ["key 'target'", "unknown benchmark 'ifeval'"]),
    (["when", "--target", "model:gpt-3-17b", "--params", "7B"], ["key 'target'", "gpt-3-175b"]),
    (["when", "--target", "model:", "--params", "7B"], ["key 'target'", "unknown model"]),
    (["when", "--target", ",", "--params", "7B"], ["key 'target'"]),
    (["when", "--target", "mmlu=0.7,mmlu=0.8", "--params", "7B"], ["key 'target'", "twice"]),
    (["when", "--target", "mmlu", "--params", "7B"], ["key 'target'", "benchmark=score"]),
    (["when", "--target", "mmlu=0.7"], ["exactly one budget"]),
    (["when", "--target", "mmlu=0.7", "--params", "7B", "--memory", "4GiB", "--bits", "4"], ["exactly one budget"]),
    (["when", "--target", "mmlu=0.7", "--params", "0"], ["key 'params'"]),
    (["when", "--target", "mmlu=0.7", "--params", "-3B"], ["key 'params'"]),
    (["when", "--target", "mmlu=0.7", "--params", "1e999"], ["key 'params'"]),
    (["when", "--target", "mmlu=0.7", "--params", "nan"], ["key 'params'"]),
    (["when", "--target", "mmlu=0.7", "--params", "inf"], ["key 'params'"]),
    (["when", "--target", "mmlu=0.7", "--params", "1e20"], ["key 'params'", "range"]),
    (["when", "--target", "mmlu=0.7", "--params", "7X"], ["key 'params'"]),
    (["when", "--target", "mmlu=0.7", "--params", ""], ["key 'params'"]),
    (["when", "--target", "mmlu=0.7", "--params", "\u0667B"], ["key 'params'"]),
    (["when", "--target", "mmlu=0.7", "--active-params", "0.5"], ["key 'active-params'"]),
    (["when", "--target", "mmlu=0.7", "--memory", "4GiB"], ["key 'bits'", "--bits"]),
    (["when", "--target", "mmlu=0.7", "--memory", "4GiB", "--bits", "0"], ["key 'bits'"]),
    (["when", "--target", "mmlu=0.7", "--memory", "4GiB", "--bits", "nan"], ["key 'bits'"]),
    (["when", "--target", "mmlu=0.7", "--memory", "4GiB", "--bits", "64"], ["key 'bits'"]),
    (["when", "--target", "mmlu=0.7", "--memory", "4GiB", "--bits", "7"], ["key 'bits'", "known"]),
    (["when", "--target", "mmlu=0.7", "--memory", "4 parsecs", "--bits", "4"], ["key 'memory'"]),
    (["when", "--target", "mmlu=0.7", "--memory", "-4GiB", "--bits", "4"], ["key 'memory'"]),
    (["when", "--target", "mmlu=0.7", "--memory", "1e30", "--bits", "4"], ["key 'memory'", "range"]),
    (["when", *QUERY[1:], "--horizon", "2020-01-01"], ["key 'horizon'", "not after the as-of date"]),
    (["when", *QUERY[1:], "--horizon", "2200-01-01"], ["key 'horizon'", "outside"]),
    (["when", *QUERY[1:], "--horizon", "soon"], ["key 'horizon'", "not a date"]),
    (["when", *QUERY[1:], "--horizon", "2030-02-30"], ["key 'horizon'"]),
    (["when", *QUERY[1:], "--p-by", "1999-01-01"], ["key 'p-by'", "outside"]),
    (["when", *QUERY[1:], "--p-by", "next year"], ["key 'p-by'"]),
    (["when", *QUERY[1:], "--as-of", "1900-01-01"], ["key 'as_of'"]),
    (["when", *QUERY[1:], "--as-of", "2025-13-01"], ["key 'as_of'"]),
    (["when", *QUERY[1:], "--as-of", "2016-01-01"], ["key 'as_of'", "nothing to fit"]),
    (["when", *QUERY[1:], "--scenario", "nope"], ["nope", "presets"]),
    (["when", *QUERY[1:], "--scenario", ""], ["presets"]),
    (["when", *QUERY[1:], "--data", "/nonexistent/registry"], ["/nonexistent/registry", "not found"]),
    (["when", *QUERY[1:], "--priors", "/nonexistent/priors"], ["/nonexistent/priors", "not found"]),
    (["when", *QUERY[1:], "--draws", "5"], ["forecast when", "--draws"]),
    (["when", *QUERY[1:], "--draws", "abc"], ["forecast when", "--draws"]),
    (["when", *QUERY[1:], "--tune", "-1"], ["forecast when", "--tune"]),
    (["when", *QUERY[1:], "--seed", "x"], ["forecast when", "--seed"]),
    (["when", *QUERY[1:], "--bogus"], ["forecast when", "--bogus"]),
]

SIZE_CASES = [
    (["size", "--target", "mmlu=0.7"], ["forecast size", "--date"]),
    (["size", "--target", "mmlu=2", "--date", "2030-01-01"], ["key 'target'"]),
    (["size", "--target", "arc=0.5", "--date", "2030-01-01"], ["key 'target'", "arc_c"]),
    (["size", "--target", "mmlu=0.7", "--date", "yesterday"], ["key 'date'"]),
    (["size", "--target", "mmlu=0.7", "--date", "2030-01-01", "--date", "3000-01-01"], ["key 'date'"]),
    (["size", "--target", "mmlu=0.7", "--date", "2016-01-01"], ["key 'date'", "not after the as-of date"]),
    (["size", "--target", "mmlu=0.7", "--date", "2030-01-01", "--as-of", "2024-01-01", "--date", "2023-06-01"],
     ["key 'date'", "2023-06-01"]),
]

CAPABILITY_CASES = [
    (["capability", "--benchmark", "nope", "--date", "2030-01-01", "--params", "7B"], ["key 'benchmark'", "mmlu"]),
    (["capability", "--benchmark", "ifeval", "--date", "2030-01-01", "--params", "7B"], ["key 'benchmark'"]),
    (["capability", "--benchmark", "mmlu", "--date", "2030-01-01"], ["exactly one budget"]),
    (["capability", "--benchmark", "mmlu", "--date", "2030-01-01", "--params", "0"], ["key 'params'"]),
    (["capability", "--benchmark", "mmlu", "--date", "2030-02-30", "--params", "7B"], ["key 'date'"]),
    (["capability", "--benchmark", "mmlu", "--params", "7B"], ["forecast capability", "--date"]),
    (["capability", "--benchmark", "mmlu", "--date", "2016-01-01", "--params", "1B"], ["key 'date'", "as-of"]),
]

COMPARE_CASES = [
    (["compare", "--scenario", "central", "--scenario", "nope"], ["nope", "presets"]),
    (["compare", "--scenario", "central", "--scenario", "central"], ["key 'scenario'", "central"]),
    (["compare", "--scenario", "central", "--target", "mmlu=7"], ["key 'target'"]),
    (["compare", "--scenario", "central", "--params", "0"], ["key 'params'"]),
    (["compare", "--scenario", "central", "--horizon", "2001-01-01"], ["key 'horizon'"]),
    (["compare"], ["forecast compare", "--scenario"]),
]

FIT_CASES = [
    (["fit", "--as-of", "2024/01/01"], ["key 'as_of'"]),
    (["fit", "--draws", "99"], ["forecast fit", "--draws"]),
    (["fit", "--out", "/dev/null"], ["/dev/null", "not a regular file"]),
    (["fit", "--out", "/nonexistent-folder/fit.nc"], ["/nonexistent-folder", "does not exist"]),
    (["fit", "--out", ""], ["key '--out'", "folder"]),
]

DATA_PRIORS_CASES = [
    (["data", "summary", "--data", "/nonexistent/registry"], ["/nonexistent/registry"]),
    (["data", "show", "--since", "xx"], ["key '--since'"]),
    (["data", "show", "--benchmark", "nope"], ["key '--benchmark'"]),
    (["data", "check", "/nonexistent/models.csv"], ["/nonexistent/models.csv"]),
    (["priors", "show", "nope"], ["key 'nope'"]),
    (["priors", "check", "/nonexistent/priors"], ["/nonexistent/priors"]),
    (["priors", "list", "--priors", "/nonexistent/priors"], ["/nonexistent/priors"]),
    (["priors", "summary", "--by", "x"], ["key '--by'"]),
    (["priors", "summary", "--tpp", "-1"], ["key '--tpp'"]),
    (["nosuchcommand"], ["nosuchcommand"]),
]


@pytest.mark.parametrize(
    ("args", "needles"),
    WHEN_CASES + SIZE_CASES + CAPABILITY_CASES + COMPARE_CASES + FIT_CASES + DATA_PRIORS_CASES,
    ids=lambda v: " ".join(v)[:70] if isinstance(v, list) and v and v[0] in {
        "when", "size", "capability", "compare", "fit", "data", "priors", "nosuchcommand"} else "",
)
def test_user_error_is_one_line_exit_2_before_any_fit(capsys, args, needles):
    assert_user_error(*run(capsys, args), *needles)


@pytest.mark.parametrize(
    ("file_key", "needles"),
    [
        ("toml_syntax", ["syntax.toml", "TOML syntax error"]),
        ("toml_unknown_key", ["unknown.toml", "key 'exec'"]),
        ("toml_projection", ["projection.toml", "key 'projection.arrivals'"]),
        ("toml_prior_override", ["override.toml", "techniques.nope.multiplier"]),
        ("toml_not_utf8", ["latin1.toml", "UTF-8"]),
        ("toml_huge_rate", ["huge.toml", "key 'projection.arrival_rate_scale'", "0..10"]),
        ("folder", ["a-folder", "presets"]),
    ],
)
@pytest.mark.parametrize("command", ["when", "size", "compare"])
def test_bad_scenario_file_fails_before_the_fit(capsys, bad_files, file_key, needles, command):
    scenario = str(bad_files[file_key])
    args = {
        "when": [*QUERY, "--scenario", scenario],
        "size": ["size", "--target", "mmlu=0.7", "--date", "2030-01-01", "--scenario", scenario],
        "compare": ["compare", "--scenario", "central", "--scenario", scenario],
    }[command]
    assert_user_error(*run(capsys, args), *needles)


def test_fit_out_refuses_a_folder(capsys, bad_files):
    assert_user_error(*run(capsys, ["fit", "--out", str(bad_files["folder"])]), "is a folder")
    assert_user_error(*run(capsys, ["fit", "--out", str(bad_files["folder"]) + "/"]), "folder")


def test_fit_out_refuses_other_file_kinds(capsys, tmp_path):
    passwd_like = tmp_path / "passwd"
    passwd_like.write_text("root:x:0:0\n")
    assert_user_error(*run(capsys, ["fit", "--out", str(passwd_like)]), "must end in .nc")
    assert passwd_like.read_text() == "root:x:0:0\n"


def test_hostile_text_stays_on_one_line(capsys):
    """Line breaks and terminal escapes in an argument are shown escaped, not executed."""
    code, out, err = run(capsys, ["when", "--target", "mm\nlu\x1b[2J=0.5", "--params", "7B"])
    assert_user_error(code, out, err, "key 'target'")
    assert "\x1b" not in err and "\\x1b" in err and "\\n" in err


def test_very_long_argument_gives_a_short_message(capsys):
    code, out, err = run(capsys, ["when", "--target", "mmlu=0.7", "--params", "9" * 100_000 + "B"])
    assert_user_error(code, out, err, "key 'params'")
    assert len(err) < 500


def test_help_and_no_arguments(capsys):
    code, out, err = run(capsys, ["when", "--help"])
    assert code == 0 and "--target" in out
    code, out, err = run(capsys, [])
    assert code == 2 and "Usage" in out + err and "Traceback" not in out + err


# ------------------------------------------------------------------ internal errors and signals


@pytest.fixture
def failing_check(monkeypatch):
    """Make the first step of every query raise the exception the test sets."""
    import forecast.cli.forecast_cmd as forecast_cmd

    box: dict[str, BaseException] = {}

    def fail(*args, **kwargs):
        raise box["exc"]

    monkeypatch.setattr(forecast_cmd, "check_query", fail)
    return box


def test_internal_error_exits_1_with_debug_hint(capsys, failing_check):
    failing_check["exc"] = RuntimeError("boom\nwith a second line")
    code, out, err = run(capsys, QUERY)
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert lines[0] == "internal error: RuntimeError: boom\\nwith a second line"
    assert "--debug" in lines[1] and len(lines) == 2
    assert "Traceback" not in err


def test_debug_shows_the_traceback(capsys, failing_check):
    failing_check["exc"] = RuntimeError("boom")
    with pytest.raises(RuntimeError, match="boom"):
        main([*QUERY, "--debug"])


def test_unwritable_file_is_a_user_error(capsys, failing_check):
    failing_check["exc"] = PermissionError(13, "Permission denied", "/some/where/out.pdf")
    assert_user_error(*run(capsys, QUERY), "/some/where/out.pdf", "Permission denied")


def test_keyboard_interrupt_exits_130(capsys, failing_check):
    failing_check["exc"] = KeyboardInterrupt()
    code, out, err = run(capsys, QUERY)
    assert code == 130 and "interrupted" in err and "Traceback" not in err


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_signal_during_a_command_exits_cleanly(capsys, monkeypatch, sig, code):
    """SIGTERM / SIGINT raise `Interrupted` inside the command; handlers are restored after."""
    import forecast.cli.forecast_cmd as forecast_cmd

    def signalled(*args, **kwargs):
        signal.raise_signal(sig)  # to this (the main) thread
        time.sleep(5)  # the handler interrupts this
        raise AssertionError("the signal did not interrupt the command")

    monkeypatch.setattr(forecast_cmd, "check_query", signalled)
    before = signal.getsignal(sig)
    got, out, err = run(capsys, QUERY)
    assert got == code and "interrupted" in err and "Traceback" not in err
    assert signal.getsignal(sig) is before
