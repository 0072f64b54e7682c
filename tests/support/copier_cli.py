"""The Copier CLI exactly as users call it: the one installed with the test tools."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.commands import run

#: The copier next to the test environment's Python, never another one on PATH.
COPIER = str(Path(sys.executable).with_name("copier"))


def copier(*args: str, cwd: Path, check: bool = False) -> subprocess.CompletedProcess[str]:
    """`copier ARGS` in `cwd`, without a terminal, so no prompt can wait."""
    return run([COPIER, *args], cwd=cwd, check=check)
