"""The Docker tier: every test in this folder carries the `docker` marker; its fixtures.

A variant this machine cannot build is no Docker test here: it is left out at collection and
listed, with its reason, at the end of the run (never skipped, never passed; the listing is in
the root conftest.py, since under pytest-xdist only the workers load this one).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.build_lock import build_lock
from tests.support.buildability import unbuildable_by_answers, unbuildable_reason
from tests.support.ci import skip_or_fail
from tests.support.docker_project import DockerProject, DockerSession
from tests.support.engine import engine_problem
from tests.support.image_refs import UV_VERSION, Unbuildable, image_refs
from tests.support.lock_in_image import lock_in_image
from tests.support.release_engine import ReleaseEngine
from tests.support.rendering import RenderedProject
from tests.support.standins import (
    PLATFORM_REGISTRY_STORAGE,
    LocalRegistry,
    PythonMirror,
    RegistryUnavailable,
    build_contexts,
    emulation_problem,
)
from tests.support.variants import VARIANTS_BY_ID, Variant

HERE = Path(__file__).parent


def pytest_itemcollected(item: pytest.Item) -> None:
    # A hook of this folder's conftest: pytest calls it for the items under this folder only.
    item.add_marker(pytest.mark.docker)


def in_this_tier(item: pytest.Item) -> bool:
    return item.path.is_relative_to(HERE)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    left_out = [
        item
        for item in items
        if in_this_tier(item)
        and (variant := getattr(item, "callspec", None) and item.callspec.params.get("variant"))
        and unbuildable_by_answers(variant)
    ]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if item not in left_out]


@pytest.fixture(scope="session")
def docker_engine() -> None:
    """A working engine, buildx and Compose v2: under CI=true required, elsewhere a skip."""
    problem = engine_problem()
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


@pytest.fixture(autouse=True)
def containers_of_this_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """The containers a test starts are removed when it ends. Each web image runs its
    HEALTHCHECK (a Python start) every 10 s, several times slower under QEMU: kept to the end of
    the session, some 35 of them took a good part of CI's two cores."""
    # docker_project asks for the session at run time (getfixturevalue), so name it too.
    if not {"docker_session", "docker_project"} & set(request.fixturenames):
        yield
        return
    session: DockerSession = request.getfixturevalue("docker_session")
    before = len(session.containers)
    yield
    session.remove_containers_since(before)


@pytest.fixture(scope="session")
def local_registry(docker_engine) -> Iterator[LocalRegistry]:
    """A real registry on 127.0.0.1 for this session (tests/support/standins/registry.py)."""
    try:
        registry = LocalRegistry.start()
    except RegistryUnavailable as exc:
        skip_or_fail(str(exc))
    with registry:
        yield registry


@pytest.fixture(scope="session")
def platform_registry(docker_engine) -> Iterator[LocalRegistry]:
    """The loopback registry of the two-platform stand-ins (standins/platform_registry.py), its
    storage kept between sessions; arm64 builds need the emulator, so it is checked here."""
    problem = emulation_problem()
    if problem:
        skip_or_fail(problem)
    try:
        registry = LocalRegistry.start(storage=PLATFORM_REGISTRY_STORAGE)
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
        # Collection already left out what the answers make unbuildable (see above);
        # anything else that cannot be built is a machine problem.
        skip_or_fail(f"cannot be built here: {reason}")
    session: DockerSession = request.getfixturevalue("docker_session")
    python = variant.answer("python_version")
    if not (project.path / "uv.lock").is_file() and not shutil.which(f"python{python}"):
        with build_lock():  # a base image may be built for it
            lock_in_image(project, python, UV_VERSION)
    refs = image_refs(dockerfile)
    try:
        contexts = session.build_contexts(refs.values())
    except Unbuildable as exc:  # e.g. debootstrap missing: a machine problem
        skip_or_fail(f"local base images: {exc}")
    flags: list[str] = []
    if variant.answer("image_layout") == "standalone":
        # `uv python install` fetches from a python-build-standalone mirror on 127.0.0.1.
        mirror = request.getfixturevalue("python_mirrors")(python)
        flags = ["--network", "host"]
        for name, value in mirror.build_args().items():
            flags += ["--build-arg", f"{name}={value}"]
    return DockerProject(session, variant, project, contexts, refs, flags)


@pytest.fixture(scope="session")
def python_mirrors() -> Iterator[Callable[..., PythonMirror]]:
    """mirror(minor, arch="") -> a started PythonMirror for CPython `minor` on `arch` (default
    this machine's), one per minor, architecture and session."""
    started: dict[tuple[str, str], PythonMirror] = {}

    def mirror(minor: str, arch: str = "") -> PythonMirror:
        if (minor, arch) not in started:
            started[minor, arch] = PythonMirror.start(minor, arch)
        return started[minor, arch]

    try:
        yield mirror
    finally:
        for each in started.values():
            each.stop()


@pytest.fixture(scope="module")
def ca_project_and_bases(render) -> tuple[RenderedProject, dict[str, str]]:
    """The every-opt-in variant and stand-ins *without* this machine's CA (test_ca.py)."""
    problem = engine_problem()
    if problem:
        skip_or_fail(problem)
    project = render(VARIANTS_BY_ID["every-opt-in"])
    refs = image_refs(project.read("Dockerfile")).values()
    try:
        contexts = build_contexts(refs, with_ca=False)
    except Unbuildable as exc:
        skip_or_fail(f"local base images: {exc}")
    return project, contexts


@pytest.fixture(scope="session")
def release_engine(docker_engine) -> Iterator[ReleaseEngine]:
    """A private dockerd with the containerd image store, for multi-platform release pushes."""
    try:
        engine = ReleaseEngine.start()
    except Unbuildable as exc:
        skip_or_fail(str(exc))
    try:
        yield engine
    finally:
        engine.stop()
