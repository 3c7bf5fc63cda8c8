"""The projection against an independent squigglepy Monte Carlo on a priors-only question.

The engine (`forecast.projection.crossing.crossing_times`, mean frontier) and squigglepy (the same prior
distributions; the crossing date in closed form, or with future techniques arriving and a
saturating gain, sample by sample on the month boundaries) draw independent samples of
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

from devtools.crosscheck import (  # noqa: E402
    EXAMPLE_ARRIVALS_QUESTION,
    EXAMPLE_QUESTION,
    QUANTILE_LEVELS,
    compare_cdf,
    compare_quantiles,
    engine_crossing_times,
    squigglepy_crossing_times,
)
from forecast.inputs.priors import Dist, load_priors  # noqa: E402

N = 10_000
DATES = np.arange(2025.0, 2045.5, 2.0)  # start ... horizon


@pytest.fixture(scope="module")
def priors():
    return load_priors(None)


QUESTIONS = {"closed_form": EXAMPLE_QUESTION, "arrivals": EXAMPLE_ARRIVALS_QUESTION}


@pytest.fixture(scope="module")
def samples(priors):
    """Per question: the engine's samples (seed 1) and squigglepy's (seed 2)."""
    return {name: (engine_crossing_times(priors, q, N, seed=1),
                   squigglepy_crossing_times(priors, q, N, seed=2))
            for name, q in QUESTIONS.items()}


def _failures(rows):
    return [r for r in rows if not r["agree"]]


def test_chance_floor_matches_the_registry():
    from forecast.inputs.registry import load_registry

    table = load_registry(None).benchmarks.set_index("benchmark")["chance"]
    assert EXAMPLE_QUESTION.chance == pytest.approx(float(table[EXAMPLE_QUESTION.benchmark]))


def test_question_is_informative(samples):
    """Some futures reach the target at the start, some later, some never: every branch of
    the closed form is exercised, and the median lies strictly inside the horizon."""
    q = EXAMPLE_QUESTION
    for t in samples["closed_form"]:
        at_start = np.mean(t == q.start)
        never = np.mean(np.isinf(t))
        assert 0.02 < at_start < 0.4 and 0.1 < never < 0.45
        assert q.start < np.quantile(t, 0.5) < q.horizon


@pytest.mark.parametrize("question", sorted(QUESTIONS))
def test_quantiles_agree_within_monte_carlo_error(samples, question):
    engine, reference = samples[question]
    rows = compare_quantiles(engine, reference, QUANTILE_LEVELS, z=4.0)
    assert [r["level"] for r in rows] == list(QUANTILE_LEVELS)
    assert not _failures(rows), _failures(rows)
    start = QUESTIONS[question].start
    interior = [r for r in rows if np.isfinite(r["engine"]) and r["engine"] > start]
    assert len(interior) >= 2  # not only the atoms at the start and at "never"
    assert all(0 < r["se"] < 0.5 for r in interior)  # years


@pytest.mark.parametrize("question", sorted(QUESTIONS))
def test_reached_by_date_agrees_within_monte_carlo_error(samples, question):
    rows = compare_cdf(*samples[question], DATES, z=4.0)
    assert not _failures(rows), _failures(rows)


def _moved_midpoint(priors):
    """The MMLU midpoint prior 0.15 log10 params higher (0.45 of its sd)."""
    mid = priors.engine.links.for_benchmark("mmlu").midpoint
    moved = Dist.from_params("normal", {"mu": mid.params["mu"] + 0.15, "sigma": mid.params["sigma"]})
    return priors.replace({"engine.links.mmlu.midpoint": moved}), EXAMPLE_QUESTION


def _faster_arrivals(priors):
    """Future techniques arriving 35% faster (the gamma prior's rate parameter / 1.35)."""
    rate = priors.engine.arrivals.rate
    moved = Dist.from_params("gamma", {"alpha": rate.params["alpha"], "beta": rate.params["beta"] / 1.35})
    return priors.replace({"engine.arrivals.rate": moved}), EXAMPLE_ARRIVALS_QUESTION


# a wrong reference of modest size, and the question it is compared on
WRONG_REFERENCES = {
    "link_midpoint_shifted": ("closed_form", _moved_midpoint),
    "adoption_shares_ignored": ("closed_form",
                                lambda p: (p, dataclasses.replace(EXAMPLE_QUESTION, adoption=1.0))),
    "arrivals_faster": ("arrivals", _faster_arrivals),
    "saturation_ignored": ("arrivals",
                           lambda p: (p, dataclasses.replace(EXAMPLE_ARRIVALS_QUESTION, saturation=False))),
}


@pytest.mark.parametrize("wrong", sorted(WRONG_REFERENCES))
def test_a_wrong_reference_is_detected(priors, samples, wrong):
    question, make = WRONG_REFERENCES[wrong]
    wrong_priors, wrong_question = make(priors)
    reference = squigglepy_crossing_times(wrong_priors, wrong_question, N, seed=2)
    engine = samples[question][0]
    assert _failures(compare_quantiles(engine, reference))
    assert _failures(compare_cdf(engine, reference, DATES))


@pytest.mark.parametrize("question", sorted(QUESTIONS))
def test_same_seed_same_samples(priors, question):
    a = squigglepy_crossing_times(priors, QUESTIONS[question], 1000, seed=5)
    b = squigglepy_crossing_times(priors, QUESTIONS[question], 1000, seed=5)
    np.testing.assert_array_equal(a, b)


def test_arrivals_question_is_informative(samples):
    """Future techniques move the answer far beyond Monte Carlo error (median years earlier,
    fewer futures never reaching the target), and every branch is still exercised."""
    q = EXAMPLE_ARRIVALS_QUESTION
    without = samples["closed_form"][0]
    for t in samples["arrivals"]:
        assert 0.02 < np.mean(t == q.start) < 0.4 and 0.02 < np.mean(np.isinf(t)) < 0.3
        assert q.start < np.quantile(t, 0.5) < np.quantile(without, 0.5) - 1.0
        assert np.mean(np.isinf(t)) < np.mean(np.isinf(without)) - 0.04
