"""Engine recovery: the engine is shared, and another session may restart it under a run.

A variant whose measuring fails while the engine is down is measured again from the start,
once, as soon as the engine answers again.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.measure import log
from tests.support.engine import engine_answers, wait_for_engine

ENGINE_WAIT_S = 300

#: measure(work directory, run id) -> the variant's results.
Measure = Callable[[Path, str], dict[str, Any]]


def measure_with_recovery(
    variant_id: str, measure: Measure, scratch: Path, run_id: str, failed: dict[str, str]
) -> dict[str, Any] | None:
    """The variant's results, or None with the reason in `failed[variant id]`."""
    for attempt in (1, 2):
        work = scratch / f"{variant_id}-{attempt}"
        try:
            results = measure(work, f"{run_id}.{attempt}")
            failed.pop(variant_id, None)
            return results
        except (RuntimeError, AssertionError, OSError, subprocess.TimeoutExpired) as exc:
            failed[variant_id] = str(exc).splitlines()[0] if str(exc) else repr(exc)
            log(f"{variant_id}: FAILED (attempt {attempt}): {exc}")
            if attempt == 2 or engine_answers() or not wait_for_engine(ENGINE_WAIT_S, log):
                return None
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return None
