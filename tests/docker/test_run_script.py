"""Docker tier, run.sh: the dev image runs with the host's sources bind-mounted at /app,
its own venv (never a planted host .venv), and the arguments passed through, from any
working directory and from a path with a space in it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.support.build_lock import build_lock
from tests.support.docker_project import DockerProject
from tests.support.ports import free_port
from tests.support.variants import variant_params

pytestmark = pytest.mark.parametrize("variant", variant_params("use_run_script"))

PROBE = """
import json, os, sys
host_file = "/app/HOST_FILE.txt"
print(json.dumps({
    "argv": sys.argv[1:],
    "host_file": os.path.exists(host_file) and open(host_file).read(),
    "prefix": sys.prefix,
    "planted_venv": os.path.exists("/app/.venv/PLANTED_VENV_MARKER"),
    "uid": os.getuid(),
}))
"""


def run_script(project: DockerProject, script: Path, cwd: Path, *args: str) -> dict:
    env = {
        **os.environ,
        "RUN_BUILD_OPTS": " ".join(project.context_flags()),
        "RUN_IMAGE": project.session.new_tag(project.variant, "run-sh"),
        "RUN_PORT": str(free_port()),
    }
    with build_lock():
        result = subprocess.run(
            [str(script), "python", "-c", PROBE, *args],
            cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
            timeout=600, check=False,
        )  # fmt: skip
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_run_sh_mounts_the_sources_keeps_the_image_venv_and_passes_arguments(
    docker_project: DockerProject, tmp_path: Path
) -> None:
    for where in ("plain", "with a space"):
        project_dir = docker_project.copy(tmp_path / where / "project")
        (project_dir / ".venv").mkdir()
        (project_dir / ".venv" / "PLANTED_VENV_MARKER").write_text("host venv\n")
        (project_dir / "HOST_FILE.txt").write_text(f"written on the host ({where})\n")
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir(exist_ok=True)

        seen = run_script(
            docker_project, project_dir / "run.sh", elsewhere, "one", "two words", "--flag=x"
        )
        assert seen["argv"] == ["one", "two words", "--flag=x"]
        assert seen["host_file"] == f"written on the host ({where})\n"
        assert seen["prefix"] == "/app/.venv"
        assert seen["planted_venv"] is False
        assert seen["uid"] != 0
