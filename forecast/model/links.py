"""The benchmark links: a score's share of its range as a function of capability.

For benchmark b the link is F_b(h_b(z)), z = a_b (theta - mu_b) + eta_g, with F_b the logistic
function or the Gumbel CDF exp(-exp(-z)), and h_b(z) = z + (r_b - 1) softplus(z) the upper-slope
stretch (`link_stretch`; r_b = 1, no stretch, for a plain link). The functions take NumPy arrays
or PyTensor tensors (`xp`): the model's graph, the posterior checks and the projection evaluate
the same formulas. `upper_slope_ratio` adds the ratios r_b to a PyMC model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from forecast.model.densities import sum_logp

if TYPE_CHECKING:  # annotations only: the projection and the report import the links alone
    from forecast.model.data import ModelInputs
    from forecast.model.priors import ModelPriors


def link_stretch(z: Any, upper: Any, xp: Any = np) -> tuple[Any, Any]:
    """The upper-slope stretch h(z) = z + (r - 1) softplus(z) and its derivative.

    Slope 1 below the link's midpoint and r (the upper slope ratio) well above it, smoothly in
    between; h' = 1 + (r - 1) sigmoid(z) > 0.

    Parameters
    ----------
    z : array or tensor
        Link argument.
    upper : array, tensor or float
        The upper slope ratio r, broadcast against `z`.
    xp : module, default numpy
        NumPy or PyTensor's tensor module.

    Returns
    -------
    tuple
        (h(z), h'(z)).
    """
    if xp is np:
        soft, sig = np.logaddexp(0.0, z), 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z)))
    else:
        soft, sig = xp.softplus(z), xp.sigmoid(z)
    return z + (upper - 1.0) * soft, 1.0 + (upper - 1.0) * sig


def link_cdf(z: Any, gumbel: Any, xp: Any = np, upper: Any = None) -> Any:
    """The link F(h(z)).

    Parameters
    ----------
    z : array or tensor
        Link argument.
    gumbel : array of bool or bool
        1 where the link is the Gumbel CDF exp(-exp(-z)), 0 where it is logistic.
    xp : module, default numpy
        NumPy or PyTensor's tensor module.
    upper : array, tensor or None
        The upper slope ratio of `link_stretch`; None: no stretch.

    Returns
    -------
    array or tensor
        F(h(z)), the shape of `z`.
    """
    if upper is not None:
        z = link_stretch(z, upper, xp)[0]
    logistic = 1.0 / (1.0 + xp.exp(-z))
    gumbel_cdf = xp.exp(-xp.exp(-xp.clip(z, -30.0, 700.0)))
    return xp.where(gumbel, gumbel_cdf, logistic)


def link_values(z: Any, gumbel: Any, xp: Any = np, upper: Any = None) -> tuple[Any, Any]:
    """The link and its derivative from one evaluation of the link.

    d/dz F(h(z)) = F'(h(z)) h'(z) with F' = s (1 - s) for the logistic and s exp(-z) for the
    Gumbel CDF (s = F(h(z))).

    Parameters
    ----------
    z, gumbel, xp, upper
        As for `link_cdf`.

    Returns
    -------
    tuple
        (F(h(z)), d F(h(z)) / dz).
    """
    dh = 1.0
    if upper is not None:
        z, dh = link_stretch(z, upper, xp)
    s = link_cdf(z, gumbel, xp)
    return s, xp.where(gumbel, s * xp.exp(-xp.clip(z, -30.0, 700.0)), s * (1.0 - s)) * dh


def link_density(z: Any, gumbel: Any, xp: Any = np, upper: Any = None) -> Any:
    """d F(h(z)) / dz alone (`link_values`).

    Parameters
    ----------
    z, gumbel, xp, upper
        As for `link_cdf`.

    Returns
    -------
    array or tensor
        The link's derivative, the shape of `z`.
    """
    return link_values(z, gumbel, xp, upper)[1]


def link_cdf_density(z: Any, gumbel: np.ndarray, upper: Any = None) -> tuple[Any, Any]:
    """The link and its derivative for a PyTensor vector, each link on its own slice.

    When the Gumbel entries form a prefix (as `forecast.model.data.prepare_inputs` orders the
    observations), each link is evaluated on its own slice only, with the density from the same
    exponentials: Gumbel F = exp(-e), F' = F e with e = exp(-z); logistic F = sigmoid(z),
    F' = F (1 - F). Otherwise both links are evaluated everywhere and selected (`link_cdf`,
    `link_density`).

    Parameters
    ----------
    z : pytensor vector
        Link argument.
    gumbel : numpy.ndarray of bool
        Fixed 0/1 mask of the Gumbel entries.
    upper : tensor or None
        The upper slope ratio per element; None: no stretch.

    Returns
    -------
    tuple of tensors
        (F(h(z)), d F(h(z)) / dz).
    """
    import pytensor.tensor as pt  # deferred: PyTensor takes about a second to import

    dh = 1.0
    if upper is not None:
        z, dh = link_stretch(z, upper, pt)
    n_gumbel = int(np.sum(gumbel))
    if not np.all(gumbel[:n_gumbel]):
        return link_cdf(z, gumbel, pt), link_density(z, gumbel, pt) * dh
    parts_s, parts_d = [], []
    if n_gumbel:
        e = pt.exp(-pt.clip(z[:n_gumbel], -30.0, 700.0))
        s_g = pt.exp(-e)
        parts_s.append(s_g)
        parts_d.append(s_g * e)
    if n_gumbel < len(gumbel):
        s_l = pt.sigmoid(z[n_gumbel:])
        parts_s.append(s_l)
        parts_d.append(s_l * (1.0 - s_l))
    if len(parts_s) == 1:
        return parts_s[0], parts_d[0] * dh
    return pt.concatenate(parts_s), pt.concatenate(parts_d) * dh


def link_inverse(s: np.ndarray, gumbel: np.ndarray | bool, upper: Any = None) -> np.ndarray:
    """z with F(h(z)) = s, for 0 < s < 1 (NumPy).

    y = F^-1(s) in closed form, then h(z) = y by Newton's method from z = y (y <= 0) or y / r
    (y > 0); h is increasing and convex or concave, so the iteration converges monotonically (to
    1e-12 in a few steps).

    Parameters
    ----------
    s : numpy.ndarray
        Shares of the score range, clipped to [1e-12, 1 - 1e-12].
    gumbel : numpy.ndarray of bool or bool
        As for `link_cdf`.
    upper : array or None
        The upper slope ratio; None: no stretch.

    Returns
    -------
    numpy.ndarray
        The link arguments z.
    """
    s = np.clip(s, 1e-12, 1 - 1e-12)
    y = np.where(gumbel, -np.log(-np.log(s)), np.log(s / (1 - s)))
    if upper is None:
        return y
    r = np.broadcast_to(np.asarray(upper, dtype=float), np.shape(y))
    z = np.where(y > 0, y / r, y)
    for _ in range(50):
        h, dh = link_stretch(z, r)
        step = (h - y) / dh
        z = z - step
        if np.all(np.abs(step) <= 1e-12 * (1.0 + np.abs(z))):
            break
    return z


def upper_slope_ratio(inp: ModelInputs, mp: ModelPriors, slope: Any, generative: bool) -> Any:
    """Add the links' upper slope ratios r_b to the PyMC model in context.

    A benchmark without a prior keeps r_b = 1; a fixed prior (`value` in the file) makes r_b a
    constant, a choice of link shape like the Gumbel or logistic family.

    A prior distribution makes r_b a parameter. The generative form draws it directly; for
    sampling, the scores above the midpoint pin down the slope there, a_b r_b, better than r_b
    (r_b and a_b trade off), so the sampler works with log(a_b r_b) (a Flat variable) and the prior
    of r_b enters as a Potential, log p_r(r_b) + log r_b, the second term the Jacobian of
    log(a_b r_b) -> r_b at fixed a_b.

    Parameters
    ----------
    inp : ModelInputs
        The model's data (its benchmarks).
    mp : ModelPriors
        The priors (`link_upper`).
    slope : tensor
        The links' slopes a_b (B,).
    generative : bool
        Draw free ratios directly (True) or through log(a_b r_b) (False).

    Returns
    -------
    tensor or None
        The Deterministic `upper_slope_ratio` (B,), or None when no benchmark has a prior for
        one (plain links).
    """
    import pymc as pm  # deferred: PyMC takes about 2 s to import
    import pytensor.tensor as pt  # deferred: PyTensor takes about a second to import

    has = [k for k, b in enumerate(inp.benchmarks) if mp.link_upper.get(b) is not None]
    if not has:
        return None
    r = np.ones(len(inp.benchmarks))
    free, dists = [], []
    for k in has:
        d = mp.link_upper[inp.benchmarks[k]]
        if d.distribution == "fixed":
            r[k] = float(d.median)
        else:
            free.append(k)
            dists.append(d)
    ratio = pt.as_tensor(r)
    if free:
        if generative:
            parts = [d.to_pymc(f"upper_slope_ratio_{inp.benchmarks[k]}") for k, d in zip(free, dists)]
            r_free = pt.stack(parts)
        else:
            log_upper = pm.Flat("log_upper_slope", shape=len(free))
            r_free = pt.exp(log_upper) / slope[free]
            pm.Potential("upper_slope_prior", sum_logp(dists, r_free) + pt.log(r_free).sum())
        ratio = pt.set_subtensor(ratio[free], r_free)
    return pm.Deterministic("upper_slope_ratio", ratio, dims="benchmark")
