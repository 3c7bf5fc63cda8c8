"""Many `when` questions on one set of simulated futures.

`forecast.projection.crossing.crossing_times` does two things per call: it draws the randomness
of every posterior draw x future (`PathSimulator`: the drift's increments, the future
techniques) and then walks each future month by month to its first crossing. The draws depend
on the budget's axis and bit width and on the posterior draws, not on the target or the
budget's size, so a `Projector` that is asked many (target, budget) questions draws them once
per axis and reuses them. Reuse needs the compiled march (`march_crossings_compiled`), which
leaves the futures unchanged and gives `crossing_times`' NumPy dates to about 1e-12 years; with
the NumPy march each question draws its futures afresh (the same numbers as `crossing_times`).

Asking the same questions of altered draws (one technique's multiplier set to 1) on the same
futures' randomness (`Projector.with_draws`) isolates that technique's share; thinning
(`thin_indices`) keeps every k-th draw over all chains and the prior-only draws paired with them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np

from forecast.core.errors import UserError
from forecast.inputs.dates import decimal_year, year_to_date
from forecast.projection.crossing import marcher
from forecast.projection.future_draws import FutureDraws
from forecast.projection.posterior import PosteriorDraws
from forecast.projection.question import Budget, Target, required_theta
from forecast.projection.settings import ProjectionSettings
from forecast.projection.simulator import PathSimulator


def thin_indices(n: int, max_draws: int | None) -> np.ndarray:
    """Evenly spaced indices of at most `max_draws` of `n` draws.

    Parameters
    ----------
    n : int
        Number of draws.
    max_draws : int or None
        The most to keep (all of them if None).

    Returns
    -------
    numpy.ndarray
        Sorted unique indices.
    """
    if max_draws is None or max_draws >= n:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, max_draws).round().astype(int))


def subset_future_draws(future_draws: FutureDraws, idx: np.ndarray) -> FutureDraws:
    """The prior-only draws at positions `idx` (kept paired with the posterior draws).

    Parameters
    ----------
    future_draws : FutureDraws
        The prior-only draws.
    idx : numpy.ndarray
        Positions to keep.

    Returns
    -------
    FutureDraws
    """
    return replace(
        future_draws,
        arrival_rate=future_draws.arrival_rate[idx],
        adoption_lag=future_draws.adoption_lag[idx],
        saturation=future_draws.saturation[idx],
        retention={bits: values[idx] for bits, values in future_draws.retention.items()},
    )


class Projector:
    """First-crossing dates for many targets and budgets on shared simulated futures.

    Parameters
    ----------
    draws : PosteriorDraws
        The posterior draws.
    future_draws : FutureDraws
        The prior-only draws, paired with `draws` draw by draw.
    settings : ProjectionSettings
        The projection's settings (horizon, paths per draw, seed, start, ...).
    compiled : bool
        March with the compiled kernel and share the futures across questions (default), or
        with NumPy blocks, drawing the futures afresh for each question.
    """

    def __init__(self, draws: PosteriorDraws, future_draws: FutureDraws, settings: ProjectionSettings,
                 compiled: bool = True) -> None:
        self.draws = draws
        self.future_draws = future_draws
        self.settings = replace(settings, compiled=compiled)
        self._futures: dict[tuple[str, float | None], PathSimulator] = {}
        self._exp: np.ndarray | None = None

    def with_draws(self, draws: PosteriorDraws) -> Projector:
        """The same futures' randomness on altered draws (e.g. one technique removed).

        Parameters
        ----------
        draws : PosteriorDraws
            Draws of the same number and order as this projector's.

        Returns
        -------
        Projector
        """
        return Projector(draws, self.future_draws, self.settings, compiled=self.settings.compiled)

    def _futures_for(self, budget: Budget) -> PathSimulator:
        bits = float(budget.bits or 16) if budget.axis == "memory_bytes" else None
        if bits is not None and bits not in self.future_draws.retention:
            raise UserError(f"no quality-retention prior for {bits:g}-bit weights "
                            f"(known: {sorted(self.future_draws.retention)})", key="bits")
        key = (budget.axis, bits)
        if key in self._futures:
            return self._futures[key]
        futures = PathSimulator(self.draws, self.future_draws, budget.axis, self.settings, bits=budget.bits)
        if self.settings.compiled:  # the NumPy march advances the simulator: not reusable
            self._futures[key] = futures
        return futures

    def crossing_times(self, target: Target, budget: Budget) -> np.ndarray:
        """Decimal-year first-crossing samples, as `forecast.projection.crossing.crossing_times`
        returns them.

        Parameters
        ----------
        target : Target
            The target capability.
        budget : Budget
            The size budget.

        Returns
        -------
        numpy.ndarray
            One decimal year per simulated future; +inf = not before the horizon.
        """
        futures = self._futures_for(budget)
        theta_star, noise = required_theta(futures.draws, target)
        if self._exp is None or len(self._exp) != futures.P:
            self._exp = np.random.default_rng(self.settings.seed + 1).exponential(size=futures.P)
        return marcher(self.settings)(futures, budget.log10_params, theta_star, noise, self.settings,
                                      self._exp)

    @property
    def n_paths(self) -> int:
        """Simulated futures per question: draws x paths per draw."""
        return self.draws.n * self.settings.paths_per_draw

    @property
    def start(self) -> date:
        """The registry's data end (the posterior draws')."""
        return year_to_date(self.draws.data_end)

    @property
    def horizon(self) -> date:
        """The last date simulated."""
        return year_to_date(self.settings.horizon)

    def p_by(self, samples: np.ndarray, when: date) -> float:
        """Share of `samples` (decimal years) at or before `when`."""
        return float(np.mean(samples <= decimal_year(when)))
