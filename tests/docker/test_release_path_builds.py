"""Docker tier: the edited service, updated from each earlier release to the newest along the
path tests/update/test_release_path.py checks, builds exactly as merged (on the local bases) and
does what its owner made it do: the web service answers its owner's endpoint, the CLI runs, and
both import the owner's module and dependency."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.builds import docker_build
from tests.support.commands import run
from tests.support.containers import http_get_json, wait_healthy
from tests.support.docker_project import DockerSession
from tests.support.engine import docker
from tests.support.image_refs import image_refs
from tests.support.ports import free_port
from tests.support.release_path import (
    NEW_DEPENDENCY,
    follow_readme_update,
    own_service,
    take_the_templates_side,
)
from tests.support.releases import TemplateRepo, commit_all, release_commits
from tests.support.variants import VARIANTS_BY_ID

#: Every earlier release to the newest.
*EARLIER, NEW = list(release_commits())

pytestmark = pytest.mark.update


@pytest.mark.parametrize("variant_id", ["defaults", "cli-uv-image"])
@pytest.mark.parametrize("old", EARLIER)
def test_the_updated_service_builds_and_does_what_its_owner_made_it_do(
    history: TemplateRepo, docker_session: DockerSession, tmp_path: Path, old: str, variant_id: str
) -> None:
    variant = VARIANTS_BY_ID[variant_id]
    service = own_service(history, tmp_path, variant, old, NEW)
    follow_readme_update(service.path)
    for name in service.conflicting:
        take_the_templates_side(service.path / name)
    commit_all(service.path, "update: the template's side of the conflicts")

    refs = image_refs((service.path / "Dockerfile").read_text()).values()
    tag = docker_session.new_tag(variant, "release-path")
    docker_build(service.path, contexts=docker_session.build_contexts(refs), tag=tag)
    owned = f"import {service.package}.billing, {NEW_DEPENDENCY}"
    if variant.answer("service_kind") == "cli":
        ran = run(["docker", "run", "--rm", "--read-only", tag], cwd=tmp_path, check=False)
        assert ran.returncode == 0, ran.stderr
        probe = ["docker", "run", "--rm", "--entrypoint", "python", tag, "-c", owned]
        assert run(probe, cwd=tmp_path, check=False).returncode == 0
        return
    port = free_port()
    container = docker_session.start("--read-only", "--publish", f"127.0.0.1:{port}:8000", tag)
    wait_healthy(container)
    assert http_get_json(f"http://127.0.0.1:{port}/invoices") == []  # the owner's endpoint
    docker("exec", container, "python", "-c", owned)
