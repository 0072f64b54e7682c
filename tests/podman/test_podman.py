"""Podman tier: the default service, as rendered, builds with rootless Podman (its cache and
bind mounts honoured), becomes healthy, runs non-root and stops on SIGTERM.

Podman runs as an unprivileged user with subordinate IDs (tests/support/podman_engine.py), in a
store of the test's own. The local base stand-ins go from Docker into that store
(`docker save | podman load`) and are tagged there under the public references."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest

from tests.support.ci import skip_or_fail
from tests.support.containers import http_get_json, poll
from tests.support.podman_engine import ULIMITS, Podman, rootless_problem
from tests.support.ports import free_port
from tests.support.rendering import RenderedProject, copy_rendered
from tests.support.variants import VARIANTS_BY_ID

pytestmark = pytest.mark.parametrize("variant", [VARIANTS_BY_ID["defaults"].param()])


def canonical(ref: str) -> str:
    """The fully qualified name Podman resolves a Docker Hub short name to."""
    first = ref.split("/", 1)[0]
    if "/" not in ref:
        return f"docker.io/library/{ref}"
    if "." in first or ":" in first or first == "localhost":
        return ref
    return f"docker.io/{ref}"


@pytest.fixture
def podman() -> Iterator[Podman]:
    problem = rootless_problem()
    if problem:
        skip_or_fail(problem)
    engine = Podman()
    try:
        yield engine
    finally:
        engine.close()


def test_default_service_builds_and_runs_with_podman(
    project_and_bases: tuple[RenderedProject, dict[str, str]], podman: Podman
) -> None:
    rendered, contexts = project_and_bases
    for ref, ctx in contexts.items():
        local = ctx.removeprefix("docker-image://")
        saved = subprocess.Popen(["docker", "save", local], stdout=subprocess.PIPE)
        podman("load", "--quiet", stdin=saved.stdout)
        assert saved.wait() == 0
        podman("tag", local, canonical(ref))
    assert contexts

    project = copy_rendered(rendered.path, podman.work / "project")
    podman.give(project)
    build = ["build", "--format", "docker", "--pull=never", "--tag", "svc", str(project)]
    podman(*build)
    (init,) = (project / "src").glob("*/__init__.py")
    init.write_text(init.read_text() + "EDITED = 'podman'\n")
    podman.give(init)
    rebuilt = podman(*build).stdout
    # The dependency step (bind-mounted lock, cache mount) is reused after a source edit.
    deps_step = rebuilt.split("uv sync --locked --no-install-project", 1)[1].split("STEP ", 1)[0]
    assert "Using cache" in deps_step, rebuilt[-3000:]
    # ...and the edit reaches the image.
    package = init.parent.name
    edited = podman(
        "run", "--rm", *ULIMITS, "svc", "python", "-c", f"import {package}; print({package}.EDITED)"
    )
    assert edited.stdout.strip() == "podman", rebuilt[-3000:]

    port = free_port()
    podman(
        "run", "--detach", "--name", "svc", *ULIMITS, "--publish", f"127.0.0.1:{port}:8000", "svc"
    )
    poll(lambda: podman("healthcheck", "run", "svc", check=False).returncode == 0,
         timeout=90, interval=1, what="podman healthcheck run")  # fmt: skip
    assert http_get_json(f"http://127.0.0.1:{port}/")["message"] == "Hello, world!"
    uid = podman("exec", "svc", "id", "-u").stdout.strip()
    assert uid not in {"", "0"}, uid
    # Rootless: the container's processes belong to the user's subordinate IDs on the host.
    top = podman("top", "svc", "huser").stdout.split()[1:]
    assert top, top
    assert not {"root", "0"} & set(top), top
    # SIGTERM first; a SIGKILL after the grace period would leave exit code 137.
    podman("stop", "--time", "60", "svc")
    assert podman("inspect", "--format", "{{.State.ExitCode}}", "svc").stdout.strip() == "0"
    logs = podman("logs", "svc")
    assert "Finished server process" in logs.stdout + logs.stderr
