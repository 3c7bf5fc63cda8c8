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
    arrival_rate_scale = 2.0        # multiply the arrival rate ("arrivals twice as fast")
    saturation = true               # switch the ceiling on further gain on
    release_growth_years = 2.0      # years past the data end that the release rate keeps growing
    new_technique_speed = 1.5       # logistic adoption speed of future techniques (1/yr)

Prior overrides change the fit (and its cache key); projection settings only change the
projection. Files are parsed as data with tomllib.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from forecast.errors import UserError
from forecast.paths import default_scenarios_dir

_TOP_KEYS = {"name", "description", "reasoning", "priors", "projection"}
_PROJECTION_KEYS = {
    "arrivals": bool,
    "arrival_rate_scale": float,
    "saturation": bool,
    "release_growth_years": float,
    "new_technique_speed": float,
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

    def apply_engine(self, engine_draws: Any) -> Any:
        """Scale or replace the prior-only projection quantities."""
        changes: dict[str, Any] = {}
        if "arrival_rate_scale" in self.projection:
            changes["arrival_rate"] = engine_draws.arrival_rate * float(self.projection["arrival_rate_scale"])
        for key in ("release_growth_years", "new_technique_speed"):
            if key in self.projection:
                changes[key] = float(self.projection[key])
        return dataclasses.replace(engine_draws, **changes) if changes else engine_draws


def resolve(path_or_name: str | Path) -> Path:
    """A scenario file path, or the name of a shipped preset (conservative, central, aggressive)."""
    p = Path(path_or_name)
    if p.is_file():
        return p
    preset = default_scenarios_dir() / f"{path_or_name}.toml"
    if preset.is_file():
        return preset
    names = sorted(x.stem for x in default_scenarios_dir().glob("*.toml"))
    raise UserError(f"no scenario file or preset named '{path_or_name}' (presets: {', '.join(names)})",
                    file=str(path_or_name))


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
        ok = isinstance(value, bool) if kind is bool else (
            isinstance(value, (int, float)) and not isinstance(value, bool)
            and np.isfinite(value) and value >= 0)
        if not ok:
            raise UserError(f"must be {'true or false' if kind is bool else 'a number >= 0'}",
                            file=path, key=f"projection.{key}")
    return Scenario(name=data["name"].strip(), description=data["description"].strip(),
                    reasoning=str(data.get("reasoning", "")).strip(), priors=dict(priors),
                    projection=dict(projection), path=path)


def check_scenario_priors(scenario: Scenario, prior_set: Any) -> None:
    """Apply the overrides once so a bad name or value fails with the scenario file named."""
    try:
        scenario.apply_priors(prior_set)
    except UserError as exc:
        raise UserError(exc.message, file=scenario.path, key=exc.location.key) from None
