"""The dev container CLI (@devcontainers/cli, the reference implementation behind VS Code and
Codespaces, installed in tests/tools): `devcontainer up` of a project under the build lock,
`devcontainer exec` in it, and removing what `up` made.

Local stand-ins for the bases: the CLI reads the base image of the config's build target itself
before it builds (`docker inspect`, then the registry, then `docker pull`), to learn its user
and its `devcontainer.metadata` label. A `--build-context` in `build.options` reaches the build
only, so `up` would still fail with "docker pull python:3.13-slim-trixie". What the CLI does
resolve is the Dockerfile's own documented way to swap a base (its `ARG *_IMAGE` build
arguments), so a test-only override config names the stand-ins there; the rendered
devcontainer.json is used as it is for everything else.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from tests.support.build_lock import build_lock
from tests.support.commands import run
from tests.support.engine import docker
from tests.support.variants import TEMPLATE_ROOT

CLI = TEMPLATE_ROOT / "tests" / "tools" / "node_modules" / ".bin" / "devcontainer"
CONFIG = Path(".devcontainer") / "devcontainer.json"
#: The label the CLI puts on the container it starts for a workspace folder.
FOLDER_LABEL = "devcontainer.local_folder"
UP_TIMEOUT = 900


def missing() -> str | None:
    """Why the CLI cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not CLI.is_file():
        return "@devcontainers/cli is not installed (npm ci --prefix tests/tools)"
    return None


def read_config(project: Path) -> dict:
    """The project's devcontainer.json (the template renders plain JSON, no comments)."""
    return json.loads((project / CONFIG).read_text())


def write_override(project: Path, base_images: Mapping[str, str], name: str) -> Path:
    """The rendered config plus `build.args` {ARG: local stand-in}, written next to it (so its
    relative paths mean what the rendered ones mean) as `.devcontainer/NAME.json`."""
    config = read_config(project)
    config["build"]["args"] = {**config["build"].get("args", {}), **base_images}
    path = project / CONFIG.parent / f"{name}.json"
    path.write_text(json.dumps(config, indent=2) + "\n")
    return path


def up(project: Path, override: Path) -> dict:
    """`devcontainer up` (builds the image and starts the container), one build at a time;
    its JSON outcome. On failure the AssertionError carries the CLI's log."""
    command = [
        str(CLI), "up", "--workspace-folder", str(project), "--override-config", str(override),
        "--remove-existing-container",
    ]  # fmt: skip
    with build_lock():
        result = run(command, timeout=UP_TIMEOUT, check=False)
    outcome = _outcome(result)
    if result.returncode != 0 or outcome.get("outcome") != "success":
        raise AssertionError(
            f"devcontainer up failed ({outcome.get('message')})\n{result.stderr[-6000:]}"
        )
    return outcome


def exec_(
    project: Path, *command: str, timeout: float = 600, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """`devcontainer exec` as the config's remote user, in its workspace folder."""
    args = [str(CLI), "exec", "--workspace-folder", str(project), *command]
    return run(args, timeout=timeout, check=check)


def containers(project: Path) -> list[str]:
    label = f"label={FOLDER_LABEL}={project}"
    return docker("ps", "--all", "--quiet", "--filter", label).stdout.split()


def remove(project: Path) -> None:
    """Remove the dev container of `project`, its anonymous volumes and the image `up` built."""
    for container in containers(project):
        image = docker("inspect", "--format", "{{.Config.Image}}", container).stdout.strip()
        docker("rm", "--force", "--volumes", container, check=False)
        docker("rmi", "--force", image, check=False)


def _outcome(result: subprocess.CompletedProcess[str]) -> dict:
    """The CLI's last stdout line is its JSON outcome."""
    for line in reversed(result.stdout.splitlines()):
        try:
            return json.loads(line)
        except json.JSONDecodeError:
            continue
    return {}
