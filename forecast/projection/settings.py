"""How a projection is run: horizon, number of simulated futures, frontier and quadrature."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class ProjectionSettings:
    """Settings of one projection.

    Parameters
    ----------
    horizon : float
        Last date simulated (decimal year); later crossings are +inf.
    paths_per_draw : int
        Simulated futures per posterior draw.
    seed : int
        Seeds the futures (drift increments, future techniques, Exp(1) thresholds).
    frontier : {"release", "mean"}
        "release": the first release within the budget that meets the target (a Poisson
        process of releases); "mean": the first time the mean capability at the budget meets it.
    size_window : float
        log10 sizes below the budget whose releases can still reach the target.
    quad_nodes : int
        Gauss-Legendre nodes over the size window.
    start : float or None
        First simulated date (decimal year); None: the registry's data end.
    arrivals : bool
        Future techniques (the compound Poisson term J) on or off.
    max_paths : int or None
        Posterior draws are thinned evenly so that draws x paths_per_draw stays within this.
    compiled : bool
        Crossing dates from the compiled kernel (`forecast.projection.crossing.march_crossings_compiled`)
        instead of NumPy blocks (`march_crossings`): the same dates to 1e-12 years, faster on many
        or late crossings, 0.4 s slower to start in a new process.
    reported : bool
        Count only the releases that report a score on the target's benchmarks (each with its
        fitted reporting share, `PosteriorDraws.reported_on`): the question "when is a crossing
        *reported*", which the backtest's outcomes answer. False: every release counts, the
        question "when does a release *reach* the target".
    """

    horizon: float = 2040.0
    paths_per_draw: int = 4
    seed: int = 0
    frontier: Literal["release", "mean"] = "release"
    size_window: float = 1.5
    quad_nodes: int = 6
    start: float | None = None
    arrivals: bool = True
    max_paths: int | None = 16000
    compiled: bool = False
    reported: bool = False
