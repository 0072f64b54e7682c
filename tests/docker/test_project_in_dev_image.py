"""Project tier, in the dev image, for the Pythons this machine has no interpreter of (3.14,
3.15: uv may not download one here): the rendered project's own checks (`uv lock --check`,
its tests, the CLI or the health endpoint) run inside the variant's built dev image, whose
Python is the one the project targets. tests/test_project.py runs them on the host for the
others; together they cover every variant."""

from __future__ import annotations

import pytest

from tests.support.containers import run_in_image
from tests.support.docker_project import DockerProject
from tests.support.host_pythons import local_python
from tests.support.variants import variant_params

pytestmark = [
    pytest.mark.parametrize(
        "variant",
        variant_params(where=lambda v: local_python(v.answer("python_version")) is None),
    ),
]


def in_dev_image(project: DockerProject, *command: str):
    result = run_in_image(project.image("dev"), *command, entrypoint="uv")
    assert result.returncode == 0, f"uv {' '.join(command)}:\n{result.stdout}\n{result.stderr}"
    return result


def test_python_is_the_targeted_version(docker_project: DockerProject) -> None:
    version = docker_project.variant.answer("python_version")
    result = in_dev_image(docker_project, "run", "--locked", "python", "-c",
                          "import sys; print('%d.%d' % sys.version_info[:2])")  # fmt: skip
    assert result.stdout.strip() == version


def test_lock_is_current(docker_project: DockerProject) -> None:
    in_dev_image(docker_project, "lock", "--check")


def test_own_tests_pass(docker_project: DockerProject) -> None:
    result = in_dev_image(
        docker_project, "run", "--locked", "pytest", "-q", "-p", "no:cacheprovider"
    )
    assert " passed" in result.stdout
    assert "failed" not in result.stdout


def test_the_entry_point_runs(docker_project: DockerProject) -> None:
    if docker_project.kind == "cli":
        result = in_dev_image(docker_project, "run", "--locked", docker_project.project_name,
                              "--name", "Ada")  # fmt: skip
        assert result.stdout == "Hello, Ada!\n"
        return
    probe = (
        "from fastapi.testclient import TestClient;"
        f"from {docker_project.package_name}.app import app;"
        "response = TestClient(app).get('/health');"
        "print(response.status_code, response.json())"
    )
    result = in_dev_image(docker_project, "run", "--locked", "python", "-c", probe)
    assert result.stdout.strip() == "200 {'status': 'ok'}"
