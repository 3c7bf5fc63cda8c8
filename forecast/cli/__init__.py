"""The `forecast` command line.

Each command group lives in its own module and registers itself on `app`; heavy libraries
(PyMC, ArviZ, Matplotlib) are imported inside the commands, so `forecast --help` and queries on a
cached fit start fast.

Exit codes: 0 success; 1 internal error (traceback with --debug); 2 user error (one line naming
the file, row, column or key; also bad options and unreadable or unwritable files); 3 a fit failed
its diagnostics under --strict; 130 interrupted (SIGINT), 143 terminated (SIGTERM).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from typing import Any

import typer
from rich.text import Text
from typer.exceptions import TyperException

from forecast.cli.output import err_console, one_line
from forecast.core.errors import DiagnosticsFailed, UserError

app = typer.Typer(
    name="forecast",
    help="When does a language-model capability fit in a given parameter or memory budget?",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

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


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `forecast` console script (exit codes in the module docstring)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = _debug_requested(argv)
    argv = [a for a in argv if a != "--debug"]
    try:
        with _signals_raise():
            # Outside standalone mode Typer *returns* the code of `typer.Exit` (and 130 for a
            # KeyboardInterrupt it caught) instead of raising it; commands themselves return None.
            code = app(args=argv, prog_name="forecast", standalone_mode=False)
        if isinstance(code, int) and not isinstance(code, bool) and code != 0:
            if code == 130:
                _print_error("interrupted:", "unfinished outputs were discarded")
            raise SystemExit(code)
    except UserError as exc:
        _print_error("error:", str(exc))
        raise SystemExit(2) from None
    except DiagnosticsFailed as exc:
        _print_error("diagnostics failed (--strict):", str(exc))
        raise SystemExit(3) from None
    except Interrupted as exc:
        _print_error("interrupted:", f"{exc}; unfinished outputs were discarded")
        raise SystemExit(exc.exit_code) from None
    except (typer.Abort, KeyboardInterrupt):
        _print_error("interrupted:", "unfinished outputs were discarded")
        raise SystemExit(130) from None
    except typer.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except TyperException as exc:  # bad option, missing argument, bad value: one line
        if type(exc).__name__ == "NoArgsIsHelpError":  # `forecast` or `forecast data` alone
            exc.show()  # type: ignore[attr-defined]
            raise SystemExit(2) from None
        ctx = getattr(exc, "ctx", None)
        where = f"{ctx.command_path}: " if ctx is not None else ""
        help_hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        _print_error("error:", where + exc.format_message(), help_hint)
        raise SystemExit(2) from None
    except SystemExit:
        raise
    except OSError as exc:  # a file the user named cannot be read or written (permission, space)
        if debug or exc.filename is None:
            if debug:
                raise
            _internal(exc)
        _print_error("error:", f"{exc.filename}: {exc.strerror or exc}")
        raise SystemExit(2) from None
    except Exception as exc:  # an internal error: short message, traceback on request
        if debug:
            raise
        _internal(exc)


def _internal(exc: BaseException) -> None:
    _print_error("internal error:", f"{type(exc).__name__}: {exc}"[:300],
                 "\nRun again with --debug for the traceback.")
    raise SystemExit(1) from None
