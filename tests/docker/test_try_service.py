"""The README's first command: render a service with the defaults, build it and run it."""

from __future__ import annotations

import subprocess
import sys

from tests.support.ports import free_port
from tests.support.variants import TEMPLATE_ROOT, default_of


def test_try_service_renders_builds_and_serves(docker_engine, tmp_path) -> None:
    destination = tmp_path / "my service"  # a path with a space
    name = default_of("project_name")
    try:
        # The script takes the build lock itself, around its build only.
        result = subprocess.run(
            [sys.executable, str(TEMPLATE_ROOT / "scripts" / "try_service.py"),
             str(destination), "--port", str(free_port())],
            capture_output=True, text=True, timeout=900, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"{name} is healthy" in result.stdout
        assert "{'status': 'ok'}" in result.stdout
        assert (destination / "uv.lock").is_file()
    finally:
        subprocess.run(["docker", "rm", "--force", name], capture_output=True, check=False)
        subprocess.run(
            ["docker", "image", "rm", f"{name}:latest"], capture_output=True, check=False
        )
