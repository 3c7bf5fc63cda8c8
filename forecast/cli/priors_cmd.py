"""`forecast priors`: list, show, check and summarise the technique and engine priors."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from forecast.cli import app
from forecast.cli.options import JsonOpt, PriorsOpt
from forecast.cli.output import AXIS_NOTE, axis_label, compact_table, console, emit_result
from forecast.core.errors import UserError
from forecast.core.paths import default_priors_dir

priors_app = typer.Typer(
    name="priors",
    help="Technique multipliers and engine priors: list, show, check a folder, summary.",
    no_args_is_help=True,
)
app.add_typer(priors_app, name="priors")


def _load(folder: Path | None) -> Any:
    from forecast.inputs.priors import load_priors  # deferred: about 0.1 s to import

    return load_priors(folder)


def _interval(d) -> str:
    lo, hi = d.interval90
    return f"{lo:.3g}-{hi:.3g}"


@priors_app.command("list")
def list_priors(
    priors: PriorsOpt = None,
    json_out: JsonOpt = False,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Mark the techniques whose every evidence entry was published after this date "
                        "(YYYY-MM-DD), and those the dated priors then give the prior of a technique not yet "
                        "measured; name the engine entries the dated priors give their earlier form.")] = None,
) -> None:
    """Every technique with its axis, introduction date, median, 90% interval, citations and the
    publication date of its earliest evidence."""
    from forecast.inputs.dates import parse_date  # deferred: imports pandas

    ps = _load(priors)
    day = parse_date(as_of, "as_of") if as_of is not None else None
    unmeasured = set(ps.unmeasured_by(day)) if day is not None else set()
    before = ps.engine.superseded_by(day) if day is not None else None

    def later(t: Any) -> bool | None:
        return None if day is None else not t.measured_by(day)

    if json_out:
        out: dict[str, Any] = {"folder": str(ps.folder), "sha256": ps.sha256, "techniques": [
            {
                "id": t.id, "name": t.name, "axis": t.axis, "introduced": t.introduced.isoformat(),
                "indicator": t.indicator, "distribution": t.multiplier.distribution,
                "median": t.multiplier.median, "interval90": list(t.multiplier.interval90),
                "judgement": t.judgement, "citations": [e.cite for e in t.evidence],
                "published": [e.published.isoformat() for e in t.evidence],
                "first_published": t.first_published.isoformat(),
                **({"evidence_after_as_of": later(t), "unmeasured_as_of": t.id in unmeasured}
                   if day is not None else {}),
            }
            for t in ps.techniques.values()
        ]}
        out["evidence_as_of"] = day.isoformat() if day is not None else None
        out["engine_before_as_of"] = before
        emit_result("priors list", out)
        return
    caption = (f"{AXIS_NOTE}; judged: the prior adds judgement to its cited evidence; cites: how many, "
               "and the month the earliest was published (every date: priors show ID)")
    if day is not None:
        caption += (f"; id*: every evidence entry published after {day}; id+: and so, in the dated priors "
                    f"as of {day}, the prior of a technique not yet measured")
    table = compact_table(f"Technique priors ({ps.folder})", caption, title_justify="left")
    for col, kw in (("id", {}), ("axis", {}), ("introduced", {}), ("median", {"justify": "right"}),
                    ("90%", {"justify": "right"}), ("judged", {}), ("cites", {"justify": "right"})):
        table.add_column(col, no_wrap=True, **kw)
    for t in ps.techniques.values():
        mark = ("+" if t.id in unmeasured else "*") if later(t) else ""
        table.add_row(f"{t.id}{mark}", axis_label(t.axis), t.introduced.isoformat(), f"{t.multiplier.median:.3g}",
                      _interval(t.multiplier), "yes" if t.judgement else "no",
                      f"{len(t.evidence)}, {t.first_published.isoformat()[:7]}")
    console.print(table)
    if before:
        console.print(f"Engine entries in their earlier form in the dated priors as of {day} (evidence "
                      f"published later; priors show engine): {', '.join(before)}")


@priors_app.command("show")
def show_prior(
    technique_id: str = typer.Argument(..., metavar="ID", help="Technique id, or 'engine' for the engine priors."),
    priors: PriorsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """All fields and the evidence of one technique (or of the engine priors)."""
    ps = _load(priors)
    if technique_id in ("engine", "_engine"):
        data = ps.engine.to_dict()
        if json_out:
            emit_result("priors show", data)
        else:
            _print_engine(data)
        return
    t = ps[technique_id]
    if json_out:
        emit_result("priors show", t.to_dict())
        return
    m = t.multiplier
    mean, sd = t.log10_prior
    console.print(f"[bold]{t.name}[/] ({t.id})", highlight=False)
    rows = [
        ("axis", t.axis), ("introduced", f"{t.introduced.isoformat()} — {t.introduced_in}"),
        ("indicator", t.indicator), ("multiplier", m.describe()),
        ("log10 prior", f"mean {mean:.3f}, sd {sd:.3f}"), ("judgement", "yes" if t.judgement else "no"),
    ]
    if t.reference_sparsity is not None:
        k_mean, k_sd = t.kappa_prior
        rows += [("reference sparsity", f"{t.reference_sparsity:g} (total/active)"),
                 ("total-parameter effect", t.total_multiplier.describe()),
                 ("elasticity kappa", f"mean {k_mean:.3f}, sd {k_sd:.3f}")]
    if t.reference_tpp is not None:
        rows.append(("reference tokens/param", f"{t.reference_tpp:g}"))
    if t.bits:
        rows.append(("retention by bits", "; ".join(f"{b}: {d.describe()}" for b, d in t.bits.items())))
    rows.append(("adoption", " ".join(t.adoption.split())))
    for label, value in rows:
        console.print(f"  [bold]{label}:[/] {escape(value)}", highlight=False)
    for o in t.overlaps:
        rho = f", rho {o.rho:+.2f}" if o.rho is not None else ""
        console.print(f"  [bold]overlap[/] with {o.with_id} ({o.treatment}{rho}): {escape(o.note)}", highlight=False)
    for i, e in enumerate(t.evidence, start=1):
        console.print(f"  [bold]evidence {i}[/] (published {e.published.isoformat()}): {escape(e.cite)}\n"
                      f"    finding: {escape(e.finding)}\n"
                      f"    conversion: {escape(e.conversion)}", highlight=False)


def _print_engine(data: dict[str, Any]) -> None:
    def entry(v: Any) -> str:
        if isinstance(v, dict) and "distribution" in v:
            lo, hi = v["interval90"]
            src = "; ".join(x for x in ("judgement" if v.get("judgement") else "", v.get("cite") or "") if x)
            text = f"{v['distribution']} median {v['median']:.4g} [{lo:.4g}, {hi:.4g}]  ({src})"
            if "before" in v:  # a dated entry: the form fits as of an earlier date start from
                text += f"; before {v['published']}: {entry(v['before'])}"
            return text
        if isinstance(v, dict) and "value" in v:
            src = "; ".join(x for x in ("judgement" if v.get("judgement") else "", v.get("cite") or "") if x)
            return f"{v['value']:.6g}  ({src})"
        return str(v)

    for section, fields in data.items():
        console.print(f"[bold]{section}[/]", highlight=False)
        for name, v in fields.items():
            if name == "reasoning":
                continue
            if name == "benchmarks":
                for bench, link in v.items():
                    for k, lv in link.items():
                        if k != "reasoning":
                            console.print(f"  {bench}.{k}: {entry(lv)}", highlight=False, markup=False)
                continue
            console.print(f"  {name}: {entry(v)}", highlight=False, markup=False)


@priors_app.command("check")
def check(
    folder: Path | None = typer.Argument(None, metavar="DIR", help="Folder to validate (default: --priors or the shipped priors/)."),
    priors: PriorsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Validate a priors folder; exit 2 with one line naming the file and key on the first error."""
    from forecast.inputs.priors import check_priors  # deferred: about 0.1 s to import

    target = folder or priors or default_priors_dir()
    ps = check_priors(target)
    n_citations = sum(len(t.evidence) for t in ps.techniques.values()) + sum(
        1 for s in ps.engine.sources.values() if s.cite)
    summary = {"ok": True, "folder": str(target), "techniques": len(ps.techniques),
               "engine_entries": sum(1 for k in ps.engine.sources if not k.endswith(".before")),
               "citations": n_citations, "sha256": ps.sha256}
    if json_out:
        emit_result("priors check", summary)
    else:
        console.print(f"OK: {summary['techniques']} techniques, {summary['engine_entries']} engine entries, "
                      f"{n_citations} citations ({target})", highlight=False, markup=False)


@priors_app.command("summary")
def summary(
    by: str = typer.Option("2024-12-31", "--by", help="Include techniques introduced on or before this date."),
    tokens_per_param: float | None = typer.Option(
        None, "--tpp", help="Tokens per parameter for over-training (default: its reference ratio, 1000, typical "
                            "of 2024 small open models: Llama 3 8B 1875, Gemma 2 9B ~890, phi-3-mini ~870)."),
    draws: int = typer.Option(200_000, "--draws", min=1000, help="Monte Carlo draws."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    priors: PriorsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Product of the technique medians on the total-parameter axis, next to historical rates."""
    from forecast.api.prior_summary import params_axis_summary  # deferred: about 0.1 s to import

    try:
        by_date = date.fromisoformat(by)
    except ValueError:
        raise UserError(f"date '{by}' does not parse (use YYYY-MM-DD)", key="--by") from None
    if tokens_per_param is not None and not tokens_per_param > 0:
        raise UserError("must be positive", key="--tpp")
    if by_date <= date(2020, 1, 1):
        raise UserError("must be after 2020-01-01", key="--by")
    result = params_axis_summary(_load(priors), by=by_date, tokens_per_param=tokens_per_param, draws=draws, seed=seed)
    if json_out:
        emit_result("priors summary", result)
        return
    from rich import box  # deferred: loaded with rich.table below
    from rich.table import Table  # deferred: about 5 ms to import; --json prints no table

    table = Table(title=f"Techniques introduced by {result['by']}, total-parameter axis", title_justify="left",
                  box=box.SIMPLE_HEAD)
    table.add_column("id", no_wrap=True)
    table.add_column("median", justify="right")
    table.add_column("conversion")
    for r in result["techniques"]:
        table.add_row(r["id"], f"{r['median']:.3g}" if r["included"] else "—", r["conversion"])
    console.print(table)
    mc, rate = result["monte_carlo"], result["annual_rate"]
    ho, dens = result["comparisons"]["ho_2024"], result["comparisons"]["densing_law"]
    lines = [
        f"Product of medians: {result['product_of_medians']:.3g}x   "
        f"(Monte Carlo median {mc['median']:.3g}x, 90% [{mc['interval90'][0]:.3g}, {mc['interval90'][1]:.3g}], "
        f"{mc['draws']} draws with the overlap correlations)",
        f"Implied rate {result['start']} to {result['by']} ({result['years']:.2f} years): "
        f"x{rate['of_medians']:.2f}/yr, 90% [x{rate['interval90'][0]:.2f}, x{rate['interval90'][1]:.2f}]; "
        f"with the drift prior median ({result['drift_median_log10_per_year']:+.2f} log10/yr): "
        f"x{result['annual_rate_with_drift_median']:.2f}/yr",
        f"Ho et al. 2024 (compute halving ~8 months, 95% CI 5-14): x{ho['params_per_year']:.2f}/yr params "
        f"[x{ho['interval'][0]:.2f}, x{ho['interval'][1]:.2f}] ({ho['conversion']})",
        f"Densing Law (density doubling ~3.3-3.5 months): x{dens['params_per_year']:.1f}/yr "
        f"[x{dens['interval'][0]:.1f}, x{dens['interval'][1]:.1f}]",
    ]
    lo, hi = ho["params_per_year"], dens["params_per_year"]
    verdict = ("between the two historical rates" if lo <= rate["of_medians"] <= hi
               else "below Ho et al." if rate["of_medians"] < lo else "above the Densing Law")
    lines.append(f"The priors alone imply a rate {verdict}.")
    for line in lines:
        console.print(line, highlight=False, markup=False)
