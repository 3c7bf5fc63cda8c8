"""The distribution families a prior file may name, and what a fit to them must achieve."""

from __future__ import annotations

from dataclasses import dataclass

FIT_TOLERANCE = 0.01  # relative error allowed between a file's quantiles and the fitted ones
QUANTILES = (0.05, 0.5, 0.95)  # the quantiles a file states: its 90% interval and median


@dataclass(frozen=True)
class Family:
    """A distribution family as PreliZ, SciPy and PyMC name it (parameter names follow PreliZ)."""

    preliz: str
    params: tuple[str, ...]
    free_sign: tuple[bool, ...]  # True where the parameter may be negative (location)
    support: str  # "real", "positive" (x > 0 or x >= 0) or "unit" (0 < x < 1)


FAMILIES: dict[str, Family] = {
    "lognormal": Family("LogNormal", ("mu", "sigma"), (True, False), "positive"),
    "normal": Family("Normal", ("mu", "sigma"), (True, False), "real"),
    "halfnormal": Family("HalfNormal", ("sigma",), (False,), "positive"),
    "gamma": Family("Gamma", ("alpha", "beta"), (False, False), "positive"),
    "inversegamma": Family("InverseGamma", ("alpha", "beta"), (False, False), "positive"),
    "weibull": Family("Weibull", ("alpha", "beta"), (False, False), "positive"),
    "exponential": Family("Exponential", ("lam",), (False,), "positive"),
    "beta": Family("Beta", ("alpha", "beta"), (False, False), "unit"),
    "fixed": Family("", ("value",), (True,), "real"),
}
DISTRIBUTIONS = tuple(FAMILIES)
# the families closed under x -> c x, so a multiplier's effect on another axis stays exact
SCALE_FAMILIES = ("lognormal", "halfnormal", "gamma", "inversegamma", "weibull", "exponential", "fixed")
