"""Project tier: every package the rendered projects lock, as Python imports it, and every
console script their venvs get, is in scripts/reserved_names_dependencies.txt, the source of
copier.yml's reserved names (tests/fast/test_reserved_names.py checks the list is generated
from it), so the list follows the locks."""

from __future__ import annotations

import pytest

from tests.support.commands import run
from tests.support.scripts import load_script
from tests.support.variants import VARIANTS_BY_ID

# The variants whose dependencies differ: the web and cli kinds, and the workspace.
LOCKED_VARIANTS = ["defaults", "cli", "workspace-cli-uv-image"]
generator = load_script("reserved_names")


@pytest.mark.project
def test_every_locked_package_and_its_scripts_are_reserved_names(render) -> None:
    missing: dict[str, list[str]] = {}
    for variant_id in LOCKED_VARIANTS:
        project = render(VARIANTS_BY_ID[variant_id])
        run(["uv", "sync", "--locked", "--quiet"], cwd=project.path)
        if absent := sorted(generator.locked_names(project.path) - generator.dependency_names()):
            missing[variant_id] = absent
    assert missing == {}, "run `uv run python scripts/reserved_names.py --dependencies`"
