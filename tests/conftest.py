"""Shared fixtures: environment isolation, rendered variants, the CI switch."""

from __future__ import annotations

import os

import pytest

from tests import environment
from tests.docker_support.fixtures import (  # noqa: F401
    docker_engine,
    docker_project,
    docker_session,
    local_registry,
    python_mirrors,
)
from tests.docker_support.images import unbuildable_by_answers
from tests.rendering import Renderer
from tests.variants import VARIANTS

environment.setup()

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def render(copie_session) -> Renderer:
    """render(variant) -> RenderedProject, rendered once per session."""
    return Renderer(copie_session)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    kept, left_out = [], []
    for item in items:
        variant = getattr(item, "callspec", None) and item.callspec.params.get("variant")
        if variant is None:
            kept.append(item)
            continue
        # A variant this machine cannot build is no Docker test here: it is listed, with its
        # reason, at the end of the run (never skipped, never passed).
        if item.get_closest_marker("docker") and unbuildable_by_answers(variant):
            left_out.append(item)
            continue
        # All tests of one variant run on the same xdist worker, which renders it once.
        item.add_marker(pytest.mark.xdist_group(variant.id))
        kept.append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    ran_docker = any(
        "test_docker_" in getattr(report, "nodeid", "")
        for reports in terminalreporter.stats.values()
        for report in reports
    )
    if not ran_docker:
        return
    terminalreporter.section("Docker tier: variants not built on this machine")
    for variant in VARIANTS:
        if reason := unbuildable_by_answers(variant):
            terminalreporter.write_line(f"{variant.id}: {reason}")


def skip_or_fail(reason: str) -> None:
    """Skip with a reason, except in CI, where a missing tool is a failure."""
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


__all__ = ["IN_CI", "VARIANTS", "skip_or_fail"]
