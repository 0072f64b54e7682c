"""Adoption refuses, before anything is written, what it cannot adopt, and says why in one line.

The README's command, run in a committed git repository of each kind it refuses: no
pyproject.toml, a requirements.txt project, a project without uv.lock, uncommitted changes; and
the adoption answers just outside their validators. The repository (git data included) must be
byte for byte as it was, and the error's last line must say what to do.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.adoption import SHAPES, adopt, team_repository
from tests.support.commands import git
from tests.support.releases import commit_all, tree_bytes

ITEMS = SHAPES[0]
CLI = SHAPES[1]


@pytest.fixture(scope="module")
def template(releases) -> Path:
    return releases.path


def refused(project: Path, template: Path, answers: dict[str, str]) -> str:
    """The last line of the refusal; the project must be exactly as it was."""
    before = tree_bytes(project)
    result = adopt(project, template, answers)
    assert result.returncode != 0, result.stdout + result.stderr
    assert tree_bytes(project) == before
    return result.stderr.strip().splitlines()[-1]


def repository(tmp_path: Path, files: dict[str, str]) -> Path:
    project = tmp_path / "service"
    project.mkdir()
    for name, text in files.items():
        (project / name).write_text(text)
    git("init", "--quiet", "--initial-branch=main", cwd=project)
    commit_all(project, "the team's service", allow_empty=True)
    return project


def test_a_directory_without_pyproject_is_refused(template, tmp_path) -> None:
    project = repository(tmp_path, {"main.py": "print('hi')\n"})
    line = refused(project, template, ITEMS.answers)
    assert line.endswith("has no pyproject.toml: existing_project adopts a uv project there "
                         "(leave it off to start a new service).")  # fmt: skip


def test_a_requirements_txt_project_is_told_how_uv_converts_it(template, tmp_path) -> None:
    project = repository(tmp_path, {"requirements.txt": "flask>=3\n", "app.py": ""})
    line = refused(project, template, ITEMS.answers)
    assert "requirements.txt and no pyproject.toml" in line
    assert "`uv init --bare` and `uv add -r requirements.txt`" in line


def test_a_project_without_a_lock_is_refused(template, tmp_path) -> None:
    pyproject = '[project]\nname = "x"\nversion = "0"\n'
    project = repository(tmp_path, {"pyproject.toml": pyproject})
    assert "has no uv.lock, so uv does not manage it yet: run `uv lock`" in refused(
        project, template, ITEMS.answers
    )


def test_uncommitted_changes_are_refused(template, tmp_path) -> None:
    project = team_repository(ITEMS, tmp_path / "items")
    (project / "app" / "main.py").write_text("# an edit not yet committed\n")
    assert refused(project, template, ITEMS.answers) == "adopt: commit or stash your changes first"


@pytest.mark.parametrize(
    ("shape", "question", "answer", "message"),
    [
        (ITEMS, "web_app", "app/main.py", "Give the application as module:attribute"),
        (ITEMS, "web_app", "app.main", "Give the application as module:attribute"),
        (ITEMS, "health_path", "health", "Give a path starting with /"),
        (ITEMS, "health_path", "/health?full=1", "Give a path starting with /"),
        (ITEMS, "health_path", "/it's", "Give a path starting with /"),
        (CLI, "console_script", "py app", "Give the name of a console script"),
        (CLI, "console_script", "-py-app", "Give the name of a console script"),
        (ITEMS, "existing_project", "perhaps", "Answer yes or no"),
    ],
)
def test_an_adoption_answer_outside_its_validator_is_refused(
    shape, question, answer, message, template, tmp_path
) -> None:
    project = team_repository(shape, tmp_path / shape.name)
    line = refused(project, template, {**shape.answers, question: answer})
    assert f"Validation error for question '{question}': {message}" in line
