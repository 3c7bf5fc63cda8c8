"""The `forecast` console script: the CLI in an interpreter whose string hashes are unsalted.

A fit samples reproducibly only in an interpreter started with PYTHONHASHSEED=0
(`forecast.core.processes`); any other interpreter samples in a child process started for the
purpose, which imports PyMC, PyTensor and nutpie a second time. So when PYTHONHASHSEED is not
set, the console script replaces itself, before importing anything heavy, with the same command
under PYTHONHASHSEED=0 (`os.execve`: same process id, same standard streams). Where that is not
possible (not POSIX, or the script's path is unknown) or PYTHONHASHSEED is set to anything, the
command runs as it is.
"""

from __future__ import annotations

import os
import sys


def should_reexec(environ: dict[str, str] | os._Environ[str], argv: list[str], posix: bool) -> bool:
    """True when the command should restart itself under PYTHONHASHSEED=0 (module docstring)."""
    return posix and "PYTHONHASHSEED" not in environ and bool(argv) and os.path.isfile(argv[0])


def main() -> None:
    """Entry point of the `forecast` console script (`forecast.cli.main` once hashes are fixed)."""
    if should_reexec(os.environ, sys.argv, os.name == "posix"):
        env = dict(os.environ, PYTHONHASHSEED="0")
        try:
            os.execve(sys.executable, [sys.executable, *sys.argv], env)
        except OSError:
            pass  # run here; a fit then samples in a child process
    from forecast.cli import main as cli_main  # deferred: imported after the restart, not before

    cli_main()
