"""Adopted services build and run their own application, and follow a template update.

Each fixture shape (tests/support/adoption.py) is adopted with the README's command: the team's
files stay byte for byte, the template adds its own; the production image, built on the local
bases, serves the team's routes (or runs its console script) and its health check tells the
truth; the dev image runs the team's own tests. Then `copier update` to the next release of the
update tier's template repository merges the template's change and still leaves the team's
files as they were, and the updated project builds.
"""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.support.adoption import ADDED, SHAPES, Shape, adopt, team_files, team_repository
from tests.support.builds import docker_build, failing_step_lines
from tests.support.ci_checks import lint_failures, parse_failures
from tests.support.commands import run
from tests.support.containers import run_in_image, wait_healthy
from tests.support.docker_project import DockerSession
from tests.support.engine import docker
from tests.support.image_refs import image_refs
from tests.support.ports import free_port
from tests.support.releases import commit_all, conflicted_files, rej_files, status
from tests.support.rendering import project_files, update_project


def build(session: DockerSession, shape: Shape, project, target: str, check: bool = True):
    refs = image_refs((project / "Dockerfile").read_text()).values()
    tag = f"copier-uv-docker-test-run/adopt-{shape.name}:{target}-{session.token}-{session.counter}"
    session.counter += 1
    session.tags.append(tag)
    contexts = session.build_contexts(refs)
    # A build that may fail gets its bases under names of its own (see build_lock.py).
    contexts = contexts if check else session.private_contexts(contexts)
    return tag, docker_build(project, contexts=contexts, tag=tag, target=target, check=check)


def get(url: str) -> object:
    with urllib.request.urlopen(url, timeout=3) as response:
        body = response.read().decode()
    return json.loads(body) if body.startswith(("{", "[")) else body


def check_service(session: DockerSession, shape: Shape, image: str) -> None:
    """The team's own application answers in the production image, and its health is true."""
    if not shape.web:
        result = docker("run", "--rm", "--read-only", image, *shape.run_args)
        assert result.stdout.strip() == shape.prints
        return
    port = free_port()
    name = session.start("--read-only", "--publish", f"127.0.0.1:{port}:8000", image)
    wait_healthy(name)
    for route, answer in shape.routes.items():
        assert get(f"http://127.0.0.1:{port}{route}") == answer, route
    # The same probe fails where nothing serves: the health check is no constant yes.
    probe = json.loads(
        docker("inspect", "--format", "{{json .Config.Healthcheck.Test}}", image).stdout
    )
    assert probe[0] == "CMD", probe
    idle = session.start("--read-only", "--entrypoint", "sleep", image, "300")
    assert docker("exec", idle, *probe[1:], check=False).returncode != 0


@pytest.mark.parametrize("shape", SHAPES, ids=lambda shape: shape.name)
def test_an_adopted_service_runs_its_own_application_and_updates(
    shape: Shape, docker_session: DockerSession, releases, tmp_path
) -> None:
    project = team_repository(shape, tmp_path / shape.name)
    result = adopt(project, releases.path, shape.answers)
    assert result.returncode == 0, result.stderr[-3000:]
    owned = team_files(shape)
    assert {path: (project / path).read_bytes() for path in owned} == owned
    assert project_files(project) == set(owned) | ADDED
    assert "lock: uv.lock already matches pyproject.toml" in result.stdout + result.stderr
    assert lint_failures([project]) == {}
    assert parse_failures(project) == []
    run(["docker", "compose", "config", "--quiet"], cwd=project)

    image, _ = build(docker_session, shape, project, "production")
    check_service(docker_session, shape, image)
    if shape.has_tests:
        dev, _ = build(docker_session, shape, project, "dev")
        tests = docker("run", "--rm", dev, "pytest", check=False)
        assert tests.returncode == 0, tests.stdout[-3000:]
        assert " passed" in tests.stdout

    commit_all(project, "adopt the template")
    update_project(project, vcs_ref="0.2.0")
    assert conflicted_files(project) == []
    assert rej_files(project) == []
    assert "PYTHONFAULTHANDLER=1" in (project / "Dockerfile").read_text()  # 0.2.0's change
    assert (project / "dev.sh").is_file()
    assert not (project / "run.sh").exists()
    # 0.2.0 also adds pytest-cov to the template's pyproject.toml: never to the team's.
    assert {path: (project / path).read_bytes() for path in owned} == owned
    assert all(line[3:] not in owned for line in status(project)), status(project)
    updated, _ = build(docker_session, shape, project, "production")
    check_service(docker_session, shape, updated)


def test_a_console_script_the_project_lacks_stops_the_build_naming_it(
    docker_session: DockerSession, releases, tmp_path
) -> None:
    shape = SHAPES[1]
    project = team_repository(shape, tmp_path / shape.name)
    result = adopt(project, releases.path, {**shape.answers, "console_script": "greet"})
    assert result.returncode == 0, result.stderr[-3000:]
    _, build_result = build(docker_session, shape, project, "production", check=False)
    assert build_result.returncode != 0
    expected = (
        "error: greet is not in the image's venv: add it to [project.scripts] in pyproject.toml,"
        " or answer console_script with the script the project has"
    )
    assert expected in failing_step_lines(build_result.stdout + build_result.stderr, "production")


@pytest.mark.parametrize("layout", ["multistage", "uv-image"])
def test_a_project_without_a_build_system_is_still_installed(
    layout: str, docker_session: DockerSession, releases, tmp_path
) -> None:
    """No [build-system]: the image's one install step (`uv pip install` of the sources) builds
    the project with setuptools' legacy fallback (PEP 517), which finds the flat package, so the
    image holds the team's application and the adopted check passes."""
    shape = SHAPES[0]
    project = team_repository(shape, tmp_path / shape.name)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().split("[build-system]")[0].rstrip() + "\n")
    run(["uv", "lock"], cwd=project)
    commit_all(project, "an application with no [build-system]")
    result = adopt(project, releases.path, {**shape.answers, "image_layout": layout})
    assert result.returncode == 0, result.stderr[-3000:]
    tag, _ = build(docker_session, shape, project, "production")
    module = shape.answers["web_app"].split(":")[0]
    probe = run_in_image(tag, "-c", f"import {module}", entrypoint="python")
    assert probe.returncode == 0, probe.stderr
