"""Engine recovery: the engine is shared, and another session may restart it under a run.

A variant whose measuring fails while the engine is down is measured again from the start,
once, as soon as the engine answers again.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from benchmarks.measure import log
from benchmarks.naive import Plan
from benchmarks.variant import bench_variant
from tests.support.engine import engine_answers, wait_for_engine

ENGINE_WAIT_S = 300


def measure_with_recovery(
    p: Plan, repeat: int, scratch: Path, run_id: str, failed: dict[str, str]
) -> dict[str, Any] | None:
    """The variant's results, or None with the reason in `failed[variant id]`."""
    for attempt in (1, 2):
        work = scratch / f"{p.variant.id}-{attempt}"
        try:
            results = bench_variant(p, repeat, work, f"{run_id}.{attempt}")
            failed.pop(p.variant.id, None)
            return results
        except (RuntimeError, AssertionError, OSError, subprocess.TimeoutExpired) as exc:
            failed[p.variant.id] = str(exc).splitlines()[0] if str(exc) else repr(exc)
            log(f"{p.variant.id}: FAILED (attempt {attempt}): {exc}")
            if attempt == 2 or engine_answers() or not wait_for_engine(ENGINE_WAIT_S, log):
                return None
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return None
