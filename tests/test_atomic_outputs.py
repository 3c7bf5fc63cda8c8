"""Atomic outputs: interrupted writers leave the old file or the new one, never a partial file;
concurrent writers both finish and the result is one of the two complete files.

The fast tests exercise `forecast.core.io` and the CLI's signal handling with small payloads; the slow
tests kill a real `forecast fit` while it samples and run two identical fits at once on one cache.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

PYTHON_CLI = [sys.executable, "-c", "from forecast.cli import main; main()"]


def leftovers(folder: Path) -> list[str]:
    """Temporary files of `atomic_path` (``.<name>.<random><suffix>.tmp``) below `folder`."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.name.endswith(".tmp"))


def run_py(code: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


# ------------------------------------------------------------------ concurrent writers


def test_two_processes_writing_one_file_leave_one_complete_file(tmp_path):
    """Each of two writers replaces the file 150 times with its own 256 kB payload while a reader
    checks every read: each is one writer's complete payload, never a mix or a truncation."""
    dest = tmp_path / "out.json"
    writer = """
        import sys
        from forecast.core.io import atomic_write
        tag = sys.argv[1]
        payload = (tag * (256 * 1024))[: 256 * 1024]
        for _ in range(150):
            atomic_write(sys.argv[2], payload)
    """
    procs = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(writer), tag, str(dest)],
                              stderr=subprocess.PIPE, text=True) for tag in ("A", "B")]
    reads = 0
    while any(p.poll() is None for p in procs):
        if dest.exists():
            data = dest.read_bytes()
            assert data in (b"A" * 262144, b"B" * 262144), f"partial or mixed read of {len(data)} bytes"
            reads += 1
    for p in procs:
        assert p.wait() == 0, p.stderr.read()
    assert dest.read_bytes() in (b"A" * 262144, b"B" * 262144)
    assert leftovers(tmp_path) == []
    assert reads > 0


def _tiny_tree(seed: int) -> xr.DataTree:
    rng = np.random.default_rng(seed)
    post = xr.Dataset({"beta": (("chain", "draw", "technique"), rng.normal(size=(4, 150, 3)))},
                      coords={"technique": ["a", "b", "c"]})
    return xr.DataTree.from_dict({"posterior": post})


def test_two_processes_saving_one_posterior_both_finish_and_it_loads(tmp_path):
    """`save_posterior` (what the fit cache uses) from two processes at once, 8 times each."""
    from forecast.model.diagnostics import load_posterior

    dest = tmp_path / "fits" / "fit-samekey.nc"
    saver = """
        import sys
        from pathlib import Path
        sys.path.insert(0, sys.argv[3])
        from test_atomic_outputs import _tiny_tree
        from forecast.model.diagnostics import save_posterior
        tree = _tiny_tree(int(sys.argv[1]))
        for _ in range(8):
            save_posterior(tree, Path(sys.argv[2]))
    """
    tests_dir = str(Path(__file__).parent)
    procs = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(saver), str(seed), str(dest), tests_dir],
                              stderr=subprocess.PIPE, text=True) for seed in (1, 2)]
    for p in procs:
        assert p.wait(timeout=300) == 0, p.stderr.read()
    loaded = load_posterior(dest)["posterior"]["beta"].values
    candidates = [_tiny_tree(s)["posterior"]["beta"].values for s in (1, 2)]
    assert any(np.array_equal(loaded, c) for c in candidates)
    assert leftovers(tmp_path) == []


# ------------------------------------------------------------------ signals during a write


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_signal_during_a_cli_write_keeps_the_old_file_and_no_temp_file(tmp_path, sig, code):
    """A command half-way through writing its output (through `atomic_path`) is killed: the CLI
    turns the signal into an exception, the temporary file is removed, the old file is intact."""
    dest = tmp_path / "result.json"
    dest.write_text('{"old": true}')
    script = f"""
        import sys, time
        import forecast.cli.forecast_cmd as forecast_cmd
        from forecast.cli import main
        from forecast.core.io import atomic_path

        def slow_writer(*args, **kwargs):
            with atomic_path({str(dest)!r}) as tmp:
                tmp.write_text('{{"new": ')  # half a file
                print("writing", flush=True)
                # Short sleeps: the kernel may deliver the signal to a library's helper thread,
                # and CPython runs the handler only when the main thread next runs bytecode.
                for _ in range(600):
                    time.sleep(0.1)
                tmp.write_text('{{"new": true}}')

        forecast_cmd.make_engine = slow_writer
        main(["when", "--target", "mmlu=0.7", "--params", "7B"])
    """
    proc = run_py(script, env=dict(os.environ, FORECAST_CACHE_DIR=str(tmp_path / "cache")))
    assert proc.stdout.readline().strip() == "writing"
    assert leftovers(tmp_path), "the writer should have a temporary file open"
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert "interrupted" in err and "Traceback" not in err
    assert json.loads(dest.read_text()) == {"old": True}
    assert leftovers(tmp_path) == []


# ------------------------------------------------------------------ real fits (slow)


def _start_fit(cache: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([*PYTHON_CLI, "fit", "--draws", "150", "--json", *extra],
                            env=dict(os.environ, FORECAST_CACHE_DIR=str(cache)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_sampling(proc: subprocess.Popen, settle: float) -> None:
    """Read stderr until the fit is announced (the CLI's "Fitting the model ..." line, or PyMC's
    NUTS line from a sampling child process; both come before the model compiles, which takes
    about 25 s here), then wait `settle` seconds more."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        if "NUTS" in line or "Fitting the model" in line:
            time.sleep(settle)
            return
    raise AssertionError("sampling never started")


def cache_entries(cache: Path) -> list[Path]:
    return sorted((cache / "fits").glob("fit-*.nc")) if (cache / "fits").exists() else []


@pytest.mark.slow
def test_kill_during_sampling_leaves_no_trusted_cache_entry_and_a_rerun_succeeds(tmp_path):
    """SIGINT and then SIGTERM while `forecast fit --draws 150 --tune 8000` samples (compiling
    takes ~25 s and 8000 tuning steps run for minutes even on an idle machine, so 55 s after the
    fit is announced the sampler is running): exit 130 / 143, no `fit-*.nc`, no temporary files. Then two
    identical fits at once on the same cache: both finish, one entry is left, it loads, and a third
    run is served from it with the same numbers."""
    from forecast.model.fit import Fit

    cache = tmp_path / "cache"
    for sig, code in ((signal.SIGINT, 130), (signal.SIGTERM, 143)):
        proc = _start_fit(cache, "--tune", "8000")
        _wait_for_sampling(proc, settle=55.0)
        assert proc.poll() is None, "the fit ended before it could be interrupted"
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == code, err[-2000:]
        assert "interrupted" in err and "Traceback" not in err
        assert json.loads(out)["exit_code"] == code  # under --json the error object, nothing else
        assert cache_entries(cache) == [] and leftovers(tmp_path) == []

    pair = [_start_fit(cache, "--tune", "150") for _ in range(2)]
    results = []
    for proc in pair:
        out, err = proc.communicate(timeout=1800)
        assert proc.returncode == 0, err[-2000:]
        results.append(json.loads(out))
    assert not all(r["from_cache"] for r in results), "at least one of the pair must have sampled"
    assert len(cache_entries(cache)) == 1 and leftovers(tmp_path) == []
    cached = Fit.load(cache_entries(cache)[0])
    assert cached.diagnostics.draws == 150 and cached.diagnostics.chains == 4

    third = _start_fit(cache, "--tune", "150")
    out, err = third.communicate(timeout=600)
    assert third.returncode == 0, err[-2000:]
    again = json.loads(out)
    assert again["from_cache"] is True
    for r in results:
        assert r["techniques"] == again["techniques"] and r["drift"] == again["drift"]


def _processes_with_env(marker: str) -> list[int]:
    """PIDs of live processes whose environment contains `marker` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")
def test_signals_to_a_salted_fit_stop_its_sampling_process(tmp_path):
    """A `forecast fit` whose string hashes are salted samples in a child process
    (`forecast.model.fit.sample_reproducibly`). SIGINT or SIGTERM sent to the command alone (not to its
    process group) ends it with 130 / 143, ends the child too, and caches nothing."""
    cache = tmp_path / "cache"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"} | {"FORECAST_CACHE_DIR": str(cache)}
    for sig, code in ((signal.SIGINT, 130), (signal.SIGTERM, 143)):
        proc = subprocess.Popen([*PYTHON_CLI, "fit", "--as-of", "2023-01-01", "--draws", "150", "--tune", "8000",
                                 "--json"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _wait_for_sampling(proc, settle=5.0)  # the child prints PyMC's NUTS line
        children = [pid for pid in _processes_with_env(str(cache)) if pid != proc.pid]
        assert children, "no sampling process was started"
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == code, err[-2000:]
        assert "Traceback" not in err and json.loads(out)["exit_code"] == code
        deadline = time.monotonic() + 30
        while _processes_with_env(str(cache)) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _processes_with_env(str(cache)) == [], "the sampling process outlived the command"
        assert cache_entries(cache) == [] and leftovers(tmp_path) == []


@pytest.mark.slow
def test_interrupting_the_sampler_in_the_library_raises_and_caches_nothing():
    """nutpie answers Ctrl-C by returning the draws taken so far; the fit must not treat that
    partial trace as a posterior (it would be cached under the full settings' key). Run in a
    fresh process with Python's own Ctrl-C handler, as a user's process has it."""
    code = textwrap.dedent("""
        import os, signal, threading
        from dataclasses import replace
        from datetime import date
        import pymc as pm
        from forecast.model.fit import FitSettings, sample_model

        # a process started by a pytest-xdist worker inherits an ignored SIGINT; a user's does not
        signal.signal(signal.SIGINT, signal.default_int_handler)
        with pm.Model() as model:
            pm.Normal("x", 0.0, 1.0)
        settings = FitSettings(as_of=date(2024, 1, 1), draws=5_000_000, tune=100, chains=2, cores=1, seed=1,
                                target_accept=0.9)
        # a short run first, uninterrupted: it must sample (an error in the call itself surfaces
        # here) and it warms the compile cache so the Ctrl-C below lands while sampling
        sample_model(model, replace(settings, draws=50, tune=50), progress=False)
        print("SAMPLED")
        done = threading.Event()

        def interrupt():
            # Ctrl-C every few seconds until the call returns: the first one can land while the
            # model is still compiling
            while not done.wait(6.0):
                os.kill(os.getpid(), signal.SIGINT)

        threading.Thread(target=interrupt, daemon=True).start()
        try:
            sample_model(model, settings, progress=False)
            print("RETURNED")
        except KeyboardInterrupt:
            done.set()
            print("RAISED")
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert proc.stdout.split() == ["SAMPLED", "RAISED"], (proc.stdout, proc.stderr[-2000:])
