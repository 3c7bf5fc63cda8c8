"""`forecast targets`: which benchmarks and models a forecast can target, and why others cannot."""

from __future__ import annotations

from typing import Any

from rich.markup import escape

from forecast.cli import app
from forecast.cli.forecast_cmd import make_engine
from forecast.cli.options import DEFAULT_SEED, AsOfOpt, DataOpt, JsonOpt, PriorsOpt
from forecast.cli.output import compact_table, console, emit_result


@app.command("targets")
def targets_command(data: DataOpt = None, priors: PriorsOpt = None, as_of: AsOfOpt = None,
                    json: JsonOpt = False) -> None:
    """List the benchmarks and models a target can name, with their scores and data ends."""
    from forecast.api.target_catalogue import target_catalogue  # deferred: the fit's input preparation imports SciPy

    engine = make_engine(data, priors, as_of, DEFAULT_SEED, progress=False)
    catalogue = target_catalogue(engine)
    if json:
        emit_result("targets", catalogue)
    else:
        print_targets(catalogue)


def print_targets(catalogue: dict[str, Any]) -> None:
    """The catalogue as a table of benchmarks and a line on model targets.

    Parameters
    ----------
    catalogue : dict
        `forecast.api.target_catalogue.target_catalogue`'s result.

    Returns
    -------
    None
    """
    table = compact_table(f"Benchmarks as targets (as of {catalogue['as_of']})",
                          "models: scored models with a parameter count / all scored models; the "
                          "fitted set holds the general-capability benchmarks, the others would pull "
                          "the shared capability towards what they test")
    for name, justify in (("benchmark", "left"), ("target", "left"), ("scores", "right"),
                          ("models", "right"), ("data end", "left"), ("why not", "left")):
        table.add_column(name, justify=justify, overflow="fold")
    for row in catalogue["benchmarks"]:
        why = row["reason"] or ""
        if why.startswith("not in the fitted benchmark set"):
            why = "not in the fitted set"
        table.add_row(row["benchmark"], "yes" if row["target"] else "no", str(row["scores"]),
                      f"{row['models_with_size']}/{row['models']}", row["data_end"] or "-", escape(why))
    console.print(table)
    fitted = sorted((r["benchmark"] for r in catalogue["benchmarks"] if r["target"]),
                    key=lambda b: (b != "mmlu", b))
    models = catalogue["models"]
    if not fitted:
        console.print(f"No target can be answered as of {catalogue['as_of']}: "
                      f"{escape(catalogue.get('note') or 'no benchmark has enough scores')}. "
                      "A later --as-of date sees more scores.", highlight=False)
        return
    console.print(f"Score targets: {', '.join(fitted)} (e.g. {fitted[0]}=0.70). Model targets "
                  f"(model:ID or model:NAME): the {models['targets']} fitted models stand for their "
                  f"fitted capability; the {models['scored_without_size']} scored models without a "
                  "public parameter count (e.g. "
                  f"{', '.join(models['examples'][:3])}) for the capability their scores on the "
                  "fitted benchmarks imply.")
