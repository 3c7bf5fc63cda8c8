"""The question a projection answers: a target capability, a size budget, and what they require.

A score target y on benchmark b requires, in posterior draw i, the latent capability theta* at
which the benchmark's link gives y (`required_theta`); a registry model's level requires that
model's fitted capability. A budget admits release sizes up to L = log10 N parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from forecast.model.links import link_density, link_inverse


@dataclass(frozen=True)
class Target:
    """Target capability: scores on benchmarks (all must be met) or a registry model's level.

    Parameters
    ----------
    label : str
        The target as the user wrote it (e.g. ``"mmlu=0.70"`` or ``"model:gpt-3-175b"``).
    thresholds : tuple of (str, float)
        (benchmark, score) pairs, every one of which must be met; empty for a model target.
    model_id : str or None
        The registry model whose fitted capability is the target.
    inferred : bool
        The thresholds are one model's scores and the target is the capability they imply
        (`required_theta`: their precision-weighted mean in capability units), not all of them
        at once: a registry model outside the fit (no parameter count).
    """

    label: str
    thresholds: tuple[tuple[str, float], ...] = ()
    model_id: str | None = None
    inferred: bool = False


@dataclass(frozen=True)
class Budget:
    """A size budget on one axis.

    Parameters
    ----------
    axis : {"params_total", "params_active", "memory_bytes"}
        Stored parameters, parameters used per token (mixture of experts), or bytes of weights.
    value : float
        The budget in the axis's unit (parameters or bytes).
    bits : float or None
        Bits per weight of a memory budget: N = 8 * bytes / bits parameters, with the quality
        retention of b-bit weights (16 when not given).
    """

    axis: Literal["params_total", "params_active", "memory_bytes"]
    value: float
    bits: float | None = None

    @property
    def log10_params(self) -> float:
        """log10 of the largest parameter count the budget admits."""
        if self.axis == "memory_bytes":
            return float(np.log10(8.0 * self.value / float(self.bits or 16)))
        return float(np.log10(self.value))

    def describe(self) -> str:
        """The budget in words, e.g. ``"1B params"`` or ``"4 GiB of weights at 4-bit"``."""
        if self.axis == "memory_bytes":
            return f"{self.value / 2**30:.3g} GiB of weights at {self.bits:g}-bit"
        unit = "active params" if self.axis == "params_active" else "params"
        return f"{self.value / 1e9:.3g}B {unit}"


def required_theta(draws: Any, target: Target) -> tuple[np.ndarray, np.ndarray]:
    """theta* per draw and the observation noise in theta units at theta*.

    For a score target y on benchmark b, s = (y - c_b) / (1 - c_b - e_b) and
    theta* = mu_b + F_b^-1(s) / a_b (+inf when s >= 1: above the benchmark's ceiling); the score
    noise sigma maps to sigma / (a_b (1 - c_b - e_b) F_b'(z*)) in theta units and the
    model-by-benchmark spread tau_b (link units) to tau_b / a_b.
    With several benchmarks the largest theta* decides, unless the target is ``inferred`` (a
    model's scores): then theta* is the mean of the finite per-benchmark theta*, weighted by
    their precision 1 / noise^2 in theta units (the capability the scores imply to first order,
    ignoring the prior on capability), +inf when every score lies above its ceiling, with noise
    0 as for a model target.

    Parameters
    ----------
    draws : forecast.projection.posterior.PosteriorDraws
        The posterior draws.
    target : Target
        The target capability.

    Returns
    -------
    theta_star : numpy.ndarray
        (n,) the required capability per draw (+inf above the ceiling, -inf below the chance floor).
    noise : numpy.ndarray
        (n,) the observation noise at theta* in theta units, at most 1 (0 for a model target).

    Raises
    ------
    KeyError
        For a model target the posterior does not hold.
    """
    if target.model_id is not None:
        if draws.theta is None or target.model_id not in draws.model_ids:
            raise KeyError(target.model_id)
        j = draws.model_ids.index(target.model_id)
        return draws.theta[:, j].copy(), np.zeros(draws.n)
    best = np.full(draws.n, -np.inf)
    best_noise = np.zeros(draws.n)
    weighted = np.zeros(draws.n)
    weights = np.zeros(draws.n)
    for bench, y in target.thresholds:
        b = draws.benchmark_index(bench)
        c = draws.chance[b]
        span = 1.0 - c - draws.ceiling_loss[:, b]
        s = (y - c) / span
        inside = (s > 0) & (s < 1)
        sc = np.clip(s, 1e-9, 1 - 1e-9)
        a, mu, g = draws.slope[:, b], draws.midpoint[:, b], draws.gumbel[b]
        r = draws.upper(b)
        z = link_inverse(sc, g, r)
        theta = np.where(s >= 1.0, np.inf, np.where(s <= 0.0, -np.inf, mu + z / a))
        density = np.clip(link_density(z, g, upper=r), 1e-6, None)
        measured = draws.noise[:, b] / (a * span * density)
        noise = np.where(
            inside, np.sqrt(measured**2 + (draws.benchmark_spread[:, b] / a) ** 2), 0.0
        )
        take = theta > best
        best = np.where(take, theta, best)
        best_noise = np.where(take, noise, best_noise)
        finite = np.isfinite(theta)
        w = np.where(finite, 1.0 / np.maximum(noise, 1e-3) ** 2, 0.0)
        weighted += np.where(finite, w * np.where(finite, theta, 0.0), 0.0)
        weights += w
    if target.inferred:
        mean = np.divide(weighted, weights, out=np.full(draws.n, np.inf), where=weights > 0)
        return mean, np.zeros(draws.n)
    return best, np.minimum(best_noise, 1.0)


def can_cross(theta_star: np.ndarray, draw: np.ndarray, exp_draws: np.ndarray, frontier: str) -> np.ndarray:
    """Per path, False where the answer is +inf before any month is evaluated.

    The target lies above the benchmark's ceiling in the path's draw (theta* = +inf), so the
    level stays at -inf and the hazard at 0, which never reaches an Exp(1) threshold above 0 (a
    threshold of exactly 0 is reached at the start, as on the full grid).

    Parameters
    ----------
    theta_star : numpy.ndarray
        (n,) required capability per posterior draw (`required_theta`).
    draw : numpy.ndarray
        (P,) the posterior draw behind each path.
    exp_draws : numpy.ndarray
        (P,) the paths' Exp(1) thresholds.
    frontier : {"release", "mean"}
        The projection's frontier (`forecast.projection.settings.ProjectionSettings`).

    Returns
    -------
    numpy.ndarray
        (P,) bool, True for the paths that can cross before the horizon.
    """
    above = np.isposinf(theta_star[draw])
    return ~above if frontier == "mean" else ~(above & (exp_draws > 0))
