"""Error types shared by the whole package.

`UserError` is anything the user can fix: a bad file, a bad flag value, an impossible query.
The CLI prints it as one line naming *where* the problem is (file, row, column or key) and exits
with code 2, never with a traceback. Anything else that escapes is an internal error (exit 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class Location:
    """Where in the user's input a problem is. Rows are 1-based data rows (header = row 1)."""

    file: str | Path | None = None
    row: int | None = None
    column: str | None = None
    key: str | None = None

    def describe(self) -> str:
        parts: list[str] = []
        if self.file is not None:
            parts.append(str(self.file))
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column '{self.column}'")
        if self.key is not None:
            parts.append(f"key '{self.key}'")
        return ", ".join(parts)


class UserError(Exception):
    """A problem with the user's input. Exit code 2.

    >>> str(UserError("score must lie in [0, 1]", file="scores.csv", row=4, column="score"))
    "scores.csv, row 4, column 'score': score must lie in [0, 1]"
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
        key: str | None = None,
    ) -> None:
        self.message = message
        self.location = Location(file=file, row=row, column=column, key=key)
        where = self.location.describe()
        super().__init__(f"{where}: {message}" if where else message)


class DiagnosticsFailed(Exception):
    """Raised under ``--strict`` when a fit fails its convergence checks. Exit code 3."""

    exit_code = 3
