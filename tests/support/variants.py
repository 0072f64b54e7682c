"""The one list of named variants that drives every test tier.

Each variant names only the answers it changes; everything else comes from copier.yml's
defaults (see `copier_questions`), never retyped here. Together they give every answer value
at least once, and the combinations that matter: each layout with each kind, each base OS,
each Python, the workspace, the switches off, mirrors and a digest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from scripts.copier_questions import load, questions

TEMPLATE_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_DIGEST = "sha256:" + "0123456789abcdef" * 4


@cache
def copier_config() -> dict[str, Any]:
    return load(TEMPLATE_ROOT / "copier.yml")


@cache
def copier_questions() -> dict[str, dict[str, Any]]:
    """The questions of this repository's copier.yml."""
    return questions(copier_config())


def default_of(question: str) -> Any:
    return copier_config()[question]["default"]


@dataclass(frozen=True)
class Variant:
    id: str
    answers: dict[str, Any] = field(default_factory=dict)

    def answer(self, question: str) -> Any:
        """The effective answer: this variant's own, else copier.yml's static default."""
        return self.answers.get(question, default_of(question))

    def param(self) -> Any:
        return pytest.param(self, id=self.id)


VARIANTS: list[Variant] = [
    Variant("defaults"),
    # The release builds arm64 natively on its own runner and merges by digest (test_release.py).
    Variant("cli", {"service_kind": "cli", "arm64_runner": "ubuntu-24.04-arm"}),
    Variant("web-uv-image", {"image_layout": "uv-image"}),
    Variant("cli-uv-image", {"service_kind": "cli", "image_layout": "uv-image"}),
    Variant("web-standalone", {"image_layout": "standalone"}),
    Variant(
        "cli-standalone-bookworm",
        {"service_kind": "cli", "image_layout": "standalone", "base_os": "bookworm"},
    ),
    Variant("web-bookworm-py311", {"base_os": "bookworm", "python_version": "3.11"}),
    # uv's derived images exist on trixie and alpine only (uv-image on bookworm is refused):
    # the layout with a Python other than the default.
    Variant(
        "cli-uv-image-py312",
        {"service_kind": "cli", "image_layout": "uv-image", "python_version": "3.12"},
    ),
    Variant("py312", {"python_version": "3.12"}),
    Variant("py314", {"python_version": "3.14"}),
    Variant("py315-cli", {"python_version": "3.15", "service_kind": "cli"}),
    Variant("alpine", {"base_os": "alpine"}),
    Variant(
        "alpine-cli-uv-image",
        {"base_os": "alpine", "service_kind": "cli", "image_layout": "uv-image"},
    ),
    Variant("workspace", {"use_workspace": True}),
    Variant(
        "workspace-cli-uv-image",
        {"use_workspace": True, "service_kind": "cli", "image_layout": "uv-image"},
    ),
    Variant("installer", {"uv_install": "installer"}),
    Variant(
        "installer-alpine-cli",
        {"uv_install": "installer", "base_os": "alpine", "service_kind": "cli"},
    ),
    Variant("installer-standalone", {"uv_install": "installer", "image_layout": "standalone"}),
    Variant(
        "mirrors-and-digest",
        {
            "dockerhub_mirror": "registry.example.com/dockerhub/library",
            "ghcr_mirror": "registry.example.com:5000/ghcr",
            "uv_image_digest": EXAMPLE_DIGEST,
        },
    ),
    Variant(
        "switches-off",
        {
            "use_compose": False,
            "use_run_script": False,
            "use_pre_commit": False,
            "use_ci": False,
            "use_devcontainer": False,
        },
    ),
    Variant(
        "renamed",
        {
            "project_name": "billing-api2",
            "description": "Bills customers.",
            "author_name": "Ada Lovelace",
            "author_email": "ada@example.org",
        },
    ),
    # Every opt-in on: a workspace, Backstage metadata, the organisation's CA certificate as a
    # build secret, a private package index, organisation defaults and native arm64 releases.
    Variant(
        "every-opt-in",
        {
            "use_workspace": True,
            "use_catalog_info": True,
            "catalog_owner": "group:payments",
            "catalog_lifecycle": "production",
            "ca_certificate_secret": True,
            "package_index_name": "internal",
            "package_index_url": "https://pkgs.example.com/simple/",
            "organisation_defaults": "https://config.example.com/platform/organisation-defaults.yml",
            "arm64_runner": "ubuntu-24.04-arm",
        },
    ),
    Variant(
        "catalog-ca-cli-standalone",
        {
            "service_kind": "cli",
            "image_layout": "standalone",
            "use_compose": False,
            "use_catalog_info": True,
            "catalog_lifecycle": "deprecated",
            "ca_certificate_secret": True,
        },
    ),
    # Dependencies without wheels: the package lists (tests/docker/test_system_packages.py)
    Variant("system-packages", {"system_packages": True}),
    # A private package index, its credentials BuildKit secrets (tests/docker/test_private_index.py)
    Variant(
        "private-index",
        {
            "package_index_name": "corp-pypi",
            "package_index_url": "https://pkgs.example.com/simple/",
        },
    ),
]

VARIANTS_BY_ID = {variant.id: variant for variant in VARIANTS}


def variant_params(
    *switches: str, where: Callable[[Variant], bool] | None = None, **answers: Any
) -> list[Any]:
    """pytest params of the variants a test applies to: each `switch` answered on, each of
    `answers` as given, and `where` true. A test of a file a variant switches off is never
    collected for it, rather than collected and skipped."""
    return [
        v.param()
        for v in VARIANTS
        if all(v.answer(q) for q in switches)
        and all(v.answer(q) == a for q, a in answers.items())
        and (where is None or where(v))
    ]
