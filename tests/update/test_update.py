"""Update tier: `copier update` between releases, on real git repositories in temporary dirs.

Projects rendered from the temporary releases 0.1.0, 0.2.0 and 0.3.0 of
tests/support/update_scenario.py (the `releases` fixture) are updated between them.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from copier.errors import UserMessageError

from tests.support.commands import git, run
from tests.support.copier_cli import copier
from tests.support.expected_files import expected_files
from tests.support.releases import (
    TemplateRepo,
    commit_all,
    conflicted_files,
    edit_file,
    has_markers,
    rej_files,
    status,
    tree_bytes,
)
from tests.support.rendering import project_files, update_project
from tests.support.update_scenario import (
    OLD_ENV_LINE,
    PACKAGE,
    lock_is_current,
    make_user_edits,
    migration_log,
    new_project,
)
from tests.support.variants import Variant


def test_release_brings_template_changes_and_keeps_the_projects_own(
    releases: TemplateRepo, tmp_path: Path, capfd
) -> None:
    project = new_project(releases, tmp_path)
    assert run(["head", "-1", "run.sh"], cwd=project).stdout == "#!/bin/sh\n", "run.sh changed"
    make_user_edits(project)
    capfd.readouterr()

    update_project(project, vcs_ref="0.2.0")

    # Tasks and migrations are quiet: one line per hook, no traceback (quiet=True hides Copier).
    printed = [line for line in capfd.readouterr().out.splitlines() if line.strip()]
    assert all(line.startswith(("lock:", "update:", "migration 0.2.0:")) for line in printed), (
        printed
    )
    assert "lock: wrote uv.lock" in printed  # pyproject.toml changed on both sides
    assert "update: merged without conflicts; review `git diff`, then commit" in printed

    dockerfile = (project / "Dockerfile").read_text()
    assert "PYTHONFAULTHANDLER=1" in dockerfile  # the template's line arrived
    assert dockerfile.endswith('LABEL com.example.team="payments"\n')  # ours stayed
    assert "*.rej" in (project / ".dockerignore").read_text()
    assert "- .pytest_cache/" in (project / "compose.yaml").read_text()
    assert (project / ".editorconfig").is_file()
    assert (project / "README.md").read_text().endswith("On call: payments.\n")
    assert '@app.get("/invoices")' in (project / "src" / PACKAGE / "app.py").read_text()
    assert (project / "src" / PACKAGE / "billing.py").read_text().endswith("RATE = 3\n")
    # The rename migration carried run.sh, with our edit, to dev.sh.
    assert not (project / "run.sh").exists()
    assert "# team: payments" in (project / "dev.sh").read_text()
    pyproject = (project / "pyproject.toml").read_text()
    assert '"rich>=' in pyproject
    assert '"pytest-cov>=5"' in pyproject
    lock = (project / "uv.lock").read_text()
    assert 'name = "rich"' in lock
    assert 'name = "pytest-cov"' in lock
    assert lock_is_current(project)
    assert rej_files(project) == []
    assert conflicted_files(project) == []

    # Nothing lost: only these files changed, and no line of ours was removed.
    changed = {line[3:] for line in status(project)}
    assert changed == {
        ".copier-answers.yml", ".dockerignore", "Dockerfile", "compose.yaml", "pyproject.toml",
        "uv.lock", ".editorconfig", "run.sh", "dev.sh",
    }  # fmt: skip
    removed = git("diff", "--numstat", "HEAD", "--", ".", ":!run.sh", ":!.copier-answers.yml",
                  cwd=project)  # fmt: skip
    for line in removed.splitlines():
        _added, deleted, name = line.split("\t")
        if name != "uv.lock":
            # The Dockerfile's one changed line is the template's; nothing else lost a line.
            assert deleted == "0" or (name == "Dockerfile" and deleted == "1"), line


def test_both_sides_changed_a_line_gives_inline_markers_and_an_unmerged_file(
    releases: TemplateRepo, tmp_path: Path
) -> None:
    project = new_project(releases, tmp_path)
    ours = "    PYTHONUNBUFFERED=1 PYTHONOPTIMIZE=1 \\\n"
    edit_file(project / "Dockerfile", lambda text: text.replace(OLD_ENV_LINE, ours, 1))
    commit_all(project, "optimise")

    result = copier(
        "update", "--trust", "--defaults", "-r", "0.2.0", "--conflict", "inline", cwd=project
    )

    # Copier 9.19.1 exits 0 and prints nothing about the conflict; the template's
    # after-update migration (hooks/report_conflicts.py) says so, and so does git:
    # the file holds both texts between markers and is unmerged (`git status`: UU).
    assert result.returncode == 0, result.stderr
    assert "update: conflicts in Dockerfile: resolve" in result.stdout + result.stderr
    dockerfile = (project / "Dockerfile").read_text()
    assert has_markers(dockerfile)
    assert "PYTHONOPTIMIZE=1" in dockerfile
    assert "PYTHONFAULTHANDLER=1" in dockerfile
    assert conflicted_files(project) == ["Dockerfile"]
    assert "UU Dockerfile" in status(project)
    assert rej_files(project) == []


def test_a_project_with_uncommitted_changes_is_refused_and_untouched(
    releases: TemplateRepo, tmp_path: Path
) -> None:
    project = new_project(releases, tmp_path)
    edit_file(project / "README.md", lambda text: text + "work in progress\n")
    (project / "notes.txt").write_text("untracked\n")
    before = tree_bytes(project)

    with pytest.raises(UserMessageError, match="Destination repository is dirty"):
        update_project(project, vcs_ref="0.2.0")

    assert tree_bytes(project) == before


SWITCHES = [
    pytest.param({"use_compose": False}, {"use_compose": True}, id="compose-off-on"),
    pytest.param({"use_run_script": False}, {"use_run_script": True}, id="run-sh-off-on"),
    pytest.param({"service_kind": "cli"}, {"service_kind": "web"}, id="kind-web-cli-web"),
    pytest.param({"image_layout": "uv-image"}, {"image_layout": "multistage"}, id="layout-switch"),
]  # fmt: skip


@pytest.mark.parametrize(("first", "back"), SWITCHES)
def test_changing_an_answer_adds_and_removes_exactly_the_right_files(
    releases: TemplateRepo, tmp_path: Path, first: dict, back: dict
) -> None:
    project = new_project(releases, tmp_path)
    answers = {"project_name": "my-service"}
    for data in (first, back):
        pyproject_before = (project / "pyproject.toml").read_bytes()
        lock_before = (project / "uv.lock").read_bytes()

        update_project(project, vcs_ref="0.1.0", data=data)

        expected = expected_files(Variant("switched", data), answers) | {"uv.lock"}
        assert project_files(project) == expected
        assert rej_files(project) == []
        assert lock_is_current(project)
        if (project / "pyproject.toml").read_bytes() == pyproject_before:
            # The lock belongs to the project: an update that leaves pyproject.toml alone
            # leaves uv.lock byte for byte.
            assert (project / "uv.lock").read_bytes() == lock_before
        commit_all(project, f"answer {data}")


def test_the_rename_migration_runs_across_its_own_release_only(
    releases: TemplateRepo, tmp_path: Path
) -> None:
    log_before = migration_log(releases)
    old = new_project(releases, tmp_path / "from-0.1.0")
    update_project(old, vcs_ref="0.2.0")
    commit_all(old, "0.2.0")
    update_project(old, vcs_ref="0.3.0")
    commit_all(old, "0.3.0")
    assert "charset = utf-8" in (old / ".editorconfig").read_text()
    newer = new_project(releases, tmp_path / "from-0.2.0", vcs_ref="0.2.0")
    update_project(newer, vcs_ref="0.3.0")

    assert migration_log(releases)[len(log_before) :] == ["0.1.0 -> 0.2.0"]
    for project in (old, newer):
        assert (project / "dev.sh").is_file()
        assert not (project / "run.sh").exists()


def test_a_pending_update_is_detected_without_applying_it(
    releases: TemplateRepo, tmp_path: Path
) -> None:
    project = new_project(releases, tmp_path)
    before = tree_bytes(project)

    report = copier("check-update", "--output-format", "json", cwd=project, check=True)
    quiet = copier("check-update", "--quiet", cwd=project)

    pending = json.loads(report.stdout)
    assert pending["update_available"] is True
    assert pending["current_version"] == "0.1.0"
    assert pending["latest_version"] == "0.3.0"
    assert quiet.returncode == 2
    assert tree_bytes(project) == before

    update_project(project, vcs_ref="0.3.0")
    commit_all(project, "0.3.0")
    assert copier("check-update", "--quiet", cwd=project).returncode == 0


def test_the_lock_task_is_idempotent_when_run_again(releases: TemplateRepo, tmp_path: Path) -> None:
    # Copier runs tasks in its scratch renders too (pitfall 3); the lock hook must never
    # rewrite a current lock, and must say what it did in one line.
    project = new_project(releases, tmp_path)
    lock = (project / "uv.lock").read_bytes()
    hook = releases.path / "hooks" / "lock_dependencies.py"
    again = run([sys.executable, str(hook)], cwd=project)
    assert again.stdout == "lock: uv.lock already matches pyproject.toml\n"
    assert (project / "uv.lock").read_bytes() == lock
    assert status(project) == []
    shutil.rmtree(project)
