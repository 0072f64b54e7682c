"""Shared fixtures: environment isolation, rendered variants, the CI switch."""

from __future__ import annotations

import os

import pytest

from tests import environment
from tests.docker_support.fixtures import docker_engine, docker_project, docker_session  # noqa: F401
from tests.rendering import Renderer
from tests.variants import VARIANTS

environment.setup()

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def render(copie_session) -> Renderer:
    """render(variant) -> RenderedProject, rendered once per session."""
    return Renderer(copie_session)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # All tests of one variant run on the same xdist worker, which renders it once.
    for item in items:
        variant = getattr(item, "callspec", None) and item.callspec.params.get("variant")
        if variant is not None:
            item.add_marker(pytest.mark.xdist_group(variant.id))


def skip_or_fail(reason: str) -> None:
    """Skip with a reason, except in CI, where a missing tool is a failure."""
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


__all__ = ["IN_CI", "VARIANTS", "skip_or_fail"]
