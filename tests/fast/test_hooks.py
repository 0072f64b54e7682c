"""The copy tasks in hooks/: idempotent, and one clear line when they cannot run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.commands import run
from tests.support.variants import TEMPLATE_ROOT

HOOKS = TEMPLATE_ROOT / "hooks"


def hook(name: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(HOOKS / name)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **env},
    )


def test_lock_hook_leaves_a_current_lock_alone(project_copy: Path) -> None:
    before = (project_copy / "uv.lock").read_bytes()
    result = hook("lock_dependencies.py", project_copy)
    assert result.stdout == "lock: uv.lock already matches pyproject.toml\n"
    assert (project_copy / "uv.lock").read_bytes() == before


def test_lock_hook_relocks_after_pyproject_changed(project_copy: Path) -> None:
    pyproject = project_copy / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('version = "0.1.0"', 'version = "0.2.0"'))
    assert hook("lock_dependencies.py", project_copy).stdout == "lock: wrote uv.lock\n"
    assert 'version = "0.2.0"' in (project_copy / "uv.lock").read_text()


def test_lock_hook_without_uv_says_so_in_one_line(project_copy: Path) -> None:
    (project_copy / "uv.lock").unlink()
    result = hook(
        "lock_dependencies.py",
        project_copy,
        PATH=str(Path(sys.executable).parent.parent / "nowhere"),
    )
    assert result.stdout.count("\n") == 1
    assert "uv is not installed" in result.stdout
    assert not (project_copy / "uv.lock").exists()


@pytest.mark.parametrize(
    ("old", "new", "env"),
    [
        # No interpreter here satisfies it, and uv may not download one: uv's one error line
        # and its hint.
        (r'requires-python = ".*"', 'requires-python = ">=3.99"', {"UV_PYTHON_DOWNLOADS": "never"}),
        # Offline, a package not in uv's cache: the cause is on the line after uv's error line.
        (r"dependencies = \[", 'dependencies = [ "zz-not-in-any-cache>=1",', {"UV_OFFLINE": "1"}),
    ],
    ids=["no-interpreter", "offline-unknown-package"],
)  # fmt: skip
def test_failed_lock_shows_uvs_own_lines_and_what_it_blocks(
    project_copy: Path, old: str, new: str, env: dict[str, str]
) -> None:
    pyproject = project_copy / "pyproject.toml"
    changed, count = re.subn(old, new, pyproject.read_text(), count=1)
    assert count == 1, old
    pyproject.write_text(changed)
    (project_copy / "uv.lock").unlink()
    uv = run(["uv", "lock"], cwd=project_copy, check=False, env={**os.environ, **env})
    assert uv.returncode != 0
    uv_lines = [line.rstrip() for line in uv.stderr.splitlines() if line.strip()][-10:]
    assert len(uv_lines) >= 2, uv.stderr  # a cause or a hint beyond the first error line

    out = hook("lock_dependencies.py", project_copy, **env).stdout
    shown = [line.strip() for line in out.splitlines()]
    for line in uv_lines:
        assert line.strip() in shown, (line, out)
    assert "the image will not build" in out
    assert "until `uv lock` succeeds" in out
    assert f"run `uv lock` in {project_copy}" in out
    assert not (project_copy / "uv.lock").exists()


def test_git_hook_is_idempotent(project_copy: Path) -> None:
    shutil.rmtree(project_copy / ".git")
    first = hook("init_git.py", project_copy)
    assert first.stdout == "git: repository created with a first commit\n"
    second = hook("init_git.py", project_copy)
    assert "already inside a git repository" in second.stdout
    log = subprocess.run(
        ["git", "log", "--oneline"], cwd=project_copy, capture_output=True, text=True, check=True
    )
    assert len(log.stdout.splitlines()) == 1


def test_git_hook_without_identity_says_so(project_copy: Path, tmp_path: Path) -> None:
    shutil.rmtree(project_copy / ".git")
    # No identity, and git may not guess one from the host name either.
    empty = tmp_path / "no-identity-gitconfig"
    empty.write_text("[user]\n\tuseConfigOnly = true\n")
    result = hook(
        "init_git.py",
        project_copy,
        GIT_CONFIG_GLOBAL=str(empty),
        HOME=str(tmp_path),
        EMAIL="",
        GIT_AUTHOR_NAME="",
    )
    assert result.stdout.count("\n") == 1
    assert "not committed" in result.stdout
    assert (project_copy / ".git").is_dir()


def test_conflict_report_names_unmerged_files(project_copy: Path) -> None:
    assert hook("report_conflicts.py", project_copy).stdout == (
        "update: merged without conflicts; review `git diff`, then commit\n"
    )
    # Make Dockerfile unmerged the way a conflicting merge does.
    git = ["git", "-C", str(project_copy)]
    subprocess.run([*git, "checkout", "-q", "-b", "theirs"], check=True)
    (project_copy / "Dockerfile").write_text("FROM theirs\n")
    subprocess.run([*git, "commit", "-qam", "theirs"], check=True)
    subprocess.run([*git, "checkout", "-q", "main"], check=True)
    (project_copy / "Dockerfile").write_text("FROM ours\n")
    subprocess.run([*git, "commit", "-qam", "ours"], check=True)
    subprocess.run([*git, "merge", "-q", "theirs"], capture_output=True, check=False)
    result = hook("report_conflicts.py", project_copy)
    assert result.stdout.startswith("update: conflicts in Dockerfile: resolve")
    assert result.stdout.count("\n") == 1
