"""`forecast backtest --freeze-prospective` and `--prospective`: the prospective record, made and scored.

The options live on `forecast backtest` (`forecast.cli.backtest_cmd`); the work is here. The
method is `forecast.evaluation.prospective`'s; the record's default place is `DEFAULT_RECORD`
(reports/prospective/prospective.json, relative to the working folder, as the backtest's
reports/backtest).
"""


from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from forecast.cli import date_scores_by_release, warn_undated
from forecast.cli.output import check_schema, compact_table, console, emit_result
from forecast.core.errors import UserError
from forecast.core.io import output_dir, output_file
from forecast.evaluation.events import Event
from forecast.evaluation.prospective import DEFAULT_RECORD, freeze, read_record, score, write_record
from forecast.inputs.dates import year_to_date
from forecast.inputs.registry import load_registry

__all__ = ["DEFAULT_RECORD", "freeze_prospective", "prospective_json", "prospective_table", "score_prospective"]

#: The columns of a scored row in ``--json`` (``rows``).
ROW_FIELDS = ("event", "status", "realised_date", "realised_by", "data_end", "median_date", "interval_80",
              "covered_50", "covered_80", "covered_90", "crps", "p_by_data_end")


def check_against_schema(record: dict[str, Any], path: Path | str) -> None:
    """Refuse (`UserError` naming the file and the offending place) a record that does not match
    the shipped schema ``prospective_record.json``."""
    check_schema(record, "prospective record", path, "not a valid prospective record")


def freeze_prospective(events: list[Event], record_path: Path, draws: int, seed: int, data: Path | None,
                       priors: Path | None, priors_as_of: str, json_out: bool, made_on: date | None = None) -> None:
    """Make the prospective record with the engine method as of the registry's data end, write it
    atomically to `record_path`, and print what was written.

    Parameters
    ----------
    events : list of Event
        The backtest's event grid.
    record_path : Path
        Where the record goes (`DEFAULT_RECORD` by default).
    draws : int
        Draws and tuning steps per chain of the fit.
    seed : int
        The run's seed (the fit's seed derives from it as at a backtest cutoff).
    data, priors : Path or None
        Registry and priors folders; None for the shipped ones.
    priors_as_of : {"cutoff", "today"}
        The technique priors' mode (as in the backtest).
    json_out : bool
        Print the ``backtest freeze`` JSON answer instead of a line of text.
    made_on : date, optional
        The calendar day recorded as ``made_on``; today by default.

    Returns
    -------
    None
    """
    from forecast.evaluation.methods import EngineMethod  # deferred: about 0.1 s to import

    output_dir(record_path.parent, key="--record")
    path = output_file(record_path, suffixes=(".json",), key="--record")
    registry = load_registry(data, date_scores_by_release=date_scores_by_release())
    warn_undated(registry)
    method = EngineMethod(draws=draws, tune=draws, priors_dir=str(priors) if priors else None,
                          data_dir=str(data) if data else None, priors_as_of=priors_as_of)
    record = freeze(registry, method, events, made_on or date.today(), seed=seed)
    check_against_schema(record, path)
    written = write_record(record, path)
    fit = record.get("fit") or {}
    if json_out:
        emit_result("backtest freeze", {
            "as_of": record["as_of"], "made_on": record["made_on"], "method": record["method"],
            "n_events": len(record["events"]), "n_reached_by_as_of": len(record["reached_by_as_of"]),
            "registry_sha256": record["registry_sha256"], "fit_cache_key": fit.get("cache_key"),
            "saved_to": str(written)})
        return
    console.print(f"Prospective record: {record['method']} forecasts of {len(record['events'])} events open "
                  f"on {record['as_of']} ({len(record['reached_by_as_of'])} of the grid reached by then), "
                  f"registry {record['registry_sha256'][:12]}, fit {fit.get('cache_key') or '-'}")
    if fit.get("diagnostics") and not fit["diagnostics"].get("ok", True):
        console.print("Warning: the fit failed its checks: " + "; ".join(fit["diagnostics"].get("problems", [])))
    console.print(f"Wrote {written}")


def score_prospective(record_path: Path, data: Path | None, json_out: bool) -> None:
    """Score the prospective record at `record_path` against the registry in `data` (the shipped
    one by default) and print the table or the ``backtest prospective`` JSON answer.

    Parameters
    ----------
    record_path : Path
        The record (`DEFAULT_RECORD` by default).
    data : Path or None
        The registry to score against; None for the shipped one.
    json_out : bool
        Print JSON instead of the table.

    Returns
    -------
    None
    """
    record = read_record(record_path)
    check_against_schema(record, record_path)
    registry = load_registry(data, date_scores_by_release=date_scores_by_release())
    warn_undated(registry)
    result = score(record, registry)
    if json_out:
        emit_result("backtest prospective", prospective_json(result, record_path))
    else:
        console.print(prospective_table(result, record_path))


def _iso(value: Any) -> str | None:
    """A timestamp or date as ISO text; None when missing."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date().isoformat()


def _year_date(value: Any) -> str | None:
    """A decimal year as an ISO date; None for a missing or infinite one."""
    if value is None or not math.isfinite(float(value)):
        return None
    return year_to_date(float(value)).isoformat()


def _flag(value: Any) -> bool | None:
    """A coverage value: True / False, None when undecided or not scored."""
    return None if value is None or math.isnan(float(value)) else bool(float(value) == 1.0)


def _number(value: Any) -> float | None:
    return None if value is None or not math.isfinite(float(value)) else float(value)


def prospective_rows(result: Any) -> list[dict[str, Any]]:
    """The scored rows as JSON values (`ROW_FIELDS`)."""
    out = []
    for _, r in result.rows.iterrows():
        scored = r["status"] in ("reached", "not_reached")
        out.append({
            "event": r["event"], "status": r["status"],
            "realised_date": _iso(r["realised_date"]) if r["reached"] else None,
            "realised_by": r["realised_by"] or None,
            "data_end": _iso(r["data_end"]),
            "median_date": _year_date(r["q50"]) if scored else None,
            "interval_80": [_year_date(r["q10"]), _year_date(r["q90"])] if scored else None,
            "covered_50": _flag(r["covered_50"]), "covered_80": _flag(r["covered_80"]),
            "covered_90": _flag(r["covered_90"]), "crps": _number(r["crps"]),
            "p_by_data_end": _number(r["p_by_data_end"]),
        })
    return out


def prospective_json(result: Any, record_path: Path) -> dict[str, Any]:
    """`forecast backtest --prospective --json`'s answer (without ``command``)."""
    s = result.summary
    ends = s["data_end_by_benchmark"]
    return {"as_of": s["as_of"], "data_end": next(iter(ends.values()), None), "data_end_by_benchmark": ends,
            **{k: v for k, v in s.items() if k not in ("as_of", "data_end_by_benchmark")},
            "record": str(record_path), "rows": prospective_rows(result)}


def prospective_table(result: Any, record_path: Path) -> Any:
    """The scored record as Rich output: the summary sentence, the coverage and CRPS of the scored
    events, and a row per event scored or reached before the record."""
    from rich.console import Group  # deferred: about 5 ms to import; --json prints no table

    s = result.summary
    same = " (the record's own registry)" if s["same_registry"] else ""
    head = (f"Prospective record {record_path}: {s['method']} forecasts as of {s['as_of']} "
            f"(made {s['made_on']}, registry {s['record_registry_sha256'][:12]}), scored against registry "
            f"{s['registry_sha256'][:12]}{same}.\n{s['message']}")
    parts: list[Any] = [head]
    if s["n_scored"]:
        cov = s["coverage"]["0.8"]
        bounds = cov["bounds"]
        parts.append(
            f"80% intervals: {cov['n_decided']} decided, coverage "
            f"{'-' if cov['coverage'] is None else format(cov['coverage'], '.2f')}; {cov['n_undecided']} undecided "
            f"(all-row bounds [{bounds[0]:.2f}, {bounds[1]:.2f}]). CRPS in years: reached "
            f"{'-' if s['crps_reached'] is None else format(s['crps_reached'], '.2f')}, not reached "
            f"{'-' if s['crps_not_reached'] is None else format(s['crps_not_reached'], '.2f')}.")
    shown = [r for r in prospective_rows(result) if r["status"] != "no_new_data"]
    if shown:
        t = compact_table("Recorded events the registry speaks to",
                          "status: reached after the record's date; open at the data end; before: reached "
                          "by a release the record could not see (not scored). Median and central 80% "
                          "interval of the frozen forecast (months); cov: the outcome inside it (- "
                          "undecided); CRPS in years to the data end")
        for col in ("event", "status", "happened", "median", "80% interval", "cov", "CRPS"):
            t.add_column(col, justify="left" if col in ("event", "status") else "right", no_wrap=True)
        labels = {"reached": "reached", "not_reached": "open", "reached_before_record": "before"}
        for r in shown:
            lo, hi = r["interval_80"] or (None, None)
            t.add_row(r["event"], labels[r["status"]], (r["realised_date"] or "-")[:7],
                      (r["median_date"] or ("never" if r["interval_80"] else "-"))[:7],
                      f"{(lo or '-')[:7]}..{(hi or 'never')[:7]}" if r["interval_80"] else "-",
                      "-" if r["covered_80"] is None else ("yes" if r["covered_80"] else "no"),
                      "-" if r["crps"] is None else f"{r['crps']:.2f}")
        parts.append(t)
    return Group(*parts)

