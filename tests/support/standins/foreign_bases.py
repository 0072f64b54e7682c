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

The python stand-in and the official ``python:*-slim`` image it replaces differ: the official
one is python.org's CPython built into /usr/local, its headers in /usr/local/include; the
stand-in is Debian's ``python3`` in /usr/bin, and carries the headers the way base_images'
amd64 stand-in does: ``usr/include`` of ``libpython3.X-dev`` (Python.h in
/usr/include/python3.X, Debian's multiarch pyconfig.h in /usr/include/aarch64-linux-gnu),
of the same version as the interpreter, taken on this machine from the arm64 .deb on the
Debian mirror and added with ``ADD`` (nothing runs emulated, and the debootstrapped root
filesystem is left as it is), not the package itself or its -dev dependencies. For the
tests this does not matter: a source build finds the headers through the interpreter's own
sysconfig either way, and needs a compiler the project lists (BUILD_PACKAGES) in both. The
differences that remain are the path of the interpreter (the venv's is taken from the
image either way) and sysconfig's compiler name (``aarch64-linux-gnu-gcc``, which Debian's
``gcc`` package provides, against ``gcc``).

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
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from tests.support.engine import docker, engine_problem
from tests.support.image_refs import PREFIX, UV_VERSION, BuildFailed, StandIn, Unbuildable, stand_in
from tests.support.standins import base_images
from tests.support.standins.local_images import (
    CA_LINES,
    ensure,
    ensure_with_ca,
    import_rootfs,
)
from tests.support.standins.local_images import rootfs as local_rootfs
from tests.support.standins.platform_registry import publish
from tests.support.standins.registry import LocalRegistry
from tests.support.standins.rootfs import debian_mirror

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


def dpkg_status(image: str) -> list[dict[str, str]]:
    """The stanzas of dpkg's status file in `image`, read from a container that is created,
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
    return [dict(re.findall(r"^(\S+): (.*)$", s, re.MULTILINE)) for s in status.split("\n\n")]


def installed_packages(image: str) -> set[str]:
    """The packages dpkg lists as installed in `image`."""
    return {
        stanza["Package"]
        for stanza in dpkg_status(image)
        if stanza.get("Status") == "install ok installed"
    }


def _installed(image: str, package: str) -> tuple[str, str]:
    """(version, source package) of `package` as dpkg records it in `image`."""
    for fields in dpkg_status(image):
        if fields.get("Package") == package:
            return fields["Version"], fields.get("Source", package).split()[0]
    raise BuildFailed(f"{image} has no {package} installed")


def _python_headers(rootfs: str, minor: str, mirror: str) -> bytes:
    """A tar of usr/include of the arm64 libpython`minor`-dev matching the Python of `rootfs`,
    as the amd64 python stand-in (base_images) extracts it, from the mirror's pool."""
    version, source = _installed(rootfs, f"libpython{minor}-minimal")
    pool = source[:4] if source.startswith("lib") else source[0]
    deb = f"libpython{minor}-dev_{version.split(':')[-1]}_{ARCH}.deb"
    url = f"{mirror.rstrip('/')}/pool/main/{pool}/{source}/{deb}"
    try:
        with urllib.request.urlopen(url, timeout=300) as response:
            package = response.read()
    except urllib.error.URLError as exc:
        raise BuildFailed(
            f"{url}: {exc} (the mirror may have moved past {rootfs}'s Python {version}: "
            f"remove {rootfs} to debootstrap it again)"
        ) from exc
    with tempfile.NamedTemporaryFile(prefix=f"{PREFIX}-", suffix=".deb") as file:
        file.write(package)
        file.flush()
        data = subprocess.run(
            ["dpkg-deb", "--fsys-tarfile", file.name], capture_output=True, timeout=120, check=True
        ).stdout
    headers = io.BytesIO()
    with (
        tarfile.open(fileobj=io.BytesIO(data)) as deb_files,
        tarfile.open(fileobj=headers, mode="w") as out,
    ):
        for member in deb_files:
            if member.name.startswith("./usr/include/"):
                out.addfile(member, deb_files.extractfile(member) if member.isfile() else None)
        names = out.getnames()
    if f"./usr/include/python{minor}/Python.h" not in names:
        raise BuildFailed(f"{deb} has no usr/include/python{minor}/Python.h")
    return headers.getvalue()


def _build_debian(spec: StandIn) -> str:
    """``debian:<suite>-slim`` for arm64: the python root filesystem less what its python3
    brought. Which packages those are is the difference from this machine's own minbase root
    of the same suite (the package set of a minbase is the same on both architectures). dpkg
    removes them, emulated: a few seconds, once per machine, and no second arm64 debootstrap."""
    root = python_rootfs(spec.suite)
    minbase = local_rootfs(spec.suite)
    extra = sorted(installed_packages(root) - installed_packages(minbase))
    dockerfile = f"""\
FROM {root}
RUN dpkg --purge {" ".join(extra)} \\
 && rm -rf /usr/lib/python3* /etc/python3* \\
 && ! command -v python3
{CA_LINES}
CMD ["bash"]
"""
    return ensure_with_ca(_name(spec), dockerfile, parent=root, platform=PLATFORM)


def _build_python(spec: StandIn) -> str:
    rootfs = python_rootfs(spec.suite)
    mirror = debian_mirror(spec.suite)
    # COPY, ADD and ENV only: nothing runs emulated. ADD unpacks the headers' tar.
    dockerfile = f"""\
FROM {rootfs}
ENV LANG=C.UTF-8
ADD python-headers.tar /
{CA_LINES}
CMD ["python3"]
"""
    # The headers are the parent's own Python's version, so the parent's id names them too.
    headers = f"headers usr/include of libpython{spec.python}-dev, the parent's version"
    return ensure_with_ca(
        _name(spec), dockerfile, parent=rootfs, platform=PLATFORM,
        more_files=(
            headers,
            lambda: {"python-headers.tar": _python_headers(rootfs, spec.python, mirror)},
        ),
    )  # fmt: skip


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
