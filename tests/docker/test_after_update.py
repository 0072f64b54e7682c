"""After `copier update` to a newer release, the edited service still builds and serves.

Uses the update tier's temporary template releases (tests/support/update_scenario.py, through
the root `releases` fixture): 0.2.0 changes a Dockerfile line and pyproject.toml; the service
owner added an endpoint, a module, a label and a dependency. The updated project is built
exactly as merged, on the local bases.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.support.builds import docker_build
from tests.support.containers import http_get_json, poll
from tests.support.engine import docker
from tests.support.image_refs import image_refs
from tests.support.ports import free_port
from tests.support.releases import conflicted_files, rej_files
from tests.support.rendering import update_project
from tests.support.standins import build_contexts
from tests.support.update_scenario import make_user_edits, new_project

pytestmark = pytest.mark.update


def test_an_updated_edited_service_builds_and_serves(docker_engine, releases, tmp_path) -> None:
    project = new_project(releases, tmp_path)
    make_user_edits(project)
    update_project(project, vcs_ref="0.2.0")
    assert conflicted_files(project) == []
    assert rej_files(project) == []

    tag = f"copier-uv-docker-test-run/after-update:{tmp_path.name}"
    name = f"cuvd-test-after-update-{tmp_path.name}"
    refs = image_refs((project / "Dockerfile").read_text()).values()
    try:
        docker_build(project, contexts=build_contexts(refs), tag=tag)
        config = json.loads(docker("image", "inspect", tag).stdout)[0]["Config"]
        assert "PYTHONFAULTHANDLER=1" in config["Env"]  # the template's change
        assert config["Labels"]["com.example.team"] == "payments"  # the owner's
        port = free_port()
        docker("run", "--detach", "--read-only", "--name", name,
               "--publish", f"127.0.0.1:{port}:8000", tag)  # fmt: skip
        poll(
            lambda: (
                docker("inspect", "--format", "{{.State.Health.Status}}", name).stdout.strip()
                == "healthy"
            ),
            timeout=60,
            what="the updated service to become healthy",
        )
        assert http_get_json(f"http://127.0.0.1:{port}/invoices") == []  # the owner's endpoint
        docker("exec", name, "python", "-c", "import rich, my_service.billing")
    finally:
        subprocess.run(["docker", "rm", "--force", name], capture_output=True, check=False)
        subprocess.run(["docker", "image", "rm", tag], capture_output=True, check=False)
