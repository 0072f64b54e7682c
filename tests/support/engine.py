"""The Docker client: calling it, whether the engine works, and waiting for it to come back."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Callable

from tests.support.commands import first_line, run


def docker(*args: str, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess:
    return run(["docker", *args], timeout=timeout, check=check)


def inspect(obj: str, template: str = "{{json .}}") -> object:
    """`docker inspect --format TEMPLATE` of an image or container, parsed as JSON."""
    return json.loads(docker("inspect", "--format", template, obj).stdout)


def engine_problem() -> str | None:
    """None when a Docker engine answers and buildx and Compose v2 work, else why not."""
    if shutil.which("docker") is None:
        return "no docker client on PATH (run scripts/docker-engine.sh up)"
    checks = (
        (["info"], "the Docker engine does not answer (run scripts/docker-engine.sh up)"),
        (["buildx", "version"], "docker buildx does not work"),
        (["compose", "version"], "docker compose (v2) does not work"),
    )
    for args, reason in checks:
        try:
            result = docker(*args, timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"{reason}: {exc}"
        if result.returncode != 0:
            detail = first_line(result.stderr) or first_line(result.stdout)
            return f"{reason}: {detail}" if detail else reason
    return None


def engine_answers() -> bool:
    try:
        return docker("info", timeout=30, check=False).returncode == 0
    except subprocess.TimeoutExpired:
        return False


def wait_for_engine(timeout: float, log: Callable[[str], None] = print) -> bool:
    """Wait for a shared engine that another session restarts; True once it answers again."""
    log(f"the Docker engine does not answer; waiting up to {timeout:.0f} s for it")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(5)
        if engine_answers():
            time.sleep(5)  # let it settle
            return True
    return False
