"""Docker tier, emulation: why the emulated web service stops under an init (test_arm64.py).

A reproduction of a qemu-user defect (Debian 12's qemu-user-static 7.2) with nothing of the
service in it. A PID 1 survives a default-action signal it sends itself: the kernel never
delivers it (natively: "survived", exit 0). qemu-user emulates a fatal default action by
resetting the host handler, kill()ing itself and sigsuspend()ing until it dies
(linux-user/signal.c, dump_core_and_abort); as PID 1 the kernel drops that kill too, so it
waits in sigsuspend forever and only SIGKILL ends it. uvicorn re-raises the signal that ended
a graceful shutdown, so the emulated service as PID 1 never exits on `docker stop`. If this
test fails, qemu has changed: check whether the emulated service still needs --init.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.ci import skip_or_fail
from tests.support.containers import poll
from tests.support.docker_project import DockerSession
from tests.support.engine import docker, inspect
from tests.support.standins import ARM64, emulation_problem, local_image

PYTHON = "python:3.13-slim-trixie"
#: Runs as PID 1: raises SIGTERM at itself with its default action, as uvicorn does at the end
#: of a signalled shutdown, and says whether it survived.
SELF_SIGNAL = """
import signal
print("raising", flush=True)
signal.raise_signal(signal.SIGTERM)
print("survived", flush=True)
"""


def test_qemu_user_as_pid_1_never_completes_a_default_signal_action(
    docker_session: DockerSession,
) -> None:
    problem = emulation_problem()
    if problem:
        skip_or_fail(problem)
    native = docker("run", "--rm", local_image(PYTHON), "python", "-c", SELF_SIGNAL)
    assert native.stdout.split() == ["raising", "survived"], native

    arm64 = local_image(PYTHON, platform=ARM64)
    emulated = docker_session.start("--platform", ARM64, arm64, "python", "-c", SELF_SIGNAL)
    host_pid = inspect(emulated, "{{json .State.Pid}}")
    # The emulator, not the Python it runs, is the container's PID 1.
    assert "qemu" in Path(f"/proc/{host_pid}/cmdline").read_text()
    poll(
        lambda: "raising" in docker("logs", emulated).stdout
        and Path(f"/proc/{host_pid}/wchan").read_text().startswith("sigsuspend"),
        timeout=120, what="the emulated PID 1 waiting in sigsuspend after raising SIGTERM",
    )  # fmt: skip
    state = inspect(emulated, "{{json .State}}")
    assert state["Running"], state
    assert "survived" not in docker("logs", emulated).stdout
