"""The projection's draws that the registry does not inform: they come from the priors alone.

Per posterior draw: the arrival rate of future techniques and their adoption lag, the ceiling on
further gain, the quality retained by quantized weights, and, for early as-of dates, the size
distribution of future techniques. `paired_future_draws` draws them for a set of posterior draws.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from forecast.core.errors import UserError
from forecast.inputs.dates import decimal_year
from forecast.inputs.scenarios import Scenario
from forecast.model.priors import technique_kind


@dataclass
class FutureDraws:
    """Per-draw values of the prior-only engine quantities (not updated by the registry).

    Parameters
    ----------
    arrival_rate : numpy.ndarray
        (n,) future techniques per year.
    adoption_lag : numpy.ndarray
        (n,) years from a future technique's arrival to half adoption.
    saturation : numpy.ndarray
        (n,) ceiling on further log10 gain; inf = none.
    retention : dict of float to numpy.ndarray
        Bits per weight -> (n,) log10 quality retention of weights at that width.
    new_technique_speed : float
        Logistic adoption speed of future techniques, 1/yr.
    release_growth_years : float
        The release rate grows this long past the data end.
    """

    arrival_rate: np.ndarray  # (n,) future techniques per year
    adoption_lag: np.ndarray  # (n,) years from arrival to half adoption
    saturation: np.ndarray  # (n,) ceiling on further log10 gain; inf = none
    retention: dict[float, np.ndarray] = field(default_factory=dict)  # bits -> (n,) log10
    new_technique_speed: float = 1.5  # logistic adoption speed of future techniques, 1/yr
    release_growth_years: float = 2.0  # the release rate grows this long past the data end


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


def sample_future_draws(priors: Any, n: int, as_of: Any, seed: int = 0,
                        tokens_z: np.ndarray | None = None) -> FutureDraws:
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

    Parameters
    ----------
    priors : forecast.inputs.priors.PriorSet
        The prior set (its engine priors, techniques and correlations).
    n : int
        Draws to make.
    as_of : date or str
        The as-of date (the arrival rate's window ends there).
    seed : int
        Seeds the draws.
    tokens_z : numpy.ndarray or None
        (n,) each posterior draw's over-training score (`tokens_score`).

    Returns
    -------
    FutureDraws
    """
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
    return FutureDraws(arrival_rate=rate, adoption_lag=lag, saturation=ceiling, retention=retention)


def paired_future_draws(priors: Any, posterior_draws: Any, as_of: Any, seed: int,
                        scenario: Scenario | None = None) -> FutureDraws:
    """The prior-only draws paired draw by draw with `posterior_draws`.

    `sample_future_draws` on the prior set, one per posterior draw, with quantization retention
    conditioned on each draw's over-training score under the techniques known at `as_of`
    (`tokens_score`), and the scenario's changes (`Scenario.apply_engine`) when one is given.

    Parameters
    ----------
    priors : forecast.inputs.priors.PriorSet
        The prior set the draws come from (`forecast.Engine` passes its whole set, the backtest
        the set known at its cutoff); the over-training score is read under the techniques of
        it known at `as_of`.
    posterior_draws : forecast.projection.posterior.PosteriorDraws
        The posterior draws to pair with (their number and over-training multipliers gamma).
    as_of : date or str
        The as-of date.
    seed : int
        Seeds the draws.
    scenario : forecast.inputs.scenarios.Scenario or None
        A scenario whose projection changes apply.

    Returns
    -------
    FutureDraws
        n = posterior_draws.n draws.
    """
    known = priors.introduced_by(as_of)
    draws = sample_future_draws(priors, posterior_draws.n, as_of, seed=seed,
                                tokens_z=tokens_score(known, posterior_draws.gamma))
    return scenario.apply_engine(draws) if scenario is not None else draws


MIN_TECHNIQUES_FOR_POPULATION = 3


def with_population(draws: Any, priors: Any, seed: int = 0) -> Any:
    """Fill the size distribution of future techniques, N(pop_mean, pop_spread) in log10 units.

    With at least `MIN_TECHNIQUES_FOR_POPULATION` fitted binary techniques it is the mean and sd
    of their beta across techniques, per draw (set by `PosteriorDraws.from_fit`); with fewer
    (early as-of dates) it is drawn from the `[technique_population]` engine priors.
    """
    if not np.isnan(draws.pop_mean).any():
        return draws
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x90B]))
    pop = priors.engine.technique_population
    return dataclasses.replace(
        draws,
        pop_mean=np.asarray(pop.mean.sample(rng, draws.n), dtype=float),
        pop_spread=np.asarray(pop.spread.sample(rng, draws.n), dtype=float),
    )
