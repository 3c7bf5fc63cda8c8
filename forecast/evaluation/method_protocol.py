"""What a forecasting method must provide to be scored by the backtest, and the seeds it gets."""

from __future__ import annotations

import zlib
from datetime import date
from typing import Protocol, runtime_checkable

import numpy as np
import pandas as pd

from forecast.evaluation.events import Event


@runtime_checkable
class Method(Protocol):
    """A forecasting method the backtest can score.

    `sample_crossings` receives only the models released by `cutoff` (and their scores) and
    returns an array of shape (len(events), n_samples): samples of each event's crossing date in
    decimal years, `np.inf` meaning "not before the method's horizon". Every event passed has
    not been reached by the cutoff in the full data; a method should condition on that. The
    same `seed` must give the same samples. A method that cannot forecast from the data it is
    given raises `forecast.core.errors.UserError`.
    """

    name: str

    def sample_crossings(
        self,
        models: pd.DataFrame,
        scores: pd.DataFrame,
        cutoff: date,
        events: list[Event],
        n_samples: int,
        seed: int,
    ) -> np.ndarray:
        """Samples of each event's crossing date.

        Parameters
        ----------
        models, scores : pandas.DataFrame
            The models released by `cutoff` and their score rows.
        cutoff : datetime.date
            The date as of which the method forecasts.
        events : list of Event
            Events not reached by `cutoff`.
        n_samples : int
            Samples per event.
        seed : int
            Seed of the method's random numbers.

        Returns
        -------
        numpy.ndarray
            Shape (len(events), n_samples), decimal years; +inf for "not before the horizon".
        """
        ...


def derive_seed(seed: int, cutoff: date, method_name: str, stream: int = 0) -> int:
    """A seed for one (cutoff, method, stream), independent of run order and of process count.

    Parameters
    ----------
    seed : int
        The run's seed.
    cutoff : datetime.date
        The cutoff.
    method_name : str
        The method's name.
    stream : int
        Which stream of the (cutoff, method): the backtest passes 0 to the method and uses 1
        for the randomised PIT.

    Returns
    -------
    int
        A 32-bit seed from `numpy.random.SeedSequence` spawned on (cutoff, method, stream).
    """
    seq = np.random.SeedSequence(
        entropy=int(seed), spawn_key=(cutoff.toordinal(), zlib.crc32(method_name.encode()), stream)
    )
    return int(seq.generate_state(1, dtype=np.uint32)[0])
