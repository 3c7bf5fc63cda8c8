"""Turn a `PriorSet` (the TOML files under `priors/`) into the numeric priors of the model.

Technique multipliers m become normal priors on beta = log10 m (exact for lognormal files;
moment-matched in log10 space otherwise). The technique kinds:

* binary: a 0/1 registry indicator on the total-parameter axis (beta enters theta when used);
* moe: the mixture-of-experts multiplier on active parameters at `reference_sparsity`;
* tokens: the over/under-training multiplier at `reference_tpp` tokens per parameter, read
  through the loss law in force at the prior set's date (`PriorSet.token_law`);
* memory: quantization, a weight-bytes multiplier; not identified by benchmark scores, so it
  stays at its prior and only enters memory-budget queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from forecast.inputs.dates import decimal_year
from forecast.inputs.scaling_law import ChinchillaLaw, LossLaw


@dataclass(frozen=True)
class TechniqueSpec:
    """What the model needs of one technique prior (log10 units)."""

    id: str
    indicator: str
    kind: Literal["binary", "moe", "tokens", "memory"]
    log10_mean: float
    log10_sd: float
    introduced: float  # decimal year
    reference: float = float("nan")  # s_ref for moe, r_ref (tokens/param) for tokens


@dataclass
class ModelPriors:
    """Numeric priors for the model, extracted from a `PriorSet` by `model_priors_from`.

    Engine distributions are objects with `.to_pymc(name)`, `.sample(rng, size)` and
    `.median`; technique priors are normal in log10 space.
    """

    techniques: list[TechniqueSpec]
    correlation: np.ndarray  # over the binary techniques, then the tokens one, in that order
    drift_rate: Any  # long-run rate of the yearly drift slopes
    drift_spread: Any  # sd of a year's log slope around the log long-run rate
    drift_persistence: Any  # year-to-year autocorrelation phi of the slopes
    quality_sd: Any
    org_sd: Any
    noise_sd: Any
    protocol_sd: Any
    benchmark_spread: Any
    link_slope: dict[str, Any]
    link_midpoint: dict[str, Any]
    link_ceiling: dict[str, Any]
    link_family: dict[str, str]
    release_log_rate: Any
    release_growth: Any
    tpp_trend: Any
    law: LossLaw = field(default_factory=ChinchillaLaw)
    link_upper: dict[str, Any] = field(default_factory=dict)  # upper slope ratio r_b or None

    @property
    def binary(self) -> list[TechniqueSpec]:
        """The binary techniques, in the order of `techniques`."""
        return [t for t in self.techniques if t.kind == "binary"]

    def technique(self, kind: str) -> TechniqueSpec | None:
        """The first technique of `kind` ("moe", "tokens", ...), or None."""
        return next((t for t in self.techniques if t.kind == kind), None)



def technique_kind(tech: Any) -> str:
    """The model's kind of a technique prior.

    Parameters
    ----------
    tech : forecast.inputs.priors.Technique
        One technique file.

    Returns
    -------
    str
        "tokens" (read through the loss law), "moe" (on active parameters), "memory" (on weight
        bytes) or "binary" (a 0/1 indicator on total parameters).
    """
    if tech.indicator == "training_tokens":
        return "tokens"
    if tech.axis == "params_active":
        return "moe"
    if tech.axis == "memory_bytes":
        return "memory"
    return "binary"


def technique_specs(priors: Any) -> list[TechniqueSpec]:
    """The model's view of every technique of a prior set, in the set's order.

    Parameters
    ----------
    priors : forecast.inputs.priors.PriorSet
        The prior set.

    Returns
    -------
    list of TechniqueSpec
        Each technique's kind, log10 prior moments, introduction date and reference point.
    """
    specs = []
    for tech in priors.techniques.values():
        kind = technique_kind(tech)
        mean, sd = tech.multiplier.log10_moments()
        reference = float("nan")
        if kind == "moe":
            reference = float(tech.reference_sparsity)
        elif kind == "tokens":
            reference = float(tech.reference_tpp)
        specs.append(
            TechniqueSpec(
                id=tech.id,
                indicator=tech.indicator,
                kind=kind,
                log10_mean=float(mean),
                log10_sd=float(sd),
                introduced=decimal_year(tech.introduced),
                reference=reference,
            )
        )
    return specs


def _link_priors(links: Any, benchmarks: pd.DataFrame) -> tuple[dict[str, Any], ...]:
    """(slope, midpoint, ceiling loss, family, upper slope ratio) by benchmark: each benchmark's
    `[links.<benchmark>]` entry where it sets one, else the default link prior. The upper slope
    ratio is optional: None, or a ratio fixed at 1, keeps the plain link."""
    slope, mid, ceil, family, upper = {}, {}, {}, {}, {}
    for b in benchmarks["benchmark"]:
        override = links.benchmarks.get(b)

        def pick(key: str, override: Any = override) -> Any:
            value = getattr(override, key, None)
            return getattr(links, key) if value is None else value

        slope[b], mid[b], ceil[b] = pick("slope"), pick("midpoint"), pick("ceiling_loss")
        family[b] = pick("family")
        r = pick("upper_slope_ratio")
        plain = r is not None and r.distribution == "fixed" and r.median == 1.0
        upper[b] = None if plain else r
    return slope, mid, ceil, family, upper


def model_priors_from(priors: Any, benchmarks: pd.DataFrame) -> ModelPriors:
    """Numeric model priors from a prior set.

    Parameters
    ----------
    priors : forecast.inputs.priors.PriorSet
        The prior set (usually `introduced_by` the fit's as-of date).
    benchmarks : pandas.DataFrame
        The registry's benchmark table; every benchmark in it gets link priors.

    Returns
    -------
    ModelPriors
    """
    specs = technique_specs(priors)
    # the jointly distributed multipliers: binary techniques, then over-training
    # (`forecast.model.graph.build_model`)
    joint_ids = [s.id for s in specs if s.kind == "binary"] + [s.id for s in specs if s.kind == "tokens"]
    corr = np.asarray(priors.correlation(joint_ids), dtype=float) if joint_ids else np.zeros((0, 0))
    engine_priors = priors.engine  # the file priors/_engine.toml
    slope, mid, ceil, family, upper = _link_priors(engine_priors.links, benchmarks)
    law = priors.token_law()
    return ModelPriors(
        techniques=specs,
        correlation=corr,
        drift_rate=engine_priors.drift.rate,
        drift_spread=engine_priors.drift.spread,
        drift_persistence=engine_priors.drift.persistence,
        quality_sd=engine_priors.frontier.quality_sd,
        org_sd=engine_priors.frontier.org_sd,
        noise_sd=engine_priors.observation.noise_sd,
        protocol_sd=engine_priors.observation.protocol_effect_sd,
        benchmark_spread=engine_priors.observation.benchmark_spread,
        link_slope=slope,
        link_midpoint=mid,
        link_ceiling=ceil,
        link_family=family,
        link_upper=upper,
        release_log_rate=engine_priors.releases.log_rate,
        release_growth=engine_priors.releases.growth_per_year,
        tpp_trend=engine_priors.tokens.impute_trend,
        law=law,
    )
