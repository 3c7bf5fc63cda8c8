"""Console output shared by all commands: Rich consoles, JSON emission, diagnostics warnings."""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console

from forecast.core.errors import UserError

console = Console()
err_console = Console(stderr=True)

# what a technique's multiplier divides (`forecast.inputs.priors.AXES`), short enough for 80-column tables
AXIS_LABELS = {"params_total": "total", "params_active": "active", "memory_bytes": "memory",
               "tokens": "tokens"}
AXIS_NOTE = ("axis: what the multiplier divides: total = total parameters, active = active "
             "parameters per token, memory = bytes of the weights")


def compact_table(title: str, caption: str, **kwargs: Any) -> Any:
    """A Rich table in the compact layout of the CLI's wide tables: a rule under the header, no
    outer edge, one space between columns, `caption` left-aligned below. With `no_wrap` columns
    of short values this keeps the tables within 80 columns; `kwargs` go to `rich.table.Table`."""
    from rich import box  # deferred: loaded with rich.table below
    from rich.table import Table  # deferred: about 5 ms to import; --json prints no table

    return Table(title=title, caption=caption, caption_justify="left", box=box.SIMPLE_HEAD,
                 pad_edge=False, collapse_padding=True, **kwargs)


def axis_label(axis: str) -> str:
    """The short table label of a technique's axis (`AXIS_LABELS`; unknown axes as they are)."""
    return AXIS_LABELS.get(axis, axis)


def _default(obj: Any) -> Any:
    if isinstance(obj, (date, datetime)):
        return obj.isoformat()
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return _clean_float(float(obj))
    if isinstance(obj, np.ndarray):
        return [_default(x) if not isinstance(x, (int, str)) else x for x in obj.tolist()]
    if isinstance(obj, np.bool_):
        return bool(obj)
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    raise TypeError(f"cannot serialise {type(obj).__name__} to JSON")


def _clean_float(x: float) -> float | None:
    return None if (math.isnan(x) or math.isinf(x)) else x


def _clean(obj: Any) -> Any:
    if isinstance(obj, float):
        return _clean_float(obj)
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    return obj


def one_line(text: str, limit: int = 1000) -> str:
    """`text` as one printable line of at most `limit` characters.

    Line breaks, tabs and other control characters (which a hostile file name or field could use
    to forge lines or terminal escape sequences) are shown as escapes such as ``\\n`` and
    ``\\x1b``; anything beyond `limit` characters is cut and marked with an ellipsis.
    """
    out = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                  for ch in str(text))
    return out if len(out) <= limit else out[: limit - 1] + "\u2026"


def to_json(obj: Any) -> str:
    """Deterministic JSON (NaN and infinity become null) for `--json` output."""
    return json.dumps(_clean(obj), indent=2, default=_default, allow_nan=False, ensure_ascii=False)


def emit_json(obj: Any) -> None:
    """Print `obj` as JSON on stdout, bypassing Rich markup."""
    print(to_json(obj))


def emit_result(command: str, result: dict[str, Any]) -> None:
    """Print a command's ``--json`` answer: one object on stdout, ``command`` first.

    Parameters
    ----------
    command : str
        The command's name as typed, e.g. "when" or "priors list"; its schema is
        `json_schema(command)`.
    result : dict
        The answer's fields (docs/json.md lists them per command).

    Returns
    -------
    None
    """
    emit_json({"command": command, **result})


def error_object(message: str, exit_code: int, *, file: Any = None, row: int | None = None,
                 column: str | None = None, key: str | None = None) -> dict[str, Any]:
    """The object a failed command prints on stdout under ``--json`` (schema: `json_schema("error")`).

    Parameters
    ----------
    message : str
        The one-line message, as on stderr without its label.
    exit_code : int
        The process's exit code (2 bad input, 3 a fit failed under --strict, 1 internal error,
        130/143 interrupted).
    file, row, column, key : optional
        Where in the input the problem is; None where that does not apply.

    Returns
    -------
    dict
        ``{"error": {"message", "file", "row", "column", "key"}, "exit_code"}``.
    """
    return {"error": {"message": message, "file": None if file is None else str(file), "row": row,
                      "column": column, "key": key},
            "exit_code": exit_code}


SCHEMA_DIR = Path(__file__).parent / "schemas"


def json_schema(command: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a command's ``--json`` output, shipped with the package.

    Parameters
    ----------
    command : str
        The command as typed ("when", "priors list", ...), or "error" for the error object.

    Returns
    -------
    dict
        The schema, read from ``forecast/cli/schemas/<command with '_' for ' '>.json``.
    """
    path = SCHEMA_DIR / f"{command.replace(' ', '_')}.json"
    if not path.is_file():
        known = sorted(p.stem.replace("_", " ") for p in SCHEMA_DIR.glob("*.json"))
        raise UserError(f"no JSON schema for '{command}' (known: {', '.join(known)})", key="command")
    return json.loads(path.read_text(encoding="utf-8"))


def check_schema(data: Any, command: str, path: Path | str, what: str) -> None:
    """Refuse `data` read from `path` unless it matches `command`'s shipped schema
    (`json_schema`): a `UserError` "`what` at <place>: <reason>" naming the file and the first
    offending top-level key.

    Parameters
    ----------
    data : Any
        The parsed JSON.
    command : str
        The command whose schema applies ("sensitivity", "prospective record", ...).
    path : Path or str
        The file it was read from, named in the error.
    what : str
        The start of the message, e.g. "not a valid prospective record".

    Returns
    -------
    None
    """
    import jsonschema  # deferred: about 50 ms to import; only when a saved file is checked

    validator = jsonschema.Draft202012Validator(json_schema(command),
                                                format_checker=jsonschema.FormatChecker())
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise UserError(f"{what} at {where}: {error.message}", file=str(path),
                        key=str(error.absolute_path[0]) if error.absolute_path else None)
