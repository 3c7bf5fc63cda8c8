"""`model:ID` targets for every scored registry model, by id or name, stating their scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import make_draws
from forecast.api.targets import model_target
from forecast.core.errors import UserError
from forecast.projection.question import Target, required_theta

MODELS = pd.DataFrame({"model_id": ["open-7b", "closed-x", "unscored"],
                       "name": ["Open 7B", "Closed X (0314)", "Unscored"]})
SCORES = pd.DataFrame({"model_id": ["open-7b", "closed-x", "closed-x", "closed-x"],
                       "benchmark": ["mmlu", "mmlu", "mmlu", "truthfulqa"],
                       "score": [0.60, 0.80, 0.84, 0.7]})


def test_a_fitted_model_is_its_capability_and_states_its_scores():
    target = model_target("model:open-7b", ["mmlu"], ["open-7b"], MODELS, SCORES)
    assert target.model_id == "open-7b" and target.label == "model:open-7b (mmlu=0.600)"


def test_a_closed_model_is_found_by_name_and_stands_for_its_fitted_scores():
    target = model_target("model:closed x (0314)", ["mmlu"], ["open-7b"], MODELS, SCORES)
    assert target.model_id is None and target.inferred
    assert target.thresholds == (("mmlu", pytest.approx(0.82)),)  # the median; truthfulqa is not fitted
    assert target.label == "model:closed-x (mmlu=0.820)"


def test_unknown_and_unscored_models_are_refused_with_suggestions():
    with pytest.raises(UserError, match="did you mean.*closed-x") as err:
        model_target("model:closed-y", ["mmlu"], ["open-7b"], MODELS, SCORES)
    assert err.value.location.key == "target"
    with pytest.raises(UserError, match="unknown model 'unscored'"):
        model_target("model:unscored", ["mmlu"], ["open-7b"], MODELS, SCORES)
    with pytest.raises(UserError, match="no score on a fitted benchmark"):
        model_target("model:closed-x", ["gsm8k"], ["open-7b"], MODELS, SCORES)


def test_an_inferred_target_is_the_capability_its_scores_imply():
    draws = make_draws(n=200, noise=0.02)
    one = required_theta(draws, Target("mmlu=0.7", thresholds=(("mmlu", 0.7),)))[0]
    inferred, noise = required_theta(draws, Target("m", thresholds=(("mmlu", 0.7),), inferred=True))
    np.testing.assert_allclose(inferred, one)  # one benchmark: the same capability
    assert (noise == 0).all()
    above = required_theta(draws, Target("m", thresholds=(("mmlu", 0.9999),), inferred=True))[0]
    assert np.isinf(above).all()  # every score above its ceiling: never
