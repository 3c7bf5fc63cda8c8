"""`build`: the shipped registry's three tables from the public sources and ``curation.csv``.

`forecast data build --sources DIR` runs it; the shipped tables are its output, byte for byte.
"""

from __future__ import annotations

from pathlib import Path

from forecast.core.errors import UserError
from forecast.core.io import atomic_write
from forecast.core.paths import default_data_dir
from forecast.inputs.registry import (BENCHMARK_COLUMNS, MODEL_COLUMNS, SCORE_COLUMNS,
                                      TECHNIQUE_COLUMNS, csv_bytes, parse_csv_bytes,
                                      validate_tables)
from forecast.inputs.registry_build.curation import (Resolver, first_report, format_score,
                                                     load_curation, merge_observations)
from forecast.inputs.registry_build.sources import BENCHMARK_INTRODUCED, BENCHMARKS, Builder

#: The hand-curated facts the build applies (`forecast.inputs.registry_build.curation`).
DEFAULT_CURATION = default_data_dir() / "curation.csv"
TABLES = ("models.csv", "scores.csv", "benchmarks.csv")


def build(sources: Path | str, out: Path | str | None = None,
          curation_path: Path | str | None = None) -> dict:
    """Build the registry's three tables from the public sources into `out`.

    Parameters
    ----------
    sources : path
        The folder of source downloads, one sub-folder per source (docs/data.md).
    out : path or None
        Where to write ``models.csv``, ``scores.csv`` and ``benchmarks.csv`` (default: the
        shipped `forecast/data/`). Each file is written atomically, and only after all three
        are built and validated.
    curation_path : path or None
        The hand-curated facts (default: the shipped ``curation.csv``).

    Returns
    -------
    dict
        Counts of what was read and written: ``models``, ``scores``, ``raw_observations``,
        ``curation_rows``, ``rows_used`` (per source file), ``unmapped`` (source names that
        match no catalogue model), ``skipped`` (models left out, with the reason),
        ``flattened`` (the source folders whose flat tables were made in memory from the raw
        download: ``llmstats`` when its ``models/`` tree was read instead of its CSV files),
        ``out``, ``changed`` (the tables whose bytes differ from what `out` held before).

    Raises
    ------
    UserError
        A missing sources folder or source file, or a problem of the sources or the curation.
    """
    sources = Path(sources)
    out = Path(out) if out is not None else default_data_dir()
    curation_path = Path(curation_path) if curation_path is not None else DEFAULT_CURATION
    if not sources.is_dir():
        raise UserError("sources folder not found", file=str(sources), key="--sources")
    if not curation_path.is_file():
        raise UserError("curation file not found", file=str(curation_path), key="--curation")
    builder = Builder(sources, curation_path)
    builder.load_epoch()
    builder.load_model_versions()
    builder.load_obsscaling()
    builder.load_open_llm_leaderboard()
    builder.load_stitching()
    builder.load_trends()
    builder.load_llmstats()
    curation = load_curation(curation_path)
    resolver = Resolver(builder, curation)
    resolver.apply_curation()
    models = resolver.resolve()
    model_ids = {m["model_id"] for m in models}
    bench_ids = {b[0] for b in BENCHMARKS}
    kept = [o for o in builder.observations if o.model_id in model_ids and o.benchmark in bench_ids]
    dropped = sorted({o.model_id for o in builder.observations if o.model_id not in model_ids})
    if dropped:
        raise UserError(f"scored models without a release date: {dropped}")
    merged = merge_observations(kept)
    released = {m["model_id"]: m["release_date"] for m in models}
    score_rows = []
    for o in merged:
        reported, basis = first_report(o, released[o.model_id], BENCHMARK_INTRODUCED[o.benchmark])
        score_rows.append({
            "model_id": o.model_id, "benchmark": o.benchmark, "score": format_score(o.score),
            "shots": "" if o.shots is None else str(o.shots), "cot": str(o.cot),
            "protocol": o.protocol, "source": o.source, "source_ref": ";".join(o.refs),
            "reported": reported, "reported_source": basis,
        })
    score_rows.sort(key=lambda r: (r["model_id"], r["benchmark"], r["protocol"], r["source"],
                                   r["shots"], r["cot"], r["score"], r["source_ref"]))
    scored = {r["model_id"] for r in score_rows}
    unreviewed = sorted(m["model_id"] for m in models if m["model_id"] in scored
                        and any(m[t] == "" for t in TECHNIQUE_COLUMNS))
    if unreviewed:
        raise UserError(f"scored models without curated technique columns: {unreviewed} (add "
                        f"their techniques to the curation file)", file=str(curation_path))
    bench_rows = [dict(zip(BENCHMARK_COLUMNS,
                           (b[0], b[1], format_score(b[2]), b[3], str(b[4]), b[5],
                            BENCHMARK_INTRODUCED[b[0]]), strict=True)) for b in sorted(BENCHMARKS)]
    tables = dict(zip(TABLES, (csv_bytes(MODEL_COLUMNS, models),
                               csv_bytes(SCORE_COLUMNS, score_rows),
                               csv_bytes(BENCHMARK_COLUMNS, bench_rows)), strict=True))
    validate_tables(*(parse_csv_bytes(data, f"{out / name} (as built)")
                      for name, data in tables.items()))
    changed = [name for name, data in tables.items()
               if not (out / name).is_file() or (out / name).read_bytes() != data]
    for name, data in tables.items():
        atomic_write(out / name, data)
    return {
        "models": len(models), "scores": len(score_rows), "raw_observations": len(kept),
        "curation_rows": len(curation),
        "rows_used": dict(sorted(builder.rows_used.items())),
        "unmapped": {k: sorted(v) for k, v in sorted(builder.unmapped.items())},
        "skipped": list(resolver.skipped),
        "flattened": list(builder.flattened),
        "out": str(out),
        "changed": changed,
    }
