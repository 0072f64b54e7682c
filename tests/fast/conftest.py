"""The fast tier (no marker): questions, the prompt, the README, hooks, organisation defaults
and catalog-info. No Docker, no project checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.rendering import copy_rendered
from tests.support.variants import VARIANTS_BY_ID


@pytest.fixture
def project_copy(render, tmp_path) -> Path:
    """A copy of the rendered defaults that a test may change."""
    return copy_rendered(render(VARIANTS_BY_ID["defaults"]).path, tmp_path / "project")
