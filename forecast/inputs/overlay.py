"""The user's overlay on a registry: models and scores of the user's own, kept beside the
shipped (or a `--data`) registry and never written into it.

An overlay is a folder holding ``models.csv`` and/or ``scores.csv`` in the registry's schema
(`forecast.inputs.registry.MODEL_COLUMNS`, `SCORE_COLUMNS`): ``<user data>/overlay/`` for the
shipped registry (`forecast.core.paths.user_data_dir`, FORECAST_DATA_HOME), ``<folder>/overlay/``
for a registry folder given with ``--data``. `forecast.inputs.registry.load_registry` applies it.

Every change (`add_release`, `import_files`, `remove_model`) validates the registry with the
changed overlay before anything is written, then writes each file atomically
(`forecast.core.io.atomic_write`), so a refused change leaves the overlay as it was.

A release to add is a mapping (from a TOML file or from `forecast data add`'s options)::

    [model]                           # leave out to add scores to a model already known
    model_id = "acme-4b"
    name = "Acme 4B"
    organization = "Acme"
    release_date = 2026-09-15
    params_total = "4B"               # a count, or a number with K, M, B or T
    open_weights = true
    techniques = { instruction_tuned = 1, distilled = 1 }   # the rest stay unknown

    [[scores]]
    benchmark = "mmlu"
    score = 0.80
    reported = 2026-09-15             # default: the model's release date
    reported_source = "Acme model card"
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from forecast.core.errors import UserError
from forecast.core.io import atomic_write
from forecast.core.paths import default_data_dir, overlay_dir
from forecast.inputs.registry import (
    csv_bytes,
    BENCHMARKS_FILE,
    MODEL_COLUMNS,
    MODELS_FILE,
    SCORE_COLUMNS,
    SCORES_FILE,
    TECHNIQUE_COLUMNS,
    RawTable,
    parse_csv_bytes,
    read_csv_file,
    table_kind,
    validate_benchmarks,
    validate_models,
    validate_scores,
    validate_with_overlay,
)

#: What `add_release` fills in when a release leaves a field out (stated in its result).
MODEL_DEFAULTS: dict[str, str] = {
    "architecture": "decoder",
    "open_weights": "1",
    "params_exact": "1",
    "date_source": "added with forecast data add",
}
SCORE_DEFAULTS: dict[str, str] = {"cot": "0", "protocol": "paper", "source": "self_reported"}
_MODEL_KEYS = set(MODEL_COLUMNS) | {"techniques"}
_SCORE_KEYS = set(SCORE_COLUMNS) - {"model_id"}
_COUNT = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][+-]?\d+)?)\s*([kKmMbBtT]?)\s*$")
_SCALE = {"": 1.0, "k": 1e3, "m": 1e6, "b": 1e9, "t": 1e12}


@dataclass
class OverlayChange:
    """What a change of the overlay did: the rows written, the files, the defaults applied."""

    folder: Path
    models: list[dict[str, str]] = field(default_factory=list)
    scores: list[dict[str, str]] = field(default_factory=list)
    defaults: list[str] = field(default_factory=list)  # "field: value (why)"
    files: list[Path] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the change."""
        return {"overlay": str(self.folder), "models": self.models, "scores": self.scores,
                "defaults": self.defaults, "files": [str(p) for p in self.files]}


def overlay_folder(data_dir: str | Path | None = None) -> Path:
    """The overlay folder of the registry `data_dir` (None or the shipped folder: the user's)."""
    if data_dir is not None and Path(data_dir).resolve() == default_data_dir().resolve():
        data_dir = None
    if data_dir is not None and not Path(data_dir).is_dir():
        raise UserError("registry folder not found", file=str(data_dir), key="--data")
    return overlay_dir(data_dir)


# --------------------------------------------------------------------------------------------
# Reading a release: a TOML file or the options of `forecast data add`
# --------------------------------------------------------------------------------------------


def read_release_file(path: str | Path) -> dict[str, Any]:
    """A release to add from a TOML file (the module docstring's format); `UserError` naming
    the file when it cannot be read or parsed."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise UserError("file not found", file=str(path), key="--from") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read the file ({exc})", file=str(path), key="--from") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"not valid TOML: {exc}", file=str(path)) from None
    unknown = set(data) - {"model", "scores"}
    if unknown:
        raise UserError("unknown table (expected [model] and [[scores]])", file=str(path),
                        key=sorted(unknown)[0])
    if "model" in data and not isinstance(data["model"], dict):
        raise UserError("must be a table", file=str(path), key="model")
    scores = data.get("scores", [])
    if not isinstance(scores, list) or not all(isinstance(s, dict) for s in scores):
        raise UserError("must be an array of tables ([[scores]])", file=str(path), key="scores")
    return {"model": data.get("model"), "scores": scores, "label": str(path)}


def parse_count(value: Any, key: str, label: str | None = None) -> str:
    """A count as the registry writes it (a whole number) from a number or text such as "4B",
    "1.5e9" or "350M"; "" for None or empty."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        raise UserError(f"'{value}' is not a count", file=label, key=key)
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        match = _COUNT.match(str(value))
        if not match:
            raise UserError(f"'{value}' is not a count (e.g. 4B, 350M, 7.24e9)", file=label,
                            key=key)
        number = float(match.group(1)) * _SCALE[match.group(2).lower()]
    if not number > 0:
        raise UserError(f"must be positive, got {value}", file=label, key=key)
    return str(int(round(number)))


def _cell(value: Any, key: str, label: str | None) -> str:
    """A TOML or option value as the text of a CSV cell (booleans as 1/0, dates as ISO)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float, str)):
        return str(value).strip()
    raise UserError(f"expected a value, got a {type(value).__name__}", file=label, key=key)


def model_row(spec: Mapping[str, Any], label: str | None = None
              ) -> tuple[dict[str, str], list[str]]:
    """A full models row (every `MODEL_COLUMNS` cell as text) from a release's ``[model]``
    table, and the defaults it applied. Technique columns not given stay empty (unknown)."""
    unknown = set(spec) - _MODEL_KEYS
    if unknown:
        raise UserError(f"unknown field (known: {', '.join(sorted(_MODEL_KEYS))})", file=label,
                        key=f"model.{sorted(unknown)[0]}")
    row = {c: "" for c in MODEL_COLUMNS}
    for key, value in spec.items():
        if key != "techniques":
            row[key] = _cell(value, f"model.{key}", label)
    for key in ("params_total", "params_active", "training_tokens"):
        row[key] = parse_count(spec.get(key), f"model.{key}", label)
    techniques = spec.get("techniques", {}) or {}
    if not isinstance(techniques, Mapping):
        raise UserError("must be a table of technique = 0 or 1", file=label,
                        key="model.techniques")
    for name, value in techniques.items():
        if name not in TECHNIQUE_COLUMNS:
            raise UserError(f"unknown technique (known: {', '.join(TECHNIQUE_COLUMNS)})",
                            file=label, key=f"model.techniques.{name}")
        row[name] = _cell(value, f"model.techniques.{name}", label)
    defaults: list[str] = []
    if not row["model_id"]:
        raise UserError("the model needs an id", file=label, key="model.model_id")
    if not row["name"]:
        row["name"] = row["model_id"]
        defaults.append(f"name: {row['name']} (the id)")
    for key, value in MODEL_DEFAULTS.items():
        if not row[key]:
            row[key] = value
            if key != "date_source":
                defaults.append(f"{key}: {value}")
    if not row["access"]:
        row["access"] = "weights" if row["open_weights"] == "1" else "api"
        defaults.append(f"access: {row['access']} (from open_weights)")
    if not row["base_or_tuned"]:
        row["base_or_tuned"] = "tuned" if row["instruction_tuned"] == "1" else "base"
        defaults.append(f"base_or_tuned: {row['base_or_tuned']} (from instruction_tuned)")
    if not row["organization"]:
        row["organization"] = "unknown"
        defaults.append("organization: unknown (one level of the organisation effect for "
                        "every model without one)")
    if row["params_total"] and not row["params_active"]:
        row["params_active"] = row["params_total"]
    missing = [c for c in TECHNIQUE_COLUMNS if not row[c]]
    if missing:
        defaults.append(f"techniques left unknown (the fit imputes them from their adoption at "
                        f"the release date): {', '.join(missing)}")
    return row, defaults


def score_rows(model_id: str, specs: Sequence[Mapping[str, Any]], released: str,
               default_shots: Mapping[str, Any], label: str | None = None
               ) -> tuple[list[dict[str, str]], list[str]]:
    """Full scores rows from a release's ``[[scores]]`` tables, and the defaults applied:
    ``reported`` defaults to the model's release date `released`, ``shots`` to the benchmark's
    default, and `SCORE_DEFAULTS`."""
    rows, defaults = [], []
    for number, spec in enumerate(specs, start=1):
        where = f"scores[{number}]"
        unknown = set(spec) - _SCORE_KEYS
        if unknown:
            raise UserError(f"unknown field (known: {', '.join(sorted(_SCORE_KEYS))})",
                            file=label, key=f"{where}.{sorted(unknown)[0]}")
        row = {c: "" for c in SCORE_COLUMNS}
        row["model_id"] = model_id
        for key, value in spec.items():
            row[key] = _cell(value, f"{where}.{key}", label)
        if not row["benchmark"]:
            raise UserError("the score needs a benchmark", file=label, key=f"{where}.benchmark")
        if not row["score"]:
            raise UserError("the score needs a value", file=label, key=f"{where}.score")
        applied = []
        if not row["reported"]:
            row["reported"] = released
            applied.append(f"reported: {released} (the model's release date)")
        if not row["shots"] and "shots" not in spec:
            shots = default_shots.get(row["benchmark"])
            if shots is not None:
                row["shots"] = str(shots)
                applied.append(f"shots: {shots} (the benchmark's default)")
        for key, value in SCORE_DEFAULTS.items():
            if not row[key]:
                row[key] = value
                applied.append(f"{key}: {value}")
        rows.append(row)
        defaults += [f"{row['benchmark']} {item}" for item in applied]
    return rows, defaults


# --------------------------------------------------------------------------------------------
# Changing the overlay
# --------------------------------------------------------------------------------------------


def _base_tables(data_dir: str | Path | None) -> tuple[RawTable, RawTable, RawTable]:
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    if not folder.is_dir():
        raise UserError("registry folder not found", file=str(folder), key="--data")
    bench = folder / BENCHMARKS_FILE
    if not bench.is_file():
        bench = default_data_dir() / BENCHMARKS_FILE
    return read_csv_file(folder / MODELS_FILE), read_csv_file(folder / SCORES_FILE), \
        read_csv_file(bench)


def _existing(folder: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The overlay's current rows (full columns)."""
    out: list[list[dict[str, str]]] = []
    for name, columns in ((MODELS_FILE, MODEL_COLUMNS), (SCORES_FILE, SCORE_COLUMNS)):
        path = folder / name
        table = read_csv_file(path) if path.is_file() else None
        out.append([] if table is None else [{c: r.get(c, "") for c in columns}
                                             for r in table.rows])
    return out[0], out[1]


def _commit(folder: Path, data_dir: str | Path | None, models: list[dict[str, str]],
            scores: list[dict[str, str]]) -> list[Path]:
    """Validate the registry with the overlay `models` and `scores`, then write (or, when
    empty, delete) the overlay's two files; return the files written."""
    base = _base_tables(data_dir)
    payload = {MODELS_FILE: csv_bytes(MODEL_COLUMNS, models), SCORES_FILE: csv_bytes(SCORE_COLUMNS, scores)}
    tables = {}
    if models:
        tables["models"] = parse_csv_bytes(payload[MODELS_FILE], str(folder / MODELS_FILE))
    if scores:
        tables["scores"] = parse_csv_bytes(payload[SCORES_FILE], str(folder / SCORES_FILE))
    validate_with_overlay(*base, tables)
    written = []
    for name, rows in ((MODELS_FILE, models), (SCORES_FILE, scores)):
        path = folder / name
        if rows:
            atomic_write(path, payload[name])
            written.append(path)
        elif path.is_file():
            path.unlink()
    return written


def _known_models(data_dir: str | Path | None, folder: Path) -> dict[str, str]:
    """Release date (ISO text) of every model of the registry and its overlay."""
    base_models = _base_tables(data_dir)[0]
    known = {r["model_id"]: r.get("release_date", "") for r in base_models.rows}
    known.update({r["model_id"]: r["release_date"] for r in _existing(folder)[0]})
    return known


def add_release(release: Mapping[str, Any], data_dir: str | Path | None = None
                ) -> OverlayChange:
    """Add one model and its scores (or scores of a known model) to the overlay.

    Parameters
    ----------
    release : mapping
        ``{"model": {...} or None, "scores": [{...}, ...], "model_id": id (when "model" is
        None), "label": where it came from (for errors)}`` (`read_release_file`).
    data_dir : path or None
        The registry the overlay is on (None: the shipped one).

    Returns
    -------
    OverlayChange

    Raises
    ------
    UserError
        A field that does not validate (naming the field, or the overlay file, row and column),
        a model id the registry or the overlay already has, an unknown model for scores only.
    """
    label = release.get("label")
    folder = overlay_folder(data_dir)
    models, scores = _existing(folder)
    known = _known_models(data_dir, folder)
    change = OverlayChange(folder=folder)
    spec = release.get("model")
    if spec:
        row, change.defaults = model_row(spec, label)
        model_id = row["model_id"]
        if model_id in known:
            where = "your overlay" if model_id in {m["model_id"] for m in models} else \
                "the registry"
            raise UserError(f"model '{model_id}' is already in {where}; give the new model "
                            "another id, or leave out the model's fields to add scores to it",
                            file=label, key="model.model_id")
        released = row["release_date"]
        change.models = [row]
    else:
        model_id = str(release.get("model_id") or "")
        if model_id not in known:
            raise UserError("no such model in the registry or the overlay: give the new "
                            "model's release date and size to add it", key=model_id or "--id")
        released = known[model_id]
    if not release.get("scores") and not spec:
        raise UserError("nothing to add: give a model, scores or both", file=label)
    bench = validate_benchmarks(_base_tables(data_dir)[2])
    default_shots = {b: (None if s is None or str(s) == "<NA>" else int(s))
                     for b, s in zip(bench["benchmark"], bench["default_shots"], strict=True)}
    change.scores, score_defaults = score_rows(model_id, release.get("scores") or [], released,
                                               default_shots, label)
    change.defaults += score_defaults
    change.files = _commit(folder, data_dir, models + change.models, scores + change.scores)
    return change


def import_files(paths: Sequence[str | Path], data_dir: str | Path | None = None,
                 date_by_release: bool = False) -> OverlayChange:
    """Add the rows of a user's models CSV and/or scores CSV (the registry's schema) to the
    overlay. Each file is validated first on its own terms, so a problem names its file, row
    and column; optional models columns (`OPTIONAL_MODEL_COLUMNS`) get their defaults and
    columns outside the schema are left out.

    Parameters
    ----------
    paths : sequence of path
        One models file, one scores file, or one of each.
    data_dir : path or None
        The registry the overlay is on (None: the shipped one).
    date_by_release : bool
        A score without a ``reported`` date is written with its model's release date (and
        `DATED_BY_RELEASE` as its ``reported_source``) instead of refused.

    Returns
    -------
    OverlayChange
    """
    if not paths:
        raise UserError("no files given", key="FILE")
    folder = overlay_folder(data_dir)
    models, scores = _existing(folder)
    base = _base_tables(data_dir)
    known = {r["model_id"] for r in base[0].rows}
    overlay_ids = {m["model_id"] for m in models}
    by_kind: dict[str, RawTable] = {}
    for path in paths:
        table = read_csv_file(path)
        kind = table_kind(table)
        if kind == "benchmarks":
            raise UserError("a benchmarks table cannot be imported (an overlay adds models and "
                            "scores; put a benchmarks.csv in a --data folder)", file=table.path)
        if kind in by_kind:
            raise UserError(f"two {kind} tables given ({by_kind[kind].path} and this one)",
                            file=table.path)
        by_kind[kind] = table
    change = OverlayChange(folder=folder)
    if "models" in by_kind:
        table = by_kind["models"]
        frame = validate_models(table, other_ids=known | overlay_ids)
        for row, model_id in enumerate(frame["model_id"], start=1):
            if model_id in known or model_id in overlay_ids:
                where = "your overlay" if model_id in overlay_ids else "the registry"
                raise UserError(f"model '{model_id}' is already in {where}; give it another "
                                "id", file=table.path, row=row, column="model_id")
        for raw, open_weights in zip(table.rows, frame["open_weights"], strict=True):
            row = {c: raw.get(c, "") for c in MODEL_COLUMNS}
            if "params_exact" not in table.columns:
                row["params_exact"] = "1"
            if "access" not in table.columns:
                row["access"] = "weights" if open_weights == 1 else "api"
            change.models.append(row)
        ignored = [c for c in table.columns if c not in MODEL_COLUMNS]
        if ignored:
            change.defaults.append(f"{table.path}: columns left out: {', '.join(ignored)}")
    if "scores" in by_kind:
        table = by_kind["scores"]
        all_models = [*base[0].rows, *models, *change.models]
        released = {r["model_id"]: date.fromisoformat(r["release_date"]) for r in all_models}
        bench = validate_benchmarks(base[2])
        frame = validate_scores(table, set(released), set(bench["benchmark"]), released,
                                date_by_release)
        change.scores = [{c: raw.get(c, "") for c in SCORE_COLUMNS} for raw in table.rows]
        for row, when, basis in zip(change.scores, frame["reported"], frame["reported_source"],
                                    strict=True):
            if not row["reported"]:
                row["reported"], row["reported_source"] = when.date().isoformat(), basis
        ignored = [c for c in table.columns if c not in SCORE_COLUMNS]
        if ignored:
            change.defaults.append(f"{table.path}: columns left out: {', '.join(ignored)}")
    change.files = _commit(folder, data_dir, models + change.models, scores + change.scores)
    return change


def list_overlay(data_dir: str | Path | None = None) -> dict[str, Any]:
    """The overlay's folder, files, models and scores (as text, the files' own cells)."""
    folder = overlay_folder(data_dir)
    models, scores = _existing(folder)
    return {
        "overlay": str(folder),
        "files": [str(folder / n) for n in (MODELS_FILE, SCORES_FILE) if (folder / n).is_file()],
        "models": models,
        "scores": scores,
    }


def remove_model(model_id: str, data_dir: str | Path | None = None) -> OverlayChange:
    """Remove a model of the overlay and its scores, or the overlay's scores of a registry
    model; a file left without rows is deleted (the registry's hash is then as before).

    Raises
    ------
    UserError
        When the overlay has neither the model nor scores of it.
    """
    folder = overlay_folder(data_dir)
    models, scores = _existing(folder)
    gone_models = [m for m in models if m["model_id"] == model_id]
    gone_scores = [s for s in scores if s["model_id"] == model_id]
    if not gone_models and not gone_scores:
        ids = sorted({m["model_id"] for m in models} | {s["model_id"] for s in scores})
        raise UserError("not in the overlay (it holds: "
                        f"{', '.join(ids) if ids else 'nothing'})", key=model_id)
    keep_models = [m for m in models if m["model_id"] != model_id]
    dependants = [m["model_id"] for m in keep_models if m["base_model"] == model_id]
    if dependants:
        raise UserError(f"other overlay models name it as their base model "
                        f"({', '.join(dependants)}); remove them first", key=model_id)
    change = OverlayChange(folder=folder, models=gone_models, scores=gone_scores)
    change.files = _commit(folder, data_dir, keep_models,
                           [s for s in scores if s["model_id"] != model_id])
    return change

