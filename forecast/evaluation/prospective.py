"""The prospective record: forecasts frozen at the registry's data end, scored as releases come.

The backtest scores forecasts made as of past cutoffs against outcomes that were already known
when the method was written, so its calibration can be tuned to them. A prospective record can
not: it freezes, once, a method's forecast of every backtest event still open at the end of the
registry's data, with the hashes of what it was made from, and anyone can later score it against
a registry that holds the releases since (`forecast backtest --prospective`).

**The record's date** (`record_date`, the record's ``as_of``) is the newest ``reported`` date of a
score on the events' benchmark(s) in the registry, not the newest release with such a score
(`forecast.evaluation.events.benchmark_data_end`). A score is never reported before its model's
release (the registry refuses it), so this date is on or after the last scored release, and:

* the fit as of it (`forecast.inputs.registry.known_by`) sees every score the registry holds on
  the events' benchmark, so the record uses all the registry knows about its events;
* an event the registry shows unreached is *known* to be unreached on that date: nothing later
  in the registry speaks about the benchmark, so "not reached by the record's date", on which
  every forecast is conditioned, is an observation and not an assumption.

The cost: scores on other benchmarks reported later, and models released later, are left out of
the fit. The date comes from the data, not the calendar, so freezing the same registry twice
gives the same date, data and (with the same seed) the same forecasts; the calendar day the
record was made is kept apart (``made_on``).

**What is frozen.** Per open event, the method's crossing-date samples (decimal years) reduced to
`n_quantiles` quantiles at the levels k / (n_quantiles + 1), k = 1..n_quantiles (0.005 .. 0.995
for 199): the expected positions of the order statistics of that many draws, so the quantiles
stand for an equally weighted ensemble of that many samples when they are scored. A quantile
past the method's horizon ("not before the horizon", +inf in the samples) is stored as JSON
``null``; ``p_not_before_horizon`` keeps the exact share of such samples. The record also holds
the method's name, settings and seeds (the method's seed derives from the run's seed as in the
backtest, `derive_seed(seed, as_of, method, 0)`, so the record is the backtest's forecast at a
cutoff on the record's date), the fit's cache key and hashes when the method has a fit
(`forecast.evaluation.methods.EngineMethod`), the registry's SHA-256, the score rule and the
package version.

**Scoring** (`score`) reads a later registry's outcomes with `realised` (censored at that
registry's data end d on the benchmark) and scores the quantiles as samples with
`forecast.evaluation.scoring.score_samples`, the record's date as the cutoff. Each event gets a
status:

* ``reached``: first reached by a release after the record's date and by d: decided, scored;
* ``not_reached``: not reached by d, with d after the record's date: scored over the window
  up to d (the censored CRPS), and its interval counted as decided only where the outcome
  settles it (an interval that ended by d missed); otherwise it is undecided, and never credited
  with the forecast's own probability;
* ``no_new_data``: the registry's data on the benchmark end on or before the record's date:
  nothing has been observed since, nothing is scored;
* ``reached_before_record``: reached by a release on or before the record's date that the
  record's registry did not show (a score reported later, a model added later): the forecast was
  of a crossing after that date, so it is listed and not scored.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, is_dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import forecast
from forecast.core.errors import UserError
from forecast.core.io import atomic_write
from forecast.evaluation.events import Event, benchmark_data_end, realised
from forecast.evaluation.method_protocol import Method, derive_seed
from forecast.evaluation.score_rule import ScoreRule
from forecast.evaluation.scoring import LEVELS, SCORE_FIELDS, sample_quantiles, score_samples
from forecast.inputs.dates import decimal_year, parse_date, year_to_date
from forecast.inputs.registry import known_by

#: The record's format; a record of another format is refused.
RECORD_FORMAT = 1
RECORD_KIND = "forecast prospective record"
DEFAULT_RECORD = Path("reports/prospective/prospective.json")
DEFAULT_QUANTILES = 199
DEFAULT_SAMPLES = 4000
#: Statuses of a scored event (module docstring).
STATUSES = ("reached", "not_reached", "no_new_data", "reached_before_record")
_EVENT_FIELDS = ("event", "benchmark", "threshold", "max_params", "axis", "architectures", "open_weights_only")


def quantile_levels(n_quantiles: int = DEFAULT_QUANTILES) -> list[float]:
    """The record's quantile levels k / (n + 1), k = 1..n, rounded to 12 digits.

    Parameters
    ----------
    n_quantiles : int
        How many (at least 9).

    Returns
    -------
    list of float
        Increasing levels in (0, 1): 0.005 .. 0.995 for 199.
    """
    if int(n_quantiles) < 9:
        raise UserError(f"n_quantiles={n_quantiles} is too few (at least 9)", key="n_quantiles")
    n = int(n_quantiles)
    return [round(k / (n + 1), 12) for k in range(1, n + 1)]


def record_date(registry: Any, events: Sequence[Event]) -> date:
    """The date a record is made as of: the newest ``reported`` score date on the events'
    benchmarks (module docstring says why).

    Parameters
    ----------
    registry : forecast.inputs.registry.Registry
        The registry (its scores with their ``reported`` dates).
    events : sequence of Event
        The events to forecast.

    Returns
    -------
    datetime.date

    Raises
    ------
    UserError
        When no score on the events' benchmarks has a reported date.
    """
    benchmarks = sorted({e.benchmark for e in events})
    scores = registry.scores
    rows = scores[scores["benchmark"].astype(str).str.lower().isin(benchmarks)]
    reported = pd.to_datetime(rows["reported"]) if "reported" in rows else pd.Series(dtype="datetime64[ns]")
    if reported.notna().sum() == 0:
        raise UserError(f"no score on {', '.join(benchmarks)} with a reported date in the registry",
                        key="benchmark")
    return reported.max().date()


def _settings(method: Any) -> dict[str, Any]:
    """A method's settings as JSON values (its dataclass fields; {} for another kind)."""
    if not is_dataclass(method):
        return {}
    out = {}
    for key, value in asdict(method).items():
        out[key] = value if value is None or isinstance(value, (bool, int, float, str)) else str(value)
    return out


def _fit_of(method: Any, models: pd.DataFrame, scores: pd.DataFrame, when: date, seed: int) -> dict | None:
    """The fit behind a method's forecast (its cache key, hashes and diagnostics), or None for a
    method without one. A method with a ``fit(models, scores, cutoff, seed)`` returning
    ``(Fit, priors)`` (`EngineMethod`) is asked again; its fit cache answers without refitting."""
    fit_call = getattr(method, "fit", None)
    if not callable(fit_call):
        return None
    fit, _ = fit_call(models, scores, when, seed)
    prov = fit.provenance
    return {
        "cache_key": prov.get("cache_key"),
        "seen_data_sha256": prov.get("seen_data_sha256"),
        "priors_sha256": prov.get("priors_sha256"),
        "code_sha256": prov.get("code_sha256"),
        "variant": prov.get("settings", {}).get("variant"),
        "versions": prov.get("versions", {}),
        "diagnostics": fit.diagnostics.to_dict(),
    }


def _json_year(value: float) -> float | None:
    """A decimal year for JSON: None for +inf ("not before the horizon")."""
    return None if not math.isfinite(value) else round(float(value), 6)


def freeze(
    registry: Any,
    method: Method,
    events: Sequence[Event],
    made_on: date | str,
    n_quantiles: int = DEFAULT_QUANTILES,
    seed: int = 0,
    n_samples: int = DEFAULT_SAMPLES,
    rule: ScoreRule = ScoreRule(),
) -> dict[str, Any]:
    """The prospective record of `method` on `events` as of the registry's data end.

    Parameters
    ----------
    registry : forecast.inputs.registry.Registry
        The registry the forecasts are made from (models, scores with ``reported`` dates,
        benchmarks with ``introduced`` dates, and its ``sha256``).
    method : Method
        The forecasting method (`forecast.evaluation.method_protocol.Method`).
    events : sequence of Event
        The event grid (the backtest's); those reached by the record's date are listed, not
        forecast.
    made_on : date or str
        The calendar day the record is made (kept apart from its ``as_of``).
    n_quantiles : int
        Quantiles kept per event (`quantile_levels`).
    seed : int
        The run's seed; the method's seed derives from it (`derive_seed`).
    n_samples : int
        Crossing samples drawn per event before they are reduced to quantiles (at least
        `n_quantiles`).
    rule : ScoreRule
        How a model's score rows become its score, for the events reached by the record's date.

    Returns
    -------
    dict
        The record (JSON values only): ``record``, ``format``, ``made_on``, ``created``,
        ``as_of``, ``as_of_basis``, ``registry_sha256``, ``data_end_by_benchmark``,
        ``package_version``, ``method``, ``method_settings``, ``seed``, ``method_seed``,
        ``n_samples``, ``score_rule``, ``fit`` (null for a method without a fit), ``levels``,
        ``reached_by_as_of`` and ``events`` (per open event its fields, ``quantiles`` aligned
        with ``levels`` in decimal years, null past the horizon, ``p_not_before_horizon`` and
        ``median_date``). docs/json.md lists them.

    Raises
    ------
    UserError
        When no event is given, none is open at the record's date, an argument is invalid or
        the method cannot forecast from the data.
    """
    events = list(events)
    if not events:
        raise UserError("no events to forecast", key="events")
    levels = quantile_levels(n_quantiles)
    if int(n_samples) < len(levels):
        raise UserError(f"n_samples={n_samples} is fewer than the {len(levels)} quantiles kept", key="n_samples")
    made = parse_date(made_on, "made_on")
    as_of = record_date(registry, events)
    models = registry.models.copy()
    models["release_date"] = pd.to_datetime(models["release_date"])
    models_c, scores_c = known_by(models, registry.scores, registry.benchmarks, as_of)
    outcomes = realised(models_c, scores_c, events, data_end=as_of, rule=rule)
    reached = outcomes["reached"].to_numpy(bool)
    open_events = [e for e, r in zip(events, reached) if not r]
    if not open_events:
        raise UserError(f"every event is reached by {as_of}: nothing to forecast", key="events")
    method_seed = derive_seed(seed, as_of, method.name, 0)
    samples = np.asarray(method.sample_crossings(models_c, scores_c, as_of, open_events, int(n_samples),
                                                 method_seed), dtype=float)
    if samples.shape != (len(open_events), int(n_samples)):
        raise ValueError(f"method {method.name!r} returned shape {samples.shape}, "
                         f"expected {(len(open_events), int(n_samples))}")
    if np.isnan(samples).any() or np.isneginf(samples).any():
        raise ValueError(f"method {method.name!r} returned NaN or -inf crossing dates")
    quantiles = sample_quantiles(samples, levels)
    rows = []
    for event, q, x in zip(open_events, quantiles, samples):
        median = float(np.quantile(np.where(np.isinf(x), np.finfo(float).max / 4, x), 0.5))
        median_inf = np.quantile(x, 0.5, method="higher") == np.inf
        rows.append({
            **event.fields(),
            "quantiles": [_json_year(v) for v in q],
            "p_not_before_horizon": float(np.isinf(x).mean()),
            "median_date": None if median_inf else year_to_date(median).isoformat(),
        })
    ends = {b: benchmark_data_end(models, registry.scores, b).date().isoformat()
            for b in sorted({e.benchmark for e in events})}
    return {
        "record": RECORD_KIND,
        "format": RECORD_FORMAT,
        "made_on": made.isoformat(),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "as_of": as_of.isoformat(),
        "as_of_basis": "the newest reported date of a score on " + ", ".join(sorted(ends)) + " in the registry",
        "registry_sha256": str(registry.sha256),
        "data_end_by_benchmark": ends,
        "package_version": forecast.__version__,
        "method": method.name,
        "method_settings": _settings(method),
        "seed": int(seed),
        "method_seed": int(method_seed),
        "n_samples": int(n_samples),
        "score_rule": {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(rule).items()},
        "fit": _fit_of(method, models_c, scores_c, as_of, method_seed),
        "levels": levels,
        "reached_by_as_of": [e.key for e, r in zip(events, reached) if r],
        "events": rows,
    }


def record_json(record: dict[str, Any]) -> str:
    """The record as JSON text (indented, keys in their order, no NaN or infinity)."""
    return json.dumps(record, indent=1, allow_nan=False, ensure_ascii=False) + "\n"


def write_record(record: dict[str, Any], path: str | Path = DEFAULT_RECORD) -> Path:
    """Write `record` to `path` atomically (`forecast.core.io.atomic_write`); returns the path."""
    return atomic_write(path, record_json(record))


def read_record(path: str | Path = DEFAULT_RECORD) -> dict[str, Any]:
    """A record read from `path` and checked (`check_record`).

    Raises
    ------
    UserError
        Naming the file, when it is missing, not JSON or not a record of this format.
    """
    path = Path(path)
    if not path.is_file():
        raise UserError("no prospective record here (make one with 'forecast backtest "
                        "--freeze-prospective')", file=str(path))
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"not a JSON file ({exc})", file=str(path)) from None
    return check_record(record, path)


def check_record(record: Any, path: str | Path | None = None) -> dict[str, Any]:
    """`record` if it is a prospective record of `RECORD_FORMAT` whose parts agree, else a
    `UserError` (naming `path` and the offending key). The JSON Schema
    (forecast/cli/schemas/prospective_record.json) checks the types; this checks what a schema
    cannot: the levels increase within (0, 1), every event's quantiles match them and never
    decrease, and the events rebuild."""
    where = {"file": None if path is None else str(path)}
    if not isinstance(record, dict) or record.get("record") != RECORD_KIND:
        raise UserError("not a prospective record", **where)
    if record.get("format") != RECORD_FORMAT:
        raise UserError(f"record format {record.get('format')!r}, this version reads {RECORD_FORMAT}",
                        key="format", **where)
    for key in ("as_of", "method", "seed", "levels", "events", "registry_sha256"):
        if key not in record:
            raise UserError(f"the record lacks '{key}'", key=key, **where)
    parse_date(record["as_of"], "as_of", file=path)
    levels = np.asarray(record["levels"], dtype=float)
    if levels.ndim != 1 or len(levels) < 9 or not (np.all(np.diff(levels) > 0) and 0 < levels[0] and levels[-1] < 1):
        raise UserError("levels must increase within (0, 1), at least 9 of them", key="levels", **where)
    for i, row in enumerate(record["events"]):
        q = _quantile_array(row.get("quantiles"))
        if q is None or len(q) != len(levels):
            raise UserError(f"event {i + 1}: quantiles do not match the {len(levels)} levels",
                            key="quantiles", **where)
        with np.errstate(invalid="ignore"):  # inf - inf past the horizon is NaN: not a decrease
            decreasing = np.any(np.diff(q) < 0)
        if decreasing:
            raise UserError(f"event {i + 1}: quantiles decrease", key="quantiles", **where)
    record_events(record, path)
    return record


def _quantile_array(values: Any) -> np.ndarray | None:
    """A stored quantile list as floats, null as +inf; None when it is not a list of numbers."""
    if not isinstance(values, list):
        return None
    try:
        return np.array([np.inf if v is None else float(v) for v in values], dtype=float)
    except (TypeError, ValueError):
        return None


def record_events(record: dict[str, Any], path: str | Path | None = None) -> list[Event]:
    """The record's events, rebuilt from their stored fields."""
    out = []
    for i, row in enumerate(record["events"]):
        try:
            arch = row.get("architectures") or None
            out.append(Event(row["benchmark"], row["threshold"], row["max_params"], row.get("axis", "params_total"),
                             tuple(arch.split("+")) if arch else None, bool(row.get("open_weights_only", False))))
        except (KeyError, TypeError, AttributeError) as exc:
            raise UserError(f"event {i + 1} lacks or garbles a field ({exc})", key="events",
                            file=None if path is None else str(path)) from None
    return out


@dataclass
class ProspectiveScores:
    """A record scored against a registry: one row per recorded event and the summary."""

    rows: pd.DataFrame
    summary: dict[str, Any]


def score(record: dict[str, Any], registry: Any, rule: ScoreRule | None = None) -> ProspectiveScores:
    """Score a prospective record against `registry` (module docstring: statuses and rules).

    Parameters
    ----------
    record : dict
        A record (`freeze`, `read_record`).
    registry : forecast.inputs.registry.Registry
        The registry to score against, usually one with releases after the record's date.
    rule : ScoreRule, optional
        How a model's score rows become its score; the record's rule by default.

    Returns
    -------
    ProspectiveScores
        ``rows``: per recorded event, the backtest's row (``cutoff`` the record's date,
        ``method``, the event's fields, the outcome in `registry`, `SCORE_FIELDS`) with its
        ``status``; scores are NaN for events not scored. ``summary``: see `summarise_scores`.
    """
    check_record(record)
    rule = rule if rule is not None else ScoreRule(**{k: tuple(v) if isinstance(v, list) else v
                                                    for k, v in (record.get("score_rule") or {}).items()})
    events = record_events(record)
    as_of = pd.Timestamp(parse_date(record["as_of"], "as_of"))
    cutoff_year = float(decimal_year(as_of))
    models = registry.models.copy()
    models["release_date"] = pd.to_datetime(models["release_date"])
    outcomes = realised(models, registry.scores, events, rule=rule) if events else pd.DataFrame()
    samples = np.array([_quantile_array(r["quantiles"]) for r in record["events"]], dtype=float)
    frame = outcomes.copy()
    status = np.full(len(events), "no_new_data", dtype=object)
    if len(events):
        reached = frame["reached"].to_numpy(bool)
        early = reached & (frame["realised_date"] <= as_of).to_numpy(bool)
        later_end = (frame["data_end"] > as_of).to_numpy(bool)
        status[reached & ~early] = "reached"
        status[early] = "reached_before_record"
        status[~reached & later_end] = "not_reached"
    scored = np.isin(status, ("reached", "not_reached"))
    values = {name: np.full(len(events), np.nan) for name in SCORE_FIELDS}
    if scored.any():
        idx = np.flatnonzero(scored)
        rng = np.random.default_rng(derive_seed(int(record["seed"]), as_of.date(), str(record["method"]), 1))
        got = score_samples(samples[idx], frame["realised_year"].to_numpy(float)[idx],
                            frame["censored"].to_numpy(bool)[idx], frame["data_end_year"].to_numpy(float)[idx],
                            cutoff_year, rng)
        for name in SCORE_FIELDS:
            values[name][idx] = got[name]
    frame.insert(0, "method", str(record["method"]))
    frame.insert(0, "cutoff_year", cutoff_year)
    frame.insert(0, "cutoff", as_of)
    frame["status"] = status
    for name in SCORE_FIELDS:
        frame[name] = values[name]
    return ProspectiveScores(rows=frame, summary=summarise_scores(record, registry, frame))


def _mean(values: np.ndarray) -> float | None:
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    return float(v.mean()) if len(v) else None


def summarise_scores(record: dict[str, Any], registry: Any, rows: pd.DataFrame) -> dict[str, Any]:
    """The summary of a scored record.

    Parameters
    ----------
    record : dict
        The record.
    registry : forecast.inputs.registry.Registry
        The registry it was scored against.
    rows : pandas.DataFrame
        `score`'s rows.

    Returns
    -------
    dict
        ``as_of`` (the record's date), ``made_on``, ``method``, ``record_registry_sha256``,
        ``registry_sha256``, ``same_registry``, ``data_end_by_benchmark`` (the registry's, ISO),
        ``n_events`` (recorded), ``n_by_status`` (each of `STATUSES`), ``n_decided`` (reached
        since the record's date), ``n_scored`` (reached and not reached, with data after the
        record's date), ``coverage`` per level "0.5", "0.8", "0.9" (``coverage`` on the rows
        the outcome decides, None without any; ``n_decided``, ``n_undecided``, ``bounds``
        [lower, upper] over the scored rows, counting each undecided row as a miss, then as
        covered; None without scored rows), ``crps_reached`` and ``crps_not_reached`` (years,
        None without rows), and ``message``, one plain sentence.
    """
    status = rows["status"].to_numpy(object) if len(rows) else np.array([], dtype=object)
    counts = {s: int((status == s).sum()) for s in STATUSES}
    scored = np.isin(status, ("reached", "not_reached"))
    coverage = {}
    for level in LEVELS:
        covered = rows[f"covered_{round(level * 100)}"].to_numpy(float)[scored] if len(rows) else np.array([])
        decided = ~np.isnan(covered)
        hits, n = float(np.nansum(covered)), int(len(covered))
        coverage[str(level)] = {
            "coverage": float(covered[decided].mean()) if decided.any() else None,
            "n_decided": int(decided.sum()), "n_undecided": int((~decided).sum()),
            "bounds": [hits / n, (hits + (~decided).sum()) / n] if n else None,
        }
    crps = rows["crps"].to_numpy(float) if len(rows) else np.array([])
    ends = {}
    for b in sorted({str(b) for b in rows["benchmark"]}) if len(rows) else []:
        ends[b] = benchmark_data_end(registry.models, registry.scores, b).date().isoformat()
    return {
        "as_of": record["as_of"],
        "made_on": record.get("made_on"),
        "method": record["method"],
        "record_registry_sha256": record["registry_sha256"],
        "registry_sha256": str(registry.sha256),
        "same_registry": str(registry.sha256) == record["registry_sha256"],
        "data_end_by_benchmark": ends,
        "n_events": int(len(rows)),
        "n_by_status": counts,
        "n_decided": counts["reached"],
        "n_scored": int(scored.sum()),
        "coverage": coverage,
        "crps_reached": _mean(crps[status == "reached"]) if len(rows) else None,
        "crps_not_reached": _mean(crps[status == "not_reached"]) if len(rows) else None,
        "message": _message(record, counts, ends),
    }


def _message(record: dict[str, Any], counts: dict[str, int], ends: dict[str, str]) -> str:
    """One plain sentence on what the registry decides of the record."""
    as_of, n = record["as_of"], sum(counts.values())
    scored = counts["reached"] + counts["not_reached"]
    if scored == 0:
        end = ", ".join(f"{b} {d}" for b, d in ends.items()) or "none"
        text = (f"No release after the record's date ({as_of}) in this registry (its data end: {end}): "
                f"0 of the {n} recorded events decided since; nothing to score yet.")
    else:
        text = (f"Since the record's date ({as_of}): {counts['reached']} of the {n} recorded events reached, "
                f"{counts['not_reached']} not reached by the registry's data end"
                + (f", {counts['no_new_data']} without data after the record's date" if counts["no_new_data"] else "")
                + ".")
    if counts["reached_before_record"]:
        text += (f" {counts['reached_before_record']} reached by a release on or before {as_of} that the "
                 "record's registry did not show: listed, not scored.")
    return text
