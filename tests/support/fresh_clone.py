"""What a fresh clone of a rendered project holds, and what its image build sees: the rendered
files that template/.gitignore keeps out of the first commit (a clone lacks them), and those that
template/.dockerignore keeps out of the build context. Both should be none of the project's own."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.support.rendering import NOT_PROJECT_FILES


def rendered_files(project: Path) -> set[str]:
    return {
        str(path.relative_to(project))
        for path in project.rglob("*")
        if path.is_file() and not NOT_PROJECT_FILES & set(path.relative_to(project).parts)
    }


def left_out_of_a_clone(project: Path) -> set[str]:
    """The rendered files `git add -A` leaves out: a clone of the first commit lacks them.
    Stages into a scratch index, so the project's own index and history stay as they are."""
    if not (project / ".git").exists():
        subprocess.run(["git", "init", "-q", str(project)], check=True)
    index = project / ".git" / "scratch-index"
    env = {"GIT_INDEX_FILE": str(index), "PATH": "/usr/bin:/bin"}
    git = ["git", "-C", str(project)]
    try:
        subprocess.run([*git, "add", "-A"], check=True, env=env)
        listed = subprocess.run(
            [*git, "ls-files", "-z"], check=True, env=env, capture_output=True, text=True
        ).stdout
    finally:
        index.unlink(missing_ok=True)
    return rendered_files(project) - set(filter(None, listed.split("\0")))


def docker_pattern(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern as Docker matches it (moby/patternmatcher): from the context's
    root, `**` for any folders, and a matched folder takes everything under it."""
    pattern, regex, i = pattern.strip().lstrip("/").rstrip("/"), "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            regex, i = regex + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            regex, i = regex + ".*", i + 2
        elif pattern[i] == "[":
            end = pattern.index("]", i)
            regex, i = regex + pattern[i : end + 1], end + 1
        else:
            regex += {"*": "[^/]*", "?": "[^/]"}.get(pattern[i], re.escape(pattern[i]))
            i += 1
    return re.compile(regex + r"(?:/.*)?\Z")


def left_out_of_the_build_context(project: Path) -> set[str]:
    """The rendered files .dockerignore keeps out of `docker build`'s context."""
    rules = [
        (line.startswith("!"), docker_pattern(line.removeprefix("!")))
        for line in (project / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    left_out = set()
    for name in rendered_files(project):
        verdict = False
        for exception, pattern in rules:  # the last pattern that matches decides
            if pattern.match(name):
                verdict = not exception
        if verdict:
            left_out.add(name)
    return left_out
