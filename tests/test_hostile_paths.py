"""Output paths from the command line: the tool writes the file the user named and nothing else.

`forecast.core.io.output_file` / `output_dir` check a user's output path before any work starts;
`output_child` turns names taken from data (targets, model ids) into file names that cannot leave
their folder; `atomic_path` never replaces anything but a regular file.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecast.core.errors import UserError
from forecast.core.io import atomic_path, atomic_write, output_child, output_dir, output_file, safe_filename


def snapshot(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def test_output_file_accepts_a_plain_file_and_creates_nothing(tmp_path):
    out = output_file(tmp_path / "fit.nc", suffixes=(".nc",))
    assert out == tmp_path / "fit.nc"
    assert snapshot(tmp_path) == set()


@pytest.mark.parametrize("name", ["", " ", "folder", "folder/", "missing/fit.nc", "a-file/fit.nc", "fit.pdf",
                                  "fit.nc\x00.pdf", "FIT.NC.exe"])
def test_output_file_refuses_bad_paths_without_touching_anything(tmp_path, monkeypatch, name):
    (tmp_path / "folder").mkdir()
    (tmp_path / "a-file").write_text("x")
    before = snapshot(tmp_path)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UserError) as info:
        output_file(name, suffixes=(".nc",))
    assert info.value.location.key == "--out"
    assert snapshot(tmp_path) == before


def test_dot_dot_paths_write_only_where_the_os_resolves_them(tmp_path, monkeypatch):
    """`--out ../x/../../target.nc`: refused while `x` does not exist (and `x` is not created);
    once it exists, the one file written is the one the OS path names."""
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    tricky = "../x/../../target.nc"
    before = snapshot(tmp_path)
    with pytest.raises(UserError, match="does not exist"):
        output_file(tricky, suffixes=(".nc",))
    assert snapshot(tmp_path) == before
    (tmp_path / "a" / "x").mkdir()
    before = snapshot(tmp_path)
    out = output_file(tricky, suffixes=(".nc",))
    atomic_write(out, b"data")
    assert snapshot(tmp_path) - before == {"target.nc"}
    assert (tmp_path / "target.nc").read_bytes() == b"data"


def test_device_fifo_and_links_to_them_are_never_replaced(tmp_path):
    fifo = tmp_path / "pipe.nc"
    os.mkfifo(fifo)
    link = tmp_path / "null.nc"
    link.symlink_to("/dev/null")
    for dest in (fifo, link, Path("/dev/null")):
        with pytest.raises(UserError, match="not a regular file"):
            output_file(dest)
        with pytest.raises(UserError, match="not a regular file"):
            atomic_write(dest, b"x")
    assert Path("/dev/null").is_char_device() and fifo.is_fifo() and link.is_symlink()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_atomic_write_onto_a_folder_is_a_user_error_and_leaves_no_temp_file(tmp_path):
    (tmp_path / "out.nc").mkdir()
    with pytest.raises(UserError, match="is a folder"):
        atomic_write(tmp_path / "out.nc", b"x")
    assert snapshot(tmp_path) == {"out.nc"}


def test_a_link_to_a_regular_file_is_replaced_as_a_link(tmp_path):
    """The user named the link; the rename replaces the link, the file it pointed to is kept."""
    target = tmp_path / "elsewhere.nc"
    target.write_text("old")
    link = tmp_path / "fit.nc"
    link.symlink_to(target)
    atomic_write(output_file(link, suffixes=(".nc",)), b"new")
    assert target.read_text() == "old" and not link.is_symlink() and link.read_bytes() == b"new"


def test_output_dir_creates_the_folder_and_refuses_a_file(tmp_path):
    made = output_dir(tmp_path / "x" / "y")
    assert made.is_dir() and snapshot(tmp_path) == {"x", "x/y"}
    (tmp_path / "file").write_text("keep")
    with pytest.raises(UserError, match="not a folder"):
        output_dir(tmp_path / "file")
    with pytest.raises(UserError):
        output_dir("")
    assert (tmp_path / "file").read_text() == "keep"


@settings(max_examples=1000)
@given(st.one_of(st.text(), st.text(alphabet="./\\\x00~$ab", max_size=30),
                 st.sampled_from(["..", ".", "../../etc/passwd", "/etc/passwd", "~root/.ssh/x", "a/../../b",
                                  "\x00", "CON", "mmlu=0.70,gsm8k=50%", "model:gpt-3-175b"])))
def test_names_from_data_stay_inside_their_folder(tmp_path_factory, name):
    folder = tmp_path_factory.getbasetemp() / "children"
    folder.mkdir(exist_ok=True)
    child = output_child(folder, name)
    assert child.parent == folder and child.resolve().parent == folder.resolve()
    assert child.name == safe_filename(name) and not child.name.startswith(".")
    assert 0 < len(child.name) <= 120 and "/" not in child.name and "\x00" not in child.name


# ------------------------------------------------------------------ the CLI writes only --out


@pytest.mark.slow
def test_fit_out_writes_that_file_and_nothing_else(small_engine, tmp_path):
    """`forecast fit --out` (on the shared short fit, loaded from its cache) adds exactly one file,
    at the path the user gave; the cache, the working folder and everything else stay as they were."""
    from forecast.model.fit import Fit
    from forecast.core.paths import cache_dir

    work = tmp_path / "work" / "sub"
    work.mkdir(parents=True)
    (tmp_path / "outdir").mkdir()
    cache_before = snapshot(cache_dir())
    before = snapshot(tmp_path)
    cmd = [sys.executable, "-c", "from forecast.cli import main; main()", "fit", "--draws", "150",
           "--tune", "150", "--seed", "11", "--json", "--out", "../../outdir/../outdir/posterior.nc"]
    proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, FORECAST_CACHE_DIR=str(cache_dir())))
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout)
    assert out["from_cache"] is True
    assert snapshot(tmp_path) - before == {"outdir/posterior.nc"}
    assert snapshot(cache_dir()) == cache_before
    saved = Fit.load(tmp_path / "outdir" / "posterior.nc")
    assert saved.provenance["cache_key"] == out["provenance"]["cache_key"]
    assert saved.diagnostics.to_dict()["rhat_max"] == out["diagnostics"]["rhat_max"]


def test_atomic_path_keeps_the_old_file_when_the_writer_fails(tmp_path):
    dest = tmp_path / "report.pdf"
    dest.write_bytes(b"old complete file")
    with pytest.raises(RuntimeError):
        with atomic_path(dest) as tmp:
            tmp.write_bytes(b"half a new fi")
            raise RuntimeError("renderer crashed")
    assert dest.read_bytes() == b"old complete file"
    assert snapshot(tmp_path) == {"report.pdf"}


# ------------------------------------------------------------------ files are data, never code

CODE_PATHS = re.compile(r"pickle|marshal|shelve|(?<![.\w])(eval|exec|compile)\(|yaml\.|__import__|os\.system"
                        r"|subprocess|shell=True|runpy")


def test_the_package_has_no_way_to_run_what_it_reads():
    """User files are read with csv, tomllib, json and h5netcdf only: nothing in the package can
    unpickle, evaluate or execute their contents."""
    package = Path(__file__).resolve().parents[1] / "forecast"
    hits = [f"{path.relative_to(package)}:{n}: {line.strip()}"
            for path in sorted(package.rglob("*.py"))
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
            if CODE_PATHS.search(line.split("  # ")[0]) and not line.lstrip().startswith("#")]  # code, not comments
    assert hits == []
