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

from typing import Any

import numpy as np
import pandas as pd

from forecast.core.errors import UserError
from forecast.inputs.dates import decimal_year
from forecast.model.graph import ModelPriors, TechniqueSpec


def _section(engine: Any, name: str) -> Any:
    return engine[name] if isinstance(engine, dict) else getattr(engine, name)


def _get(engine: Any, section: str, key: str) -> Any:
    sec = _section(engine, section)
    return sec[key] if isinstance(sec, dict) else getattr(sec, key)


def _has(engine: Any, section: str, key: str) -> bool:
    try:
        _get(engine, section, key)
        return True
    except (KeyError, AttributeError):
        return False


def technique_kind(tech: Any) -> str:
    if tech.indicator == "training_tokens":
        return "tokens"
    if tech.axis == "params_active":
        return "moe"
    if tech.axis == "memory_bytes":
        return "memory"
    return "binary"


def technique_specs(priors: Any) -> list[TechniqueSpec]:
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


def model_priors_from(priors: Any, benchmarks: pd.DataFrame) -> ModelPriors:
    """Numeric model priors from a prior set; link priors for every benchmark in the registry."""
    specs = technique_specs(priors)
    # the jointly distributed multipliers: binary techniques, then over-training (see model.py)
    joint_ids = [s.id for s in specs if s.kind == "binary"] + [s.id for s in specs if s.kind == "tokens"]
    corr = np.asarray(priors.correlation(joint_ids), dtype=float) if joint_ids else np.zeros((0, 0))
    eng = priors.engine
    links = _section(eng, "links")
    slope, mid, ceil, family, upper = {}, {}, {}, {}, {}
    for b in benchmarks["benchmark"]:
        override = None
        if isinstance(links, dict):
            override = links.get(b)
        else:
            override = getattr(links, "benchmarks", {}).get(b) if hasattr(links, "benchmarks") else None

        def pick(key: str, override: Any = override) -> Any:
            if override is not None:
                value = override.get(key) if isinstance(override, dict) else getattr(override, key, None)
                if value is not None:
                    return value
            if key == "upper_slope_ratio":  # optional: None keeps the plain link
                return links.get(key) if isinstance(links, dict) else getattr(links, key, None)
            return links[key] if isinstance(links, dict) else getattr(links, key)

        slope[b], mid[b], ceil[b] = pick("slope"), pick("midpoint"), pick("ceiling_loss")
        family[b] = pick("family")
        upper[b] = pick("upper_slope_ratio")
    law = priors.token_law()
    return ModelPriors(
        techniques=specs,
        correlation=corr,
        drift_rate=_get(eng, "drift", "rate"),
        drift_spread=_get(eng, "drift", "spread"),
        drift_persistence=_get(eng, "drift", "persistence"),
        quality_sd=_get(eng, "frontier", "quality_sd"),
        org_sd=_get(eng, "frontier", "org_sd"),
        noise_sd=_get(eng, "observation", "noise_sd"),
        protocol_sd=_get(eng, "observation", "protocol_effect_sd"),
        benchmark_spread=_get(eng, "observation", "benchmark_spread"),
        link_slope=slope,
        link_midpoint=mid,
        link_ceiling=ceil,
        link_family=family,
        link_upper=upper,
        release_log_rate=_get(eng, "releases", "log_rate"),
        release_growth=_get(eng, "releases", "growth_per_year"),
        tpp_trend=_get(eng, "tokens", "impute_trend"),
        law=law,
    )
