"""Console output shared by all commands: Rich consoles, JSON emission, diagnostics warnings."""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from typing import Any

import numpy as np
from rich.console import Console

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
