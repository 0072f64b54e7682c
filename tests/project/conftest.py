"""The project tier: every test in this folder carries the `project` marker."""

from __future__ import annotations

import pytest

from tests.support.host_pythons import local_python
from tests.support.rendering import RenderedProject
from tests.support.variants import Variant


def pytest_itemcollected(item: pytest.Item) -> None:
    # A hook of this folder's conftest: pytest calls it for the items under this folder only.
    item.add_marker(pytest.mark.project)


@pytest.fixture
def project(render, variant: Variant) -> RenderedProject:
    """The rendered `variant`, when this machine has its Python (uv may not download one)."""
    version = variant.answer("python_version")
    if local_python(version) is None:
        pytest.skip(f"no Python {version} interpreter on this machine (uv cannot download one)")
    return render(variant)
