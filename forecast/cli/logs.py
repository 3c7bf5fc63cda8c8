"""The CLI's handling of library log output.

Before sampling, `forecast.model.sampling.nutpie_call` logs the names of the model's free
parameters on PyMC's logger (``NUTS[nutpie]: [z_beta, ...]``, about 33 names), as `pymc.sample`
does; PyMC prints that logger's INFO records to stderr. The CLI announces a fit in its own words
(`forecast.cli.forecast_cmd.announce_fit`), so it drops PyMC's INFO records unless `--debug` (or
FORECAST_DEBUG=1) is given; warnings and errors still print. A filter on the logger, not a level,
because PyMC sets its logger's level to INFO when it is imported, which happens after the CLI
starts. It acts in this process: a fit sampled in a child process (when the interpreter's string
hashes are salted, `forecast.model.sampling.sample_reproducibly`; the console script restarts
itself with fixed hashes, so a fit samples in-process) logs with PyMC's defaults.
"""

from __future__ import annotations

import logging

# the logger whose INFO records the CLI drops
SAMPLER_LOGGER = "pymc"


class BelowWarning(logging.Filter):
    """Drops records below WARNING."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep `record` when it is a warning or worse.

        Parameters
        ----------
        record : logging.LogRecord

        Returns
        -------
        bool
        """
        return record.levelno >= logging.WARNING


_FILTER = BelowWarning()


def quiet_sampler_log(debug: bool) -> None:
    """Drop the INFO records of PyMC's logger, or with `debug` let them through again.

    Parameters
    ----------
    debug : bool
        `--debug` was given: PyMC's log prints as it would without the CLI.

    Returns
    -------
    None
    """
    logger = logging.getLogger(SAMPLER_LOGGER)
    if debug:
        logger.removeFilter(_FILTER)
    else:
        logger.addFilter(_FILTER)  # adds it once, however often the CLI runs in a process
