"""The `forecast` command line.

Each command group lives in its own module and registers itself on `app`; heavy libraries
(PyMC, ArviZ, Matplotlib) are imported inside the commands, so `forecast --help` and queries on a
cached fit start fast.

Exit codes: 0 success; 1 internal error (traceback with --debug); 2 user error (one line naming
the file, row, column or key; also bad options and unreadable or unwritable files); 3 a fit failed
its diagnostics under --strict; 130 interrupted (SIGINT), 143 terminated (SIGTERM). Under --json a
failing command also prints one error object on stdout (`forecast.cli.output.error_object`).
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import signal
import sys
from collections.abc import Iterator
from typing import Annotated, Any

import typer
from rich.text import Text
from typer.exceptions import TyperException

from forecast import __version__
from forecast.cli.logs import quiet_sampler_log
from forecast.cli.output import err_console, error_object, one_line, to_json
from forecast.core.errors import DiagnosticsFailed, UserError

app = typer.Typer(
    name="forecast",
    help="When does a language-model capability fit in a given parameter or memory budget?",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def version() -> str:
    """The installed version of the `forecast` distribution, or `forecast.__version__` when the
    package runs from a source tree that is not installed.

    Returns
    -------
    str
    """
    try:
        return importlib.metadata.version("forecast")
    except importlib.metadata.PackageNotFoundError:
        return __version__


def _print_version(value: bool) -> None:
    """`--version`: print ``forecast <version>`` and exit 0."""
    if value:
        print(f"forecast {version()}")
        raise typer.Exit()


#: Options given before the command that every command's registry loading follows.
_ROOT_OPTIONS = {"date_scores_by_release": False}


def date_scores_by_release() -> bool:
    """Whether ``forecast --date-scores-by-release`` was given: score rows without a ``reported``
    date are then dated by their model's release instead of refused.

    Returns
    -------
    bool
    """
    return _ROOT_OPTIONS["date_scores_by_release"]


def warn_undated(registry: Any) -> None:
    """A yellow warning on stderr when scores were dated by their model's release.

    Parameters
    ----------
    registry : forecast.inputs.registry.Registry
        The loaded registry (its ``undated_scores`` count).
    """
    if getattr(registry, "undated_scores", 0):
        err_console.print(f"[yellow]warning:[/] {registry.undated_scores} score rows have no "
                          "reported date and were dated by their model's release; backtests on "
                          "them see the future")


@app.callback()
def _root(
    show_version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True, help="Print 'forecast <version>' and exit.")] = False,
    dated_by_release: Annotated[bool, typer.Option(
        "--date-scores-by-release",
        help="Date score rows without a 'reported' date by their model's release (with a "
             "warning: backtests on them see the future) instead of refusing them.")] = False,
) -> None:
    """Options of `forecast` itself, before the command."""
    _ROOT_OPTIONS["date_scores_by_release"] = dated_by_release


# Command modules register themselves on `app` when imported.
from forecast.cli import commands  # noqa: E402,F401


def _debug_requested(argv: list[str]) -> bool:
    return "--debug" in argv or os.environ.get("FORECAST_DEBUG") == "1"


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived. A `BaseException` other than `KeyboardInterrupt`, so no library
    on the way up treats it as "stop early and return what you have" (nutpie returns a partial
    trace on `KeyboardInterrupt`); `finally` blocks still run, so `forecast.core.io.atomic_path`
    removes its temporary file and nothing half-written is left behind."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.exit_code = 128 + signum


def _raise_interrupted(signum: int, frame: Any) -> None:
    raise Interrupted(signum)


@contextlib.contextmanager
def _signals_raise() -> Iterator[None]:
    """While the CLI runs, SIGINT and SIGTERM raise `Interrupted` (restored afterwards)."""
    previous: dict[int, Any] = {}
    try:
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, _raise_interrupted)
    except ValueError:  # not the main thread: leave the handlers alone
        pass
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _print_error(label: str, message: str, hint: str = "") -> None:
    err_console.print(Text.assemble((label, "bold red"), " ", one_line(message), hint),
                      soft_wrap=True, highlight=False)


def _json_requested(argv: list[str]) -> bool:
    """`--json` is among the options (before any `--` that ends them)."""
    options = argv[: argv.index("--")] if "--" in argv else argv
    return "--json" in options


def _fail(code: int, label: str, message: str, hint: str = "", *, as_json: bool = False,
          **where: Any) -> None:
    """Print the one-line error on stderr and, under `--json`, the error object on stdout
    (`forecast.cli.output.error_object`); then exit with `code`."""
    _print_error(label, message, hint)
    if as_json:
        print(to_json(error_object(one_line(message), code, **where)), flush=True)
    raise SystemExit(code) from None


def _usage_key(exc: BaseException) -> str | None:
    """The option a Click usage error is about (`--draws`, `--target`), when it names one."""
    name = getattr(exc, "option_name", None)
    if name:
        return str(name)
    param = getattr(exc, "param", None)
    if param is not None:
        opts = getattr(param, "opts", None)
        return str(opts[0]) if opts else str(getattr(param, "name", None) or "") or None
    hint = getattr(exc, "param_hint", None)
    return hint if isinstance(hint, str) else None


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `forecast` console script (exit codes in the module docstring).

    Under `--json` a failure also prints one error object on stdout (docs/json.md).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = _debug_requested(argv)
    argv = [a for a in argv if a != "--debug"]
    quiet_sampler_log(debug)  # PyMC's list of the model's parameter names only under --debug
    as_json = _json_requested(argv)
    try:
        with _signals_raise():
            # Outside standalone mode Typer *returns* the code of `typer.Exit` (and 130 for a
            # KeyboardInterrupt it caught) instead of raising it; commands themselves return None.
            code = app(args=argv, prog_name="forecast", standalone_mode=False)
        if isinstance(code, int) and not isinstance(code, bool) and code != 0:
            if code == 130:
                _fail(130, "interrupted:", "unfinished outputs were discarded", as_json=as_json)
            raise SystemExit(code)
    except UserError as exc:
        loc = exc.location
        _fail(2, "error:", str(exc), as_json=as_json, file=loc.file, row=loc.row, column=loc.column,
              key=loc.key)
    except DiagnosticsFailed as exc:
        _fail(3, "diagnostics failed (--strict):", str(exc), as_json=as_json)
    except Interrupted as exc:
        _fail(exc.exit_code, "interrupted:", f"{exc}; unfinished outputs were discarded", as_json=as_json)
    except (typer.Abort, KeyboardInterrupt):
        _fail(130, "interrupted:", "unfinished outputs were discarded", as_json=as_json)
    except typer.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except TyperException as exc:  # bad option, missing argument, bad value: one line
        if type(exc).__name__ == "NoArgsIsHelpError":  # `forecast` or `forecast data` alone
            exc.show()  # type: ignore[attr-defined]
            raise SystemExit(2) from None
        ctx = getattr(exc, "ctx", None)
        where = f"{ctx.command_path}: " if ctx is not None else ""
        help_hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        _fail(2, "error:", where + exc.format_message(), help_hint, as_json=as_json, key=_usage_key(exc))
    except SystemExit:
        raise
    except OSError as exc:  # a file the user named cannot be read or written (permission, space)
        if debug or exc.filename is None:
            if debug:
                raise
            _internal(exc, as_json)
        _fail(2, "error:", f"{exc.filename}: {exc.strerror or exc}", as_json=as_json, file=exc.filename)
    except Exception as exc:  # an internal error: short message, traceback on request
        if debug:
            raise
        _internal(exc, as_json)


def _internal(exc: BaseException, as_json: bool = False) -> None:
    _fail(1, "internal error:", f"{type(exc).__name__}: {exc}"[:300],
          "\nRun again with --debug for the traceback.", as_json=as_json)
