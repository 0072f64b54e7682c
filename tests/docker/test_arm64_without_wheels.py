"""Docker tier, arm64: a dependency without a wheel for the target, built for linux/arm64 on
this amd64 machine, where every step runs under QEMU (the answer system_packages on, its
compiler listed as the README's "Dependencies without wheels" says).

netifaces publishes C sources only for Linux on arm64 (and for every platform on Python 3.10
and later); a compiler and Python's headers are all it needs, so it compiles under QEMU in
seconds, where psycopg's C implementation would take many minutes. Without a compiler the
build stops with uv's own error naming it; with `gcc libc6-dev` in BUILD_PACKAGES the image,
run under QEMU, imports it from an AArch64 shared object and holds no compiler and no header
its base image does not.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.support import arm64_probe
from tests.support.builds import docker_build, failure_summary, without_uv_cache
from tests.support.containers import compilers, headers_beyond, image_paths, run_in_image
from tests.support.docker_project import DockerProject
from tests.support.engine import inspect
from tests.support.readme_example import run_readme_commands, set_lists
from tests.support.standins import ARM64, LocalRegistry, build_contexts, local_image
from tests.support.variants import VARIANTS_BY_ID

PLATFORM = ARM64
PACKAGE = "netifaces"
#: uv's own words, as it prints them: the build of the source-only package failed.
UV_ERROR = re.compile(rf"Failed to build `({PACKAGE}==\S+)`")
#: uv's last words on it, in the summary Docker prints last: the package it could not build.
UV_HINT = re.compile(rf"hint: `{PACKAGE}` \(v\S+\) was included because")
COMPILER = 'ARG BUILD_PACKAGES="gcc libc6-dev"'
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


@pytest.mark.parametrize("variant", [VARIANTS_BY_ID["system-packages"].param()])
def test_a_dependency_without_an_arm64_wheel_compiles_emulated_with_the_listed_compiler(
    docker_project: DockerProject, platform_registry: LocalRegistry, tmp_path: Path
) -> None:
    copy = docker_project.copy(tmp_path / "project")
    run_readme_commands(copy, [["uv", "add", PACKAGE]])
    assert f'name = "{PACKAGE}"' in (copy / "uv.lock").read_text()
    refs = docker_project.refs
    contexts = build_contexts(list(refs.values()), platform=ARM64, registry=platform_registry)
    session = docker_project.session
    arm64 = ["--platform", PLATFORM]

    without_uv_cache(copy)
    failed = docker_build(
        copy,
        contexts=contexts,
        tag=session.new_tag(docker_project.variant, "arm64-no-compiler"),
        options=arm64,
        check=False,
    )
    output = failed.stdout + failed.stderr
    assert failed.returncode != 0
    # uv's output streams as it is, and the summary Docker prints last carries its error.
    assert UV_ERROR.search(output), output[-3000:]
    assert UV_HINT.search(failure_summary(output, "build")), output[-3000:]

    set_lists(copy, {"BUILD_PACKAGES": COMPILER})
    image = session.new_tag(docker_project.variant, "arm64-compiled")
    docker_build(copy, contexts=contexts, tag=image, options=arm64)
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
