"""`forecast data`: summarise, list and check registry tables.

* ``summary``: counts per release year, per benchmark, per source and protocol, per technique,
  missing values per column, and the coverage counts the registry is held to.
* ``show``: filter models by name, family, benchmark and release date.
* ``check FILE...``: validate a user's CSV files in the registry schema (exit 2 on the first
  problem, with one line naming file, row and column).
* ``add``, ``import FILE...``, ``overlay list|remove ID``: the user's own models and scores, kept
  as an overlay on the registry (`forecast.inputs.overlay`; docs/data.md).
* ``build --sources DIR``: rebuild the registry tables from the public sources
  (`forecast.inputs.registry_build`).
* ``flatten-llmstats SRC --out DIR``: LLM-Stats' per-model JSON files as the two CSV files the
  build reads (`forecast.inputs.registry_build.llmstats_flatten`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.markup import escape

from forecast.api.data_summary import summarize
from forecast.cli import app, date_scores_by_release, warn_undated
from forecast.cli.options import DataOpt, JsonOpt
from forecast.cli.output import compact_table, console, emit_result, err_console
from forecast.core.errors import UserError
from forecast.evaluation.cutoffs import DEFAULT_CUTOFFS, parse_cutoffs
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
    registry = load_registry(data, date_scores_by_release=date_scores_by_release())
    warn_undated(registry)
    result = summarize(registry.models, registry.scores, registry.benchmarks,
                       parse_cutoffs(DEFAULT_CUTOFFS))
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
    known = Table(title="What was public at each backtest cutoff (scores reported by then, on "
                        "benchmarks that existed then) against what the registry holds now "
                        "for the same models")
    for column in ("cutoff", "models", "scores then", "scores now", "MMLU then", "MMLU now"):
        known.add_column(column, justify="right" if column != "cutoff" else "left")
    for cutoff, c in result["known_by_cutoff"].items():
        known.add_row(cutoff, str(c["models"]), str(c["scores_known"]), str(c["scores_now"]),
                      str(c["mmlu_known"]), str(c["mmlu_now"]))
    console.print(known)
    _print_mapping("Scored models with an exact parameter count", result["exact_counts"])
    _print_mapping("Models by access (public weights, API, not released)", result["access"])


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
    registry = load_registry(data, date_scores_by_release=date_scores_by_release())
    warn_undated(registry)
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
    results = check_files(files, reference_dir=data, date_by_release=date_scores_by_release())
    undated = sum(int(r.get("dated_by_release", 0)) for r in results)
    if undated:
        err_console.print(f"[bold yellow]warning: {undated} score rows have no reported date and were "
                          "dated by their model's release (--date-scores-by-release): a backtest on "
                          "them sees the future.[/]", highlight=False, soft_wrap=True)
    if json:
        emit_result("data check", {"ok": True, "files": results})
        return
    for result in results:
        console.print(f"OK {result['file']}: {result['kind']} table, {result['rows']} rows",
                      highlight=False)


# --------------------------------------------------------------------------------------------
# The user's own releases: an overlay on the registry (forecast.inputs.overlay)
# --------------------------------------------------------------------------------------------

overlay_app = typer.Typer(name="overlay", no_args_is_help=True,
                          help="List or remove your own models and scores (the overlay).")
data_app.add_typer(overlay_app, name="overlay")


def _pairs(items: list[str] | None, key: str) -> list[tuple[str, str]]:
    """NAME=VALUE items of a repeated option, split; `UserError` naming `key` otherwise."""
    pairs = []
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise UserError(f"'{item}' is not NAME=VALUE", key=key)
        pairs.append((name.strip(), value.strip()))
    return pairs


def _print_change(verb: str, change: Any, data: Path | None) -> None:
    for row in change.models:
        console.print(f"{verb} model [bold]{escape(row['model_id'])}[/] (released "
                      f"{row['release_date']}, {_fmt_count(float(row['params_total'])) if row['params_total'] else 'size unknown'} "
                      f"parameters)", highlight=False)
    for row in change.scores:
        console.print(f"{verb} score {escape(row['model_id'])} {escape(row['benchmark'])} = "
                      f"{row['score']} (reported {row['reported']}"
                      f"{', ' + escape(row['reported_source']) if row['reported_source'] else ''})",
                      highlight=False)
    for note in change.defaults:
        console.print(f"  default {escape(note)}", highlight=False)
    where = f" --data {data}" if data is not None else ""
    console.print(f"Overlay: {escape(str(change.folder))}. Fits on this registry see the change "
                  f"(their cache key includes the overlay); list it with `forecast data overlay "
                  f"list{where}`.", highlight=False)


@data_app.command("add")
def add_command(
    data: DataOpt = None,
    json: JsonOpt = False,
    from_file: Annotated[Path | None, typer.Option(
        "--from", help="A TOML file with [model] and [[scores]] (docs/data.md); no other "
                       "model or score options with it.")] = None,
    model_id: Annotated[str | None, typer.Option(
        "--id", help="Model id (lowercase letters, digits, '.', '_', '-'). An id already in "
                     "the registry without --released adds only scores to it.")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Display name (default: the id).")] = None,
    organization: Annotated[str | None, typer.Option("--org", help="Organisation.")] = None,
    family: Annotated[str | None, typer.Option("--family", help="Family id.")] = None,
    released: Annotated[str | None, typer.Option(
        "--released", help="Release date YYYY-MM-DD (a new model needs it).")] = None,
    params: Annotated[str | None, typer.Option(
        "--params", help="Total parameters: a count or e.g. 4B, 350M.")] = None,
    active_params: Annotated[str | None, typer.Option(
        "--active-params", help="Active parameters of a mixture of experts (default: total).")] = None,
    tokens: Annotated[str | None, typer.Option(
        "--tokens", help="Pre-training tokens, e.g. 12T (default: unknown, imputed).")] = None,
    open_weights: Annotated[bool, typer.Option(
        "--open-weights/--closed", help="Weights published (default) or not.")] = True,
    architecture: Annotated[str | None, typer.Option(
        "--arch", help="decoder (default), encoder-decoder, hybrid or ssm.")] = None,
    kind: Annotated[str | None, typer.Option(
        "--kind", help="base or tuned (default: tuned when instruction_tuned=1, else base).")] = None,
    technique: Annotated[list[str] | None, typer.Option(
        "--technique", help="NAME=1 or NAME=0, repeatable; techniques not given stay unknown "
                            "(imputed by the fit).")] = None,
    score: Annotated[list[str] | None, typer.Option(
        "--score", help="BENCHMARK=VALUE (a fraction in [0, 1]), repeatable.")] = None,
    shots: Annotated[int | None, typer.Option(
        "--shots", help="Shots of the scores (default: each benchmark's default).")] = None,
    cot: Annotated[bool, typer.Option("--cot", help="The scores used chain of thought.")] = False,
    protocol: Annotated[str | None, typer.Option(
        "--protocol", help="Evaluation protocol id (default: paper).")] = None,
    source: Annotated[str | None, typer.Option(
        "--source", help="self_reported (default: the developer's number) or independent.")] = None,
    source_ref: Annotated[str | None, typer.Option(
        "--source-ref", help="Where the scores are printed (a link or citation).")] = None,
    reported: Annotated[str | None, typer.Option(
        "--reported", help="The date the scores became public, YYYY-MM-DD (default: the model's "
                           "release date, stated in the output).")] = None,
    reported_source: Annotated[str | None, typer.Option(
        "--reported-source", help="What dates the scores (e.g. the model card).")] = None,
) -> None:
    """Add one model and its scores (or scores of a known model) to your overlay."""
    from forecast.inputs.overlay import add_release, read_release_file  # deferred: only this command writes the overlay

    given = {k: v for k, v in {
        "--id": model_id, "--name": name, "--org": organization, "--family": family,
        "--released": released, "--params": params, "--active-params": active_params,
        "--tokens": tokens, "--arch": architecture, "--kind": kind, "--technique": technique,
        "--score": score, "--shots": shots, "--protocol": protocol, "--source": source,
        "--source-ref": source_ref, "--reported": reported,
        "--reported-source": reported_source}.items() if v}
    if from_file is not None:
        if given or cot or not open_weights:
            raise UserError("give either --from FILE or the model's options, not both",
                            key=next(iter(given), "--from"))
        release = read_release_file(from_file)
    else:
        if not model_id:
            raise UserError("give the model's id (or a TOML file with --from)", key="--id")
        scores = []
        for bench, value in _pairs(score, "--score"):
            entry: dict[str, Any] = {"benchmark": bench, "score": value}
            for key, val in (("shots", shots), ("protocol", protocol), ("source", source),
                             ("source_ref", source_ref), ("reported", reported),
                             ("reported_source", reported_source)):
                if val is not None:
                    entry[key] = val
            entry["cot"] = cot
            scores.append(entry)
        model = None
        if released is not None:
            model = {"model_id": model_id, "release_date": released, "open_weights": open_weights,
                     "techniques": dict(_pairs(technique, "--technique"))}
            for key, val in (("name", name), ("organization", organization), ("family", family),
                             ("params_total", params), ("params_active", active_params),
                             ("training_tokens", tokens), ("architecture", architecture),
                             ("base_or_tuned", kind)):
                if val is not None:
                    model[key] = val
        else:
            extra = [k for k in ("--name", "--org", "--family", "--params", "--active-params",
                                 "--tokens", "--arch", "--kind", "--technique") if k in given]
            if extra:
                raise UserError("model fields need --released (a new model); without it only "
                                "scores are added to a known model", key=extra[0])
        release = {"model": model, "scores": scores, "model_id": model_id,
                   "label": "forecast data add"}
    change = add_release(release, data)
    if json:
        emit_result("data add", change.to_dict())
        return
    _print_change("Added", change, data)


@data_app.command("import")
def import_command(
    files: Annotated[list[Path], typer.Argument(
        help="A models CSV and/or a scores CSV in the registry schema (docs/data.md).")],
    data: DataOpt = None,
    json: JsonOpt = False,
) -> None:
    """Add the rows of your models and/or scores CSV files to your overlay."""
    from forecast.inputs.overlay import import_files  # deferred: only this command writes the overlay

    change = import_files(files, data, date_by_release=date_scores_by_release())
    if json:
        emit_result("data import", change.to_dict())
        return
    _print_change("Imported", change, data)


@overlay_app.command("list")
def overlay_list_command(data: DataOpt = None, json: JsonOpt = False) -> None:
    """Your models and scores on top of the registry, and where they are kept."""
    from forecast.inputs.overlay import list_overlay  # deferred: only the overlay commands need it

    result = list_overlay(data)
    if json:
        emit_result("data overlay list", result)
        return
    if not result["models"] and not result["scores"]:
        console.print(f"The overlay is empty ({escape(result['overlay'])}); add to it with "
                      "`forecast data add` or `forecast data import`.", highlight=False)
        return
    table = compact_table(f"{len(result['models'])} models, {len(result['scores'])} scores in "
                          f"{result['overlay']}", "remove one with `forecast data overlay "
                                                  "remove ID` (its scores go with it)")
    for column in ("model_id", "released", "params", "scores"):
        table.add_column(column, justify="right" if column in ("params", "scores") else "left")
    counts = pd.Series([s["model_id"] for s in result["scores"]], dtype=object).value_counts()
    own = {m["model_id"] for m in result["models"]}
    for row in result["models"]:
        size = _fmt_count(float(row["params_total"])) if row["params_total"] else ""
        table.add_row(escape(row["model_id"]), row["release_date"], size,
                      str(int(counts.get(row["model_id"], 0))))
    for other in sorted(set(counts.index) - own):
        table.add_row(escape(other), "(registry)", "", str(int(counts[other])))
    console.print(table)


@overlay_app.command("remove")
def overlay_remove_command(
    model_id: Annotated[str, typer.Argument(help="The model id to remove with its scores.")],
    data: DataOpt = None,
    json: JsonOpt = False,
) -> None:
    """Remove one of your models and its scores (or your scores of a registry model)."""
    from forecast.inputs.overlay import remove_model  # deferred: only this command writes the overlay

    change = remove_model(model_id, data)
    if json:
        emit_result("data overlay remove", change.to_dict())
        return
    console.print(f"Removed {len(change.models)} model and {len(change.scores)} score rows of "
                  f"[bold]{escape(model_id)}[/] from {escape(str(change.folder))}.",
                  highlight=False)


@data_app.command("build")
def build_command(
    sources: Annotated[Path, typer.Option(
        "--sources", help="Folder of the public sources' downloads, one sub-folder per source "
                          "(docs/data.md lists them and where to get each).")],
    out: Annotated[Path | None, typer.Option(
        "--out", help="Where to write models.csv, scores.csv, benchmarks.csv (default: the "
                      "shipped forecast/data/).")] = None,
    curation: Annotated[Path | None, typer.Option(
        "--curation", help="Hand-curated facts (default: the shipped curation.csv).")] = None,
    json: JsonOpt = False,
) -> None:
    """Rebuild the registry tables from newer downloads of the public sources."""
    from forecast.core.io import output_dir  # deferred: only this command writes a folder
    from forecast.inputs.registry_build.build import build  # deferred: the builder reads pandas tables of every source

    folder = output_dir(out, key="--out") if out is not None else None
    report = build(sources, folder, curation)
    if json:
        emit_result("data build", report)
        return
    console.print(f"Wrote {report['models']} models and {report['scores']} score rows "
                  f"({report['raw_observations']} observations before merging copies) to "
                  f"{escape(report['out'])}; changed: "
                  f"{', '.join(report['changed']) if report['changed'] else 'nothing'}.",
                  highlight=False)
    for file, count in report["rows_used"].items():
        console.print(f"  {count:5d} rows used from {escape(file)}", highlight=False)
    console.print(f"  {report['curation_rows']:5d} curated facts", highlight=False)
    for note in report["skipped"]:
        console.print(f"  skipped {escape(note)}", highlight=False)
    for folder in report["flattened"]:
        console.print(f"  {escape(folder)}/models/ flattened in memory (its CSV files were not "
                      f"there; nothing written to --sources)", highlight=False)


@data_app.command("flatten-llmstats")
def flatten_llmstats_command(
    src: Annotated[Path, typer.Argument(
        help="A LLM-Stats download: the repository's folder (holding models/) or its models/ "
             "folder.")],
    out: Annotated[Path, typer.Option(
        "--out", help="Folder to write llmstats_models_flat.csv and llmstats_scores_long.csv "
                      "into (created if missing; the files there are replaced).")],
    json: JsonOpt = False,
) -> None:
    """Flatten LLM-Stats' model.json files into the two CSV files `data build` reads."""
    from forecast.core.io import output_dir  # deferred: only this command writes a folder
    from forecast.inputs.registry_build.llmstats_flatten import (  # deferred: only it flattens
        models_folder, write_flat_tables)

    models_folder(src)  # a missing SRC is refused before --out is created
    report = write_flat_tables(src, output_dir(out, key="--out"))
    if json:
        emit_result("data flatten-llmstats", report)
        return
    console.print(f"Wrote {report['models']} models and {report['scores']} score rows from "
                  f"{escape(report['source'])} to {escape(report['out'])}; changed: "
                  f"{', '.join(report['changed']) if report['changed'] else 'nothing'}.",
                  highlight=False)
