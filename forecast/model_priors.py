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

from forecast.errors import UserError
from forecast.model import ModelPriors, TechniqueSpec, decimal_year


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


ARRIVAL_WINDOW_YEARS = 5.0
MAX_ARRIVAL_RATE = 50.0  # techniques per year; the scenario files are bounded the same way


def tokens_technique(priors: Any) -> Any:
    """The prior set's over/under-training technique (indicator `training_tokens`), or None."""
    return next((t for t in priors.techniques.values() if technique_kind(t) == "tokens"), None)


def tokens_score(priors: Any, gamma: np.ndarray | None) -> np.ndarray | None:
    """Standard-normal score of each posterior draw's over-training multiplier under its prior:
    z = (gamma * log10 m_law(r_ref) - mu) / sd, with mu, sd the prior's log10 moments (None
    without a tokens technique or without gamma draws)."""
    tech = tokens_technique(priors)
    if tech is None or gamma is None:
        return None
    ref = priors.token_law().log10_multiplier_at(tech.reference_tpp)
    mean, sd = tech.multiplier.log10_moments()
    return (np.asarray(gamma, dtype=float) * ref - mean) / sd


def sample_engine(priors: Any, n: int, as_of: Any, seed: int = 0,
                  tokens_z: np.ndarray | None = None) -> Any:
    """Per-draw values of the prior-only engine quantities used by the projection.

    * arrival rate lambda (techniques per year): the prior of `engine.arrivals.rate` updated by
      the k techniques in the prior set introduced in the `ARRIVAL_WINDOW_YEARS` before the as-of
      date, with a Poisson likelihood k ~ Poisson(lambda W) (sampling-importance resampling);
    * adoption lag of future techniques (years), from its prior;
    * saturation ceiling (log10 params of further gain): from its prior when enabled, else inf;
    * quality retention of quantized weights: log10 of each bit width's retention prior. Where
      the quantization file states a `correlated` overlap with over-training (rho) and `tokens_z`
      gives each draw's over-training score (`tokens_score`), retention is drawn from its prior
      conditional on it, Gaussian copula z_q = rho z_tok + sqrt(1 - rho^2) eps: quantization has
      no likelihood of its own, so this is its posterior under the joint prior.
    """
    from forecast.project import EngineDraws

    rng = np.random.default_rng(np.random.SeedSequence([seed, 0xE6]))
    eng = priors.engine
    as_of_year = decimal_year(as_of)
    known = [decimal_year(t.introduced) for t in priors.techniques.values()]
    k = sum(as_of_year - ARRIVAL_WINDOW_YEARS < y <= as_of_year for y in known)
    proposal = np.asarray(eng.arrivals.rate.sample(rng, 20 * n), dtype=float)
    mu = proposal * ARRIVAL_WINDOW_YEARS
    log_w = k * np.log(np.clip(mu, 1e-300, None)) - mu
    w = np.exp(log_w - log_w.max())
    rate = rng.choice(proposal, size=n, replace=True, p=w / w.sum())
    if float(np.median(rate)) > MAX_ARRIVAL_RATE:
        raise UserError(
            f"the arrival rate of future techniques has median {np.median(rate):.3g} a year; "
            f"at most {MAX_ARRIVAL_RATE:g} a year is supported (each arrival is simulated)",
            key="engine.arrivals.rate",
        )
    lag = np.asarray(eng.arrivals.adoption_lag_years.sample(rng, n), dtype=float)
    if eng.saturation.enabled:
        ceiling = np.asarray(eng.saturation.ceiling.sample(rng, n), dtype=float)
    else:
        ceiling = np.full(n, np.inf)
    retention: dict[float, np.ndarray] = {16.0: np.zeros(n)}
    quant = next((t for t in priors.techniques.values() if t.axis == "memory_bytes"), None)
    if quant is not None and quant.bits:
        tok = tokens_technique(priors)
        rho = float(priors.correlation([quant.id, tok.id])[0, 1]) if tok is not None else 0.0
        for bits, dist in quant.bits.items():
            if tokens_z is not None and rho != 0.0:
                z = rho * tokens_z + np.sqrt(1.0 - rho**2) * rng.standard_normal(n)
                retention[float(bits)] = np.log10(np.asarray(dist.from_standard_normal(z), dtype=float))
            else:
                retention[float(bits)] = np.log10(np.asarray(dist.sample(rng, n), dtype=float))
    return EngineDraws(arrival_rate=rate, adoption_lag=lag, saturation=ceiling, retention=retention)


MIN_TECHNIQUES_FOR_POPULATION = 3


def with_population(draws: Any, priors: Any, seed: int = 0) -> Any:
    """Fill the size distribution of future techniques, N(pop_mean, pop_spread) in log10 units.

    With at least `MIN_TECHNIQUES_FOR_POPULATION` fitted binary techniques it is the mean and sd
    of their beta across techniques, per draw (set by `PosteriorDraws.from_fit`); with fewer
    (early as-of dates) it is drawn from the `[technique_population]` engine priors.
    """
    import dataclasses

    if not np.isnan(draws.pop_mean).any():
        return draws
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x90B]))
    pop = priors.engine.technique_population
    return dataclasses.replace(
        draws,
        pop_mean=np.asarray(pop.mean.sample(rng, draws.n), dtype=float),
        pop_spread=np.asarray(pop.spread.sample(rng, draws.n), dtype=float),
    )
