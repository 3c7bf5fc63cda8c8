"""Dask clusters for the backtest's fits: a local one, or the user's scheduler, whose workers hash strings unsalted.

`dask_client` yields a `distributed.Client`: on the scheduler named by ``--scheduler`` (or the
environment variable ``FORECAST_DASK_SCHEDULER``), else on a `LocalCluster` of worker processes
with one thread each on loopback. A fit samples reproducibly only in an interpreter started with
PYTHONHASHSEED=0 (`forecast.core.processes`), so every worker must be one:

- A local cluster's workers are started with PYTHONHASHSEED=0 by a Nanny that sets it before it
  spawns them. Distributed's own Nanny cannot: its ``env=`` is applied after the worker's
  interpreter started, and it replaces a PYTHONHASHSEED of 0 in its pre-spawn environment by a
  fixed non-zero seed (6640), which leaves ``sys.flags.hash_randomization`` at 1.
- A user's workers are checked when the client connects; salted ones are refused with the
  command that starts them right, ``PYTHONHASHSEED=0 dask worker --no-nanny ...`` (a worker
  started with a Nanny gets seed 6640 whatever its environment says).

Every task checks its worker again before it runs (`call_with_fixed_hashing`), so a worker
that joins later cannot sample differently. Fits go to the workers' fit cache (written
atomically, `forecast.core.io.atomic_path`); with a remote cluster, the fit diagnostics that
the backtest reads afterwards come from this machine's cache, so point ``FORECAST_CACHE_DIR``
of both at one shared folder or those fits run again here.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Console

from forecast.core.errors import UserError
from forecast.core.processes import hash_seed_restored, hashing_is_fixed

if TYPE_CHECKING:
    from distributed import Client

SCHEDULER_ENV = "FORECAST_DASK_SCHEDULER"
# seconds to wait for a user's scheduler to answer, and for its first worker to join
CONNECT_TIMEOUT = 10.0


def worker_hash_randomization() -> int:
    """``sys.flags.hash_randomization`` of the interpreter this runs in (0: hashing unsalted)."""
    return sys.flags.hash_randomization


def _salted_message(where: str, scheduler: str | None) -> str:
    return (f"the Dask worker(s) {where} salt their string hashes (PYTHONHASHSEED is not 0), so their "
            f"fits would not be reproducible; start each worker as 'PYTHONHASHSEED=0 dask worker "
            f"--no-nanny --nthreads 1 {scheduler or 'SCHEDULER'}' (--scheduler)")


def call_with_fixed_hashing(fn: Callable[..., Any], *args: Any) -> Any:
    """Call ``fn(*args)`` on a worker after checking that its string hashing is unsalted.

    Parameters
    ----------
    fn : callable
        The task's function (importable by the workers).
    *args
        Its arguments.

    Returns
    -------
    object
        What `fn` returns.

    Raises
    ------
    UserError
        When the worker's interpreter did not start with PYTHONHASHSEED=0.
    """
    if not hashing_is_fixed():
        raise UserError(_salted_message(f"running this task (pid {os.getpid()})", None), key="scheduler")
    return fn(*args)


def scheduler_address(scheduler: str | None) -> str | None:
    """The scheduler to use: `scheduler`, else ``FORECAST_DASK_SCHEDULER``, else None (a local cluster).

    Parameters
    ----------
    scheduler : str or None
        The ``--scheduler`` option.

    Returns
    -------
    str or None
    """
    address = scheduler or os.environ.get(SCHEDULER_ENV, "").strip()
    return address or None


@functools.cache
def _fixed_hashing_nanny() -> type:
    """A Nanny whose worker processes start with PYTHONHASHSEED=0 (see the module docstring)."""
    from distributed import Nanny  # deferred: distributed takes about a second to import

    class FixedHashingNanny(Nanny):
        """Sets PYTHONHASHSEED=0 in the environment it spawns its worker process with."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.pre_spawn_env["PYTHONHASHSEED"] = "0"
            self.env["PYTHONHASHSEED"] = "0"

    return FixedHashingNanny


@contextlib.contextmanager
def dask_client(jobs: int | None = None, scheduler: str | None = None, *,
                announce: bool = True) -> Iterator[Client]:
    """A Dask client whose workers all hash strings unsalted, closed (with its cluster) on exit.

    Parameters
    ----------
    jobs : int or None
        Worker processes of the local cluster (one thread each); None for one per CPU. Ignored
        with a scheduler.
    scheduler : str or None
        A running scheduler's address (e.g. tcp://10.0.0.5:8786); None for
        ``FORECAST_DASK_SCHEDULER``, and when that is unset too, a local cluster.
    announce : bool
        Print the dashboard's address on stderr when the cluster has one.

    Yields
    ------
    distributed.Client

    Raises
    ------
    UserError
        When the scheduler does not answer within `CONNECT_TIMEOUT` seconds or is not an
        address, has no worker, or has a worker whose hashing is salted (exit 2 in the CLI;
        nothing has run then).
    """
    from distributed import Client, LocalCluster  # deferred: distributed takes about a second to import

    address = scheduler_address(scheduler)
    with contextlib.ExitStack() as stack:
        if address is None:
            stack.enter_context(hash_seed_restored())
            cluster = stack.enter_context(LocalCluster(
                n_workers=max(1, jobs or os.cpu_count() or 1), threads_per_worker=1, processes=True,
                host="127.0.0.1", dashboard_address=":0", worker_class=_fixed_hashing_nanny(),
                silence_logs=logging.ERROR))
            client = stack.enter_context(Client(cluster, set_as_default=False))
        else:
            client = stack.enter_context(_connect(address))
        _check_workers(client, address)
        if announce and (address is not None or _has_bokeh()):
            _announce_dashboard(client)
        yield client


@contextlib.contextmanager
def _connect(address: str) -> Iterator[Client]:
    """A client of the user's scheduler, or `UserError` when it does not answer."""
    from distributed import Client  # deferred: distributed takes about a second to import

    try:
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise UserError(f"no Dask scheduler answers at '{address}' "
                        f"(--scheduler or {SCHEDULER_ENV}): {exc}", key="scheduler") from None
    with client:
        yield client


def _check_workers(client: Client, address: str | None) -> None:
    """Wait for a first worker and refuse workers whose string hashing is salted."""
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
    except TimeoutError:
        raise UserError(f"the Dask scheduler at '{address}' has no worker after {CONNECT_TIMEOUT:g} s "
                        f"(--scheduler)", key="scheduler") from None
    flags = client.run(worker_hash_randomization)
    salted = sorted(worker for worker, flag in flags.items() if flag != 0)
    if salted and address is None:
        raise RuntimeError(f"the local Dask workers {salted} did not start with PYTHONHASHSEED=0")
    if salted:
        raise UserError(_salted_message("at " + ", ".join(salted), address), key="scheduler")


def _has_bokeh() -> bool:
    """Whether Bokeh, which Dask's dashboard needs, is installed here (a local scheduler without
    it serves only a page that asks for it)."""
    return importlib.util.find_spec("bokeh") is not None


def _announce_dashboard(client: Client) -> None:
    """Print the dashboard's address on stderr, when the scheduler serves one."""
    if client.scheduler_info().get("services", {}).get("dashboard"):
        Console(stderr=True).print(f"Dask dashboard: {client.dashboard_link}", highlight=False)


def run_ordered(client: Client, fn: Callable[..., Any], items: Sequence[Any],
                advance: Callable[[], None] | None = None, name: str = "task") -> list[Any]:
    """``fn(item)`` for every item as tasks on `client`, the results in the order of `items`.

    Each task runs through `call_with_fixed_hashing` and is retried once when it fails (a worker
    lost mid-task); `advance` is called as each finishes, in whatever order. The first error
    cancels the tasks still pending and is raised here.

    Parameters
    ----------
    client : distributed.Client
        The cluster's client.
    fn : callable
        A module-level function of one argument (the workers import it).
    items : sequence
        The arguments, one task each.
    advance : callable, optional
        Called with no argument when a task finishes.
    name : str
        The tasks' name on the dashboard.

    Returns
    -------
    list
        ``[fn(item) for item in items]``.
    """
    from distributed import as_completed  # deferred: distributed takes about a second to import

    futures = [client.submit(call_with_fixed_hashing, fn, item, retries=1, pure=False,
                             key=f"{name}-{i}-{os.urandom(6).hex()}")
               for i, item in enumerate(items)]
    index = {f.key: i for i, f in enumerate(futures)}
    results: list[Any] = [None] * len(futures)
    try:
        for future in as_completed(futures, loop=client.loop):
            results[index[future.key]] = future.result()
            if advance is not None:
                advance()
    except BaseException:
        client.cancel(futures)
        raise
    return results
