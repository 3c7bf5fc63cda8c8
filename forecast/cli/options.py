"""The options several commands share, each defined once with one help text.

A command declares a shared option as a parameter annotated with one of these types, e.g.
``data: DataOpt = None``; options only one command takes are declared in that command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

# the seed of the sampler and the projection unless --seed is given; the same default as
# `forecast.Engine` and `forecast.model.fit.FitSettings`
DEFAULT_SEED = 20230319

DataOpt = Annotated[Path | None, typer.Option(
    "--data", help="Registry folder (models.csv, scores.csv[, benchmarks.csv]); default: the shipped registry.")]
PriorsOpt = Annotated[Path | None, typer.Option(
    "--priors", help="Priors folder (TOML files); default: the shipped priors/.", file_okay=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
AsOfOpt = Annotated[str | None, typer.Option(
    "--as-of", help="Use only what was known by this date (YYYY-MM-DD; not after today); default: today. "
                    "A later date over the same data reuses the same fit.")]
NotReachedByOpt = Annotated[str | None, typer.Option(
    "--not-reached-by", help="Condition on knowing the target had not been met within the budget by this "
                             "date (YYYY-MM-DD, from the registry's data end on the target to the as-of date).")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Seed of the sampler and the projection.")]
DrawsOpt = Annotated[int, typer.Option("--draws", min=100, max=20000, help="Posterior draws per chain (4 chains).")]
TuneOpt = Annotated[int | None, typer.Option(
    "--tune", min=100, max=20000,
    help="Tuning steps per chain before the draws (default: 400 from 300 informative models, else 1000).")]
StrictOpt = Annotated[bool, typer.Option("--strict", help="Exit with code 3 if a fit fails its diagnostics.")]
SchedulerOpt = Annotated[str | None, typer.Option(
    "--scheduler", help="Run the fits on this Dask scheduler (e.g. tcp://10.0.0.5:8786; default: "
                        "$FORECAST_DASK_SCHEDULER); its workers must run 'PYTHONHASHSEED=0 dask worker --no-nanny'.")]
ScenarioOpt = Annotated[str | None, typer.Option(
    "--scenario", help="Scenario file or preset name (conservative, central, aggressive).")]
HorizonOpt = Annotated[str, typer.Option("--horizon", help="Last date forecast (YYYY-MM-DD).")]
PriorsAsOfOpt = Annotated[str, typer.Option(
    "--priors-as-of", metavar="cutoff|today",
    help="Technique priors as of each cutoff ('cutoff': a technique whose every cited result came later "
         "gets the prior of a technique not yet measured) or as the files state them today ('today', "
         "with hindsight).")]

# a budget, as `forecast.api.targets.make_budget` takes it
ParamsOpt = Annotated[str | None, typer.Option(
    "--params", help="Total parameter budget with a unit: 7B, 500M, 1.2T (K, M, B or G, T = 10^3, 10^6, "
                     "10^9, 10^12); a plain number below 10,000 is refused (8 -> did you mean 8B?).")]
ActiveParamsOpt = Annotated[str | None, typer.Option(
    "--active-params", help="Active parameter budget (MoE), written as --params.")]
MemoryOpt = Annotated[str | None, typer.Option(
    "--memory", help="Weight-memory budget: 4GiB or 4G (GiB = 2^30 bytes; a bare K, M, G, T is binary), "
                     "4GB (GB = 10^9 bytes), 512MiB; needs --bits.")]
BitsOpt = Annotated[float | None, typer.Option(
    "--bits", help="Weight precision in bits for --memory (e.g. 4); an error without --memory.")]

BenchmarkOpt = Annotated[str, typer.Option("--benchmark", help="Benchmark id, e.g. mmlu.")]
DatesOpt = Annotated[list[str], typer.Option("--date", help="Date(s) to answer for (YYYY-MM-DD); repeatable.")]
