"""Rendering a variant for the benchmark: the tests' one Copier render, its output off stdout."""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

from tests.support.rendering import copy_project
from tests.support.variants import TEMPLATE_ROOT, Variant


@contextlib.contextmanager
def stdout_to_stderr() -> Iterator[None]:
    """Keep what the copier tasks print (they write to file descriptor 1) off stdout."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def render(variant: Variant, dst: Path, *, tasks: bool) -> None:
    with warnings.catch_warnings(), stdout_to_stderr():
        warnings.simplefilter("ignore")
        copy_project(TEMPLATE_ROOT, dst, data=variant.answers, tasks=tasks)
