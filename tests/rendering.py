"""Render variants once per test session and share them between the tiers."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

from tests.variants import TEMPLATE_ROOT, Variant


class RenderedProject:
    """A project rendered from the template, with what the answers made of it."""

    def __init__(self, variant: Variant, path: Path, answers: dict) -> None:
        self.variant = variant
        self.path = path
        self.answers = answers

    def read(self, relative: str) -> str:
        return (self.path / relative).read_text()

    def files(self) -> set[str]:
        """Every file as a POSIX path relative to the project, VCS data and caches aside."""
        ignored = {".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache"}
        return {
            path.relative_to(self.path).as_posix()
            for path in self.path.rglob("*")
            if path.is_file() and not ignored.intersection(path.relative_to(self.path).parts)
        }

    def run(
        self, *command: str, cwd: Path | None = None, timeout: float = 600, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        return run(command, cwd=cwd or self.path, timeout=timeout, check=check)


def run(
    command: Sequence[str], *, cwd: Path, timeout: float = 600, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run a command; on failure, raise with its whole output so the test report shows why."""
    result = subprocess.run(
        list(command), cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"`{' '.join(command)}` exited {result.returncode} in {cwd}\n"
            f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
        )
    return result


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
