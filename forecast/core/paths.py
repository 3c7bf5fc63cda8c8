"""Where the package finds its bundled data, priors and scenarios, where it caches fits, and
where it keeps the user's own data (the overlay on the shipped registry).

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


def user_data_dir() -> Path:
    """The user's own data (the registry overlay of `forecast data add`); override with
    FORECAST_DATA_HOME, else platformdirs' user data folder for "forecast" (on Linux
    ``$XDG_DATA_HOME/forecast``, by default ``~/.local/share/forecast``)."""
    env = os.environ.get("FORECAST_DATA_HOME")
    if env:
        return Path(env)
    import platformdirs  # deferred: only the commands that read or write the overlay need it

    return Path(platformdirs.user_data_dir("forecast", appauthor=False))


#: The overlay's sub-folder: of `user_data_dir()` for the shipped registry, of a `--data`
#: folder for that registry.
OVERLAY_DIR_NAME = "overlay"


def overlay_dir(data_dir: str | Path | None = None) -> Path:
    """Where the overlay on a registry lives: ``<user data>/overlay/`` for the shipped registry
    (`data_dir` None), ``<data_dir>/overlay/`` for a registry folder of the user's."""
    base = user_data_dir() if data_dir is None else Path(data_dir)
    return base / OVERLAY_DIR_NAME
