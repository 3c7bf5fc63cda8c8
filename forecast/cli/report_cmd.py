"""`forecast report`: the PDF report (headline answers first, then the evidence).

The backtest refits the engine at every cutoff (minutes to tens of minutes) and the seed check
needs a second fit, as of the thread's date, so the report reads their saved results: the folder
`forecast backtest --out DIR` writes (default `reports/backtest`) and the JSON that
`forecast seedcheck --json` prints (default `reports/seedcheck.json`), each when present.
Beside the backtest, page 8 sets the same backtest run with today's priors
(`forecast backtest --priors-as-of today`, default folder `reports/backtest-hindsight`).
`--no-backtest` leaves them out; page 8 says which was not run and why. The refit sensitivity
(page 5) needs a refit per technique and variant, so it too is read, from the JSON that
`forecast sensitivity --json` prints (default `reports/sensitivity.json`), checked against the
shipped schema; without it page 5 says how to make it.
"""

from __future__ import annotations

import contextlib
import json
import shlex
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from forecast.cli import app
from forecast.cli.forecast_cmd import check_query, make_engine, warn_diagnostics
from forecast.cli.options import (DEFAULT_SEED, AsOfOpt, DataOpt, DrawsOpt, JsonOpt, PriorsOpt, ScenarioOpt,
                                  SeedOpt, StrictOpt, TuneOpt)
from forecast.cli.output import check_schema, console, emit_result, err_console
from forecast.core.errors import UserError
from forecast.evaluation.result import BacktestResult
from forecast.evaluation.scoring import LEVELS

DEFAULT_REPORT = Path("reports") / "forecast.pdf"
DEFAULT_BACKTEST = Path("reports") / "backtest"
DEFAULT_HINDSIGHT = Path("reports") / "backtest-hindsight"
DEFAULT_SEED_CHECK = Path("reports") / "seedcheck.json"
DEFAULT_SENSITIVITY = Path("reports") / "sensitivity.json"


def load_backtest(folder: Path) -> Any:
    """A `BacktestResult` from the `backtest_rows.csv` and `backtest_summary.json` in `folder`.

    Parameters
    ----------
    folder : Path
        The folder `forecast backtest --out DIR` wrote.

    Returns
    -------
    forecast.evaluation.result.BacktestResult
        Its rows and summary (no realised outcomes); `UserError` if a file is missing or unreadable.
    """
    summary_path, rows_path = folder / "backtest_summary.json", folder / "backtest_rows.csv"
    for p in (summary_path, rows_path):
        if not p.is_file():
            raise UserError("backtest result file not found (write it with `forecast backtest --out DIR`)", file=p)
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"not a readable backtest summary ({exc})", file=summary_path) from None
    if not isinstance(summary, dict) or not {"methods", "ranking", "cutoffs", "n_events"} <= set(summary):
        raise UserError("not a backtest summary (needs methods, ranking, cutoffs, n_events)", file=summary_path)
    try:
        rows = pd.read_csv(rows_path)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise UserError(f"not a readable backtest table ({exc})", file=rows_path) from None
    needed = {"method", "cutoff", "cutoff_year", "reached", "realised_year", "p_1y", "brier_1y"}
    missing = sorted(needed - set(rows.columns))
    if missing:
        raise UserError(f"backtest table lacks column(s) {', '.join(missing)}", file=rows_path)
    rows["reached"] = rows["reached"].astype(str).str.lower().eq("true")
    for level in LEVELS:
        col = f"covered_{round(level * 100)}"
        if col in rows:
            rows[col] = rows[col].map({"True": True, "False": False, True: True, False: False}).astype("boolean")
    return BacktestResult(rows=rows, summary=summary, realised=pd.DataFrame())


def _read_json(path: Path, what: str, hint: str = "") -> Any:
    """The JSON in `path`; a `UserError` naming the file when it is missing ("`what` file not
    found" and `hint`) or not readable JSON."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{what} file not found{hint}", file=path) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"not a readable {what} JSON file ({exc})", file=path) from None


def load_seed_check(path: Path) -> dict[str, Any]:
    """The JSON object `forecast seedcheck --json` prints.

    Parameters
    ----------
    path : Path
        The file holding it.

    Returns
    -------
    dict
        The seed check; `UserError` if the file is missing, unreadable or not a seed check.
    """
    data = _read_json(path, "seed-check")
    if not isinstance(data, dict) or not isinstance(data.get("claims"), list):
        raise UserError("not a seed-check result (needs a 'claims' list)", file=path)
    return data


def load_sensitivity(path: Path) -> dict[str, Any]:
    """The JSON object `forecast sensitivity --json` prints, checked against the shipped schema
    (forecast/cli/schemas/sensitivity.json) before the report relies on its fields.

    Parameters
    ----------
    path : Path
        The file holding it.

    Returns
    -------
    dict
        The sweep.

    Raises
    ------
    UserError
        Naming the file (the CLI exits 2) when it is missing, unreadable or does not validate,
        with the first offending place.
    """
    data = _read_json(path, "sensitivity", " (write it with `forecast sensitivity --json > FILE`)")
    check_schema(data, "sensitivity", path, "not a `forecast sensitivity --json` answer")
    return data


def _command_line(out: Path, as_of: str | None, targets: list[str] | None, budgets: list[str] | None,
                  data: Path | None, priors: Path | None, scenario: str | None, seed: int, draws: int,
                  tune: int, strict: bool, no_backtest: bool, backtest: Path | None,
                  seed_check: Path | None, hindsight: Path | None = None,
                  sensitivity: Path | None = None) -> str:
    """The command with every effective option spelled out (for the provenance)."""
    parts = ["forecast", "report", "--out", str(out)]
    if as_of:
        parts += ["--as-of", as_of]
    for t in targets or []:
        parts += ["--targets", t]
    for b in budgets or []:
        parts += ["--budgets", b]
    for flag, value in (("--data", data), ("--priors", priors), ("--scenario", scenario)):
        if value is not None:
            parts += [flag, str(value)]
    parts += ["--seed", str(seed), "--draws", str(draws), "--tune", str(tune)]
    if strict:
        parts.append("--strict")
    if no_backtest:
        parts.append("--no-backtest")
    else:
        if backtest is not None:
            parts += ["--backtest", str(backtest)]
        if seed_check is not None:
            parts += ["--seed-check", str(seed_check)]
        if hindsight is not None:
            parts += ["--hindsight", str(hindsight)]
    if sensitivity is not None:
        parts += ["--sensitivity", str(sensitivity)]
    return shlex.join(parts)


@app.command("report")
def report_command(
    out: Annotated[Path, typer.Option("--out", help="PDF file to write (atomically).")] = DEFAULT_REPORT,
    as_of: AsOfOpt = None,
    targets: Annotated[list[str] | None, typer.Option(
        "--targets", help="Target (repeatable): mmlu=0.70, model:gpt-3-175b, mmlu=0.7,gsm8k=0.5. "
                          "Default: GPT-3 175B, GPT-3.5 and GPT-4 level, MMLU-Pro 0.60.")] = None,
    budgets: Annotated[list[str] | None, typer.Option(
        "--budgets", help="Budget (repeatable): 7B, active=7B, memory=4GiB,bits=4. "
                          "Default: 0.5B 1B 3B 7B and 4 GiB at 4-bit.")] = None,
    data: DataOpt = None,
    priors: PriorsOpt = None,
    scenario: ScenarioOpt = None,
    seed: SeedOpt = DEFAULT_SEED,
    draws: DrawsOpt = 2000,
    tune: TuneOpt = None,
    strict: StrictOpt = False,
    no_backtest: Annotated[bool, typer.Option("--no-backtest", help="Leave out the backtest and the seed check.")] = False,
    backtest: Annotated[Path | None, typer.Option(
        "--backtest", help="Folder written by `forecast backtest --out DIR` "
                           f"(default: {DEFAULT_BACKTEST} if it holds results).")] = None,
    seed_check: Annotated[Path | None, typer.Option(
        "--seed-check", help="Saved output of `forecast seedcheck --json` "
                             f"(default: {DEFAULT_SEED_CHECK} if present).")] = None,
    hindsight: Annotated[Path | None, typer.Option(
        "--hindsight", help="Folder written by `forecast backtest --priors-as-of today --out DIR`, shown "
                            f"beside the backtest (default: {DEFAULT_HINDSIGHT} if it holds results).")] = None,
    sensitivity: Annotated[Path | None, typer.Option(
        "--sensitivity", help="Saved output of `forecast sensitivity --json`, shown as the refit "
                              f"tornado (default: {DEFAULT_SENSITIVITY} if present).")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Write the PDF report: headline answers, fan chart, tilting line, attribution, refit
    sensitivity, priors vs posteriors, adoption, backtest and seed check, diagnostics, data and
    provenance."""
    from forecast.report import build_report  # deferred: the report imports xarray, SciPy and Matplotlib
    from forecast.report.content import DEFAULT_BUDGETS, parse_budget, target_spec  # deferred: xarray, SciPy

    _check_report_options(out, no_backtest, backtest, seed_check, hindsight)
    budget_specs = [parse_budget(b) for b in budgets or []]  # bad budgets fail before any fitting
    targets = [target_spec(t).spec for t in targets] if targets else None
    if no_backtest:
        bt_result, bt_note, bt_used = None, "--no-backtest was given.", None
        sc_result, sc_note, sc_used = None, "--no-backtest was given.", None
        hs_result, hs_used = None, None
    else:
        bt_result, bt_note, bt_used = _saved_backtest(backtest)
        sc_result, sc_note, sc_used = _saved_seed_check(seed_check)
        hs_result, hs_used = _saved_hindsight(hindsight) if bt_result is not None else (None, None)
    sens_result, sens_used = _saved_sensitivity(sensitivity)  # a bad file fails before the fit

    engine = make_engine(data, priors, as_of, seed, draws, scenario, progress=not json_out, tune=tune)
    check_query(engine, targets=targets or [],
                budgets=[{"params": b.params, "active_params": b.active_params, "memory": b.memory, "bits": b.bits}
                         for b in (budget_specs or [parse_budget(x) for x in DEFAULT_BUDGETS])])
    engine.fit(strict=strict)
    if bt_result is not None:
        # the backtest records the priors folder's full hash (its forecasts also use the
        # projection-only priors), so compare it with the engine's priors known at the as-of date
        current = {"data_sha256": engine.fit().provenance.get("data_sha256"),
                   "priors_sha256": engine.priors.introduced_by(engine.as_of).sha256}
        bt_note += _provenance_mismatch(bt_result.summary.get("provenance") or {}, current)
    command = _command_line(out, as_of, targets, budgets, data, priors, scenario, seed, draws, tune, strict,
                            no_backtest, bt_used, sc_used, hs_used, sens_used)
    with contextlib.nullcontext() if json_out else err_console.status("writing the report"):
        result = build_report(engine, out, targets=targets, budgets=budgets, backtest=bt_result,
                              hindsight=hs_result, seed_check=sc_result, backtest_note=bt_note,
                              seed_check_note=sc_note, sensitivity=sens_result,
                              sensitivity_source=None if sens_used is None else str(sens_used),
                              command=command)
    if json_out:
        emit_result("report", {
            "path": str(result.path), "pages": result.pages, "sections": result.sections,
            "seconds": result.seconds, "timings": result.timings, "fit_ok": result.fit_ok,
            "diagnostics": engine.fit().diagnostics.to_dict(),
            "backtest": bt_result is not None, "hindsight": hs_result is not None,
            "seed_check": sc_result is not None, "sensitivity": sens_result is not None,
            "command_line": command,
        })
    else:
        console.print(f"Wrote {result.path} ({result.pages} pages, {result.bytes / 1024:.0f} KiB) "
                      f"in {result.seconds:.1f} s")
        for title, page in result.sections.items():
            console.print(f"  p.{page:>2}  {title}", highlight=False)
    warn_diagnostics(engine.fit().diagnostics.to_dict())


def _check_report_options(out: Path, no_backtest: bool, backtest: Path | None, seed_check: Path | None,
                          hindsight: Path | None = None) -> None:
    """`UserError` for options that cannot go together and for an `--out` that is not a PDF file."""
    if no_backtest and (backtest is not None or seed_check is not None or hindsight is not None):
        raise UserError("--no-backtest cannot be combined with --backtest, --seed-check or --hindsight",
                        key="no-backtest")
    if out.suffix.lower() != ".pdf":
        raise UserError("the report is a PDF: give a file name ending in .pdf", key="out")
    if out.exists() and out.is_dir():
        raise UserError("--out is a folder; give a file name ending in .pdf", file=out)


def _saved_backtest(backtest: Path | None) -> tuple[Any, str, Path | None]:
    """The saved backtest the report shows: (result or None, the note page 8 prints, the folder
    read or None). Without `--backtest`, `DEFAULT_BACKTEST` is read when it holds a summary."""
    folder = backtest if backtest is not None else DEFAULT_BACKTEST
    if backtest is None and not (folder / "backtest_summary.json").is_file():
        return None, (f"No backtest results were found in {folder}: run `forecast backtest --out {folder}` "
                      "first (it refits the engine at every cutoff), or pass --backtest DIR."), None
    result = load_backtest(folder)
    created = (result.summary.get("provenance") or {}).get("created")
    if not created:  # a summary without provenance: the file's own time
        stamp = (folder / "backtest_summary.json").stat().st_mtime
        created = datetime.fromtimestamp(stamp, timezone.utc).isoformat(timespec="minutes")
    return result, f"Results read from {folder} (made {created} by `forecast backtest`).", folder


def _saved_hindsight(hindsight: Path | None) -> tuple[Any, Path | None]:
    """The backtest with today's priors the report sets beside the dated one: (result or None,
    the folder read or None). Without `--hindsight`, `DEFAULT_HINDSIGHT` is read when it holds a
    summary; a folder whose summary was not run with today's priors is refused."""
    folder = hindsight if hindsight is not None else DEFAULT_HINDSIGHT
    if hindsight is None and not (folder / "backtest_summary.json").is_file():
        return None, None
    result = load_backtest(folder)
    mode = (result.summary.get("provenance") or {}).get("priors_as_of")
    if mode != "today":
        raise UserError(f"not a backtest with today's priors (its priors_as_of is {mode!r}; write one with "
                        "`forecast backtest --priors-as-of today --out DIR`)",
                        file=folder / "backtest_summary.json", key="provenance.priors_as_of")
    return result, folder


def _saved_sensitivity(sensitivity: Path | None) -> tuple[dict[str, Any] | None, Path | None]:
    """The saved refit sweep page 5 shows: (sweep or None, the file read or None). Without
    `--sensitivity`, `DEFAULT_SENSITIVITY` is read when present; a given or default file that
    does not validate is refused (`load_sensitivity`) rather than left out, so a broken sweep
    is not mistaken for a missing one.

    Parameters
    ----------
    sensitivity : Path or None
        The ``--sensitivity`` option.

    Returns
    -------
    tuple of (dict or None, Path or None)
    """
    if sensitivity is None and not DEFAULT_SENSITIVITY.is_file():
        return None, None
    path = sensitivity if sensitivity is not None else DEFAULT_SENSITIVITY
    return load_sensitivity(path), path


def _saved_seed_check(seed_check: Path | None) -> tuple[dict[str, Any] | None, str, Path | None]:
    """The saved seed check the report shows: (result or None, the note page 8 prints when there
    is none, the file read or None). Without `--seed-check`, `DEFAULT_SEED_CHECK` is read when present."""
    if seed_check is None and not DEFAULT_SEED_CHECK.is_file():
        return None, (f"No saved seed check at {DEFAULT_SEED_CHECK}: run `forecast seedcheck --json > "
                      f"{DEFAULT_SEED_CHECK}` first (it fits the engine as of the thread's date), or "
                      "pass --seed-check FILE."), None
    path = seed_check or DEFAULT_SEED_CHECK
    return load_seed_check(path), "", path


def _provenance_mismatch(backtest: dict[str, Any], fit: dict[str, Any]) -> str:
    """A sentence naming what differs between the backtest's inputs and this report's fit."""
    differ = [name for key, name in (("data_sha256", "registry"), ("priors_sha256", "priors"))
              if backtest.get(key) and fit.get(key) and backtest[key] != fit[key]]
    if not differ:
        return ""
    return (f" Its {' and '.join(differ)} differ from this report's (compare the hashes): rerun "
            "`forecast backtest` to score the current inputs.")
