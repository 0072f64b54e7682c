"""Docker tier, arm64: the production image built for linux/arm64 on this amd64 machine (uv's
stages on the build platform, see the Dockerfile's `build` stage) runs under QEMU emulation:
it is an arm64 image whose venv holds aarch64 extension modules only, runs non-root, serves
(healthy) or exits 0, and stops on SIGTERM. One build per variant, shared bases."""

from __future__ import annotations

import signal

import pytest

from tests.support import arm64_probe
from tests.support.containers import run_in_image, wait_healthy
from tests.support.docker_project import DockerSession
from tests.support.engine import docker, inspect
from tests.support.standins import ARM64, LocalRegistry
from tests.support.variants import VARIANTS_BY_ID

#: Built for linux/arm64 and run under emulation: both kinds. Every stage now builds emulated
#: (no cross build since the lean Dockerfile), 3-12x slower than amd64, so the workspace and
#: bookworm/3.11 variants are no longer built for arm64 (their amd64 builds still run).
ARM64_VARIANTS = pytest.mark.parametrize(
    "variant", [VARIANTS_BY_ID[i].param() for i in ("defaults", "cli")]
)

PLATFORM = ARM64


@pytest.fixture
def arm64_image(
    render, variant, docker_session: DockerSession, platform_registry: LocalRegistry
) -> str:
    """The variant's production image for linux/arm64, built once per session."""
    return docker_session.arm64_image(variant, render(variant), platform_registry)


@ARM64_VARIANTS
def test_arm64_image_holds_aarch64_code_only_and_runs_non_root(arm64_image: str, variant) -> None:
    assert inspect(arm64_image, "{{json .Architecture}}") == "arm64"
    uname = run_in_image(arm64_image, "-m", entrypoint="uname", options=["--platform", PLATFORM])
    assert uname.stdout.strip() == "aarch64", uname.stderr
    facts = arm64_probe.probe(arm64_image, ["/app/.venv"])
    assert facts["machine"] == "aarch64"
    assert facts["uid"] != 0
    # The venv's interpreter is the base image's own, at the same path on both platforms.
    assert facts["executable"].startswith("/app/.venv/bin/python"), facts
    assert not arm64_probe.not_aarch64(facts), arm64_probe.not_aarch64(facts)
    if variant.answer("service_kind") == "web":  # pydantic-core, at least, is compiled
        assert facts["elf"], "the web service's venv holds no extension module"


@ARM64_VARIANTS
def test_arm64_service_serves_or_exits_0_and_stops_on_sigterm(
    arm64_image: str, variant, docker_session: DockerSession
) -> None:
    """The web service shuts down gracefully on SIGTERM and then exits by itself. Emulated, it
    runs under Docker's init (--init): uvicorn ends a signalled shutdown by re-raising the
    signal with its default action, which a PID 1 survives natively (the kernel drops it, exit
    0) but which qemu-user as PID 1 never completes (see the test below), so without an init
    `docker stop` would always end in SIGKILL. Under the init the re-raised SIGTERM ends the
    process, which the init reports as 128+15; 137 would be the SIGKILL of the grace period."""
    if variant.answer("service_kind") == "cli":
        result = run_in_image(arm64_image, "--name", "Ada", options=["--platform", PLATFORM])
        assert (result.returncode, result.stdout) == (0, "Hello, Ada!\n"), result.stderr
        return
    # The probe is a Python start-up, several times slower under QEMU than the image's 5 s budget.
    slow_probe = ["--health-timeout", "60s", "--health-interval", "5s", "--health-retries", "5"]
    container = docker_session.start("--init", "--platform", PLATFORM, *slow_probe, arm64_image)
    wait_healthy(container, timeout=240)  # start-up under QEMU is several times slower
    docker("stop", "--time", "60", container, timeout=120)  # shutdown under QEMU is slow too
    state = inspect(container, "{{json .State}}")
    logs = docker("logs", container)
    output = logs.stdout + logs.stderr
    assert state["ExitCode"] == 128 + signal.SIGTERM, (state, output)
    assert not state["OOMKilled"]
    assert "Shutting down" in output
    assert "Finished server process" in output
