"""Docker tier, dependencies without wheels (psycopg's C implementation, source only).

The rendered README's example is run as written: its `uv add` command, then its two
`ARG ...PACKAGES=` lines put in place of the Dockerfile's. Without them the build stops with
one line naming the package and the setting; with them the service builds, runs on the C
implementation, and its image has libpq but no compiler, no headers and no apt lists.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.docker_support.images import (
    DockerProject,
    docker,
    image_paths,
    layers,
    run_in_image,
    wait_healthy,
)
from tests.readme_example import code_blocks
from tests.rendering import run
from tests.variants import VARIANTS_BY_ID

SECTION = "Dependencies without wheels"
LIST_ARG = re.compile(r"^ARG (BUILD_PACKAGES|RUNTIME_PACKAGES)=.*$", re.MULTILINE)
CLEAR_LINE = re.compile(
    r"error: (psycopg-c==\S+) could not be built from source: .*BUILD_PACKAGES.*RUNTIME_PACKAGES"
)
#: Lines the failing dependency step may print: the tail of uv's log and the clear line.
MAX_FAILURE_LINES = 20

pytestmark = pytest.mark.docker


def readme_example(project: Path) -> tuple[list[list[str]], dict[str, str]]:
    """(the section's shell commands, {ARG name: its whole line}) from the rendered README."""
    readme = (project / "README.md").read_text()
    commands = [
        shlex.split(line)
        for block in code_blocks(readme, SECTION, "sh")
        for line in block.splitlines()
        if line.strip()
    ]
    lines = {
        match[1]: match[0]
        for block in code_blocks(readme, SECTION, "dockerfile")
        for match in LIST_ARG.finditer(block)
    }
    assert commands and set(lines) == {"BUILD_PACKAGES", "RUNTIME_PACKAGES"}, (commands, lines)
    return commands, lines


def run_readme_commands(project: Path, commands: list[list[str]]) -> None:
    for command in commands:
        assert command[0] == "uv", f"unexpected command in the README example: {command}"
        # The host has no libpq headers: lock only; the image is where it gets built.
        run(["env", "UV_NO_SYNC=1", *command], cwd=project, timeout=300)


def set_lists(project: Path, lines: dict[str, str]) -> None:
    dockerfile = project / "Dockerfile"
    text = dockerfile.read_text()
    for name, line in lines.items():
        text, count = re.subn(rf"^ARG {name}=.*$", line, text, flags=re.MULTILINE)
        assert count == 1, f"the Dockerfile has {count} ARG {name}= lines"
    dockerfile.write_text(text)


def failing_step_lines(output: str) -> list[str]:
    """The lines the failing `deps` dependency step printed in a --progress=plain log."""
    step = re.search(r"^#(\d+) \[deps \d+/\d+\] RUN", output, re.MULTILINE)
    assert step, output[-3000:]
    return re.findall(rf"^#{step[1]} \d+\.\d+ (.*)$", output, re.MULTILINE)


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
    printed = failing_step_lines(output)
    assert CLEAR_LINE.search(printed[-1]), printed[-5:]
    assert len(printed) <= MAX_FAILURE_LINES, f"{len(printed)} lines:\n" + "\n".join(printed)
    # The summary Docker prints last, which is what a user reads, ends with it too.
    summary = output[output.rindex("------\n > [deps") :]
    assert CLEAR_LINE.search(summary), summary

    set_lists(copy, lines)
    image, _ = docker_project.build(path=copy, name="lists")
    assert run_in_image(
        image, "python", "-c", "import psycopg; print(psycopg.pq.__impl__)"
    ).stdout.strip() == "c"
    container = docker_project.session.start(image)
    wait_healthy(container)
    probe = docker("exec", container, "python", "-c", "import psycopg; print(psycopg.pq.version())")
    assert int(probe.stdout) > 0  # libpq loaded in the running service

    paths = image_paths(image)
    base = image_paths(docker_project.base_image("PYTHON_IMAGE"))
    assert any(re.fullmatch(r"usr/lib/[^/]+/libpq\.so\.5(\.\d+)*", p) for p in paths)
    compilers = {
        p for p in paths if re.fullmatch(r"usr/bin/(\S+-)?(gcc|cc|c\+\+|g\+\+)(-\d+)?", p)
    }
    assert compilers == set() and not any(p.endswith("/cc1") for p in paths), compilers
    headers = {p for p in paths if p.startswith("usr/include/")}
    assert headers <= {p for p in base if p.startswith("usr/include/")}, sorted(headers)[:20]
    assert not any(p.startswith(("var/lib/apt/lists/", "var/cache/apt/archives/")) and
                   p.endswith(("Packages", "Release", "InRelease", ".deb", ".lz4")) for p in paths)
    assert "bin/uv" not in paths and "usr/local/bin/uv" not in paths
