"""arm64 build time over amd64, for the production image of a multistage variant.

Run from the repository root (see benchmarks/README.md), with the engine and arm64 emulation
up (`bash scripts/docker-engine.sh up`):

    uv run python -m benchmarks.arm64 [--variants id,id] [--repeat N] [--out DIR]

Per variant it renders the project (the copier tasks lock it), makes the base images for both
platforms (the Docker tier's arm64 stand-ins, in its loopback platform registry; untimed) and
builds the same Dockerfile two ways (benchmarks/arm64_report.py: amd64; linux/arm64 under QEMU),
each once untimed, then `--repeat` times cold (`--no-cache`) and after a one-line source edit,
alternating the two. Every
image is checked (architecture, `uname -m`, the venv importing the edited package) before its
time counts. It writes arm64.md and arm64.json into --out and prints the tables.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
from pathlib import Path
from typing import Any

# `uv run benchmarks/arm64.py` as well as `-m benchmarks.arm64`: the repository root is importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.arm64_report import BUILDS, PHASES, Build, markdown
from benchmarks.figures import Figure
from benchmarks.measure import Image, log, remove_images
from benchmarks.naive import base_images
from benchmarks.rendering import render
from benchmarks.report import machine
from benchmarks.run import Outcomes, on_sigterm, scratch_dir, variant_arguments, write_report
from benchmarks.variant import IMAGE_PREFIX, edit_target, set_marker
from tests.support import environment
from tests.support.commands import run
from tests.support.engine import docker, engine_problem, inspect
from tests.support.image_refs import Unbuildable
from tests.support.standins import (
    ARM64,
    PLATFORM_REGISTRY_STORAGE,
    LocalRegistry,
    RegistryUnavailable,
    build_contexts,
    emulation_problem,
)
from tests.support.variants import Variant

DEFAULT_VARIANTS = "defaults,cli"
DEFAULT_REPEAT = 3
#: Runs in each built image: imports the modules named on its command line and says whether
#: the first one's source holds the latest edit's marker (the last argument).
PROBE = """
import importlib, pathlib, sys
*modules, marker = sys.argv[1:]
loaded = [importlib.import_module(name) for name in modules]
print(marker in pathlib.Path(loaded[0].__file__).read_text())
"""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    return variant_arguments(
        argv, prog="python -m benchmarks.arm64", description=__doc__,
        variants=DEFAULT_VARIANTS,
        variants_help=f"comma-separated multistage variant ids (default: {DEFAULT_VARIANTS})",
        repeat=DEFAULT_REPEAT, min_repeat=1,
        repeat_help=f"repetitions of each timing, median reported (default {DEFAULT_REPEAT})",
    )  # fmt: skip


def toolchain() -> dict[str, str]:
    """BuildKit's and QEMU's versions, beside the machine facts of benchmarks/report.py."""
    inspected = docker("buildx", "inspect", check=False).stdout
    buildkit = re.search(r"BuildKit version:\s*(\S+)", inspected)
    qemu = run(["dpkg-query", "-W", "-f", "${Version}", "qemu-user-static"], check=False)
    return {
        # Debian's dockerd reports its built-in BuildKit as v0.0.0+unknown: say so, not "0.0.0".
        "buildkit": f"BuildKit {buildkit[1]}"
        if buildkit and not buildkit[1].startswith("v0.0.0")
        else "its built-in BuildKit, whose version it does not report",
        "qemu": qemu.stdout.strip() or "(version unknown)",
    }


def load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def append_edit(target: Path, marker: str) -> str:
    """The one-line source edit: a comment carrying `marker`, which the built image must hold."""
    with target.open("a") as handle:
        handle.write(f"# benchmark edit {marker}\n")
    return marker


def verify(image: Image, build: Build, modules: list[str], marker: str) -> None:
    """Raise unless the image is a working `build.platform` image built from the latest edit."""
    arch = inspect(image.tag, "{{json .Architecture}}")
    if arch != build.platform.split("/")[1]:
        raise RuntimeError(f"{image.tag}: architecture {arch}, not {build.platform}")
    result = docker(
        "run", "--rm", "--platform", build.platform, "--entrypoint", "sh", image.tag,
        "-c", 'uname -m && exec python -c "$@"', "sh", PROBE, *modules, marker,
        timeout=300, check=False,
    )  # fmt: skip
    if result.stdout.split() != [build.machine, "True"]:
        raise RuntimeError(
            f"{image.tag}: expected `uname -m` {build.machine} and the edit {marker!r} in "
            f"{modules[0]}, got {result.stdout!r} (exit {result.returncode}): "
            f"{result.stderr.strip()[-2000:]}"
        )


def bench_arm64(
    variant: Variant, contexts: dict[str, str], repeat: int, work: Path, run_id: str
) -> dict[str, Any]:
    logs = work / "logs"
    logs.mkdir(parents=True)
    project = work / "project"
    render(variant, project, tasks=True)
    if not (project / "uv.lock").is_file():
        raise RuntimeError(f"{variant.id}: the lock task wrote no uv.lock (no network?)")
    set_marker(project / "pyproject.toml", f"{run_id} {variant.id} arm64")
    target = edit_target(project)
    package = target.parent.name
    # A web service's app module loads its compiled dependencies (pydantic-core).
    modules = [package] + ([f"{package}.app"] if variant.answer("service_kind") == "web" else [])
    images = {
        b.key: Image(
            label=b.key,
            tag=f"{IMAGE_PREFIX}/{variant.id}:arm64-{b.key}",
            dockerfile=project / "Dockerfile",
            contexts=contexts,
            build_args=b.build_args,
            base_image="",  # no size over base is measured here
            command=[],
            options=["--platform", b.platform],
        )
        for b in BUILDS
    }
    figures = {b.key: {phase: Figure() for phase, _t in PHASES} for b in BUILDS}
    first: dict[str, float] = {}

    def build(b: Build, *, no_cache: bool, name: str) -> float:
        seconds = images[b.key].build(project, no_cache=no_cache, log_dir=logs, name=name)
        verify(images[b.key], b, modules, marker)
        log(f"{variant.id}: {name} {seconds:.2f} s")
        return seconds

    marker = append_edit(target, f"{run_id} first")
    try:
        # Untimed: pulls the bases from the platform registry, fills the cache mounts.
        for b in BUILDS:
            first[b.key] = build(b, no_cache=True, name=f"first-{b.key}")
        for i in range(repeat):
            for b in BUILDS:
                figures[b.key]["cold"].samples.append(
                    build(b, no_cache=True, name=f"cold-{b.key}-{i}")
                )
            marker = append_edit(target, f"{run_id} {i}")
            for b in BUILDS:
                figures[b.key]["edit"].samples.append(
                    build(b, no_cache=False, name=f"edit-{b.key}-{i}")
                )
    finally:
        for image in images.values():
            remove_images(image)
    return {
        "answers": variant.answers,
        "contexts": contexts,
        "checked": {b.key: {"platform": b.platform, "uname -m": b.machine} for b in BUILDS},
        "builds": {
            b.key: {"first": first[b.key]}
            | {phase: figures[b.key][phase].as_json() for phase, _t in PHASES}
            for b in BUILDS
        },
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, on_sigterm)
    environment.setup()  # the tests' isolation: no user copier/git settings, local Pythons
    problem = engine_problem() or emulation_problem()
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    outcomes = Outcomes(args.repeat)
    load_start = load_average()
    facts = machine() | toolchain()  # now: a shared engine may be down at the end
    try:
        registry = LocalRegistry.start(storage=PLATFORM_REGISTRY_STORAGE)
    except RegistryUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    with registry, scratch_dir() as scratch:
        for variant in args.selected:
            if variant.answer("image_layout") != "multistage":
                outcomes.skip(
                    variant.id,
                    f"layout {variant.answer('image_layout')}: only multistage has "
                    "build-platform stages",
                )
                continue
            try:
                refs, _base_arg = base_images(variant, scratch)
                log(f"{variant.id}: making the two-platform base images (untimed)")
                contexts = build_contexts(list(refs.values()), platform=ARM64, registry=registry)
            except Unbuildable as exc:
                outcomes.skip(variant.id, exc)
                continue
            outcomes.measure(
                variant.id,
                lambda work, rid, v=variant, c=contexts: bench_arm64(v, c, args.repeat, work, rid),
                scratch,
            )
    command = "uv run python -m benchmarks.arm64"
    report = outcomes.report(
        command=" ".join([command, *(sys.argv[1:] if argv is None else argv)]),
        machine=facts,
        load={"start": load_start, "end": load_average()},
    )
    write_report(args.out, "arm64", report, markdown(report))
    return 0 if outcomes.results else 1


if __name__ == "__main__":
    sys.exit(main())
