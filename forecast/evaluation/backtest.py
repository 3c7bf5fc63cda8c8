"""Backtest: crossing events, realised outcomes with censoring, proper scores, and the runner.

An *event* is "a model with at most `max_params` parameters scores >= `threshold` on a
benchmark". For every cutoff date the runner hands each forecasting method only the models
released by the cutoff, asks it for samples of the crossing date of every event that had not
happened by then, and scores those samples against what the full registry shows afterwards.

Time is measured in decimal years throughout (2023.5 is the middle of 2023); see
`decimal_year`. Scores (CRPS) are therefore in years.

Deciding an event from several score rows
-----------------------------------------
A model may carry several MMLU rows (self-reported, independent harness, other shot counts).
`ScoreRule` reduces them to one number per model: keep the rows with an admissible protocol
(default: not chain-of-thought, 5-shot or unknown shot count), then take their **median**
(default) or their maximum. The median is the default because the maximum rises with the number
of reports a model receives (more evaluations, more chances to clear a threshold), and that
number grows over time and with a model's popularity; with one or two admissible rows the median
is the row itself or the mean of the two. A model with no admissible row does not count.

Censoring
---------
An event not reached by the end of the data (`data_end`: by default the last release date among
models with any score on the event's benchmark) is right-censored: its crossing date T is only
known to exceed `data_end` (d). The scores treat it as such:

* CRPS over the observed window: forecast samples and outcome are clipped at d,
  ``CRPS(min(X, d), min(T, d))``. This is the threshold-weighted CRPS with weight 1{x <= d}
  (chaining function v(x) = min(x, d); Allen, Ginsbourger & Ziegel 2023, arXiv:2202.12732),
  a proper score that the censored outcome determines exactly. Units: years.
* Interval coverage per row (`covered_50/80/90`) is True/False only where the outcome decides
  it: an uncensored T decides it; a censored T decides it only when the interval ends by d (then
  not covered) or when its upper end is +inf ("not before the horizon") and its lower end is at
  most d (then covered). Otherwise it is NA.
* Aggregate coverage. Averaging only the decided rows is biased even for a perfectly calibrated
  forecast: the undecided rows are exactly the censored ones whose interval straddles d, so the
  selection depends on the outcome (when d comes soon after the cutoff the decided rows are
  mostly early crossings, below their intervals, and the rate collapses). The headline
  `coverage` therefore gives every row a
  *credit*: the decided value where decided, else the forecast's own probability that T falls in
  the interval given T > d, ``P(lo <= T <= hi, T > d) / P(T > d)``. Under calibration this
  credit has the same expectation as the unobserved indicator, so the mean credit is unbiased
  for the nominal level. This is the censored-PIT treatment of D-calibration (Haider, Hoehn,
  Davis & Greiner 2020, JMLR 21(85)). The decided-only rate is reported beside it
  (`coverage_decided`, `n_decided`, `n_undecided`).
* PIT. Uncensored: F(T) (randomised between F(T-) and F(T) on ties). Censored: the PIT is only
  known to lie in [F(d), 1]; the row's `pit` is the *randomised* PIT, uniform on that interval
  (uniform on [0, 1] marginally under calibration), and `pit_lo`/`pit_hi` give the interval. The
  PIT histogram in the summary spreads each row's unit mass uniformly over [pit_lo, pit_hi], so
  it does not depend on the randomisation.
* Brier score of "reached within h years of the cutoff" (h = 1, 2), with forecast probability
  P(X <= cutoff + h). It is counted only for rows with cutoff + h <= d, where every event's
  outcome is known; dropping just the censored rows at a later cutoff would keep the reached
  events and drop the unreached ones, a selection on the outcome.

Correlated events
-----------------
Events are nested (reaching 0.70 at 7B also reaches 0.65 at 7B and 0.70 at 14B) and a few
frontier models decide most of them, so intervals on the aggregate scores come from a bootstrap
over cutoffs (whole cutoffs resampled with replacement, the same resamples for every method, so
differences between methods are paired), and the summary reports how many distinct models
realised the scored crossings.

Methods that cannot forecast
----------------------------
A data-only method may have nothing to fit at an early cutoff (before 2022 few models score
above chance on MMLU). When it raises `UserError` its rows keep the outcome and an `error`
message but no scores; each method's scores cover the rows it forecast, and the ranking and the
paired differences use the common rows, those every method forecast.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import date
from multiprocessing import get_context
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from forecast.core.errors import UserError
from forecast.core.io import atomic_write
from forecast.inputs.dates import decimal_year, parse_date

AXES = ("params_total", "params_active")
ARCHITECTURES = ("decoder", "encoder-decoder", "hybrid", "ssm")
DEFAULT_THRESHOLDS = (0.45, 0.55, 0.60, 0.65, 0.70, 0.75, 0.80)
DEFAULT_SIZES = (0.5e9, 1e9, 2e9, 3e9, 7e9, 14e9, 34e9, 70e9)
QUANTILES = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)
LEVELS = (0.5, 0.8, 0.9)
BRIER_HORIZONS_YEARS = (1, 2)
#: Per-row score columns, in the order `score_samples` returns them.
SCORE_FIELDS = (
    *(f"q{round(p * 100):02d}" for p in QUANTILES),
    *(f"{kind}_{round(level * 100)}" for level in LEVELS for kind in ("covered", "credit")),
    "pit_lo", "pit_hi", "pit", "crps",
    *(f"{kind}_{h}y" for h in BRIER_HORIZONS_YEARS for kind in ("p", "brier")),
)
PIT_BINS = 10
_SCORE_TOL = 1e-9  # a score stored as 0.6999999999 still reaches 0.70

MODEL_COLUMNS = ("model_id", "release_date", "params_total")
SCORE_COLUMNS = ("model_id", "benchmark", "score")


# ----------------------------------------------------------------------------- time


_STEP = re.compile(r"^\s*(\d+)\s*([DWMY])\s*$", re.IGNORECASE)


def parse_cutoffs(spec: str | Iterable) -> list[date]:
    """Cutoff dates from ``"START:END:STEP"`` (STEP = n followed by D, W, M or Y; END included),
    a comma-separated list of ISO dates, or an iterable of dates / ISO strings.

    >>> [d.isoformat() for d in parse_cutoffs("2021-07-01:2022-07-01:6M")]
    ['2021-07-01', '2022-01-01', '2022-07-01']
    """
    if isinstance(spec, str):
        text = spec.strip()
        if text.count(":") == 2:
            start_s, end_s, step_s = text.split(":")
            start, end = parse_date(start_s, "cutoffs"), parse_date(end_s, "cutoffs")
            m = _STEP.match(step_s)
            if m is None or int(m.group(1)) == 0:
                raise UserError(
                    f"cutoff step {step_s!r} is not like 6M, 1Y, 2W or 30D", key="cutoffs"
                )
            n, unit = int(m.group(1)), m.group(2).upper()
            if end < start:
                raise UserError(f"cutoff range ends ({end}) before it starts ({start})", key="cutoffs")
            offset = {
                "D": lambda k: pd.DateOffset(days=k * n),
                "W": lambda k: pd.DateOffset(weeks=k * n),
                "M": lambda k: pd.DateOffset(months=k * n),
                "Y": lambda k: pd.DateOffset(years=k * n),
            }[unit]
            out, k = [], 0
            while (d := (pd.Timestamp(start) + offset(k)).date()) <= end:
                out.append(d)
                k += 1
            return out
        items = [s for s in text.split(",") if s.strip()]
    else:
        items = list(spec)
    if not items:
        raise UserError("no cutoff dates given", key="cutoffs")
    return sorted({parse_date(s, "cutoffs") for s in items})


# ----------------------------------------------------------------------------- events


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
    open-weights models. `threshold` is a fraction (0..1); `max_params` a plain count.
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
        """The event's fields as flat values for a table row."""
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
    """The threshold x size grid (default: MMLU 0.45..0.80 x 0.5B..70B total parameters)."""
    return [
        Event(benchmark, thr, size, axis, architectures, open_weights_only)
        for thr in thresholds
        for size in sizes
    ]


# ----------------------------------------------------------------------------- scores per model


@dataclass(frozen=True)
class ScoreRule:
    """How a model's several score rows on one benchmark become the one score that decides events.

    Admissible rows: not chain-of-thought (`cot` 0 or missing) unless `allow_cot`; `shots` in
    `shots`, or missing when `unknown_shots`; `source` in `sources` when given. The model's
    score is the `aggregate` ("median" or "max") of its admissible rows. The median is the
    default: the maximum grows with the number of reports per model (see the module docstring).
    """

    aggregate: Literal["median", "max"] = "median"
    shots: tuple[int, ...] = (5,)
    unknown_shots: bool = True
    allow_cot: bool = False
    sources: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.aggregate not in ("median", "max"):
            raise UserError(f"score aggregate {self.aggregate!r} is not 'median' or 'max'", key="aggregate")
        object.__setattr__(self, "shots", tuple(int(s) for s in self.shots))
        if self.sources is not None:
            object.__setattr__(self, "sources", tuple(self.sources))

    def model_scores(self, scores: pd.DataFrame, benchmark: str) -> pd.Series:
        """One score per model_id on `benchmark` (a Series indexed by model_id)."""
        rows = scores[scores["benchmark"].astype(str).str.lower() == benchmark]
        keep = rows["score"].notna()
        if "cot" in rows and not self.allow_cot:
            keep &= pd.to_numeric(rows["cot"], errors="coerce").fillna(0) == 0
        if "shots" in rows:
            shots = pd.to_numeric(rows["shots"], errors="coerce")
            keep &= shots.isin(self.shots) | (shots.isna() & self.unknown_shots)
        if self.sources is not None and "source" in rows:
            keep &= rows["source"].isin(self.sources)
        grouped = rows.loc[keep].groupby("model_id")["score"]
        return (grouped.median() if self.aggregate == "median" else grouped.max()).astype(float)


def _require(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise UserError(f"{what} table lacks column(s) {', '.join(missing)}", column=missing[0])


def population_frame(
    models: pd.DataFrame, scores: pd.DataFrame, event: Event, rule: ScoreRule = ScoreRule()
) -> pd.DataFrame:
    """The models an event can count, with their size and decided score, oldest first.

    Columns: model_id, release_date, t (decimal year), size (parameters on the event's axis),
    score (per `rule`). Rows are models with a known positive size, an admissible score, and
    the event's architecture and open-weights filters. On the active axis a missing
    `params_active` falls back to `params_total` unless the model is marked `moe`.
    Threshold and size of the event are not applied here.
    """
    _require(models, MODEL_COLUMNS, "models")
    _require(scores, SCORE_COLUMNS, "scores")
    m = models
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
        }
    )
    frame["score"] = frame["model_id"].map(per_model).astype(float)
    frame = frame[(frame["size"] > 0) & frame["score"].notna() & frame["release_date"].notna()]
    frame = frame.sort_values(["release_date", "model_id"], kind="stable").reset_index(drop=True)
    frame.insert(2, "t", decimal_year(frame["release_date"]))
    return frame


def reaches(frame: pd.DataFrame, event: Event) -> pd.Series:
    """Boolean mask of `population_frame` rows that reach the event."""
    return (frame["score"] >= event.threshold - _SCORE_TOL) & (
        frame["size"] <= event.max_params * (1 + 1e-12)
    )


def benchmark_data_end(models: pd.DataFrame, scores: pd.DataFrame, benchmark: str) -> pd.Timestamp:
    """Last release date among models with any score row on `benchmark`."""
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

    One row per event, in order, with the event's fields and: reached (bool), realised_date
    (first release date of a model reaching it, NaT if none by `data_end`), realised_year
    (decimal year), realised_by (';'-joined model_ids of the models reaching it on that date),
    censored (not reached by `data_end`), data_end, data_end_year. `data_end` defaults to the
    last release date among models with a score on the event's benchmark; a date given here
    overrides it for every event, and crossings after it count as not (yet) reached.
    """
    fixed_end = None if data_end is None else pd.Timestamp(parse_date(data_end, "data_end"))
    ends: dict[str, pd.Timestamp] = {}
    frames: dict[tuple, pd.DataFrame] = {}
    out = []
    for event in events:
        if event.population not in frames:
            frames[event.population] = population_frame(models, scores, event, rule)
        frame = frames[event.population]
        if fixed_end is None and event.benchmark not in ends:
            ends[event.benchmark] = benchmark_data_end(models, scores, event.benchmark)
        end = fixed_end if fixed_end is not None else ends[event.benchmark]
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
        out.append(row)
    return pd.DataFrame(out)


# ----------------------------------------------------------------------------- methods


@runtime_checkable
class Method(Protocol):
    """A forecasting method the backtest can score.

    `sample_crossings` receives only the models released by `cutoff` (and their scores) and
    returns an array of shape (len(events), n_samples): samples of each event's crossing date in
    decimal years, `np.inf` meaning "not before the method's horizon". Every event passed has
    not been reached by the cutoff in the full data; a method should condition on that. The
    same `seed` must give the same samples.
    """

    name: str

    def sample_crossings(
        self,
        models: pd.DataFrame,
        scores: pd.DataFrame,
        cutoff: date,
        events: list[Event],
        n_samples: int,
        seed: int,
    ) -> np.ndarray: ...


def derive_seed(seed: int, cutoff: date, method_name: str, stream: int = 0) -> int:
    """A seed for one (cutoff, method, stream), independent of run order and of process count."""
    seq = np.random.SeedSequence(
        entropy=int(seed), spawn_key=(cutoff.toordinal(), zlib.crc32(method_name.encode()), stream)
    )
    return int(seq.generate_state(1, dtype=np.uint32)[0])


# ----------------------------------------------------------------------------- scoring


def sample_quantiles(samples: np.ndarray, probs: Sequence[float] = QUANTILES) -> np.ndarray:
    """Quantiles per row of `samples` (events x samples), linear interpolation; a quantile whose
    upper neighbouring order statistic is +inf is +inf. Shape (events, len(probs))."""
    x = np.asarray(samples, dtype=float)
    big = np.where(np.isinf(x), np.finfo(float).max / 4, x)
    q = np.quantile(big, probs, axis=1).T
    upper = np.quantile(x, probs, axis=1, method="higher").T
    q[np.isinf(upper)] = np.inf
    return q


def score_samples(
    samples: np.ndarray,
    outcome_year: np.ndarray,
    censored: np.ndarray,
    data_end_year: np.ndarray,
    cutoff_year: float,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Score forecast samples (events x samples, decimal years) against outcomes.

    `outcome_year` is the realised crossing (ignored where `censored`); `data_end_year` (d) the
    censoring date per event. Returns per-event arrays: quantiles `q05`..`q95`, `p_1y`, `p_2y`,
    for each level L in 50/80/90: `covered_L` (1.0, 0.0 or NaN = undecided) and `credit_L`,
    `pit`, `pit_lo`, `pit_hi`, `crps` (years) and `brier_1y`, `brier_2y` (NaN = not counted).
    The rules are in the module docstring.
    """
    import scoringrules as sr

    x = np.asarray(samples, dtype=float)
    n_events = x.shape[0]
    cens = np.asarray(censored, dtype=bool)
    d = np.asarray(data_end_year, dtype=float)
    y = np.where(cens, np.inf, np.asarray(outcome_year, dtype=float))
    out: dict[str, np.ndarray] = {}

    q = sample_quantiles(x)
    for j, p in enumerate(QUANTILES):
        out[f"q{round(p * 100):02d}"] = q[:, j]

    for level in LEVELS:
        lo, hi = sample_quantiles(x, [(1 - level) / 2, (1 + level) / 2]).T
        covered = np.full(n_events, np.nan)
        covered[~cens] = ((lo <= y) & (y <= hi))[~cens]
        covered[cens & (hi <= d)] = 0.0
        covered[cens & np.isinf(hi) & (lo <= d)] = 1.0
        # credit where undecided: P(lo <= T <= hi, T > d) / P(T > d) under the forecast
        after_d = x > d[:, None]
        inside = after_d & (x >= lo[:, None]) & (x <= hi[:, None])
        denom = after_d.mean(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(denom > 0, inside.mean(axis=1) / denom, 0.0)
        credit = np.where(np.isnan(covered), share, covered)
        tag = f"{round(level * 100)}"
        out[f"covered_{tag}"] = covered
        out[f"credit_{tag}"] = credit

    f_minus = np.where(cens, (x <= d[:, None]).mean(axis=1), (x < y[:, None]).mean(axis=1))
    f_plus = np.where(cens, 1.0, (x <= y[:, None]).mean(axis=1))
    out["pit_lo"], out["pit_hi"] = f_minus, f_plus
    out["pit"] = f_minus + rng.uniform(size=n_events) * (f_plus - f_minus)

    obs = np.minimum(y, d)
    out["crps"] = np.asarray(sr.crps_ensemble(obs, np.minimum(x, d[:, None])), dtype=float)

    for h in BRIER_HORIZONS_YEARS:
        horizon = cutoff_year + h
        prob = (x <= horizon).mean(axis=1)
        happened = (~cens) & (y <= horizon)
        brier = (prob - happened) ** 2
        out[f"p_{h}y"] = prob
        out[f"brier_{h}y"] = np.where(horizon <= d, brier, np.nan)
    return out


# ----------------------------------------------------------------------------- runner


@dataclass
class _CutoffTask:
    cutoff: date
    models: pd.DataFrame
    scores: pd.DataFrame
    methods: list
    events: list[Event]
    outcomes: pd.DataFrame
    n_samples: int
    seed: int
    on_error: str


def _forecast(method, task: _CutoffTask) -> tuple[np.ndarray | None, str]:
    """The method's samples, or (None, message) when it raises `UserError` and failures are
    recorded rather than raised."""
    try:
        samples = method.sample_crossings(
            task.models, task.scores, task.cutoff, list(task.events), task.n_samples,
            derive_seed(task.seed, task.cutoff, method.name, 0),
        )
    except UserError as exc:
        message = f"backtest cutoff {task.cutoff}, method '{method.name}': {exc.message}"
        if task.on_error == "record":
            return None, message
        loc = exc.location
        raise UserError(message, file=loc.file, row=loc.row, column=loc.column, key=loc.key) from exc
    samples = np.asarray(samples, dtype=float)
    expected = (len(task.events), task.n_samples)
    if samples.shape != expected:
        raise ValueError(f"method {method.name!r} returned shape {samples.shape}, expected {expected}")
    if np.isnan(samples).any() or np.isneginf(samples).any():
        raise ValueError(f"method {method.name!r} returned NaN or -inf crossing dates at {task.cutoff}")
    return samples, ""


def _run_cutoff(task: _CutoffTask) -> pd.DataFrame:
    cutoff_year = float(decimal_year(pd.Timestamp(task.cutoff)))
    frames = []
    for method in task.methods:
        samples, error = _forecast(method, task)
        if samples is None:
            scored = {name: np.full(len(task.events), np.nan) for name in SCORE_FIELDS}
        else:
            scored = score_samples(
                samples,
                task.outcomes["realised_year"].to_numpy(float),
                task.outcomes["censored"].to_numpy(bool),
                task.outcomes["data_end_year"].to_numpy(float),
                cutoff_year,
                np.random.default_rng(derive_seed(task.seed, task.cutoff, method.name, 1)),
            )
        frame = task.outcomes.copy()
        frame.insert(0, "method", method.name)
        frame.insert(0, "cutoff_year", cutoff_year)
        frame.insert(0, "cutoff", pd.Timestamp(task.cutoff))
        for name in SCORE_FIELDS:
            frame[name] = scored[name]
        frame["error"] = error
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _tidy_rows(rows: pd.DataFrame) -> pd.DataFrame:
    for level in LEVELS:
        col = f"covered_{round(level * 100)}"
        rows[col] = rows[col].map({1.0: True, 0.0: False}).astype("boolean")
    for col in ("cutoff", "realised_date", "data_end"):
        rows[col] = pd.to_datetime(rows[col]).dt.date
    return rows


@dataclass
class BacktestResult:
    """`rows`: one tidy row per (cutoff, event, method); `summary`: aggregate scores (JSON-ready);
    `realised`: the outcome of every event in the full data."""

    rows: pd.DataFrame
    summary: dict
    realised: pd.DataFrame = field(repr=False)

    def save(self, out_dir: str | Path) -> dict[str, Path]:
        """Write `backtest_rows.csv` and `backtest_summary.json` into `out_dir` atomically."""
        import json

        out = Path(out_dir)
        paths = {"rows": out / "backtest_rows.csv", "summary": out / "backtest_summary.json"}
        atomic_write(paths["rows"], self.rows.to_csv(index=False))
        atomic_write(paths["summary"], json.dumps(self.summary, indent=2, allow_nan=False) + "\n")
        return paths


def load_backtest(out_dir: str | Path) -> BacktestResult:
    """Read a backtest written by `BacktestResult.save` (rows and summary; realised is rebuilt
    from the rows)."""
    import json

    out = Path(out_dir)
    try:
        rows = pd.read_csv(out / "backtest_rows.csv")
        summary = json.loads((out / "backtest_summary.json").read_text())
    except (OSError, ValueError) as exc:
        raise UserError(f"not a readable backtest folder ({exc})", file=out) from None
    for col in ("cutoff", "realised_date", "data_end"):
        if col in rows:
            rows[col] = pd.to_datetime(rows[col]).dt.date
    keys = [c for c in ("benchmark", "threshold", "max_params") if c in rows]
    realised = rows.drop_duplicates(keys) if keys else rows.iloc[0:0]
    return BacktestResult(rows=rows, summary=summary, realised=realised)


def run_backtest(
    models: pd.DataFrame,
    scores: pd.DataFrame,
    methods: Sequence[Method],
    cutoffs: str | Iterable,
    events: Sequence[Event] | None = None,
    n_samples: int = 2000,
    seed: int = 0,
    jobs: int = 1,
    progress: bool = True,
    rule: ScoreRule = ScoreRule(),
    data_end=None,
    n_bootstrap: int = 2000,
    on_error: Literal["record", "raise"] = "record",
) -> BacktestResult:
    """Fit every method as of every cutoff, forecast the open events, and score them.

    Per cutoff c: the methods see models with release_date <= c and those models' score rows;
    the events scored are those not reached by c in the full data (per `rule`) and with c
    before their `data_end`. Each (cutoff, method) gets the seed `derive_seed(seed, c, name)`,
    so the result is the same for any `jobs`; cutoffs run in `jobs` processes when jobs > 1
    (started with "spawn": methods must be picklable, and a calling script needs the usual
    ``if __name__ == "__main__":`` guard). A Rich progress bar on stderr counts finished cutoffs.

    A method that cannot forecast at a cutoff from the data it is given (it raises `UserError`,
    e.g. too few models above chance) gets rows with empty scores and the message in `error`
    (`on_error="record"`, listed under `failures` in the summary, and the ranking compares
    methods on the rows all of them scored), or stops the run (`on_error="raise"`). Any other
    exception always stops the run.
    """
    events = list(events) if events is not None else default_events()
    if not events:
        raise UserError("no events to score", key="events")
    methods = list(methods)
    names = [m.name for m in methods]
    if not methods or len(set(names)) != len(names):
        raise UserError(f"methods need distinct names, got {names}", key="methods")
    if n_samples < 10:
        raise UserError(f"n_samples={n_samples} is too few to score (at least 10)", key="n_samples")
    if jobs < 1:
        raise UserError(f"jobs={jobs} must be at least 1", key="jobs")
    if on_error not in ("record", "raise"):
        raise UserError(f"on_error={on_error!r} is not 'record' or 'raise'", key="on_error")
    cutoff_list = parse_cutoffs(cutoffs)
    models = models.copy()
    models["release_date"] = pd.to_datetime(models["release_date"])
    outcomes = realised(models, scores, events, data_end=data_end, rule=rule)

    tasks = []
    for cutoff in cutoff_list:
        stamp = pd.Timestamp(cutoff)
        open_mask = (~outcomes["reached"] | (outcomes["realised_date"] > stamp)) & (outcomes["data_end"] > stamp)
        if not open_mask.any():
            continue
        models_c = models[models["release_date"] <= stamp].reset_index(drop=True)
        scores_c = scores[scores["model_id"].isin(models_c["model_id"])].reset_index(drop=True)
        idx = np.flatnonzero(open_mask.to_numpy())
        tasks.append(
            _CutoffTask(
                cutoff, models_c, scores_c, methods, [events[i] for i in idx],
                outcomes.iloc[idx].reset_index(drop=True), n_samples, seed, on_error,
            )
        )
    if not tasks:
        raise UserError("no event is open (not yet reached, before the data's end) at any cutoff", key="cutoffs")

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    results: dict[date, pd.DataFrame] = {}
    bar = Progress(
        TextColumn("backtest"), BarColumn(), MofNCompleteColumn(), TextColumn("cutoffs"),
        TimeElapsedColumn(), console=Console(stderr=True), disable=not progress, transient=False,
    )
    with bar:
        task_id = bar.add_task("backtest", total=len(tasks))
        if jobs == 1 or len(tasks) == 1:
            for task in tasks:
                results[task.cutoff] = _run_cutoff(task)
                bar.advance(task_id)
        else:
            from forecast.core.processes import children_with_fixed_hashing

            # workers (started lazily, so the whole block) sample in-process, reproducibly
            with children_with_fixed_hashing(), \
                    ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=get_context("spawn")) as pool:
                futures = {pool.submit(_run_cutoff, task): task.cutoff for task in tasks}
                try:
                    for fut in as_completed(futures):
                        results[futures[fut]] = fut.result()
                        bar.advance(task_id)
                except BaseException:
                    pool.shutdown(wait=False, cancel_futures=True)
                    raise

    rows = pd.concat([results[c] for c in sorted(results)], ignore_index=True)
    summary = summarise(rows, n_bootstrap=n_bootstrap, seed=seed)
    summary.update(
        n_samples=int(n_samples),
        seed=int(seed),
        score_rule=asdict(rule),
        data_end={
            b: pd.Timestamp(e).date().isoformat()
            for b, e in outcomes.groupby("benchmark")["data_end"].max().items()
        },
    )
    return BacktestResult(rows=_tidy_rows(rows), summary=summary, realised=outcomes)


# ----------------------------------------------------------------------------- aggregation


def _finite(x: float) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


def _pit_histogram(lo: np.ndarray, hi: np.ndarray, bins: int = PIT_BINS) -> list[float]:
    """Sum over rows of the share of each row's PIT interval [lo, hi] in each bin (a point mass
    when lo == hi): the censoring-aware PIT histogram (counts of rows, fractional)."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    width = hi - lo
    point = width <= 1e-12
    overlap = np.clip(np.minimum(hi[:, None], edges[None, 1:]) - np.maximum(lo[:, None], edges[None, :-1]), 0, None)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(point[:, None], 0.0, overlap / np.where(point, 1.0, width)[:, None])
    idx = np.clip(np.searchsorted(edges, lo[point], side="right") - 1, 0, bins - 1)
    np.add.at(share, (np.flatnonzero(point), idx), 1.0)
    return [round(float(v), 6) for v in share.sum(axis=0)]


def summarise(rows: pd.DataFrame, n_bootstrap: int = 2000, seed: int = 0, ci: float = 0.95) -> dict:
    """Aggregate scores per method, with bootstrap intervals over cutoffs.

    Per method, over the rows it scored (`n_rows`; `n_failed` rows where it could not forecast,
    at `failed_cutoffs`): `coverage` {"0.5","0.8","0.9"} (mean credit, censoring-aware),
    `coverage_decided` and `n_decided` / `n_undecided` (rows the outcome decides), `crps_mean`
    (years), `brier_1y`, `brier_2y` with `n_brier_1y`, `n_brier_2y`, `pit_hist` (10 bins), and
    `*_ci` intervals from `n_bootstrap` resamples of whole cutoffs, and `by_cutoff` {date: {n,
    crps_mean, coverage_0.5, coverage_0.8, coverage_0.9}}. On the common rows (the
    (cutoff, event) pairs every method scored): `crps_mean_common` and `crps_diff_vs_best`, the
    paired difference in mean CRPS to the best method there, with its interval. Top level:
    n_events (scored cutoff x event pairs), n_common, n_distinct_events, n_censored, n_reached,
    cutoffs, events_per_cutoff, realising_models (distinct models that realised the scored
    crossings and how many scored pairs each decided), failures, ranking (methods by
    crps_mean_common, best first).
    """
    rows = rows.copy()
    rows["cutoff"] = pd.to_datetime(rows["cutoff"]).dt.date
    methods = list(dict.fromkeys(rows["method"]))
    cutoffs = sorted(rows["cutoff"].unique())
    first = rows[rows["method"] == methods[0]]
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 7919]))
    weights = rng.multinomial(len(cutoffs), np.full(len(cutoffs), 1 / len(cutoffs)), size=n_bootstrap)
    tail = (1 - ci) / 2 * 100

    def per_cutoff(frame: pd.DataFrame, col: str) -> tuple[np.ndarray, np.ndarray]:
        values = pd.to_numeric(frame[col], errors="coerce").astype(float)
        grouped = pd.DataFrame({"c": frame["cutoff"], "v": values}).groupby("c")["v"]
        sums = grouped.sum(min_count=0).reindex(cutoffs, fill_value=0.0).to_numpy(float)
        counts = grouped.count().reindex(cutoffs, fill_value=0).to_numpy(float)
        return sums, counts

    def point_and_ci(sums: np.ndarray, counts: np.ndarray) -> tuple[float | None, list | None]:
        if counts.sum() == 0:
            return None, None
        with np.errstate(invalid="ignore", divide="ignore"):
            boot = (weights @ sums) / (weights @ counts)
        boot = boot[np.isfinite(boot)]
        interval = [float(np.percentile(boot, tail)), float(np.percentile(boot, 100 - tail))] if len(boot) else None
        return float(sums.sum() / counts.sum()), interval

    error = rows["error"].fillna("").astype(str) if "error" in rows else pd.Series("", index=rows.index)
    ok = error == ""
    pair = rows["cutoff"].astype(str) + "|" + rows["event"].astype(str)
    n_ok = ok.groupby(pair).sum()
    common = pair.isin(set(n_ok.index[n_ok == len(methods)])) & ok

    out_methods: dict[str, dict] = {}
    common_sums: dict[str, np.ndarray] = {}
    for name in methods:
        mine = rows["method"] == name
        frame = rows[mine & ok]
        entry: dict = {
            "n_rows": int(len(frame)),
            "n_failed": int((mine & ~ok).sum()),
            "failed_cutoffs": sorted({c.isoformat() for c in rows.loc[mine & ~ok, "cutoff"]}),
        }
        cov, cov_ci, cov_dec, n_dec, n_undec = {}, {}, {}, {}, {}
        for level in LEVELS:
            tag = round(level * 100)
            cov[str(level)], cov_ci[str(level)] = point_and_ci(*per_cutoff(frame, f"credit_{tag}"))
            decided = pd.to_numeric(frame[f"covered_{tag}"].astype("Float64"), errors="coerce")
            n_dec[str(level)] = int(decided.notna().sum())
            n_undec[str(level)] = int(decided.isna().sum())
            cov_dec[str(level)] = _finite(decided.mean()) if n_dec[str(level)] else None
        entry.update(coverage=cov, coverage_ci=cov_ci, coverage_decided=cov_dec, n_decided=n_dec, n_undecided=n_undec)
        entry["crps_mean"], entry["crps_ci"] = point_and_ci(*per_cutoff(frame, "crps"))
        common_sums[name], common_counts = per_cutoff(rows[mine & common], "crps")
        entry["crps_mean_common"], _ = point_and_ci(common_sums[name], common_counts)
        for h in BRIER_HORIZONS_YEARS:
            sums, counts = per_cutoff(frame, f"brier_{h}y")
            entry[f"brier_{h}y"], entry[f"brier_{h}y_ci"] = point_and_ci(sums, counts)
            entry[f"n_brier_{h}y"] = int(counts.sum())
        entry["pit_hist"] = _pit_histogram(frame["pit_lo"].to_numpy(float), frame["pit_hi"].to_numpy(float))
        entry["by_cutoff"] = {
            c.isoformat(): {
                "n": int(len(g)),
                "crps_mean": _finite(g["crps"].mean()),
                **{f"coverage_{level}": _finite(g[f"credit_{round(level * 100)}"].mean()) for level in LEVELS},
            }
            for c, g in frame.groupby("cutoff")
        }
        out_methods[name] = entry

    def rank_key(name: str) -> tuple:
        value = out_methods[name]["crps_mean_common"]
        return (value is None, value if value is not None else 0.0)

    ranking = sorted(methods, key=rank_key)
    best = ranking[0]
    for name in methods:
        mean, interval = point_and_ci(common_sums[name] - common_sums[best], common_counts)
        out_methods[name]["crps_diff_vs_best"] = {"vs": best, "mean": mean, "ci": interval}
    failures = (
        rows.loc[~ok, ["cutoff", "method"]].assign(message=error[~ok]).drop_duplicates(["cutoff", "method"])
    )

    reached = first[~first["censored"].astype(bool)]
    by_model: dict[str, int] = {}
    for ids in reached["realised_by"]:
        for mid in str(ids).split(";"):
            by_model[mid] = by_model.get(mid, 0) + 1
    return {
        "n_events": int(len(first)),
        "n_distinct_events": int(first["event"].nunique()),
        "n_censored": int(first["censored"].astype(bool).sum()),
        "n_reached": int(len(reached)),
        "cutoffs": [c.isoformat() for c in cutoffs],
        "events_per_cutoff": {c.isoformat(): int(n) for c, n in first.groupby("cutoff").size().items()},
        "realising_models": {
            "n": len(by_model),
            "events_by_model": dict(sorted(by_model.items(), key=lambda kv: (-kv[1], kv[0]))),
        },
        "n_common": int(common_counts.sum()),
        "failures": [
            {"cutoff": r.cutoff.isoformat(), "method": r.method, "message": r.message}
            for r in failures.itertuples()
        ],
        "methods": out_methods,
        "ranking": ranking,
        "bootstrap": {"resampled": "cutoffs", "n": int(n_bootstrap), "ci": ci},
    }
