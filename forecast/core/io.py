"""Atomic file output, checks of output paths given by the user, and content hashing.

Every file the package writes (reports, caches, CSV, JSON) goes through `atomic_write` so an
interrupt or an error leaves either the old file or the complete new one, never a partial file:
the content is written to a temporary file in the destination folder and then renamed over the
destination with `os.replace`, which is atomic on POSIX file systems. Two processes writing the
same destination at once each write their own temporary file; the last rename wins and the
destination always holds one of the two complete files.

Output paths from the command line are checked with `output_file` / `output_dir` before any work
starts, and files named after data (targets, model ids) go through `output_child`, so nothing is
written anywhere but where the user pointed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import re
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

from forecast.core.errors import UserError


@contextlib.contextmanager
def atomic_path(dest: str | Path, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside `dest`; on success rename it to `dest`, else delete it.

    The temporary file keeps `dest`'s suffix (or `suffix`) so libraries that look at the
    extension (NetCDF, PDF writers) behave as they would on the real path.
    """
    dest = Path(dest)
    _refuse_special(dest, key=None)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{dest.name}.", suffix=(suffix if suffix is not None else dest.suffix) + ".tmp",
        dir=dest.parent,
    )
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def atomic_write(dest: str | Path, data: bytes | str, encoding: str = "utf-8") -> Path:
    """Write `data` to `dest` atomically and return `dest`."""
    payload = data.encode(encoding) if isinstance(data, str) else data
    with atomic_path(dest) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
    return Path(dest)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_files(paths: list[Path], root: Path | None = None) -> str:
    """Hash of several files' names (relative to `root`) and contents, order-independent."""
    h = hashlib.sha256()
    for p in sorted(Path(x) for x in paths):
        name = str(p.relative_to(root)) if root is not None else p.name
        h.update(name.encode())
        h.update(b"\0")
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def _refuse_special(path: Path, key: str | None) -> None:
    """Refuse to replace anything but a regular file (or a link to one): renaming over a device
    node, FIFO or socket would destroy it, and a folder cannot be replaced by a file."""
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return
    if stat.S_ISDIR(mode):
        raise UserError("is a folder; give a file name", file=str(path), key=key)
    if not stat.S_ISREG(mode):
        raise UserError("exists and is not a regular file; refusing to replace it",
                        file=str(path), key=key)


def output_file(path: str | Path, *, suffixes: Sequence[str] = (), key: str = "--out") -> Path:
    """Check an output file named by the user before any work starts; return it as a `Path`.

    Refused with a `UserError` naming `key`: an empty name; a name ending in a path separator or
    naming an existing folder; an existing device, FIFO or socket; a folder part that does not
    exist, is not a folder or is not writable; a suffix outside `suffixes` (case-insensitive,
    when given), so an output is never written over a file of another kind. Nothing is created:
    the file itself is written later, through `atomic_path`, and nothing else is touched.
    """
    text = os.fspath(path)
    if not text.strip():
        raise UserError("empty output path", key=key)
    if "\0" in text:
        raise UserError("output path contains a NUL character", key=key)
    if text.endswith((os.sep, "/")) or (os.altsep and text.endswith(os.altsep)):
        raise UserError("names a folder; give a file name", file=text, key=key)
    out = Path(text)
    _refuse_special(out, key)
    parent = out.parent
    if not parent.is_dir():
        raise UserError("the folder to write into does not exist", file=str(parent), key=key)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UserError("the folder to write into is not writable", file=str(parent), key=key)
    if suffixes and out.suffix.lower() not in {s.lower() for s in suffixes}:
        raise UserError(f"the file name must end in {' or '.join(suffixes)}", file=text, key=key)
    return out


def output_dir(path: str | Path, *, key: str = "--out") -> Path:
    """Check (and create, with missing parents) an output folder named by the user.

    Refused with a `UserError` naming `key`: an empty name, an existing path that is not a
    folder, a folder that cannot be created or is not writable.
    """
    text = os.fspath(path)
    if not text.strip():
        raise UserError("empty output path", key=key)
    if "\0" in text:
        raise UserError("output path contains a NUL character", key=key)
    out = Path(text)
    if out.exists() and not out.is_dir():
        raise UserError("exists and is not a folder", file=text, key=key)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create the folder ({exc.strerror or exc})", file=text,
                        key=key) from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise UserError("the folder is not writable", file=text, key=key)
    return out


_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._+=-]+")


def safe_filename(name: str, max_length: int = 120) -> str:
    """A file name made from data (a target, a model id): characters outside
    ``[A-Za-z0-9._+=-]`` become ``_``, leading dots are dropped (no hidden files, no ``..``),
    and the result is cut to `max_length` characters; never empty."""
    cleaned = _UNSAFE_NAME.sub("_", str(name)).lstrip(".")[:max_length]
    return cleaned if cleaned.strip("_") else "unnamed"


def output_child(folder: str | Path, name: str) -> Path:
    """`folder / safe_filename(name)`, checked to lie directly inside `folder`."""
    folder = Path(folder)
    child = folder / safe_filename(name)
    if child.resolve().parent != folder.resolve():
        raise UserError("file name would leave the output folder", file=str(child))
    return child
