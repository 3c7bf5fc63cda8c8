"""`llmstats_flatten`: LLM-Stats' per-model JSON files as the two flat tables the build reads.

LLM-Stats (<https://github.com/JonathanChavezTamales/LLMStats>, CC-BY 4.0) publishes one file
per model, ``models/<org>/<model>/model.json``. The builder (`sources.Builder.load_llmstats`)
reads two CSV files flattened from them, laid out as below; from the snapshot named in
docs/data.md, `flat_tables` gives the shipped ``llmstats_models_flat.csv`` and
``llmstats_scores_long.csv`` byte for byte.

Rows
    The model files in folder order: sorted by their path under ``models/`` as text, so
    ``deepseek-r1-zero/`` comes before ``deepseek-r1/`` ('-' sorts before '/'). ``org`` and
    ``model_id`` are the two folder names. The scores table has one row per entry of the
    model's ``qualitative_metrics``, in the file's order (a model without entries has none).

Columns (`MODELS_COLUMNS`, `SCORES_COLUMNS`)
    The models table: ``org``, ``model_id``, the top-level fields of LLM-Stats' model schema
    (`MODEL_FIELDS`), then ``score_<name>`` for ten classic benchmarks (`SCORE_COLUMNS_OF`):
    the score of the model's first entry of that ``dataset_name``. The scores table:
    ``org``, ``model_id``, the model's ``name``, ``release_date``, ``param_count`` and
    ``training_tokens``, then the entry's fields (`METRIC_FIELDS`). The layout is fixed:
    a field outside it (the schema allows none) is not written, and a field a file lacks is
    written empty.

Cells (`_column_texts`)
    Missing (absent, ``null``) is empty; ``true``/``false`` are ``True``/``False``; text as it
    is; a list or object as JSON text. A number is written as an integer (``256000``) when
    every value of its column is an integer and none is missing, else as the shortest decimal
    that reads back as the same double (``398000000000.0``, ``0.654``, ``1e+16``): the rules
    by which pandas writes a table of the JSON values, which the shipped files follow.

Files are UTF-8 without a byte-order mark, with ``\\n`` line ends and quotes only where needed
(`forecast.inputs.registry.csv_bytes`). A file that is not valid JSON, or lacks a field the
build needs (`name`, `qualitative_metrics`, and each entry's `dataset_name` and `score`), is
refused with a `UserError` naming the file and the key, before anything is written.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from forecast.core.errors import UserError
from forecast.core.io import atomic_write
from forecast.inputs.registry import csv_bytes

MODELS_FILE = "llmstats_models_flat.csv"
SCORES_FILE = "llmstats_scores_long.csv"

#: The top-level fields of a model file (LLM-Stats' schemas/models-schema.json), in the order of
#: the shipped models table; ``qualitative_metrics`` becomes the scores table.
MODEL_FIELDS = ("name", "description", "fine_tuned_from_model_id", "canonical_model_id",
                "release_date", "input_context_size", "output_context_size", "license",
                "multimodal", "web_hydrated", "knowledge_cutoff", "api_ref_link",
                "playground_link", "paper_link", "scorecard_blog_link", "repo_link",
                "weights_link", "param_count", "training_tokens")
#: The benchmarks given a column of their own in the models table: dataset name -> column.
SCORE_COLUMNS_OF = {name: f"score_{name}" for name in (
    "MMLU", "MMLU-Pro", "GSM8K", "HumanEval", "ARC-C", "HellaSwag", "MATH", "GPQA", "Winogrande",
    "TruthfulQA")}
#: The model's fields repeated on each of its rows of the scores table.
SCORE_MODEL_FIELDS = ("name", "release_date", "param_count", "training_tokens")
#: The fields of one ``qualitative_metrics`` entry.
METRIC_FIELDS = ("dataset_name", "score", "is_self_reported", "analysis_method",
                 "date_recorded", "source_link")
MODELS_COLUMNS = ("org", "model_id", *MODEL_FIELDS, *SCORE_COLUMNS_OF.values())
SCORES_COLUMNS = ("org", "model_id", *SCORE_MODEL_FIELDS, *METRIC_FIELDS)


@dataclass(frozen=True)
class ModelFile:
    """One ``models/<org>/<model>/model.json``: its folder names, path and parsed content."""

    org: str
    model_id: str
    path: Path
    data: dict


def models_folder(src: Path | str) -> Path:
    """The ``models/`` tree of a LLM-Stats download.

    Parameters
    ----------
    src : path
        The download folder (the repository's root, holding ``models/``) or its ``models/``
        folder itself.

    Returns
    -------
    pathlib.Path
        ``src/models`` when that is a folder, else `src`.

    Raises
    ------
    UserError
        `src` is not a folder.
    """
    src = Path(src)
    if not src.is_dir():
        raise UserError("LLM-Stats download folder not found (docs/data.md says where to get "
                        "it)", file=str(src))
    return src / "models" if (src / "models").is_dir() else src


def read_model_files(src: Path | str) -> list[ModelFile]:
    """Read and check every ``<org>/<model>/model.json`` of a download, in folder order.

    Parameters
    ----------
    src : path
        The download folder or its ``models/`` folder (`models_folder`).

    Returns
    -------
    list of ModelFile
        One per model file, sorted by its path under ``models/`` as text.

    Raises
    ------
    UserError
        A missing folder, a folder without model files, a file that is not UTF-8 JSON, or a
        file without a field the build needs (the file and the key are named).
    """
    folder = models_folder(src)
    paths = sorted(folder.glob("*/*/model.json"), key=lambda p: p.relative_to(folder).as_posix())
    paths = [p for p in paths if p.is_file()]
    if not paths:
        raise UserError("no model files found: expected models/<org>/<model>/model.json",
                        file=str(folder))
    return [ModelFile(p.parent.parent.name, p.parent.name, p, _load(p)) for p in paths]


def flatten(src: Path | str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two flat tables of a LLM-Stats download, cell by cell as the CSV files hold them.

    Parameters
    ----------
    src : path
        The download folder or its ``models/`` folder.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The models table (`MODELS_COLUMNS`, one row per model) and the scores table
        (`SCORES_COLUMNS`, one row per ``qualitative_metrics`` entry). Every cell is the text
        written to the file (``""`` for a missing value), so a table equals the CSV file read
        with ``dtype=str, keep_default_na=False``.

    Raises
    ------
    UserError
        As `read_model_files`.
    """
    models, scores = _rows(read_model_files(src))
    return _frame(MODELS_COLUMNS, models), _frame(SCORES_COLUMNS, scores)


def flat_tables(src: Path | str) -> dict[str, bytes]:
    """The two CSV files of a LLM-Stats download, as bytes; nothing is written.

    Parameters
    ----------
    src : path
        The download folder or its ``models/`` folder.

    Returns
    -------
    dict
        `MODELS_FILE` and `SCORES_FILE` -> the file's content (UTF-8, ``\\n`` line ends).

    Raises
    ------
    UserError
        As `read_model_files`.
    """
    models, scores = flatten(src)
    return {MODELS_FILE: _csv(models), SCORES_FILE: _csv(scores)}


def write_flat_tables(src: Path | str, out: Path | str) -> dict:
    """Flatten a LLM-Stats download into `out`'s ``llmstats_models_flat.csv`` and
    ``llmstats_scores_long.csv``.

    Both files are built (and every model file checked) before either is written, and each is
    written atomically (a temporary file renamed over the destination), so bad input or an
    interrupt leaves `out` as it was.

    Parameters
    ----------
    src : path
        The download folder or its ``models/`` folder.
    out : path
        The folder to write into; it must exist.

    Returns
    -------
    dict
        ``models`` and ``scores`` (rows written), ``source`` (the ``models/`` folder read),
        ``out``, ``files`` (the paths written) and ``changed`` (the files whose bytes differ
        from what `out` held before).

    Raises
    ------
    UserError
        As `read_model_files`.
    """
    out = Path(out)
    models, scores = flatten(src)
    tables = {MODELS_FILE: _csv(models), SCORES_FILE: _csv(scores)}
    changed = [name for name, data in tables.items()
               if not (out / name).is_file() or (out / name).read_bytes() != data]
    for name, data in tables.items():
        atomic_write(out / name, data)
    return {"models": len(models), "scores": len(scores), "source": str(models_folder(src)),
            "out": str(out), "files": [str(out / name) for name in tables],
            "changed": changed}


def _load(path: Path) -> dict:
    """One model file, parsed and checked for the fields the flat tables and the build need."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                        file=str(path)) from None
    except OSError as exc:
        raise UserError(f"cannot read the file ({exc.strerror or exc})", file=str(path)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})",
                        file=str(path)) from None
    if not isinstance(data, dict):
        raise UserError("expected a JSON object of the model's fields", file=str(path))
    _require(data, "name", str, "text", path)
    for key in ("param_count", "training_tokens"):
        if data.get(key) is not None and not _is_number(data[key]):
            raise UserError(f"expected a number or null, found {json.dumps(data[key])}",
                            file=str(path), key=key)
    metrics = _require(data, "qualitative_metrics", list, "list", path)
    for index, entry in enumerate(metrics):
        key = f"qualitative_metrics[{index}]"
        if not isinstance(entry, dict):
            raise UserError("expected an object of the score's fields", file=str(path), key=key)
        _require(entry, "dataset_name", str, "text", path, prefix=key)
        if "score" not in entry:
            raise UserError("missing required field", file=str(path), key=f"{key}.score")
        if not _is_number(entry["score"]):
            raise UserError(f"expected a number, found {json.dumps(entry['score'])}",
                            file=str(path), key=f"{key}.score")
    return data


def _require(data: dict, field: str, kind: type, kind_name: str, path: Path,
             prefix: str = "") -> object:
    """`data[field]`, refused naming the file and key when absent or not of `kind`."""
    key = f"{prefix}.{field}" if prefix else field
    if field not in data:
        raise UserError("missing required field", file=str(path), key=key)
    if not isinstance(data[field], kind):
        raise UserError(f"expected {kind_name}, found {json.dumps(data[field])}", file=str(path),
                        key=key)
    return data[field]


def _rows(files: list[ModelFile]) -> tuple[list[dict], list[dict]]:
    """The JSON values of the two tables' rows (not yet text)."""
    models, scores = [], []
    for model in files:
        data = model.data
        row = {"org": model.org, "model_id": model.model_id}
        row.update({field: data.get(field) for field in MODEL_FIELDS})
        for entry in data["qualitative_metrics"]:
            column = SCORE_COLUMNS_OF.get(entry["dataset_name"])
            if column is not None and column not in row:
                row[column] = entry["score"]
        models.append(row)
        for entry in data["qualitative_metrics"]:
            scores.append({"org": model.org, "model_id": model.model_id,
                           **{field: data.get(field) for field in SCORE_MODEL_FIELDS},
                           **{field: entry.get(field) for field in METRIC_FIELDS}})
    return models, scores


def _frame(columns: tuple[str, ...], rows: list[dict]) -> pd.DataFrame:
    """A table of the cells' text, column by column (`_column_texts`)."""
    return pd.DataFrame({c: _column_texts([row.get(c) for row in rows]) for c in columns},
                        columns=list(columns), dtype=object)


def _column_texts(values: list[object]) -> list[str]:
    """One column's values as the CSV cells: numbers as floats when any value is a float or any
    is missing, the way a numeric column holding a missing value is written by pandas."""
    present = [v for v in values if not _is_missing(v)]
    numeric = bool(present) and all(_is_number(v) for v in present)
    as_float = numeric and (len(present) < len(values)
                            or any(isinstance(v, float) for v in present))
    return [_cell(v, as_float) for v in values]


def _cell(value: object, as_float: bool) -> str:
    if _is_missing(value):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return repr(float(value)) if as_float else str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _csv(frame: pd.DataFrame) -> bytes:
    return csv_bytes(list(frame.columns), frame.to_dict("records"))
