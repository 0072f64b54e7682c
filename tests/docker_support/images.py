"""Build, run and inspect the rendered projects' images for the Docker tier.

The rendered ``Dockerfile`` and ``compose.yaml`` are built exactly as a user gets them:
the public base image references (the ``ARG *_IMAGE=`` defaults) are swapped for the local
stand-ins of :mod:`tests.docker_support.bases` with ``--build-context`` (or Compose
``build.additional_contexts`` in a test-only override file), never by editing the files.

Everything a session creates (image tags, containers) carries a per-session token and is
removed at the end of the session; nothing else on the engine is touched.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import tarfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.docker_support import bases
from tests.rendering import RenderedProject, run
from tests.variants import Variant, default_of

UV_VERSION: str = default_of("uv_version")
TAG_PREFIX = "copier-uv-docker-test-run"
IMAGE_ARG = re.compile(r"^ARG\s+(\w+_IMAGE)=(\S+)\s*$", re.MULTILINE)
BUILD_TIMEOUT = 900
#: Dockerfile instructions that only change the image config: no layer in RootFS.Layers.
METADATA_INSTRUCTIONS = (
    "ARG", "CMD", "ENTRYPOINT", "ENV", "EXPOSE", "HEALTHCHECK", "LABEL", "MAINTAINER",
    "ONBUILD", "SHELL", "STOPSIGNAL", "USER", "VOLUME",
)  # fmt: skip
#: Every build of this tier (docker build, compose up/watch, run.sh) holds it, so the xdist
#: workers never build at the same time. BuildKit 0.13 (Engine 26.1) panics in
#: Job.walkProvenance, taking dockerd down, when concurrent builds share vertices (seen three
#: times here with two workers; never with builds in series).
BUILD_LOCK = "rendered-builds"
#: What a copy of a rendered project leaves behind: tool caches from other tiers.
COPY_IGNORE = shutil.ignore_patterns(".venv", "__pycache__", ".pytest_cache", ".ruff_cache")


# --------------------------------------------------------------------------- buildability


def image_refs(dockerfile: str) -> dict[str, str]:
    """{ARG name: public image reference} from the rendered Dockerfile's `ARG *_IMAGE=` lines."""
    return dict(IMAGE_ARG.findall(dockerfile))


def unbuildable_reason(variant: Variant, dockerfile: str) -> str | None:
    """Why this machine cannot build `variant`'s images (one line), or None when it can.

    The one place that decides, shared by the Docker tier and the benchmark: first what the
    answers make the build download, then whether every base image has a local stand-in.
    """
    reason = unbuildable_by_answers(variant)
    if reason:
        return reason
    refs = image_refs(dockerfile)
    if not refs:
        return "the rendered Dockerfile names no ARG *_IMAGE base image to substitute"
    for ref in refs.values():
        try:
            bases.local_image_name(ref, uv_version=UV_VERSION)
        except bases.Unbuildable as exc:
            return str(exc)
    return None


def unbuildable_by_answers(variant: Variant) -> str | None:
    """The same decision from the answers alone, before anything is rendered (collection)."""
    layout = variant.answer("image_layout")
    base_os = variant.answer("base_os")
    python = variant.answer("python_version")
    if layout != "uv-image" and variant.answer("uv_install") == "installer":
        return (
            f"uv installer: the build downloads https://astral.sh/uv/{UV_VERSION}/install.sh, "
            "and astral.sh is unreachable here"
        )
    if base_os == "alpine":
        return "alpine: no Alpine root filesystem can be made without a registry"
    if layout == "standalone":  # the Python comes from the test mirror, not from Debian
        return None
    if bases.DEBIAN_PYTHON.get(base_os) != python and python not in bases.OTHER_PYTHONS:
        return (
            f"Python {python} on {base_os}: Debian packages no such Python; "
            f"{bases.PYTHON_SUITES_TEXT}"
        )
    return None


# --------------------------------------------------------------------------- small helpers


def docker(*args: str, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess:
    return run(["docker", *args], cwd=Path.cwd(), timeout=timeout, check=check)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get_json(url: str, timeout: float = 3) -> object:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        assert response.status == 200, (url, response.status)
        return json.loads(response.read())


def poll(probe, *, timeout: float, interval: float = 0.5, what: str):
    """Call `probe()` until it returns a truthy value; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last: object = None
    while True:
        try:
            result = probe()
        except (OSError, urllib.error.URLError, AssertionError, ValueError) as exc:
            result, last = None, exc
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(
                f"gave up waiting for {what} after {timeout:.0f} s (last: {last!r})"
            )
        time.sleep(interval)


def inspect(obj: str, template: str = "{{json .}}") -> object:
    return json.loads(docker("inspect", "--format", template, obj).stdout)


def copy_project(source: Path, dest: Path) -> Path:
    """A copy of a rendered project (git data included) that a test may change freely."""
    shutil.copytree(source, dest, symlinks=True, ignore=COPY_IGNORE)
    return dest


def build_lock():
    """Hold while building (see BUILD_LOCK)."""
    return bases.file_lock(BUILD_LOCK)


# --------------------------------------------------------------------------- image contents


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


@dataclass(frozen=True)
class Layer:
    digest: str  # the diff ID from `docker image inspect .RootFS.Layers`
    size: int  # bytes, from `docker history --human=false`
    created_by: str


def layers(image: str) -> list[Layer]:
    """The image's layers, oldest first, each with its size and the step that made it.

    `docker history` lists every step, newest first; steps that only change the config
    (ENV, LABEL, ...) have no layer. The others line up, in order, with RootFS.Layers.
    """
    digests = inspect(image, "{{json .RootFS.Layers}}")
    history = docker(
        "history", "--no-trunc", "--human=false", "--format", "{{json .}}", image
    ).stdout.splitlines()
    steps = [json.loads(line) for line in reversed(history) if line.strip()]
    with_layer = [step for step in steps if not step["CreatedBy"].startswith(METADATA_INSTRUCTIONS)]
    assert len(with_layer) == len(digests), (
        f"{image}: {len(with_layer)} history steps with a layer but {len(digests)} layers"
    )
    return [
        Layer(digest, int(step["Size"]), step["CreatedBy"])
        for digest, step in zip(digests, with_layer, strict=True)
    ]


# --------------------------------------------------------------------------- the session


@dataclass
class DockerProject:
    """A rendered, buildable variant and the build contexts that stand in for its bases."""

    session: DockerSession
    variant: Variant
    project: RenderedProject
    contexts: dict[str, str]  # {public ref: "docker-image://local"}
    refs: dict[str, str]  # {ARG name: public ref}
    #: More `docker build` flags this variant needs here (the standalone layout's Python mirror).
    build_flags: list[str] = field(default_factory=list)

    @property
    def path(self) -> Path:
        return self.project.path

    @property
    def project_name(self) -> str:
        return self.project.answers.get("project_name", default_of("project_name"))

    @property
    def package_name(self) -> str:
        return self.project_name.replace("-", "_")

    @property
    def kind(self) -> str:
        return self.variant.answer("service_kind")

    @property
    def layout(self) -> str:
        return self.variant.answer("image_layout")

    def context_flags(self) -> list[str]:
        return [
            flag
            for ref, ctx in self.contexts.items()
            for flag in ("--build-context", f"{ref}={ctx}")
        ] + self.build_flags

    def build(
        self, target: str = "production", *, path: Path | None = None, name: str = "", check=True
    ) -> tuple[str, subprocess.CompletedProcess]:
        """(tag, result) of `docker build --target TARGET` of the rendered (or copied) project.

        check=False: the build may fail, and the result says how. Builds run one at a time
        (see BUILD_LOCK).
        """
        tag = self.session.new_tag(self.variant, f"{target}{'-' + name if name else ''}")
        # A build that may fail gets its bases under names of its own, so that its graph
        # shares no source vertex with any other build on the engine (see BUILD_LOCK).
        contexts = self.contexts if check else self.session.private_contexts(self.contexts)
        with build_lock():
            result = self._build(target, path, tag, check, contexts)
        return tag, result

    def _build(
        self, target: str, path: Path | None, tag: str, check: bool, contexts: dict[str, str]
    ) -> subprocess.CompletedProcess:
        flags = [f for ref, ctx in contexts.items() for f in ("--build-context", f"{ref}={ctx}")]
        return run(
            [
                "docker", "build", "--progress=plain", *flags, *self.build_flags,
                "--target", target, "--tag", tag, str(path or self.path),
            ],
            cwd=path or self.path, timeout=BUILD_TIMEOUT, check=check,
        )  # fmt: skip

    def image(self, target: str = "production") -> str:
        """The rendered project's image for `target`, built once per session and shared."""
        key = (self.variant.id, target)
        if key not in self.session.images:
            self.session.images[key] = self.build(target)[0]
        return self.session.images[key]

    def copy(self, dest: Path) -> Path:
        return copy_project(self.path, dest)

    def base_image(self, stage_arg: str) -> str:
        """The local stand-in for the image that ARG `stage_arg` names."""
        return self.contexts[self.refs[stage_arg]].removeprefix("docker-image://")


@dataclass
class DockerSession:
    """Per-session (and per xdist worker) state: contexts, built images, started containers."""

    token: str = field(default_factory=lambda: f"{os.getpid()}-{uuid.uuid4().hex[:6]}")
    contexts: dict[tuple[str, ...], dict[str, str]] = field(default_factory=dict)
    images: dict[tuple[str, str], str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    containers: list[str] = field(default_factory=list)
    web: dict[str, tuple[str, int]] = field(default_factory=dict)
    counter: int = 0

    def new_tag(self, variant: Variant, what: str) -> str:
        self.counter += 1
        tag = f"{TAG_PREFIX}/{variant.id}:{what}-{self.token}-{self.counter}"
        self.tags.append(tag)
        return tag

    def build_contexts(self, refs: Iterable[str]) -> dict[str, str]:
        """Local bases for `refs`, built once per session (bases.py reuses existing images)."""
        key = tuple(refs)
        if key not in self.contexts:
            # Building a missing base is a build too: one at a time (see BUILD_LOCK).
            with build_lock():
                self.contexts[key] = bases.build_contexts(key, uv_version=UV_VERSION)
        return self.contexts[key]

    def private_contexts(self, contexts: dict[str, str]) -> dict[str, str]:
        """The same local bases under tags of this session's own (removed at its end)."""
        private = {}
        for ref, ctx in contexts.items():
            local = ctx.removeprefix("docker-image://")
            self.counter += 1
            alias = f"{TAG_PREFIX}/base:{self.token}-{self.counter}"
            docker("tag", local, alias)
            self.tags.append(alias)
            private[ref] = f"docker-image://{alias}"
        return private

    def start(self, *args: str) -> str:
        """`docker run --detach ARGS`; the container is removed at the end of the session."""
        name = f"cuvd-test-{self.token}-{len(self.containers)}"
        self.containers.append(name)
        docker("run", "--detach", "--name", name, *args, timeout=120)
        return name

    def start_web(self, project: DockerProject, *extra: str) -> tuple[str, int]:
        """A production web container with its port published on 127.0.0.1: (name, port)."""
        port = free_port()
        name = self.start(*extra, "--publish", f"127.0.0.1:{port}:8000", project.image())
        return name, port

    def shared_web(self, project: DockerProject) -> tuple[str, int]:
        """One running production web container per variant, shared by the read-only checks."""
        if project.variant.id not in self.web:
            self.web[project.variant.id] = self.start_web(project)
        return self.web[project.variant.id]

    def cleanup(self) -> None:
        for name in self.containers:
            docker("rm", "--force", "--volumes", name, check=False)
        for chunk in range(0, len(self.tags), 50):
            docker("rmi", "--force", *self.tags[chunk : chunk + 50], check=False, timeout=300)


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
