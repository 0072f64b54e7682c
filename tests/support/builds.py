"""The one `docker build`: local stand-ins substituted with `--build-context`, under the lock.

The rendered Dockerfile is built exactly as a user gets it: its public base image references
(the `ARG *_IMAGE=` defaults) are swapped for the local stand-ins of base_images.py with
`--build-context REF=docker-image://LOCAL` (Compose: `build.additional_contexts`), never by
editing the file.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from tests.support.build_lock import build_lock
from tests.support.commands import run

BUILD_TIMEOUT = 900


def context_flags(contexts: Mapping[str, str]) -> list[str]:
    """`--build-context REF=CONTEXT` flags for {public ref: "docker-image://local"}."""
    return [flag for ref, ctx in contexts.items() for flag in ("--build-context", f"{ref}={ctx}")]


def docker_build(
    context: Path,
    *,
    contexts: Mapping[str, str] | None = None,
    tag: str | None = None,
    target: str | None = None,
    options: Sequence[str] = (),
    check: bool = True,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`docker build` of `context` with the stand-ins `contexts`, one build at a time (see
    build_lock.py), with `env` added to the environment (secrets a `--secret env=` reads);
    check=False: the build may fail, and the result says how."""
    args = ["docker", "build", "--progress=plain", *context_flags(contexts or {})]
    args += ["--tag", tag] if tag else []
    args += ["--target", target] if target else []
    with build_lock():
        return run(
            [*args, *options, str(context)], cwd=context, timeout=BUILD_TIMEOUT, check=check,
            env={**os.environ, **env} if env else None,
        )  # fmt: skip


def without_uv_cache(project: Path) -> None:
    """Make the project's uv steps skip uv's cache (`[tool.uv] no-cache`). uv keeps the wheels it
    compiles in the builder's shared cache mount, so a build meant to compile a source-only
    dependency would otherwise reuse one an earlier build or run on this engine made."""
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.uv]\nno-cache = true\n")


def failing_step_lines(output: str, stage: str) -> list[str]:
    """The lines the failing RUN step of `stage` printed, in a --progress=plain log (the stage
    may have other RUN steps: the failing one is the step BuildKit reports an ERROR for)."""
    steps = re.findall(rf"^#(\d+) \[(?:\S+/\S+ )?{stage} \d+/\d+\] RUN", output, re.MULTILINE)
    failed = [step for step in steps if re.search(rf"^#{step} ERROR", output, re.MULTILINE)]
    assert failed, output[-3000:]
    return re.findall(rf"^#{failed[0]} \d+\.\d+ (.*)$", output, re.MULTILINE)


def failure_summary(output: str, stage: str) -> str:
    """The summary Docker prints last for a failed step of `stage`: what a user reads."""
    starts = list(re.finditer(rf"^------\n > \[(?:\S+/\S+ )?{stage} ", output, re.MULTILINE))
    assert starts, output[-3000:]
    return output[starts[-1].start() :]
