"""Fitting a family's parameters to stated quantiles with PreliZ, and the on-disk fit cache.

A file states a median and/or an equal-tailed 90% interval; `compute_fit` finds the family's
parameters by least squares on those quantiles and accepts them only if every stated quantile is
matched within `FIT_TOLERANCE`. Fitted parameters are cached in `cache_dir()/priors-fits.json`,
keyed by the inputs and the PreliZ version, so a warm load never imports PreliZ or SciPy.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

from forecast.core.errors import UserError
from forecast.core.io import atomic_write
from forecast.core.paths import cache_dir
from forecast.inputs.priors.families import FAMILIES, FIT_TOLERANCE, QUANTILES
from forecast.inputs.priors.toml_values import join_key

_FIT_CACHE_VERSION = 1
_FIT_CACHE_MAX_ENTRIES = 4000


class FitCache:
    """Fitted parameters keyed by the fit's inputs, in `cache_dir()/priors-fits.json`.

    Entries are read once per cache folder and written back by `flush` (atomically; a read-only
    folder is not an error, the cache only saves time).
    """

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
        """The cached fit under `key` (`fit_key`), or None."""
        return self._load().get(key)

    def put(self, key: str, value: dict[str, Any]) -> None:
        """Remember a fit in memory; `flush` writes it."""
        entries = self._load()
        entries[key] = value
        self._dirty = True

    def flush(self) -> None:
        """Write the entries if any were added, keeping the newest `_FIT_CACHE_MAX_ENTRIES`."""
        if not self._dirty or self._entries is None:
            return
        entries = self._entries
        if len(entries) > _FIT_CACHE_MAX_ENTRIES:
            entries = dict(list(entries.items())[-_FIT_CACHE_MAX_ENTRIES:])
            self._entries = entries
        payload = json.dumps({"version": _FIT_CACHE_VERSION, "entries": entries}, sort_keys=False)
        try:
            atomic_write(self._path(), payload)
        except OSError:
            pass  # the cache only saves time; a read-only cache folder is not an error
        self._dirty = False


FIT_CACHE = FitCache()


@lru_cache(maxsize=1)
def _preliz_version() -> str:
    try:
        return version("preliz")
    except PackageNotFoundError:  # pragma: no cover - preliz is a declared dependency
        return "unknown"


def fit_key(distribution: str, targets: Mapping[float, float], params: Mapping[str, float] | None) -> str:
    """The cache key of one fit: cache format, PreliZ version, family, target quantiles, params."""
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
    import preliz as pz  # deferred: PreliZ and SciPy take seconds to import; a warm load needs neither
    from scipy.optimize import least_squares  # deferred: as above

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
    import preliz as pz  # deferred: PreliZ takes seconds to import; a warm load does not need it

    cls = getattr(pz, FAMILIES[distribution].preliz)
    with np.errstate(all="ignore"):
        return np.asarray(cls(**dict(params)).ppf(np.array(QUANTILES)), dtype=float)


def _quantile_error(distribution: str, got: float, want: float, width: float) -> float:
    """Relative error of a fitted quantile; for a real-valued family relative to the interval width."""
    if FAMILIES[distribution].support == "real":
        return abs(got - want) / width if width > 0 else abs(got - want)
    return abs(got - want) / abs(want)


def compute_fit(name: str, targets: Mapping[float, float], params: Mapping[str, float] | None,
                median: float | None, interval: tuple[float, float] | None, *,
                file: Any, key: str) -> dict[str, Any]:
    """Fit (or evaluate explicit parameters) with PreliZ and check the stated quantiles.

    Parameters
    ----------
    name : str
        The family (a key of `FAMILIES`, not 'fixed').
    targets : Mapping
        Stated quantiles, probability (0.05, 0.5, 0.95) -> value.
    params : Mapping or None
        Explicit parameters; when given no fit is made, the quantiles are only computed.
    median, interval : float or None, tuple or None
        The stated median and 90% interval, returned as stated.
    file, key
        Named in errors.

    Returns
    -------
    dict
        {"params", "median", "interval90"}: the cache entry of the fit.

    Raises
    ------
    UserError
        When the fit fails or misses a stated quantile by more than `FIT_TOLERANCE`.
    """
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
                file=file, key=join_key(key, "median" if prob == 0.5 else "interval90"),
            )
    stated_median = median if median is not None else float(q[1])
    stated_interval = list(interval) if interval is not None else [float(q[0]), float(q[2])]
    return {"params": fitted, "median": stated_median, "interval90": stated_interval}
