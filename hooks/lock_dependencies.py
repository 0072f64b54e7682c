"""Copier task: write uv.lock so the rendered project builds with `uv sync --locked`.

Runs in the rendered project (its working directory). Idempotent: a lock that already
matches pyproject.toml is left alone, so `copier update` re-locks only when the template
or the user changed pyproject.toml. When uv or the network is missing it says so in one
line and exits 0: the project is still usable, and `uv lock` can be run later.
"""

import shutil
import subprocess
import sys
from pathlib import Path


def run_uv(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["uv", *args], capture_output=True, text=True, check=False)


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def main() -> int:
    if not Path("pyproject.toml").is_file():
        print("lock: no pyproject.toml here; nothing to lock")
        return 0
    if "<<<<<<< " in Path("pyproject.toml").read_text():
        print("lock: pyproject.toml holds update conflicts; resolve them, then run `uv lock`")
        return 0
    if shutil.which("uv") is None:
        print("lock: uv is not installed; run `uv lock` in the project once it is")
        return 0
    if Path("uv.lock").is_file() and run_uv("lock", "--check", "--offline").returncode == 0:
        print("lock: uv.lock already matches pyproject.toml")
        return 0
    result = run_uv("lock")
    if result.returncode != 0:
        print(f"lock: could not write uv.lock ({last_line(result.stderr)}); run `uv lock` later")
        return 0
    print("lock: wrote uv.lock")
    return 0


if __name__ == "__main__":
    sys.exit(main())
