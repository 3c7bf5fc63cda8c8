"""Where the package finds its bundled data, priors and scenarios, and where it caches fits.

In a source checkout (or an editable install) the top-level `priors/` and `scenarios/` folders
are used; a wheel carries copies of them under `forecast/_bundled/`.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = PACKAGE_DIR.parent


def _bundled(name: str) -> Path:
    source_tree = REPO_DIR / name
    if source_tree.is_dir() and (REPO_DIR / "pyproject.toml").is_file():
        return source_tree
    return PACKAGE_DIR / "_bundled" / name


def default_data_dir() -> Path:
    """The shipped registry: `forecast/data/` (models.csv, scores.csv, benchmarks.csv)."""
    return PACKAGE_DIR / "data"


def default_priors_dir() -> Path:
    return _bundled("priors")


def default_scenarios_dir() -> Path:
    return _bundled("scenarios")


def cache_dir() -> Path:
    """Fitted posteriors are cached here; override with FORECAST_CACHE_DIR."""
    env = os.environ.get("FORECAST_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "forecast"
