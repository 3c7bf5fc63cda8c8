"""The `forecast` command line.

Each command group lives in its own module and registers itself on `app`; heavy libraries
(PyMC, ArviZ, Matplotlib) are imported inside the commands, so `forecast --help` and queries on a
cached fit start fast.

Exit codes: 0 success; 1 internal error (traceback with --debug); 2 user error (one line naming
the file, row, column or key); 3 a fit failed its diagnostics under --strict; 130 interrupted.
"""

from __future__ import annotations

import os
import sys

import typer
from typer.exceptions import TyperException

from forecast.errors import DiagnosticsFailed, UserError

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


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `forecast` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = _debug_requested(argv)
    argv = [a for a in argv if a != "--debug"]
    from rich.markup import escape

    from forecast.cli.output import err_console

    try:
        app(args=argv, prog_name="forecast", standalone_mode=False)
    except UserError as exc:
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise SystemExit(2) from None
    except DiagnosticsFailed as exc:
        err_console.print(f"[bold red]diagnostics failed (--strict):[/] {escape(str(exc))}", highlight=False)
        raise SystemExit(3) from None
    except (typer.Abort, KeyboardInterrupt):
        err_console.print("interrupted")
        raise SystemExit(130) from None
    except typer.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except TyperException as exc:  # usage errors: bad option, missing argument, bad value
        exc.show()
        raise SystemExit(2) from None
    except SystemExit:
        raise
    except Exception as exc:  # an internal error: short message, traceback on request
        if debug:
            raise
        err_console.print(
            f"[bold red]internal error:[/] {type(exc).__name__}: {escape(str(exc))}\n"
            "Run again with --debug for the traceback.",
            highlight=False,
        )
        raise SystemExit(1) from None
