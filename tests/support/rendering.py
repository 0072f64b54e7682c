"""Rendering and updating projects with Copier's API, and the projects it renders.

`copy_project` is the one render through Copier's API (tests, update tier, benchmark); the
`Renderer` renders each variant once per session through pytest-copie and shares it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import copier

from tests.support.commands import run
from tests.support.variants import TEMPLATE_ROOT, Variant

#: Not part of a project: VCS data and the caches other tiers leave behind.
NOT_PROJECT_FILES = {".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache"}
#: What a copy of a rendered project leaves out: tool caches from other tiers (git data stays).
COPY_IGNORE = shutil.ignore_patterns(".venv", "__pycache__", ".pytest_cache", ".ruff_cache")


def copier_options(data: dict[str, Any] | None, vcs_ref: str) -> dict[str, Any]:
    """What every render and update here passes: the answers, the defaults for the rest, the
    tasks trusted, Copier quiet, and never the user's Copier settings."""
    return {
        "data": data or {},
        "vcs_ref": vcs_ref,
        "defaults": True,
        "unsafe": True,
        "quiet": True,
        "settings": copier.Settings(),
    }


def copy_project(
    template: Path | str,
    dst: Path,
    *,
    vcs_ref: str = "HEAD",
    data: dict[str, Any] | None = None,
    tasks: bool = True,
) -> Path:
    """Render `template` at `vcs_ref` into `dst` with the defaults for what `data` leaves out.

    Never the user's Copier settings; tasks (uv lock, git init) run unless tasks=False.
    """
    copier.run_copy(str(template), dst, skip_tasks=not tasks, **copier_options(data, vcs_ref))
    return dst


def update_project(
    dst: Path, *, vcs_ref: str = "HEAD", data: dict[str, Any] | None = None, **options: Any
) -> None:
    """`copier update` of `dst` to `vcs_ref`, conflicts inline, the defaults for new questions."""
    copier.run_update(
        dst, overwrite=True, conflict="inline", **copier_options(data, vcs_ref), **options
    )


def project_files(root: Path) -> set[str]:
    """Every file as a POSIX path relative to `root`, VCS data and caches aside."""
    return {
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and not NOT_PROJECT_FILES.intersection(path.relative_to(root).parts)
    }


def copy_rendered(source: Path, dest: Path) -> Path:
    """A copy of a rendered project (git data included) that a test may change freely."""
    shutil.copytree(source, dest, symlinks=True, ignore=COPY_IGNORE)
    return dest


class RenderedProject:
    """A project rendered from the template, with what the answers made of it."""

    def __init__(self, variant: Variant, path: Path, answers: dict) -> None:
        self.variant = variant
        self.path = path
        self.answers = answers

    def read(self, relative: str) -> str:
        return (self.path / relative).read_text()

    def files(self) -> set[str]:
        return project_files(self.path)

    def run(
        self, *command: str, cwd: Path | None = None, timeout: float = 600, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        return run(command, cwd=cwd or self.path, timeout=timeout, check=check)


class Renderer:
    """Renders through pytest-copie, once per variant and session."""

    def __init__(self, copie_session) -> None:
        self.copie = copie_session
        self.cache: dict[str, RenderedProject] = {}

    def __call__(self, variant: Variant) -> RenderedProject:
        if variant.id not in self.cache:
            result = self.copie.copy(extra_answers=variant.answers, template_dir=TEMPLATE_ROOT)
            if result.exit_code != 0 or result.exception is not None:
                raise AssertionError(f"rendering {variant.id} failed: {result.exception!r}")
            self.cache[variant.id] = RenderedProject(variant, result.project_dir, result.answers)
        return self.cache[variant.id]
