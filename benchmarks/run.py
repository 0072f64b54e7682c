"""What each variant's image costs, side by side with a naive single-stage build.

Run from the repository root (see benchmarks/README.md):

    uv run python -m benchmarks.run [--variants id,id] [--repeat N] [--out DIR]

Per variant of tests/support/variants.py that this machine can build, and for the naive reference
Dockerfile (benchmarks/naive.Dockerfile) built in the same run on the same local base
images and the same rendered project, it measures render time (with and without the
copier tasks), cold build, warm rebuild after a one-line source edit, rebuild after a
dependency change, the bytes of image layers a source edit changes, image size and size
over the base image, `docker run` to first healthy answer (web) or to exit (cli), and
`docker stop`. Every timing is repeated (min and median reported); every figure also comes
as a ratio variant / naive. It writes results.md and results.json into --out, prints the
tables and pass / fall-short lines, and never fails on a fall-short.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# `uv run benchmarks/run.py` as well as `-m benchmarks.run`: the repository root is importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.measure import log
from benchmarks.naive import plan
from benchmarks.recovery import Measure, measure_with_recovery
from benchmarks.report import checks, machine, markdown
from benchmarks.variant import IMAGE_PREFIX, bench_variant
from tests.support import environment
from tests.support.image_refs import Unbuildable
from tests.support.variants import VARIANTS, VARIANTS_BY_ID

DEFAULT_OUT = Path(__file__).resolve().parent / "results"
MIN_REPEAT = 3


def variant_arguments(
    argv: list[str] | None, *, prog: str, description: str | None,
    variants: str, variants_help: str, repeat: int, min_repeat: int, repeat_help: str,
) -> argparse.Namespace:  # fmt: skip
    """--variants, --repeat and --out as every benchmark takes them. `args.selected` is the
    named variants; an empty --variants selects every variant, or is refused when the
    benchmark has no default (`variants` not empty)."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--variants", default=variants, help=variants_help)
    parser.add_argument("--repeat", type=int, default=repeat, help=repeat_help)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    args = parser.parse_args(argv)
    if args.repeat < min_repeat:
        parser.error(f"--repeat must be at least {min_repeat}")
    wanted = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = [v for v in wanted if v not in VARIANTS_BY_ID]
    if unknown or (variants and not wanted):
        parser.error(f"unknown variant(s) {', '.join(unknown)}; known: {', '.join(VARIANTS_BY_ID)}")
    args.selected = [VARIANTS_BY_ID[v] for v in wanted] if wanted else list(VARIANTS)
    return args


def write_report(out: Path, stem: str, report: dict[str, Any], text: str) -> None:
    """`stem`.md (`text`) and `stem`.json (`report`) into `out`, and the text printed."""
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{stem}.md").write_text(text)
    (out / f"{stem}.json").write_text(json.dumps(report, indent=2) + "\n")
    print(text)
    print(f"written: {out / f'{stem}.md'}, {out / f'{stem}.json'}")


@dataclass
class Outcomes:
    """One run of a benchmark: what it measured, what it skipped and what failed, with why."""

    repeat: int
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    started: float = field(default_factory=time.perf_counter)
    results: dict[str, Any] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)

    def skip(self, variant_id: str, reason: object) -> None:
        self.skipped[variant_id] = str(reason)
        log(f"{variant_id}: skipped: {reason}")

    def measure(self, variant_id: str, measure: Measure, scratch: Path) -> None:
        """`measure` the variant, again once if the engine went away meanwhile (recovery.py)."""
        measured = measure_with_recovery(variant_id, measure, scratch, self.run_id, self.failed)
        if measured is not None:
            self.results[variant_id] = measured

    def report(self, **head: Any) -> dict[str, Any]:
        """The report's JSON: `head` (the machine, ...), then what this run found."""
        return head | {
            "repeat": self.repeat,
            "run_id": self.run_id,
            "runtime_s": time.perf_counter() - self.started,
            "results": self.results,
            "skipped": self.skipped,
            "failed": self.failed,
        }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    return variant_arguments(
        argv, prog="python -m benchmarks.run", description=__doc__,
        variants="",
        variants_help=(
            "comma-separated ids from tests/support/variants.py (default: every buildable one)"
        ),
        repeat=MIN_REPEAT, min_repeat=MIN_REPEAT,
        repeat_help=f"repetitions of each timing (default and minimum {MIN_REPEAT})",
    )  # fmt: skip


@contextlib.contextmanager
def scratch_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix=f"{IMAGE_PREFIX}-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def on_sigterm(_signum: int, _frame: object) -> None:
    raise SystemExit(143)  # so the finally blocks remove containers, images and temp files


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, on_sigterm)
    environment.setup()  # the tests' isolation: no user copier/git settings, local Pythons
    outcomes = Outcomes(args.repeat)
    with scratch_dir() as scratch:
        plans = []
        for variant in args.selected:
            try:
                plans.append(plan(variant, scratch))
            except Unbuildable as exc:
                outcomes.skip(variant.id, exc)
        log(f"measuring {', '.join(p.variant.id for p in plans)} ({args.repeat} repetitions)")
        for p in plans:
            outcomes.measure(
                p.variant.id,
                lambda work, rid, p=p: bench_variant(p, args.repeat, work, rid),
                scratch,
            )
    report = outcomes.report(machine=machine())
    report["checks"] = checks(outcomes.results)
    write_report(args.out, "results", report, markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
