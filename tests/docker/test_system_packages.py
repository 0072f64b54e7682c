"""Docker tier, dependencies without wheels (psycopg's C implementation, source only).

The rendered README's example is run as written: its `uv add` command, then its two
`ARG ...PACKAGES=` lines put in place of the Dockerfile's. Without them the build stops with
one line naming the package and the setting; with them the service builds, runs on the C
implementation, and its image has libpq but no compiler, no headers and no apt lists.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.builds import failing_step_lines, failure_summary
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
from tests.support.readme_example import LIST_ARG, readme_example, run_readme_commands, set_lists
from tests.support.variants import VARIANTS_BY_ID

CLEAR_LINE = re.compile(
    r"error: (psycopg-c==\S+) could not be built from source: .*BUILD_PACKAGES.*RUNTIME_PACKAGES"
)
#: Lines the failing dependency step may print: the tail of uv's log and the clear line.
MAX_FAILURE_LINES = 20

pytestmark = pytest.mark.docker


@pytest.mark.parametrize(
    "variant", [VARIANTS_BY_ID["defaults"].param(), VARIANTS_BY_ID["web-bookworm-py311"].param()]
)
def test_a_source_only_dependency_fails_clearly_then_builds_with_the_readme_lists(
    docker_project: DockerProject, tmp_path: Path
) -> None:
    copy = docker_project.copy(tmp_path / "project")
    commands, lines = readme_example(copy)
    run_readme_commands(copy, commands)
    assert "psycopg-c" in (copy / "uv.lock").read_text()

    _, failed = docker_project.build(path=copy, name="no-lists", check=False)
    output = failed.stdout + failed.stderr
    assert failed.returncode != 0
    printed = failing_step_lines(output, "deps")
    assert CLEAR_LINE.search(printed[-1]), printed[-5:]
    assert len(printed) <= MAX_FAILURE_LINES, f"{len(printed)} lines:\n" + "\n".join(printed)
    # The summary Docker prints last, which is what a user reads, ends with it too.
    summary = failure_summary(output, "deps")
    assert CLEAR_LINE.search(summary), summary

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


#: The Dockerfile's system-package stages, as rendered (see strip_the_feature): up to the next
#: stage's separator line.
FEATURE_STAGES = re.compile(r"^# -+\n# runtime and build:.*?(?=^# -+\n)", re.MULTILINE | re.DOTALL)


def strip_the_feature(dockerfile: str) -> str:
    """The Dockerfile as it was without system packages: no list ARGs, no package stages,
    every target-platform stage on base and the build-platform ones on build-platform-python."""
    text, count = FEATURE_STAGES.subn("", dockerfile)
    assert count == 1, "the package stages were not found"
    text = LIST_ARG.sub("", text)
    text = re.sub(
        r"^FROM build-platform AS", "FROM build-platform-python AS", text, flags=re.MULTILINE
    )
    return re.sub(r"^FROM (build|runtime) AS", "FROM base AS", text, flags=re.MULTILINE)


def steps(image: str) -> list[tuple[str, str]]:
    return [(layer.digest, layer.created_by) for layer in layers(image)]


@pytest.mark.parametrize("variant", [VARIANTS_BY_ID["defaults"].param()])
def test_empty_lists_change_no_layer_and_a_list_change_rebuilds_the_dependency_layer_only(
    docker_project: DockerProject, tmp_path: Path
) -> None:
    shipped = docker_project.image()
    without = docker_project.copy(tmp_path / "without")
    dockerfile = without / "Dockerfile"
    dockerfile.write_text(strip_the_feature(dockerfile.read_text()))
    stripped = dockerfile.read_text()
    assert not LIST_ARG.search(stripped)
    assert "_PACKAGES}" not in stripped
    assert "_PACKAGES:+" not in stripped
    image_without, _ = docker_project.build(path=without, name="without-feature")
    # The same steps, and the same layer contents up to the project's own layer, which is
    # built from the whole context (the edited Dockerfile included), so it is made anew.
    assert [step for _, step in steps(shipped)] == [step for _, step in steps(image_without)]
    assert steps(shipped)[:-1] == steps(image_without)[:-1]

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
