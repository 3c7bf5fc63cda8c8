"""Scenario files: named overrides of priors and projection settings.

A scenario is a TOML file::

    name = "aggressive"
    description = "one line"
    reasoning = '''why these numbers'''

    [priors]                        # dotted overrides, see PriorSet.replace
    "engine.arrivals.rate" = {distribution = "gamma", median = 4.0, interval90 = [2.0, 7.0]}
    "techniques.quantization.multiplier" = 3.5

    [projection]                    # settings of the projection
    arrivals = true                 # future techniques arrive at all
    arrival_rate_scale = 2.0        # multiply the arrival rate ("arrivals twice as fast"), 0..10
    saturation = true               # switch the ceiling on further gain on
    release_growth_years = 2.0      # years past the data end that the release rate grows, 0..50
    new_technique_speed = 1.5       # logistic adoption speed of future techniques (1/yr), 0.01..20

Prior overrides change the fit (and its cache key); projection settings only change the
projection. Files are parsed as data with tomllib.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from forecast.core.errors import UserError
from forecast.core.paths import default_scenarios_dir

_TOP_KEYS = {"name", "description", "reasoning", "priors", "projection"}
_PROJECTION_KEYS = {
    "arrivals": bool,
    "arrival_rate_scale": float,
    "saturation": bool,
    "release_growth_years": float,
    "new_technique_speed": float,
}
MAX_NAME_CHARS = 80
MAX_ARRIVALS_PER_YEAR = 50.0  # upper end of the arrival-rate prior's 90% interval, after scaling
_PRESET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
# Allowed ranges of the numeric settings (inclusive). They bound the work of a projection too:
# the number of simulated arrivals grows with the rate, so an absurd scale is refused, not run.
PROJECTION_RANGES = {
    "arrival_rate_scale": (0.0, 10.0),  # 0 = no arrivals .. ten times the prior rate
    "release_growth_years": (0.0, 50.0),  # years past the data end
    "new_technique_speed": (0.01, 20.0),  # logistic adoption speed, 1/yr
}


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    reasoning: str
    priors: dict[str, Any] = field(default_factory=dict)
    projection: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    def apply_priors(self, prior_set: Any) -> Any:
        """The prior set with this scenario's overrides (and saturation switched if asked)."""
        out = prior_set.replace(self.priors) if self.priors else prior_set
        if "saturation" in self.projection:
            out = out.replace({"engine.saturation.enabled": bool(self.projection["saturation"])})
        return out

    def apply_projection(self, settings: Any) -> Any:
        if "arrivals" in self.projection:
            settings = dataclasses.replace(settings, arrivals=bool(self.projection["arrivals"]))
        return settings

    def apply_engine(self, future_draws: Any) -> Any:
        """Scale or replace the prior-only projection quantities."""
        changes: dict[str, Any] = {}
        if "arrival_rate_scale" in self.projection:
            changes["arrival_rate"] = future_draws.arrival_rate * float(self.projection["arrival_rate_scale"])
        for key in ("release_growth_years", "new_technique_speed"):
            if key in self.projection:
                changes[key] = float(self.projection[key])
        return dataclasses.replace(future_draws, **changes) if changes else future_draws


def resolve(path_or_name: str | Path) -> Path:
    """A scenario file path, or the name of a shipped preset (conservative, central, aggressive)."""
    text = str(path_or_name)
    shown = text if len(text) <= 80 else text[:77] + "..."
    try:
        p = Path(text)
        if text.strip() and p.is_file():
            return p
        preset = default_scenarios_dir() / f"{text}.toml"
        if _PRESET_NAME.fullmatch(text) and preset.is_file():  # a plain name, no path parts
            return preset
    except (OSError, ValueError):  # a name too long for the file system, a NUL byte
        pass
    names = sorted(x.stem for x in default_scenarios_dir().glob("*.toml"))
    raise UserError(f"no scenario file or preset named '{shown}' (presets: {', '.join(names)})",
                    file=shown)


def load_scenario(path_or_name: str | Path) -> Scenario:
    path = resolve(path_or_name)
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise UserError("not UTF-8 text", file=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"TOML syntax error: {exc}", file=path) from None
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise UserError("unknown key", file=path, key=sorted(unknown)[0])
    for key in ("name", "description"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise UserError("missing or empty", file=path, key=key)
        if not data[key].strip().isprintable():
            raise UserError("must be one line of printable text", file=path, key=key)
    if len(data["name"].strip()) > MAX_NAME_CHARS:
        raise UserError(f"longer than {MAX_NAME_CHARS} characters", file=path, key="name")
    if not isinstance(data.get("reasoning", ""), str):
        raise UserError("must be text", file=path, key="reasoning")
    priors = data.get("priors", {})
    projection = data.get("projection", {})
    if not isinstance(priors, dict):
        raise UserError("must be a table", file=path, key="priors")
    if not isinstance(projection, dict):
        raise UserError("must be a table", file=path, key="projection")
    for key, value in projection.items():
        kind = _PROJECTION_KEYS.get(key)
        if kind is None:
            raise UserError(f"unknown setting (known: {', '.join(sorted(_PROJECTION_KEYS))})",
                            file=path, key=f"projection.{key}")
        if kind is bool:
            if not isinstance(value, bool):
                raise UserError("must be true or false", file=path, key=f"projection.{key}")
            continue
        low, high = PROJECTION_RANGES[key]
        if not (isinstance(value, (int, float)) and not isinstance(value, bool)
                and np.isfinite(value) and low <= value <= high):
            raise UserError(f"must be a number in {low:g}..{high:g}", file=path,
                            key=f"projection.{key}")
    return Scenario(name=data["name"].strip(), description=data["description"].strip(),
                    reasoning=str(data.get("reasoning", "")).strip(), priors=dict(priors),
                    projection=dict(projection), path=path)


def check_scenario_priors(scenario: Scenario, prior_set: Any) -> None:
    """Apply the overrides, one by one and then together, so a bad name or value fails with the
    scenario file and the override's full key (``priors.<name>``) named."""
    for name, value in scenario.priors.items():
        try:
            prior_set.replace({name: value})
        except UserError as exc:
            inner = exc.location.key
            detail = f" ({inner})" if inner and inner != name else ""
            raise UserError(exc.message + detail, file=scenario.path, key=f"priors.{name}") from None
    try:
        applied = scenario.apply_priors(prior_set)
    except UserError as exc:
        raise UserError(exc.message, file=scenario.path, key=exc.location.key) from None
    scale = float(scenario.projection.get("arrival_rate_scale", 1.0))
    high = float(applied.engine.arrivals.rate.interval90[1]) * scale
    if not high <= MAX_ARRIVALS_PER_YEAR:  # the projection simulates every arrival of every path
        unscaled_ok = float(applied.engine.arrivals.rate.interval90[1]) <= MAX_ARRIVALS_PER_YEAR
        key = ("projection.arrival_rate_scale" if unscaled_ok or "engine.arrivals.rate" not in scenario.priors
               else "priors.engine.arrivals.rate")
        raise UserError(f"future techniques would arrive at up to {high:.3g} a year (90% upper bound "
                        f"x scale); at most {MAX_ARRIVALS_PER_YEAR:g} a year is supported",
                        file=scenario.path, key=key)
