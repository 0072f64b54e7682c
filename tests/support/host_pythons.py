"""This machine's Python interpreters: pyenv builds that uv does not see through pyenv's shims,
and no network for uv to download another."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def pyenv_bin_dirs() -> list[str]:
    """bin/ of every pyenv-built CPython 3: uv sees only pyenv's global version through shims."""
    if shutil.which("pyenv") is None:
        return []
    root = subprocess.run(["pyenv", "root"], capture_output=True, text=True, check=False).stdout
    listed = subprocess.run(
        ["pyenv", "versions", "--bare"], capture_output=True, text=True, check=False
    ).stdout
    dirs = [Path(root.strip(), "versions", name, "bin") for name in listed.split()]
    return [str(path) for path in dirs if (path / "python").exists() and is_cpython3(path)]


def is_cpython3(bin_dir: Path) -> bool:
    return bin_dir.parent.name.startswith("3.")


def local_python(version: str) -> str | None:
    """A local interpreter for `version` on PATH (environment.py puts pyenv's there)."""
    return shutil.which(f"python{version}")
