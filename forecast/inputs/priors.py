"""Technique and engine priors: load, validate and query the `priors/` folder.

Folder layout
-------------
One TOML file per efficiency technique (`<id>.toml`) and one `_engine.toml` with the engine-level
priors (drift, future arrivals, saturation, frontier tail, release process, token law, observation
noise, benchmark links). Files are parsed with `tomllib` as data only; nothing in them is executed.

Multipliers
-----------
A technique's multiplier m > 1 means a plain dense 2020-recipe baseline (trained at about 20
tokens per parameter) needs m times more of the file's `axis` for the same capability:

    params_total   total (stored) parameters
    params_active  parameters used per token (mixture-of-experts)
    memory_bytes   weight bytes versus BF16 (quantization)
    tokens         training tokens

The model works with beta = log10 m. `Technique.log10_prior` gives (mean, sd) of log10 m; for the
default lognormal prior with natural-log parameters (mu, sigma) that is exactly
(mu / ln 10, sigma / ln 10).

Distributions
-------------
A prior is written as a median and an equal-tailed 90% interval (`interval90 = [q05, q95]`) of a
named family (lognormal by default), or as explicit parameters. PreliZ turns the quantiles into the
family's parameters by least squares on the 5%, 50% and 95% quantiles (log scale for positive
families, interval-width scale for the normal); a file is accepted only if every stated quantile is
matched within 1% (relative; for the normal, 1% of the interval width). Fitted parameters are
cached on disk (`forecast.core.paths.cache_dir()`), keyed by the inputs, so a warm load never imports
PreliZ or SciPy.

Overlaps
--------
Data curation, distillation and over-training partly share their gains (phi, Gemma 2 and Llama 3
each used several at once, so the evidence cannot split the credit cleanly). A technique file
states each such overlap in `[[overlaps]]` with `treatment = "correlated"` and a log-space
correlation `rho`; `PriorSet.correlation(ids)` returns the matrix the model uses for a
multivariate-normal prior on the log10 multipliers (a Gaussian copula for non-lognormal
families). `treatment = "net_of"` records that the multiplier was converted net of the other
technique's gain, so the two multiply independently.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import tomllib
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from forecast.core.errors import UserError
from forecast.inputs.dates import parse_date
from forecast.core.io import atomic_write, sha256_bytes, sha256_files
from forecast.core.paths import cache_dir, default_priors_dir

# the dates a prior file may state (introductions, publications, reference dates)
FILE_DATES = (date(1900, 1, 1), date(2100, 12, 31))

AXES = ("params_total", "params_active", "memory_bytes", "tokens")
ENGINE_FILE = "_engine.toml"
FIT_TOLERANCE = 0.01  # relative error allowed between a file's quantiles and the fitted ones
QUANTILES = (0.05, 0.5, 0.95)
OVERLAP_TREATMENTS = ("correlated", "net_of")
LINK_FAMILIES = ("logistic", "gumbel")
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_FIT_CACHE_VERSION = 1
_FIT_CACHE_MAX_ENTRIES = 4000


# ---------------------------------------------------------------------------------------------
# Distribution families
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Family:
    """A distribution family as PreliZ, SciPy and PyMC name it (parameter names follow PreliZ)."""

    preliz: str
    params: tuple[str, ...]
    free_sign: tuple[bool, ...]  # True where the parameter may be negative (location)
    support: str  # "real", "positive" (x > 0 or x >= 0) or "unit" (0 < x < 1)


FAMILIES: dict[str, _Family] = {
    "lognormal": _Family("LogNormal", ("mu", "sigma"), (True, False), "positive"),
    "normal": _Family("Normal", ("mu", "sigma"), (True, False), "real"),
    "halfnormal": _Family("HalfNormal", ("sigma",), (False,), "positive"),
    "gamma": _Family("Gamma", ("alpha", "beta"), (False, False), "positive"),
    "inversegamma": _Family("InverseGamma", ("alpha", "beta"), (False, False), "positive"),
    "weibull": _Family("Weibull", ("alpha", "beta"), (False, False), "positive"),
    "exponential": _Family("Exponential", ("lam",), (False,), "positive"),
    "beta": _Family("Beta", ("alpha", "beta"), (False, False), "unit"),
    "fixed": _Family("", ("value",), (True,), "real"),
}
DISTRIBUTIONS = tuple(FAMILIES)
_SCALABLE = ("lognormal", "halfnormal", "gamma", "inversegamma", "weibull", "exponential", "fixed")
_EULER = 0.5772156649015329


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

        Raises UserError when the family cannot match the stated quantiles within 1%.
        """
        spec: dict[str, Any] = {"distribution": distribution}
        if median is not None:
            spec["median"] = median
        if interval90 is not None:
            spec["interval90"] = list(interval90)
        dist = _dist_from_table(spec, file="<arguments>", key="dist", positive=False)
        _FIT_CACHE.flush()
        return dist

    @classmethod
    def from_params(cls, distribution: str, params: Mapping[str, float]) -> Dist:
        """A distribution from explicit parameters; median and interval computed by PreliZ."""
        dist = _dist_from_table(
            {"distribution": distribution, "params": dict(params)},
            file="<arguments>", key="dist", positive=False,
        )
        _FIT_CACHE.flush()
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
        from scipy import stats

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
        from scipy.special import ndtr

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
        from scipy.special import digamma, polygamma

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
        import pymc as pm

        if self.distribution == "fixed":
            import pytensor.tensor as pt

            return pm.Deterministic(name, pt.as_tensor_variable(float(self.params["value"])), **kwargs)
        return getattr(pm, _pymc_name(self.distribution))(name, **dict(self.params), **kwargs)

    def describe(self) -> str:
        """One line, e.g. 'lognormal median 3 [1.25, 7.2]'."""
        if self.distribution == "fixed":
            return f"fixed {_fmt(self.median)}"
        lo, hi = self.interval90
        return f"{self.distribution} median {_fmt(self.median)} [{_fmt(lo)}, {_fmt(hi)}]"

    def to_dict(self) -> dict[str, Any]:
        return {
            "distribution": self.distribution,
            "median": self.median,
            "interval90": list(self.interval90),
            "params": dict(self.params),
        }


def _fmt(x: float) -> str:
    return f"{x:.4g}"


# ---------------------------------------------------------------------------------------------
# Fitting with PreliZ (and its on-disk cache)
# ---------------------------------------------------------------------------------------------


class _FitCache:
    """Fitted parameters keyed by the fit's inputs, in `cache_dir()/priors-fits.json`."""

    def __init__(self) -> None:
        self._entries: dict[str, dict[str, Any]] | None = None
        self._loaded_from: Path | None = None
        self._dirty = False

    def _path(self) -> Path:
        return cache_dir() / "priors-fits.json"

    def _load(self) -> dict[str, dict[str, Any]]:
        path = self._path()
        if self._entries is None or self._loaded_from != path:
            self._loaded_from = path
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
                ok = isinstance(raw, dict) and raw.get("version") == _FIT_CACHE_VERSION
                self._entries = dict(raw["entries"]) if ok else {}
            except (OSError, ValueError, KeyError, TypeError):
                self._entries = {}
        return self._entries

    def get(self, key: str) -> dict[str, Any] | None:
        return self._load().get(key)

    def put(self, key: str, value: dict[str, Any]) -> None:
        entries = self._load()
        entries[key] = value
        self._dirty = True

    def flush(self) -> None:
        if not self._dirty or self._entries is None:
            return
        entries = self._entries
        if len(entries) > _FIT_CACHE_MAX_ENTRIES:  # keep the newest entries
            entries = dict(list(entries.items())[-_FIT_CACHE_MAX_ENTRIES:])
            self._entries = entries
        payload = json.dumps({"version": _FIT_CACHE_VERSION, "entries": entries}, sort_keys=False)
        try:
            atomic_write(self._path(), payload)
        except OSError:
            pass  # the cache only saves time; a read-only cache folder is not an error
        self._dirty = False


_FIT_CACHE = _FitCache()


@lru_cache(maxsize=1)
def _preliz_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("preliz")
    except PackageNotFoundError:  # pragma: no cover - preliz is a declared dependency
        return "unknown"


def _fit_key(distribution: str, targets: Mapping[float, float], params: Mapping[str, float] | None) -> str:
    return json.dumps(
        [_FIT_CACHE_VERSION, _preliz_version(), distribution,
         sorted((float(q), float(v)) for q, v in targets.items()),
         sorted((k, float(v)) for k, v in (params or {}).items())],
    )


def _initial_params(distribution: str, targets: Mapping[float, float]) -> dict[str, float]:
    """A starting point for the quantile fit from the median and the interval's log width."""
    med = targets.get(0.5)
    lo, hi = targets.get(0.05), targets.get(0.95)
    if med is None:
        med = math.sqrt(lo * hi) if lo and hi and lo > 0 else (lo + hi) / 2.0
    if lo is not None and hi is not None and lo > 0:
        s = max(math.log(hi / lo) / 3.29, 1e-3)
    else:
        s = 0.5
    match distribution:
        case "lognormal":
            return {"mu": math.log(med), "sigma": s}
        case "normal":
            width = (hi - lo) / 3.29 if lo is not None and hi is not None else abs(med) or 1.0
            return {"mu": med, "sigma": max(width, 1e-9)}
        case "halfnormal":
            return {"sigma": med / 0.6745 if med else hi / 1.645}
        case "exponential":
            return {"lam": math.log(2.0) / med if med else 3.0 / hi}
        case "gamma":
            alpha = 1.0 / s**2
            return {"alpha": alpha, "beta": alpha / med}
        case "inversegamma":
            alpha = 1.0 / s**2 + 1.0
            return {"alpha": alpha, "beta": med * alpha}
        case "weibull":
            k = 1.28 / s
            return {"alpha": k, "beta": med / math.log(2.0) ** (1.0 / k)}
        case "beta":
            var = (s * med) ** 2
            total = max(med * (1.0 - med) / var - 1.0, 0.5)
            return {"alpha": max(med * total, 0.05), "beta": max((1.0 - med) * total, 0.05)}
    raise ValueError(distribution)


def _fit_quantiles(distribution: str, targets: Mapping[float, float]) -> dict[str, float]:
    """Least-squares fit of a PreliZ family to the given quantiles.

    Residuals are ln(ppf(q)) - ln(target) for positive families and
    (ppf(q) - target) / width for the normal; positive parameters are optimised on the log scale.
    """
    import preliz as pz
    from scipy.optimize import least_squares

    fam = FAMILIES[distribution]
    cls = getattr(pz, fam.preliz)
    qs = np.array(sorted(targets))
    t = np.array([targets[q] for q in qs], dtype=float)
    width = float(t.max() - t.min()) or max(abs(float(t[0])), 1.0)
    start = _initial_params(distribution, targets)
    x0 = np.array([v if free else math.log(v) for v, free in zip(start.values(), fam.free_sign)])

    def unpack(x: np.ndarray) -> dict[str, float]:
        return {
            name: float(v if free else math.exp(min(v, 700.0)))
            for name, v, free in zip(fam.params, x, fam.free_sign)
        }

    def residuals(x: np.ndarray) -> np.ndarray:
        vals = np.asarray(cls(**unpack(x)).ppf(qs), dtype=float)
        if fam.support == "real":
            res = (vals - t) / width
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                res = np.log(vals) - np.log(t)
        return np.where(np.isfinite(res), res, 1e3)

    with np.errstate(all="ignore"):
        sol = least_squares(residuals, x0, method="trf", xtol=1e-12, ftol=1e-12, gtol=1e-12)
    return unpack(sol.x)


def _preliz_quantiles(distribution: str, params: Mapping[str, float]) -> np.ndarray:
    """PreliZ's 5%, 50%, 95% quantiles for the family with `params`."""
    import preliz as pz

    cls = getattr(pz, FAMILIES[distribution].preliz)
    with np.errstate(all="ignore"):
        return np.asarray(cls(**dict(params)).ppf(np.array(QUANTILES)), dtype=float)


def _quantile_error(distribution: str, got: float, want: float, width: float) -> float:
    if FAMILIES[distribution].support == "real":
        return abs(got - want) / width if width > 0 else abs(got - want)
    return abs(got - want) / abs(want)


# ---------------------------------------------------------------------------------------------
# Parsing helpers (every failure is a UserError naming the file and key)
# ---------------------------------------------------------------------------------------------


def _number(value: Any, file: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UserError(f"expected a number, got {type(value).__name__}", file=file, key=key)
    try:
        x = float(value)
    except OverflowError:
        raise UserError("number too large", file=file, key=key) from None
    if not math.isfinite(x):
        raise UserError("number must be finite", file=file, key=key)
    return x


def _string(value: Any, file: Any, key: str) -> str:
    if not isinstance(value, str):
        raise UserError(f"expected a string, got {type(value).__name__}", file=file, key=key)
    if not value.strip():
        raise UserError("must not be empty", file=file, key=key)
    return value.strip()


def _boolean(value: Any, file: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise UserError(f"expected true or false, got {type(value).__name__}", file=file, key=key)
    return value


def _table(value: Any, file: Any, key: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise UserError(f"expected a table, got {type(value).__name__}", file=file, key=key)
    return value


def _check_keys(table: Mapping[str, Any], allowed: Iterable[str], file: Any, prefix: str) -> None:
    allowed = set(allowed)
    for k in table:
        if k not in allowed:
            raise UserError(
                f"unknown key (allowed: {', '.join(sorted(allowed))})", file=file, key=_join(prefix, k)
            )


def _require(table: Mapping[str, Any], key: str, file: Any, prefix: str) -> Any:
    if key not in table:
        raise UserError("missing required key", file=file, key=_join(prefix, key))
    return table[key]


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


_DIST_KEYS = ("distribution", "median", "interval90", "params")


def _dist_from_table(table: Mapping[str, Any], *, file: Any, key: str, positive: bool) -> Dist:
    """Parse and fit one distribution table {distribution, median, interval90 | params}.

    `positive`: the quantity must be > 0 (a multiplier), so the family's support must be
    positive and the stated values > 0.
    """
    if "value" in table:  # a point mass
        v = _number(table["value"], file, _join(key, "value"))
        for k in _DIST_KEYS:
            if k in table:
                raise UserError("give either 'value' or a distribution, not both", file=file, key=_join(key, k))
        if positive and v <= 0:
            raise UserError("a multiplier must be positive", file=file, key=_join(key, "value"))
        return Dist.fixed(v)
    name = table.get("distribution", "lognormal")
    if not isinstance(name, str) or name not in FAMILIES:
        raise UserError(
            f"unknown distribution {name!r} (known: {', '.join(DISTRIBUTIONS)})",
            file=file, key=_join(key, "distribution"),
        )
    fam = FAMILIES[name]
    if positive and fam.support == "real" and name != "fixed":
        raise UserError(
            f"a multiplier must be positive; the {name} distribution allows values <= 0",
            file=file, key=_join(key, "distribution"),
        )
    median = _number(table["median"], file, _join(key, "median")) if "median" in table else None
    interval = None
    if "interval90" in table:
        raw = table["interval90"]
        if not isinstance(raw, list) or len(raw) != 2:
            raise UserError("expected a list of two numbers [low, high]", file=file, key=_join(key, "interval90"))
        interval = (_number(raw[0], file, _join(key, "interval90")), _number(raw[1], file, _join(key, "interval90")))
    params = None
    if "params" in table:
        raw = _table(table["params"], file, _join(key, "params"))
        _check_keys(raw, fam.params, file, _join(key, "params"))
        params = {p: _number(_require(raw, p, file, _join(key, "params")), file, _join(key, f"params.{p}"))
                  for p in fam.params}
        for p, free in zip(fam.params, fam.free_sign):
            if not free and params[p] <= 0:
                raise UserError("parameter must be positive", file=file, key=_join(key, f"params.{p}"))
    if name == "fixed":
        if params is not None:
            v = params["value"]
        elif median is not None:
            v = median
        else:
            raise UserError("a fixed distribution needs 'median' or 'params.value'", file=file, key=key)
        if interval is not None and not (interval[0] == v == interval[1]):
            raise UserError("a fixed distribution's interval must be [value, value]", file=file, key=_join(key, "interval90"))
        if positive and v <= 0:
            raise UserError("a multiplier must be positive", file=file, key=_join(key, "median"))
        return Dist.fixed(v)
    if median is None and interval is None and params is None:
        raise UserError("missing 'median' and 'interval90' (or 'params')", file=file, key=key)
    _check_values(name, median, interval, file=file, key=key, positive=positive)
    if params is None and interval is None and len(fam.params) > 1:
        raise UserError(f"a {name} prior needs 'interval90' as well as 'median'", file=file, key=key)

    targets: dict[float, float] = {}
    if median is not None:
        targets[0.5] = median
    if interval is not None:
        targets[0.05], targets[0.95] = interval
    cache_key = _fit_key(name, targets, params)
    cached = _FIT_CACHE.get(cache_key)
    if cached is None:
        cached = _compute_fit(name, targets, params, median, interval, file=file, key=key)
        _FIT_CACHE.put(cache_key, cached)
    return Dist(name, float(cached["median"]), (float(cached["interval90"][0]), float(cached["interval90"][1])),
                {k: float(v) for k, v in cached["params"].items()})


def _check_values(name: str, median: float | None, interval: tuple[float, float] | None, *,
                  file: Any, key: str, positive: bool) -> None:
    fam = FAMILIES[name]
    if interval is not None:
        lo, hi = interval
        if not lo < hi:
            raise UserError(f"interval low {lo:g} must be below high {hi:g}", file=file, key=_join(key, "interval90"))
        if median is not None and not lo < median < hi:
            raise UserError(f"median {median:g} lies outside its interval [{lo:g}, {hi:g}]",
                            file=file, key=_join(key, "median"))
    values = [v for v in ((median,) + (interval or ())) if v is not None]
    if positive and any(v <= 0 for v in values):
        raise UserError("a multiplier must be positive (median and interval > 0)",
                        file=file, key=_join(key, "median" if median is not None and median <= 0 else "interval90"))
    if fam.support == "positive" and any(v <= 0 for v in values):
        raise UserError(f"the {name} distribution needs positive values", file=file, key=key)
    if fam.support == "unit" and any(not 0 < v < 1 for v in values):
        raise UserError(f"the {name} distribution needs values strictly between 0 and 1", file=file, key=key)


def _compute_fit(name: str, targets: Mapping[float, float], params: Mapping[str, float] | None,
                 median: float | None, interval: tuple[float, float] | None, *,
                 file: Any, key: str) -> dict[str, Any]:
    """Fit (or evaluate explicit parameters) with PreliZ and check the stated quantiles."""
    try:
        fitted = dict(params) if params is not None else _fit_quantiles(name, targets)
        q = _preliz_quantiles(name, fitted)
    except (ValueError, ArithmeticError, RuntimeError, TypeError) as exc:
        raise UserError(f"cannot fit a {name} distribution to these values ({exc})", file=file, key=key) from None
    if not np.all(np.isfinite(q)) or not all(math.isfinite(v) for v in fitted.values()):
        raise UserError(f"cannot fit a {name} distribution to these values", file=file, key=key)
    width = (interval[1] - interval[0]) if interval is not None else float(q[2] - q[0])
    for prob, want in targets.items():
        got = float(q[QUANTILES.index(prob)])
        if _quantile_error(name, got, want, width) > FIT_TOLERANCE:
            hint = ""
            if name == "lognormal" and median is not None and interval is not None:
                half = math.sqrt(interval[1] / interval[0])
                hint = (f"; a lognormal needs an interval symmetric in log space around the median, "
                        f"e.g. [{median / half:.4g}, {median * half:.4g}]")
            raise UserError(
                f"no {name} distribution matches these values within 1%: the best fit has median "
                f"{q[1]:.4g} and 90% interval [{q[0]:.4g}, {q[2]:.4g}]{hint}",
                file=file, key=_join(key, "median" if prob == 0.5 else "interval90"),
            )
    stated_median = median if median is not None else float(q[1])
    stated_interval = list(interval) if interval is not None else [float(q[0]), float(q[2])]
    return {"params": fitted, "median": stated_median, "interval90": stated_interval}


def _citation(table: Mapping[str, Any], file: Any, key: str) -> tuple[str | None, bool]:
    """(cite, judgement) of an engine entry; one of them must be present."""
    cite = _string(table["cite"], file, _join(key, "cite")) if "cite" in table else None
    judgement = _boolean(table["judgement"], file, _join(key, "judgement")) if "judgement" in table else False
    if cite is None and not judgement:
        raise UserError("missing citation: give 'cite' or 'judgement = true'", file=file, key=key)
    return cite, judgement


# ---------------------------------------------------------------------------------------------
# Techniques
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence: citation (authors year, arXiv id, table or figure), what it found,
    and how it was converted to the file's axis."""

    cite: str
    finding: str
    conversion: str


@dataclass(frozen=True)
class Overlap:
    """A gain shared with another technique. `rho` is the log-space correlation when
    `treatment == "correlated"`; `"net_of"` means this multiplier was stated net of the other."""

    with_id: str
    treatment: str
    rho: float | None
    note: str


@dataclass(frozen=True)
class EarlierLaw:
    """The token effect as it was known before the over-training technique's `introduced` date:
    the loss law published on `published` (Kaplan et al. 2020's L(N, D), the only form so far)
    with its constants, and the prior of the multiplier at the technique's `reference_tpp` that
    this law implies (`multiplier`), which stands in for the technique's own prior in fits as of
    dates from `published` to the day before `introduced` (`PriorSet.introduced_by`)."""

    published: date
    cite: str
    N_c: float
    D_c: float
    alpha_N: float
    alpha_D: float
    multiplier: Dist
    judgement: bool

    def law(self, reference_tpp: float) -> Any:
        """The law as a `forecast.inputs.scaling_law.KaplanLaw` (imported lazily)."""
        from forecast.inputs.scaling_law import KaplanLaw

        return KaplanLaw(N_c=self.N_c, D_c=self.D_c, alpha_N=self.alpha_N, alpha_D=self.alpha_D,
                         reference_tpp=reference_tpp)


@dataclass(frozen=True)
class Technique:
    """One technique's prior, as written in `priors/<id>.toml`.

    Special fields: `reference_sparsity` (mixture-of-experts: the multiplier is on active
    parameters at this total/active ratio); `reference_tpp` (over-training: the multiplier is at
    this many tokens per parameter versus the compute-optimal ratio); `bits` (quantization:
    parameter-axis retention per weight bit width, so the byte multiplier at b bits is
    retention(b) * 16 / b); `before` (over-training: the law known before `introduced`, see
    `EarlierLaw`). `earlier_form` marks a technique that `PriorSet.introduced_by` replaced by its
    `before` form: its multiplier is that law's, and its token effect reads that law's curve.
    """

    id: str
    name: str
    axis: str
    introduced: date
    introduced_in: str
    indicator: str
    multiplier: Dist
    judgement: bool
    adoption: str
    evidence: tuple[Evidence, ...]
    overlaps: tuple[Overlap, ...] = ()
    reference_sparsity: float | None = None
    reference_tpp: float | None = None
    bits: Mapping[int, Dist] | None = None
    file: Path | None = None
    before: EarlierLaw | None = None
    earlier_form: bool = False

    def __hash__(self) -> int:
        return hash((self.id, self.multiplier, self.earlier_form))

    def known_before(self) -> Technique:
        """The technique as known between `before.published` and `introduced`: the earlier
        law's multiplier prior, introduced on the law's publication date."""
        if self.before is None:
            raise ValueError(f"technique {self.id!r} has no earlier law")
        return dataclasses.replace(
            self, multiplier=self.before.multiplier, judgement=self.before.judgement,
            introduced=self.before.published, introduced_in=self.before.cite, earlier_form=True,
        )

    @property
    def log10_prior(self) -> tuple[float, float]:
        """(mean, sd) of log10 of the multiplier on the file's axis."""
        return self.multiplier.log10_moments()

    @property
    def kappa_prior(self) -> tuple[float, float] | None:
        """Mixture-of-experts elasticity kappa = ln m / ln s_ref as (mean, sd); None otherwise.

        A MoE with sparsity s is worth a dense model of active * s**kappa parameters.
        """
        if self.reference_sparsity is None:
            return None
        mean, sd = self.log10_prior
        denom = math.log10(self.reference_sparsity)
        return mean / denom, sd / denom

    @property
    def total_multiplier(self) -> Dist | None:
        """Mixture-of-experts: the multiplier on total parameters at the reference sparsity,
        s**(kappa - 1) = m / s; None for other techniques."""
        if self.reference_sparsity is None:
            return None
        return self.multiplier.scaled(1.0 / self.reference_sparsity)

    def retention(self, bits: int) -> Dist:
        """Quantization: parameter-axis retention at `bits` bits per weight."""
        if not self.bits or bits not in self.bits:
            known = sorted(self.bits) if self.bits else []
            raise UserError(f"no retention prior at {bits} bits (known: {known})", key=f"{self.id}.bits")
        return self.bits[bits]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "axis": self.axis,
            "introduced": self.introduced.isoformat(),
            "introduced_in": self.introduced_in,
            "indicator": self.indicator,
            "multiplier": self.multiplier.to_dict(),
            "log10_prior": list(self.log10_prior),
            "judgement": self.judgement,
            "adoption": self.adoption,
            "evidence": [dataclasses.asdict(e) for e in self.evidence],
            "overlaps": [
                {"with": o.with_id, "treatment": o.treatment, "rho": o.rho, "note": o.note} for o in self.overlaps
            ],
        }
        if self.reference_sparsity is not None:
            out["reference_sparsity"] = self.reference_sparsity
            out["total_multiplier"] = self.total_multiplier.to_dict()
            out["kappa_prior"] = list(self.kappa_prior)
        if self.reference_tpp is not None:
            out["reference_tpp"] = self.reference_tpp
        if self.bits is not None:
            out["bits"] = {str(b): d.to_dict() for b, d in sorted(self.bits.items())}
        if self.before is not None:
            b = self.before
            out["before_introduction"] = {
                "published": b.published.isoformat(), "cite": b.cite, "law": "kaplan", "N_c": b.N_c,
                "D_c": b.D_c, "alpha_N": b.alpha_N, "alpha_D": b.alpha_D,
                "multiplier": b.multiplier.to_dict(), "judgement": b.judgement,
            }
        if self.earlier_form:
            out["earlier_form"] = True
        return out


_TECHNIQUE_KEYS = (
    "id", "name", "axis", "introduced", "introduced_in", "indicator", "adoption", "multiplier",
    "evidence", "overlaps", "reference_sparsity", "total_effect", "reference_tpp", "bits",
    "before_introduction",
)
_BEFORE_KEYS = ("published", "cite", "law", "N_c", "D_c", "alpha_N", "alpha_D", "multiplier", "reasoning")
_MULTIPLIER_KEYS = _DIST_KEYS + ("judgement", "note", "value")


def _parse_technique(data: Mapping[str, Any], file: Path) -> Technique:
    _check_keys(data, _TECHNIQUE_KEYS, file, "")
    tid = _string(_require(data, "id", file, ""), file, "id")
    if not _ID_RE.match(tid):
        raise UserError("id must be lower-case letters, digits and '_', starting with a letter", file=file, key="id")
    axis = _string(_require(data, "axis", file, ""), file, "axis")
    if axis not in AXES:
        raise UserError(f"unknown axis '{axis}' (known: {', '.join(AXES)})", file=file, key="axis")
    indicator = _string(_require(data, "indicator", file, ""), file, "indicator")
    if not _ID_RE.match(indicator):
        raise UserError("indicator must name a registry column (lower-case identifier)", file=file, key="indicator")

    mult_table = _table(_require(data, "multiplier", file, ""), file, "multiplier")
    _check_keys(mult_table, _MULTIPLIER_KEYS, file, "multiplier")
    judgement = _boolean(_require(mult_table, "judgement", file, "multiplier"), file, "multiplier.judgement")
    if "note" in mult_table:
        _string(mult_table["note"], file, "multiplier.note")
    multiplier = _dist_from_table(mult_table, file=file, key="multiplier", positive=True)

    evidence = _parse_evidence(data.get("evidence"), file)
    overlaps = _parse_overlaps(data.get("overlaps", []), tid, file)

    if ("reference_sparsity" in data or axis == "memory_bytes") and multiplier.distribution not in _SCALABLE:
        raise UserError(f"this technique needs a scale family ({', '.join(_SCALABLE)}) so its other-axis "
                        "effect can be derived", file=file, key="multiplier.distribution")
    sparsity = _number(data["reference_sparsity"], file, "reference_sparsity") if "reference_sparsity" in data else None
    if sparsity is not None and not sparsity > 1:
        raise UserError("reference_sparsity (total/active) must be above 1", file=file, key="reference_sparsity")
    if (axis == "params_active") != (sparsity is not None):
        raise UserError("reference_sparsity is required exactly when axis = 'params_active'",
                        file=file, key="reference_sparsity")
    if ("total_effect" in data) != (sparsity is not None):
        raise UserError("total_effect is required exactly when reference_sparsity is given", file=file, key="total_effect")
    if sparsity is not None:
        _check_total_effect(data["total_effect"], multiplier, sparsity, file)

    tpp = _number(data["reference_tpp"], file, "reference_tpp") if "reference_tpp" in data else None
    if tpp is not None and not tpp > 0:
        raise UserError("reference_tpp must be positive", file=file, key="reference_tpp")

    bits = None
    if "bits" in data:
        bits = _parse_bits(data["bits"], multiplier, file)
    if (axis == "memory_bytes") != (bits is not None):
        raise UserError("a [bits] table is required exactly when axis = 'memory_bytes'", file=file, key="bits")

    introduced = parse_date(_require(data, "introduced", file, ""), "introduced", file=file, earliest=FILE_DATES[0], latest=FILE_DATES[1])
    before = None
    if "before_introduction" in data:
        if indicator != "training_tokens":
            raise UserError("[before_introduction] is only for the over-training technique "
                            "(indicator = 'training_tokens')", file=file, key="before_introduction")
        before = _parse_before(data["before_introduction"], introduced, file)

    return Technique(
        id=tid,
        name=_string(_require(data, "name", file, ""), file, "name"),
        axis=axis,
        introduced=introduced,
        introduced_in=_string(_require(data, "introduced_in", file, ""), file, "introduced_in"),
        indicator=indicator,
        multiplier=multiplier,
        judgement=judgement,
        adoption=_string(_require(data, "adoption", file, ""), file, "adoption"),
        evidence=evidence,
        overlaps=overlaps,
        reference_sparsity=sparsity,
        reference_tpp=tpp,
        bits=bits,
        file=file,
        before=before,
    )


def _parse_before(raw: Any, introduced: date, file: Path) -> EarlierLaw:
    """The [before_introduction] table of the over-training file (`EarlierLaw`)."""
    prefix = "before_introduction"
    table = _table(raw, file, prefix)
    _check_keys(table, _BEFORE_KEYS, file, prefix)
    law = _string(_require(table, "law", file, prefix), file, f"{prefix}.law")
    if law != "kaplan":
        raise UserError(f"unknown law '{law}' (known: kaplan)", file=file, key=f"{prefix}.law")
    published = parse_date(_require(table, "published", file, prefix), f"{prefix}.published", file=file, earliest=FILE_DATES[0], latest=FILE_DATES[1])
    if not published < introduced:
        raise UserError(f"published ({published}) must be before introduced ({introduced})",
                        file=file, key=f"{prefix}.published")
    constants = {}
    for key in ("N_c", "D_c", "alpha_N", "alpha_D"):
        constants[key] = _number(_require(table, key, file, prefix), file, f"{prefix}.{key}")
        if not constants[key] > 0:
            raise UserError("must be positive", file=file, key=f"{prefix}.{key}")
    if "reasoning" in table:
        _string(table["reasoning"], file, f"{prefix}.reasoning")
    mult = _table(_require(table, "multiplier", file, prefix), file, f"{prefix}.multiplier")
    _check_keys(mult, _MULTIPLIER_KEYS, file, f"{prefix}.multiplier")
    judgement = _boolean(_require(mult, "judgement", file, f"{prefix}.multiplier"), file,
                         f"{prefix}.multiplier.judgement")
    if "note" in mult:
        _string(mult["note"], file, f"{prefix}.multiplier.note")
    return EarlierLaw(
        published=published,
        cite=_string(_require(table, "cite", file, prefix), file, f"{prefix}.cite"),
        multiplier=_dist_from_table(mult, file=file, key=f"{prefix}.multiplier", positive=True),
        judgement=judgement,
        **constants,
    )


def _parse_evidence(raw: Any, file: Path) -> tuple[Evidence, ...]:
    if not isinstance(raw, list) or not raw:
        raise UserError("missing citation: at least one [[evidence]] entry is required", file=file, key="evidence")
    out = []
    for i, entry in enumerate(raw, start=1):
        key = f"evidence[{i}]"
        entry = _table(entry, file, key)
        _check_keys(entry, ("cite", "finding", "conversion"), file, key)
        out.append(Evidence(*(_string(_require(entry, k, file, key), file, f"{key}.{k}")
                              for k in ("cite", "finding", "conversion"))))
    return tuple(out)


def _parse_overlaps(raw: Any, tid: str, file: Path) -> tuple[Overlap, ...]:
    if not isinstance(raw, list):
        raise UserError("expected a list of [[overlaps]] tables", file=file, key="overlaps")
    out = []
    seen = set()
    for i, entry in enumerate(raw, start=1):
        key = f"overlaps[{i}]"
        entry = _table(entry, file, key)
        _check_keys(entry, ("with", "treatment", "rho", "note"), file, key)
        other = _string(_require(entry, "with", file, key), file, f"{key}.with")
        if other == tid or other in seen:
            raise UserError("an overlap names this technique or repeats one", file=file, key=f"{key}.with")
        seen.add(other)
        treatment = _string(_require(entry, "treatment", file, key), file, f"{key}.treatment")
        if treatment not in OVERLAP_TREATMENTS:
            raise UserError(f"unknown treatment '{treatment}' (known: {', '.join(OVERLAP_TREATMENTS)})",
                            file=file, key=f"{key}.treatment")
        rho = None
        if treatment == "correlated":
            rho = _number(_require(entry, "rho", file, key), file, f"{key}.rho")
            if not -1 < rho < 1:
                raise UserError("rho must lie strictly between -1 and 1", file=file, key=f"{key}.rho")
        elif "rho" in entry:
            raise UserError("rho applies only to treatment = 'correlated'", file=file, key=f"{key}.rho")
        note = _string(_require(entry, "note", file, key), file, f"{key}.note")
        out.append(Overlap(other, treatment, rho, note))
    return tuple(out)


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= FIT_TOLERANCE * max(abs(a), abs(b))


def _check_total_effect(raw: Any, multiplier: Dist, sparsity: float, file: Path) -> None:
    """The stated total-parameter effect must equal multiplier / reference_sparsity."""
    table = _table(raw, file, "total_effect")
    _check_keys(table, ("median", "interval90", "note"), file, "total_effect")
    median = _number(_require(table, "median", file, "total_effect"), file, "total_effect.median")
    interval = _require(table, "interval90", file, "total_effect")
    if not isinstance(interval, list) or len(interval) != 2:
        raise UserError("expected a list of two numbers [low, high]", file=file, key="total_effect.interval90")
    lo, hi = (_number(v, file, "total_effect.interval90") for v in interval)
    _string(_require(table, "note", file, "total_effect"), file, "total_effect.note")
    want = multiplier.scaled(1.0 / sparsity)
    if not _same(median, want.median):
        raise UserError(f"must equal multiplier median / reference_sparsity = {want.median:.4g}",
                        file=file, key="total_effect.median")
    if not (_same(lo, want.interval90[0]) and _same(hi, want.interval90[1])):
        raise UserError(f"must equal multiplier interval / reference_sparsity = "
                        f"[{want.interval90[0]:.4g}, {want.interval90[1]:.4g}]", file=file, key="total_effect.interval90")


def _parse_bits(raw: Any, multiplier: Dist, file: Path) -> dict[int, Dist]:
    """Retention per bit width; the 4-bit entry must equal the byte multiplier * 4 / 16."""
    table = _table(raw, file, "bits")
    _citation(table, file, "bits")
    out: dict[int, Dist] = {}
    for k, v in table.items():
        if k in ("cite", "judgement", "note"):
            if k == "note":
                _string(v, file, "bits.note")
            continue
        if not k.isdigit() or not 1 <= int(k) <= 16:
            raise UserError("bit widths must be integers from 1 to 16", file=file, key=f"bits.{k}")
        entry = _table(v, file, f"bits.{k}")
        _check_keys(entry, _DIST_KEYS, file, f"bits.{k}")
        out[int(k)] = _dist_from_table(entry, file=file, key=f"bits.{k}", positive=True)
    if 4 not in out:
        raise UserError("the [bits] table needs a 4-bit entry (= byte multiplier * 4 / 16)", file=file, key="bits.4")
    want = multiplier.scaled(4.0 / 16.0)
    got = out[4]
    if not (_same(got.median, want.median) and all(_same(a, b) for a, b in zip(got.interval90, want.interval90))):
        raise UserError(
            f"the 4-bit retention must equal the byte multiplier * 4/16 = {want.median:.4g} "
            f"[{want.interval90[0]:.4g}, {want.interval90[1]:.4g}]", file=file, key="bits.4",
        )
    out[4] = want  # exact, so a multiplier override keeps the two consistent
    return dict(sorted(out.items()))


# ---------------------------------------------------------------------------------------------
# Engine priors (_engine.toml)
# ---------------------------------------------------------------------------------------------

_POSITIVE = {"positive": True}
_NONZERO = {"positive": True, "nonzero": True}  # a fixed value must be > 0, not only >= 0
_UNIT = {"unit": True}  # strictly between 0 and 1


@dataclass(frozen=True)
class DriftPriors:
    """Residual drift of unnamed improvements, log10 baseline-equivalent parameters per year:
    yearly slopes in a stationary AR(1) around the long-run `rate`, with sd `spread` around it
    and year-to-year persistence `persistence` (0 < phi < 1)."""

    rate: Dist
    spread: Dist = field(metadata=_POSITIVE)
    persistence: Dist = field(metadata=_UNIT)
    reasoning: str = ""


@dataclass(frozen=True)
class ArrivalPriors:
    """Future technique arrivals (per year) and the lag from introduction to adoption (years)."""

    rate: Dist = field(metadata=_POSITIVE)
    adoption_lag_years: Dist = field(metadata=_POSITIVE)
    reasoning: str = ""


@dataclass(frozen=True)
class TechniquePopulationPriors:
    """Size of future techniques: log10 multiplier ~ Normal(mean, spread)."""

    mean: Dist
    spread: Dist = field(metadata=_POSITIVE)
    reasoning: str = ""


@dataclass(frozen=True)
class SaturationPriors:
    """Optional ceiling on further total gain (log10 params beyond the as-of date)."""

    enabled: bool
    ceiling: Dist = field(metadata=_POSITIVE)
    reasoning: str = ""


@dataclass(frozen=True)
class FrontierPriors:
    """Per-model quality term sd and organisation-effect sd, log10 params."""

    quality_sd: Dist = field(metadata=_POSITIVE)
    org_sd: Dist = field(metadata=_POSITIVE)
    reasoning: str = ""


@dataclass(frozen=True)
class ReleasePriors:
    """Release process: ln growth of the monthly release rate per year, and ln releases per month
    per log10 size band. `reference_date` records when the `log_rate` number was read off the
    registry; the model applies the prior at its fitted models' mean release date (t_ref), so a
    fit as of an earlier date is not told the later rate."""

    growth_per_year: Dist
    log_rate: Dist
    reference_date: date
    reasoning: str = ""


@dataclass(frozen=True)
class TokenPriors:
    """Chinchilla law L(N, D) = E + A/N^alpha + B/D^beta (Besiroglu et al. 2024 refit),
    the compute-optimal tokens per parameter, and the trend used to impute missing token counts
    (log10 tokens per parameter per year)."""

    E: float = field(metadata=_POSITIVE)
    A: float = field(metadata=_POSITIVE)
    B: float = field(metadata=_POSITIVE)
    alpha: float = field(metadata=_POSITIVE)
    beta: float = field(metadata=_POSITIVE)
    reference_tpp: float = field(metadata=_POSITIVE)
    impute_trend: Dist
    reasoning: str = ""

    @property
    def compute_exponent(self) -> float:
        """a = beta / (alpha + beta): on the compute-optimal frontier a compute-equivalent gain g
        is worth a parameter multiplier g**a."""
        return self.beta / (self.alpha + self.beta)

    def law(self) -> Any:
        """The loss law as a `forecast.inputs.scaling_law.ChinchillaLaw` (imported lazily)."""
        from forecast.inputs.scaling_law import ChinchillaLaw

        return ChinchillaLaw(E=self.E, A=self.A, B=self.B, alpha=self.alpha, beta=self.beta,
                             reference_tpp=self.reference_tpp)


@dataclass(frozen=True)
class ObservationPriors:
    """Observation noise (score units) and protocol effects (logit units)."""

    noise_sd: Dist = field(metadata=_POSITIVE)
    protocol_effect_sd: Dist = field(metadata=_POSITIVE)
    benchmark_spread: Dist = field(metadata=_POSITIVE)
    reasoning: str = ""


@dataclass(frozen=True)
class Link:
    """Benchmark link p = c + (1 - c - e) * F(h(slope * (theta - midpoint))), e = ceiling_loss,
    with F the logistic function or the Gumbel CDF exp(-exp(-z)) (`family`) and h the stretch
    z + (r - 1) softplus(z) with r = upper_slope_ratio (None: r = 1, no stretch)."""

    slope: Dist
    midpoint: Dist
    ceiling_loss: Dist
    family: str
    upper_slope_ratio: Dist | None = None


@dataclass(frozen=True)
class BenchmarkLink:
    """Per-benchmark overrides of the default link priors (absent entries use the default)."""

    slope: Dist | None = field(default=None, metadata=_POSITIVE)
    midpoint: Dist | None = None
    ceiling_loss: Dist | None = field(default=None, metadata=_POSITIVE)
    family: str | None = None
    upper_slope_ratio: Dist | None = field(default=None, metadata=_NONZERO)
    reasoning: str = ""


@dataclass(frozen=True)
class LinkPriors:
    """Default benchmark-link priors and per-benchmark overrides (`[links.<benchmark>]`)."""

    slope: Dist = field(metadata=_POSITIVE)
    midpoint: Dist
    ceiling_loss: Dist = field(metadata=_POSITIVE)
    family: str
    upper_slope_ratio: Dist | None = field(default=None, metadata=_NONZERO)
    reasoning: str = ""
    benchmarks: Mapping[str, BenchmarkLink] = field(default_factory=dict)

    def for_benchmark(self, name: str) -> Link:
        """The link priors for benchmark `name`: its overrides, else the defaults."""
        o = self.benchmarks.get(name, BenchmarkLink())
        return Link(
            o.slope or self.slope,
            o.midpoint or self.midpoint,
            o.ceiling_loss or self.ceiling_loss,
            o.family or self.family,
            o.upper_slope_ratio or self.upper_slope_ratio,
        )


@dataclass(frozen=True)
class Source:
    """Where an engine number comes from: a citation and/or a stated judgement."""

    cite: str | None
    judgement: bool


@dataclass(frozen=True)
class EnginePriors:
    """Typed access to `_engine.toml`; `sources` maps dotted names (e.g. 'drift.rate') to their
    citation or judgement flag."""

    drift: DriftPriors
    arrivals: ArrivalPriors
    technique_population: TechniquePopulationPriors
    saturation: SaturationPriors
    frontier: FrontierPriors
    releases: ReleasePriors
    tokens: TokenPriors
    observation: ObservationPriors
    links: LinkPriors
    sources: Mapping[str, Source] = field(default_factory=dict)

    def value(self, dotted: str) -> Any:
        """The entry at a dotted name such as 'arrivals.rate' or 'links.mmlu.slope'."""
        parts = dotted.split(".")
        obj: Any = self
        for i, part in enumerate(parts):
            if isinstance(obj, LinkPriors) and part in obj.benchmarks:
                obj = obj.benchmarks[part]
                continue
            if not dataclasses.is_dataclass(obj) or part not in {f.name for f in dataclasses.fields(obj)} \
                    or part in ("sources", "benchmarks"):
                raise UserError("unknown engine entry", key="engine." + ".".join(parts[: i + 1]))
            obj = getattr(obj, part)
        return obj

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for section in ENGINE_SECTIONS:
            out[section] = _section_to_dict(getattr(self, section), section, self.sources)
        return out


ENGINE_SECTIONS: dict[str, type] = {
    "drift": DriftPriors,
    "arrivals": ArrivalPriors,
    "technique_population": TechniquePopulationPriors,
    "saturation": SaturationPriors,
    "frontier": FrontierPriors,
    "releases": ReleasePriors,
    "tokens": TokenPriors,
    "observation": ObservationPriors,
    "links": LinkPriors,
}


def _section_to_dict(obj: Any, prefix: str, sources: Mapping[str, Source]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        v = getattr(obj, f.name)
        name = f"{prefix}.{f.name}"
        if f.name == "benchmarks":
            out[f.name] = {b: _section_to_dict(link, f"{prefix}.{b}", sources) for b, link in v.items()}
        elif isinstance(v, Dist):
            src = sources.get(name)
            out[f.name] = v.to_dict() | ({"cite": src.cite, "judgement": src.judgement} if src else {})
        elif isinstance(v, date):
            out[f.name] = v.isoformat()
        elif v is not None:
            src = sources.get(name)
            out[f.name] = {"value": v, "cite": src.cite, "judgement": src.judgement} if src and not isinstance(v, (bool, str)) else v
    return out


def _field_kinds(cls: type) -> dict[str, tuple[type, bool]]:
    """field name -> (base type, optional) from the dataclass's annotations."""
    hints = typing.get_type_hints(cls)
    out = {}
    for f in dataclasses.fields(cls):
        t = hints[f.name]
        args = typing.get_args(t)
        optional = type(None) in args
        base = next((a for a in args if a is not type(None)), t) if args and optional else t
        out[f.name] = (base, optional)
    return out


def _parse_section(cls: type, table: Mapping[str, Any], file: Path, prefix: str,
                   sources: dict[str, Source], *, extra_tables: bool = False) -> tuple[dict[str, Any], dict[str, Any]]:
    """Parse one engine section into constructor arguments; unknown sub-tables are returned
    separately when `extra_tables` (benchmark overrides in [links])."""
    kinds = _field_kinds(cls)
    meta = {f.name: f.metadata for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    extras: dict[str, Any] = {}
    for k, v in table.items():
        if k not in kinds or k == "benchmarks":
            if extra_tables and isinstance(v, dict) and k != "benchmarks":
                extras[k] = v
                continue
            allowed = ", ".join(sorted(n for n in kinds if n != "benchmarks"))
            raise UserError(f"unknown key (allowed: {allowed})", file=file, key=_join(prefix, k))
    for name, (base, optional) in kinds.items():
        key = _join(prefix, name)
        if name == "benchmarks":
            continue
        if name not in table:
            if name == "reasoning" and cls is BenchmarkLink:
                continue
            if optional:  # a `| None` field may be left out (e.g. upper_slope_ratio)
                continue
            raise UserError("missing required key", file=file, key=key)
        raw = table[name]
        if base is str:
            values[name] = _string(raw, file, key)
            if name == "family" and values[name] not in LINK_FAMILIES:
                raise UserError(f"unknown link family (known: {', '.join(LINK_FAMILIES)})",
                                file=file, key=key)
        elif base is bool:
            values[name] = _boolean(raw, file, key)
        elif base is date:
            values[name] = parse_date(raw, key, file=file, earliest=FILE_DATES[0], latest=FILE_DATES[1])
        elif base is float:
            entry = _table(raw, file, key)
            _check_keys(entry, ("value", "cite", "judgement", "note"), file, key)
            values[name] = _number(_require(entry, "value", file, key), file, _join(key, "value"))
            if meta[name].get("positive") and not values[name] > 0:
                raise UserError("must be positive", file=file, key=_join(key, "value"))
            sources[key] = Source(*_citation(entry, file, key))
        elif base is Dist:
            entry = _table(raw, file, key)
            _check_keys(entry, _DIST_KEYS + ("value", "cite", "judgement", "note"), file, key)
            if "note" in entry:
                _string(entry["note"], file, _join(key, "note"))
            sources[key] = Source(*_citation(entry, file, key))
            dist = _dist_from_table(entry, file=file, key=key, positive=False)
            if meta[name].get("positive"):
                _check_nonnegative(dist, file, key)
            if meta[name].get("unit"):
                _check_unit(dist, file, key)
            if meta[name].get("nonzero") and dist.distribution == "fixed" and not dist.median > 0:
                raise UserError("this entry must be positive", file=file, key=_join(key, "value"))
            values[name] = dist
        else:  # pragma: no cover - schema error in this module
            raise TypeError(f"unsupported engine field type {base!r}")
    return values, extras


def _check_nonnegative(dist: Dist, file: Any, key: str) -> None:
    if FAMILIES[dist.distribution].support == "real" and dist.distribution != "fixed":
        raise UserError(f"this entry must be non-negative; the {dist.distribution} distribution allows "
                        "negative values", file=file, key=_join(key, "distribution"))
    if dist.distribution == "fixed" and dist.median < 0:
        raise UserError("this entry must be non-negative", file=file, key=_join(key, "value"))


def _check_unit(dist: Dist, file: Any, key: str) -> None:
    if dist.distribution == "fixed":
        if not 0.0 < dist.median < 1.0:
            raise UserError("this entry must lie strictly between 0 and 1", file=file, key=_join(key, "value"))
    elif FAMILIES[dist.distribution].support != "unit":
        raise UserError(f"this entry must lie strictly between 0 and 1; the {dist.distribution} "
                        "distribution allows other values (use beta)", file=file,
                        key=_join(key, "distribution"))


def _parse_engine(data: Mapping[str, Any], file: Path) -> EnginePriors:
    _check_keys(data, ENGINE_SECTIONS, file, "")
    sources: dict[str, Source] = {}
    sections: dict[str, Any] = {}
    for name, cls in ENGINE_SECTIONS.items():
        table = _table(_require(data, name, file, ""), file, name)
        values, extras = _parse_section(cls, table, file, name, sources, extra_tables=cls is LinkPriors)
        if cls is LinkPriors:
            benchmarks = {}
            for bench, sub in sorted(extras.items()):
                if not _ID_RE.match(bench):
                    raise UserError("benchmark names are lower-case identifiers", file=file, key=f"links.{bench}")
                bvalues, _ = _parse_section(BenchmarkLink, sub, file, f"links.{bench}", sources)
                if not any(k in bvalues for k in ("slope", "midpoint", "ceiling_loss", "family",
                                                  "upper_slope_ratio")):
                    raise UserError("a benchmark override needs slope, midpoint, ceiling_loss, family "
                                    "or upper_slope_ratio",
                                    file=file, key=f"links.{bench}")
                benchmarks[bench] = BenchmarkLink(**bvalues)
            values["benchmarks"] = benchmarks
        sections[name] = cls(**values)
    return EnginePriors(**sections, sources=sources)


# ---------------------------------------------------------------------------------------------
# The prior set
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PriorSet:
    """All priors of one folder: techniques ordered by id, engine priors, folder and content hash
    (`model_content_hash`: numbers and structure, not prose)."""

    techniques: dict[str, Technique]
    engine: EnginePriors
    folder: Path
    sha256: str
    # the hash of what a posterior depends on: `sha256` without the `PROJECTION_ONLY_SECTIONS`
    fit_sha256: str = ""

    def __hash__(self) -> int:
        return hash(self.sha256)

    def __getitem__(self, technique_id: str) -> Technique:
        try:
            return self.techniques[technique_id]
        except KeyError:
            raise UserError(f"unknown technique (known: {', '.join(self.techniques)})", key=technique_id) from None

    def introduced_by(self, when: date | str) -> PriorSet:
        """Only the techniques introduced on or before `when` (later ones belong to future arrivals),
        except that a technique with an earlier law published by then (over-training: the token
        effect is a law of training, in force whatever the date) is kept in the form known then
        (`Technique.known_before`).

        `sha256` of a subset hashes the folder's hash with the dropped and the replaced ids, so fit
        caches keyed on it tell subsets apart; it is unchanged when nothing is dropped or replaced."""
        cutoff = parse_date(when, "as_of", earliest=FILE_DATES[0], latest=FILE_DATES[1])
        if isinstance(cutoff, datetime):
            cutoff = cutoff.date()
        kept = {}
        for k, t in self.techniques.items():
            if t.introduced <= cutoff:
                kept[k] = t
            elif t.before is not None and t.before.published <= cutoff:
                kept[k] = t.known_before()
        return self._subset(kept)

    def token_law(self) -> Any:
        """The loss law through which the token effect is read: the Kaplan et al. 2020 law when
        the set holds the over-training technique in its earlier form (a set `introduced_by` a
        date before Chinchilla), otherwise the Chinchilla law of the engine's [tokens] section.
        Both are `forecast.inputs.scaling_law.LossLaw`s referenced to its `reference_tpp`."""
        earlier = next((t for t in self.techniques.values() if t.earlier_form), None)
        if earlier is not None:
            return earlier.before.law(self.engine.tokens.reference_tpp)
        return self.engine.tokens.law()

    def without(self, ids: Iterable[str] | str) -> PriorSet:
        """The set without the named techniques (e.g. for a leave-one-out tornado)."""
        ids = [ids] if isinstance(ids, str) else list(ids)
        for i in ids:
            self[i]  # raises UserError for an unknown id
        return self._subset({k: t for k, t in self.techniques.items() if k not in ids})

    def _subset(self, kept: dict[str, Technique]) -> PriorSet:
        """The set restricted to `kept`; the hash changes only if techniques were dropped or
        replaced by their earlier form."""
        dropped = sorted(set(self.techniques) - set(kept))
        earlier = sorted(k for k, t in kept.items() if t.earlier_form and not self.techniques[k].earlier_form)
        if not dropped and not earlier:
            return self
        tag = "|without:" + ",".join(dropped) + ("|earlier:" + ",".join(earlier) if earlier else "")
        digest = sha256_bytes((self.sha256 + tag).encode())
        fit_digest = sha256_bytes((self.fit_sha256 + tag).encode())
        return dataclasses.replace(self, techniques=kept, sha256=digest, fit_sha256=fit_digest)

    def correlation(self, ids: Sequence[str]) -> np.ndarray:
        """Log-space correlation matrix over `ids` (in that order) from the `correlated` overlaps."""
        return _correlation_matrix([self[i] for i in ids])

    def sample_multipliers(self, ids: Sequence[str], rng: np.random.Generator, size: int) -> np.ndarray:
        """Correlated draws of the multipliers, shape (size, len(ids)), on each file's axis.

        Gaussian copula: z ~ MVN(0, R) with R = correlation(ids), then m_k = F_k^-1(Phi(z_k));
        for lognormal priors this is exactly a multivariate normal on log m.
        """
        corr = self.correlation(ids)
        chol = np.linalg.cholesky(corr)
        z = rng.standard_normal((size, len(ids))) @ chol.T
        return np.column_stack([self[i].multiplier.from_standard_normal(z[:, n]) for n, i in enumerate(ids)]) \
            if ids else np.empty((size, 0))

    def replace(self, overrides: Mapping[str, Any]) -> PriorSet:
        """A copy with overrides by dotted name (scenarios):

        - 'techniques.<id>.multiplier': a Dist, a number (point mass) or a table like the file's
          [multiplier] ({distribution, median, interval90} or {params});
        - 'engine.<section>.<key>' or 'engine.links.<benchmark>.<key>': a Dist, a table or a
          number for distributions; a number for fixed values; a bool or date where the file has one.
        The result's `sha256` hashes the folder's hash together with the overrides, and its
        `fit_sha256` the folder's together with the overrides that a posterior depends on (an
        override of a `PROJECTION_ONLY_SECTIONS` key leaves it as it was).
        """
        techniques = dict(self.techniques)
        engine = self.engine
        canonical = {}
        for name in sorted(overrides):
            value = overrides[name]
            parts = name.split(".")
            if len(parts) == 3 and parts[0] == "techniques" and parts[2] == "multiplier":
                tech = self[parts[1]]
                dist = _override_dist(value, name, positive=True)
                bits = None
                if tech.bits is not None:
                    bits = dict(tech.bits) | {4: dist.scaled(4.0 / 16.0)}
                techniques[tech.id] = dataclasses.replace(tech, multiplier=dist, bits=bits)
                canonical[name] = dist.to_dict()
            elif len(parts) >= 3 and parts[0] == "engine":
                engine, canon = _override_engine(engine, parts[1:], value, name)
                canonical[name] = canon
            else:
                raise UserError("unknown override (use techniques.<id>.multiplier or engine.<section>.<key>)",
                                key=name)
        digest = sha256_bytes((self.sha256 + json.dumps(canonical, sort_keys=True, default=str)).encode())
        shaping = {k: v for k, v in canonical.items() if not projection_only(k)}
        fit_digest = (sha256_bytes((self.fit_sha256 + json.dumps(shaping, sort_keys=True, default=str)).encode())
                      if shaping else self.fit_sha256)
        return dataclasses.replace(self, techniques=techniques, engine=engine, sha256=digest,
                                   fit_sha256=fit_digest)

    def to_dict(self) -> dict[str, Any]:
        return {
            "folder": str(self.folder),
            "sha256": self.sha256,
            "techniques": {k: t.to_dict() for k, t in self.techniques.items()},
            "engine": self.engine.to_dict(),
        }


def _correlation_matrix(techs: Sequence[Technique]) -> np.ndarray:
    index = {t.id: n for n, t in enumerate(techs)}
    out = np.eye(len(techs))
    for t in techs:
        for o in t.overlaps:
            if o.treatment == "correlated" and o.with_id in index:
                a, b = index[t.id], index[o.with_id]
                out[a, b] = out[b, a] = o.rho
    return out


def _override_dist(value: Any, name: str, *, positive: bool) -> Dist:
    if isinstance(value, Dist):
        if positive and (value.median <= 0 or value.interval90[0] <= 0):
            raise UserError("a multiplier must be positive", key=name)
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = {"value": value}
    table = _table(value, "override", name)
    _check_keys(table, _DIST_KEYS + ("value",), "override", name)
    dist = _dist_from_table(table, file="override", key=name, positive=positive)
    _FIT_CACHE.flush()
    return dist


def _override_engine(engine: EnginePriors, parts: list[str], value: Any, name: str) -> tuple[EnginePriors, Any]:
    section_name = parts[0]
    if section_name not in ENGINE_SECTIONS:
        raise UserError("unknown engine section", key=name)
    section = getattr(engine, section_name)
    if section_name == "links" and len(parts) == 3:
        bench = parts[1]
        link = section.benchmarks.get(bench, BenchmarkLink())
        new_link, canon = _override_field(link, parts[2], value, name)
        new_section = dataclasses.replace(section, benchmarks=dict(section.benchmarks) | {bench: new_link})
    elif len(parts) == 2:
        new_section, canon = _override_field(section, parts[1], value, name)
    else:
        raise UserError("unknown engine entry", key=name)
    return dataclasses.replace(engine, **{section_name: new_section}), canon


def _override_field(obj: Any, field_name: str, value: Any, name: str) -> tuple[Any, Any]:
    kinds = _field_kinds(type(obj))
    if field_name not in kinds or field_name in ("reasoning", "benchmarks"):
        raise UserError("unknown engine entry", key=name)
    base, _ = kinds[field_name]
    meta = next(f for f in dataclasses.fields(obj) if f.name == field_name).metadata
    positive = bool(meta.get("positive"))
    if base is Dist:
        new: Any = _override_dist(value, name, positive=False)
        if positive:
            _check_nonnegative(new, "override", name)
        if meta.get("unit"):
            _check_unit(new, "override", name)
        canon = new.to_dict()
    elif base is float:
        new = _number(value, "override", name)
        if positive and not new > 0:
            raise UserError("must be positive", key=name)
        canon = new
    elif base is bool:
        new = _boolean(value, "override", name)
        canon = new
    elif base is date:
        new = parse_date(value, name, file="override", earliest=FILE_DATES[0], latest=FILE_DATES[1])
        canon = new.isoformat()
    else:
        raise UserError("this entry cannot be overridden", key=name)
    return dataclasses.replace(obj, **{field_name: new}), canon


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------

_LOADED: dict[tuple[str, str], PriorSet] = {}


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_bytes().decode("utf-8-sig")  # a byte-order mark is allowed, as in the registry
    except UnicodeDecodeError as exc:
        raise UserError(f"file is not UTF-8 text (byte {exc.start})", file=path) from None
    except OSError as exc:
        raise UserError(f"cannot read file ({exc.strerror})", file=path) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        where = f" at line {m.group(1)}, column {m.group(2)}" if m else ""
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg) or "invalid TOML"
        raise UserError(f"TOML syntax error{where}: {reason}", file=path) from None
    except RecursionError:
        raise UserError("TOML nesting too deep", file=path) from None


# Keys whose values are prose for the reader (citations, findings, conversions, notes, names,
# reasoning): the model never reads them, so they are left out of the content hash.
PROSE_KEYS = frozenset({"cite", "finding", "conversion", "note", "name", "introduced_in", "adoption", "reasoning"})


def _without_prose(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _without_prose(v) for k, v in value.items() if k not in PROSE_KEYS}
    if isinstance(value, list):
        return [_without_prose(v) for v in value]
    return value


# Engine sections that only the projection reads (future techniques' arrivals and size
# distribution, the ceiling on further gain): a change to them never changes a posterior.
PROJECTION_ONLY_SECTIONS = ("arrivals", "saturation", "technique_population")


def projection_only(override: str) -> bool:
    """True for a dotted override name (`PriorSet.replace`) in a `PROJECTION_ONLY_SECTIONS` section."""
    parts = override.split(".")
    return len(parts) >= 2 and parts[0] == "engine" and parts[1] in PROJECTION_ONLY_SECTIONS


def model_content_hash(files: Mapping[str, Mapping[str, Any]]) -> str:
    """SHA-256 of what the model reads from a folder: every file's parsed TOML (keyed by file name)
    without the prose keys (`PROSE_KEYS`), as canonical JSON.

    Fits are cached under this hash, so correcting a citation, a finding or a note leaves every
    cached fit and backtest valid, while any change to a number, a date, an axis, an indicator,
    an overlap or a link family invalidates them."""
    canonical = {name: _without_prose(data) for name, data in sorted(files.items())}
    return sha256_bytes(json.dumps(canonical, sort_keys=True, default=str).encode())


def load_priors(folder: Path | str | None = None) -> PriorSet:
    """Load and validate a priors folder (default: the shipped `priors/`).

    Raises UserError naming the file and key on the first problem found.
    """
    folder = Path(folder) if folder is not None else default_priors_dir()
    if not folder.is_dir():
        raise UserError("priors folder not found", file=folder)
    paths = sorted(folder.glob("*.toml"))
    engine_path = folder / ENGINE_FILE
    if not engine_path.is_file():
        raise UserError(f"missing {ENGINE_FILE} (engine priors)", file=folder)
    for p in paths:
        if p.name.startswith("_") and p.name != ENGINE_FILE:
            raise UserError(f"unknown engine file (only {ENGINE_FILE} is read)", file=p)
    memo_key = (str(folder.resolve()), sha256_files(paths, root=folder))
    if memo_key in _LOADED:
        return _LOADED[memo_key]
    raw = {p: _read_toml(p) for p in paths}
    try:
        engine = _parse_engine(raw[engine_path], engine_path)
        techniques: dict[str, Technique] = {}
        for p in paths:
            if p.name.startswith("_"):
                continue
            tech = _parse_technique(raw[p], p)
            if tech.id in techniques:
                raise UserError(f"duplicate id '{tech.id}' (also in {techniques[tech.id].file.name})", file=p, key="id")
            techniques[tech.id] = tech
    finally:
        _FIT_CACHE.flush()
    techniques = dict(sorted(techniques.items()))
    _check_overlaps(techniques)
    contents = {p.name: data for p, data in raw.items()}
    shaping = dict(contents)
    shaping[ENGINE_FILE] = {k: v for k, v in contents[ENGINE_FILE].items() if k not in PROJECTION_ONLY_SECTIONS}
    result = PriorSet(techniques=techniques, engine=engine, folder=folder,
                      sha256=model_content_hash(contents), fit_sha256=model_content_hash(shaping))
    _LOADED[memo_key] = result
    return result


def check_priors(folder: Path | str) -> PriorSet:
    """Validate a folder; returns the PriorSet or raises UserError(file=..., key=...)."""
    return load_priors(Path(folder))


def _check_overlaps(techniques: Mapping[str, Technique]) -> None:
    """Overlaps must name known techniques, agree when stated on both sides, and the full
    correlation matrix must be positive definite."""
    stated: dict[tuple[str, str], tuple[float | None, str]] = {}
    for t in techniques.values():
        for i, o in enumerate(t.overlaps, start=1):
            if o.with_id not in techniques:
                raise UserError(f"overlap names unknown technique '{o.with_id}'", file=t.file, key=f"overlaps[{i}].with")
            pair = tuple(sorted((t.id, o.with_id)))
            if pair in stated and stated[pair] != (o.rho, o.treatment):
                raise UserError(f"disagrees with {techniques[o.with_id].file.name} about this overlap "
                                f"(treatment and rho must match on both sides)", file=t.file, key=f"overlaps[{i}]")
            stated[pair] = (o.rho, o.treatment)
    corr = _correlation_matrix(list(techniques.values()))
    if techniques and np.linalg.eigvalsh(corr).min() <= 1e-9:
        involved = sorted({t.file.name for t in techniques.values() if any(o.rho for o in t.overlaps)})
        raise UserError("the overlap correlations do not form a positive-definite matrix",
                        file=", ".join(involved), key="overlaps")


# ---------------------------------------------------------------------------------------------
# Consistency check against historical rates (`forecast priors summary`)
# ---------------------------------------------------------------------------------------------
