"""The compiled crossing kernel's inputs, grouped into records (pure NumPy).

`forecast.projection.crossing_kernel.march` takes one record per part of the capability
(module docstring of `forecast.projection.simulator`): the month grid, the known techniques and
tokens, the drift, the future techniques' generator, the ceiling and retention, the release
process, and the question. The records are NamedTuples of contiguous float64/int64 arrays and
scalars, which Numba passes as tuples. `futures_records` builds the parts that depend on a
`PathSimulator`'s futures alone (built once per simulator and reused by every question);
`question_record` the part that depends on the question.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from forecast.projection.question import can_cross
from forecast.projection.settings import ProjectionSettings


class Grid(NamedTuple):
    """Month edges (M+1,) in decimal years; draw d's paths are draw_ptr[d]..draw_ptr[d + 1] - 1
    (draw_ptr (n+1,) int64); the reference year t_ref of the adoption and token trends."""

    edges: np.ndarray
    draw_ptr: np.ndarray
    t_ref: float


class KnownTerms(NamedTuple):
    """The known techniques and the token ratio, per draw.

    beta (n, K): log10 gains; tech_adoption (K,) int64: each technique's adoption curve (-1:
    always adopted); ad_speed, ad_mid, ad_max (n, A): the adoption curves; moe_adoption: the
    mixture-of-experts curve (-1: none) and moe_shift (n,) its gain; gamma, tpp_a, tpp_b, tpp_s
    (n,) (empty without tokens): the over-training multiplier and the log10 tokens-per-parameter
    trend and spread; gh_z, gh_w: Gauss-Hermite nodes and weights; law_lo, law_step, law_y: the
    token law's log10 multiplier on a uniform grid.
    """

    beta: np.ndarray
    tech_adoption: np.ndarray
    ad_speed: np.ndarray
    ad_mid: np.ndarray
    ad_max: np.ndarray
    moe_adoption: int
    moe_shift: np.ndarray
    gamma: np.ndarray
    tpp_a: np.ndarray
    tpp_b: np.ndarray
    tpp_s: np.ndarray
    gh_z: np.ndarray
    gh_w: np.ndarray
    law_lo: float
    law_step: float
    law_y: np.ndarray


class Drift(NamedTuple):
    """The drift: whether the slope mean-reverts and whether its state is a log slope (positive
    slopes, exp of the state; else the state's part above 0); the slope state W0 (P,) at the start; the
    Brownian increments dW (P, M) (no columns when every walk sd is 0); per draw the monthly
    decay and step scale and the long-run anchor (mean-reverting), the slope state at the data's
    end and walk sd (random walk), and drift_start, the drift's level at the start."""

    mean_reverting: bool
    log_slope: bool
    W0: np.ndarray
    dW: np.ndarray
    decay: np.ndarray
    step_scale: np.ndarray
    anchor: np.ndarray
    rate: np.ndarray
    walk_sd: np.ndarray
    drift_start: np.ndarray


class FutureTechniques(NamedTuple):
    """The generator of `forecast.projection.arrivals` (key, start, end) and per draw the arrival
    rate, the size distribution N(pop_mean, pop_spread), the adoption ceiling new_amax and lag
    new_lag, with the adoption speed new_speed (1/yr) common to all."""

    key: np.uint64
    start: float
    end: float
    rate: np.ndarray
    pop_mean: np.ndarray
    pop_spread: np.ndarray
    new_amax: np.ndarray
    new_speed: float
    new_lag: np.ndarray


class Levels(NamedTuple):
    """Per draw: the soft ceiling on the future gain (inf: none), the quality retention of the
    budget's bit width (log10; 0 off memory budgets) and the known terms' base variance
    quality_sd^2 + org_sd^2."""

    saturation: np.ndarray
    retention: np.ndarray
    base_var: np.ndarray


class ReleaseProcess(NamedTuple):
    """Per draw: the release log-rate r0 at log10 size 10 and its yearly growth rg (until
    t_growth), and the size slope c1 and curvature c2."""

    r0: np.ndarray
    rg: np.ndarray
    t_growth: float
    c1: np.ndarray
    c2: np.ndarray


class Question(NamedTuple):
    """The budget's log10 size L; True for the release frontier (False: mean); per draw theta*
    and the observation noise; per path the Exp(1) threshold and whether it can cross at all
    (`forecast.projection.question.can_cross`); the Gauss-Legendre nodes xq and weights wq over
    the size window."""

    L: float
    release_frontier: bool
    theta_star: np.ndarray
    noise: np.ndarray
    exp_draws: np.ndarray
    marchable: np.ndarray
    xq: np.ndarray
    wq: np.ndarray


def _float_array(x: object, shape: tuple[int, ...] | None = None) -> np.ndarray:
    a = np.ascontiguousarray(x, dtype=np.float64)
    return a.reshape(shape) if shape is not None else a


def _known_terms(sim: Any) -> KnownTerms:
    draws = sim.draws
    n = draws.n
    tech_adoption = np.array([draws.adoption_tech.index(t) if t in draws.adoption_tech else -1
                              for t in draws.techniques], dtype=np.int64)
    moe_adoption, moe_shift = -1, np.zeros(n)
    if draws.kappa is not None and "mixture_of_experts" in draws.adoption_tech:
        moe_adoption = draws.adoption_tech.index("mixture_of_experts")
        s = np.log10(draws.moe_sparsity)
        moe_shift = draws.kappa * s - (s if sim.axis != "params_active" else 0.0)
    if draws.gamma is not None:
        gx, gy = draws.token_law.log10_multiplier_table()
        gh_z, gh_w = np.polynomial.hermite_e.hermegauss(9)
        token = (_float_array(draws.gamma), _float_array(draws.tpp_intercept),
                 _float_array(draws.tpp_trend), _float_array(draws.tpp_sd), gh_z, gh_w / gh_w.sum(),
                 float(gx[0]), float(gx[1] - gx[0]), _float_array(gy))
    else:
        empty = np.zeros(0)
        token = (empty, empty, empty, empty, empty, empty, 0.0, 1.0, np.zeros(2))
    A = len(draws.adoption_tech)
    return KnownTerms(_float_array(draws.beta, (n, len(draws.techniques))), tech_adoption,
                      _float_array(draws.adoption_speed, (n, A)), _float_array(draws.adoption_mid, (n, A)),
                      _float_array(draws.adoption_max, (n, A)), moe_adoption, _float_array(moe_shift),
                      *token)


def _drift(sim: Any) -> Drift:
    draws = sim.draws
    zeros = np.zeros(draws.n)
    if sim.mean_reverting:
        reverting = (_float_array(sim.decay), _float_array(sim.step_scale), _float_array(sim.anchor))
    else:
        reverting = (zeros, zeros, zeros)
    return Drift(sim.mean_reverting, bool(draws.drift_log), _float_array(sim.W_start),
                 _float_array(sim.dW), *reverting, _float_array(sim.walk_start),
                 _float_array(draws.drift_walk_sd), _float_array(sim.drift_start))


def futures_records(sim: Any) -> tuple[Grid, KnownTerms, Drift, FutureTechniques, Levels, ReleaseProcess]:
    """The kernel's records that depend on a simulator's futures alone.

    Parameters
    ----------
    sim : forecast.projection.simulator.PathSimulator
        The simulated futures; its paths must be ordered by posterior draw.

    Returns
    -------
    tuple
        (Grid, KnownTerms, Drift, FutureTechniques, Levels, ReleaseProcess), in the kernel's
        argument order.
    """
    draws, future = sim.draws, sim.future
    n = draws.n
    # the kernel takes each draw's paths as one run: draw d's are draw_ptr[d]..draw_ptr[d + 1] - 1
    if np.any(np.diff(sim.draw) < 0):
        raise ValueError("the compiled march needs the paths ordered by posterior draw")
    draw_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(sim.draw, minlength=n), out=draw_ptr[1:])
    grid = Grid(_float_array(sim.edges), draw_ptr, float(draws.t_ref))
    # the kernel draws the future techniques itself, from the same generator
    arrivals = FutureTechniques(np.uint64(sim.arrival_key), float(sim.arrival_start), sim.arrival_end,
                                _float_array(sim.arrival_rate), _float_array(draws.pop_mean),
                                _float_array(draws.pop_spread), _float_array(sim.amax),
                                float(future.new_technique_speed), _float_array(future.adoption_lag))
    levels = Levels(_float_array(future.saturation),
                    _float_array(sim.retention) if sim.retention is not None else np.zeros(n),
                    _float_array(draws.quality_sd**2 + draws.org_sd**2))
    release = ReleaseProcess(_float_array(draws.release_log_rate), _float_array(draws.release_growth),
                             float(draws.data_end + future.release_growth_years),
                             _float_array(draws.release_size_slope), _float_array(draws.release_size_curve))
    return grid, _known_terms(sim), _drift(sim), arrivals, levels, release


def question_record(sim: Any, L: float, theta_star: np.ndarray, noise: np.ndarray,
                    settings: ProjectionSettings, exp_draws: np.ndarray) -> Question:
    """The kernel's question record.

    Parameters
    ----------
    sim : forecast.projection.simulator.PathSimulator
        The simulated futures (for each path's draw).
    L : float
        The budget's log10 size.
    theta_star, noise : numpy.ndarray
        (n,) the target's required capability and observation noise per draw
        (`forecast.projection.question.required_theta`).
    settings : ProjectionSettings
        The frontier, the size window and its quadrature nodes.
    exp_draws : numpy.ndarray
        (P,) the paths' Exp(1) thresholds.

    Returns
    -------
    Question
    """
    nodes, weights = np.polynomial.legendre.leggauss(settings.quad_nodes)
    w = settings.size_window
    return Question(float(L), settings.frontier == "release",
                    np.ascontiguousarray(theta_star, dtype=np.float64),
                    np.ascontiguousarray(noise, dtype=np.float64),
                    np.ascontiguousarray(exp_draws, dtype=np.float64),
                    can_cross(theta_star, sim.draw, exp_draws, settings.frontier),
                    L - w * (1 - nodes) / 2.0, weights * w / 2.0)
