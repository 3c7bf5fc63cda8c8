"""`forecast data`: summarise, list and check registry tables.

* ``summary``: counts per release year, per benchmark, per source and protocol, per technique,
  missing values per column, and the coverage counts the registry is held to.
* ``show``: filter models by name, family, benchmark and release date.
* ``check FILE...``: validate a user's CSV files in the registry schema (exit 2 on the first
  problem, with one line naming file, row and column).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.markup import escape

from forecast.api.data_summary import summarize
from forecast.cli import app
from forecast.cli.options import DataOpt, JsonOpt
from forecast.cli.output import compact_table, console, emit_result
from forecast.core.errors import UserError
from forecast.inputs.registry import as_timestamp, check_files, load_registry

data_app = typer.Typer(name="data", help="Inspect and check the model registry.",
                       no_args_is_help=True)
app.add_typer(data_app, name="data")


def _print_mapping(title: str, mapping: dict[str, Any]) -> None:
    from rich.table import Table  # deferred: about 5 ms to import; --json prints no table

    table = Table(title=title, show_header=False)
    for key, value in mapping.items():
        table.add_row(str(key), str(value))
    console.print(table)


@data_app.command("summary")
def summary_command(data: DataOpt = None, json: JsonOpt = False) -> None:
    """Counts per year, benchmark, source, technique; missing values; coverage."""
    registry = load_registry(data)
    result = summarize(registry.models, registry.scores)
    result["source"] = str(registry.source)
    result["sha256"] = registry.sha256
    if json:
        emit_result("data summary", result)
        return
    from rich.table import Table  # deferred: about 5 ms to import; --json prints no table

    console.print(f"[bold]{result['models']}[/] models, [bold]{result['scores']}[/] score "
                  f"observations from {registry.source}")
    _print_mapping("Models per release year", result["models_per_year"])
    bench = Table(title="Scores per benchmark")
    bench.add_column("benchmark")
    bench.add_column("observations", justify="right")
    bench.add_column("models", justify="right")
    for name, counts in result["per_benchmark"].items():
        bench.add_row(name, str(counts["observations"]), str(counts["models"]))
    console.print(bench)
    _print_mapping("Scores per source/protocol", result["per_source_protocol"])
    tech = Table(title="Techniques (models)")
    for column in ("technique", "yes", "no", "unknown"):
        tech.add_column(column, justify="right" if column != "technique" else "left")
    for name, counts in result["per_technique"].items():
        tech.add_row(name, str(counts["yes"]), str(counts["no"]), str(counts["unknown"]))
    console.print(tech)
    _print_mapping("Missing values per model column",
                   {k: v for k, v in result["missing_values"].items() if v})
    _print_mapping("Coverage", result["coverage"])


def _filter_models(models: pd.DataFrame, scores: pd.DataFrame, name: str | None,
                   family: str | None, benchmark: str | None, since: str | None,
                   until: str | None) -> pd.DataFrame:
    keep = pd.Series(True, index=models.index)
    if name:
        needle = name.lower()
        keep &= (models["name"].str.lower().str.contains(needle, regex=False)
                 | models["model_id"].str.contains(needle, regex=False))
    if family:
        keep &= models["family"].str.lower() == family.lower()
    if benchmark:
        keep &= models["model_id"].isin(set(scores.loc[scores["benchmark"] == benchmark,
                                                       "model_id"]))
    if since:
        keep &= models["release_date"] >= as_timestamp(since, key="--since")
    if until:
        keep &= models["release_date"] <= as_timestamp(until, key="--until")
    return models.loc[keep]


def _fmt_count(value: float) -> str:
    if pd.isna(value):
        return ""
    for unit, size in (("T", 1e12), ("B", 1e9), ("M", 1e6)):
        if value >= size:
            return f"{value / size:.3g}{unit}"
    return f"{value:.3g}"


@data_app.command("show")
def show_command(
    data: DataOpt = None,
    json: JsonOpt = False,
    name: Annotated[str | None, typer.Option("--name", help="Substring of name or id.")] = None,
    family: Annotated[str | None, typer.Option("--family", help="Family id, e.g. llama-2.")] = None,
    benchmark: Annotated[str | None, typer.Option(
        "--benchmark", help="Only models scored on this benchmark (shows its best score).")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Released on/after YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Released on/before YYYY-MM-DD.")] = None,
) -> None:
    """List models (and their scores) matching the filters."""
    registry = load_registry(data)
    if benchmark and benchmark not in set(registry.benchmarks["benchmark"]):
        raise UserError(f"unknown benchmark (known: {', '.join(registry.benchmarks['benchmark'])})",
                        key="--benchmark")
    models = _filter_models(registry.models, registry.scores, name, family, benchmark, since,
                            until).sort_values(["release_date", "model_id"])
    scores = registry.scores[registry.scores["model_id"].isin(set(models["model_id"]))]
    if benchmark:
        scores = scores[scores["benchmark"] == benchmark]
    if json:
        out_models = models.drop(columns=["release_year"]).copy()
        out_models["release_date"] = out_models["release_date"].dt.strftime("%Y-%m-%d")
        out_scores = scores.astype(object).where(scores.notna(), None)
        emit_result("data show", {"models": out_models.astype(object).where(out_models.notna(), None)
                   .to_dict(orient="records"),
                   "scores": out_scores.to_dict(orient="records")})
        return
    best = scores.groupby("model_id")["score"].max() if benchmark else None
    console.print(models_table(models, best, benchmark, console.width))


NARROW = 100  # below this many columns `forecast data show` leaves out the org and arch columns


def _fmt_params(total: float, active: float) -> str:
    """Total parameters, and '/active' after them where the active count differs (mixtures of experts)."""
    text = _fmt_count(total)
    if text and not pd.isna(active) and active != total:
        text += "/" + _fmt_count(active)
    return text


def models_table(models: pd.DataFrame, best: pd.Series | None, benchmark: str | None, width: int) -> Any:
    """The Rich table of `forecast data show`: one row per model, its best `benchmark` score when
    given. Long ids and names fold rather than push the short columns out; below `NARROW`
    columns the org and arch columns are left out (`--json` has every field).

    Parameters
    ----------
    models : pandas.DataFrame
        Rows of the registry's models table.
    best : pandas.Series or None
        The best `benchmark` score per model id; None without a benchmark.
    benchmark : str or None
        The benchmark of the `best` column.
    width : int
        The console's width in columns.

    Returns
    -------
    rich.table.Table
        The table, ready to print.
    """
    narrow = width < NARROW
    caption = "params: total, /active where they differ (mixtures of experts)"
    if narrow:
        caption += f"; org and arch left out below {NARROW} columns (--json has every field)"
    table = compact_table(f"{len(models)} models", caption)
    columns = ["model_id", "released", "org", "params", "tokens", "open", "arch", "tuned"]
    if narrow:
        columns = [c for c in columns if c not in ("org", "arch")]
    if benchmark:
        columns.append(f"best {benchmark}")
    for column in columns:
        wraps = column in ("model_id", "org")
        table.add_column(column, overflow="fold" if wraps else "ellipsis", no_wrap=not wraps,
                         justify="right" if column in ("params", "tokens") or column.startswith("best ") else "left")
    for row in models.itertuples():
        cells = {"model_id": row.model_id, "released": row.release_date.strftime("%Y-%m-%d"),
                 "org": str(row.organization), "params": _fmt_params(row.params_total, row.params_active),
                 "tokens": _fmt_count(row.training_tokens),
                 "open": {1: "yes", 0: "no"}.get(row.open_weights, str(row.open_weights)),
                 "arch": row.architecture, "tuned": row.base_or_tuned}
        if benchmark:
            cells[f"best {benchmark}"] = f"{best.get(row.model_id, float('nan')):.3f}"
        table.add_row(*(escape(str(cells[c])) for c in columns))
    return table


@data_app.command("check")
def check_command(
    files: Annotated[list[Path], typer.Argument(help="CSV files in the registry schema.")],
    data: DataOpt = None,
    json: JsonOpt = False,
) -> None:
    """Validate CSV files (models, scores, benchmarks); exit 2 on the first problem."""
    results = check_files(files, reference_dir=data)
    if json:
        emit_result("data check", {"ok": True, "files": results})
        return
    for result in results:
        console.print(f"OK {result['file']}: {result['kind']} table, {result['rows']} rows",
                      highlight=False)
