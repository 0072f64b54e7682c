"""A real container registry on 127.0.0.1 for the Docker tier (CNCF Distribution).

Debian's ``docker-registry`` package (installed by ``scripts/bootstrap.sh``) is started by
the tests, never by the system: one process per pytest session (per xdist worker), on a free
loopback port, images in memory, stopped and deleted at the end. The engine
treats 127.0.0.0/8 registries as insecure-allowed, so ``docker push`` works and a build
whose ``FROM`` names ``127.0.0.1:PORT/path:tag@sha256:...`` pulls from it with no
``--build-context``.

API (stable; other branches import it):

``LocalRegistry.start(storage=None) -> LocalRegistry`` (or ``with LocalRegistry.start():``)
    Start ``docker-registry serve CONFIG``; returns when ``GET /v2/`` answers 200. The images
    are kept in memory, or with ``storage`` in a directory that outlives the process.
    Raises :class:`RegistryUnavailable` (one-line reason) when the package is missing.
``registry.host``
    ``"127.0.0.1:PORT"``, the prefix of every reference into it.
``registry.push(local_image, path) -> str``
    Tag ``local_image`` as ``HOST/path`` (``path`` is ``repo/name:tag``; ``:latest`` when
    no tag), push it and return the digest-qualified reference
    ``HOST/path@sha256:...`` with the digest the registry itself reports for that tag.
    Pushing the same image to the same path twice is cheap (layers already there). The local
    tag made for the push is removed again, so a build or run that names the reference must
    pull it from the registry (the engine would otherwise use its local copy silently).
``registry.digest(path) -> str``
    The registry's ``sha256:...`` for ``path`` (``Docker-Content-Digest`` of its manifest).
``registry.log() -> str``
    The registry's output so far (its access log shows every request a build made).
``registry.errors() -> list[str]``
    The error lines of that log.
``registry.failed_in(output) -> bool``
    Whether a client's output reports a 5xx answer from this registry.
``registry.stop()``
    Stop the process (its images with it, unless they are in ``storage``). Idempotent.

The session fixtures ``local_registry`` and ``platform_registry`` (tests/docker/conftest.py)
each yield one started registry per pytest session.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.support.image_refs import PREFIX
from tests.support.ports import free_port

__all__ = ["LocalRegistry", "RegistryUnavailable"]

#: Manifest types a pushed image can have (Docker schema 2 and OCI, single and lists).
MANIFEST_TYPES = ", ".join(
    [
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.oci.image.index.v1+json",
    ]
)
_PUSHED_DIGEST = re.compile(r"digest: (sha256:[0-9a-f]{64})")
# Loopback only, and never through a proxy from the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class RegistryUnavailable(Exception):
    """``str(exc)`` is a one-line reason why no registry could be started here."""


def _split_tag(path: str) -> tuple[str, str]:
    """(repository, tag) of a registry path `repo/name[:tag]`."""
    if "@" in path:
        raise ValueError(f"{path!r}: push takes a tag, not a digest")
    repo, colon, tag = path.rpartition(":")
    if not colon or "/" in tag:
        return path, "latest"
    return repo, tag


def _storage(directory: Path | None) -> str:
    """The registry's storage driver: a session's registry keeps everything in memory, where
    each write is atomic under the driver's lock. Distribution 2.8's filesystem driver writes a
    link file by truncating it first, so a request that reads it meanwhile gets a 500; only the
    storage that outlives the process (`directory`) takes that driver, and its writers hold
    a lock (platform_registry.publish)."""
    if directory is None:
        return "  inmemory: {}\n"
    return f"  filesystem:\n    rootdirectory: {directory}\n"


class LocalRegistry:
    def __init__(self, workdir: Path, port: int, process: subprocess.Popen[bytes]) -> None:
        self.workdir = workdir
        self.port = port
        self.host = f"127.0.0.1:{port}"
        self._process: subprocess.Popen[bytes] | None = process

    # ------------------------------------------------------------------ lifecycle

    @classmethod
    def start(cls, *, timeout: float = 30, storage: Path | None = None) -> LocalRegistry:
        """`storage`: a directory that outlives the registry (default: memory, gone at stop)."""
        binary = shutil.which("docker-registry")
        if binary is None:
            raise RegistryUnavailable(
                "docker-registry is not installed (Debian package docker-registry; "
                "run scripts/bootstrap.sh)"
            )
        workdir = Path(tempfile.mkdtemp(prefix=f"{PREFIX}-registry-"))
        for _attempt in range(3):  # a free port can be taken between probe and bind
            port = free_port()
            config = workdir / "config.yml"
            config.write_text(
                "version: 0.1\n"
                "log:\n  level: info\n  accesslog:\n    disabled: false\n"
                f"storage:\n{_storage(storage)}  delete:\n    enabled: true\n"
                f"http:\n  addr: 127.0.0.1:{port}\n"
            )
            log = (workdir / "registry.log").open("ab")
            process = subprocess.Popen(
                [binary, "serve", str(config)],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
            log.close()
            registry = cls(workdir, port, process)
            if registry._wait(timeout):
                return registry
            registry._terminate()
        tail = (workdir / "registry.log").read_text(errors="replace")[-1500:]
        shutil.rmtree(workdir, ignore_errors=True)
        raise RegistryUnavailable(f"docker-registry did not answer on 127.0.0.1: {tail}")

    def _wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                return False
            try:
                with _OPENER.open(f"http://{self.host}/v2/", timeout=2) as response:
                    if response.status == 200:
                        return True
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        return False

    def _terminate(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def stop(self) -> None:
        self._terminate()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> LocalRegistry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ use

    def log(self) -> str:
        with contextlib.suppress(OSError):
            return (self.workdir / "registry.log").read_text(errors="replace")
        return ""

    def failed_in(self, output: str) -> bool:
        """Whether a client's `output` reports a 5xx answer from this registry: the test server
        failed, not what the client was doing."""
        return bool(re.search(rf"https?://{re.escape(self.host)}/\S*: 5\d\d ", output))

    def errors(self) -> list[str]:
        """The registry's error lines so far (each names the request and the cause)."""
        return [line for line in self.log().splitlines() if "level=error" in line]

    def digest(self, path: str) -> str:
        repo, tag = _split_tag(path)
        request = urllib.request.Request(
            f"http://{self.host}/v2/{repo}/manifests/{tag}",
            method="HEAD",
            headers={"Accept": MANIFEST_TYPES},
        )
        with _OPENER.open(request, timeout=10) as response:
            digest = response.headers.get("Docker-Content-Digest", "")
        if not digest.startswith("sha256:"):
            raise RuntimeError(f"registry {self.host} gave no digest for {path}")
        return digest

    def push(self, local_image: str, path: str) -> str:
        repo, tag = _split_tag(path)
        target = f"{self.host}/{repo}:{tag}"
        tagged = subprocess.run(
            ["docker", "tag", local_image, target],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        if tagged.returncode != 0:
            raise RuntimeError(f"docker tag {local_image} {target}: {tagged.stderr.strip()}")
        try:
            pushed = subprocess.run(
                ["docker", "push", target], capture_output=True, text=True, timeout=600, check=False
            )
        finally:
            subprocess.run(
                ["docker", "image", "rm", target], capture_output=True, timeout=60, check=False
            )
        if pushed.returncode != 0:
            raise RuntimeError(f"docker push {target} failed: {pushed.stderr.strip()[-1500:]}")
        digest = self.digest(f"{repo}:{tag}")
        reported = _PUSHED_DIGEST.search(pushed.stdout)
        if reported and reported[1] != digest:
            raise RuntimeError(f"{target}: docker push said {reported[1]}, registry has {digest}")
        return f"{target}@{digest}"
