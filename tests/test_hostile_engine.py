"""Hostile numbers that pass the prior files' validation must not make a query run without end."""

from __future__ import annotations

import signal

from conftest import make_draws, make_engine
from forecast.core.errors import UserError
from forecast.projection.crossing import crossing_times
from forecast.projection.question import Budget, Target
from forecast.projection.settings import ProjectionSettings


class TookTooLong(Exception):
    pass


def _alarm(signum, frame):
    raise TookTooLong


def test_an_absurd_arrival_rate_is_refused_or_finishes_quickly():
    draws = make_draws(n=200)
    engine = make_engine(n=200, rate=1000.0)
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(5)
    try:
        crossing_times(draws, engine, Target(label="mmlu=0.7", thresholds=(("mmlu", 0.7),)),
                       Budget("params_total", 7e9), ProjectionSettings(horizon=2040.0, paths_per_draw=2))
    except UserError:
        pass
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
