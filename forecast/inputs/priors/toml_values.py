"""Reading a priors TOML file and the values in it.

Every reader checks one value's type (and for numbers that it is finite) and on failure raises a
`UserError` naming the file and the dotted key, so a user sees exactly which entry to fix.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from forecast.core.errors import UserError
from forecast.inputs.dates import parse_date

# the dates a prior file may state (introductions, publications, reference dates)
FILE_DATES = (date(1900, 1, 1), date(2100, 12, 31))

# technique ids, indicator columns and benchmark names: lower-case identifiers
ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def read_toml(path: Path) -> dict[str, Any]:
    """Parse one TOML file as data.

    Parameters
    ----------
    path : Path
        The file; UTF-8 text, a leading byte-order mark allowed (as in the registry's CSV files).

    Returns
    -------
    dict
        The parsed document.

    Raises
    ------
    UserError
        Naming the file, when it cannot be read, is not UTF-8 or is not valid TOML (with the line
        and column of a syntax error).
    """
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(f"file is not UTF-8 text (byte {exc.start})", file=path) from None
    except OSError as exc:
        raise UserError(f"cannot read file ({exc.strerror})", file=path) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        where = f" at line {m.group(1)}, column {m.group(2)}" if m else ""
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg) or "invalid TOML"
        raise UserError(f"TOML syntax error{where}: {reason}", file=path) from None
    except RecursionError:
        raise UserError("TOML nesting too deep", file=path) from None


def read_number(value: Any, file: Any, key: str) -> float:
    """A finite number (int or float, not bool) as float."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UserError(f"expected a number, got {type(value).__name__}", file=file, key=key)
    try:
        x = float(value)
    except OverflowError:
        raise UserError("number too large", file=file, key=key) from None
    if not math.isfinite(x):
        raise UserError("number must be finite", file=file, key=key)
    return x


def read_string(value: Any, file: Any, key: str) -> str:
    """A non-blank string, stripped."""
    if not isinstance(value, str):
        raise UserError(f"expected a string, got {type(value).__name__}", file=file, key=key)
    if not value.strip():
        raise UserError("must not be empty", file=file, key=key)
    return value.strip()


def read_bool(value: Any, file: Any, key: str) -> bool:
    """A TOML boolean."""
    if not isinstance(value, bool):
        raise UserError(f"expected true or false, got {type(value).__name__}", file=file, key=key)
    return value


def read_table(value: Any, file: Any, key: str) -> dict[str, Any]:
    """A TOML table."""
    if not isinstance(value, dict):
        raise UserError(f"expected a table, got {type(value).__name__}", file=file, key=key)
    return value


def read_file_date(value: Any, key: str, file: Any) -> date:
    """A date within `FILE_DATES` (`forecast.inputs.dates.parse_date`)."""
    return parse_date(value, key, file=file, earliest=FILE_DATES[0], latest=FILE_DATES[1])


def check_keys(table: Mapping[str, Any], allowed: Iterable[str], file: Any, prefix: str) -> None:
    """Refuse a key of `table` that is not in `allowed`, naming the allowed ones."""
    allowed = set(allowed)
    for k in table:
        if k not in allowed:
            raise UserError(
                f"unknown key (allowed: {', '.join(sorted(allowed))})", file=file, key=join_key(prefix, k)
            )


def require_key(table: Mapping[str, Any], key: str, file: Any, prefix: str) -> Any:
    """`table[key]`, or a `UserError` naming the missing dotted key."""
    if key not in table:
        raise UserError("missing required key", file=file, key=join_key(prefix, key))
    return table[key]


def join_key(prefix: str, key: str) -> str:
    """The dotted key `prefix.key` ('key' at the top level)."""
    return f"{prefix}.{key}" if prefix else key


def read_citation(table: Mapping[str, Any], file: Any, key: str) -> tuple[str | None, bool]:
    """(cite, judgement) of an entry that must state where its numbers come from.

    Parameters
    ----------
    table : Mapping
        The entry, with 'cite' (text) and/or 'judgement' (true).
    file : path or str
        Named in errors.
    key : str
        The entry's dotted key, named in errors.

    Returns
    -------
    tuple of (str or None, bool)
    """
    cite = read_string(table["cite"], file, join_key(key, "cite")) if "cite" in table else None
    judgement = read_bool(table["judgement"], file, join_key(key, "judgement")) if "judgement" in table else False
    if cite is None and not judgement:
        raise UserError("missing citation: give 'cite' or 'judgement = true'", file=file, key=key)
    return cite, judgement
