"""A second, private dockerd with the containerd image store, for release builds.

`docker buildx bake release --push` needs what the shared engine's classic image store cannot
give with buildx 0.13's docker driver: "Attestation is not supported for the docker driver"
(provenance, SBOM) and one image for two platforms. The engine's containerd image store
(daemon.json `"features": {"containerd-snapshotter": true}`) gives both, but switching the
shared engine's store would hide every image the rest of the suite uses. So the release tests
start a dockerd of their own: its own data root, exec root (with its own managed containerd),
socket and pid file, all in one temporary directory, stopped and deleted at the end.

Networking: it attaches its build containers to the shared engine's existing `docker0` bridge
in an address range of its own (the bridge subnet's last /24), with `--iptables=false`, so it
changes no firewall rule; the shared engine's NAT for that subnet lets builds reach the
package index. Base images come from a loopback registry (see platform_registry), so nothing
needs copying between the two engines.
"""

from __future__ import annotations

import ipaddress
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from tests.support.image_refs import PREFIX, BuildFailed, Unbuildable

__all__ = ["ReleaseEngine"]


def _bridge_range() -> str:
    """The last /24 of the shared engine's default bridge subnet (never used by its IPAM,
    which counts up from the start)."""
    result = subprocess.run(
        ["docker", "network", "inspect", "bridge", "--format", "{{json .IPAM.Config}}"],
        capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    subnet = ipaddress.ip_network(json.loads(result.stdout)[0]["Subnet"])
    return str(list(subnet.subnets(new_prefix=24))[-1])


class ReleaseEngine:
    """`ReleaseEngine.start()`; `.env` is the environment for docker commands against it."""

    def __init__(self, root: Path, process: subprocess.Popen[bytes]) -> None:
        self.root = root
        self.socket = root / "docker.sock"
        self._process: subprocess.Popen[bytes] | None = process
        self.env = {**os.environ, "DOCKER_HOST": f"unix://{self.socket}"}

    @classmethod
    def start(cls, *, timeout: float = 60) -> ReleaseEngine:
        dockerd = shutil.which("dockerd")
        if dockerd is None:
            raise Unbuildable("dockerd is not installed (scripts/docker-engine.sh up)")
        root = Path(tempfile.mkdtemp(prefix=f"{PREFIX}-release-engine-", dir="/var/tmp"))
        (root / "daemon.json").write_text('{"features": {"containerd-snapshotter": true}}\n')
        log = (root / "dockerd.log").open("ab")
        process = subprocess.Popen(
            [
                dockerd, "--config-file", str(root / "daemon.json"),
                "--data-root", str(root / "data"), "--exec-root", str(root / "exec"),
                "--pidfile", str(root / "dockerd.pid"), "--host", f"unix://{root / 'docker.sock'}",
                "--bridge", "docker0", "--fixed-cidr", _bridge_range(),
                "--iptables=false", "--ip6tables=false",
            ],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        log.close()
        engine = cls(root, process)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            info = engine.docker("info", "--format", "{{json .DriverStatus}}", check=False)
            if info.returncode == 0:
                if "io.containerd.snapshotter" not in info.stdout:
                    engine.stop()
                    raise BuildFailed(f"no containerd image store: {info.stdout}")
                return engine
            time.sleep(0.5)
        tail = engine.log()[-2000:]
        engine.stop()
        raise BuildFailed(f"the release engine did not start:\n{tail}")

    def docker(self, *args: str, timeout: float = 900, check: bool = True, cwd: Path | None = None):
        result = subprocess.run(
            ["docker", *args], capture_output=True, text=True, timeout=timeout, check=False,
            env=self.env, cwd=cwd,
        )  # fmt: skip
        if check and result.returncode != 0:
            raise AssertionError(
                f"docker {' '.join(args)} (release engine) exited {result.returncode}\n"
                f"--- stdout\n{result.stdout[-4000:]}\n--- stderr\n{result.stderr[-4000:]}"
            )
        return result

    def log(self) -> str:
        try:
            return (self.root / "dockerd.log").read_text(errors="replace")
        except OSError:
            return ""

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)
        shutil.rmtree(self.root, ignore_errors=True)
