"""The drift of unnamed improvements: positive yearly slopes whose logs are a stationary AR(1).

D(t) is piecewise linear in t with one slope rho_y = exp(l_y) per calendar year and
D(t_ref) = 0 (`drift_knot_offsets`); the log slopes' deviations from the log long-run rate
L = log rho_bar follow l_y - L = phi (l_{y-1} - L) + s eps_y with stationary sd v and
innovation sd s = v sqrt(1 - phi^2), written either through the AR(1) correlation's Cholesky
factor (`drift_ar1_matrix`) or year by year in the sampler's coordinates (`drift_deviations`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

# A year's drift slope is sampled centred when that year has at least this many informative
# models, else non-centred (`drift_deviations`). One form for all years fails both ways: centred
# everywhere diverges where few models pin the early years (a funnel between the spread and those
# years' slopes), non-centred everywhere mixes slowly where the years are pinned. Where the true
# spread is far below the years' precision a funnel remains (the divergences sit at small
# spreads).
CENTRED_DRIFT_MIN_MODELS = 30


def drift_ar1_matrix(phi: Any, n: int, xp: Any = np) -> Any:
    """Cholesky factor L (n x n, lower triangular) of the AR(1) correlation phi^|i-j|.

    For 0 < phi < 1: L[i, 0] = phi^i and L[i, j] = phi^(i-j) sqrt(1 - phi^2) for 1 <= j <= i, so
    slopes - rho_bar = v L eps with eps ~ N(0, I) is a stationary AR(1) of sd v.

    Parameters
    ----------
    phi : float or tensor
        The year-to-year persistence.
    n : int
        The number of years.
    xp : module, default numpy
        NumPy or `pytensor.tensor`.

    Returns
    -------
    array or tensor
        L, (n, n).
    """
    i = np.arange(n)[:, None]
    j = np.arange(n)[None, :]
    lag = np.clip(i - j, 0, None).astype(float)
    first = np.zeros((1, n))
    first[0, 0] = 1.0
    power = xp.where(i >= j, phi ** lag, 0.0)
    innovation = xp.sqrt(1.0 - phi**2)
    return power * (first + (1.0 - first) * innovation)


def drift_deviations(centred: np.ndarray, rate: Any, spread: Any, phi: Any, innovation: Any,
                     initial_rate: float = 0.0) -> Any:
    """The yearly log slopes' deviations from the log long-run rate in the sampler's coordinates.

    delta_y = l_y - L follows the AR(1) recursion delta_1 ~ N(0, v),
    delta_y | delta_{y-1} ~ N(phi delta_{y-1}, s) with s = v sqrt(1 - phi^2), each year in its own
    parameterisation: where `centred[y]` the sampler's coordinate x_y is the year's log slope l_y
    itself, delta_y = x_y - L (`rate`), with that conditional density; elsewhere
    x_y ~ N(0, 1) and delta_y = phi delta_{y-1} + s x_y. Both write the same joint density (each
    coordinate has its own density given the earlier ones; the shift by L has Jacobian 1).
    A centred year's coordinate is the log slope, not its deviation, because the data pin the
    slope: with x_y = delta_y every move of L would have to be undone in each well-observed year,
    and L would mix slowest of all parameters.

    Adds the free vector `drift_coords` and its Potential `drift_prior` to the model in context.

    Parameters
    ----------
    centred : numpy.ndarray of bool
        Per year, whether it is sampled centred.
    rate, spread, phi, innovation : tensor
        L, v, phi and s.
    initial_rate : float, default 0.0
        The sampler's starting value of a centred year's coordinate (a log slope near the prior's
        long-run rate; the non-centred coordinates start at 0).

    Returns
    -------
    tensor
        delta, one element per year.
    """
    import pymc as pm  # deferred: PyMC takes about 2 s to import
    import pytensor.tensor as pt  # deferred: PyTensor takes about a second to import

    x = pm.Flat("drift_coords", dims="segment",
                initval=np.where(np.asarray(centred, dtype=bool), initial_rate, 0.0))
    deviations, logp = [], []
    previous = None
    for y, is_centred in enumerate(centred):
        mean = 0.0 if previous is None else phi * previous
        sd = spread if previous is None else innovation
        if is_centred:
            delta = x[y] - rate
            logp.append(pm.logp(pm.Normal.dist(mean, sd), delta))
        else:
            delta = mean + sd * x[y]
            logp.append(pm.logp(pm.Normal.dist(0.0, 1.0), x[y]))
        deviations.append(delta)
        previous = delta
    pm.Potential("drift_prior", pt.sum(pt.stack(logp)))
    return pt.stack(deviations)


def drift_knot_offsets(year_knots: np.ndarray, t_ref: float) -> np.ndarray:
    """Matrix G with D(knot_i) = (G @ rho)_i and D(t_ref) = 0.

    Parameters
    ----------
    year_knots : numpy.ndarray
        The calendar years bounding the segments.
    t_ref : float
        The reference time, a calendar year.

    Returns
    -------
    numpy.ndarray
        G, (knots, segments).
    """
    n_seg = len(year_knots) - 1
    G = np.zeros((len(year_knots), n_seg))
    for i in range(len(year_knots)):
        for s in range(n_seg):
            lo, hi = year_knots[s], year_knots[s + 1]
            # integral of rho_s over [t_ref, knot_i] restricted to segment s (signed)
            a, b = sorted((t_ref, year_knots[i]))
            overlap = max(0.0, min(b, hi) - max(a, lo))
            G[i, s] = overlap if year_knots[i] >= t_ref else -overlap
    return G
