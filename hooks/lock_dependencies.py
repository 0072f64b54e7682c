"""Copier task: write uv.lock so the rendered project builds with `uv sync --locked`.

Runs in the rendered project (its working directory). Idempotent: a lock that already
matches pyproject.toml is left alone, so `copier update` re-locks only when the template
or the user changed pyproject.toml. When uv or the network is missing it says so in one
line and exits 0: the project is still usable, and `uv lock` can be run later. When `uv lock`
itself fails, uv's own last lines follow (its cause lines say why; a paraphrase would hide them).
"""

import shutil
import subprocess
import sys
from pathlib import Path


def run_uv(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["uv", *args], capture_output=True, text=True, check=False)


def reason(result: subprocess.CompletedProcess[str]) -> str:
    """The line of a failed command's output that says why: uv's `error:` or cross-marked
    line, else the first line (a shell's or a version manager's shim's "command not found")."""
    output = result.stderr or result.stdout
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    for line in lines:
        if line.startswith(("error:", "\u00d7")):  # uv's "error:" and its "\u00d7" cause lines
            return line
    return lines[0] if lines else f"exit status {result.returncode}"


#: How many of uv's last output lines a failed lock shows: its error and cause chain, and hints.
UV_LINES = 10


def last_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    """uv's own last non-blank output lines, as it wrote them."""
    output = result.stderr or result.stdout
    return [line.rstrip() for line in output.splitlines() if line.strip()][-UV_LINES:]


def cannot_lock(what: str) -> int:
    """Say in one line what failed and what to run; the project stays usable, so exit 0."""
    print(f"lock: {what}; then run `uv lock` in {Path.cwd()}")
    return 0


def main() -> int:
    if not Path("pyproject.toml").is_file():
        print("lock: no pyproject.toml here; nothing to lock")
        return 0
    if "<<<<<<< " in Path("pyproject.toml").read_text():
        print("lock: pyproject.toml holds update conflicts; resolve them, then run `uv lock`")
        return 0
    if shutil.which("uv") is None:
        return cannot_lock("uv is not installed, so uv.lock was not written; install uv")
    # A version manager's shim (pyenv, asdf) may stand for a uv that is not installed for the
    # Python that .python-version picks here: `uv` is found, but does not run.
    version = run_uv("--version")
    if version.returncode != 0:
        return cannot_lock(
            f"uv did not run here ({reason(version)}), so uv.lock was not written;"
            " install uv for this project's Python or put it on PATH"
        )
    if Path("uv.lock").is_file() and run_uv("lock", "--check", "--offline").returncode == 0:
        print("lock: uv.lock already matches pyproject.toml")
        return 0
    result = run_uv("lock")
    if result.returncode != 0:
        print("lock: `uv lock` failed, so uv.lock was not written; uv said:")
        for line in last_lines(result):
            print(f"    {line}")
        return cannot_lock(
            "the image will not build (its Dockerfile runs `uv sync --locked`) until `uv lock`"
            " succeeds: fix what uv said"
        )
    print("lock: wrote uv.lock")
    return 0


if __name__ == "__main__":
    sys.exit(main())
