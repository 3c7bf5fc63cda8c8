"""The `drift_only` baseline's prior on total progress, read from `priors/baselines/total_progress.toml`.

The engine's drift prior (`engine.drift.rate` in `priors/_engine.toml`) is the residual rate of
progress that no technique or token term explains. The `drift_only` backtest method has neither
term, so its drift stands for all progress in capability per parameter; it is given this prior on
the total rate instead (`drift_only_priors`). The rate is in log10 baseline-equivalent parameters
per year, the drift's unit.

The file holds `reasoning` (prose), a `[rate]` distribution table (as in the prior files:
`distribution`, `median`, `interval90`, with `cite` and `note`), and `[[evidence]]` entries, each
with `cite`, `finding`, `conversion`, the converted `rate` and its `published` date. `load_priors`
does not read it: it reads only the top level of a priors folder.

As of a date (`TotalProgressPrior.known_by`), the prior is built from the evidence published by
then, by the rule that gives the file's `[rate]` from all of it: a lognormal whose 5% and 95%
quantiles are the smallest and largest converted rates; a single rate is the median of a
lognormal as wide as `[rate]`'s 90% interval (`SINGLE_RATE_SPAN`). A backtest as of a cutoff
before a paper's date thus never sees the rate it reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from forecast.core.errors import UserError
from forecast.core.paths import default_priors_dir
from forecast.inputs.priors import PriorSet
from forecast.inputs.priors.distributions import DIST_KEYS, Dist, dist_from_table
from forecast.inputs.priors.quantile_fit import FIT_CACHE
from forecast.inputs.priors.toml_values import (
    check_keys,
    join_key,
    read_file_date,
    read_number,
    read_string,
    read_table,
    read_toml,
    require_key,
)

TOTAL_PROGRESS_FILE = Path("baselines") / "total_progress.toml"
_RATE_PROSE = ("cite", "note", "judgement")
_EVIDENCE_KEYS = ("cite", "finding", "conversion", "rate", "published")


def default_total_progress_file() -> Path:
    """The shipped file: `priors/baselines/total_progress.toml`.

    Returns
    -------
    pathlib.Path
        Its path (in a source checkout, or bundled in a wheel).
    """
    return default_priors_dir() / TOTAL_PROGRESS_FILE


@dataclass(frozen=True)
class ProgressEvidence:
    """One `[[evidence]]` entry: where a rate comes from and how it became log10 params per year."""

    cite: str
    finding: str
    conversion: str
    rate: float  # the converted rate, log10 params per year
    published: date


@dataclass(frozen=True)
class TotalProgressPrior:
    """The prior on the total rate of progress in capability per parameter.

    Attributes
    ----------
    rate : Dist
        The long-run drift rate, log10 baseline-equivalent parameters per year.
    evidence : tuple of ProgressEvidence
        The cited rates and their conversions.
    reasoning : str
        Why the distribution has its median and interval.
    file : pathlib.Path
        The file read.
    """

    rate: Dist
    evidence: tuple[ProgressEvidence, ...]
    reasoning: str
    file: Path

    def known_by(self, day: date) -> Dist:
        """The prior as of `day`: from the evidence published by then (module docstring).

        Parameters
        ----------
        day : date
            The as-of date (a backtest's cutoff).

        Returns
        -------
        Dist
            A lognormal rate; once every entry is published, the file's `[rate]`. With no
            evidence published by `day`, `UserError` naming the file.
        """
        rates = sorted(e.rate for e in self.evidence if e.published <= day)
        if len(rates) == len(self.evidence):
            return self.rate  # every entry public: the file's [rate], the rule's result as stated
        if not rates:
            raise UserError(f"no total-progress evidence published by {day.isoformat()}",
                            file=self.file, key="evidence")
        return rate_prior(rates, self.file)


def load_total_progress(path: Path | str | None = None) -> TotalProgressPrior:
    """Read and validate a total-progress prior file.

    Parameters
    ----------
    path : Path or str, optional
        The file; default `default_total_progress_file()`.

    Returns
    -------
    TotalProgressPrior
        The parsed prior.

    Raises
    ------
    UserError
        Naming the file and key of the first problem: a missing file, an unknown key, a missing
        `rate` or `cite`, no evidence, or an invalid distribution.
    """
    file = Path(path) if path is not None else default_total_progress_file()
    if not file.is_file():
        raise UserError("total-progress prior file not found", file=file)
    data = read_toml(file)
    check_keys(data, ("reasoning", "rate", "evidence"), file, "")
    reasoning = read_string(require_key(data, "reasoning", file, ""), file, "reasoning")
    table = read_table(require_key(data, "rate", file, ""), file, "rate")
    check_keys(table, DIST_KEYS + _RATE_PROSE, file, "rate")
    read_string(require_key(table, "cite", file, "rate"), file, "rate.cite")
    try:
        rate = dist_from_table({k: v for k, v in table.items() if k in DIST_KEYS}, file=file, key="rate",
                               positive=True)
    finally:
        FIT_CACHE.flush()
    entries = require_key(data, "evidence", file, "")
    if not isinstance(entries, list) or not entries:
        raise UserError("expected one or more [[evidence]] tables", file=file, key="evidence")
    evidence = tuple(_evidence(entry, file, f"evidence[{i}]") for i, entry in enumerate(entries))
    return TotalProgressPrior(rate=rate, evidence=evidence, reasoning=reasoning, file=file)


# the width of a prior read from one rate: the ratio of the 95% to the 5% quantile, that of the
# two rates of 2024 (Xiao et al. 1.0947 over Ho et al. 0.2315 log10 params per year), the
# literature's own spread between a compute-based and a density-based measurement
SINGLE_RATE_SPAN = 1.0947 / 0.2315


def rate_prior(rates: list[float], file: Path) -> Dist:
    """The lognormal prior on total progress from converted rates (module docstring).

    Parameters
    ----------
    rates : list of float
        Converted rates, log10 params per year, all > 0.
    file : Path
        Named in errors.

    Returns
    -------
    Dist
        Lognormal with 5% and 95% quantiles at the smallest and largest rate (one rate, or rates
        closer than `SINGLE_RATE_SPAN` allows: centred on their geometric mean, that wide).
    """
    lo, hi = min(rates), max(rates)
    if hi / lo < SINGLE_RATE_SPAN:
        centre = float(np.sqrt(lo * hi))
        lo, hi = centre / np.sqrt(SINGLE_RATE_SPAN), centre * np.sqrt(SINGLE_RATE_SPAN)
    table = {"distribution": "lognormal", "median": float(np.sqrt(lo * hi)), "interval90": [lo, hi]}
    try:
        return dist_from_table(table, file=file, key="rate", positive=True)
    finally:
        FIT_CACHE.flush()


def _evidence(entry: Any, file: Path, key: str) -> ProgressEvidence:
    """One validated `[[evidence]]` table."""
    table = read_table(entry, file, key)
    check_keys(table, _EVIDENCE_KEYS, file, key)
    text = {k: read_string(require_key(table, k, file, key), file, join_key(key, k))
            for k in ("cite", "finding", "conversion")}
    rate = read_number(require_key(table, "rate", file, key), file, join_key(key, "rate"))
    if not rate > 0:
        raise UserError("a converted rate must be > 0", file=file, key=join_key(key, "rate"))
    published = read_file_date(require_key(table, "published", file, key),
                               join_key(key, "published"), file)
    return ProgressEvidence(published=published, rate=float(rate), **text)


def drift_only_priors(priors: PriorSet, total: TotalProgressPrior, known_by: date | None = None
                      ) -> PriorSet:
    """`priors` with the drift's long-run rate replaced by the total-progress prior.

    Parameters
    ----------
    priors : PriorSet
        The engine's prior set.
    total : TotalProgressPrior
        The prior on total progress.
    known_by : date, optional
        Build the rate from the evidence published by this date (`TotalProgressPrior.known_by`);
        None: the file's `[rate]`, from all of it.

    Returns
    -------
    PriorSet
        A copy whose `engine.drift.rate` is that rate; its `fit_sha256` records the override,
        so a fit with it is cached apart from the engine's.
    """
    rate = total.rate if known_by is None else total.known_by(known_by)
    return priors.replace({"engine.drift.rate": rate})
