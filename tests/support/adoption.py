"""Adopting an existing uv project: the fixture projects and the README's one command.

The fixtures (tests/fixtures/adopt/) are small services of the shapes teams have: a flat `app/`
FastAPI package without tests, a src-layout package with tests and a console script, a Flask
(WSGI) app. Each is copied into a git repository of its own and adopted with the command of
the README's "Adopting an existing service", as written there but for the template's address
and the shape's answers.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.commands import git, run
from tests.support.copier_cli import COPIER
from tests.support.readme_example import code_blocks
from tests.support.releases import commit_all
from tests.support.variants import TEMPLATE_ROOT

FIXTURES = TEMPLATE_ROOT / "tests" / "fixtures" / "adopt"
README_SECTION = "Adopting an existing service"
#: The README's example answers: its own line of the command, swapped for each shape's.
README_ANSWERS = "-d project_name=items-api -d web_app=app.main:app"
README_TEMPLATE = "gh:ORG/copier-uv-docker"
#: What the template adds to an adopted service with the defaults (catalog-info.yaml is off).
ADDED = {
    ".copier-answers.yml",
    ".devcontainer/devcontainer.json",
    ".dockerignore",
    ".github/workflows/ci.yml",
    ".github/workflows/release.yml",
    ".github/workflows/template-update.yml",
    ".pre-commit-config.yaml",
    "Dockerfile",
    "compose.yaml",
    "docker-bake.hcl",
    "renovate.json",
    "run.sh",
}


@dataclass(frozen=True)
class Shape:
    """A fixture project, the answers that adopt it, and what its own service answers."""

    name: str
    answers: dict[str, str]
    #: {route: what it answers as JSON, or text} for a web service.
    routes: dict[str, object] = field(default_factory=dict)
    #: Arguments and the line the console script prints, for a cli.
    run_args: tuple[str, ...] = ()
    prints: str = ""
    has_tests: bool = False

    @property
    def source(self) -> Path:
        return FIXTURES / self.name

    @property
    def web(self) -> bool:
        return self.answers.get("service_kind", "web") == "web"


SHAPES = [
    Shape(
        "items-api",
        {"project_name": "items-api", "web_app": "app.main:app"},
        routes={"/items": {"1": "hammer", "2": "saw"}, "/items/2": {"name": "saw"}},
    ),
    Shape(
        "greeter",
        {"project_name": "greeter", "service_kind": "cli", "console_script": "py-app"},
        run_args=("Ada",),
        prints="Hello, Ada!",
        has_tests=True,
    ),
    Shape(
        "notes",
        {
            "project_name": "notes",
            "web_server": "gunicorn",
            "web_app": "notes.wsgi:app",
            "health_path": "/ping",
        },
        routes={"/notes": ["buy milk"], "/ping": "pong"},
        has_tests=True,
    ),
]


def team_repository(shape: Shape, dst: Path) -> Path:
    """The shape's files in a git repository of their own, committed: the team's service."""
    shutil.copytree(shape.source, dst)
    git("init", "--quiet", "--initial-branch=main", cwd=dst)
    commit_all(dst, "the team's service")
    return dst


def team_files(shape: Shape) -> dict[str, bytes]:
    """{path: bytes} of every file the team owns."""
    root = shape.source
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def readme_command() -> str:
    """The README's adoption command, as one shell text."""
    readme = (TEMPLATE_ROOT / "README.md").read_text()
    blocks = code_blocks(readme, README_SECTION, "sh")
    assert len(blocks) == 1, blocks
    return blocks[0]


def adopt(
    project: Path, template: Path, answers: dict[str, str], *, vcs_ref: str = "0.1.0"
) -> subprocess.CompletedProcess[str]:
    """Run the README's command in `project` with `answers`, from `template` at `vcs_ref`."""
    command = readme_command()
    assert README_ANSWERS in command, command
    assert README_TEMPLATE in command, command
    data = " ".join(f"-d {shlex.quote(f'{name}={value}')}" for name, value in answers.items())
    command = (
        command.replace("uvx copier", COPIER)
        .replace(README_ANSWERS, data)
        .replace(README_TEMPLATE, f"--vcs-ref {vcs_ref} {template}")
    )
    return run(["sh", "-c", command], cwd=project, check=False, timeout=600)
