"""One public image reference, two platforms: a multi-platform image in a loopback registry.

A build for ``--platform linux/arm64`` whose uv stages run ``FROM --platform=$BUILDPLATFORM``
needs each base image for both amd64 (build platform) and arm64 (target). The engine's
classic image store keeps one platform per tag, and buildx 0.13 refuses BuildKit's
per-platform context names (``REF::linux/arm64``: "invalid reference format"). So the two
local stand-ins are pushed to Debian's ``docker-registry`` on 127.0.0.1, joined by a manifest
list (``docker manifest create``), and the build gets
``--build-context REF=docker-image://127.0.0.1:PORT/...``: BuildKit pulls from it the
platform each stage asks for. The registry's storage lives under /var/tmp and outlives the
run, so a later push of the same stand-ins uploads nothing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from tests.docker_support import bases
from tests.docker_support.images import free_port

STORAGE = Path("/var/tmp") / f"{bases.PREFIX}-platform-registry"


class PlatformRegistry:
    """A loopback registry serving multi-platform stand-ins; stop() ends it."""

    def __init__(self) -> None:
        binary = shutil.which("docker-registry")
        if binary is None:
            raise bases.Unbuildable("docker-registry is not installed (run scripts/emulation.sh)")
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        STORAGE.mkdir(parents=True, exist_ok=True)
        self._dir = Path(tempfile.mkdtemp(prefix=f"{bases.PREFIX}-registry-"))
        config = self._dir / "config.yml"
        config.write_text(
            "version: 0.1\n"
            f"storage:\n  filesystem:\n    rootdirectory: {STORAGE}\n"
            f"http:\n  addr: {self.host}\n"
        )
        self._log = (self._dir / "registry.log").open("w")
        self._process = subprocess.Popen(
            [binary, "serve", str(config)], stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 30
        while not self._answers():
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise bases.BuildFailed(f"docker-registry did not answer on {self.host}")
            time.sleep(0.2)

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://{self.host}/v2/", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def _docker(self, *args: str) -> None:
        result = subprocess.run(
            ["docker", *args], capture_output=True, text=True, timeout=600, check=False
        )
        if result.returncode != 0:
            raise bases.BuildFailed(f"docker {' '.join(args)}: {result.stderr.strip()}")

    def publish(self, platforms: dict[str, str]) -> str:
        """Push {platform ("linux/amd64"): local image} as one multi-platform reference."""
        first = next(iter(platforms.values()))
        repository = re.sub(r"[^a-z0-9._/-]", "-", first.split(":")[0].lower())
        ids = "-".join(bases._image_id(image)[7:19] for image in platforms.values())
        target = f"{self.host}/{repository}:{ids}"
        pushed = []
        for platform, image in platforms.items():
            one = f"{target}-{platform.replace('/', '-')}"
            self._docker("tag", image, one)
            try:
                self._docker("push", "--quiet", one)
            finally:
                self._docker("rmi", one)
            pushed.append(one)
        self._docker("manifest", "create", "--insecure", "--amend", target, *pushed)
        self._docker("manifest", "push", "--insecure", "--purge", target)
        return target

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
            self._process.wait(timeout=30)
        self._log.close()
        shutil.rmtree(self._dir, ignore_errors=True)
