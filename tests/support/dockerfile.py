"""A rendered Dockerfile read as instructions (the build itself is the Docker tier's)."""

from __future__ import annotations

import re

#: A RUN instruction that runs uv, so reaches the package index: the steps that get the CA
#: certificate and the index credentials.
UV_STEP = re.compile(r"RUN .*\buv (sync|python|lock|build|pip)\b")


def instructions(dockerfile: str) -> list[str]:
    """One line per instruction (continuation lines joined); comments kept as lines."""
    return re.sub(r"\\\n\s*", " ", dockerfile).splitlines()


def uv_steps(dockerfile: str) -> list[str]:
    return [line for line in instructions(dockerfile) if UV_STEP.match(line)]
