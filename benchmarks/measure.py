"""Measuring images: builds (timed under the build lock), runs, sizes and layers over the base."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.build_lock import build_lock
from tests.support.builds import docker_build
from tests.support.engine import docker
from tests.support.ports import free_port

POLL_INTERVAL_S = 0.02
RUN_TIMEOUT_S = 60
STOP_TIMEOUT_S = 30


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def timed(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def image_size(image: str) -> int:
    return int(docker("image", "inspect", "--format", "{{.Size}}", image).stdout)


@dataclass
class Image:
    """One of the two images of a comparison: the variant's or the naive one."""

    label: str  # "variant" | "naive"
    tag: str
    dockerfile: Path
    contexts: dict[str, str]  # public ref -> docker-image://local
    build_args: dict[str, str]
    base_image: str  # the local stand-in the final stage starts from
    command: list[str]  # appended to `docker run IMAGE`
    options: list[str] = field(default_factory=list)  # more `docker build` options
    built_ids: set[str] = field(default_factory=set)

    def build(self, context: Path, *, no_cache: bool, log_dir: Path, name: str) -> float:
        """Seconds `docker build` took; the build lock is taken before the clock starts."""
        iidfile = log_dir / f"{name}.iid"
        options = ["--iidfile", str(iidfile), "-f", str(self.dockerfile)]
        options += ["--no-cache"] if no_cache else []
        for key, value in self.build_args.items():
            options += ["--build-arg", f"{key}={value}"]
        options += self.options
        with build_lock():
            start = time.perf_counter()
            result = docker_build(
                context, contexts=self.contexts, tag=self.tag, options=options, check=False
            )
            elapsed = time.perf_counter() - start
        (log_dir / f"{name}.log").write_text(result.stdout + result.stderr)
        if result.returncode != 0:
            tail = "\n".join(result.stderr.splitlines()[-30:])
            raise RuntimeError(f"building {self.tag} ({name}) failed:\n{tail}")
        with contextlib.suppress(OSError):
            self.built_ids.add(iidfile.read_text().strip())
        return elapsed


NO_PROXY_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def healthy(url: str) -> bool:
    try:
        with NO_PROXY_OPENER.open(url, timeout=0.5) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, OSError, ValueError):
        return False


def remove_container(name: str) -> None:
    docker("rm", "-f", name, timeout=STOP_TIMEOUT_S + 10, check=False)


def run_web(image: Image, container_port: int, name: str) -> tuple[float, float]:
    """(docker run -> first 200 from GET /health, docker stop) in seconds."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/health"
    args = ["docker", "run", "-d", "--name", name, "-p", f"127.0.0.1:{port}:{container_port}"]
    try:
        start = time.perf_counter()
        launcher = subprocess.Popen(
            [*args, image.tag, *image.command],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = start + RUN_TIMEOUT_S
        answered = None
        while time.perf_counter() < deadline:
            if healthy(url):
                answered = time.perf_counter() - start
                break
            if launcher.poll() not in (None, 0):
                break
            time.sleep(POLL_INTERVAL_S)
        _out, err = launcher.communicate(timeout=RUN_TIMEOUT_S)
        if launcher.returncode != 0:
            raise RuntimeError(f"docker run {image.tag} failed: {err.strip()}")
        if answered is None:
            logs = docker("logs", "--tail", "20", name, check=False)
            raise RuntimeError(
                f"{image.tag}: no healthy answer on {url} within {RUN_TIMEOUT_S} s\n"
                f"{logs.stdout}{logs.stderr}"
            )
        stop = timed(lambda: docker("stop", "-t", "10", name, timeout=STOP_TIMEOUT_S))
        return answered, stop
    finally:
        remove_container(name)


def run_cli(image: Image, name: str) -> float:
    """docker run -> exit, in seconds."""
    try:
        start = time.perf_counter()
        result = docker(
            "run", "--name", name, image.tag, *image.command, timeout=RUN_TIMEOUT_S, check=False
        )
        elapsed = time.perf_counter() - start
        if result.returncode != 0:
            raise RuntimeError(f"{image.tag} exited {result.returncode}: {result.stderr.strip()}")
        return elapsed
    finally:
        remove_container(name)


def layers_over_base(image: Image) -> list[dict[str, Any]]:
    """The non-empty history steps the image adds over its base: size and instruction."""

    def history(name: str) -> list[tuple[int, str]]:
        out = docker(
            "history", "-H=false", "--no-trunc", "--format", "{{.Size}}\t{{.CreatedBy}}", name
        ).stdout
        return [
            (int(size), step)
            for size, _, step in (line.partition("\t") for line in out.splitlines())
        ]

    added = history(image.tag)
    added = added[: len(added) - len(history(image.base_image))]
    return [{"bytes": size, "step": step} for size, step in reversed(added) if size]


def venv_bytes(image: Image) -> int:
    result = docker(
        "run", "--rm", "--entrypoint", "du", image.tag, "-sb", "/app/.venv", timeout=RUN_TIMEOUT_S
    )
    return int(result.stdout.split()[0])


def remove_images(image: Image) -> None:
    """Remove this benchmark's tag and the image ids its builds produced, and nothing else."""
    docker("image", "rm", image.tag, check=False)
    for image_id in image.built_ids:
        docker("image", "rm", image_id, check=False)
