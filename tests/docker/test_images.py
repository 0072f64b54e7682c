"""Docker tier, production images: each buildable variant builds, serves or runs, as non-root,
read-only, stops on SIGTERM, and ships nothing it should not (no uv, compiler, caches, tests,
VCS data, sources, host venv or secrets)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.containers import http_get_json, image_paths, run_in_image, wait_healthy
from tests.support.docker_project import DockerProject
from tests.support.engine import docker, inspect
from tests.support.variants import variant_params

ALL = variant_params()
WEB = variant_params(service_kind="web")
CLI = variant_params(service_kind="cli")
MULTISTAGE = variant_params(image_layout="multistage")


@pytest.mark.parametrize("variant", ALL)
def test_production_target_builds(docker_project: DockerProject) -> None:
    image = docker_project.image("production")
    config = inspect(image, "{{json .Config}}")
    assert config["Labels"]["org.opencontainers.image.title"] == docker_project.project_name


@pytest.mark.parametrize("variant", ALL)
def test_runs_as_a_non_root_user(docker_project: DockerProject) -> None:
    image = docker_project.image("production")
    result = run_in_image(image, "-u", entrypoint="id")
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) != 0
    # Numeric, so Kubernetes' runAsNonRoot can verify it without /etc/passwd.
    assert re.fullmatch(r"[1-9]\d*", inspect(image, "{{json .Config.User}}"))


@pytest.mark.parametrize("variant", WEB)
def test_web_answers_its_health_endpoint_and_docker_reports_it_healthy(
    docker_project: DockerProject,
) -> None:
    container, port = docker_project.session.shared_web(docker_project)
    wait_healthy(container)
    assert http_get_json(f"http://127.0.0.1:{port}/health") == {"status": "ok"}
    # The server process itself, not only a fresh `docker run`, is non-root.
    assert int(docker("exec", container, "id", "-u").stdout.strip()) != 0


@pytest.mark.parametrize("variant", WEB)
def test_web_runs_with_a_read_only_root_filesystem(docker_project: DockerProject) -> None:
    container, port = docker_project.session.start_web(docker_project, "--read-only")
    wait_healthy(container)
    assert http_get_json(f"http://127.0.0.1:{port}/health") == {"status": "ok"}
    assert inspect(container, "{{json .HostConfig.ReadonlyRootfs}}") is True


@pytest.mark.parametrize("variant", WEB)
def test_web_stops_gracefully_on_sigterm(docker_project: DockerProject) -> None:
    container, _ = docker_project.session.start_web(docker_project)
    wait_healthy(container)
    # Docker sends SIGTERM, then SIGKILL after the grace period (exit code 137 if it came to that).
    docker("stop", container, timeout=60)
    state = inspect(container, "{{json .State}}")
    logs = docker("logs", container)
    output = logs.stdout + logs.stderr
    assert state["ExitCode"] == 0, (state, output)
    assert not state["OOMKilled"]
    assert "Shutting down" in output, output
    assert "Finished server process" in output, output


@pytest.mark.parametrize("variant", CLI)
def test_cli_runs_its_command_and_exits_0(docker_project: DockerProject) -> None:
    result = run_in_image(docker_project.image(), "--name", "Ada")
    assert (result.returncode, result.stdout) == (0, "Hello, Ada!\n"), result.stderr


@pytest.mark.parametrize("variant", CLI)
def test_cli_runs_with_a_read_only_root_filesystem(docker_project: DockerProject) -> None:
    result = run_in_image(docker_project.image(), "--name", "Ada", options=["--read-only"])
    assert (result.returncode, result.stdout) == (0, "Hello, Ada!\n"), result.stderr


@pytest.mark.parametrize("variant", MULTISTAGE)
def test_multistage_final_image_holds_the_runtime_only(docker_project: DockerProject) -> None:
    paths = image_paths(docker_project.image())

    def basenames(*dirs: str) -> set[str]:
        return {p.rsplit("/", 1)[-1] for p in paths if p.startswith(dirs)}

    executables = basenames("bin/", "usr/bin/", "usr/local/bin/", "app/.venv/bin/")
    assert not {"uv", "uvx"} & executables
    assert not {"cc", "gcc", "c++", "g++", "clang"} & executables
    assert not [p for p in paths if p.startswith(("root/.cache", "home/app/.cache"))]
    assert not [p for p in paths if ".git" in p.split("/")]
    # /app holds the venv and nothing else: no source tree, tests or project files.
    app = {p for p in paths if p.startswith("app/")}
    assert app, "the image has no /app"
    assert sorted(p for p in app if not p.startswith("app/.venv"))[:20] == []
    assert not [p for p in app if "/tests/" in p and "site-packages" not in p]
    # The project itself is installed non-editable into the venv's site-packages.
    package = docker_project.package_name
    assert [p for p in app if p.endswith(f"site-packages/{package}/__init__.py")]
    assert not [p for p in app if p.endswith(".pth") and package in p]


@pytest.mark.parametrize("variant", ALL)
def test_planted_venv_env_and_git_never_reach_an_image(
    docker_project: DockerProject, tmp_path: Path
) -> None:
    copy = docker_project.copy(tmp_path / "project")
    (copy / ".venv" / "bin").mkdir(parents=True)
    (copy / ".venv" / "PLANTED_VENV_MARKER").write_text("host venv\n")
    (copy / ".venv" / "bin" / "python").write_text("#!/bin/sh\necho host python\n")
    (copy / ".env").write_text("PLANTED_SECRET=hunter2\n")
    git = copy / ".git"
    git.mkdir(exist_ok=True)
    (git / "PLANTED_GIT_MARKER").write_text("git data\n")
    for target in ("dev", "production"):
        image, _ = docker_project.build(target, path=copy, name="planted")
        paths = image_paths(image)
        app = [p for p in paths if p.startswith("app/")]
        assert app, f"{target}: the image has no /app"
        leaked = [
            p
            for p in paths
            if "PLANTED_" in p
            or p.rsplit("/", 1)[-1] == ".env"
            or (p.startswith("app/") and ".git" in p.split("/"))
        ]
        assert leaked == [], f"{target} image holds {leaked}"
        if target == "dev":
            # The dev image has a venv of its own, built in the image from the lock.
            venv_python = run_in_image(
                image, "-c", "import sys; print(sys.prefix)", entrypoint="python"
            )
            assert venv_python.stdout.strip() == "/app/.venv", venv_python.stderr
        secret = run_in_image(
            image, "-c", "import os; print(os.environ.get('PLANTED_SECRET'))", entrypoint="python"
        )
        assert secret.stdout.strip() == "None", secret.stderr
