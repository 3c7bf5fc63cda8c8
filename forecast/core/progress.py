"""The sampler's progress bars: PyMC's display of nutpie's chains, laid out for the terminal.

Kept apart from `forecast.model.fit`, whose source is part of every fit's cache key: how progress is
shown changes no draw, so changing it should not invalidate cached fits.
"""

from __future__ import annotations

from typing import Any

# Narrower than this, PyMC's per-chain statistics columns (divergences, step size, gradient
# evaluations) squeeze the elapsed and remaining times to "0:00…" (measured at 80 and 100 columns).
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
    from pymc.progress_bar.progress import NutpieProgressBarManager
    from rich.console import Console

    layout = progress_layout(Console().width) if show else False
    return NutpieProgressBarManager(chains=chains, draws=draws, progressbar=layout)
