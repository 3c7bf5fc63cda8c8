"""The CLI's input checks and announcements: forgotten units, memory units, `--bits` without
`--memory`, `--p-by` and `--as-of` dates, `--version`, the announcement of a fit that is not
cached, and PyMC's parameter list kept off the screen.

No test samples: `forecast.model.fit.fit_model` is replaced by a function that raises `FitStarted`
(a `BaseException`, so the CLI cannot turn it into an exit code). A query the checks accept
reaches it; a query they refuse fails before it.
"""

from __future__ import annotations

import importlib.metadata
import logging
from datetime import date, timedelta

import pytest

import forecast
from forecast.api.engine import COMPILE_SECONDS, Engine, check_as_of
from forecast.api.targets import make_budget, parse_bytes, parse_count
from forecast.cli import main, version
from forecast.cli.forecast_cmd import fit_announcement, make_engine
from forecast.cli.logs import SAMPLER_LOGGER, quiet_sampler_log
from forecast.core.errors import UserError

QUERY = ["when", "--target", "mmlu=0.7"]
TOMORROW = (date.today() + timedelta(days=1)).isoformat()


class FitStarted(BaseException):
    """A fit began (the checks let the query through)."""


@pytest.fixture(autouse=True)
def no_fits(monkeypatch, tmp_path):
    """An empty cache of this test's own, and any attempt to fit raises `FitStarted`."""
    import forecast.model.fit

    def refuse(*args, **kwargs):
        raise FitStarted("a fit started")

    monkeypatch.setattr(forecast.model.fit, "fit_model", refuse)
    monkeypatch.setenv("FORECAST_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("COLUMNS", "200")
    yield
    quiet_sampler_log(debug=True)  # leave PyMC's logger as the test session found it


def run(capsys, args: list[str]) -> tuple[int | str, str, str]:
    """(exit code, stdout, stderr) of `forecast <args>`; the code is "fit" when a fit started."""
    capsys.readouterr()
    try:
        main(args)
        code: int | str = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    except FitStarted:
        code = "fit"
    out, err = capsys.readouterr()
    return code, out, err


def assert_user_error(result: tuple[int | str, str, str], *needles: str) -> None:
    code, out, err = result
    assert code == 2, result
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


# ----------------------------------------------------------------- forgotten units in counts
@pytest.mark.parametrize(("option", "value", "suggestion"), [
    ("--params", "8", "8 parameters? did you mean 8B?"),
    ("--params", "0.5", "0.5 parameters? did you mean 0.5B?"),
    ("--params", "70.0", "70 parameters? did you mean 70B?"),
    ("--params", "1500", "1500 parameters? did you mean 1500M?"),
    ("--active-params", "8", "8 parameters? did you mean 8B?"),
])
def test_a_plain_small_parameter_count_is_refused_with_a_suggestion(capsys, option, value, suggestion):
    assert_user_error(run(capsys, [*QUERY, option, value]), f"key '{option[2:]}'", suggestion, option)


def test_plain_counts_from_ten_thousand_and_counts_with_units_are_read():
    assert parse_count("8B") == 8e9 and parse_count("8G") == 8e9 and parse_count("500M") == 5e8
    assert parse_count("20000") == 2e4
    with pytest.raises(UserError, match="did you mean 9999M"):
        parse_count("9999")
    with pytest.raises(UserError, match="outside the supported range"):
        parse_count("0")


def test_a_suggested_count_is_accepted(capsys):
    assert run(capsys, [*QUERY, "--params", "8B"])[0] == "fit"


# ----------------------------------------------------------------- memory units
@pytest.mark.parametrize(("text", "expected"), [
    ("4GiB", 4 * 2**30), ("4G", 4 * 2**30), ("4g", 4 * 2**30), ("4 G", 4 * 2**30),
    ("4GB", 4e9), ("4gb", 4e9), ("512MiB", 512 * 2**20), ("512M", 512 * 2**20), ("512MB", 512e6),
    ("1T", 2**40), ("1TiB", 2**40), ("1TB", 1e12), ("64K", 64 * 2**10), ("2e9", 2e9),
])
def test_memory_units_read_as_documented(text, expected):
    assert parse_bytes(text) == expected


@pytest.mark.parametrize(("value", "needles"), [
    ("4gigs", ["not a memory size", "did you mean 4GiB?"]),
    ("4Gi", ["did you mean 4GiB?"]),
    ("4 parsecs", ["not a memory size", "GiB = 2^30 bytes"]),
    ("8", ["8 bytes? did you mean 8GiB?"]),
])
def test_a_bad_memory_size_is_refused_with_a_suggestion(capsys, value, needles):
    assert_user_error(run(capsys, [*QUERY, "--memory", value, "--bits", "4"]), "key 'memory'", *needles)


def test_a_bare_g_memory_is_accepted(capsys):
    assert run(capsys, [*QUERY, "--memory", "4G", "--bits", "4"])[0] == "fit"


def test_the_options_help_states_the_units(capsys):
    code, out, _ = run(capsys, ["when", "--help"])
    assert code == 0
    text = " ".join(out.split())
    for needle in ("GiB = 2^30", "GB = 10^9", "8 -> did you mean 8B?", "without --memory"):
        assert needle in text.replace("│ ", ""), needle


# ----------------------------------------------------------------- --bits without --memory
@pytest.mark.parametrize("args", [
    [*QUERY, "--params", "7B", "--bits", "4"],
    [*QUERY, "--active-params", "7B", "--bits", "4"],
    ["capability", "--benchmark", "mmlu", "--date", "2030-01-01", "--params", "7B", "--bits", "4"],
])
def test_bits_without_memory_is_an_error(capsys, args):
    assert_user_error(run(capsys, args), "key 'bits'", "--bits applies only to a --memory budget")


def test_the_api_refuses_bits_without_memory():
    with pytest.raises(UserError) as info:
        make_budget(params="7B", bits=4)
    assert info.value.location.key == "bits"
    assert make_budget(memory="4GiB", bits=4).bits == 4.0


# ----------------------------------------------------------------- --p-by
@pytest.mark.parametrize("day", ["2025-12-31", "2025-06-01"])
def test_a_p_by_date_on_or_before_the_as_of_date_is_an_error(capsys, day):
    result = run(capsys, [*QUERY, "--params", "7B", "--as-of", "2025-12-31", "--p-by", day])
    assert_user_error(result, "key 'p-by'", "not after the as-of date 2025-12-31")


def test_a_p_by_date_after_the_as_of_date_is_accepted(capsys):
    assert run(capsys, [*QUERY, "--params", "7B", "--as-of", "2025-12-31", "--p-by", "2026-01-01"])[0] == "fit"


def test_the_api_refuses_a_p_by_date_before_any_fit():
    engine = Engine(as_of="2025-06-01")
    with pytest.raises(UserError) as info:
        engine.when("mmlu=0.7", params="7B", p_by=["2025-06-01"])
    assert info.value.location.key == "p_by"


# ----------------------------------------------------------------- --as-of after today
def test_an_as_of_date_after_today_is_refused_first(capsys, tmp_path):
    # a registry folder that does not exist: the as-of date is checked before anything is read
    result = run(capsys, [*QUERY, "--params", "7B", "--as-of", TOMORROW, "--data", str(tmp_path / "none")])
    assert_user_error(result, "key 'as_of'", f"{TOMORROW} is after today ({date.today()})",
                      "a forecast cannot see data from the future")


def test_fit_refuses_an_as_of_date_after_today(capsys):
    assert_user_error(run(capsys, ["fit", "--as-of", TOMORROW]), "key 'as_of'", "after today")


def test_the_api_refuses_an_as_of_date_after_today():
    with pytest.raises(UserError, match="after today") as info:
        Engine(as_of=TOMORROW)
    assert info.value.location.key == "as_of"
    assert check_as_of(date.today()) == date.today()
    assert check_as_of(None) is None


# ----------------------------------------------------------------- --version
def test_version_prints_the_version_and_exits_0(capsys):
    code, out, err = run(capsys, ["--version"])
    assert (code, err) == (0, "")
    assert out == f"forecast {version()}\n"
    try:
        expected = importlib.metadata.version("forecast")
    except importlib.metadata.PackageNotFoundError:
        expected = forecast.__version__
    assert version() == expected


def test_version_is_listed_in_the_help(capsys):
    code, out, _ = run(capsys, ["--help"])
    assert code == 0 and "--version" in out


# ----------------------------------------------------------------- the fit's announcement
def announcements(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("Fitting the model as of")]


def test_a_fit_that_is_not_cached_is_announced_on_stderr_once(capsys):
    code, out, err = run(capsys, [*QUERY, "--params", "7B", "--as-of", "2025-12-31", "--json"])
    assert code == "fit" and out == ""
    lines = announcements(err)
    assert len(lines) == 1, err
    assert lines[0].startswith("Fitting the model as of 2025-12-31 (no cached fit for this registry, "
                               "priors, settings and code; about ")
    assert lines[0].endswith(" on 2 cores) ...")


def test_no_cache_says_why(capsys):
    code, _, err = run(capsys, ["fit", "--as-of", "2025-12-31", "--no-cache"])
    assert code == "fit"
    assert "(--no-cache was given;" in announcements(err)[0]


def test_a_cached_fit_is_not_announced(capsys):
    from forecast.model.fit import cache_path

    engine = make_engine(None, None, "2025-12-31", 20230319)
    assert not engine.fit_is_cached()
    path = cache_path(engine._cache_keys()[0])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")  # present: fit_model (here refusing) would load it
    assert engine.fit_is_cached()
    with pytest.raises(FitStarted):
        engine.fit()
    assert announcements(capsys.readouterr().err) == []
    engine.use_cache = False
    assert not engine.fit_is_cached()


def test_the_estimate_follows_its_rule():
    engine = Engine(as_of="2025-12-31")
    plan = engine.fit_plan()
    assert plan["cached"] is False and plan["compiled_cached"] is False  # an empty cache
    assert plan["informative_models"] > 0 and plan["chains"] == 4 and plan["cores"] == 2
    assert plan["seconds"] > COMPILE_SECONDS
    longer = Engine(as_of="2025-12-31", draws=4000).fit_plan()
    assert longer["seconds"] > plan["seconds"]


@pytest.mark.parametrize(("seconds", "use_cache", "needle"), [
    (60.0, True, "no cached fit for this registry, priors, settings and code; about 1 minute on 2 cores"),
    (40.0, True, "about 40 seconds"),
    (3.0, True, "about 10 seconds"),
    (200.0, True, "about 3 minutes"),
    (60.0, False, "(--no-cache was given; about 1 minute"),
])
def test_the_announcement_reads_well(seconds, use_cache, needle):
    plan = {"use_cache": use_cache, "seconds": seconds, "cores": 2, "as_of": "2025-12-31"}
    line = fit_announcement(plan)
    assert line.startswith("Fitting the model as of 2025-12-31 (") and line.endswith(") ...")
    assert needle in line


# ----------------------------------------------------------------- PyMC's parameter list
class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def pymc_records():
    handler = Records()
    logger = logging.getLogger(SAMPLER_LOGGER)
    logger.addHandler(handler)
    old = logger.level
    logger.setLevel(logging.INFO)  # as PyMC sets it on import
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(old)


def test_the_cli_keeps_pymcs_parameter_list_quiet_unless_debug(capsys, pymc_records):
    logger = logging.getLogger(SAMPLER_LOGGER)
    run(capsys, ["--version"])
    logger.info("NUTS[nutpie]: [z_beta, drift_rate]")
    logger.warning("a warning still shows")
    assert pymc_records.messages == ["a warning still shows"]
    run(capsys, ["--debug", "--version"])
    logger.info("NUTS[nutpie]: [z_beta, drift_rate]")
    assert pymc_records.messages[-1] == "NUTS[nutpie]: [z_beta, drift_rate]"
