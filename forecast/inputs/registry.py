"""The model registry: load, validate and filter the tables of released language models.

A registry is three CSV files in one folder:

* ``models.csv``: one row per model (`MODEL_COLUMNS`). Parameters and tokens are plain counts
  (not billions); ``release_date`` is the ISO date of the public release of *this* model.
* ``scores.csv``: one row per (model, benchmark, source observation) (`SCORE_COLUMNS`). Scores
  are fractions in [0, 1]; the same number copied between sources is one row, genuinely different
  measurements are separate rows (the model estimates a source/protocol effect).
* ``benchmarks.csv``: one row per benchmark with its chance score (`BENCHMARK_COLUMNS`).
  Optional in a user's folder; the shipped table is used when it is absent.

Technique columns hold 1 (the model uses the technique), 0 (no public evidence that it does) or
empty (unknown). Unknown is never refused: a scored model's unknown indicator is imputed in the
fit by the fitted adoption of the technique at its release date (`forecast.model.graph`;
docs/methods.md). The shipped registry has every scored model's columns curated.

The user's overlay (`forecast.inputs.overlay`) adds models and scores on top of a registry:
``models.csv`` and ``scores.csv`` in ``<user data>/overlay/`` for the shipped registry, or in
``<folder>/overlay/`` for a ``--data`` folder (`forecast.core.paths.overlay_dir`). Its models
are appended to the registry's (an id already in the registry is refused, naming the overlay
file, row and column) and its scores may name any model of either. `load_registry` applies it
and `Registry.sha256` covers its files, so every fit's cache key changes with it.

Everything a user can get wrong raises `forecast.core.errors.UserError` naming the file, the 1-based
data row (header excluded) and the column. The parser reads the files as data only (Python's
`csv` module on text decoded as UTF-8, a leading byte-order mark accepted); no other exception
escapes `load_registry` or `check_files` on malformed input.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from forecast.core.errors import UserError
from forecast.core.io import sha256_bytes, sha256_files
from forecast.core.paths import default_data_dir, overlay_dir
from forecast.inputs.dates import decimal_year, parse_date

TECHNIQUE_COLUMNS: list[str] = [
    "instruction_tuned",
    "reasoning_rl",
    "improved_objective",
    "multimodal",
    "moe",
    "ssm_hybrid",
    "quantized_release",
    "curated_data",
    "synthetic_data",
    "deduplicated",
    "distilled",
    "modern_arch",
]

MODEL_COLUMNS: list[str] = [
    "model_id",
    "name",
    "organization",
    "family",
    "release_date",
    "params_total",
    "params_active",
    "params_exact",
    "training_tokens",
    "open_weights",
    "access",
    "architecture",
    "base_or_tuned",
    *TECHNIQUE_COLUMNS,
    "objective",
    "base_model",
    "date_source",
    "params_source",
    "tokens_source",
    "techniques_source",
    "notes",
]

SCORE_COLUMNS: list[str] = [
    "model_id",
    "benchmark",
    "score",
    "shots",
    "cot",
    "protocol",
    "source",
    "source_ref",
    "reported",
    "reported_source",
]

BENCHMARK_COLUMNS: list[str] = ["benchmark", "name", "chance", "metric", "default_shots", "citation",
                                "introduced"]

#: Models columns a user's file may leave out: ``params_exact`` then reads 1 (the user's counts
#: are taken as exact) and ``access`` "weights" for open-weights models, else "api".
OPTIONAL_MODEL_COLUMNS = ("params_exact", "access")
#: How a model was made public: its weights, an API or hosted product, or not at all (empty:
#: unknown, which the backtest's events treat as not a public release).
ACCESS = ("weights", "api", "none")
ARCHITECTURES = ("decoder", "encoder-decoder", "hybrid", "ssm")
BASE_OR_TUNED = ("base", "tuned")
OBJECTIVES = ("causal", "ul2", "fim", "mtp", "prefix", "span-corruption")
SCORE_SOURCES = ("self_reported", "independent")

MODELS_FILE = "models.csv"
SCORES_FILE = "scores.csv"
BENCHMARKS_FILE = "benchmarks.csv"

#: Plausibility bounds: parameter counts up to 1e15 (a thousand trillion), token counts up to 1e16.
MAX_PARAMS = 1e15
MAX_TOKENS = 1e16
MIN_YEAR, MAX_YEAR = 1950, 2100
MAX_SHOTS = 1000

_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TEXT_COLUMNS_MODELS = {"name", "organization", "family", "date_source", "params_source",
                        "tokens_source", "techniques_source", "notes"}


# --------------------------------------------------------------------------------------------
# Reading CSV text as data
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawTable:
    """A CSV file read as strings: `rows[i][column]` is data row i+1 (header excluded)."""

    path: str
    columns: list[str]
    rows: list[dict[str, str]]


def _decode(data: bytes, label: str) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(
            f"not valid UTF-8 text (byte {exc.start}); save the file as UTF-8 CSV", file=label
        ) from None
    if "\x00" in text:
        raise UserError("contains NUL bytes; this is not a text CSV file", file=label)
    return text


def csv_bytes(columns: list[str], rows: list[dict[str, str]]) -> bytes:
    """Rows as registry CSV bytes: UTF-8, ``\\n`` line ends, the columns in order.

    Parameters
    ----------
    columns : list of str
        The header.
    rows : list of dict
        One dict per row; a missing column is written empty.

    Returns
    -------
    bytes
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return buffer.getvalue().encode("utf-8")


def parse_csv_bytes(data: bytes, label: str) -> RawTable:
    """Parse CSV bytes into a `RawTable` of stripped strings, or raise `UserError`.

    Rejects: non-UTF-8 bytes, NUL bytes, an empty file or a file without a header, empty or
    duplicated header names, and rows whose number of fields differs from the header's.
    """
    text = _decode(data, label)
    if not text.strip():
        raise UserError("the file is empty (expected a header row and data rows)", file=label)
    old_limit = csv.field_size_limit()
    csv.field_size_limit(max(old_limit, len(text) + 1))
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise UserError(f"not a readable CSV file: {exc}", file=label) from None
    finally:
        csv.field_size_limit(old_limit)
    records = [r for r in records if any(cell.strip() for cell in r)]
    if not records:
        raise UserError("the file has no header row", file=label)
    header = [h.strip() for h in records[0]]
    seen: set[str] = set()
    for position, name in enumerate(header, start=1):
        if not name:
            raise UserError(f"header field {position} is empty", file=label)
        if name in seen:
            raise UserError("column appears twice in the header", file=label, column=name)
        seen.add(name)
    rows: list[dict[str, str]] = []
    for number, record in enumerate(records[1:], start=1):
        if len(record) != len(header):
            raise UserError(
                f"has {len(record)} fields but the header has {len(header)}", file=label, row=number
            )
        rows.append({name: cell.strip() for name, cell in zip(header, record, strict=True)})
    return RawTable(path=label, columns=header, rows=rows)


def read_csv_file(path: str | Path) -> RawTable:
    """Read a CSV file from disk as a `RawTable` (see `parse_csv_bytes`)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError("file not found", file=str(path)) from None
    except IsADirectoryError:
        raise UserError("is a folder, not a CSV file", file=str(path)) from None
    except OSError as exc:
        raise UserError(f"cannot read the file: {exc.strerror}", file=str(path)) from None
    return parse_csv_bytes(data, str(path))


def _require_columns(table: RawTable, required: Sequence[str]) -> None:
    for column in required:
        if column not in table.columns:
            raise UserError("required column is missing", file=table.path, column=column)


# --------------------------------------------------------------------------------------------
# Cell parsers: each returns a typed value or raises UserError naming file, row and column
# --------------------------------------------------------------------------------------------


class _Cells:
    """Typed access to the cells of one `RawTable`."""

    def __init__(self, table: RawTable):
        self.table = table

    def fail(self, row: int, column: str, message: str) -> UserError:
        return UserError(message, file=self.table.path, row=row, column=column)

    def text(self, row: int, column: str, required: bool = False) -> str:
        value = self.table.rows[row - 1][column]
        if required and not value:
            raise self.fail(row, column, "value is missing")
        return value

    def slug(self, row: int, column: str, required: bool = True) -> str:
        value = self.text(row, column, required)
        if value and not _SLUG.match(value):
            raise self.fail(row, column, f"'{_short(value)}' is not an id of lowercase letters, "
                                         "digits, '.', '_' or '-'")
        return value

    def number(self, row: int, column: str, *, required: bool, positive: bool = False,
               low: float | None = None, high: float | None = None) -> float:
        value = self.text(row, column)
        if not value:
            if required:
                raise self.fail(row, column, "value is missing")
            return math.nan
        if not _NUMBER.match(value):
            raise self.fail(row, column, f"'{_short(value)}' is not a number")
        number = float(value)
        if not math.isfinite(number):
            raise self.fail(row, column, f"'{_short(value)}' is not a finite number")
        if positive and number <= 0:
            raise self.fail(row, column, f"must be positive, got {_short(value)}")
        if low is not None and number < low:
            raise self.fail(row, column, f"must be at least {low:g}, got {_short(value)}")
        if high is not None and number > high:
            raise self.fail(row, column, f"{_short(value)} is implausibly large (limit {high:g})")
        return number

    def integer(self, row: int, column: str, *, required: bool, low: int = 0,
                high: int = MAX_SHOTS) -> int | None:
        number = self.number(row, column, required=required)
        if math.isnan(number):
            return None
        if number != int(number):
            raise self.fail(row, column, f"must be a whole number, got {self.text(row, column)}")
        if not low <= number <= high:
            raise self.fail(row, column, f"must lie in [{low}, {high}], got {int(number)}")
        return int(number)

    def flag(self, row: int, column: str, *, required: bool) -> float:
        value = self.text(row, column)
        if value in ("0", "1"):
            return float(value)
        if value in ("0.0", "1.0"):
            return float(value)
        if not value:
            if required:
                raise self.fail(row, column, "value is missing (expected 0 or 1)")
            return math.nan
        raise self.fail(row, column, f"unknown value '{_short(value)}' (expected 0, 1 or empty)")

    def choice(self, row: int, column: str, allowed: Sequence[str], *, required: bool) -> str:
        value = self.text(row, column)
        if not value:
            if required:
                raise self.fail(row, column, f"value is missing (expected one of {', '.join(allowed)})")
            return ""
        if value not in allowed:
            raise self.fail(row, column,
                            f"unknown value '{_short(value)}' (expected one of {', '.join(allowed)})")
        return value

    def iso_date(self, row: int, column: str) -> date:
        value = self.text(row, column, required=True)
        if not _ISO_DATE.match(value):
            raise self.fail(row, column, f"'{_short(value)}' is not a date in the form YYYY-MM-DD")
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            raise self.fail(row, column, f"'{value}' is not a valid calendar date") from None
        if not MIN_YEAR <= parsed.year <= MAX_YEAR:
            raise self.fail(row, column, f"{value} lies outside {MIN_YEAR}-{MAX_YEAR}")
        return parsed


def _short(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[: limit - 3] + "..."


# --------------------------------------------------------------------------------------------
# Table validation
# --------------------------------------------------------------------------------------------


def validate_benchmarks(table: RawTable) -> pd.DataFrame:
    """Validate a benchmarks table; return it typed (chance float, default_shots Int64)."""
    _require_columns(table, BENCHMARK_COLUMNS)
    cells = _Cells(table)
    records = []
    seen: set[str] = set()
    for row in range(1, len(table.rows) + 1):
        benchmark = cells.slug(row, "benchmark")
        if benchmark in seen:
            raise cells.fail(row, "benchmark", f"duplicate benchmark id '{benchmark}'")
        seen.add(benchmark)
        chance = cells.number(row, "chance", required=True, low=0.0)
        if chance >= 1:
            raise cells.fail(row, "chance", "the chance score must be a fraction below 1")
        records.append({
            "benchmark": benchmark,
            "name": cells.text(row, "name", required=True),
            "chance": chance,
            "metric": cells.text(row, "metric"),
            "default_shots": cells.integer(row, "default_shots", required=False),
            "citation": cells.text(row, "citation"),
            "introduced": cells.iso_date(row, "introduced"),
        })
    if not records:
        raise UserError("the benchmarks table has no data rows", file=table.path)
    frame = pd.DataFrame.from_records(records, columns=BENCHMARK_COLUMNS)
    frame["default_shots"] = frame["default_shots"].astype("Int64")
    frame["introduced"] = pd.to_datetime(frame["introduced"])
    return frame


def validate_models(table: RawTable, other_ids: set[str] | frozenset[str] = frozenset()
                    ) -> pd.DataFrame:
    """Validate a models table on its own and return it typed.

    Parameters
    ----------
    table : RawTable
        ``models.csv`` read as strings.
    other_ids : set of str
        Ids of models outside the table that a ``base_model`` may name (an overlay's models may
        be tuned from the registry's).

    Returns
    -------
    pandas.DataFrame
        The `MODEL_COLUMNS` with release_date datetime64, numbers and technique columns float
        (NaN unknown) and open_weights int, plus the derived float column ``release_year``.

    Raises
    ------
    UserError
        Naming the file, row and column of the first problem found.
    """
    _require_columns(table, [c for c in MODEL_COLUMNS if c not in OPTIONAL_MODEL_COLUMNS])
    cells = _Cells(table)
    records = []
    row_of: dict[str, int] = {}
    for row in range(1, len(table.rows) + 1):
        model_id = cells.slug(row, "model_id")
        if model_id in row_of:
            raise cells.fail(row, "model_id",
                             f"duplicate model_id '{model_id}' (first seen in row {row_of[model_id]})")
        row_of[model_id] = row
        records.append(_model_record(cells, row, model_id))
    for model_id, row in row_of.items():
        base = records[row - 1]["base_model"]
        if base and base not in row_of and base not in other_ids:
            raise cells.fail(row, "base_model", f"base model '{base}' is not in the models table")
    return _typed_models_frame(records)


def _model_record(cells: _Cells, row: int, model_id: str) -> dict[str, object]:
    """One models row checked on its own (counts, categories, technique flags) as a dict."""
    open_weights = cells.flag(row, "open_weights", required=True)
    params_total = cells.number(row, "params_total", required=False, positive=True,
                                high=MAX_PARAMS)
    if math.isnan(params_total) and open_weights == 1:
        raise cells.fail(row, "params_total",
                         "value is missing (only closed models may omit the parameter count)")
    params_active = cells.number(row, "params_active", required=False, positive=True,
                                 high=MAX_PARAMS)
    if not math.isnan(params_active) and not math.isnan(params_total) \
            and params_active > params_total * (1 + 1e-9):
        raise cells.fail(row, "params_active", "active parameters exceed total parameters")
    record: dict[str, object] = {
        "model_id": model_id,
        "release_date": cells.iso_date(row, "release_date"),
        "params_total": params_total,
        "params_active": params_active,
        "training_tokens": cells.number(row, "training_tokens", required=False,
                                        positive=True, high=MAX_TOKENS),
        "open_weights": int(open_weights),
        **_exactness_and_access(cells, row, int(open_weights)),
        "architecture": cells.choice(row, "architecture", ARCHITECTURES, required=True),
        "base_or_tuned": cells.choice(row, "base_or_tuned", BASE_OR_TUNED, required=True),
        "objective": cells.choice(row, "objective", OBJECTIVES, required=False),
        "base_model": cells.slug(row, "base_model", required=False),
    }
    for column in _TEXT_COLUMNS_MODELS:
        record[column] = cells.text(row, column, required=(column == "name"))
    for column in TECHNIQUE_COLUMNS:
        record[column] = cells.flag(row, column, required=False)
    return record


def _exactness_and_access(cells: _Cells, row: int, open_weights: int) -> dict[str, object]:
    """``params_exact`` (1: the count is the model card's, config's or paper's exact figure; 0: a
    rounded name size) and ``access`` of one models row, with the defaults of
    `OPTIONAL_MODEL_COLUMNS` for a file that leaves them out."""
    present = cells.table.columns
    exact = cells.flag(row, "params_exact", required=True) if "params_exact" in present else 1.0
    if "access" in present:
        access = cells.choice(row, "access", ACCESS, required=False)
    else:
        access = "weights" if open_weights == 1 else "api"
    if open_weights == 1 and access != "weights":
        raise cells.fail(row, "access", f"'{access}' contradicts open_weights = 1 (expected weights)")
    return {"params_exact": int(exact), "access": access}


def _typed_models_frame(records: list[dict[str, object]]) -> pd.DataFrame:
    """The checked models rows as a frame in `MODEL_COLUMNS` order with typed columns."""
    frame = pd.DataFrame.from_records(records)
    frame = frame[MODEL_COLUMNS] if len(frame) else pd.DataFrame(columns=MODEL_COLUMNS)
    frame["release_date"] = pd.to_datetime(frame["release_date"])
    for column in ["params_total", "params_active", "training_tokens", *TECHNIQUE_COLUMNS]:
        frame[column] = frame[column].astype(float)
    frame["open_weights"] = frame["open_weights"].astype(int)
    frame["params_exact"] = frame["params_exact"].astype(int)
    frame["release_year"] = decimal_year(frame["release_date"])
    return frame


def validate_scores(table: RawTable, model_ids: set[str] | None, benchmark_ids: set[str],
                    released: dict[str, date] | None = None,
                    date_by_release: bool = False) -> pd.DataFrame:
    """Validate a scores table against known model ids (None: skip) and benchmark ids.

    Parameters
    ----------
    table : RawTable
        The scores file as read.
    model_ids : set of str or None
        Ids of the models table (None: not checked).
    benchmark_ids : set of str
        Ids of the benchmarks table.
    released : dict or None
        Release date per model id; with it, a score reported before its model's release is
        refused, and an empty ``reported`` cell can take the release date.
    date_by_release : bool
        Date a score without ``reported`` by its model's release (the column may then be absent)
        instead of refusing it; the frame's ``reported_source`` says so.

    Returns
    -------
    pandas.DataFrame
        `SCORE_COLUMNS`, typed (``reported`` a datetime column).
    """
    required = [c for c in SCORE_COLUMNS if c != "reported_source"
                and not (date_by_release and c == "reported")]
    if "reported" in required and "reported" not in table.columns:
        raise UserError("required column is missing: the date each score became public (or "
                        "run `forecast --date-scores-by-release ...` to date scores by their model's release, "
                        "which lets backtests see the future)", file=table.path, column="reported")
    _require_columns(table, required)
    cells = _Cells(table)
    records = []
    for row in range(1, len(table.rows) + 1):
        model_id = cells.slug(row, "model_id")
        if model_ids is not None and model_id not in model_ids:
            raise cells.fail(row, "model_id", f"model '{model_id}' is not in the models table")
        benchmark = cells.slug(row, "benchmark")
        if benchmark not in benchmark_ids:
            raise cells.fail(row, "benchmark", f"unknown benchmark '{benchmark}' (known: "
                                               f"{', '.join(sorted(benchmark_ids))})")
        score = cells.number(row, "score", required=True)
        if not 0.0 <= score <= 1.0:
            hint = (" (looks like a percentage; divide by 100)" if 1.0 < score <= 100.0 else "")
            raise cells.fail(row, "score", f"score {cells.text(row, 'score')} lies outside [0, 1]"
                                           + hint)
        records.append({
            "model_id": model_id,
            "benchmark": benchmark,
            "score": score,
            "shots": cells.integer(row, "shots", required=False),
            "cot": int(cells.flag(row, "cot", required=True)),
            "protocol": cells.slug(row, "protocol"),
            "source": cells.choice(row, "source", SCORE_SOURCES, required=True),
            "source_ref": cells.text(row, "source_ref"),
            **_reported(cells, row, model_id, released, date_by_release),
        })
    frame = pd.DataFrame.from_records(records, columns=SCORE_COLUMNS)
    frame["reported"] = pd.to_datetime(frame["reported"])
    frame["score"] = frame["score"].astype(float)
    frame["shots"] = frame["shots"].astype("Int64")
    frame["cot"] = frame["cot"].astype(int)
    return frame


#: `reported_source` of a score dated by its model's release because its file gave no date.
DATED_BY_RELEASE = "no reported date in the file: dated by the model's release"


def _reported(cells: _Cells, row: int, model_id: str, released: dict[str, date] | None,
              date_by_release: bool) -> dict[str, object]:
    """The ``reported`` date and ``reported_source`` of one score row (see `validate_scores`)."""
    given = cells.table.rows[row - 1].get("reported", "")
    basis = cells.table.rows[row - 1].get("reported_source", "")
    release = released.get(model_id) if released is not None else None
    if not given:
        if not date_by_release:
            raise cells.fail(row, "reported", "the date the score became public is missing "
                                              "(or run `forecast --date-scores-by-release ...` to date it by "
                                              "its model's release, which lets backtests see "
                                              "the future)")
        return {"reported": release, "reported_source": DATED_BY_RELEASE}
    when = cells.iso_date(row, "reported")
    if release is not None and when < release:
        raise cells.fail(row, "reported", f"reported {when}, before the model's release "
                                          f"{release}")
    return {"reported": when, "reported_source": basis}


def validate_tables(models: RawTable, scores: RawTable, benchmarks: RawTable,
                    date_by_release: bool = False) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Validate the three tables together (cross references included); return typed frames.

    Order: benchmarks, then each models row on its own, then scores against both. Empty
    technique cells are allowed (unknown; the fit imputes them).
    """
    bench = validate_benchmarks(benchmarks)
    _require_columns(scores, [c for c in SCORE_COLUMNS if c not in ("reported", "reported_source")])
    model_frame = validate_models(models)
    released = dict(zip(model_frame["model_id"], model_frame["release_date"].dt.date, strict=True))
    score_frame = validate_scores(scores, set(model_frame["model_id"]), set(bench["benchmark"]),
                                  released, date_by_release)
    return model_frame, score_frame, bench


# --------------------------------------------------------------------------------------------
# The registry object
# --------------------------------------------------------------------------------------------


def as_timestamp(value: date | datetime | str | pd.Timestamp, key: str = "as_of") -> pd.Timestamp:
    """`forecast.inputs.dates.parse_date` within the registry's years, as a pandas Timestamp."""
    return pd.Timestamp(parse_date(value, key, earliest=date(MIN_YEAR, 1, 1), latest=date(MAX_YEAR, 12, 31)))


def known_by(models: pd.DataFrame, scores: pd.DataFrame, benchmarks: pd.DataFrame,
             when: date | datetime | str | pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What was public on `when`: the one as-of filter every fit, baseline and backtest uses.

    Parameters
    ----------
    models, scores, benchmarks : pandas.DataFrame
        Registry tables (`MODEL_COLUMNS`, `SCORE_COLUMNS`, `BENCHMARK_COLUMNS`, typed).
    when : date, datetime, str or Timestamp
        The as-of date (inclusive).

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The models released by `when`, and the scores of those models that were reported by
        `when` on benchmarks introduced by `when`; both with a fresh index.

    Raises
    ------
    UserError
        When the scores lack ``reported`` or name a benchmark the benchmarks table lacks.
    """
    cutoff = as_timestamp(when)
    if "reported" not in scores.columns:
        raise UserError("the scores table has no 'reported' column: the date each score became "
                        "public decides what a fit as of a date sees", column="reported")
    unknown = sorted(set(scores["benchmark"]) - set(benchmarks["benchmark"]))
    if unknown:
        raise UserError(f"benchmark '{unknown[0]}' of the scores is not in the benchmarks table "
                        "(which gives the date each benchmark was introduced)", key="benchmark")
    released = models.loc[pd.to_datetime(models["release_date"]) <= cutoff].reset_index(drop=True)
    introduced = set(benchmarks.loc[pd.to_datetime(benchmarks["introduced"]) <= cutoff, "benchmark"])
    keep = (scores["model_id"].isin(set(released["model_id"]))
            & (pd.to_datetime(scores["reported"]) <= cutoff)
            & scores["benchmark"].isin(introduced))
    return released, scores.loc[keep].reset_index(drop=True)


@dataclass(frozen=True)
class Registry:
    """The validated registry tables and where they came from.

    `sha256` hashes the three files' names and contents (order-independent), and the overlay's
    files when there are any, so a fit can record exactly which data it saw; `as_of` keeps it (the filter date is recorded separately).
    `undated_scores` counts score rows that had no ``reported`` date and were dated by their
    model's release (only when loaded with ``date_scores_by_release``). `overlay` lists the
    user's overlay files applied on top of `source` (`sha256` covers them too).
    """

    models: pd.DataFrame
    scores: pd.DataFrame
    benchmarks: pd.DataFrame
    source: Path
    sha256: str
    undated_scores: int = 0
    overlay: tuple[Path, ...] = ()

    def as_of(self, when: date | datetime | str | pd.Timestamp) -> Registry:
        """What was public on `when` (`known_by`): models released by then, and their scores
        reported by then on benchmarks that existed then."""
        models, scores = known_by(self.models, self.scores, self.benchmarks, when)
        return Registry(models=models, scores=scores, benchmarks=self.benchmarks,
                        source=self.source, sha256=self.sha256,
                        undated_scores=self.undated_scores, overlay=self.overlay)

    def technique_matrix(self, indicators: Iterable[str]) -> pd.DataFrame:
        """Models x indicator columns as floats: 1 uses, 0 no evidence of use, NaN unknown."""
        indicators = list(indicators)
        for name in indicators:
            if name not in TECHNIQUE_COLUMNS:
                raise UserError(f"unknown technique indicator (known: {', '.join(TECHNIQUE_COLUMNS)})",
                                key=name)
        matrix = self.models.set_index("model_id")[indicators].astype(float)
        matrix.columns.name = None
        return matrix

    def model(self, model_id: str) -> pd.Series:
        """One model's row; `UserError` naming the id if it is not in the registry."""
        hit = self.models.loc[self.models["model_id"] == model_id]
        if hit.empty:
            raise UserError("no such model in the registry", key=model_id)
        return hit.iloc[0]


def shipped_benchmarks() -> pd.DataFrame:
    """The shipped benchmarks table, validated (`BENCHMARK_COLUMNS`).

    Returns
    -------
    pandas.DataFrame
        One row per benchmark with its chance score and ``introduced`` date.
    """
    return validate_benchmarks(read_csv_file(default_data_dir() / BENCHMARKS_FILE))


def load_registry(data_dir: Path | str | None = None, as_of: date | str | None = None,
                  date_scores_by_release: bool = False, overlay: bool = True) -> Registry:
    """Load and validate a registry folder (default: the shipped `forecast/data/`) with the
    user's overlay on it.

    Parameters
    ----------
    data_dir : path or None
        A folder holding ``models.csv`` and ``scores.csv``; ``benchmarks.csv`` is optional and
        defaults to the shipped one.
    as_of : date or str or None
        Keep only what was public then (`Registry.as_of`).
    date_scores_by_release : bool
        Date score rows without a ``reported`` date by their model's release instead of refusing
        them (`UserError` naming file, row and column); `Registry.undated_scores` counts them.
    overlay : bool, default True
        Apply the overlay of `data_dir` (`overlay_files`): its models appended, its scores
        added; False loads the folder alone.

    Returns
    -------
    Registry
        The validated tables; `Registry.sha256` hashes the folder's files and the overlay's.
    """
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    if not folder.is_dir():
        raise UserError("registry folder not found (expected a folder holding models.csv and "
                        "scores.csv)", file=str(folder))
    models_path = folder / MODELS_FILE
    scores_path = folder / SCORES_FILE
    bench_path = folder / BENCHMARKS_FILE
    if not bench_path.is_file():
        bench_path = default_data_dir() / BENCHMARKS_FILE
    extra = overlay_files(data_dir) if overlay else {}
    models, scores, bench = validate_with_overlay(
        read_csv_file(models_path), read_csv_file(scores_path), read_csv_file(bench_path),
        {kind: read_csv_file(path) for kind, path in extra.items()}, date_scores_by_release)
    digest = sha256_files([models_path, scores_path, bench_path])
    if extra:
        overlay_digest = sha256_files(list(extra.values()))
        digest = sha256_bytes(f"{digest}\0overlay\0{overlay_digest}".encode())
    undated = int((scores["reported_source"] == DATED_BY_RELEASE).sum())
    registry = Registry(models=models, scores=scores, benchmarks=bench, source=folder,
                        sha256=digest, undated_scores=undated, overlay=tuple(extra.values()))
    return registry.as_of(as_of) if as_of is not None else registry


def overlay_files(data_dir: Path | str | None = None) -> dict[str, Path]:
    """The overlay files on the registry `data_dir` (None: the shipped one) that hold data rows:
    ``{"models": path, "scores": path}``, either or both or neither
    (`forecast.core.paths.overlay_dir`). A file with a header only counts as absent, so an
    overlay emptied by removals hashes as no overlay."""
    if data_dir is not None and Path(data_dir).resolve() == default_data_dir().resolve():
        data_dir = None
    folder = overlay_dir(data_dir)
    found: dict[str, Path] = {}
    for kind, name in (("models", MODELS_FILE), ("scores", SCORES_FILE)):
        path = folder / name
        if path.is_file() and read_csv_file(path).rows:
            found[kind] = path
    return found


def validate_with_overlay(models: RawTable, scores: RawTable, benchmarks: RawTable,
                          overlay: dict[str, RawTable], date_by_release: bool = False
                          ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """`validate_tables` of a registry, then its overlay's tables on top: overlay models are
    appended (an id the registry has is refused, naming the overlay file, row and column; a
    ``base_model`` may name a registry model) and overlay scores may name any model of either.

    Parameters
    ----------
    models, scores, benchmarks : RawTable
        The registry folder's tables.
    overlay : dict
        ``{"models": RawTable, "scores": RawTable}``, either or both or neither.
    date_by_release : bool
        As in `validate_scores`.

    Returns
    -------
    (models, scores, benchmarks) : pandas.DataFrame
        Typed, the overlay's rows after the registry's; the models' derived bool column
        ``overlay`` marks the overlay's (they are not a census of releases: the model's release
        process leaves them out, `forecast.model.data`).
    """
    model_frame, score_frame, bench = validate_tables(models, scores, benchmarks, date_by_release)
    model_frame["overlay"] = False
    if "models" in overlay:
        table = overlay["models"]
        shipped_ids = set(model_frame["model_id"])
        added = validate_models(table, other_ids=shipped_ids)
        for row, model_id in enumerate(added["model_id"], start=1):
            if model_id in shipped_ids:
                raise UserError(f"model '{model_id}' is already in the registry ({models.path}); "
                                "an overlay adds models, it does not replace them: give yours "
                                "another id", file=table.path, row=row, column="model_id")
        added["overlay"] = True
        model_frame = pd.concat([model_frame, added], ignore_index=True)
    if "scores" in overlay:
        released = dict(zip(model_frame["model_id"], model_frame["release_date"].dt.date,
                            strict=True))
        added_scores = validate_scores(overlay["scores"], set(model_frame["model_id"]),
                                       set(bench["benchmark"]), released, date_by_release)
        score_frame = pd.concat([score_frame, added_scores], ignore_index=True)
    return model_frame, score_frame, bench


# --------------------------------------------------------------------------------------------
# Checking user files (`forecast data check`)
# --------------------------------------------------------------------------------------------


def table_kind(table: RawTable) -> str:
    """'models', 'scores' or 'benchmarks', from the header; `UserError` if none fits."""
    columns = set(table.columns)
    if "release_date" in columns or "params_total" in columns:
        return "models"
    if "score" in columns:
        return "scores"
    if "chance" in columns:
        return "benchmarks"
    best = max(((len(columns & set(required)) / len(required), kind, required)
                for kind, required in (("models", MODEL_COLUMNS), ("scores", SCORE_COLUMNS),
                                       ("benchmarks", BENCHMARK_COLUMNS))))
    missing = [c for c in best[2] if c not in columns]
    raise UserError("cannot tell which registry table this is (models, scores or benchmarks): "
                    "required column is missing", file=table.path, column=missing[0])


def check_files(paths: Sequence[str | Path],
                reference_dir: Path | str | None = None,
                date_by_release: bool = False) -> list[dict[str, object]]:
    """Validate user CSV files in the registry schema; stop at the first problem (`UserError`).

    Scores are checked against the models and benchmarks files given alongside them, or else the
    tables in `reference_dir` (default: the shipped registry).

    Parameters
    ----------
    paths : sequence of str or Path
        The CSV files (each a models, scores or benchmarks table).
    reference_dir : Path or str, optional
        The registry folder whose tables stand in for those not given.
    date_by_release : bool
        Accept scores without a ``reported`` date, dated by their model's release
        (`validate_scores`); the result counts them.

    Returns
    -------
    list of dict
        One per file: ``{"file", "kind", "rows"}``, and for a scores table ``dated_by_release``
        (rows without a date, dated by their model's release).
    """
    if not paths:
        raise UserError("no files given", key="FILE")
    tables = [read_csv_file(p) for p in paths]
    kinds = [table_kind(t) for t in tables]
    by_kind: dict[str, RawTable] = {}
    for table, kind in zip(tables, kinds, strict=True):
        if kind in by_kind:
            raise UserError(f"two {kind} tables given ({by_kind[kind].path} and this one)",
                            file=table.path)
        by_kind[kind] = table
    shipped = Path(reference_dir) if reference_dir is not None else default_data_dir()
    if not (shipped / BENCHMARKS_FILE).is_file():
        shipped_bench = default_data_dir() / BENCHMARKS_FILE
    else:
        shipped_bench = shipped / BENCHMARKS_FILE
    bench_table = by_kind.get("benchmarks") or read_csv_file(shipped_bench)
    bench = validate_benchmarks(bench_table)
    released: dict[str, date] | None = None
    if "models" in by_kind:
        models = validate_models(by_kind["models"])
        model_ids: set[str] | None = set(models["model_id"])
        released = {str(m): pd.Timestamp(d).date() for m, d in zip(models["model_id"], models["release_date"],
                                                                    strict=True)}
    elif "scores" in by_kind:
        rows = read_csv_file(shipped / MODELS_FILE).rows
        model_ids = {r.get("model_id", "") for r in rows}
        released = {r["model_id"]: date.fromisoformat(r["release_date"]) for r in rows
                    if r.get("model_id") and r.get("release_date")}
    else:
        model_ids = None
    undated = 0
    if "scores" in by_kind:
        scores = validate_scores(by_kind["scores"], model_ids, set(bench["benchmark"]),
                                 released=released, date_by_release=date_by_release)
        undated = int((scores["reported_source"] == DATED_BY_RELEASE).sum())
    return [{"file": t.path, "kind": k, "rows": len(t.rows), **({"dated_by_release": undated} if k == "scores" else {})}
            for t, k in zip(tables, kinds, strict=True)]
