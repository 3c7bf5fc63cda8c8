"""Shared fixtures: hand-made posterior draws for projection tests (no sampling needed)."""

from __future__ import annotations

import os

# pytest-xdist starts its workers after this file is imported: with a fixed hash seed they sample
# in-process (forecast.model.fit.sample_reproducibly) instead of starting a sampling process per fit.
# tests/test_repro.py checks the child-process path under salted hashing.
os.environ.setdefault("PYTHONHASHSEED", "0")

# The user's own overlay on the shipped registry (forecast data add) must not leak into tests:
# every test session gets an empty user data folder of its own.
import tempfile  # noqa: E402

os.environ["FORECAST_DATA_HOME"] = tempfile.mkdtemp(prefix="forecast-data-home-")

import numpy as np
import pytest

from forecast.projection.posterior import PosteriorDraws
from forecast.projection.future_draws import FutureDraws


def make_draws(
    n: int = 400,
    *,
    beta: float = 0.3,
    adoption_mid: float = -100.0,
    drift_rate: float = 0.2,
    drift_level: float = 0.0,
    walk_sd: float = 0.0,
    long_run: float | None = None,
    persistence: float | None = None,
    quality_sd: float = 0.3,
    org_sd: float = 0.0,
    noise: float = 0.0,
    spread: float = 0.0,
    slope: float = 1.5,
    gumbel: bool = False,
    midpoint: float = 10.5,
    ceiling: float = 0.05,
    data_end: float = 2024.0,
    as_of: float | None = None,
    t_ref: float = 2023.0,
    release_log_rate: float = 0.0,
    release_growth: float = 0.0,
    jitter: float = 0.0,
    seed: int = 0,
) -> PosteriorDraws:
    """Draws of a one-technique engine; every value is constant unless `jitter` > 0."""
    rng = np.random.default_rng(seed)

    def v(x: float) -> np.ndarray:
        return x + jitter * rng.standard_normal(n) * (abs(x) if x else 1.0)

    return PosteriorDraws(
        n=n,
        t_ref=t_ref,
        as_of=data_end if as_of is None else as_of,
        data_end=data_end,
        techniques=["tech"],
        beta=v(beta)[:, None],
        adoption_tech=["tech"],
        adoption_mid=np.full((n, 1), adoption_mid),
        adoption_speed=np.full((n, 1), 1.5),
        adoption_max=np.ones((n, 1)),
        kappa=None,
        moe_sparsity=8.0,
        gamma=None,
        tpp_intercept=np.full(n, 2.0),
        tpp_trend=np.full(n, 0.3),
        tpp_sd=np.full(n, 0.3),
        drift_level=np.full(n, drift_level),
        drift_rate=v(drift_rate),
        drift_walk_sd=np.full(n, walk_sd),
        quality_sd=np.full(n, quality_sd),
        org_sd=np.full(n, org_sd),
        benchmarks=["mmlu"],
        chance=np.array([0.25]),
        slope=np.full((n, 1), slope),
        gumbel=np.array([gumbel]),
        midpoint=np.full((n, 1), midpoint),
        ceiling_loss=np.full((n, 1), ceiling),
        noise=np.full((n, 1), noise),
        benchmark_spread=np.full((n, 1), spread),
        release_log_rate=np.full(n, release_log_rate),
        release_growth=np.full(n, release_growth),
        release_size_slope=np.zeros(n),
        release_size_curve=np.zeros(n),
        pop_mean=np.full(n, 0.1),
        pop_spread=np.full(n, 0.1),
        drift_long_run=None if long_run is None else np.full(n, long_run),
        drift_persistence=None if persistence is None else np.full(n, persistence),
    )


def make_engine(n: int = 400, rate: float = 0.0, lag: float = 1.0) -> FutureDraws:
    return FutureDraws(
        arrival_rate=np.full(n, rate),
        adoption_lag=np.full(n, lag),
        saturation=np.full(n, np.inf),
        retention={4.0: np.full(n, np.log10(0.9)), 8.0: np.zeros(n), 16.0: np.zeros(n)},
    )


@pytest.fixture
def draws() -> PosteriorDraws:
    return make_draws()


@pytest.fixture
def engine() -> FutureDraws:
    return make_engine()


@pytest.fixture(scope="session")
def small_engine(tmp_path_factory):
    """A real but short fit on the shipped registry (150 tuning + 150 draws x 4 chains).

    Shared by every test in the session; its cache lives in a session temp folder. Sampling
    statistics of so short a run are not expected to pass the convergence checks.
    """
    import os

    cache = tmp_path_factory.mktemp("forecast-cache")
    old = os.environ.get("FORECAST_CACHE_DIR")
    os.environ["FORECAST_CACHE_DIR"] = str(cache)
    from forecast.api.engine import Engine

    engine = Engine(seed=11, draws=150, tune=150, progress=False)
    engine.fit()
    yield engine
    if old is None:
        os.environ.pop("FORECAST_CACHE_DIR", None)
    else:
        os.environ["FORECAST_CACHE_DIR"] = old
