"""The PDF report: the forecast a reader can act on, with its evidence (DESIGN §7).

>>> from forecast import Engine
>>> from forecast.report import build_report
>>> result = build_report(Engine(), "reports/forecast.pdf")   # doctest: +SKIP
>>> result.pages, result.sections["1. Headline answers"]     # doctest: +SKIP

Sections, one or more A4 pages each, in this order: 1 headline answers (`when` for targets x
budgets), 2 smallest model reaching each target (fan chart), 3 the tilting line, 4 attribution
(waterfall and leave-one-technique-out tornado), 5 sensitivity with refits (read from a saved
`forecast sensitivity --json`), 6 prior versus posterior per technique, 7 adoption curves,
8 backtest scorecard and the seed check, 9 diagnostics, 10 data appendix and provenance.
`content` gathers the numbers, `figures` draws them, `pages` writes the sections, `render` lays
them out with WeasyPrint and writes the file atomically, and `build` runs these steps in order.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from forecast.report.build import DEFAULT_OUT, ReportResult, build_report

__all__ = ["DEFAULT_OUT", "ReportResult", "build_report"]


def __getattr__(name: str) -> Any:
    """`build_report`, `ReportResult` and `DEFAULT_OUT` from `forecast.report.build`, loaded on
    first use: it imports every report module (xarray, SciPy, Matplotlib), which importing one
    of them alone, e.g. `forecast.report.prior_plots`, does not need."""
    if name in __all__:
        return getattr(importlib.import_module("forecast.report.build"), name)
    raise AttributeError(f"module 'forecast.report' has no attribute {name!r}")
