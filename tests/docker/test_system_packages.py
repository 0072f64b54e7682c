"""Docker tier, dependencies without wheels (psycopg's C implementation, source only), with
the answer system_packages on.

The rendered README's example is run as written: its `uv add` command, then its two
`ARG ...PACKAGES=` lines put in place of the Dockerfile's. Without them the build stops with
uv's own error naming the package; with them the service builds, runs on the C
implementation, and its image has libpq but no compiler, no headers and no apt lists.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.builds import failure_summary, without_uv_cache
from tests.support.containers import (
    compilers,
    headers_beyond,
    image_paths,
    run_in_image,
    wait_healthy,
)
from tests.support.docker_project import DockerProject
from tests.support.engine import docker
from tests.support.layers import layers
from tests.support.readme_example import readme_example, run_readme_commands, set_lists
from tests.support.variants import VARIANTS_BY_ID

#: uv's own words, as it prints them: the build of the source-only package failed.
UV_ERROR = re.compile(r"Failed to build `(psycopg-c==\S+)`")
#: uv's last words on it, in the summary Docker prints last: the package it could not build.
UV_HINT = re.compile(r"hint: `psycopg-c` \(v\S+\) was included because")

pytestmark = pytest.mark.docker


@pytest.mark.parametrize("variant", [VARIANTS_BY_ID["system-packages"].param()])
def test_a_source_only_dependency_fails_with_uvs_error_then_builds_with_the_readme_lists(
    docker_project: DockerProject, tmp_path: Path
) -> None:
    copy = docker_project.copy(tmp_path / "project")
    commands, lines = readme_example(copy)
    run_readme_commands(copy, commands)
    assert "psycopg-c" in (copy / "uv.lock").read_text()

    without_uv_cache(copy)
    _, failed = docker_project.build(path=copy, name="no-lists", check=False)
    output = failed.stdout + failed.stderr
    assert failed.returncode != 0
    # uv's output streams as it is: the failing step prints uv's error, and so does the
    # summary Docker prints last, which is what a user reads.
    assert UV_ERROR.search(output), output[-3000:]
    summary = failure_summary(output, "build")
    assert UV_HINT.search(summary), summary

    set_lists(copy, lines)
    image, _ = docker_project.build(path=copy, name="lists")
    assert (
        run_in_image(
            image, "python", "-c", "import psycopg; print(psycopg.pq.__impl__)"
        ).stdout.strip()
        == "c"
    )
    container = docker_project.session.start(image)
    wait_healthy(container)
    probe = docker("exec", container, "python", "-c", "import psycopg; print(psycopg.pq.version())")
    assert int(probe.stdout) > 0  # libpq loaded in the running service

    paths = image_paths(image)
    base = image_paths(docker_project.base_image("PYTHON_IMAGE"))
    assert any(re.fullmatch(r"usr/lib/[^/]+/libpq\.so\.5(\.\d+)*", p) for p in paths)
    assert compilers(paths) == set()
    assert headers_beyond(paths, base) == set()
    assert not any(
        p.startswith(("var/lib/apt/lists/", "var/cache/apt/archives/"))
        and p.endswith(("Packages", "Release", "InRelease", ".deb", ".lz4"))
        for p in paths
    )
    assert "bin/uv" not in paths
    assert "usr/local/bin/uv" not in paths


def steps(image: str) -> list[tuple[str, str]]:
    return [(layer.digest, layer.created_by) for layer in layers(image)]


@pytest.mark.parametrize("variant", [VARIANTS_BY_ID["system-packages"].param()])
def test_a_list_change_rebuilds_the_dependency_layer_and_a_source_edit_the_project_only(
    docker_project: DockerProject, tmp_path: Path
) -> None:
    copy = docker_project.copy(tmp_path / "project")
    commands, lines = readme_example(copy)
    run_readme_commands(copy, commands)
    set_lists(copy, lines)
    first, _ = docker_project.build(path=copy, name="lists")
    before = layers(first)
    venv = next(i for i, layer in enumerate(before) if "/app/.venv /app/.venv" in layer.created_by)
    assert any("RUNTIME_PACKAGES=libpq5" in layer.created_by for layer in before[:venv])

    # One more build package: the base and runtime-package layers stay; the venv is rebuilt.
    set_lists(copy, {"BUILD_PACKAGES": lines["BUILD_PACKAGES"].replace('="', '="make ')})
    second, _ = docker_project.build(path=copy, name="more-build-packages")
    after = layers(second)
    assert len(after) == len(before)
    assert [layer.digest for layer in after[:venv]] == [layer.digest for layer in before[:venv]]

    # A source edit, the lists kept: only the project's own layer changes.
    init = copy / "src" / docker_project.package_name / "__init__.py"
    init.write_text(init.read_text() + "\nEDITED = True\n")
    third, _ = docker_project.build(path=copy, name="source-edit")
    edited = layers(third)
    assert [layer.digest for layer in edited[:-1]] == [layer.digest for layer in after[:-1]]
    assert edited[-1].digest != after[-1].digest
