"""Large posterior variables are read when a query needs them, not when a fit is loaded."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from forecast.projection.posterior import LazyDraws
from forecast.projection.question import Target, required_theta
from tests.conftest import make_draws


def test_lazy_draws_load_once_and_subset_without_loading():
    calls = []
    full = np.arange(20.0).reshape(10, 2)

    def load():
        calls.append(1)
        return full

    lazy = LazyDraws(load)
    part = lazy.take(np.array([1, 3, 5])).take(np.array([2, 0]))
    assert calls == []
    assert np.array_equal(np.asarray(part), full[[5, 1]])
    assert np.median(lazy, axis=0).tolist() == np.median(full, axis=0).tolist()
    assert lazy[:, 1].tolist() == full[:, 1].tolist() and lazy.shape == (10, 2)
    assert len(calls) == 2  # once for `part`'s source, once for `lazy` itself; never again
    np.asarray(lazy)
    assert len(calls) == 2


def test_model_targets_read_lazy_capabilities_through_thinning():
    n = 50
    theta = np.linspace(9.0, 10.0, n)[:, None] + np.array([[0.0, 0.5]])
    draws = replace(make_draws(n=n), model_ids=["a", "b"], theta=LazyDraws(lambda: theta))
    thinned = draws.subset(np.arange(0, n, 5))
    assert isinstance(thinned.theta, LazyDraws)
    need, noise = required_theta(thinned, Target("model:b", model_id="b"))
    assert need == pytest.approx(theta[::5, 1]) and not noise.any()


def test_fit_files_keep_large_variables_unread_until_used(tmp_path):
    import xarray as xr

    from forecast.model.diagnostics import load_posterior, save_posterior

    post = xr.Dataset({"small": (("chain", "draw"), np.ones((2, 5))),
                       "big": (("chain", "draw", "model"), np.arange(2 * 5 * 30.0).reshape(2, 5, 30))})
    save_posterior(xr.DataTree.from_dict({"posterior": post}), tmp_path / "fit.nc")
    tree = load_posterior(tmp_path / "fit.nc", lazy_above=100)
    loaded = tree["posterior"].to_dataset()
    assert isinstance(loaded["small"].variable._data, np.ndarray)
    assert not isinstance(loaded["big"].variable._data, np.ndarray)
    assert np.array_equal(loaded["big"].values, post["big"].values)
    eager = load_posterior(tmp_path / "fit.nc", lazy_above=None)["posterior"].to_dataset()
    assert isinstance(eager["big"].variable._data, np.ndarray)
