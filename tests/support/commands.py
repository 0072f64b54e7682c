"""Running a command: on failure the error carries its whole output, so the report shows why."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path


def run(
    command: Sequence[str],
    *,
    cwd: Path | None = None,
    timeout: float = 600,
    check: bool = True,
    **options: object,
) -> subprocess.CompletedProcess[str]:
    """Run `command` without a terminal (no prompt can wait); check=True raises with its output."""
    result = subprocess.run(
        list(command),
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        **options,  # type: ignore[arg-type]
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"`{' '.join(command)}` exited {result.returncode} in {cwd or Path.cwd()}\n"
            f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
        )
    return result


def first_line(text: str) -> str:
    """The first non-blank line of a command's output, stripped ("" when there is none)."""
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def git(*args: str, cwd: Path, check: bool = True) -> str:
    return run(["git", *args], cwd=cwd, check=check).stdout
