"""forecast: when does a language-model capability fit in a given parameter or memory budget?

The library API (see `forecast.api.engine`)::

    import forecast
    registry = forecast.load_registry()            # the shipped, curated model registry
    engine = forecast.Engine(seed=1)               # fit on the registry with the shipped priors
    engine.when("mmlu=0.70", params="7B")          # a WhenResult (quantiles, P(by date), ...)

Heavy modules load on first use, so `import forecast` is fast.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "Engine": ("forecast.api.engine", "Engine"),
    "when": ("forecast.api.engine", "when"),
    "size": ("forecast.api.engine", "size"),
    "capability": ("forecast.api.engine", "capability"),
    "load_registry": ("forecast.inputs.registry", "load_registry"),
    "load_priors": ("forecast.inputs.priors", "load_priors"),
    "load_scenario": ("forecast.inputs.scenarios", "load_scenario"),
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'forecast' has no attribute {name!r}")
