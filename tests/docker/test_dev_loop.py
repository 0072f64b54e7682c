"""Docker tier, development loop: the rendered compose.yaml under `docker compose watch`.

A source edit is synced and served without a rebuild; `uv add` on the host re-locks and
the watch rebuilds the image, whose venv then has the package; `down -v --rmi local` leaves
nothing behind. compose.yaml is used as rendered: a test-only override file adds the local
base images (build.additional_contexts), a free host port and a per-test image name.
"""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path

import pytest

from tests.support.build_lock import build_lock
from tests.support.commands import run
from tests.support.containers import http_get_json, poll
from tests.support.docker_project import DockerProject
from tests.support.engine import docker, inspect
from tests.support.ports import free_port
from tests.support.variants import VARIANTS_BY_ID

pytestmark = pytest.mark.parametrize(
    "variant", [VARIANTS_BY_ID[name].param() for name in ("defaults", "workspace")]
)

#: Small, pure Python, and in none of the rendered locks (pytest already pulls iniconfig in).
NEW_PACKAGE = "six"
WATCH_TIMEOUT = 60
REBUILD_TIMEOUT = 300


def write_override(project: DockerProject, path: Path, port: int) -> None:
    """Local bases, a free port and no fixed image name (so --rmi local removes it)."""
    contexts = "".join(
        f"        {json.dumps(ref)}: {json.dumps(ctx)}\n" for ref, ctx in project.contexts.items()
    )
    path.write_text(
        "services:\n"
        "  app:\n"
        "    image: !reset null\n"
        f'    ports: !override ["127.0.0.1:{port}:8000"]\n'
        "    build:\n"
        "      additional_contexts:\n" + contexts
    )


class Compose:
    def __init__(self, project_dir: Path, override: Path) -> None:
        self.dir = project_dir
        self.name = f"cuvd-test-{uuid.uuid4().hex[:10]}"
        self.base = [
            "docker",
            "compose",
            "-p",
            self.name,
            "-f",
            "compose.yaml",
            "-f",
            str(override),
        ]

    def __call__(self, *args: str, timeout: float = 300, check: bool = True):
        return run([*self.base, *args], cwd=self.dir, timeout=timeout, check=check)

    def container(self) -> str:
        return self("ps", "--quiet", "app").stdout.strip()


def leftovers(name: str) -> dict[str, str]:
    label = f"label=com.docker.compose.project={name}"
    return {
        "containers": docker("ps", "--all", "--quiet", "--filter", label).stdout.strip(),
        "volumes": docker("volume", "ls", "--quiet", "--filter", label).stdout.strip(),
        "networks": docker("network", "ls", "--quiet", "--filter", label).stdout.strip(),
        "images": docker("images", "--quiet", f"{name}-app").stdout.strip(),
    }


def test_compose_watch_syncs_edits_and_rebuilds_on_uv_add(
    docker_project: DockerProject, tmp_path: Path
) -> None:
    copy = docker_project.copy(tmp_path / "project")
    port = free_port()
    override = tmp_path / "compose.test-override.yaml"
    write_override(docker_project, override, port)
    compose = Compose(copy, override)
    watch_log = tmp_path / "watch.log"
    watcher: subprocess.Popen | None = None
    url = f"http://127.0.0.1:{port}"
    with build_lock():
        try:
            compose("up", "--detach", "--build", "--wait", timeout=600)
            assert http_get_json(f"{url}/health") == {"status": "ok"}
            container = compose.container()
            image = inspect(container, "{{json .Image}}")

            with watch_log.open("w") as log:
                watcher = subprocess.Popen(
                    [*compose.base, "watch", "--no-up"],
                    cwd=copy, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                )  # fmt: skip
            poll(
                lambda: "Watch enabled" in watch_log.read_text() or watcher.poll() is not None,
                timeout=WATCH_TIMEOUT, what="compose watch to start",
            )  # fmt: skip
            assert watcher.poll() is None, watch_log.read_text()

            # A source edit: synced into the container and reloaded, with no rebuild.
            app = copy / "src" / docker_project.package_name / "app.py"
            source = app.read_text()
            assert 'return {"status": "ok"}' in source
            app.write_text(source.replace('return {"status": "ok"}', 'return {"status": "edited"}'))
            poll(
                lambda: http_get_json(f"{url}/health") == {"status": "edited"},
                timeout=WATCH_TIMEOUT, what=f"the edit to be served\n{watch_log.read_text()}",
            )  # fmt: skip
            assert compose.container() == container
            assert inspect(container, "{{json .Image}}") == image, "the source edit rebuilt"
            assert "Rebuilding" not in watch_log.read_text()

            # A new dependency: uv re-locks on the host, the watch rebuilds the image.
            probe = ("exec", "-T", "app", "python", "-c", f"import {NEW_PACKAGE}")
            assert compose(*probe, check=False).returncode != 0, f"{NEW_PACKAGE} already there"
            run(["uv", "add", "--no-sync", NEW_PACKAGE], cwd=copy, timeout=300)
            poll(
                lambda: compose(*probe, check=False, timeout=60).returncode == 0,
                timeout=REBUILD_TIMEOUT, interval=2,
                what=f"the rebuilt container to import {NEW_PACKAGE}\n{watch_log.read_text()}",
            )  # fmt: skip
            assert "Rebuilding" in watch_log.read_text()
            assert inspect(compose.container(), "{{json .Image}}") != image
        finally:
            if watcher is not None:
                watcher.terminate()
                try:
                    watcher.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    watcher.kill()
                    watcher.wait()
            down = compose("down", "--volumes", "--rmi", "local", timeout=300, check=False)
    assert down.returncode == 0, down.stderr
    assert leftovers(compose.name) == {
        "containers": "",
        "volumes": "",
        "networks": "",
        "images": "",
    }
