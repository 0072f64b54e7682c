"""Docker tier: a new web service named `app`, the package name of many FastAPI services
(issue 23 found it refused). Its image builds, runs read-only and healthy, and serves its own
app; the dev image runs its tests. Nothing in the image's /app (the WORKDIR, also the user's
name) shadows the package."""

from __future__ import annotations

from tests.support.builds import docker_build
from tests.support.containers import http_get_json, wait_healthy
from tests.support.docker_project import DockerSession
from tests.support.engine import docker
from tests.support.image_refs import image_refs
from tests.support.ports import free_port
from tests.support.variants import Variant

NAMED_APP = Variant("named-app", {"project_name": "app"})


def test_a_web_service_named_app_builds_serves_and_tests(
    render, docker_session: DockerSession
) -> None:
    project = render(NAMED_APP)
    assert (project.path / "src" / "app" / "app.py").is_file()
    contexts = docker_session.build_contexts(image_refs(project.read("Dockerfile")).values())

    tag = docker_session.new_tag(NAMED_APP, "production")
    docker_build(project.path, contexts=contexts, tag=tag)
    port = free_port()
    container = docker_session.start("--read-only", "--publish", f"127.0.0.1:{port}:8000", tag)
    wait_healthy(container)
    assert http_get_json(f"http://127.0.0.1:{port}/?name=Ada")["message"] == "Hello, Ada!"
    # The installed package, not a directory of the working directory, is what imports.
    where = docker("exec", container, "python", "-c", "import app; print(app.__file__)")
    assert "/site-packages/app/" in where.stdout

    dev = docker_session.new_tag(NAMED_APP, "dev")
    docker_build(project.path, contexts=contexts, tag=dev, target="dev")
    tested = docker("run", "--rm", dev, "uv", "run", "--locked", "pytest", "-q", check=False)
    assert tested.returncode == 0, tested.stdout + tested.stderr
