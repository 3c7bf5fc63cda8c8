"""The Bayesian engine and its two ablations as backtest methods.

* `engine`: the full model (techniques, tokens, drift, release process, future arrivals);
* `drift_only`: the same engine with every technique and token term removed and no future
  technique arrivals: progress is the drift alone, so its drift's long-run rate has the prior on
  total progress in capability per parameter (`priors/baselines/total_progress.toml`,
  `forecast.evaluation.total_progress`) instead of the engine's prior on the residual;
* `priors_only`: the full engine sampled from its priors, with no update on the registry.

Each is fitted with `--as-of` semantics: only the models (and scores) released by the cutoff and
only the techniques introduced by then; later techniques are what the future-arrival process
stands for. The projection starts at the cutoff (the registry is complete up to it), so every
sample is conditioned on "not reached by the cutoff".

The technique priors come in one of two modes (`PRIORS_AS_OF`): "cutoff" (dated priors, the
default) gives a technique whose every evidence entry was published after the cutoff the
engine's prior for a technique not yet measured (`forecast.inputs.priors.PriorSet.measured_by`);
"today" uses the files' priors as they are, calibrated with hindsight. `drift_only` has no
technique terms; in "cutoff" mode its total-progress prior is built from the evidence published
by the cutoff (`forecast.evaluation.total_progress.TotalProgressPrior.known_by`), in "today" mode
from all of it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from forecast.core.errors import UserError
from forecast.evaluation.events import Event
from forecast.evaluation.total_progress import drift_only_priors, load_total_progress
from forecast.inputs.dates import decimal_year
from forecast.inputs.priors import PriorSet, load_priors
from forecast.inputs.registry import Registry, load_registry
from forecast.projection.question import Budget, Target
from forecast.projection.settings import ProjectionSettings

BACKTEST_HORIZON = 2040.0

# the modes of the technique priors in a backtest: as of each cutoff (dated) or as of today
PRIORS_AS_OF = ("cutoff", "today")
PRIORS_AS_OF_LABELS = {"cutoff": "dated priors (as of each cutoff)", "today": "today's priors (with hindsight)"}


def check_priors_as_of(mode: str, key: str = "priors_as_of") -> str:
    """`mode` if it is one of `PRIORS_AS_OF`, else a `UserError` naming `key`.

    Parameters
    ----------
    mode : str
        "cutoff" or "today".
    key : str
        The option or argument named in the error.

    Returns
    -------
    str
    """
    if mode not in PRIORS_AS_OF:
        raise UserError(f"unknown priors mode '{mode}' (known: {', '.join(PRIORS_AS_OF)})", key=key)
    return mode


def priors_at(priors: PriorSet, cutoff: date, mode: str) -> PriorSet:
    """The prior set a fit as of `cutoff` starts from in `mode` (`PRIORS_AS_OF`): the dated
    priors (`PriorSet.measured_by(cutoff)`) for "cutoff", `priors` itself for "today".

    Parameters
    ----------
    priors : forecast.inputs.priors.PriorSet
        The full prior set as loaded.
    cutoff : date
        The fit's as-of date.
    mode : str
        "cutoff" or "today".

    Returns
    -------
    forecast.inputs.priors.PriorSet
    """
    return priors.measured_by(cutoff) if check_priors_as_of(mode) == "cutoff" else priors


def _frame_hash(models: pd.DataFrame, scores: pd.DataFrame) -> str:
    h = hashlib.sha256()
    h.update(models.to_csv(index=False).encode())
    h.update(scores.to_csv(index=False).encode())
    return h.hexdigest()


@dataclass(frozen=True)
class EngineMethod:
    """A backtest method (`forecast.evaluation.method_protocol.Method`) backed by
    `forecast.model.fit.fit_model` and the projection's `forecast.projection.crossing.crossing_times`.

    Parameters
    ----------
    name : str
        The method's name in the backtest's tables.
    variant : {"full", "drift_only", "priors_only"}
        The model variant fitted (module docstring).
    draws, tune : int
        Posterior draws and tuning steps per chain.
    paths_per_draw : int
        Simulated futures per posterior draw.
    priors_dir, data_dir : str or None
        A user prior set and registry (default: the shipped ones).
    use_cache : bool
        Load and store fits in the fit cache.
    total_progress : str or None
        The total-progress prior file the `drift_only` variant uses for its drift rate (default:
        the shipped `priors/baselines/total_progress.toml`); the other variants ignore it.
    priors_as_of : {"cutoff", "today"}
        The priors' mode (`PRIORS_AS_OF`, module docstring): the technique priors and, for
        `drift_only`, the total-progress prior as of the cutoff, or as the files state them.
    """

    name: str = "engine"
    variant: str = "full"  # full | drift_only | priors_only
    draws: int = 1500
    tune: int = 1500
    paths_per_draw: int = 2
    priors_dir: str | None = None
    data_dir: str | None = None
    use_cache: bool = True
    total_progress: str | None = None
    priors_as_of: str = "cutoff"

    def __post_init__(self) -> None:
        check_priors_as_of(self.priors_as_of)

    def priors(self, cutoff: date | None = None) -> PriorSet:
        """The prior set this method fits with.

        Parameters
        ----------
        cutoff : date, optional
            The fit's as-of date: with it, and in "cutoff" mode (`priors_as_of`), the other
            variants get the dated priors as of that date (`priors_at`).

        Returns
        -------
        PriorSet
            The prior set of `priors_dir`; for the `drift_only` variant with its drift rate
            replaced by the total-progress prior (`forecast.evaluation.total_progress`).
        """
        priors = load_priors(self.priors_dir)
        if self.variant == "drift_only":
            dated = cutoff is not None and check_priors_as_of(self.priors_as_of) == "cutoff"
            priors = drift_only_priors(priors, load_total_progress(self.total_progress),
                                       known_by=cutoff if dated else None)
        elif cutoff is not None:
            priors = priors_at(priors, cutoff, self.priors_as_of)
        return priors

    def fit(self, models: pd.DataFrame, scores: pd.DataFrame, cutoff: date, seed: int):
        """The (cached) fit of this method's variant as of `cutoff`, and its prior set.

        Parameters
        ----------
        models, scores : pandas.DataFrame
            The models known at `cutoff` and their score rows.
        cutoff : datetime.date
            The as-of date of the fit.
        seed : int
            The sampler's seed.

        Returns
        -------
        tuple
            The `forecast.model.store.Fit` and the `PriorSet` it was fitted with (`priors`).
        """
        from forecast.model.fit import FitSettings, fit_model  # deferred: imports xarray and SciPy

        shipped = load_registry(self.data_dir)
        registry = Registry(models=models, scores=scores, benchmarks=shipped.benchmarks,
                            source=Path(str(shipped.source)), sha256=_frame_hash(models, scores))
        priors = self.priors(cutoff)
        draws = 1000 if self.variant == "priors_only" else self.draws
        settings = FitSettings(as_of=cutoff, draws=draws, tune=self.tune, seed=seed,
                               variant=self.variant)  # type: ignore[arg-type]
        return fit_model(registry, priors, settings, progress=False, use_cache=self.use_cache), priors

    def sample_crossings(
        self,
        models: pd.DataFrame,
        scores: pd.DataFrame,
        cutoff: date,
        events: list[Event],
        n_samples: int,
        seed: int,
    ) -> np.ndarray:
        draws, priors = self.posterior_draws(models, scores, cutoff, seed)
        return self.crossings_from(draws, priors, cutoff, events, n_samples, seed)

    def posterior_draws(self, models: pd.DataFrame, scores: pd.DataFrame, cutoff: date, seed: int):
        """The projection's draws of the (cached) fit as of `cutoff`, and the prior set."""
        from forecast.projection.posterior import projection_draws  # deferred: imports xarray

        fit, priors = self.fit(models, scores, cutoff, seed)
        return projection_draws(fit, priors.introduced_by(cutoff), seed=seed), priors

    def crossings_from(self, draws, priors, cutoff: date, events: list[Event], n_samples: int,
                       seed: int) -> np.ndarray:
        """First-crossing dates per event projected from `draws`, starting at the cutoff.

        Parameters
        ----------
        draws : forecast.projection.posterior.PosteriorDraws
            The posterior draws of the fit as of `cutoff`.
        priors : forecast.inputs.priors.PriorSet
            The prior set the fit started from (`EngineMethod.priors`; the techniques known at
            the cutoff are taken from it).
        cutoff : date
            The backtest's cutoff.
        events : list of Event
            The events to forecast.
        n_samples : int
            Samples per event, drawn from the simulated futures.
        seed : int
            Seeds the projection and the resampling.

        Returns
        -------
        numpy.ndarray
            (events, n_samples) decimal years; +inf = not before the horizon.
        """
        from forecast.projection.crossing import crossing_times  # deferred: imports xarray
        from forecast.projection.future_draws import paired_future_draws  # deferred: imports SciPy

        # the prior-only draws come from the prior set known at the cutoff
        future = paired_future_draws(priors.introduced_by(cutoff), draws, cutoff, seed)
        settings = ProjectionSettings(
            horizon=BACKTEST_HORIZON, paths_per_draw=self.paths_per_draw, seed=seed,
            start=decimal_year(cutoff), arrivals=self.variant != "drift_only", reported=True,
        )
        rng = np.random.default_rng(seed)
        out = np.empty((len(events), n_samples))
        for i, ev in enumerate(events):
            if ev.benchmark not in draws.benchmarks:
                raise UserError(f"benchmark '{ev.benchmark}' has too few scores by {cutoff} to fit",
                                key="benchmark")
            t = crossing_times(draws, future, Target(ev.key, ((ev.benchmark, ev.threshold),)),
                               Budget("params_total", ev.max_params), settings)
            out[i] = rng.choice(t, size=n_samples, replace=len(t) < n_samples)
        return out

    def diagnostics(self, models: pd.DataFrame, scores: pd.DataFrame, cutoff: date, seed: int) -> dict:
        """The diagnostics of the (cached) fit this method uses at `cutoff`."""
        fit, _ = self.fit(models, scores, cutoff, seed)
        return fit.diagnostics.to_dict()


def default_methods(draws: int = 1500, tune: int = 1500, priors_dir: str | None = None,
                    data_dir: str | None = None, priors_as_of: str = "cutoff") -> list:
    """The engine, its two ablations and the two data-only baselines, in ranking order; the
    engine-family methods with their technique priors in mode `priors_as_of` (`PRIORS_AS_OF`).

    Parameters
    ----------
    draws, tune : int
        Posterior draws and tuning steps per chain of the engine-family fits.
    priors_dir, data_dir : str or None
        A user prior set and registry folder (default: the shipped ones); the baselines take
        the benchmarks table of `data_dir` for the as-of filter.
    priors_as_of : {"cutoff", "today"}
        The engine-family methods' technique priors (`PRIORS_AS_OF`).

    Returns
    -------
    list
        `engine`, `drift_only` (with the total-progress prior), `priors_only`, `densing` and
        `naive_pooled` (both with bootstrapped parameters).
    """
    from forecast.evaluation.baselines import DensingLaw, NaivePooled  # deferred: imports SciPy

    base = EngineMethod(draws=draws, tune=tune, priors_dir=priors_dir, data_dir=data_dir,
                        priors_as_of=priors_as_of)
    return [
        base,
        replace(base, name="drift_only", variant="drift_only"),
        replace(base, name="priors_only", variant="priors_only"),
        DensingLaw(data_dir=data_dir),
        NaivePooled(data_dir=data_dir),
    ]
