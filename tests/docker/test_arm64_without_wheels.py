"""Docker tier, arm64: a dependency without a wheel for the target, the rendered README's
"Other platforms" example run as written (its commands, with the stand-ins substituted by
--build-context and a tag added).

netifaces publishes C sources only for Linux on arm64 (and for every platform on Python 3.10
and later); a compiler and Python's headers are all it needs, so it compiles under QEMU in
seconds, where psycopg's C implementation would take many minutes. After `uv add netifaces`
the cross build (`--platform linux/arm64`, uv on the build platform) stops with one line,
last in the summary Docker prints, naming the package and the emulated build's argument; the
README's emulated build compiles it, and its image, run under QEMU, imports it from an AArch64
shared object and holds no compiler and no header its base image does not.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.support import arm64_probe
from tests.support.builds import docker_build, failing_step_lines, failure_summary
from tests.support.containers import compilers, headers_beyond, image_paths, run_in_image
from tests.support.docker_project import DockerProject
from tests.support.engine import inspect
from tests.support.readme_example import cross_example, run_readme_commands
from tests.support.standins import ARM64, LocalRegistry, build_contexts, local_image
from tests.support.variants import VARIANTS_BY_ID

PLATFORM = ARM64
PACKAGE = "netifaces"
CLEAR_LINE = re.compile(
    rf"error: ({PACKAGE}==\S+) has no wheel for {PLATFORM} and a cross build compiles nothing: "
    rf"build emulated with (--build-arg BUILD_STAGES_PLATFORM={PLATFORM}) "
)
#: Lines the failing dependency step may print: the tail of uv's log and the clear line.
MAX_FAILURE_LINES = 20
#: Runs inside the image: the compiled module, its ELF machine, and that it works.
PROBE = f"""
import json, pathlib, platform, {PACKAGE}
module = pathlib.Path({PACKAGE}.__file__)
head = module.read_bytes()[:20]
print(json.dumps({{
    "file": str(module), "elf": head[:4] == b"\\x7fELF",
    "machine": int.from_bytes(head[18:20], "little" if head[5] == 1 else "big"),
    "platform": platform.machine(), "interfaces": {PACKAGE}.interfaces(),
}}))
"""


# The cheapest multistage variant: the command-line service has no dependency of its own.
@pytest.mark.parametrize("variant", [VARIANTS_BY_ID["cli"].param()])
def test_a_dependency_without_an_arm64_wheel_stops_the_cross_build_and_builds_emulated(
    docker_project: DockerProject, platform_registry: LocalRegistry, tmp_path: Path
) -> None:
    copy = docker_project.copy(tmp_path / "project")
    example = cross_example(copy)
    run_readme_commands(copy, example.uv)
    assert f'name = "{PACKAGE}"' in (copy / "uv.lock").read_text()
    refs = docker_project.refs
    contexts = build_contexts(list(refs.values()), platform=ARM64, registry=platform_registry)
    session = docker_project.session

    failed = docker_build(
        copy,
        contexts=contexts,
        tag=session.new_tag(docker_project.variant, "arm64-cross"),
        options=example.cross,
        check=False,
    )
    output = failed.stdout + failed.stderr
    assert failed.returncode != 0
    printed = failing_step_lines(output, "deps")
    assert CLEAR_LINE.search(printed[-1]), printed[-5:]
    assert len(printed) <= MAX_FAILURE_LINES, f"{len(printed)} lines:\n" + "\n".join(printed)
    # The summary Docker prints last, which is what a user reads, ends with it too.
    clear = CLEAR_LINE.search(failure_summary(output, "deps"))
    assert clear, failure_summary(output, "deps")
    # The README's second build is the one the line names.
    assert clear[2] in " ".join(example.emulated), (clear[2], example.emulated)

    image = session.new_tag(docker_project.variant, "arm64-emulated")
    docker_build(copy, contexts=contexts, tag=image, options=example.emulated)
    assert inspect(image, "{{json .Architecture}}") == "arm64"
    probe = run_in_image(image, "-c", PROBE, entrypoint="python", options=["--platform", PLATFORM])
    assert probe.returncode == 0, probe.stderr
    facts = json.loads(probe.stdout)
    assert facts["file"].startswith("/app/.venv/"), facts
    assert facts["file"].endswith(".so"), facts
    assert facts["elf"], facts
    assert facts["machine"] == arm64_probe.EM_AARCH64, facts
    assert facts["platform"] == "aarch64", facts
    assert "lo" in facts["interfaces"], facts

    paths = image_paths(image)
    base = image_paths(local_image(refs["PYTHON_IMAGE"], platform=ARM64))
    assert compilers(paths) == set()
    assert headers_beyond(paths, base) == set()
