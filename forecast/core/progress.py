"""The sampler's progress bars: PyMC's display of nutpie's chains, laid out for the terminal.

How progress is shown changes no draw, so this lives in `forecast.core`, outside the layers whose
code is hashed into a fit's cache key.
"""

from __future__ import annotations

from typing import Any

# Narrower than this, PyMC's per-chain statistics columns (divergences, step size, gradient
# evaluations) squeeze the elapsed and remaining times to "0:00…".
STATS_MIN_COLUMNS = 100


def progress_layout(width: int) -> str:
    """PyMC's progress-bar layout for a terminal `width` columns wide: a bar per chain with its
    statistics from `STATS_MIN_COLUMNS` columns on, the bars, speed and times alone below that
    (the fit's diagnostics report the divergences afterwards either way)."""
    return "split+stats" if width >= STATS_MIN_COLUMNS else "split"


def sampler_progress(chains: int, draws: int, show: bool) -> Any:
    """PyMC's `NutpieProgressBarManager` for `chains` chains of `draws` draws (nutpie's
    `progress_callback` is its `update`), laid out by `progress_layout` for the width of the
    terminal it draws on (standard output); silent unless `show`."""
    from pymc.progress_bar.progress import NutpieProgressBarManager  # deferred: PyMC takes ~2 s to import
    from rich.console import Console  # deferred: only a fit that shows progress needs it

    layout = progress_layout(Console().width) if show else False
    return NutpieProgressBarManager(chains=chains, draws=draws, progressbar=layout)
