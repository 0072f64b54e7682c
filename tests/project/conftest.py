"""The project tier: every test in this folder carries the `project` marker."""

from __future__ import annotations

import pytest

from tests.support.rendering import RenderedProject
from tests.support.variants import Variant


def pytest_itemcollected(item: pytest.Item) -> None:
    # A hook of this folder's conftest: pytest calls it for the items under this folder only.
    item.add_marker(pytest.mark.project)


@pytest.fixture
def project(render, variant: Variant) -> RenderedProject:
    """The rendered `variant` (the tier collects only variants whose Python this machine has)."""
    return render(variant)
