"""Atomic file output and content hashing.

Every file the package writes (reports, caches, CSV, JSON) goes through `atomic_write` so an
interrupt or an error leaves either the old file or the complete new one, never a partial file:
the content is written to a temporary file in the destination folder and then renamed over the
destination with `os.replace`, which is atomic on POSIX file systems.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(dest: str | Path, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside `dest`; on success rename it to `dest`, else delete it.

    The temporary file keeps `dest`'s suffix (or `suffix`) so libraries that look at the
    extension (NetCDF, PDF writers) behave as they would on the real path.
    """
    dest = Path(dest)
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
