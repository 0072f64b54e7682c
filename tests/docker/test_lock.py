"""Docker tier, lock fidelity: the image is built from the lock, so a dependency added to
pyproject.toml without re-locking fails the build with uv's own message; `uv lock` fixes it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.support.build_lock import build_lock
from tests.support.commands import run
from tests.support.containers import run_in_image
from tests.support.docker_project import DockerProject
from tests.support.image_refs import UV_VERSION
from tests.support.lock_in_image import uv_lock_in_image
from tests.support.variants import variant_params

pytestmark = pytest.mark.parametrize("variant", variant_params())

#: A small pure-Python package that no variant depends on at run time.
NEW_DEPENDENCY = "iniconfig"
#: uv's own refusal: `uv sync --locked`, or `uv lock --check` in the cross build's project stage
#: (a workspace's first sync is --frozen, so there the project stage is the first to check).
LOCK_MISMATCH = re.compile(
    r"The lockfile at `uv.lock` needs to be updated, but `--(locked|check)` was provided\."
)


def add_unlocked_dependency(pyproject: Path) -> None:
    text = pyproject.read_text()
    edited, count = re.subn(
        r"^(dependencies = \[)", rf'\1\n    "{NEW_DEPENDENCY}>=2",', text, count=1, flags=re.M
    )
    assert count == 1, text
    pyproject.write_text(edited)


def test_an_unlocked_dependency_fails_the_build_until_uv_lock(
    docker_project: DockerProject, tmp_path: Path
) -> None:
    copy = docker_project.copy(tmp_path / "project")
    add_unlocked_dependency(copy / "pyproject.toml")

    _, failed = docker_project.build(path=copy, name="unlocked", check=False)
    output = failed.stdout + failed.stderr
    assert failed.returncode != 0, output[-3000:]
    assert LOCK_MISMATCH.search(output), output[-3000:]

    python = docker_project.variant.answer("python_version")
    if shutil.which(f"python{python}"):
        run(["uv", "lock"], cwd=copy, timeout=300)
    else:  # no such interpreter here: lock with the project's Python, in Docker
        with build_lock():
            uv_lock_in_image(copy, python, UV_VERSION)
    image, _ = docker_project.build(path=copy, name="relocked")
    probe = run_in_image(image, "-c", f"import {NEW_DEPENDENCY}", entrypoint="python")
    assert probe.returncode == 0, probe.stderr
