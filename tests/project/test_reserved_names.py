"""Project tier: every package the rendered projects lock is reserved as a project name, as
Python imports it (PEP 503 names, hyphens as underscores), so the list follows the locks."""

from __future__ import annotations

import re
import tomllib

import pytest

from tests.support.answer_space import reserved_names
from tests.support.variants import VARIANTS_BY_ID

# The variants whose dependencies differ: the web and cli kinds, and the workspace.
LOCKED_VARIANTS = ["defaults", "cli", "workspace-cli-uv-image"]


def import_name(distribution: str) -> str:
    return re.sub(r"[-_.]+", "_", distribution).lower()


@pytest.mark.project
def test_every_locked_package_is_a_reserved_name(render) -> None:
    missing: dict[str, list[str]] = {}
    for variant_id in LOCKED_VARIANTS:
        project = render(VARIANTS_BY_ID[variant_id])
        lock = tomllib.loads(project.read("uv.lock"))
        name = project.answers["project_name"]
        own = {import_name(name), import_name(f"{name}-core")}
        locked = {import_name(package["name"]) for package in lock["package"]}
        locked -= own
        if absent := sorted(locked - reserved_names()):
            missing[variant_id] = absent
    assert missing == {}, "add these to reserved_names in copier.yml"
