"""The Podman tier: every test in this folder carries the `podman` marker, and `docker` too,
since the local base stand-ins are built with the Docker engine and moved into Podman."""

from __future__ import annotations

import pytest

from tests.support.ci import skip_or_fail
from tests.support.engine import engine_problem
from tests.support.image_refs import Unbuildable, image_refs
from tests.support.rendering import RenderedProject
from tests.support.standins import build_contexts
from tests.support.variants import Variant


def pytest_itemcollected(item: pytest.Item) -> None:
    # A hook of this folder's conftest: pytest calls it for the items under this folder only.
    item.add_marker(pytest.mark.podman)
    item.add_marker(pytest.mark.docker)


@pytest.fixture
def project_and_bases(render, variant: Variant) -> tuple[RenderedProject, dict[str, str]]:
    """The rendered `variant` and its local stand-ins ({public ref: "docker-image://local"}),
    made with the Docker engine."""
    problem = engine_problem()
    if problem:
        skip_or_fail(problem)
    project = render(variant)
    try:
        contexts = build_contexts(image_refs(project.read("Dockerfile")).values())
    except Unbuildable as exc:
        skip_or_fail(f"local base images: {exc}")
    return project, contexts
