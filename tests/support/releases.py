"""Temporary git repositories of the template and of projects rendered from it (update tests).

Never render an update test from the template's own tree: a dirty HEAD copy records a commit
that exists only in Copier's throwaway clone (a later update fails with "Unknown revision"), and
Copier picks the latest tag, not the working tree. A snapshot of the template is committed and
tagged in a temporary repository, and projects are rendered from those tags.

`RELEASES.toml` maps each release to the commit it was tagged on; "HEAD" means the current,
untagged state (the working tree, uncommitted edits included). Tags may not travel to a fresh
CI clone, so the tests tag the temporary repository themselves.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from packaging.version import Version

from tests.support.commands import git, run
from tests.support.rendering import copy_project, project_files
from tests.support.variants import TEMPLATE_ROOT

#: What a snapshot of the template holds: the parts Copier reads.
TEMPLATE_PARTS = ("copier.yml", "validators.jinja", "dockerfile_macros.jinja", "template", "hooks")
RELEASES_FILE = TEMPLATE_ROOT / "RELEASES.toml"
#: The change the update target ("HEAD+1") makes to the template now: a line in .gitignore.
NEWER_COMMIT_LINE = "# copier-uv-docker update test: this line comes from the newer commit\n"


def release_commits() -> dict[str, str]:
    """{version: commit or "HEAD"}, oldest first."""
    table = tomllib.loads(RELEASES_FILE.read_text())["releases"]
    return dict(sorted(table.items(), key=lambda item: Version(item[0])))


def snapshot(ref: str = "HEAD") -> dict[str, bytes]:
    """The template's files at a commit of this repository, or ("HEAD") as they are now.

    "HEAD" takes the working tree: tracked files with their current contents plus new files
    not yet committed (ignored ones aside), so uncommitted work is tested too.
    """
    if ref == "HEAD":
        listed = git(
            "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--",
            *TEMPLATE_PARTS, cwd=TEMPLATE_ROOT,
        )  # fmt: skip
        names = sorted({name for name in listed.split("\0") if name})
        return {
            name: (TEMPLATE_ROOT / name).read_bytes()
            for name in names
            if (TEMPLATE_ROOT / name).is_file()
        }
    listed = git(
        "ls-tree", "-r", "-z", "--name-only", ref, "--", *TEMPLATE_PARTS, cwd=TEMPLATE_ROOT
    )
    files = {}
    for name in filter(None, listed.split("\0")):
        files[name] = subprocess.run(
            ["git", "show", f"{ref}:{name}"], cwd=TEMPLATE_ROOT, capture_output=True, check=True
        ).stdout
    return files


def commit_exists(commit: str) -> bool:
    """Whether this clone has `commit` (a shallow CI clone may not)."""
    probe = run(["git", "cat-file", "-e", f"{commit}^{{commit}}"], cwd=TEMPLATE_ROOT, check=False)
    return probe.returncode == 0


def executable_in_working_tree(name: str) -> bool:
    path = TEMPLATE_ROOT / name
    return path.is_file() and bool(path.stat().st_mode & 0o111)


class TemplateRepo:
    """A git repository holding a copy of the template, committed and tagged by the test."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        git("init", "--quiet", "--initial-branch=main", cwd=path)

    def put(self, files: dict[str, bytes]) -> None:
        """Replace the template parts with `files`."""
        for part in TEMPLATE_PARTS:
            target = self.path / part
            if target.is_dir():
                git("rm", "-r", "--quiet", "--", part, cwd=self.path, check=False)
            elif target.exists():
                target.unlink()
        for name, content in files.items():
            target = self.path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            if executable_in_working_tree(name):
                target.chmod(0o755)

    def read(self, name: str) -> str:
        return (self.path / name).read_text()

    def write(self, name: str, text: str) -> None:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)

    def edit(self, name: str, old: str, new: str) -> None:
        """Replace `old` (which must be there exactly once) by `new` in a template file."""
        text = self.read(name)
        assert text.count(old) == 1, f"{name}: expected {old!r} once; the template changed"
        self.write(name, text.replace(old, new))

    def rename(self, old: str, new: str) -> None:
        git("mv", old, new, cwd=self.path)

    def commit(self, message: str, tag: str | None = None) -> str:
        git("add", "--all", cwd=self.path)
        git("commit", "--quiet", "--allow-empty", "-m", message, cwd=self.path)
        if tag:
            git("tag", tag, cwd=self.path)
        return git("rev-parse", "HEAD", cwd=self.path).strip()


def render_release(
    template: TemplateRepo, dst: Path, *, vcs_ref: str, data: dict[str, Any] | None = None
) -> Path:
    """Render `template` at `vcs_ref` into `dst`, tasks included, then commit it all."""
    copy_project(template.path, dst, vcs_ref=vcs_ref, data=data)
    # The init_git task made the first commit; commit anything it left (it should be nothing).
    commit_all(dst, "render", allow_empty=True)
    return dst


def commit_all(dst: Path, message: str, *, allow_empty: bool = False) -> None:
    git("add", "--all", cwd=dst)
    extra = ["--allow-empty"] if allow_empty else []
    git("commit", "--quiet", *extra, "-m", message, cwd=dst)


def status(dst: Path) -> list[str]:
    """`git status --porcelain` lines, untracked and ignored files included."""
    out = git("status", "--porcelain", "--untracked-files=all", cwd=dst)
    return [line for line in out.splitlines() if line]


def tree_bytes(dst: Path) -> dict[str, bytes]:
    """Every file of the project including .git, byte for byte (to prove nothing changed)."""
    return {
        path.relative_to(dst).as_posix(): path.read_bytes()
        for path in sorted(dst.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


def edit_file(path: Path, change: Callable[[str], str]) -> None:
    path.write_text(change(path.read_text()))


def rej_files(dst: Path) -> list[str]:
    return sorted(name for name in project_files(dst) if name.endswith(".rej"))


def conflicted_files(dst: Path) -> list[str]:
    """Files Copier marked unmerged in the index (its inline-conflict signal)."""
    out = git("diff", "--name-only", "--diff-filter=U", cwd=dst)
    return sorted(set(out.split()))


_MARKERS = re.compile(r"^<<<<<<< before updating$.*?^>>>>>>> after updating$", re.M | re.S)


def has_markers(text: str) -> bool:
    """Copier's inline conflict: both markers at the start of their own lines.

    A file may quote a marker in its text (the template-update workflow tells owners what to
    look for), so a bare substring is not a conflict.
    """
    return _MARKERS.search(text) is not None
