"""Library API: the engine's questions as Python calls returning tidy results.

>>> import forecast
>>> engine = forecast.Engine(seed=1)                    # shipped registry and priors
>>> result = engine.when("mmlu=0.70", params="7B")      # doctest: +SKIP
>>> result.quantiles["0.5"], result.p_not_before_horizon  # doctest: +SKIP

`Engine.fit` samples the posterior once (or loads it from the cache); `when`, `size` and
`capability` project it forward with `forecast.projection.project`. Every result carries the diagnostics
of the fit it used and converts to a dict (`to_dict`, the CLI's JSON) or a DataFrame
(`to_frame`).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from forecast.core.errors import UserError
from forecast.inputs.dates import decimal_year, parse_date, year_to_date
from forecast.projection.project import Budget, ProjectionSettings, Target

QUANTILE_LEVELS = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)
DEFAULT_HORIZON = date(2040, 1, 1)


def _quantile_dates(samples: np.ndarray) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for q in QUANTILE_LEVELS:
        v = np.quantile(samples, q, method="inverted_cdf")
        out[f"{q:g}"] = year_to_date(float(v)).isoformat() if np.isfinite(v) else None
    return out


@dataclass
class WhenResult:
    """Distribution of the first date a release within the budget meets the target."""

    target: str
    budget: Budget
    as_of: date
    start: date
    horizon: date
    samples: np.ndarray  # decimal years; inf = not before the horizon
    already_reached_by: dict[str, Any] | None
    diagnostics: dict[str, Any]
    p_by_dates: list[date] = field(default_factory=list)
    scenario: str | None = None
    ceiling: list[dict[str, Any]] = field(default_factory=list)  # `Engine.ceiling_check`

    @property
    def quantiles(self) -> dict[str, str | None]:
        return _quantile_dates(self.samples)

    def p_by(self, when: date) -> float:
        return float(np.mean(self.samples <= decimal_year(when)))

    @property
    def p_not_before_horizon(self) -> float:
        return float(np.mean(~(self.samples <= decimal_year(self.horizon))))

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "budget": {"axis": self.budget.axis, "value": self.budget.value,
                       "bits": self.budget.bits, "description": self.budget.describe()},
            "as_of": self.as_of.isoformat(),
            "data_end": self.start.isoformat(),
            "horizon": self.horizon.isoformat(),
            "quantiles": self.quantiles,
            "p_by": {d.isoformat(): self.p_by(d) for d in self.p_by_dates},
            "p_not_before_horizon": self.p_not_before_horizon,
            "already_reached_by": self.already_reached_by,
            "n_samples": int(len(self.samples)),
            "scenario": self.scenario,
            "ceiling": self.ceiling,
            "diagnostics": self.diagnostics,
        }

    def to_frame(self) -> pd.DataFrame:
        """Tidy CDF: one row per p_by date."""
        return pd.DataFrame(
            {"date": [d for d in self.p_by_dates], "p_by": [self.p_by(d) for d in self.p_by_dates]}
        )


@dataclass
class SizeResult:
    """Smallest parameter count meeting the target by each date (quantiles over futures)."""

    target: str
    dates: list[date]
    log10_params: np.ndarray  # (paths, dates); inf = larger than the grid
    diagnostics: dict[str, Any]
    scenario: str | None = None
    ceiling: list[dict[str, Any]] = field(default_factory=list)  # `Engine.ceiling_check`

    def to_frame(self) -> pd.DataFrame:
        rows = []
        for i, d in enumerate(self.dates):
            col = self.log10_params[:, i]
            row: dict[str, Any] = {"date": d}
            for q in QUANTILE_LEVELS:
                v = np.quantile(col, q, method="inverted_cdf")
                row[f"{q:g}"] = float(10**v) if np.isfinite(v) else None
            row["p_within_grid"] = float(np.mean(np.isfinite(col)))
            rows.append(row)
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        frame = self.to_frame()
        return {
            "target": self.target,
            "dates": [d.isoformat() for d in self.dates],
            "quantiles": [
                {"date": r["date"].isoformat(), **{f"{q:g}": r[f"{q:g}"] for q in QUANTILE_LEVELS}}
                for _, r in frame.iterrows()
            ],
            "scenario": self.scenario,
            "ceiling": self.ceiling,
            "diagnostics": self.diagnostics,
        }


@dataclass
class CapabilityResult:
    """Score of the best release within the budget over the year up to each date."""

    benchmark: str
    budget: Budget
    dates: list[date]
    scores: np.ndarray  # (paths, dates)
    diagnostics: dict[str, Any]
    scenario: str | None = None

    def to_frame(self) -> pd.DataFrame:
        rows = []
        for i, d in enumerate(self.dates):
            row: dict[str, Any] = {"date": d}
            for q in QUANTILE_LEVELS:
                row[f"{q:g}"] = float(np.quantile(self.scores[:, i], q))
            rows.append(row)
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        frame = self.to_frame()
        return {
            "benchmark": self.benchmark,
            "budget": {"axis": self.budget.axis, "value": self.budget.value, "bits": self.budget.bits},
            "quantiles": [
                {"date": r["date"].isoformat(), **{f"{q:g}": r[f"{q:g}"] for q in QUANTILE_LEVELS}}
                for _, r in frame.iterrows()
            ],
            "scenario": self.scenario,
            "diagnostics": self.diagnostics,
        }


class Engine:
    """The forecasting engine on one registry, prior set and as-of date.

    Parameters
    ----------
    data, priors : folders with a user registry / prior set (default: the shipped ones).
    scenario : a scenario TOML file overriding priors and projection settings.
    as_of : fit only on what was known by this date (default: the registry's last release).
    seed : seeds the sampler and the projection; the same seed gives the same numbers.
    draws : posterior draws per chain (4 chains).
    tune : tuning steps per chain (None: 400 from 300 informative models, else 1000;
        `forecast.model.fit.tune_for`).

    >>> engine = Engine(seed=7)                               # doctest: +SKIP
    >>> engine.when("model:gpt-3-175b", params="1B").quantiles  # doctest: +SKIP
    """

    def __init__(
        self,
        data: str | Path | None = None,
        priors: str | Path | None = None,
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
        from forecast.inputs.priors import load_priors
        from forecast.inputs.registry import load_registry
        from forecast.inputs.scenarios import load_scenario

        self.registry = load_registry(data)
        self.scenario = load_scenario(scenario) if scenario is not None else None
        prior_set = load_priors(priors)
        if self.scenario is not None:
            from forecast.inputs.scenarios import check_scenario_priors

            check_scenario_priors(self.scenario, prior_set)
            prior_set = self.scenario.apply_priors(prior_set)
        self.priors = prior_set
        last = self.registry.models["release_date"].max()
        self.as_of = parse_date(as_of, "as_of", default=pd.Timestamp(last).date())
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

    # ------------------------------------------------------------------ fitting
    def settings(self) -> Any:
        from forecast.model.fit import FitSettings

        return FitSettings(as_of=self.as_of, draws=self.draws, tune=self.tune,
                           seed=self.seed, variant=self.variant)

    def fit(self, strict: bool = False) -> Any:
        """Sample (or load from the cache) the posterior; returns a `forecast.model.fit.Fit`."""
        if self._fit is None:
            from forecast.model.fit import fit_model

            self._fit = fit_model(self.registry, self.priors, self.settings(),
                                  progress=self.progress, use_cache=self.use_cache, strict=strict)
        elif strict:
            from forecast.model.fit import require_converged

            require_converged(self._fit.diagnostics, strict)
        return self._fit

    @property
    def posterior_draws(self) -> Any:
        if self._draws is None:
            from forecast.projection.posterior import projection_draws

            self._draws = projection_draws(self.fit(), self.priors.introduced_by(self.as_of), seed=self.seed)
        return self._draws

    def future_draws(self) -> Any:
        from forecast.projection.future_draws import sample_future_draws, tokens_score

        known = self.priors.introduced_by(self.as_of)
        draws = sample_future_draws(self.priors, self.posterior_draws.n, self.as_of, seed=self.seed,
                              tokens_z=tokens_score(known, self.posterior_draws.gamma))
        return self.scenario.apply_engine(draws) if self.scenario is not None else draws

    def projection_settings(self, horizon: date, **overrides: Any) -> ProjectionSettings:
        s = ProjectionSettings(horizon=decimal_year(horizon), paths_per_draw=self.paths_per_draw,
                               seed=self.seed)
        if self.scenario is not None:
            s = self.scenario.apply_projection(s)
        return replace(s, **overrides) if overrides else s

    def save(self, path: str | Path) -> Path:
        """Write the fitted posterior (with provenance) to a NetCDF file."""
        return self.fit().save(path)

    @classmethod
    def load(cls, path: str | Path, **kwargs: Any) -> Engine:
        """An engine around a saved fit (registry and priors still load for targets)."""
        from forecast.model.fit import Fit

        fit = Fit.load(path)
        engine = cls(as_of=fit.as_of, **kwargs)
        engine._fit = fit
        return engine

    # ------------------------------------------------------------------ queries
    def fit_scope(self) -> tuple[list[str], list[str]]:
        """The benchmarks and model ids the fit holds (or will hold), found without sampling:
        the model's own input preparation on the registry as of the as-of date."""
        if self._fit is not None:
            return list(self.fit().inputs["benchmark"].values), [str(x) for x in self.fit().inputs["model"].values]
        if self._scope is None:
            from forecast.model.graph import prepare_inputs
            from forecast.model.priors import model_priors_from

            settings, reg = self.settings(), self.registry
            mp = model_priors_from(self.priors.introduced_by(settings.as_of), reg.benchmarks)
            inp = prepare_inputs(reg.models, reg.scores, reg.benchmarks, mp, settings.as_of,
                                 min_models_per_benchmark=settings.min_models_per_benchmark,
                                 benchmark_set=list(settings.benchmarks))
            self._scope = (list(inp.benchmarks), [str(x) for x in inp.model_ids])
        return self._scope

    def target(self, text: str) -> Target:
        """Parse a target against the fitted benchmarks and models (no sampling needed)."""
        from forecast.api.targets import parse_target

        benchmarks, model_ids = self.fit_scope()
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
    ) -> WhenResult:
        """When does a release within the budget first meet `target`?

        >>> Engine().when("mmlu=0.70", params="7B").quantiles["0.5"]  # doctest: +SKIP
        """
        from forecast.projection.project import crossing_times
        from forecast.api.targets import make_budget

        budget = make_budget(params, active_params, memory, bits)
        tgt = self.target(target)
        end = parse_date(horizon, "horizon", default=DEFAULT_HORIZON)
        if end <= self.as_of:
            raise UserError(f"horizon {end} is not after the as-of date {self.as_of}", key="horizon")
        extra = [parse_date(x, "p_by") for x in (p_by or [])]
        draws = self.posterior_draws
        start = year_to_date(draws.data_end)
        reached = self.already_reached(tgt, budget)
        if reached is not None:
            samples = np.full(draws.n * self.paths_per_draw, decimal_year(date.fromisoformat(reached["date"])))
        else:
            samples = crossing_times(draws, self.future_draws(), tgt, budget,
                                     self.projection_settings(end))
        years = [date(y, 1, 1) for y in range(self.as_of.year + 1, end.year + 1)]
        dates = sorted(set(years + extra))
        return WhenResult(
            target=tgt.label, budget=budget, as_of=self.as_of, start=start, horizon=end,
            samples=samples, already_reached_by=reached,
            diagnostics=self.fit().diagnostics.to_dict(), p_by_dates=dates,
            scenario=self.scenario.name if self.scenario else None,
            ceiling=self.ceiling_check(tgt),
        )

    def size(self, target: str, dates: list[date | str]) -> SizeResult:
        """Smallest parameter count that meets `target` by each date."""
        from forecast.projection.project import smallest_size

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
                          ceiling=self.ceiling_check(tgt))

    def capability(
        self, benchmark: str, dates: list[date | str], params: str | float | None = None,
        active_params: str | float | None = None, memory: str | float | None = None,
        bits: float | None = None,
    ) -> CapabilityResult:
        """Score of the best release within the budget over the year up to each date."""
        from forecast.projection.project import best_score
        from forecast.api.targets import make_budget, parse_target

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
                                scenario=self.scenario.name if self.scenario else None)

    def benchmark_ceilings(self, benchmarks: list[str]) -> dict[str, dict[str, Any]]:
        """Per benchmark: the highest score its link can give, 1 - e_b (its ceiling loss e_b;
        `forecast.model.graph`), as the posterior median `ceiling_median` and 90% interval
        `ceiling_interval90`, the posterior draws of it (`draws`), and `best_observed`: the best
        score on the benchmark in the registry by the as-of date (median of each model's reported
        scores, from any model, including those of unknown size, which the fit leaves out)."""
        draws = self.posterior_draws
        reg = self.registry.as_of(self.as_of)
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
        answers "not before the horizon". Per threshold: `benchmark_ceilings` (without the draws)
        and `share_at_or_above_ceiling`, the share of draws with y >= 1 - e_b. Empty for a model
        target.

        >>> engine = Engine()
        >>> engine.ceiling_check(engine.target("mmlu=0.90"))[0]["share_at_or_above_ceiling"]  # doctest: +SKIP
        """
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

    # ------------------------------------------------------------------ registry facts
    def _reached_latent(self, target: Target, budget: Budget, within: Any, models: Any) -> dict[str, Any] | None:
        """Registry models whose posterior-median capability (less the median quality loss of
        `budget.bits`-bit weights for memory budgets) meets the median required capability."""
        from forecast.projection.project import required_theta

        d = self.posterior_draws
        if d.theta is None:
            return None
        theta = np.median(d.theta, axis=0)
        if budget.axis == "memory_bytes":
            retention = self.future_draws().retention.get(float(budget.bits or 16))
            if retention is None:
                raise UserError(f"no quality-retention prior for {budget.bits:g}-bit weights "
                                f"(known: {sorted(self.future_draws().retention)})", key="bits")
            theta = theta + float(np.median(retention))
        need = float(np.median(required_theta(d, target)[0]))
        ok = [m for m, v in zip(d.model_ids, theta) if v >= need and m in within]
        if not ok:
            return None
        cand = models.loc[ok].sort_values(["release_date", "params_total"])
        first = cand.iloc[0]
        return {
            "model_id": str(cand.index[0]),
            "name": str(first.get("name", cand.index[0])),
            "date": pd.Timestamp(first["release_date"]).date().isoformat(),
            "params_total": float(first["params_total"]),
            "judged_by": "posterior median capability",
        }

    def already_reached(self, target: Target, budget: Budget) -> dict[str, Any] | None:
        """The earliest registry model (released by the as-of date) that meets the target
        within the budget, judged by the median of its scores on each benchmark."""
        reg = self.registry.as_of(self.as_of)
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
        if target.model_id is not None or budget.axis == "memory_bytes":
            # judged on fitted capabilities: a quantized model keeps only part of its quality
            return self._reached_latent(target, budget, within, models)
        else:
            scores = reg.scores[reg.scores["model_id"].isin(within)]
            per = scores.groupby(["model_id", "benchmark"])["score"].median().unstack()
            mask = pd.Series(True, index=per.index)
            for bench, y in target.thresholds:
                col = per[bench] if bench in per else pd.Series(np.nan, index=per.index)
                mask &= col >= y
            ok = list(per.index[mask])
        if not ok:
            return None
        cand = models.loc[ok].sort_values(["release_date", "params_total"])
        first = cand.iloc[0]
        return {
            "model_id": str(cand.index[0]),
            "name": str(first.get("name", cand.index[0])),
            "date": pd.Timestamp(first["release_date"]).date().isoformat(),
            "params_total": float(first["params_total"]),
            "judged_by": "median of its reported scores",
        }


def when(target: str, **kwargs: Any) -> WhenResult:
    """`Engine(...).when(target, ...)` in one call; engine keywords are passed through.

    >>> forecast.when("mmlu=0.70", params="7B").quantiles  # doctest: +SKIP
    """
    engine_keys = set(inspect.signature(Engine.__init__).parameters) - {"self"}
    ekw = {k: kwargs.pop(k) for k in list(kwargs) if k in engine_keys}
    return Engine(**ekw).when(target, **kwargs)


def size(target: str, dates: list[date | str], **kwargs: Any) -> SizeResult:
    """`Engine(...).size(target, dates)` in one call."""
    return Engine(**kwargs).size(target, dates)


def capability(benchmark: str, dates: list[date | str], **kwargs: Any) -> CapabilityResult:
    """`Engine(...).capability(benchmark, dates, params=...)` in one call."""
    budget_keys = {"params", "active_params", "memory", "bits"}
    bkw = {k: kwargs.pop(k) for k in list(kwargs) if k in budget_keys}
    return Engine(**kwargs).capability(benchmark, dates, **bkw)
