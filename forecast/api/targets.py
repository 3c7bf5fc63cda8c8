"""Parse capability targets and size budgets from the command line or the API.

Targets
    ``mmlu=0.70``            a score (fraction; ``70%`` is accepted) on one benchmark
    ``mmlu=0.7,gsm8k=0.5``   all of several benchmarks at once
    ``model:gpt-3-175b``     the latent capability of a registry model (its fitted theta);
                             a scored model outside the fit (a closed model without a public
                             parameter count) stands for the capability its scores on the
                             fitted benchmarks imply (`model_target`). A model is found by id
                             or by name, case aside.

Budgets
    parameters: ``7B``, ``1.5e9``, ``500M``, ``1.2T``; K, M, B (or G), T are 10^3, 10^6, 10^9,
    10^12. A plain number is a parameter count; one below `MIN_PLAIN_PARAMS` (``8``) is refused
    with a suggestion (``8B``), since no model is that small.
    memory: ``4GiB``, ``3.5GB``, ``512MiB``, ``4G``, ``2e9`` (bytes), with a weight precision in
    bits. KiB, MiB, GiB, TiB are powers of 2 (GiB = 2^30 bytes); kB, MB, GB, TB powers of 10
    (GB = 10^9 bytes); a bare K, M, G, T means KiB, MiB, GiB, TiB, as memory sizes are usually
    meant; a plain number is bytes (one below 10^6 is refused with a suggestion).

Dates
    ``YYYY-MM-DD`` within 2015-01-01..2100-01-01 (`forecast.inputs.dates.parse_date`)

Every parser raises `UserError` naming the option (``key``) on anything else, and quotes at most
`ECHO_LIMIT` characters of the offending text.
"""

from __future__ import annotations

import difflib
import math
import numbers
import re
from collections.abc import Sequence
from datetime import date

import pandas as pd

from forecast.core.errors import UserError
from forecast.projection.question import Budget, Target

_SIZE_UNITS = {"": 1.0, "k": 1e3, "m": 1e6, "b": 1e9, "g": 1e9, "t": 1e12}
_BYTE_UNITS = {
    "": 1.0, "b": 1.0, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
    "kib": 2.0**10, "mib": 2.0**20, "gib": 2.0**30, "tib": 2.0**40,
    "k": 2.0**10, "m": 2.0**20, "g": 2.0**30, "t": 2.0**40,  # bare: binary, as RAM is meant
}
# the units as people write them, for the suggestion on an unknown one
_BYTE_UNIT_NAMES = ("B", "kB", "MB", "GB", "TB", "KiB", "MiB", "GiB", "TiB", "K", "M", "G", "T")
# Unambiguous (no two ways to split the digits), so matching is linear in the input length.
_NUMBER = r"((?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
MAX_PARAMS = 1e15
MIN_PARAMS = 1e3
# a plain parameter count (no unit) below this is a forgotten unit: no real model is so small
MIN_PLAIN_PARAMS = 1e4
# a plain memory size (no unit, bytes) below this is a forgotten unit
MIN_PLAIN_BYTES = 1e6
MAX_INPUT_CHARS = 64  # no parameter count, memory size or date is longer
ECHO_LIMIT = 40


def _short(text: object) -> str:
    """At most ECHO_LIMIT characters of a user's input, for quoting in a message."""
    s = str(text)
    return s if len(s) <= ECHO_LIMIT else s[: ECHO_LIMIT - 3] + "..."


_SCORE = re.compile(r"[+-]?" + _NUMBER[1:-1])


def _close(word: str, options: Sequence[str]) -> str:
    matches = difflib.get_close_matches(word, list(options), n=5, cutoff=0.5)
    return f"; did you mean {', '.join(matches)}?" if matches else ""


def _plain(number: str) -> str:
    """A number as the user wrote it, without trailing zeros after a decimal point ('8.0' -> '8')."""
    return number.rstrip("0").rstrip(".") if "." in number and "e" not in number.lower() else number


def parse_count(text: str, key: str = "params") -> float:
    """A parameter count: '7B' -> 7e9.

    Parameters
    ----------
    text : str
        A number with an optional unit K, M, B (or G), T (powers of 10); a plain number is a count.
    key : str
        The option named in an error.

    Returns
    -------
    float
        The count, within `MIN_PARAMS`..`MAX_PARAMS`.

    Raises
    ------
    UserError
        Naming `key`, on anything else; a plain number below `MIN_PLAIN_PARAMS` (a forgotten
        unit) is refused with a suggestion: ``8 parameters? did you mean 8B?``.
    """
    s = str(text).strip().replace("_", "").replace(",", "")
    m = re.fullmatch(_NUMBER + r"\s*([kKmMbBgGtT]?)", s) if len(s) <= MAX_INPUT_CHARS else None
    if not m:
        raise UserError(f"'{_short(text)}' is not a parameter count (e.g. 7B, 1.5e9, 500M)", key=key)
    value = float(m.group(1)) * _SIZE_UNITS[m.group(2).lower()]
    if not m.group(2) and 0 < value < MIN_PLAIN_PARAMS:
        number = _plain(m.group(1))
        guess = f"{number}B" if value < 1000 else f"{number}M"
        raise UserError(f"{number} parameters? did you mean {guess}? (--{key} takes a count with a "
                        "unit K, M, B or T; no model has fewer than 10,000 parameters)", key=key)
    if not math.isfinite(value) or value < MIN_PARAMS or value > MAX_PARAMS:
        raise UserError(
            f"'{_short(text)}' is outside the supported range {MIN_PARAMS:.0e}..{MAX_PARAMS:.0e}",
            key=key,
        )
    return value


def format_count(value: float) -> str:
    """A parameter count as people write it, to 3 significant figures: 7e9 -> '7B',
    4.9e8 -> '490M' (the inverse of `parse_count`). Rounds first, so 999.9M reads '1B'."""
    value = float(f"{value:.3g}")
    for unit, scale in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if value >= scale:
            return f"{value / scale:.3g}{unit}"
    return f"{value:.3g}"


def parse_bytes(text: str, key: str = "memory") -> float:
    """A memory size in bytes: '4GiB' -> 4 * 2**30, '4GB' -> 4e9, '4G' -> 4 * 2**30.

    Parameters
    ----------
    text : str
        A number with an optional unit: KiB, MiB, GiB, TiB (powers of 2), kB, MB, GB, TB (powers
        of 10), or a bare K, M, G, T (read as KiB, MiB, GiB, TiB); case is ignored. A plain number
        is bytes.
    key : str
        The option named in an error.

    Returns
    -------
    float
        The size in bytes, within 1 kB..10 PB.

    Raises
    ------
    UserError
        Naming `key`, on anything else: an unknown unit lists the known ones (with the closest
        first), and a plain number below `MIN_PLAIN_BYTES` (a forgotten unit) suggests GiB.
    """
    s = str(text).strip().replace("_", "").replace(",", "")
    m = re.fullmatch(_NUMBER + r"\s*([a-zA-Z]*)", s) if len(s) <= MAX_INPUT_CHARS else None
    unit = m.group(2).lower() if m else None
    if not m or unit not in _BYTE_UNITS:
        hint = ""
        if m:
            close = difflib.get_close_matches(m.group(2), _BYTE_UNIT_NAMES, n=1, cutoff=0.5) or \
                difflib.get_close_matches(unit or "", [u.lower() for u in _BYTE_UNIT_NAMES], n=1, cutoff=0.5)
            if close:
                guess = next(u for u in _BYTE_UNIT_NAMES if u.lower() == close[0].lower())
                hint = f"; did you mean {_plain(m.group(1))}{guess}?"
        raise UserError(f"'{_short(text)}' is not a memory size (e.g. 4GiB, 4G, 3.5GB, 512MiB; "
                        f"GiB = 2^30 bytes, GB = 10^9){hint}", key=key)
    value = float(m.group(1)) * _BYTE_UNITS[unit]
    if not unit and 0 < value < MIN_PLAIN_BYTES:
        number = _plain(m.group(1))
        raise UserError(f"{number} bytes? did you mean {number}GiB? (--{key} takes a size with a "
                        "unit, e.g. 4GiB or 4G = 4 x 2^30 bytes, 4GB = 4 x 10^9 bytes)", key=key)
    if not math.isfinite(value) or value < 1e3 or value > 1e16:
        raise UserError(f"'{_short(text)}' is outside the supported range 1 kB..10 PB", key=key)
    return value


def make_budget(
    params: str | float | None = None,
    active_params: str | float | None = None,
    memory: str | float | None = None,
    bits: float | None = None,
) -> Budget:
    """The budget of a query: exactly one of `params`, `active_params`, `memory`.

    Parameters
    ----------
    params, active_params : str or float or None
        A total or active parameter count (`parse_count`).
    memory : str or float or None
        A weight-memory size (`parse_bytes`); it needs `bits`.
    bits : float or None
        The weight precision of a memory budget, 1..32; given with another budget it is an error.

    Returns
    -------
    Budget

    Raises
    ------
    UserError
        Naming the option, when not exactly one budget is given, `bits` is missing or given
        without `memory`, or a value does not parse.
    """
    given = [name for name, v in (("params", params), ("active-params", active_params),
                                  ("memory", memory)) if v is not None]
    if len(given) != 1:
        raise UserError("give exactly one budget: --params, --active-params or --memory",
                        key=",".join(given) or "budget")
    if bits is not None and memory is None:
        raise UserError(f"--bits applies only to a --memory budget; give --memory with it, or drop "
                        f"--bits (the budget is --{given[0]})", key="bits")
    if params is not None:
        return Budget("params_total", parse_count(str(params), "params"))
    if active_params is not None:
        return Budget("params_active", parse_count(str(active_params), "active-params"))
    if bits is None:
        raise UserError("--memory needs --bits (the weight precision, e.g. 4)", key="bits")
    if not (isinstance(bits, numbers.Real) and not isinstance(bits, bool)
            and math.isfinite(bits) and 1 <= bits <= 32):
        raise UserError(f"bits must lie in 1..32, got {_short(bits)}", key="bits")
    return Budget("memory_bytes", parse_bytes(str(memory), "memory"), float(bits))


def parse_target(text: str, benchmarks: Sequence[str], model_ids: Sequence[str]) -> Target:
    """Parse a target string; unknown benchmarks or models list the close matches."""
    raw = str(text).strip()
    if not raw:
        raise UserError("empty target (e.g. mmlu=0.70 or model:gpt-3-175b)", key="target")
    if raw.lower().startswith("model:"):
        mid = raw.split(":", 1)[1].strip().lower()
        if mid not in model_ids:
            hint = _close(mid, model_ids) if len(mid) <= 200 else ""
            raise UserError(f"unknown model '{_short(mid)}'{hint}", key="target")
        return Target(label=raw, model_id=mid)
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    thresholds: list[tuple[str, float]] = []
    for part in parts:
        if "=" not in part:
            raise UserError(f"'{_short(part)}' is not benchmark=score (e.g. mmlu=0.70)", key="target")
        bench, value = (x.strip() for x in part.split("=", 1))
        bench = bench.lower()
        if bench not in benchmarks:
            hint = _close(bench, benchmarks) if len(bench) <= 200 else ""
            raise UserError(f"unknown benchmark '{_short(bench)}'{hint}", key="target")
        pct = value.endswith("%")
        number = value[:-1].strip() if pct else value
        if not _SCORE.fullmatch(number):  # float() would also take 'nan', '1_0' or Arabic digits
            raise UserError(f"'{_short(value)}' is not a score for {bench} (e.g. 0.70 or 70%)",
                            key="target")
        score = float(number) / (100.0 if pct else 1.0)
        if not math.isfinite(score) or not 0.0 < score < 1.0:
            hint = " (scores are fractions; write 0.70 or 70%)" if 1 < score <= 100 else ""
            raise UserError(f"score {_short(value)} for {bench} must lie strictly between 0 and 1{hint}",
                            key="target")
        thresholds.append((bench, score))
    if not thresholds:
        raise UserError(f"'{_short(raw)}' names no benchmark=score (e.g. mmlu=0.70)", key="target")
    if len({b for b, _ in thresholds}) != len(thresholds):
        raise UserError("a benchmark appears twice in the target", key="target")
    return Target(label=raw, thresholds=tuple(thresholds))


def _name_key(text: str) -> str:
    """Lower case, letters and digits only: 'GPT-4 (0314)' and 'gpt-4-0314' match."""
    return re.sub(r"[^a-z0-9]", "", str(text).lower())


def model_target(text: str, benchmarks: Sequence[str], model_ids: Sequence[str],
                 models: pd.DataFrame, scores: pd.DataFrame) -> Target:
    """A ``model:ID`` target for any scored registry model, found by id or name.

    A model in the fit (`model_ids`) is its fitted capability; the label adds the scores it
    stands for. A scored model outside the fit (no public parameter count, e.g. GPT-4) becomes
    the conjunction of its median scores on the fitted benchmarks: the first release that
    matches all of them.

    Parameters
    ----------
    text : str
        ``model:<id or name>``.
    benchmarks : sequence of str
        The fitted benchmarks.
    model_ids : sequence of str
        The fitted models.
    models, scores : pandas.DataFrame
        The registry as of the as-of date.

    Returns
    -------
    Target
        ``model_id`` set for a fitted model, ``thresholds`` and ``inferred`` for one outside the
        fit; the label
        ``model:<id> (<benchmark>=<score>, ...)`` states the scores either way.

    Raises
    ------
    UserError
        (key ``target``) An unknown model, with close matches among ids and names; a model with
        no score on a fitted benchmark, naming the benchmarks it has.
    """
    wanted = str(text).split(":", 1)[1].strip()
    scored = models[models["model_id"].isin(set(scores["model_id"]))]
    by_key: dict[str, str] = {}
    for mid, name in zip(scored["model_id"].astype(str), scored["name"].astype(str), strict=True):
        by_key.setdefault(_name_key(mid), mid)
        by_key.setdefault(_name_key(name), mid)
    mid = wanted.lower() if wanted.lower() in set(scored["model_id"]) else by_key.get(_name_key(wanted))
    if mid is None:
        options = sorted(set(scored["model_id"].astype(str)) | set(scored["name"].astype(str)))
        hint = _close(wanted, options) if len(wanted) <= 200 else ""
        raise UserError(f"unknown model '{_short(wanted)}' (no scored model of the registry has "
                        f"this id or name){hint}", key="target")
    own = scores[scores["model_id"] == mid].groupby("benchmark")["score"].median()
    fitted = [(b, float(own[b])) for b in benchmarks if b in own.index]
    stands = ", ".join(f"{b}={v:.3f}" for b, v in fitted)
    if mid in model_ids:
        return Target(label=f"model:{mid} ({stands})" if stands else f"model:{mid}", model_id=mid)
    if not fitted:
        raise UserError(f"model '{mid}' has no score on a fitted benchmark (its scores: "
                        f"{', '.join(sorted(own.index))}; fitted: {', '.join(benchmarks)})",
                        key="target")
    thresholds = tuple((b, min(max(v, 1e-6), 1 - 1e-6)) for b, v in fitted)
    return Target(label=f"model:{mid} ({stands})", thresholds=thresholds, inferred=True)
