"""Many `when` questions on one set of simulated futures, for the report's tables and tornado.

`forecast.projection.project.crossing_times` does two things per call: it draws the randomness of every
posterior draw x future (`PathSimulator`: the drift's increments, the future techniques) and
then walks each future month by month to its first crossing. A report asks many questions in
one process, so it uses the compiled march (`march_crossings_compiled`), which gives
`Engine.when`'s NumPy dates to about 1e-12 years (the tests check 1e-9 and equal quantile
dates); the report's computing took 6.3 s with it against 12.8 s without. The draws
depend on the budget's axis and bit width and on the posterior draws, not on the target or the
budget's size, so a report that asks 20 (target, budget) questions draws them once per axis here
and reuses them. The report's headline table is computed on the full posterior this way.

The tornado asks the same questions of altered draws (one technique's multiplier set to 1) on
a thinned subset of the draws (`thin`); thinning keeps every k-th draw over all chains and the
prior-only engine draws paired with them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import numpy as np

from forecast.core.errors import UserError
from forecast.inputs.dates import decimal_year, year_to_date
from forecast.projection.project import (Budget, FutureDraws, PathSimulator, ProjectionSettings, Target,
                              marcher, required_theta)


def thin_indices(n: int, max_draws: int | None) -> np.ndarray:
    """Evenly spaced indices of at most `max_draws` of `n` draws (all of them if None)."""
    if max_draws is None or max_draws >= n:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, max_draws).round().astype(int))


def subset_future_draws(eng: FutureDraws, idx: np.ndarray) -> FutureDraws:
    """The prior-only engine draws at positions `idx` (kept paired with the posterior draws)."""
    return replace(
        eng,
        arrival_rate=eng.arrival_rate[idx],
        adoption_lag=eng.adoption_lag[idx],
        saturation=eng.saturation[idx],
        retention={bits: values[idx] for bits, values in eng.retention.items()},
    )


class Projector:
    """First-crossing dates for many targets and budgets on shared simulated futures.

    `draws` (a `PosteriorDraws`) and `future_draws` must be paired draw by draw; `settings`
    are the engine's projection settings for the horizon.
    """

    def __init__(self, draws: Any, future_draws: FutureDraws, settings: ProjectionSettings) -> None:
        self.draws = draws
        self.future_draws = future_draws
        self.settings = replace(settings, compiled=True)  # many questions in one process
        self._futures: dict[tuple[str, float | None], PathSimulator] = {}
        self._exp: np.ndarray | None = None

    @classmethod
    def for_engine(cls, engine: Any, horizon: date, max_draws: int | None = None) -> Projector:
        """A projector on the engine's posterior (thinned to `max_draws`) and its settings."""
        draws = engine.posterior_draws
        eng = engine.future_draws()
        idx = thin_indices(draws.n, max_draws)
        if len(idx) < draws.n:
            draws = draws.subset(idx)
            eng = subset_future_draws(eng, idx)
        return cls(draws, eng, engine.projection_settings(horizon))

    def with_draws(self, draws: Any) -> Projector:
        """The same futures' randomness on altered draws (e.g. one technique removed)."""
        return Projector(draws, self.future_draws, self.settings)

    def _futures_for(self, budget: Budget) -> PathSimulator:
        bits = float(budget.bits or 16) if budget.axis == "memory_bytes" else None
        if bits is not None and bits not in self.future_draws.retention:
            raise UserError(f"no quality-retention prior for {bits:g}-bit weights "
                            f"(known: {sorted(self.future_draws.retention)})", key="bits")
        key = (budget.axis, bits)
        if key not in self._futures:
            self._futures[key] = PathSimulator(self.draws, self.future_draws, budget.axis,
                                               self.settings, bits=budget.bits)
        return self._futures[key]

    def crossing_times(self, target: Target, budget: Budget) -> np.ndarray:
        """Decimal-year first-crossing samples, as `forecast.projection.project.crossing_times` returns."""
        futures = self._futures_for(budget)
        theta_star, noise = required_theta(futures.draws, target)
        if self._exp is None or len(self._exp) != futures.P:
            self._exp = np.random.default_rng(self.settings.seed + 1).exponential(size=futures.P)
        return marcher(self.settings)(futures, budget.log10_params, theta_star, noise, self.settings,
                                      self._exp)

    @property
    def start(self) -> date:
        return year_to_date(self.draws.data_end)

    @property
    def horizon(self) -> date:
        return year_to_date(self.settings.horizon)

    def p_by(self, samples: np.ndarray, when: date) -> float:
        return float(np.mean(samples <= decimal_year(when)))


def when_result(engine: Any, projector: Projector, target: str, budget: Budget) -> Any:
    """`Engine.when(target, budget)` computed on the projector's shared futures.

    A target the registry already shows within the budget gets the date of the earliest such
    model for every sample, as in `Engine.when`.
    """
    from forecast.api.engine import WhenResult

    tgt = engine.target(target)
    reached = engine.already_reached(tgt, budget)
    if reached is not None:
        n = projector.draws.n * projector.settings.paths_per_draw
        samples = np.full(n, decimal_year(date.fromisoformat(reached["date"])))
    else:
        samples = projector.crossing_times(tgt, budget)
    end = projector.horizon
    years = [date(y, 1, 1) for y in range(engine.as_of.year + 1, end.year + 1)]
    return WhenResult(
        target=tgt.label, budget=budget, as_of=engine.as_of, start=projector.start, horizon=end,
        samples=samples, already_reached_by=reached,
        diagnostics=engine.fit().diagnostics.to_dict(), p_by_dates=years,
        scenario=engine.scenario.name if engine.scenario else None,
    )
