"""Copier task, on copy only: make the new project a git repository with a first commit.

`copier update` needs a clean git repository, so the project starts as one. Idempotent:
inside an existing repository (a monorepo, or a second run) it does nothing. Without git,
or without a git identity for the commit, it says so in one line and exits 0.
"""

import shutil
import subprocess
import sys


def git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], capture_output=True, text=True, check=False)


def main() -> int:
    if shutil.which("git") is None:
        print("git: git is not installed; run `git init` in the project once it is")
        return 0
    if git("rev-parse", "--is-inside-work-tree").returncode == 0:
        print("git: already inside a git repository; leaving it as it is")
        return 0
    if git("init", "--initial-branch=main").returncode != 0:
        print("git: `git init` failed; initialise the repository yourself")
        return 0
    git("add", "--all")
    commit = git("commit", "--quiet", "--message", "Start from the copier-uv-docker template")
    if commit.returncode != 0:
        print("git: repository created but not committed; set user.name and user.email")
        return 0
    print("git: repository created with a first commit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
