"""The fast tier (no marker): questions, the prompt, the README, hooks, organisation defaults
and catalog-info, the Backstage Template. No Docker, no project checks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.backstage_node import Backstage, missing
from tests.support.ci import skip_or_fail
from tests.support.rendering import copy_rendered
from tests.support.variants import VARIANTS_BY_ID


@pytest.fixture
def project_copy(render, tmp_path) -> Path:
    """A copy of the rendered defaults that a test may change."""
    return copy_rendered(render(VARIANTS_BY_ID["defaults"]).path, tmp_path / "project")


@pytest.fixture(scope="module")
def backstage() -> Iterator[Backstage]:
    """Backstage's own validators (Node), one process per module."""
    if reason := missing():
        skip_or_fail(reason)
    checker = Backstage()
    yield checker
    checker.close()
