"""arm64 stand-ins for the registry base images, beside the amd64 ones of base_images.py.

They are made the same way: a Debian ``minbase`` root filesystem from ``debootstrap``
(``--arch arm64``; its second stage runs under Debian's qemu-user-static, registered in
binfmt_misc by ``scripts/emulation.sh``) with Debian's own arm64 ``python3``, uv's aarch64
wheel from the package index, and this machine's CA bundle. Python is installed by
debootstrap itself (``--include``), so building the stand-in needs no emulated step.

One arm64 debootstrap per suite serves three stand-ins: ``python:3.X-slim-<suite>`` (the root
plus the CA), ``debian:<suite>-slim`` (the root less the packages its python3 brought, removed
by dpkg in one emulated step of a few seconds, since a cold arm64 debootstrap takes minutes),
and the aarch64 Python of the standalone layout's mirror (python_mirror.py). The debian
stand-in differs from the official image as the amd64 one does (a debootstrap minbase, not
Docker's debuerreotype build); what it keeps is what matters for the standalone layout: no
Python at all, so the image's Python can only be the managed one in /python.

The engine's classic image store keeps one platform per tag, so the arm64 stand-ins have
names of their own (``<amd64 name>-arm64``); a build gets both platforms under one reference
from platform_registry.py.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tarfile
from pathlib import Path

from tests.support import base_images
from tests.support.engine import docker, engine_problem
from tests.support.image_refs import PREFIX, UV_VERSION, StandIn, Unbuildable, stand_in
from tests.support.local_images import (
    IMAGE_CA_BUNDLE,
    build_image,
    ca_recipe,
    ensure,
    host_ca_bundle,
    image_id,
    import_rootfs,
)
from tests.support.local_images import rootfs as local_rootfs
from tests.support.platform_registry import publish
from tests.support.registry import LocalRegistry
from tests.support.rootfs import debian_mirror

ARCH = "arm64"
PLATFORM = f"linux/{ARCH}"
#: What the python stand-in adds to the minbase root filesystem, as base_images' python does.
PYTHON_PACKAGES = ("python3", "python-is-python3", "netbase", "tzdata")
#: binfmt_misc's entry for the arm64 emulator.
BINFMT_ENTRY = Path("/proc/sys/fs/binfmt_misc/qemu-aarch64")


def emulation_problem() -> str | None:
    """None when this machine runs arm64 binaries (qemu-user-static in binfmt_misc)."""
    try:
        status = BINFMT_ENTRY.read_text()
    except OSError:
        return f"no arm64 emulator registered ({BINFMT_ENTRY} is missing): run scripts/emulation.sh"
    if not status.startswith("enabled"):
        return f"the arm64 emulator is registered but disabled ({BINFMT_ENTRY})"
    if "flags: " in status and "F" not in status.split("flags: ", 1)[1].split()[0]:
        return "the arm64 emulator lacks binfmt_misc's F flag, so containers cannot use it"
    return None


def _name(spec: StandIn) -> str:
    return f"{spec.name}-{ARCH}"


def _build(name: str, dockerfile: str, files: dict[str, bytes], digest: str) -> None:
    build_image(name, dockerfile, files, digest, PLATFORM)


def _drop_externally_managed(root: Path) -> None:
    # As the official images (and base_images' python stand-in): uv pip --system works.
    for marker in root.glob("usr/lib/python3*/EXTERNALLY-MANAGED"):
        marker.unlink()


def python_rootfs(suite: str) -> str:
    """The arm64 root filesystem of `suite` with Debian's python3, debootstrapped once (the one
    arm64 debootstrap per suite: the debian stand-in and the standalone layout's test Python
    are made from it too)."""
    rootfs = f"{PREFIX}/rootfs:{suite}-python-{ARCH}"
    mirror = debian_mirror(suite)
    include = ",".join(PYTHON_PACKAGES)
    return ensure(
        rootfs,
        f"rootfs debootstrap --variant=minbase --arch={ARCH} --include={include} {suite} {mirror}",
        lambda digest: import_rootfs(
            rootfs, suite, mirror, digest, PYTHON_PACKAGES, arch=ARCH,
            tidy=_drop_externally_managed,
        ),
    )  # fmt: skip


def installed_packages(image: str) -> set[str]:
    """The packages dpkg lists as installed in `image`, read from a container that is created,
    never started (so a foreign image's needs no emulation)."""
    container = docker("create", image, "true").stdout.strip()
    try:
        copied = subprocess.run(
            ["docker", "cp", f"{container}:/var/lib/dpkg/status", "-"],
            capture_output=True, timeout=120, check=True,
        )  # fmt: skip
    finally:
        docker("rm", "-f", container, check=False)
    with tarfile.open(fileobj=io.BytesIO(copied.stdout)) as tar:
        member = tar.extractfile("status")
        status = member.read().decode() if member else ""
    return {
        stanza["Package"]
        for stanza in (dict(re.findall(r"^(\S+): (.*)$", s, re.MULTILINE)) for s in
                       status.split("\n\n"))
        if stanza.get("Status") == "install ok installed"
    }  # fmt: skip


def _build_debian(spec: StandIn) -> str:
    """``debian:<suite>-slim`` for arm64: the python root filesystem less what its python3
    brought. Which packages those are is the difference from this machine's own minbase root
    of the same suite (the package set of a minbase is the same on both architectures). dpkg
    removes them, emulated: a few seconds, once per machine, and no second arm64 debootstrap."""
    root = python_rootfs(spec.suite)
    minbase = local_rootfs(spec.suite)
    extra = sorted(installed_packages(root) - installed_packages(minbase))
    ca = host_ca_bundle()
    dockerfile = f"""\
FROM {root}
RUN dpkg --purge {" ".join(extra)} \\
 && rm -rf /usr/lib/python3* /etc/python3* \\
 && ! command -v python3
COPY ca-certificates.crt {IMAGE_CA_BUNDLE}
COPY ca-certificates.crt /usr/local/share/ca-certificates/{PREFIX}-host.crt
ENV SSL_CERT_FILE={IMAGE_CA_BUNDLE}
CMD ["bash"]
"""
    name = _name(spec)
    recipe = f"{dockerfile}\n{ca_recipe(ca)}\nparent {image_id(root)}"
    return ensure(
        name,
        recipe,
        lambda digest: _build(name, dockerfile, {"ca-certificates.crt": ca}, digest),
    )


def _build_python(spec: StandIn) -> str:
    rootfs = python_rootfs(spec.suite)
    ca = host_ca_bundle()
    # COPY and ENV only: nothing runs emulated.
    dockerfile = f"""\
FROM {rootfs}
ENV LANG=C.UTF-8
COPY ca-certificates.crt {IMAGE_CA_BUNDLE}
COPY ca-certificates.crt /usr/local/share/ca-certificates/{PREFIX}-host.crt
ENV SSL_CERT_FILE={IMAGE_CA_BUNDLE}
CMD ["python3"]
"""
    name = _name(spec)
    recipe = f"{dockerfile}\n{ca_recipe(ca)}\nparent {image_id(rootfs)}"
    return ensure(
        name,
        recipe,
        lambda digest: _build(name, dockerfile, {"ca-certificates.crt": ca}, digest),
    )


def _build_uv(spec: StandIn) -> str:
    return base_images.build_uv(spec, arch=ARCH, name=_name(spec))


_BUILDERS = {"debian": _build_debian, "python": _build_python, "uv": _build_uv}


def ensure_local_image(public_ref: str, *, uv_version: str = UV_VERSION) -> str:
    """The local arm64 stand-in for `public_ref`, built when missing (Unbuildable if it cannot
    be made here: only the debian, python and distroless uv images have arm64 stand-ins)."""
    spec = stand_in(public_ref, uv_version)
    if spec.kind not in _BUILDERS:
        raise Unbuildable(f"{public_ref}: no {ARCH} stand-in is made for {spec.kind} images")
    problem = engine_problem() or emulation_problem()
    if problem:
        raise Unbuildable(problem)
    if shutil.which("debootstrap") is None:
        raise Unbuildable("debootstrap is not installed (run scripts/docker-engine.sh up)")
    return _BUILDERS[spec.kind](spec)


def build_contexts(
    public_refs: list[str], *, registry: LocalRegistry, uv_version: str = UV_VERSION
) -> dict[str, str]:
    """{REF: docker-image://<both platforms in `registry`>} for a `--platform linux/arm64`
    build, whose build-platform stages take amd64 and target stages arm64 (see
    platform_registry.py). Call it without the build lock: it takes it around each build."""
    native = base_images.build_contexts(public_refs, uv_version=uv_version)
    contexts = {}
    for ref, ctx in native.items():
        foreign = ensure_local_image(ref, uv_version=uv_version)
        platforms = {"linux/amd64": ctx.removeprefix("docker-image://"), PLATFORM: foreign}
        contexts[ref] = f"docker-image://{publish(registry, platforms)}"
    return contexts
