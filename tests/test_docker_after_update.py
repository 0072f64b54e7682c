"""After `copier update` to a newer release, the edited service still builds and serves.

Uses the update tier's temporary template releases (tests/test_update.py): 0.2.0 changes a
Dockerfile line and pyproject.toml; the service owner added an endpoint, a module, a label and
a dependency. The updated project is built exactly as merged, on the local bases.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.docker_support import bases
from tests.docker_support.images import (
    UV_VERSION,
    build_lock,
    docker,
    free_port,
    http_get_json,
    image_refs,
    poll,
)
from tests.template_repo import conflicted_files, rej_files, update_project
from tests.test_update import make_user_edits, new_project, releases  # noqa: F401

pytestmark = [pytest.mark.docker, pytest.mark.update]


def test_an_updated_edited_service_builds_and_serves(docker_engine, releases, tmp_path) -> None:  # noqa: F811
    project = new_project(releases, tmp_path)
    make_user_edits(project)
    update_project(project, vcs_ref="0.2.0")
    assert conflicted_files(project) == []
    assert rej_files(project) == []

    tag = f"copier-uv-docker-test-run/after-update:{tmp_path.name}"
    name = f"cuvd-test-after-update-{tmp_path.name}"
    refs = image_refs((project / "Dockerfile").read_text()).values()
    try:
        with build_lock():
            contexts = bases.build_contexts(refs, uv_version=UV_VERSION)
            flags = [
                f for ref, ctx in contexts.items() for f in ("--build-context", f"{ref}={ctx}")
            ]
            docker("build", *flags, "--tag", tag, str(project), timeout=900)
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
