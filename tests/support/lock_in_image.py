"""Write a rendered project's missing uv.lock with uv and the project's own Python, in Docker.

The render's lock task runs `uv lock` on the host; for a Python this machine has no
interpreter of (3.14, 3.15) and cannot download, it says so and leaves no uv.lock (a user's
machine would let uv download that Python). The Docker tier then locks inside the local
stand-in of uv's derived image for that Python (`uv:X-pythonM.N-trixie-slim`), which is what
the task would have done with a downloaded interpreter, and amends the project's first commit
so the project looks as the task would have left it.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.commands import run
from tests.support.rendering import RenderedProject
from tests.support.standins import local_image

__all__ = ["lock_in_image", "uv_lock_in_image"]


def uv_lock_in_image(path: Path, python: str, uv_version: str) -> None:
    """Run `uv lock` for the project at `path` in the uv stand-in for Python `python`."""
    image = local_image(
        f"ghcr.io/astral-sh/uv:{uv_version}-python{python}-trixie-slim", uv_version=uv_version
    )
    run(
        [
            "docker", "run", "--rm", "--volume", f"{path}:/src", "--workdir", "/src",
            "--env", "UV_PYTHON_DOWNLOADS=never", image, "uv", "lock",
        ],
        cwd=path, timeout=600,
    )  # fmt: skip


def lock_in_image(project: RenderedProject, python: str, uv_version: str) -> None:
    """Write `project`'s missing uv.lock in the uv stand-in for Python `python` and amend its
    first commit with it; a no-op when the render's task wrote one."""
    if (project.path / "uv.lock").is_file():
        return
    uv_lock_in_image(project.path, python, uv_version)
    if (project.path / ".git").is_dir():
        run(["git", "add", "uv.lock"], cwd=project.path)
        run(["git", "commit", "--amend", "--no-edit", "--quiet"], cwd=project.path)
