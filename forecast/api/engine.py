"""Library API: the engine's questions as Python calls returning tidy results.

>>> import forecast
>>> engine = forecast.Engine(seed=1)                    # shipped registry and priors
>>> result = engine.when("mmlu=0.70", params="7B")      # doctest: +SKIP
>>> result.quantiles["0.5"], result.p_not_before_horizon  # doctest: +SKIP

`Engine.fit` samples the posterior once (or loads it from the cache); `when`, `size` and
`capability` project it forward (`forecast.projection`). Every result
(`forecast.api.results`) carries the diagnostics of the fit it used and converts to a dict
(`to_dict`, the CLI's JSON) or a DataFrame (`to_frame`).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from forecast.api.results import CapabilityResult, SizeResult, WhenResult, stale_data
from forecast.api.sensitivity import LEVELS as SENSITIVITY_LEVELS
from forecast.api.sensitivity import modified_priors, sensitivity_frame, sensitivity_specs
from forecast.api.targets import make_budget, model_target, parse_target
from forecast.core.errors import UserError
from forecast.inputs.dates import decimal_year, parse_date, year_to_date
from forecast.inputs.priors import PriorSet, load_priors
from forecast.inputs.registry import load_registry
from forecast.inputs.scenarios import check_scenario_priors, load_scenario
from forecast.projection.question import Budget, Target, required_theta
from forecast.projection.settings import ProjectionSettings

if TYPE_CHECKING:
    from forecast.projection.shared_futures import Projector

DEFAULT_HORIZON = date(2040, 1, 1)

# `Engine.fit_plan`'s estimate of a fit's seconds, from the shipped fit (as of 2026-12-08: 377
# informative models, 1000 tuning steps + 2000 draws x 4 chains on 2 cores, 31 leapfrog steps
# per draw): about 145 s of sampling, plus about 20 s when the compiled model is not cached
REFERENCE_INFORMATIVE = 377
REFERENCE_STEPS = (1000 + 2000) * 4 / 2  # steps per core
REFERENCE_SAMPLING_SECONDS = 145.0
COMPILE_SECONDS = 20.0


def check_as_of(value: date | str | None, key: str = "as_of") -> date | None:
    """An as-of date a user gave, refused when it lies after today (the machine's date).

    Parameters
    ----------
    value : date or str or None
        The as-of date (YYYY-MM-DD); None for today.
    key : str
        The option named in an error.

    Returns
    -------
    date or None
        The date, or None when `value` is None.

    Raises
    ------
    UserError
        Naming `key`, when `value` is not a date or is after `datetime.date.today()`.
    """
    if value is None:
        return None
    day = parse_date(value, key)
    today = date.today()
    if day > today:
        raise UserError(f"{day} is after today ({today}); a forecast cannot see data from the future",
                        key=key)
    return day


def _earliest_model(models: pd.DataFrame, model_ids: list[str], judged_by: str) -> dict[str, Any] | None:
    """The earliest released of `model_ids` (the smaller first on the same day) as the
    `already_reached_by` record, or None when there are none."""
    if not model_ids:
        return None
    cand = models.loc[model_ids].sort_values(["release_date", "params_total"])
    first = cand.iloc[0]
    return {
        "model_id": str(cand.index[0]),
        "name": str(first.get("name", cand.index[0])),
        "date": pd.Timestamp(first["release_date"]).date().isoformat(),
        "params_total": float(first["params_total"]),
        "judged_by": judged_by,
    }


class Engine:
    """The forecasting engine on one registry, prior set and as-of date.

    Parameters
    ----------
    data : str or Path or None
        Folder of a user registry (default: the shipped one).
    priors : str or Path or PriorSet or None
        Folder of a user prior set (default: the shipped one), or a prior set already loaded
        (`forecast.inputs.priors.PriorSet`, e.g. one changed by `PriorSet.replace`).
    scenario : str or Path or None
        A scenario TOML file (or a shipped preset's name) overriding priors and projection
        settings.
    as_of : date or str or None
        Fit only on what was known by this date (default: today); a date after today is refused
        (`check_as_of`) before anything is read. The fit depends on the date only through the
        data and priors it selects, so a later date over the same data loads the same fit
        (`forecast.model.store.fit_keys`); answers split off the probability that falls between
        the registry's data end and this date (`WhenResult.p_may_have_happened`).
    seed : int
        Seeds the sampler and the projection; the same seed gives the same numbers.
    draws : int
        Posterior draws per chain (4 chains).
    tune : int or None
        Tuning steps per chain (None: 400 from 300 informative models, else 1000;
        `forecast.model.fit.tune_for`).
    variant : str
        The model variant (`forecast.model.fit.FitSettings.variant`).
    paths_per_draw : int
        Simulated futures per posterior draw for `when`.
    progress : bool
        Show the sampler's progress.
    use_cache : bool
        Load and store fits in the fit cache.

    Attributes
    ----------
    before_fit : callable or None
        Called with the engine just before `fit` samples (not when it loads the fit from the
        cache); the CLI announces the fit there (`fit_plan`). None by default.

    >>> engine = Engine(seed=7)                               # doctest: +SKIP
    >>> engine.when("model:gpt-3-175b", params="1B").quantiles  # doctest: +SKIP
    """

    def __init__(
        self,
        data: str | Path | None = None,
        priors: str | Path | PriorSet | None = None,
        scenario: str | Path | None = None,
        as_of: date | str | None = None,
        seed: int = 20230319,
        draws: int = 2000,
        tune: int | None = None,
        variant: str = "full",
        paths_per_draw: int = 4,
        progress: bool = False,
        use_cache: bool = True,
    ) -> None:
        check_as_of(as_of)  # before anything is read: a date from the future is refused first
        self.registry = load_registry(data)
        self.scenario = load_scenario(scenario) if scenario is not None else None
        prior_set = priors if isinstance(priors, PriorSet) else load_priors(priors)
        self._inputs = (data, priors, scenario)  # as given, for refits (`sensitivity`)
        if self.scenario is not None:
            check_scenario_priors(self.scenario, prior_set)
            prior_set = self.scenario.apply_priors(prior_set)
        self.priors = prior_set
        self.as_of = parse_date(as_of, "as_of", default=date.today())
        self.seed = int(seed)
        self.draws = int(draws)
        self.tune = None if tune is None else int(tune)
        self.variant = variant
        self.paths_per_draw = int(paths_per_draw)
        self.progress = progress
        self.use_cache = use_cache
        self._fit: Any = None
        self._draws: Any = None
        self._scope: tuple[list[str], list[str]] | None = None
        self._n_informative: int | None = None
        self._keys: Any = None
        self._seen: Any = None
        self._data_ends: dict[str, date] | None = None
        self.before_fit: Callable[[Engine], None] | None = None

    # ------------------------------------------------------------------ fitting
    def settings(self) -> Any:
        """The fit's settings.

        Returns
        -------
        forecast.model.fit.FitSettings
        """
        from forecast.model.fit import FitSettings  # deferred: imports xarray and SciPy

        return FitSettings(as_of=self.as_of, draws=self.draws, tune=self.tune,
                           seed=self.seed, variant=self.variant)

    def fit(self, strict: bool = False) -> Any:
        """Sample (or load from the cache) the posterior.

        Parameters
        ----------
        strict : bool
            Raise `forecast.core.errors.DiagnosticsFailed` when the fit fails its diagnostics.

        Returns
        -------
        forecast.model.fit.Fit
        """
        if self._fit is None:
            from forecast.model.fit import fit_model  # deferred: imports xarray and SciPy

            if self.before_fit is not None and not self.fit_is_cached():
                self.before_fit(self)
            self._fit = fit_model(self.registry, self.priors, self.settings(),
                                  progress=self.progress, use_cache=self.use_cache, strict=strict)
        elif strict:
            from forecast.model.fit import require_converged  # deferred: imports xarray and SciPy

            require_converged(self._fit.diagnostics, strict)
        return self._fit

    def _cache_keys(self) -> tuple[str, str]:
        """(the fit's cache key, its compiled model's key), from `forecast.model.store.fit_keys`,
        the function `forecast.model.fit.fit_model` keys its fit by: what the fit sees (the
        registry and priors as of the as-of date), not the date itself."""
        if self._keys is None:
            from forecast.model.fit import fit_keys  # deferred: imports xarray and SciPy

            self._keys = fit_keys(self.registry, self.priors, self.settings())
        return self._keys.key, self._keys.compile_key

    @property
    def seen_registry(self) -> Any:
        """The registry as of the as-of date (`Registry.as_of`): the rows the fit and the answers'
        registry facts use."""
        if self._seen is None:
            self._seen = self.registry.as_of(self.as_of)
        return self._seen

    @property
    def knowledge_end(self) -> date:
        """The newest date the inputs speak for: the registry's last release by the as-of date,
        or the last introduction among the techniques known by then, whichever is later.

        Future techniques (those not in the prior set) arrive after it, and their rate is
        counted over the years before it (`forecast.projection.future_draws`): a registry and a
        prior set that end in 2025 say nothing about techniques introduced in 2026, so a later
        as-of date over the same inputs gives the same forecast, not one with a year of no new
        techniques. With the registry's last release as the as-of date it is the as-of date."""
        last = [pd.Timestamp(self.seen_registry.models["release_date"].max()).date()]
        last += [t.introduced for t in self.priors.introduced_by(self.as_of).techniques.values()]
        return min(self.as_of, max(last))

    def data_end_by_benchmark(self) -> dict[str, date]:
        """Per fitted benchmark, its data end: the release date of the newest model with a score
        on it in the registry as of the as-of date (`seen_registry`, which keeps only the scores
        known by then). Found without sampling.

        Returns
        -------
        dict
            Benchmark -> date, in the fit's benchmark order.
        """
        if self._data_ends is None:
            reg = self.seen_registry
            scored = reg.scores[["model_id", "benchmark"]].merge(
                reg.models[["model_id", "release_date"]], on="model_id")
            ends = scored.groupby("benchmark")["release_date"].max()
            self._data_ends = {b: pd.Timestamp(ends[b]).date() for b in self.fit_scope()[0] if b in ends}
        return dict(self._data_ends)

    def target_data_end(self, target: Target) -> date:
        """The registry's data end on a target: the earliest data end among its benchmarks (after
        it the registry cannot show the target met on all of them), or for a model target the
        newest among the fitted benchmarks (its capability is read from all of them).

        Parameters
        ----------
        target : Target

        Returns
        -------
        date
        """
        ends = self.data_end_by_benchmark()
        if target.thresholds:
            return min(ends[b] for b, _ in target.thresholds if b in ends)
        return max(ends.values())

    def _target_stale(self, target: Target) -> dict[str, Any] | None:
        """`forecast.api.results.stale_data` for the target's benchmarks."""
        ends = self.data_end_by_benchmark()
        if target.thresholds:
            return stale_data(ends, [b for b, _ in target.thresholds], self.as_of)
        newest = max(ends.values())
        return stale_data(ends, [b for b, e in ends.items() if e == newest], self.as_of)

    def check_not_reached_by(self, target: Target, when: date | str, key: str = "not_reached_by") -> date:
        """A `not_reached_by` date, checked against the as-of date and the target's data end.

        Parameters
        ----------
        target : Target
        when : date or str
        key : str
            The option named in an error.

        Returns
        -------
        date

        Raises
        ------
        UserError
            Naming `key`, when the date is after the as-of date (what had not
            happened by then is not known as of it) or before the target's data end (the
            registry already shows what had happened by then).
        """
        day = parse_date(when, key)
        if day > self.as_of:
            raise UserError(f"{day} is after the as-of date {self.as_of}: that the target had not been "
                            f"met by then cannot be known as of {self.as_of}", key=key)
        end = self.target_data_end(target)
        if day < end:
            raise UserError(f"{day} is before the registry's data end on {target.label} ({end}): the "
                            f"registry already shows what had happened by then; give a date from {end} "
                            f"to the as-of date {self.as_of}", key=key)
        return day

    def fit_is_cached(self) -> bool:
        """Whether `fit` returns without sampling: the engine holds its fit, or the fit cache has
        the file of this registry, priors, settings, model code and package versions (and
        `use_cache` is on). Nothing is sampled or loaded.

        Returns
        -------
        bool
        """
        if self._fit is not None:
            return True
        if not self.use_cache:
            return False
        from forecast.model.fit import cache_path  # deferred: imports xarray and SciPy

        return cache_path(self._cache_keys()[0]).exists()

    def fit_plan(self) -> dict[str, Any]:
        """What a fit of this engine would do and about how long it would take, without sampling.

        The estimate is a rule of thumb scaled from the shipped fit (about 145 s of sampling for
        377 informative models, 1000 tuning steps + 2000 draws x 4 chains on 2 cores, plus about
        20 s to compile the model when its compiled form is not cached; a backtest fit of 1500
        draws scales the same way): sampling seconds grow in proportion to the informative
        models (at least a quarter of the reference: small fits still pay fixed costs and tune
        longer) and to the tuning steps plus draws per chain times the chains per core.

        Returns
        -------
        dict
            ``cached`` (`fit_is_cached`), ``use_cache``, ``as_of`` (ISO), ``informative_models``,
            ``draws``, ``tune``, ``chains``, ``cores``, ``compiled_cached`` (whether the compiled
            model is on disk) and ``seconds`` (the estimate).
        """
        from forecast.model.compiled import entry_dir, entry_key  # deferred: imports Numba and PyTensor
        from forecast.model.fit import exact_float_arithmetic, tune_for  # deferred: imports xarray and SciPy

        n_inf = self._prepare_scope()[2]
        settings = self.settings()
        tune = tune_for(settings, n_inf)
        with exact_float_arithmetic():  # the flags the sampler compiles under name the entry
            compiled = (entry_dir(entry_key(self._cache_keys()[1])) / "meta.json").exists()
        steps = (tune + settings.draws) * settings.chains / max(1, min(settings.cores, settings.chains))
        seconds = (REFERENCE_SAMPLING_SECONDS * max(n_inf / REFERENCE_INFORMATIVE, 0.25)
                   * steps / REFERENCE_STEPS + (0.0 if compiled else COMPILE_SECONDS))
        return {"cached": self.fit_is_cached(), "use_cache": self.use_cache,
                "as_of": self.as_of.isoformat(), "informative_models": n_inf,
                "draws": settings.draws, "tune": tune, "chains": settings.chains,
                "cores": settings.cores, "compiled_cached": compiled, "seconds": float(seconds)}

    @property
    def posterior_draws(self) -> Any:
        """The fit's posterior as the projection's arrays
        (`forecast.projection.posterior.PosteriorDraws`)."""
        if self._draws is None:
            from forecast.projection.posterior import projection_draws  # deferred: imports xarray

            self._draws = projection_draws(self.fit(), self.priors.introduced_by(self.as_of), seed=self.seed,
                                           as_of=self.knowledge_end)
        return self._draws

    def future_draws(self) -> Any:
        """The prior-only draws paired with `posterior_draws`, with the scenario's changes.

        Returns
        -------
        forecast.projection.future_draws.FutureDraws
        """
        from forecast.projection.future_draws import paired_future_draws  # deferred: imports SciPy

        return paired_future_draws(self.priors, self.posterior_draws, self.knowledge_end, self.seed,
                                   scenario=self.scenario)

    def projection_settings(self, horizon: date, **overrides: Any) -> ProjectionSettings:
        """The projection's settings for `horizon`, with the scenario's changes.

        Parameters
        ----------
        horizon : date
            The last date simulated.
        **overrides
            Fields of `ProjectionSettings` to replace.

        Returns
        -------
        ProjectionSettings
        """
        s = ProjectionSettings(horizon=decimal_year(horizon), paths_per_draw=self.paths_per_draw,
                               seed=self.seed)
        if self.scenario is not None:
            s = self.scenario.apply_projection(s)
        return replace(s, **overrides) if overrides else s

    def shared_futures(self, horizon: date, max_draws: int | None = None, compiled: bool = True,
                       **overrides: Any) -> Projector:
        """Simulated futures that many `when` questions share (`when(..., futures=...)`).

        Parameters
        ----------
        horizon : date
            The last date simulated.
        max_draws : int or None
            Thin the posterior evenly to at most this many draws (with their prior-only draws).
        compiled : bool
            March with the compiled kernel, sharing the futures (`Projector`).
        **overrides
            Fields of `ProjectionSettings` to replace (e.g. ``start``).

        Returns
        -------
        forecast.projection.shared_futures.Projector
        """
        from forecast.projection.shared_futures import (  # deferred: imports xarray
            Projector, subset_future_draws, thin_indices)

        draws = self.posterior_draws
        future = self.future_draws()
        idx = thin_indices(draws.n, max_draws)
        if len(idx) < draws.n:
            draws = draws.subset(idx)
            future = subset_future_draws(future, idx)
        return Projector(draws, future, self.projection_settings(horizon, **overrides), compiled=compiled)

    def save(self, path: str | Path) -> Path:
        """Write the fitted posterior (with provenance) to a NetCDF file.

        Parameters
        ----------
        path : str or Path

        Returns
        -------
        Path
            The file written.
        """
        return self.fit().save(path)

    @classmethod
    def load(cls, path: str | Path, **kwargs: Any) -> Engine:
        """An engine around a saved fit (registry and priors still load for targets).

        Parameters
        ----------
        path : str or Path
            A file written by `save`.
        **kwargs
            Further `Engine` arguments (not `as_of`, which the fit fixes).

        Returns
        -------
        Engine
        """
        from forecast.model.fit import Fit  # deferred: imports xarray and SciPy

        fit = Fit.load(path)
        engine = cls(as_of=fit.as_of, **kwargs)
        engine._fit = fit
        return engine

    # ------------------------------------------------------------------ queries
    def fit_scope(self) -> tuple[list[str], list[str]]:
        """The benchmarks and model ids the fit holds (or will hold), found without sampling:
        the model's own input preparation on the registry as of the as-of date.

        Returns
        -------
        benchmarks : list of str
        model_ids : list of str
        """
        if self._fit is not None:
            return list(self.fit().inputs["benchmark"].values), [str(x) for x in self.fit().inputs["model"].values]
        return self._prepare_scope()[:2]

    def _prepare_scope(self) -> tuple[list[str], list[str], int]:
        """(benchmarks, model ids, number of informative models) of the fit, from the model's
        own input preparation on the registry as of the as-of date (computed once)."""
        if self._scope is None or self._n_informative is None:
            from forecast.model.data import prepare_inputs  # deferred: imports SciPy
            from forecast.model.priors import model_priors_from  # deferred: imports SciPy

            settings, reg = self.settings(), self.seen_registry
            mp = model_priors_from(self.priors.introduced_by(settings.as_of), reg.benchmarks)
            inp = prepare_inputs(reg.models, reg.scores, reg.benchmarks, mp, settings.as_of,
                                 min_models_per_benchmark=settings.min_models_per_benchmark,
                                 benchmark_set=list(settings.benchmarks))
            self._scope = (list(inp.benchmarks), [str(x) for x in inp.model_ids])
            self._n_informative = int(inp.informative.sum())
        return (*self._scope, self._n_informative)

    def target(self, text: str) -> Target:
        """Parse a target against the fitted benchmarks and models (no sampling needed).

        Parameters
        ----------
        text : str
            ``benchmark=score[,benchmark=score...]`` or ``model:<id or name>`` (any scored
            registry model; `forecast.api.targets.model_target`).

        Returns
        -------
        Target
        """
        benchmarks, model_ids = self.fit_scope()
        if str(text).strip().lower().startswith("model:"):
            reg = self.seen_registry
            return model_target(text, benchmarks, model_ids, reg.models, reg.scores)
        return parse_target(text, benchmarks, model_ids)

    def _future_dates(self, dates: list[date | str], key: str) -> list[date]:
        out = [parse_date(x, key) for x in dates]
        if not out:
            raise UserError("give at least one date", key=key)
        for d in out:
            if d <= self.as_of:
                raise UserError(f"{d} is not after the as-of date {self.as_of}: forecasts start there",
                                key=key)
        return out

    def when(
        self,
        target: str,
        params: str | float | None = None,
        active_params: str | float | None = None,
        memory: str | float | None = None,
        bits: float | None = None,
        horizon: date | str | None = None,
        p_by: list[date | str] | None = None,
        futures: Projector | None = None,
        not_reached_by: date | str | None = None,
    ) -> WhenResult:
        """When does a release within the budget first meet `target`?

        A target that a registry model released by the as-of date already meets within the
        budget (`already_reached`) gets that model's release date in every sample.

        Parameters
        ----------
        target : str
            ``benchmark=score[,...]`` or ``model:<model_id>``.
        params, active_params, memory : str or float or None
            The budget: total parameters, active parameters, or bytes of weights (one of them).
        bits : float or None
            Bits per weight of a memory budget.
        horizon : date or str or None
            The last date simulated (default 2040-01-01, or the horizon of `futures`).
        p_by : list of date or str
            Dates to report P(reached by) for, besides each 1 January from the year after the
            as-of date to the horizon.
        futures : Projector or None
            Simulated futures to answer on (`shared_futures`), shared with other questions;
            None: the engine's own, drawn for this question.
        not_reached_by : date or str or None
            Condition on knowing that the target had not been met within the budget by this
            date: the simulated futures that meet it by then are left out and the rest are the
            answer (renormalised). From the target's data end to the as-of date
            (`check_not_reached_by`); refused for a target the registry shows reached, and when
            every simulated future meets it by then.

        Returns
        -------
        WhenResult
            Its `p_may_have_happened` is the probability of a first crossing after the target's
            data end (or `not_reached_by`) and by the as-of date: it may already have happened
            without being in the registry.

        >>> Engine().when("mmlu=0.70", params="7B").quantiles["0.5"]  # doctest: +SKIP
        """
        budget = make_budget(params, active_params, memory, bits)
        tgt = self.target(target)
        end = parse_date(horizon, "horizon", default=futures.horizon if futures is not None else DEFAULT_HORIZON)
        if end <= self.as_of:
            raise UserError(f"horizon {end} is not after the as-of date {self.as_of}", key="horizon")
        if futures is not None and end != futures.horizon:
            raise UserError(f"horizon {end} is not the shared futures' horizon {futures.horizon}",
                            key="horizon")
        extra = [parse_date(x, "p_by") for x in (p_by or [])]
        for d in extra:
            if d <= self.as_of:
                raise UserError(f"{d} is not after the as-of date {self.as_of}: P(reached by a date) "
                                "is a forecast, and forecasts start there", key="p_by")
        hidden_by = None if not_reached_by is None else self.check_not_reached_by(tgt, not_reached_by)
        draws = self.posterior_draws
        reached = self.already_reached(tgt, budget)
        if reached is not None and hidden_by is not None:
            raise UserError(f"the registry shows {tgt.label} met within {budget.describe()} by "
                            f"{reached['name']} ({reached['date']}), so it cannot be conditioned on "
                            f"not being met by {hidden_by}", key="not_reached_by")
        if reached is not None:
            n = futures.n_paths if futures is not None else draws.n * self.paths_per_draw
            samples = np.full(n, decimal_year(date.fromisoformat(reached["date"])))
        elif futures is not None:
            samples = futures.crossing_times(tgt, budget)
        else:
            from forecast.projection.crossing import crossing_times  # deferred: imports xarray

            samples = crossing_times(draws, self.future_draws(), tgt, budget,
                                     self.projection_settings(end))
        condition = None
        if hidden_by is not None:
            keep = ~(samples <= decimal_year(hidden_by))
            if not keep.any():
                raise UserError(f"every simulated future meets {tgt.label} within {budget.describe()} "
                                f"by {hidden_by}: the forecast has nothing left to condition on",
                                key="not_reached_by")
            condition = {"date": hidden_by.isoformat(), "share_dropped": float(1.0 - keep.mean())}
            samples = samples[keep]
        years = [date(y, 1, 1) for y in range(self.as_of.year + 1, end.year + 1)]
        dates = sorted(set(years + extra))
        return WhenResult(
            target=tgt.label, budget=budget, as_of=self.as_of, start=year_to_date(draws.data_end),
            horizon=end, samples=samples, already_reached_by=reached,
            diagnostics=self.fit().diagnostics.to_dict(), p_by_dates=dates,
            scenario=self.scenario.name if self.scenario else None,
            ceiling=self.ceiling_check(tgt), target_data_end=self.target_data_end(tgt),
            data_end_by_benchmark=self.data_end_by_benchmark(), not_reached_by=condition,
            stale_data=self._target_stale(tgt),
        )

    def size(self, target: str, dates: list[date | str]) -> SizeResult:
        """Smallest parameter count that meets `target` by each date.

        Parameters
        ----------
        target : str
            ``benchmark=score[,...]`` or ``model:<model_id>``.
        dates : list of date or str
            Dates after the as-of date.

        Returns
        -------
        SizeResult
        """
        from forecast.projection.frontier import smallest_size  # deferred: imports xarray

        tgt = self.target(target)
        ds = self._future_dates(dates, "date")
        sizes = smallest_size(
            self.posterior_draws, self.future_draws(), tgt,
            np.array([decimal_year(d) for d in ds]),
            self.projection_settings(max(max(ds), DEFAULT_HORIZON), paths_per_draw=1),
        )
        return SizeResult(target=tgt.label, dates=ds, log10_params=sizes,
                          diagnostics=self.fit().diagnostics.to_dict(),
                          scenario=self.scenario.name if self.scenario else None,
                          ceiling=self.ceiling_check(tgt), as_of=self.as_of,
                          data_end=year_to_date(self.posterior_draws.data_end),
                          data_end_by_benchmark=self.data_end_by_benchmark(),
                          stale_data=self._target_stale(tgt))

    def capability(
        self, benchmark: str, dates: list[date | str], params: str | float | None = None,
        active_params: str | float | None = None, memory: str | float | None = None,
        bits: float | None = None,
    ) -> CapabilityResult:
        """Score of the best release within the budget over the year up to each date.

        Parameters
        ----------
        benchmark : str
            A fitted benchmark.
        dates : list of date or str
            Dates after the as-of date.
        params, active_params, memory : str or float or None
            The budget (one of them).
        bits : float or None
            Bits per weight of a memory budget.

        Returns
        -------
        CapabilityResult
        """
        from forecast.projection.frontier import best_score  # deferred: imports xarray

        budget = make_budget(params, active_params, memory, bits)
        benchmarks, model_ids = self.fit_scope()
        parse_target(f"{benchmark}=0.5", benchmarks, model_ids)  # validates the name
        ds = self._future_dates(dates, "date")
        draws = self.posterior_draws
        scores = best_score(draws, self.future_draws(), budget, benchmark.lower(),
                            np.array([decimal_year(d) for d in ds]),
                            self.projection_settings(max(max(ds), DEFAULT_HORIZON)))
        return CapabilityResult(benchmark=benchmark.lower(), budget=budget, dates=ds, scores=scores,
                                diagnostics=self.fit().diagnostics.to_dict(),
                                scenario=self.scenario.name if self.scenario else None,
                                as_of=self.as_of, data_end=year_to_date(draws.data_end),
                                data_end_by_benchmark=self.data_end_by_benchmark(),
                                stale_data=stale_data(self.data_end_by_benchmark(), [benchmark.lower()],
                                                      self.as_of))

    def benchmark_ceilings(self, benchmarks: list[str]) -> dict[str, dict[str, Any]]:
        """The highest score each benchmark's link can give, and the best score seen on it.

        The highest score is 1 - e_b (its ceiling loss e_b; `forecast.model.links`).

        Parameters
        ----------
        benchmarks : list of str
            Fitted benchmarks.

        Returns
        -------
        dict
            Per benchmark: the posterior median `ceiling_median` and 90% interval
            `ceiling_interval90` of 1 - e_b, its posterior draws (`draws`), and `best_observed`:
            the best score on the benchmark in the registry by the as-of date (median of each
            model's reported scores, from any model, including those of unknown size, which the
            fit leaves out), or None.
        """
        draws = self.posterior_draws
        reg = self.seen_registry
        models = reg.models.set_index("model_id")
        out = {}
        for bench in benchmarks:
            top = 1.0 - draws.ceiling_loss[:, draws.benchmark_index(bench)]
            lo, mid, hi = np.quantile(top, [0.05, 0.5, 0.95])
            per_model = reg.scores[reg.scores["benchmark"] == bench].groupby("model_id")["score"].median()
            best = None
            if len(per_model):
                model_id = str(per_model.idxmax())
                row = models.loc[model_id] if model_id in models.index else None
                size = float(row["params_total"]) if row is not None else np.nan
                best = {"model_id": model_id, "name": str(row["name"]) if row is not None else model_id,
                        "score": float(per_model.max()),
                        "params_total": size if np.isfinite(size) and size > 0 else None}
            out[bench] = {"draws": top, "ceiling_median": float(mid),
                          "ceiling_interval90": [float(lo), float(hi)], "best_observed": best}
        return out

    def ceiling_check(self, target: Target) -> list[dict[str, Any]]:
        """Where each score threshold of `target` stands against its benchmark's fitted ceiling.

        The link gives at most p = 1 - e_b whatever the capability, so in a posterior draw whose
        1 - e_b is at or below the threshold y no future release reaches it and the projection
        answers "not before the horizon".

        Parameters
        ----------
        target : Target

        Returns
        -------
        list of dict
            Per threshold: `benchmark_ceilings` (without the draws) and
            `share_at_or_above_ceiling`, the share of draws with y >= 1 - e_b. Empty for a model
            target.

        >>> engine = Engine()
        >>> engine.ceiling_check(engine.target("mmlu=0.90"))[0]["share_at_or_above_ceiling"]  # doctest: +SKIP
        """
        if target.inferred:
            return []  # a model's capability: scores above a ceiling drop out of its mean
        ceilings = self.benchmark_ceilings([bench for bench, _ in target.thresholds])
        out = []
        for bench, y in target.thresholds:
            c = ceilings[bench]
            out.append({
                "benchmark": bench, "score": float(y),
                "ceiling_median": c["ceiling_median"], "ceiling_interval90": c["ceiling_interval90"],
                "share_at_or_above_ceiling": float(np.mean(y >= c["draws"])),
                "best_observed": c["best_observed"],
            })
        return out

    # ------------------------------------------------------------------ sensitivity
    def sensitivity(
        self,
        techniques: Sequence[str] | None = None,
        variants: Sequence[str] = ("removed", "widened"),
        questions: Sequence[Mapping[str, Any]] | None = None,
        map_fn: Callable[..., Iterable[Any]] = map,
    ) -> pd.DataFrame:
        """Refit sensitivity: each technique's prior removed or widened, the engine refitted on
        the changed priors (same registry, as-of date, seed, draws and tuning) and the headline
        `when` questions answered again, against the unmodified fit of this engine's settings.

        Each refit is `sensitivity_task` of one plain-data spec, which builds its own engine, so
        `map_fn` may run them anywhere (e.g. as Dask tasks); the unmodified (base) fit is the
        first spec, loaded from the fit cache when this engine's fit is there.

        Parameters
        ----------
        techniques : sequence of str or None
            Technique ids (default: every technique known at the as-of date); an unknown id
            raises `UserError` naming it and the known ids.
        variants : sequence of str
            Among ``removed``, ``widened`` and ``group`` (one refit per group of engine priors
            widened: the drift's long-run rate, the release process, the benchmark links;
            `forecast.api.sensitivity.GROUPS`).
        questions : sequence of mapping or None
            Each ``{"target": ..., "params": ...}`` (a total-parameter budget); default
            `forecast.api.sensitivity.DEFAULT_QUESTIONS` (mmlu=0.70 within 1B, mmlu=0.80 within 7B).
        map_fn : callable
            An ordered map, ``map_fn(fn, specs)`` -> results in the order of `specs` (default
            the builtin `map`: one refit after another in this process).

        Returns
        -------
        pandas.DataFrame
            One row per technique x variant x question
            (`forecast.api.sensitivity.sensitivity_frame`).

        Raises
        ------
        UserError
            For an unknown technique or variant, a group whose priors cannot be widened, or an
            engine with a scenario.
        """
        if self.scenario is not None:
            raise UserError("a sensitivity sweep runs on priors without a scenario", key="scenario")
        data, priors, _ = self._inputs
        ids = list(self.priors.introduced_by(self.as_of).techniques) if techniques is None else list(techniques)
        specs = sensitivity_specs(data, priors, self.as_of, self.seed, self.draws, self.tune, ids,
                                  list(variants), questions, use_cache=self.use_cache)
        return sensitivity_frame(list(map_fn(sensitivity_task, specs)))

    # ------------------------------------------------------------------ registry facts
    def _reached_latent(self, target: Target, budget: Budget, within: Any, models: Any) -> dict[str, Any] | None:
        """Registry models whose posterior-median capability (less the median quality loss of
        `budget.bits`-bit weights for memory budgets) meets the median required capability."""
        d = self.posterior_draws
        if d.theta is None:
            return None
        theta = np.median(d.theta, axis=0)
        if budget.axis == "memory_bytes":
            retentions = self.future_draws().retention
            retention = retentions.get(float(budget.bits or 16))
            if retention is None:
                raise UserError(f"no quality-retention prior for {budget.bits:g}-bit weights "
                                f"(known: {sorted(retentions)})", key="bits")
            theta = theta + float(np.median(retention))
        need = float(np.median(required_theta(d, target)[0]))
        ok = [m for m, v in zip(d.model_ids, theta) if v >= need and m in within]
        return _earliest_model(models, ok, "posterior median capability")

    def already_reached(self, target: Target, budget: Budget) -> dict[str, Any] | None:
        """The earliest registry model (released by the as-of date) that meets the target
        within the budget.

        A score target on a parameter budget is judged by the median of the model's reported
        scores on each benchmark; a model target (fitted or inferred from a model's scores), or a
        memory budget (a quantized model keeps only part of its quality), by the
        posterior-median fitted capability.

        Parameters
        ----------
        target : Target
        budget : Budget

        Returns
        -------
        dict or None
            ``model_id``, ``name``, ``date`` (ISO), ``params_total`` and ``judged_by``; None when
            no model qualifies.
        """
        reg = self.seen_registry
        models = reg.models.set_index("model_id")
        if budget.axis == "params_active":
            size = models["params_active"].fillna(models["params_total"])
            limit = budget.value
        elif budget.axis == "memory_bytes":
            size = models["params_total"]
            limit = 8.0 * budget.value / float(budget.bits or 16)
        else:
            size = models["params_total"]
            limit = budget.value
        within = size[(size > 0) & (size <= limit)].index
        if target.model_id is not None or target.inferred or budget.axis == "memory_bytes":
            return self._reached_latent(target, budget, within, models)
        scores = reg.scores[reg.scores["model_id"].isin(within)]
        per = scores.groupby(["model_id", "benchmark"])["score"].median().unstack()
        mask = pd.Series(True, index=per.index)
        for bench, y in target.thresholds:
            col = per[bench] if bench in per else pd.Series(np.nan, index=per.index)
            mask &= col >= y
        return _earliest_model(models, list(per.index[mask]), "median of its reported scores")


def when(target: str, **kwargs: Any) -> WhenResult:
    """`Engine(...).when(target, ...)` in one call; engine keywords are passed through.

    Parameters
    ----------
    target : str
        The target (`Engine.when`).
    **kwargs
        `Engine` arguments and `Engine.when` arguments.

    Returns
    -------
    WhenResult

    >>> forecast.when("mmlu=0.70", params="7B").quantiles  # doctest: +SKIP
    """
    engine_keys = set(inspect.signature(Engine.__init__).parameters) - {"self"}
    ekw = {k: kwargs.pop(k) for k in list(kwargs) if k in engine_keys}
    return Engine(**ekw).when(target, **kwargs)


def size(target: str, dates: list[date | str], **kwargs: Any) -> SizeResult:
    """`Engine(...).size(target, dates)` in one call.

    Parameters
    ----------
    target : str
        The target (`Engine.size`).
    dates : list of date or str
        Dates after the as-of date.
    **kwargs
        `Engine` arguments.

    Returns
    -------
    SizeResult
    """
    return Engine(**kwargs).size(target, dates)


def capability(benchmark: str, dates: list[date | str], **kwargs: Any) -> CapabilityResult:
    """`Engine(...).capability(benchmark, dates, params=...)` in one call.

    Parameters
    ----------
    benchmark : str
        A fitted benchmark.
    dates : list of date or str
        Dates after the as-of date.
    **kwargs
        `Engine` arguments and the budget (``params``, ``active_params``, ``memory``, ``bits``).

    Returns
    -------
    CapabilityResult
    """
    budget_keys = {"params", "active_params", "memory", "bits"}
    bkw = {k: kwargs.pop(k) for k in list(kwargs) if k in budget_keys}
    return Engine(**kwargs).capability(benchmark, dates, **bkw)


def sensitivity_task(spec: Mapping[str, Any]) -> dict[str, Any]:
    """One refit of a sweep: build the engine on the modified priors, fit it, answer the questions.

    Module-level and given plain data, so it can be sent to a Dask worker.

    Parameters
    ----------
    spec : mapping
        One item of `forecast.api.sensitivity.sensitivity_specs`.

    Returns
    -------
    dict
        technique, variant, prior (`forecast.api.sensitivity.modified_priors`'s record or
        None), fitted_techniques (the technique ids of the posterior's ``beta``), diagnostics
        (the fit's, as a dict) and answers: per question its label, target, params and the
        decimal years of the 10%, 50% and 90% quantiles (None: not before the horizon).
    """
    prior_set = spec["priors"] if isinstance(spec["priors"], PriorSet) else load_priors(spec["priors"])
    modified, changed = modified_priors(prior_set, spec["as_of"], spec["technique"], spec["variant"])
    engine = Engine(data=spec["data"], priors=modified, as_of=spec["as_of"], seed=spec["seed"],
                    draws=spec["draws"], tune=spec["tune"], use_cache=spec.get("use_cache", True))
    fit = engine.fit()
    posterior = fit.posterior
    fitted = ([str(x) for x in posterior["beta"].coords["technique"].values]
              if "beta" in posterior and "technique" in posterior["beta"].coords else [])
    answers = []
    for q in spec["questions"]:
        samples = engine.when(q["target"], params=q["params"]).samples
        qs = [float(np.quantile(samples, level, method="inverted_cdf")) for level in SENSITIVITY_LEVELS]
        answers.append({"question": q["label"], "target": q["target"], "params": q["params"],
                        "years": [v if math.isfinite(v) else None for v in qs]})
    return {"technique": spec["technique"], "variant": spec["variant"], "prior": changed,
            "fitted_techniques": fitted, "diagnostics": fit.diagnostics.to_dict(), "answers": answers}
