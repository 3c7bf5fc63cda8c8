"""The projection against an independent squigglepy Monte Carlo on a priors-only question.

The engine (`forecast.project.crossing_times`, mean frontier, no arrivals) and squigglepy
(the same prior distributions, crossing date in closed form) draw independent samples of
n = 10,000 each. Their quantiles must agree within 4 bootstrap standard errors of the
difference, and P(reached by d) within 4 binomial standard errors, at every date; with 5 + 11
comparisons a false alarm at 4 SE has probability below 1e-3. The negative controls show the
tolerance is tight enough to catch a wrong input of modest size.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

pytest.importorskip("squigglepy")

from forecast.crosscheck import (  # noqa: E402
    EXAMPLE_QUESTION,
    QUANTILE_LEVELS,
    compare_cdf,
    compare_quantiles,
    engine_crossing_times,
    squigglepy_crossing_times,
)
from forecast.priors import Dist, load_priors  # noqa: E402

N = 10_000
DATES = np.arange(2025.0, 2045.5, 2.0)  # start ... horizon


@pytest.fixture(scope="module")
def priors():
    return load_priors(None)


@pytest.fixture(scope="module")
def engine_times(priors):
    return engine_crossing_times(priors, EXAMPLE_QUESTION, N, seed=1)


@pytest.fixture(scope="module")
def squiggle_times(priors):
    return squigglepy_crossing_times(priors, EXAMPLE_QUESTION, N, seed=2)


def _failures(rows):
    return [r for r in rows if not r["agree"]]


def test_chance_floor_matches_the_registry():
    from forecast.registry import load_registry

    table = load_registry(None).benchmarks.set_index("benchmark")["chance"]
    assert EXAMPLE_QUESTION.chance == pytest.approx(float(table[EXAMPLE_QUESTION.benchmark]))


def test_question_is_informative(engine_times, squiggle_times):
    """Some futures reach the target at the start, some later, some never: every branch of
    the closed form is exercised, and the median lies strictly inside the horizon."""
    q = EXAMPLE_QUESTION
    for t in (engine_times, squiggle_times):
        at_start = np.mean(t == q.start)
        never = np.mean(np.isinf(t))
        assert 0.02 < at_start < 0.4 and 0.1 < never < 0.45
        assert q.start < np.quantile(t, 0.5) < q.horizon


def test_quantiles_agree_within_monte_carlo_error(engine_times, squiggle_times):
    rows = compare_quantiles(engine_times, squiggle_times, QUANTILE_LEVELS, z=4.0)
    assert [r["level"] for r in rows] == list(QUANTILE_LEVELS)
    assert not _failures(rows), _failures(rows)
    interior = [r for r in rows if np.isfinite(r["engine"]) and r["engine"] > EXAMPLE_QUESTION.start]
    assert len(interior) >= 2  # not only the atoms at the start and at "never"
    assert all(0 < r["se"] < 0.5 for r in interior)  # years


def test_reached_by_date_agrees_within_monte_carlo_error(engine_times, squiggle_times):
    rows = compare_cdf(engine_times, squiggle_times, DATES, z=4.0)
    assert not _failures(rows), _failures(rows)


def test_a_shifted_link_midpoint_is_detected(priors, engine_times):
    """A reference whose MMLU midpoint prior sits 0.15 log10 params higher (0.45 of its sd)."""
    mid = priors.engine.links.for_benchmark("mmlu").midpoint
    moved = Dist.from_params("normal", {"mu": mid.params["mu"] + 0.15, "sigma": mid.params["sigma"]})
    wrong = squigglepy_crossing_times(
        priors.replace({"engine.links.mmlu.midpoint": moved}), EXAMPLE_QUESTION, N, seed=2
    )
    assert _failures(compare_quantiles(engine_times, wrong))
    assert _failures(compare_cdf(engine_times, wrong, DATES))


def test_ignoring_the_adoption_shares_is_detected(priors, engine_times):
    wrong = squigglepy_crossing_times(
        priors, dataclasses.replace(EXAMPLE_QUESTION, adoption=1.0), N, seed=2
    )
    assert _failures(compare_quantiles(engine_times, wrong))
    assert _failures(compare_cdf(engine_times, wrong, DATES))


def test_same_seed_same_samples(priors):
    a = squigglepy_crossing_times(priors, EXAMPLE_QUESTION, 2000, seed=5)
    b = squigglepy_crossing_times(priors, EXAMPLE_QUESTION, 2000, seed=5)
    np.testing.assert_array_equal(a, b)
