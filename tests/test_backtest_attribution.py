"""The attribution script's swap: one group of quantities from the priors-only draws, matched by
column label, the rest of the fitted draws untouched."""

from __future__ import annotations

import dataclasses
import importlib
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]


def load_script():
    """scripts/ is not a package: import the script from its folder."""
    if str(REPO / "scripts") not in sys.path:
        sys.path.insert(0, str(REPO / "scripts"))
    return importlib.import_module("backtest_attribution")


@dataclasses.dataclass
class Draws:
    n: int
    benchmarks: list
    slope: np.ndarray
    midpoint: np.ndarray
    drift_rate: np.ndarray
    gamma: np.ndarray | None


def test_swap_matches_columns_by_label_and_cycles_draws():
    script = load_script()
    fitted = Draws(4, ["mmlu", "gsm8k"], np.zeros((4, 2)), np.zeros((4, 2)), np.zeros(4), np.ones(4))
    prior = Draws(3, ["gsm8k", "mmlu"], np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]]),
                  np.full((3, 2), 7.0), np.array([0.1, 0.2, 0.3]), None)
    out = script.swapped(fitted, prior, ("slope", "drift_rate", "gamma"))
    # mmlu is the prior's second column, gsm8k its first; draws 0, 1, 2, 0
    np.testing.assert_array_equal(out.slope, [[10.0, 1.0], [20.0, 2.0], [30.0, 3.0], [10.0, 1.0]])
    np.testing.assert_array_equal(out.drift_rate, [0.1, 0.2, 0.3, 0.1])
    np.testing.assert_array_equal(out.midpoint, fitted.midpoint)  # not in the group
    np.testing.assert_array_equal(out.gamma, fitted.gamma)  # absent from the priors: kept


def test_every_group_names_fields_of_the_projection_draws():
    from forecast.projection.posterior import PosteriorDraws

    script = load_script()
    names = {f.name for f in dataclasses.fields(PosteriorDraws)}
    for group, fields in script.GROUPS.items():
        assert set(fields) <= names, (group, set(fields) - names)
    assert set(script.COLUMNS) <= names
