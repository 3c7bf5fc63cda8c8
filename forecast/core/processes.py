"""Processes whose string hashes are unsalted, so that a fit samples reproducibly.

PyTensor's graph rewrites visit some sets of variables in the order of their string hashes,
which Python salts per process unless PYTHONHASHSEED is set; `forecast.model.fit` samples only
in an interpreter started with PYTHONHASHSEED=0.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator


def hashing_is_fixed() -> bool:
    """True when this interpreter started with PYTHONHASHSEED=0 (str and bytes hashes unsalted)."""
    return sys.flags.hash_randomization == 0


@contextlib.contextmanager
def hash_seed_restored() -> Iterator[None]:
    """This process's PYTHONHASHSEED as it was on entry, restored on exit (set or unset)."""
    old = os.environ.get("PYTHONHASHSEED")
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("PYTHONHASHSEED", None)
        else:
            os.environ["PYTHONHASHSEED"] = old


@contextlib.contextmanager
def children_with_fixed_hashing() -> Iterator[None]:
    """Processes started inside this block (spawn) get PYTHONHASHSEED=0, so they sample in-process
    reproducibly (see `sample_reproducibly`); the caller's environment is restored afterwards."""
    with hash_seed_restored():
        os.environ["PYTHONHASHSEED"] = "0"
        yield
