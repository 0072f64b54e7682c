"""Docker tier, arm64, the standalone layout: built for linux/arm64 on this amd64 machine and
run under QEMU. This layout has no build-platform stages (the rendered README, "Other
platforms", says why), so its whole build runs emulated: the arm64 uv installs the aarch64
CPython from the python-build-standalone mirror the build names (standins/python_mirror.py
serves Debian's arm64 python3, relocated), and the image is an arm64 image whose managed
Python and venv hold aarch64 code only, whose venv's interpreter resolves inside the image,
without uv, running non-root; the command exits 0.

One variant, the cheapest honest one: a CLI (no dependencies to sync or compile under QEMU)
whose Python is the one Debian packages for its suite, since the mirror's aarch64 archive is
made from that package. A CLI has no server to stop: SIGTERM is the web variants' check
(test_arm64.py)."""

from __future__ import annotations

import pytest

from tests.support import arm64_probe
from tests.support.containers import image_paths, run_in_image
from tests.support.docker_project import DockerSession
from tests.support.engine import inspect
from tests.support.image_refs import DEBIAN_PYTHON
from tests.support.standins import LocalRegistry, PythonMirror
from tests.support.variants import VARIANTS

PLATFORM = arm64_probe.PLATFORM
#: python-build-standalone's name for the target's machine.
ARCH = "aarch64"

pytestmark = pytest.mark.parametrize(
    "variant",
    [
        v.param()
        for v in VARIANTS
        if v.answer("image_layout") == "standalone"
        and v.answer("uv_install") == "image"
        and v.answer("service_kind") == "cli"
        and DEBIAN_PYTHON.get(v.answer("base_os")) == v.answer("python_version")
    ][:1],
)


@pytest.fixture
def mirror(variant, python_mirrors) -> PythonMirror:
    return python_mirrors(variant.answer("python_version"), ARCH)


@pytest.fixture
def image(
    render, variant, mirror: PythonMirror, docker_session: DockerSession,
    platform_registry: LocalRegistry,
) -> str:  # fmt: skip
    """The variant's production image for linux/arm64, built once per session."""
    # `uv python install` reaches the mirror on 127.0.0.1.
    options = ["--network", "host"]
    for name, value in mirror.build_args().items():
        options += ["--build-arg", f"{name}={value}"]
    return docker_session.arm64_image(variant, render(variant), platform_registry, options)


def test_the_arm64_build_fetched_the_aarch64_python_from_the_mirror(
    image: str, mirror: PythonMirror
) -> None:
    assert "-aarch64-unknown-linux-gnu-" in mirror.archive_path
    assert mirror.archive_path in mirror.requests, mirror.requests


def test_arm64_standalone_image_holds_aarch64_code_only_and_its_own_python(
    image: str, mirror: PythonMirror
) -> None:
    assert inspect(image, "{{json .Architecture}}") == "arm64"
    uname = run_in_image(image, "-m", entrypoint="uname", options=["--platform", PLATFORM])
    assert uname.stdout.strip() == "aarch64", uname.stderr
    # The venv's interpreter, read-only as in production; the standard library's modules that
    # load bundled libraries are imported first.
    facts = arm64_probe.probe(
        image, ["/python", "/app/.venv"], python="/app/.venv/bin/python", options=["--read-only"],
        preamble="import ssl, sqlite3, ctypes, decimal, lzma, bz2, zlib, hashlib",
    )  # fmt: skip
    assert facts["machine"] == "aarch64"
    assert facts["uid"] != 0
    managed = f"/python/cpython-{mirror.version}-linux-{ARCH}-gnu/"
    assert facts["real_executable"].startswith(managed), facts["real_executable"]
    assert (facts["prefix"], facts["version"]) == ("/app/.venv", mirror.version)
    interpreter = f"{managed}bin/python{mirror.version.rsplit('.', 1)[0]}"
    assert interpreter in facts["elf"], f"{interpreter} is no ELF file of the image"
    assert not arm64_probe.not_aarch64(facts), arm64_probe.not_aarch64(facts)


def test_arm64_standalone_image_has_no_uv_and_its_command_exits_0(image: str) -> None:
    paths = image_paths(image)
    executables = {p.rsplit("/", 1)[-1] for p in paths if "/bin/" in f"/{p}"}
    assert not {"uv", "uvx"} & executables
    result = run_in_image(image, "--name", "Ada", options=["--platform", PLATFORM, "--read-only"])
    assert (result.returncode, result.stdout) == (0, "Hello, Ada!\n"), result.stderr
