"""Log densities the model's graph adds by hand: prior densities at derived values (for the
Potentials of the reparameterised form) and the release counts' negative binomial."""

from __future__ import annotations

from typing import Any

import numpy as np


def negative_binomial_logp(counts: np.ndarray, log_mu: Any, alpha: Any) -> Any:
    """The summed negative binomial log density of the release counts.

    For observed counts y_c (NumPy, non-negative integers), log means log_mu_c (PyTensor, the
    shape of `counts`) and dispersion alpha:

        sum_c [lnG(y_c + a) - lnG(a) - lnG(y_c + 1) + y_c log mu_c + a log a - (a + y_c) log(a + mu_c)]
      = sum_v n_v [lnG(v + a) - lnG(a)] + sum_c [y_c log mu_c - (a + y_c) log(a + mu_c)]
        + C a log a - sum_c lnG(y_c + 1)

    with n_v the number of cells whose count is v > 0 and C the number of cells. It is PyMC's
    `NegativeBinomial(mu, alpha)` log density summed over the cells (`tests/test_model_terms.py`
    checks value and gradient), but the log-gamma terms (and their digamma gradients) are
    evaluated once per distinct count instead of once per cell: the release counts are hundreds
    of (month, size band) cells with a few distinct positive values.

    Parameters
    ----------
    counts : numpy.ndarray
        Observed counts.
    log_mu : tensor
        Log means, the shape of `counts`.
    alpha : tensor
        Dispersion.

    Returns
    -------
    tensor
        The scalar log density.
    """
    import pytensor.tensor as pt  # deferred: PyTensor takes about a second to import
    from scipy.special import gammaln  # deferred: SciPy's special functions load slowly

    y = np.asarray(counts, dtype=float)
    values, n_cells = np.unique(y[y > 0], return_counts=True)
    log_gamma_ratio = pt.sum(pt.as_tensor(n_cells.astype(float))
                             * (pt.gammaln(pt.as_tensor(values) + alpha) - pt.gammaln(alpha)))
    per_cell = pt.sum(pt.as_tensor(y) * log_mu - (alpha + pt.as_tensor(y)) * pt.log(alpha + pt.exp(log_mu)))
    return log_gamma_ratio + per_cell + y.size * alpha * pt.log(alpha) - float(gammaln(y + 1.0).sum())


def sum_logp(dists: list[Any], values: Any) -> Any:
    """The sum of each prior's log density at the matching element of `values`.

    Parameters
    ----------
    dists : list of forecast.inputs.priors.Dist
        One prior per element.
    values : tensor
        A PyTensor vector as long as `dists`.

    Returns
    -------
    tensor
        The scalar sum.
    """
    import pytensor.tensor as pt  # deferred: PyTensor takes about a second to import

    return pt.sum(pt.stack([prior_logp(d, values[i]) for i, d in enumerate(dists)]))


def prior_logp(dist: Any, value: Any) -> Any:
    """The log density of prior `dist` at `value`, as a PyTensor graph.

    Parameters
    ----------
    dist : forecast.inputs.priors.Dist
        A prior of one of the families PyMC names alike (lognormal, normal, halfnormal, gamma,
        beta, inversegamma, weibull, exponential).
    value : tensor
        Where to evaluate it.

    Returns
    -------
    tensor
    """
    import pymc as pm  # deferred: PyMC takes about 2 s to import

    family = {"lognormal": pm.LogNormal, "normal": pm.Normal, "halfnormal": pm.HalfNormal,
              "gamma": pm.Gamma, "beta": pm.Beta, "inversegamma": pm.InverseGamma,
              "weibull": pm.Weibull, "exponential": pm.Exponential}[dist.distribution]
    return pm.logp(family.dist(**dict(dist.params)), value)
