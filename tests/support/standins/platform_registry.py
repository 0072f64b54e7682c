"""One public image reference, two platforms: a multi-platform image in a loopback registry.

A build for ``--platform linux/arm64`` whose uv stages run ``FROM --platform=$BUILDPLATFORM``
needs each base image for both amd64 (build platform) and arm64 (target). The engine's
classic image store keeps one platform per tag, and buildx 0.13 refuses BuildKit's
per-platform context names (``REF::linux/arm64``: "invalid reference format"). So the two
local stand-ins are pushed to a loopback registry (registry.py), joined by a manifest list
(``docker manifest create``), and the build gets
``--build-context REF=docker-image://127.0.0.1:PORT/...``: BuildKit pulls from it the
platform each stage asks for. The registry's storage (STORAGE) lives under /var/tmp and
outlives the run, so a later push of the same stand-ins uploads nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.build_lock import file_lock
from tests.support.engine import docker
from tests.support.image_refs import PREFIX, BuildFailed
from tests.support.standins.local_images import image_id
from tests.support.standins.registry import LocalRegistry

#: The storage of the platform registry (``LocalRegistry.start(storage=STORAGE)``).
STORAGE = Path("/var/tmp") / f"{PREFIX}-platform-registry"


def _docker(*args: str) -> None:
    result = docker(*args, timeout=600, check=False)
    if result.returncode != 0:
        raise BuildFailed(f"docker {' '.join(args)}: {result.stderr.strip()}")


def publish(registry: LocalRegistry, platforms: dict[str, str]) -> str:
    """Push {platform ("linux/amd64"): local image} to `registry` as one multi-platform
    reference, and return it. Each pytest-xdist worker runs a registry of its own on the one
    STORAGE, so a push holds a lock every process shares: two writers of one link file would
    leave the other registry reading it half-written."""
    with file_lock("platform-registry"):
        return _publish(registry, platforms)


def _publish(registry: LocalRegistry, platforms: dict[str, str]) -> str:
    first = next(iter(platforms.values()))
    repository = re.sub(r"[^a-z0-9._/-]", "-", first.split(":")[0].lower())
    ids = "-".join(image_id(image)[7:19] for image in platforms.values())
    target = f"{registry.host}/{repository}:{ids}"
    pushed = []
    for platform, image in platforms.items():
        one = f"{target}-{platform.replace('/', '-')}"
        _docker("tag", image, one)
        try:
            _docker("push", "--quiet", one)
        finally:
            _docker("rmi", one)
        pushed.append(one)
    _docker("manifest", "create", "--insecure", "--amend", target, *pushed)
    _docker("manifest", "push", "--insecure", "--purge", target)
    return target
