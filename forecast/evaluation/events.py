"""Crossing events and what the data show for them.

An *event* is "a model with at most `max_params` parameters scores >= `threshold` on a
benchmark". Its crossing date T is the first release date of a model that reaches it, with each
model's score decided by a `ScoreRule`. Time is measured in decimal years throughout (2023.5 is
the middle of 2023); see `decimal_year`.

Only public releases count (``access`` "weights" or "api": a paper-only model such as
Chinchilla never was a release), and a model whose stored count is a rounded name size
(``params_exact`` 0) does not decide an event whose budget lies within `ROUNDING_BAND` of its
size: its true count could be on either side.

An event not reached by the end of the data (`data_end`: by default the last release date among
models with any score on the event's benchmark) is right-censored: its crossing date T is only
known to exceed `data_end`. How the scores treat censoring is in `forecast.evaluation.scoring`.

Events are nested (reaching 0.70 at 7B also reaches 0.65 at 7B and 0.70 at 14B), and the events
that differ only in threshold and size share one population of models (`Event.population`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecast.core.errors import UserError
from forecast.evaluation.score_rule import ScoreRule
from forecast.inputs.dates import decimal_year, parse_date
from forecast.inputs.registry import ARCHITECTURES

#: ``access`` values that make a model a public release.
PUBLIC_ACCESS = ("weights", "api")
#: Relative distance from a budget within which a rounded (not exact) count cannot decide it:
#: name sizes round true counts by up to about 10% (Qwen-7B has 7.72e9 parameters).
ROUNDING_BAND = 0.15

AXES = ("params_total", "params_active")
DEFAULT_THRESHOLDS = (0.45, 0.55, 0.60, 0.65, 0.70, 0.75, 0.80, 0.82, 0.85, 0.88)
DEFAULT_SIZES = (0.5e9, 1e9, 2e9, 3e9, 7e9, 14e9, 34e9, 70e9)
MODEL_COLUMNS = ("model_id", "release_date", "params_total")
SCORE_COLUMNS = ("model_id", "benchmark", "score")
_SCORE_TOL = 1e-9  # a score stored as 0.6999999999 still reaches 0.70


def _format_size(n: float) -> str:
    """1e12 -> 1T, 7e9 -> 7B, 5e8 -> 0.5B (billions from 0.1B up), 6e7 -> 60M."""
    for unit, scale, starts_at in (("T", 1e12, 1e12), ("B", 1e9, 1e8), ("M", 1e6, 1e6)):
        if n >= starts_at:
            return f"{n / scale:g}{unit}"
    return f"{n:g}"


@dataclass(frozen=True)
class Event:
    """"A model with at most `max_params` parameters (on `axis`) scores >= `threshold` on
    `benchmark`", optionally only among models of the given `architectures` and only among
    open-weights models.

    Parameters
    ----------
    benchmark : str
        Benchmark name (stored lower-case).
    threshold : float
        Score to reach, a fraction in (0, 1).
    max_params : float
        Parameter budget, a plain count.
    axis : {"params_total", "params_active"}
        Which parameter count the budget limits.
    architectures : tuple of str, optional
        Count only models of these architectures (stored sorted, without duplicates); None
        counts every architecture.
    open_weights_only : bool
        Count only open-weights models.

    Raises
    ------
    UserError
        When a field is out of range or names an unknown axis or architecture.
    """

    benchmark: str
    threshold: float
    max_params: float
    axis: str = "params_total"
    architectures: tuple[str, ...] | None = None
    open_weights_only: bool = False

    def __post_init__(self) -> None:
        if not self.benchmark:
            raise UserError("event benchmark is empty", key="benchmark")
        object.__setattr__(self, "benchmark", str(self.benchmark).lower())
        if not 0.0 < float(self.threshold) < 1.0:
            raise UserError(f"threshold {self.threshold} is not a fraction in (0, 1)", key="threshold")
        if not float(self.max_params) > 0:
            raise UserError(f"size {self.max_params} is not a positive count", key="max_params")
        object.__setattr__(self, "threshold", float(self.threshold))
        object.__setattr__(self, "max_params", float(self.max_params))
        if self.axis not in AXES:
            raise UserError(f"axis {self.axis!r} is not one of {', '.join(AXES)}", key="axis")
        if self.architectures is not None:
            archs = (self.architectures,) if isinstance(self.architectures, str) else self.architectures
            archs = tuple(sorted(set(archs)))
            bad = [a for a in archs if a not in ARCHITECTURES]
            if bad or not archs:
                raise UserError(
                    f"architecture(s) {bad or archs} not among {', '.join(ARCHITECTURES)}",
                    key="architectures",
                )
            object.__setattr__(self, "architectures", archs)
        object.__setattr__(self, "open_weights_only", bool(self.open_weights_only))

    @property
    def key(self) -> str:
        """Short label, e.g. ``mmlu>=0.7@7B`` or ``mmlu>=0.7@7B[params_active,decoder,open]``."""
        tags = []
        if self.axis != "params_total":
            tags.append(self.axis)
        if self.architectures:
            tags.append("+".join(self.architectures))
        if self.open_weights_only:
            tags.append("open")
        suffix = f"[{','.join(tags)}]" if tags else ""
        return f"{self.benchmark}>={self.threshold:g}@{_format_size(self.max_params)}{suffix}"

    @property
    def population(self) -> tuple:
        """The events that differ only in threshold and size share this key (and one frontier)."""
        return (self.benchmark, self.axis, self.architectures, self.open_weights_only)

    def fields(self) -> dict:
        """The event's fields as flat values for a table row.

        Returns
        -------
        dict
            event (the `key`), benchmark, threshold, max_params, axis, architectures
            ('+'-joined, empty for all) and open_weights_only.
        """
        return {
            "event": self.key,
            "benchmark": self.benchmark,
            "threshold": self.threshold,
            "max_params": self.max_params,
            "axis": self.axis,
            "architectures": "+".join(self.architectures) if self.architectures else "",
            "open_weights_only": self.open_weights_only,
        }


def default_events(
    benchmark: str = "mmlu",
    thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
    sizes: Sequence[float] = DEFAULT_SIZES,
    axis: str = "params_total",
    architectures: tuple[str, ...] | None = None,
    open_weights_only: bool = False,
) -> list[Event]:
    """The threshold x size grid of events (default: MMLU 0.45..0.88 x 0.5B..70B total parameters).

    Parameters
    ----------
    benchmark : str
        Benchmark of every event.
    thresholds : sequence of float
        Scores to reach, fractions in (0, 1).
    sizes : sequence of float
        Parameter budgets, plain counts.
    axis, architectures, open_weights_only
        Shared by every event; see `Event`.

    Returns
    -------
    list of Event
        One event per (threshold, size), thresholds in the outer loop.
    """
    return [
        Event(benchmark, thr, size, axis, architectures, open_weights_only)
        for thr in thresholds
        for size in sizes
    ]


def _require(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise UserError(f"{what} table lacks column(s) {', '.join(missing)}", column=missing[0])


def population_frame(
    models: pd.DataFrame, scores: pd.DataFrame, event: Event, rule: ScoreRule = ScoreRule()
) -> pd.DataFrame:
    """The models an event can count, with their size and decided score, oldest first.

    Rows are public releases (`PUBLIC_ACCESS`, when the table has ``access``) with a known
    positive size, an admissible score, and the event's architecture and open-weights filters. On the active axis a missing `params_active` falls
    back to `params_total` unless the model is marked `moe`. Threshold and size of the event are
    not applied here.

    Parameters
    ----------
    models : pandas.DataFrame
        Model rows with at least model_id, release_date, params_total (and the columns the
        event's filters and axis read: architecture, open_weights, params_active, moe).
    scores : pandas.DataFrame
        Score rows with at least model_id, benchmark, score.
    event : Event
        The event whose population is wanted.
    rule : ScoreRule
        How a model's score rows become its score.

    Returns
    -------
    pandas.DataFrame
        Columns model_id, release_date, t (decimal year), size (parameters on the event's axis),
        score, exact (the count is exact: ``params_exact``, 1 when the table lacks it); sorted
        by release date, then model_id.

    Raises
    ------
    UserError
        When a table lacks a column the event needs.
    """
    _require(models, MODEL_COLUMNS, "models")
    _require(scores, SCORE_COLUMNS, "scores")
    m = models
    if "access" in m:
        m = m[m["access"].isin(PUBLIC_ACCESS)]
    if event.architectures is not None:
        _require(m, ("architecture",), "models")
        m = m[m["architecture"].isin(event.architectures)]
    if event.open_weights_only:
        _require(m, ("open_weights",), "models")
        m = m[pd.to_numeric(m["open_weights"], errors="coerce") == 1]
    size = pd.to_numeric(m["params_total"], errors="coerce")
    if event.axis == "params_active":
        nothing = pd.Series(np.nan, index=m.index)
        active = pd.to_numeric(m["params_active"], errors="coerce") if "params_active" in m else nothing
        is_moe = pd.to_numeric(m["moe"], errors="coerce").fillna(0) == 1 if "moe" in m else nothing.isna() & False
        size = active.where(active.notna() | is_moe, size)
    per_model = rule.model_scores(scores, event.benchmark)
    frame = pd.DataFrame(
        {
            "model_id": m["model_id"].to_numpy(),
            "release_date": pd.to_datetime(m["release_date"]).to_numpy(),
            "size": size.to_numpy(dtype=float),
            "exact": (pd.to_numeric(m["params_exact"], errors="coerce").fillna(0).to_numpy() == 1)
            if "params_exact" in m else np.ones(len(m), dtype=bool),
        }
    )
    frame["score"] = frame["model_id"].map(per_model).astype(float)
    frame = frame[(frame["size"] > 0) & frame["score"].notna() & frame["release_date"].notna()]
    frame = frame.sort_values(["release_date", "model_id"], kind="stable").reset_index(drop=True)
    frame.insert(2, "t", decimal_year(frame["release_date"]))
    return frame


def reaches(frame: pd.DataFrame, event: Event) -> pd.Series:
    """Which models of a population reach the event.

    Parameters
    ----------
    frame : pandas.DataFrame
        A `population_frame` of the event.
    event : Event
        The event.

    Returns
    -------
    pandas.Series
        Boolean mask over `frame`: score at least the threshold (within 1e-9), size at most
        the budget (within a relative 1e-12), and an exact count unless the size lies farther
        than `ROUNDING_BAND` from the budget.
    """
    decisive = frame["exact"] if "exact" in frame else pd.Series(True, index=frame.index)
    clear = (frame["size"] / event.max_params - 1).abs() > ROUNDING_BAND
    return (frame["score"] >= event.threshold - _SCORE_TOL) & (
        frame["size"] <= event.max_params * (1 + 1e-12)
    ) & (decisive | clear)


def benchmark_data_end(models: pd.DataFrame, scores: pd.DataFrame, benchmark: str) -> pd.Timestamp:
    """The default end of the data for events on `benchmark`.

    Parameters
    ----------
    models, scores : pandas.DataFrame
        The model and score tables.
    benchmark : str
        Lower-case benchmark name.

    Returns
    -------
    pandas.Timestamp
        The last release date among models with any score row on `benchmark`.

    Raises
    ------
    UserError
        When no model with a release date has a score on `benchmark`.
    """
    ids = scores.loc[scores["benchmark"].astype(str).str.lower() == benchmark, "model_id"]
    dates = pd.to_datetime(models.loc[models["model_id"].isin(ids), "release_date"])
    if dates.notna().sum() == 0:
        raise UserError(f"no model with a release date has a score on '{benchmark}'", key="benchmark")
    return dates.max()


def realised(
    models: pd.DataFrame,
    scores: pd.DataFrame,
    events: Sequence[Event],
    data_end=None,
    rule: ScoreRule = ScoreRule(),
) -> pd.DataFrame:
    """What the data show for each event: its first date, who reached it, or its censoring.

    Parameters
    ----------
    models, scores : pandas.DataFrame
        The full model and score tables.
    events : sequence of Event
        The events, in the order of the output rows.
    data_end : date or str, optional
        End of the data for every event; crossings after it count as not (yet) reached. By
        default each event's end is the last release date among models with a score on its
        benchmark (`benchmark_data_end`).
    rule : ScoreRule
        How a model's score rows become its score.

    Returns
    -------
    pandas.DataFrame
        One row per event, in order, with the event's fields and: reached (bool), realised_date
        (first release date of a model reaching it, NaT if none by `data_end`), realised_year
        (decimal year), realised_by (';'-joined model_ids of the models reaching it on that
        date), censored (not reached by `data_end`), data_end, data_end_year.
    """
    fixed_end = None if data_end is None else pd.Timestamp(parse_date(data_end, "data_end"))
    ends: dict[str, pd.Timestamp] = {}
    frames: dict[tuple, pd.DataFrame] = {}
    out = []
    for event in events:
        if event.population not in frames:
            frames[event.population] = population_frame(models, scores, event, rule)
        if fixed_end is None and event.benchmark not in ends:
            ends[event.benchmark] = benchmark_data_end(models, scores, event.benchmark)
        end = fixed_end if fixed_end is not None else ends[event.benchmark]
        out.append(_outcome_row(frames[event.population], event, end))
    return pd.DataFrame(out)


def _outcome_row(frame: pd.DataFrame, event: Event, end: pd.Timestamp) -> dict:
    """One row of `realised`: the event's fields and its outcome in `frame` by `end`."""
    hits = frame[reaches(frame, event) & (frame["release_date"] <= end)]
    row = event.fields()
    if len(hits):
        first = hits["release_date"].iloc[0]
        row.update(
            reached=True,
            realised_date=first,
            realised_year=float(decimal_year(first)),
            realised_by=";".join(hits.loc[hits["release_date"] == first, "model_id"].astype(str)),
            censored=False,
        )
    else:
        row.update(reached=False, realised_date=pd.NaT, realised_year=np.nan, realised_by="", censored=True)
    row.update(data_end=end, data_end_year=float(decimal_year(end)))
    return row
