"""The one-build-at-a-time lock: every build on the shared engine holds it.

BuildKit 0.13 (Engine 26.1) panics in Job.walkProvenance, taking dockerd down, when concurrent
builds share vertices (seen three times here with two pytest-xdist workers; never with builds
in series). So every build, from a test, the benchmark or by hand, runs under this lock, held
around the build only. It is an fcntl lock on a file in /tmp, shared by every process of the
machine, and re-entrant within one process (a build of a base image inside a held lock).
"""

from __future__ import annotations

import contextlib
import fcntl
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

LOCK_DIR = Path(tempfile.gettempdir()) / "copier-uv-docker-test-locks"
BUILD_LOCK = "rendered-builds"
_held: dict[str, int] = {}


@contextlib.contextmanager
def file_lock(name: str) -> Iterator[None]:
    """An exclusive lock shared by every process of this machine; re-entrant in one process."""
    if _held.get(name):
        _held[name] += 1
        try:
            yield
        finally:
            _held[name] -= 1
        return
    LOCK_DIR.mkdir(parents=True, exist_ok=True)
    path = LOCK_DIR / (re.sub(r"[^A-Za-z0-9._-]", "_", name) + ".lock")
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        _held[name] = 1
        try:
            yield
        finally:
            _held[name] = 0
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_lock() -> contextlib.AbstractContextManager[None]:
    """Hold while building (see the module docstring)."""
    return file_lock(BUILD_LOCK)
