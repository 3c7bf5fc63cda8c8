"""`Dist`, a univariate prior, and the parsing of a distribution table in a prior file.

A prior is written as a median and an equal-tailed 90% interval (`interval90 = [q05, q95]`) of a
named family (lognormal by default), as explicit parameters, or as a point mass (`value`).
Quantiles are turned into parameters by `forecast.inputs.priors.quantile_fit`, whose cache lets a
warm load skip PreliZ and SciPy; `Dist` imports SciPy and PyMC only when a method needs them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from forecast.core.errors import UserError
from forecast.inputs.priors.families import DISTRIBUTIONS, FAMILIES
from forecast.inputs.priors.quantile_fit import FIT_CACHE, compute_fit, fit_key
from forecast.inputs.priors.toml_values import check_keys, join_key, read_number, read_table, require_key

_EULER = 0.5772156649015329
_Z95 = 1.6448536269514722  # the standard normal's 95% quantile

# the keys of a distribution table (a point mass uses `value` instead)
DIST_KEYS = ("distribution", "median", "interval90", "params")


def _pymc_name(distribution: str) -> str:
    return FAMILIES[distribution].preliz  # PyMC uses the same class and parameter names


@dataclass(frozen=True, eq=True)
class Dist:
    """A univariate prior: family name, median, equal-tailed 90% interval and fitted parameters.

    `params` uses PreliZ (= PyMC) parameter names: lognormal {mu, sigma} of ln x; normal
    {mu, sigma}; halfnormal {sigma}; gamma {alpha, beta (rate)}; inversegamma {alpha, beta
    (scale)}; weibull {alpha (shape), beta (scale)}; exponential {lam (rate)}; beta {alpha, beta};
    fixed {value} (a point mass, used for scenario overrides).
    """

    distribution: str
    median: float
    interval90: tuple[float, float]
    params: Mapping[str, float]

    def __hash__(self) -> int:
        return hash((self.distribution, self.median, self.interval90, tuple(sorted(self.params.items()))))

    # -- construction ------------------------------------------------------------------------

    @classmethod
    def fit(
        cls,
        distribution: str = "lognormal",
        median: float | None = None,
        interval90: Sequence[float] | None = None,
    ) -> Dist:
        """Fit `distribution` to a median and/or 90% interval with PreliZ (cached).

        Parameters
        ----------
        distribution : str
            A family name (`DISTRIBUTIONS`).
        median : float, optional
        interval90 : sequence of two floats, optional
            The equal-tailed 90% interval [q05, q95].

        Returns
        -------
        Dist

        Raises
        ------
        UserError
            When the family cannot match the stated quantiles within 1%.
        """
        spec: dict[str, Any] = {"distribution": distribution}
        if median is not None:
            spec["median"] = median
        if interval90 is not None:
            spec["interval90"] = list(interval90)
        dist = dist_from_table(spec, file="<arguments>", key="dist", positive=False)
        FIT_CACHE.flush()
        return dist

    @classmethod
    def from_params(cls, distribution: str, params: Mapping[str, float]) -> Dist:
        """A distribution from explicit parameters; median and interval computed by PreliZ.

        Parameters
        ----------
        distribution : str
            A family name (`DISTRIBUTIONS`).
        params : Mapping
            The family's parameters by PreliZ name (see the class docstring).

        Returns
        -------
        Dist
        """
        dist = dist_from_table(
            {"distribution": distribution, "params": dict(params)},
            file="<arguments>", key="dist", positive=False,
        )
        FIT_CACHE.flush()
        return dist

    @classmethod
    def fixed(cls, value: float) -> Dist:
        """A point mass at `value`."""
        v = float(value)
        return cls("fixed", v, (v, v), {"value": v})

    # -- evaluation --------------------------------------------------------------------------

    @cached_property
    def _frozen(self) -> Any:
        """The SciPy frozen distribution with these parameters (SciPy imported lazily)."""
        from scipy import stats  # deferred: SciPy is slow to import; a warm load needs none of it

        p = self.params
        match self.distribution:
            case "lognormal":
                return stats.lognorm(s=p["sigma"], scale=math.exp(p["mu"]))
            case "normal":
                return stats.norm(loc=p["mu"], scale=p["sigma"])
            case "halfnormal":
                return stats.halfnorm(scale=p["sigma"])
            case "gamma":
                return stats.gamma(a=p["alpha"], scale=1.0 / p["beta"])
            case "inversegamma":
                return stats.invgamma(a=p["alpha"], scale=p["beta"])
            case "weibull":
                return stats.weibull_min(c=p["alpha"], scale=p["beta"])
            case "exponential":
                return stats.expon(scale=1.0 / p["lam"])
            case "beta":
                return stats.beta(a=p["alpha"], b=p["beta"])
        raise ValueError(f"no continuous form for distribution '{self.distribution}'")

    def ppf(self, q: float | np.ndarray) -> float | np.ndarray:
        """Quantile function at probability q (scalar or array)."""
        if self.distribution == "fixed":
            out = np.full(np.shape(q), self.params["value"], dtype=float)
            return float(out) if np.ndim(q) == 0 else out
        out = self._frozen.ppf(q)
        return float(out) if np.ndim(q) == 0 else np.asarray(out, dtype=float)

    def pdf(self, x: float | np.ndarray) -> float | np.ndarray:
        """Density at x (not defined for the fixed point mass)."""
        out = self._frozen.pdf(x)
        return float(out) if np.ndim(x) == 0 else np.asarray(out, dtype=float)

    def from_standard_normal(self, z: np.ndarray) -> np.ndarray:
        """Map standard-normal scores z to this distribution: ppf(Phi(z)).

        Exact and tail-safe for the lognormal (exp(mu + sigma z)) and the normal; this is the
        Gaussian copula used by `PriorSet.sample_multipliers`.
        """
        z = np.asarray(z, dtype=float)
        p = self.params
        match self.distribution:
            case "lognormal":
                return np.exp(p["mu"] + p["sigma"] * z)
            case "normal":
                return p["mu"] + p["sigma"] * z
            case "fixed":
                return np.full(z.shape, p["value"])
        from scipy.special import ndtr  # deferred: SciPy, as in `_frozen`

        return np.asarray(self._frozen.ppf(ndtr(z)), dtype=float)

    def sample(self, rng: np.random.Generator, size: int | tuple[int, ...] | None = None) -> np.ndarray:
        """Independent draws with NumPy's generator `rng`."""
        p = self.params
        match self.distribution:
            case "lognormal":
                return np.exp(rng.normal(p["mu"], p["sigma"], size))
            case "normal":
                return rng.normal(p["mu"], p["sigma"], size)
            case "halfnormal":
                return np.abs(rng.normal(0.0, p["sigma"], size))
            case "gamma":
                return rng.gamma(p["alpha"], 1.0 / p["beta"], size)
            case "inversegamma":
                return 1.0 / rng.gamma(p["alpha"], 1.0 / p["beta"], size)
            case "weibull":
                return p["beta"] * rng.weibull(p["alpha"], size)
            case "exponential":
                return rng.exponential(1.0 / p["lam"], size)
            case "beta":
                return rng.beta(p["alpha"], p["beta"], size)
            case "fixed":
                return np.full(size if size is not None else (), p["value"], dtype=float)
        raise ValueError(f"unknown distribution '{self.distribution}'")

    def interval(self, mass: float = 0.9) -> tuple[float, float]:
        """Equal-tailed interval holding `mass` of the probability."""
        if not 0.0 < mass < 1.0:
            raise ValueError("mass must lie strictly between 0 and 1")
        lo, hi = self.ppf(np.array([(1.0 - mass) / 2.0, (1.0 + mass) / 2.0]))
        return float(lo), float(hi)

    def log10_moments(self) -> tuple[float, float]:
        """(mean, sd) of log10 X, exact for every positive family.

        With L = ln X: lognormal E L = mu, Var L = sigma^2; gamma(alpha, rate beta)
        E L = digamma(alpha) - ln beta, Var L = trigamma(alpha); inverse gamma
        E L = ln beta - digamma(alpha), Var L = trigamma(alpha); Weibull(k, lambda)
        E L = ln lambda - gamma_E / k, Var L = pi^2 / (6 k^2); exponential(lam)
        E L = -gamma_E - ln lam, Var L = pi^2/6; half-normal(sigma)
        E L = ln sigma - (gamma_E + ln 2)/2, Var L = pi^2/8; beta(a, b)
        E L = digamma(a) - digamma(a+b), Var L = trigamma(a) - trigamma(a+b).
        Both are divided by ln 10.
        """
        p = self.params
        ln10 = math.log(10.0)
        if self.distribution == "lognormal":
            return p["mu"] / ln10, p["sigma"] / ln10
        if self.distribution == "fixed":
            if p["value"] <= 0:
                raise ValueError("log10 moments need a positive value")
            return math.log10(p["value"]), 0.0
        if self.distribution == "normal":
            raise ValueError("log10 moments need a positive variable; this prior is normal")
        from scipy.special import digamma, polygamma  # deferred: SciPy, as in `_frozen`

        def trigamma(x: float) -> float:
            return float(polygamma(1, x))

        match self.distribution:
            case "gamma":
                mean, var = float(digamma(p["alpha"])) - math.log(p["beta"]), trigamma(p["alpha"])
            case "inversegamma":
                mean, var = math.log(p["beta"]) - float(digamma(p["alpha"])), trigamma(p["alpha"])
            case "weibull":
                mean = math.log(p["beta"]) - _EULER / p["alpha"]
                var = math.pi**2 / (6.0 * p["alpha"] ** 2)
            case "exponential":
                mean, var = -_EULER - math.log(p["lam"]), math.pi**2 / 6.0
            case "halfnormal":
                mean = math.log(p["sigma"]) - (_EULER + math.log(2.0)) / 2.0
                var = math.pi**2 / 8.0
            case "beta":
                a, b = p["alpha"], p["beta"]
                mean = float(digamma(a) - digamma(a + b))
                var = trigamma(a) - trigamma(a + b)
            case _:
                raise ValueError(f"unknown distribution '{self.distribution}'")
        return mean / ln10, math.sqrt(var) / ln10

    def mean_var(self) -> tuple[float, float]:
        """(mean, variance) of X: exact for the lognormal, normal, half-normal and point mass,
        from SciPy's frozen distribution for the other families."""
        p = self.params
        match self.distribution:
            case "lognormal":
                return (math.exp(p["mu"] + p["sigma"] ** 2 / 2.0),
                        math.expm1(p["sigma"] ** 2) * math.exp(2.0 * p["mu"] + p["sigma"] ** 2))
            case "normal":
                return p["mu"], p["sigma"] ** 2
            case "halfnormal":
                return p["sigma"] * math.sqrt(2.0 / math.pi), p["sigma"] ** 2 * (1.0 - 2.0 / math.pi)
            case "fixed":
                return p["value"], 0.0
        return float(self._frozen.mean()), float(self._frozen.var())

    @classmethod
    def lognormal_log10(cls, mean: float, sd: float) -> Dist:
        """The lognormal whose log10 has mean `mean` and sd `sd` (> 0), with its median and
        equal-tailed 90% interval computed exactly (no fit)."""
        if not sd > 0:
            raise ValueError("sd must be positive")
        ln10 = math.log(10.0)
        mu, sigma = mean * ln10, sd * ln10
        return cls("lognormal", math.exp(mu), (math.exp(mu - _Z95 * sigma), math.exp(mu + _Z95 * sigma)),
                   {"mu": mu, "sigma": sigma})

    def scaled(self, factor: float) -> Dist:
        """The distribution of factor * X (factor > 0); exact for every scale family."""
        c = float(factor)
        if not c > 0:
            raise ValueError("scale factor must be positive")
        p = dict(self.params)
        match self.distribution:
            case "lognormal":
                p["mu"] += math.log(c)
            case "normal":
                p["mu"] *= c
                p["sigma"] *= c
            case "halfnormal":
                p["sigma"] *= c
            case "gamma":
                p["beta"] /= c
            case "inversegamma" | "weibull":
                p["beta"] *= c
            case "exponential":
                p["lam"] /= c
            case "fixed":
                p["value"] *= c
            case _:
                raise ValueError(f"a {self.distribution} prior cannot be rescaled exactly")
        lo, hi = self.interval90
        return Dist(self.distribution, self.median * c, (lo * c, hi * c), p)

    def to_pymc(self, name: str, **kwargs: Any) -> Any:
        """A PyMC random variable with these parameters (PyMC imported lazily).

        The fixed point mass becomes `pm.Deterministic(name, value)`.
        """
        import pymc as pm  # deferred: PyMC takes about 2 s to import

        if self.distribution == "fixed":
            import pytensor.tensor as pt  # deferred: PyTensor comes with PyMC

            return pm.Deterministic(name, pt.as_tensor_variable(float(self.params["value"])), **kwargs)
        return getattr(pm, _pymc_name(self.distribution))(name, **dict(self.params), **kwargs)

    def describe(self) -> str:
        """One line, e.g. 'lognormal median 3 [1.25, 7.2]'."""
        if self.distribution == "fixed":
            return f"fixed {_fmt(self.median)}"
        lo, hi = self.interval90
        return f"{self.distribution} median {_fmt(self.median)} [{_fmt(lo)}, {_fmt(hi)}]"

    def to_dict(self) -> dict[str, Any]:
        """{distribution, median, interval90, params} as plain JSON-ready values."""
        return {
            "distribution": self.distribution,
            "median": self.median,
            "interval90": list(self.interval90),
            "params": dict(self.params),
        }


def _fmt(x: float) -> str:
    return f"{x:.4g}"


# ---------------------------------------------------------------------------------------------
# Parsing a distribution table (every failure is a UserError naming the file and key)
# ---------------------------------------------------------------------------------------------


def dist_from_table(table: Mapping[str, Any], *, file: Any, key: str, positive: bool) -> Dist:
    """Parse and fit one distribution table {distribution, median, interval90 | params} or {value}.

    Parameters
    ----------
    table : Mapping
        The table as parsed from TOML (or built from arguments and overrides).
    file, key
        Named in errors; `key` is the table's dotted key.
    positive : bool
        The quantity must be > 0 (a multiplier), so the family's support must be positive and
        the stated values > 0.

    Returns
    -------
    Dist
        Fitted parameters come from the fit cache when present; a new fit is added to it (the
        caller flushes the cache).
    """
    if "value" in table:
        return _point_mass(table, file=file, key=key, positive=positive)
    name = _family_name(table, file=file, key=key, positive=positive)
    median = read_number(table["median"], file, join_key(key, "median")) if "median" in table else None
    interval = _read_interval(table, file=file, key=key)
    params = _read_params(table, name, file=file, key=key)
    if name == "fixed":
        return _fixed(median, interval, params, file=file, key=key, positive=positive)
    if median is None and interval is None and params is None:
        raise UserError("missing 'median' and 'interval90' (or 'params')", file=file, key=key)
    _check_values(name, median, interval, file=file, key=key, positive=positive)
    if params is None and interval is None and len(FAMILIES[name].params) > 1:
        raise UserError(f"a {name} prior needs 'interval90' as well as 'median'", file=file, key=key)
    return _fitted(name, median, interval, params, file=file, key=key)


def _point_mass(table: Mapping[str, Any], *, file: Any, key: str, positive: bool) -> Dist:
    """A table {value = x}: a point mass, with no distribution keys beside it."""
    v = read_number(table["value"], file, join_key(key, "value"))
    for k in DIST_KEYS:
        if k in table:
            raise UserError("give either 'value' or a distribution, not both", file=file, key=join_key(key, k))
    if positive and v <= 0:
        raise UserError("a multiplier must be positive", file=file, key=join_key(key, "value"))
    return Dist.fixed(v)


def _family_name(table: Mapping[str, Any], *, file: Any, key: str, positive: bool) -> str:
    """The table's `distribution` (lognormal by default), known and allowed for the quantity."""
    name = table.get("distribution", "lognormal")
    if not isinstance(name, str) or name not in FAMILIES:
        raise UserError(
            f"unknown distribution {name!r} (known: {', '.join(DISTRIBUTIONS)})",
            file=file, key=join_key(key, "distribution"),
        )
    if positive and FAMILIES[name].support == "real" and name != "fixed":
        raise UserError(
            f"a multiplier must be positive; the {name} distribution allows values <= 0",
            file=file, key=join_key(key, "distribution"),
        )
    return name


def _read_interval(table: Mapping[str, Any], *, file: Any, key: str) -> tuple[float, float] | None:
    """The table's `interval90` as (low, high), or None when absent."""
    if "interval90" not in table:
        return None
    raw = table["interval90"]
    if not isinstance(raw, list) or len(raw) != 2:
        raise UserError("expected a list of two numbers [low, high]", file=file, key=join_key(key, "interval90"))
    return (read_number(raw[0], file, join_key(key, "interval90")),
            read_number(raw[1], file, join_key(key, "interval90")))


def _read_params(table: Mapping[str, Any], name: str, *, file: Any, key: str) -> dict[str, float] | None:
    """The table's explicit `params` (every parameter of the family, the scale ones > 0), or None."""
    if "params" not in table:
        return None
    fam = FAMILIES[name]
    raw = read_table(table["params"], file, join_key(key, "params"))
    check_keys(raw, fam.params, file, join_key(key, "params"))
    params = {p: read_number(require_key(raw, p, file, join_key(key, "params")), file, join_key(key, f"params.{p}"))
              for p in fam.params}
    for p, free in zip(fam.params, fam.free_sign):
        if not free and params[p] <= 0:
            raise UserError("parameter must be positive", file=file, key=join_key(key, f"params.{p}"))
    return params


def _fixed(median: float | None, interval: tuple[float, float] | None, params: Mapping[str, float] | None,
           *, file: Any, key: str, positive: bool) -> Dist:
    """`distribution = "fixed"`: a point mass at `params.value` or the median."""
    if params is not None:
        v = params["value"]
    elif median is not None:
        v = median
    else:
        raise UserError("a fixed distribution needs 'median' or 'params.value'", file=file, key=key)
    if interval is not None and not (interval[0] == v == interval[1]):
        raise UserError("a fixed distribution's interval must be [value, value]", file=file,
                        key=join_key(key, "interval90"))
    if positive and v <= 0:
        raise UserError("a multiplier must be positive", file=file, key=join_key(key, "median"))
    return Dist.fixed(v)


def _check_values(name: str, median: float | None, interval: tuple[float, float] | None, *,
                  file: Any, key: str, positive: bool) -> None:
    """The stated values are ordered and inside the family's (and the quantity's) support."""
    fam = FAMILIES[name]
    if interval is not None:
        lo, hi = interval
        if not lo < hi:
            raise UserError(f"interval low {lo:g} must be below high {hi:g}", file=file,
                            key=join_key(key, "interval90"))
        if median is not None and not lo < median < hi:
            raise UserError(f"median {median:g} lies outside its interval [{lo:g}, {hi:g}]",
                            file=file, key=join_key(key, "median"))
    values = [v for v in ((median,) + (interval or ())) if v is not None]
    if positive and any(v <= 0 for v in values):
        raise UserError("a multiplier must be positive (median and interval > 0)", file=file,
                        key=join_key(key, "median" if median is not None and median <= 0 else "interval90"))
    if fam.support == "positive" and any(v <= 0 for v in values):
        raise UserError(f"the {name} distribution needs positive values", file=file, key=key)
    if fam.support == "unit" and any(not 0 < v < 1 for v in values):
        raise UserError(f"the {name} distribution needs values strictly between 0 and 1", file=file, key=key)


def _fitted(name: str, median: float | None, interval: tuple[float, float] | None,
            params: Mapping[str, float] | None, *, file: Any, key: str) -> Dist:
    """The family fitted to the stated quantiles (or given `params`), through the fit cache."""
    targets: dict[float, float] = {}
    if median is not None:
        targets[0.5] = median
    if interval is not None:
        targets[0.05], targets[0.95] = interval
    cache_key = fit_key(name, targets, params)
    cached = FIT_CACHE.get(cache_key)
    if cached is None:
        cached = compute_fit(name, targets, params, median, interval, file=file, key=key)
        FIT_CACHE.put(cache_key, cached)
    return Dist(name, float(cached["median"]), (float(cached["interval90"][0]), float(cached["interval90"][1])),
                {k: float(v) for k, v in cached["params"].items()})
