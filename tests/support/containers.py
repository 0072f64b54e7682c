"""Running images and containers, reading what they hold, and waiting for them."""

from __future__ import annotations

import json
import re
import subprocess
import tarfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from typing import TypeVar

from tests.support.engine import docker, inspect

T = TypeVar("T")


def poll(probe: Callable[[], T], *, timeout: float, interval: float = 0.5, what: str) -> T:
    """Call `probe()` until it returns a truthy value; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last: object = None
    while True:
        try:
            result = probe()
        except (OSError, urllib.error.URLError, AssertionError, ValueError) as exc:
            result, last = None, exc  # type: ignore[assignment]
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(
                f"gave up waiting for {what} after {timeout:.0f} s (last: {last!r})"
            )
        time.sleep(interval)


def http_get_json(url: str, timeout: float = 3) -> object:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        assert response.status == 200, (url, response.status)
        return json.loads(response.read())


def wait_healthy(container: str, timeout: float = 90) -> None:
    """Poll Docker's health status until `healthy`; fail at once on `unhealthy` or an exit."""

    def probe() -> bool:
        state = inspect(container, "{{json .State}}")
        assert isinstance(state, dict)
        if not state.get("Running"):
            logs = docker("logs", container, check=False)
            raise RuntimeError(
                f"{container} stopped (exit {state.get('ExitCode')}):\n{logs.stdout}{logs.stderr}"
            )
        status = (state.get("Health") or {}).get("Status")
        if status == "unhealthy":
            raise RuntimeError(f"{container} is unhealthy: {state['Health']}")
        return status == "healthy"

    poll(probe, timeout=timeout, what=f"{container} to become healthy")


def run_in_image(
    image: str, *command: str, entrypoint: str | None = None, options: Sequence[str] = ()
) -> subprocess.CompletedProcess:
    args = ["run", "--rm", *options]
    if entrypoint is not None:
        args += ["--entrypoint", entrypoint]
    return docker(*args, image, *command, timeout=180, check=False)


def image_paths(image: str) -> set[str]:
    """Every path in the image's filesystem (no leading slash), read from `docker export`."""
    container = docker("create", image).stdout.strip()
    try:
        with subprocess.Popen(["docker", "export", container], stdout=subprocess.PIPE) as proc:
            assert proc.stdout is not None
            with tarfile.open(fileobj=proc.stdout, mode="r|") as archive:
                names = {member.name.removeprefix("./").rstrip("/") for member in archive}
        assert proc.returncode == 0, f"docker export {image} exited {proc.returncode}"
    finally:
        docker("rm", "-f", container, check=False)
    return names


#: A C compiler's driver or its back end, as a path in an image.
COMPILER = re.compile(r"usr/bin/(\S+-)?(gcc|cc|c\+\+|g\+\+)(-\d+)?|\S+/cc1(plus)?")


def compilers(paths: set[str]) -> set[str]:
    """The compilers among an image's `paths` (image_paths)."""
    return {path for path in paths if COMPILER.fullmatch(path)}


def headers_beyond(paths: set[str], base: set[str]) -> set[str]:
    """The C headers among `paths` that the base image's `base` paths do not hold."""
    return {
        path for path in paths - base if path.startswith(("usr/include/", "usr/local/include/"))
    }
