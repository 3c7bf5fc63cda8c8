"""The backtest's cutoffs as Dask tasks: the same rows on 1 or 2 workers as in this process,
workers that hash strings unsalted, and the refusals (a salted cluster, a scheduler that does not
answer). Two local clusters (1 and 2 workers, loopback only) are shared by the whole module."""

from __future__ import annotations

import contextlib
import os
import sys

import pandas as pd
import pytest
from distributed import Client, LocalCluster

import forecast.evaluation.backtest as backtest_module
import forecast.evaluation.cluster as cluster_module
from forecast.core.errors import UserError
from forecast.evaluation.backtest import run_backtest
from forecast.evaluation.cluster import call_with_fixed_hashing, dask_client, run_ordered, worker_hash_randomization
from test_backtest import CannotFitBefore, ExponentialOracle, exponential_world, synthetic_benchmarks
from test_data_cli import run as run_cli

CUTOFFS = "2021-01-01:2023-01-01:1Y"


@pytest.fixture(scope="module")
def schedulers():
    """The addresses of two local clusters made by `dask_client`: 1 worker and 2 workers."""
    with contextlib.ExitStack() as stack:
        one = stack.enter_context(dask_client(1, announce=False))
        two = stack.enter_context(dask_client(2, announce=False))
        yield {1: one.scheduler.address, 2: two.scheduler.address}


@pytest.fixture(scope="module")
def world():
    models, scores, events, rates = exponential_world()
    oracle = ExponentialOracle(rates)
    return models, scores, events[:80], [oracle, CannotFitBefore(oracle)]


def _run(world, **kw):
    models, scores, events, methods = world
    return run_backtest(models, scores, methods, CUTOFFS, events=events, n_samples=300, seed=4,
                        progress=False, benchmarks=synthetic_benchmarks(scores), **kw)


def test_rows_are_identical_on_one_and_two_workers(world, schedulers):
    here = _run(world)
    assert (here.rows["error"] != "").any() and (here.rows["error"] == "").any()  # both kinds of row
    for n in (1, 2):
        there = _run(world, scheduler=schedulers[n])
        pd.testing.assert_frame_equal(here.rows, there.rows, check_exact=True)
        assert there.summary == here.summary


def test_jobs_2_runs_on_a_dask_cluster(world, schedulers, monkeypatch):
    """`jobs=2` asks `dask_client` for two workers (here pointed at the shared cluster)."""
    calls = []

    def recording(jobs, scheduler, announce=True):
        calls.append((jobs, scheduler))
        return dask_client(scheduler=schedulers[2], announce=False)

    monkeypatch.setattr(backtest_module, "dask_client", recording)
    rows = _run(world, jobs=2).rows
    assert calls == [(2, None)]
    pd.testing.assert_frame_equal(rows, _run(world).rows, check_exact=True)


def test_scheduler_from_the_environment(world, schedulers, monkeypatch):
    """``FORECAST_DASK_SCHEDULER`` sends even a ``jobs=1`` run to the scheduler's workers."""
    calls = []

    def recording(jobs, scheduler, announce=True):
        calls.append(scheduler)
        return dask_client(jobs, scheduler, announce=False)

    monkeypatch.setenv(cluster_module.SCHEDULER_ENV, schedulers[2])
    monkeypatch.setattr(backtest_module, "dask_client", recording)
    pd.testing.assert_frame_equal(_run(world).rows, _run(world, scheduler=schedulers[1]).rows, check_exact=True)
    assert calls == [schedulers[2], schedulers[1]]


def test_a_method_error_raises_through_dask(world, schedulers):
    with pytest.raises(UserError, match="cutoff 2021-01-01, method 'late_starter': too few models"):
        _run(world, scheduler=schedulers[2], on_error="raise")


def _hashing(_: int) -> tuple[int, str | None, int]:
    return sys.flags.hash_randomization, os.environ.get("PYTHONHASHSEED"), os.getpid()


def test_workers_hash_strings_unsalted(schedulers):
    for n, address in schedulers.items():
        with dask_client(scheduler=address, announce=False) as client:
            assert set(client.run(worker_hash_randomization).values()) == {0}
            got = run_ordered(client, _hashing, list(range(4)))
        assert {flag for flag, _, _ in got} == {0} and {seed for _, seed, _ in got} == {"0"}
        assert os.getpid() not in {pid for _, _, pid in got}


def test_a_cluster_with_salted_hashing_is_refused(world, monkeypatch):
    """Distributed's own Nanny starts workers with PYTHONHASHSEED=6640 (hash_randomization 1),
    whatever its ``env``: the backtest refuses them at connect time, and a task refuses to run."""
    monkeypatch.setenv("PYTHONHASHSEED", "0")  # restored afterwards: the Nanny writes 6640 into it
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=":0", env={"PYTHONHASHSEED": "0"}) as cluster:
        with pytest.raises(UserError, match=r"PYTHONHASHSEED=0 dask worker --no-nanny .*\(--scheduler\)"):
            _run(world, scheduler=cluster.scheduler_address)
        with Client(cluster, set_as_default=False) as client:
            future = client.submit(call_with_fixed_hashing, _hashing, 0, pure=False)
            with pytest.raises(UserError, match="salt their string hashes"):
                future.result()


@pytest.mark.parametrize("how", ["option", "environment"])
def test_unreachable_scheduler_is_one_line_and_exit_2(how, capsys, monkeypatch, tmp_path):
    import forecast.model.fit

    def refuse(*args, **kwargs):
        raise AssertionError("a fit started")

    monkeypatch.setattr(forecast.model.fit, "fit_model", refuse)
    monkeypatch.setattr(cluster_module, "CONNECT_TIMEOUT", 1.0)
    monkeypatch.setenv("COLUMNS", "200")
    address = "tcp://127.0.0.1:1"
    args = ["backtest", "--out", str(tmp_path / "out")]
    if how == "option":
        args += ["--scheduler", address]
    else:
        monkeypatch.setenv(cluster_module.SCHEDULER_ENV, address)
    code, out, err = run_cli(args, capsys)
    assert code == 2 and out == "", (code, out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "--scheduler" in lines[0], err
    assert address in lines[0] and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_seedcheck_with_an_unreachable_scheduler(capsys, monkeypatch):
    import forecast.model.fit

    monkeypatch.setattr(forecast.model.fit, "fit_model", lambda *a, **k: (_ for _ in ()).throw(AssertionError))
    monkeypatch.setattr(cluster_module, "CONNECT_TIMEOUT", 1.0)
    code, out, err = run_cli(["seedcheck", "--scheduler", "tcp://127.0.0.1:1"], capsys)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and "--scheduler" in err, err
