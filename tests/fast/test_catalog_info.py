"""catalog-info.yaml: Backstage metadata for an organisation's software catalog."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.support.copier_cli import copier
from tests.support.rendering import RenderedProject
from tests.support.variants import TEMPLATE_ROOT, variant_params

CATALOG_VARIANTS = variant_params("use_catalog_info")


@pytest.mark.parametrize(
    ("author", "owner"),
    [("Platform Team", "group:platform-team"), ("Ada Lovelace & Co.", "group:ada-lovelace-co")],
)
def test_the_catalog_owner_defaults_to_the_author_as_a_group(
    tmp_path: Path, author: str, owner: str
) -> None:
    result = copier(
        "copy", "--trust", "--defaults", "-r", "HEAD", "--skip-tasks",
        "-d", "use_catalog_info=true", "-d", f"author_name={author}",
        str(TEMPLATE_ROOT), "svc", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    catalog = yaml.safe_load((tmp_path / "svc" / "catalog-info.yaml").read_text())
    assert catalog["spec"]["owner"] == owner


@pytest.mark.parametrize("variant", CATALOG_VARIANTS)
def test_catalog_info_is_a_backstage_component(project: RenderedProject, variant) -> None:
    entity = yaml.safe_load(project.read("catalog-info.yaml"))
    assert entity["apiVersion"] == "backstage.io/v1alpha1"
    assert entity["kind"] == "Component"
    assert entity["metadata"]["name"] == project.answers["project_name"]
    assert entity["metadata"]["description"] == variant.answer("description")
    assert entity["spec"]["type"] == (
        "service" if variant.answer("service_kind") == "web" else "tool"
    )
    assert entity["spec"]["lifecycle"] == variant.answer("catalog_lifecycle")
    assert entity["spec"]["owner"] == project.answers["catalog_owner"]
    assert "## About this service" in project.read("README.md")
