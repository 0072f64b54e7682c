"""Project tier: each rendered project passes its own checks, with its own locked tools."""

from __future__ import annotations

import subprocess

import pytest

from tests.support.host_pythons import local_python
from tests.support.rendering import RenderedProject
from tests.support.variants import Variant, variant_params

# Variants whose Python this machine lacks run the same checks inside their dev image
# (tests/docker/test_project_in_dev_image.py), so none is collected here to skip.
pytestmark = pytest.mark.parametrize(
    "variant",
    variant_params(where=lambda v: local_python(v.answer("python_version")) is not None),
)


def test_lock_is_written_and_current(project: RenderedProject) -> None:
    assert (project.path / "uv.lock").is_file(), "the lock task did not write uv.lock"
    project.run("uv", "lock", "--check", "--offline")


def test_own_tests_pass(project: RenderedProject) -> None:
    project.run("uv", "sync", "--locked")
    result = project.run("uv", "run", "--locked", "pytest", "-q", "-p", "no:cacheprovider")
    assert " passed" in result.stdout
    assert "failed" not in result.stdout


def test_the_entry_point_runs(project: RenderedProject, variant: Variant) -> None:
    name = project.answers["project_name"]
    if variant.answer("service_kind") == "cli":
        result = project.run("uv", "run", "--locked", name, "--name", "Ada")
        assert result.stdout == "Hello, Ada!\n"
        return
    package = name.replace("-", "_")
    probe = (
        "from fastapi.testclient import TestClient;"
        f"from {package}.app import app;"
        "response = TestClient(app).get('/health');"
        "print(response.status_code, response.json())"
    )
    result = project.run("uv", "run", "--locked", "python", "-c", probe)
    assert result.stdout.strip() == "200 {'status': 'ok'}"


def test_the_project_is_committed_clean(project: RenderedProject) -> None:
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=project.path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # The lock task runs before the first commit; caches from the tests above are ignored.
    assert status == ""
