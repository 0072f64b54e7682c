"""examples/ is what the template renders now: a template change shows there as a diff of what
services get (scripts/render_examples.py regenerates it)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scripts.render_examples import EXAMPLES_DIR, differences, render_all

REGENERATE = "uv run python scripts/render_examples.py"


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    """The examples as the template renders them now."""
    root = tmp_path_factory.mktemp("fresh") / "examples"
    render_all(root)
    return root


def test_examples_are_what_the_template_renders_now(fresh: Path) -> None:
    assert differences(fresh, EXAMPLES_DIR) == [], f"examples/ is out of date: run `{REGENERATE}`"


def test_one_changed_byte_or_missing_file_is_drift(fresh: Path, tmp_path: Path) -> None:
    edited = shutil.copytree(fresh, tmp_path / "examples")
    dockerfile = edited / "defaults" / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text() + "#\n")
    (edited / "cli" / "run.sh").unlink()
    assert differences(edited, EXAMPLES_DIR) == ["cli/run.sh", "defaults/Dockerfile"]
