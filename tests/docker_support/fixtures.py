"""pytest fixtures of the Docker tier; conftest.py imports them in one line."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator

import pytest

from tests.docker_support import bases
from tests.docker_support.images import (
    UV_VERSION,
    DockerProject,
    DockerSession,
    build_lock,
    image_refs,
    unbuildable_reason,
)
from tests.docker_support.lock_in_image import lock_in_image
from tests.docker_support.python_mirror import PythonMirror
from tests.docker_support.registry import LocalRegistry, RegistryUnavailable
from tests.variants import Variant


@pytest.fixture(scope="session")
def docker_engine() -> None:
    """A working engine, buildx and Compose v2: under CI=true required, elsewhere a skip."""
    from tests.conftest import skip_or_fail

    problem = bases.engine_problem()
    if problem:
        skip_or_fail(problem)


@pytest.fixture(scope="session")
def docker_session(docker_engine) -> Iterator[DockerSession]:
    """Local bases, built images and started containers of this session (removed at its end)."""
    session = DockerSession()
    try:
        yield session
    finally:
        session.cleanup()


@pytest.fixture(scope="session")
def local_registry(docker_engine) -> Iterator[LocalRegistry]:
    """A real registry on 127.0.0.1 for this session (tests/docker_support/registry.py)."""
    from tests.conftest import skip_or_fail

    try:
        registry = LocalRegistry.start()
    except RegistryUnavailable as exc:
        skip_or_fail(str(exc))
    with registry:
        yield registry


@pytest.fixture
def docker_project(request, render, variant: Variant) -> DockerProject:
    """The rendered `variant` with its local bases; a variant this machine cannot build skips
    with its one-line reason (checked before the engine, so the reason shows without one)."""
    project = render(variant)
    dockerfile = project.read("Dockerfile")
    reason = unbuildable_reason(variant, dockerfile)
    if reason:
        # Collection already left out what the answers make unbuildable (see conftest.py);
        # anything else that cannot be built is a machine problem.
        from tests.conftest import skip_or_fail

        skip_or_fail(f"cannot be built here: {reason}")
    session: DockerSession = request.getfixturevalue("docker_session")
    if not (project.path / "uv.lock").is_file() and not shutil.which(
        f"python{variant.answer('python_version')}"
    ):
        with build_lock():  # a base image may be built for it
            lock_in_image(project, variant.answer("python_version"), UV_VERSION)
    refs = image_refs(dockerfile)
    try:
        contexts = session.build_contexts(refs.values())
    except bases.Unbuildable as exc:  # e.g. debootstrap missing: a machine problem
        from tests.conftest import skip_or_fail

        skip_or_fail(f"local base images: {exc}")
    flags: list[str] = []
    if variant.answer("image_layout") == "standalone":
        # `uv python install` fetches from a python-build-standalone mirror on 127.0.0.1.
        mirror = request.getfixturevalue("python_mirrors")(variant.answer("python_version"))
        flags = ["--network", "host"]
        for name, value in mirror.build_args().items():
            flags += ["--build-arg", f"{name}={value}"]
    return DockerProject(session, variant, project, contexts, refs, flags)


@pytest.fixture(scope="session")
def python_mirrors() -> Iterator[Callable[[str], PythonMirror]]:
    """mirror(minor) -> a started PythonMirror for CPython `minor`, one per minor and session."""
    started: dict[str, PythonMirror] = {}

    def mirror(minor: str) -> PythonMirror:
        if minor not in started:
            started[minor] = PythonMirror.start(minor)
        return started[minor]

    try:
        yield mirror
    finally:
        for each in started.values():
            each.stop()
