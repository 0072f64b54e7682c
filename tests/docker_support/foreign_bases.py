"""arm64 stand-ins for the registry base images, beside the amd64 ones of :mod:`bases`.

They are made the same way: a Debian ``minbase`` root filesystem from ``debootstrap``
(``--arch arm64``; its second stage runs under Debian's qemu-user-static, registered in
binfmt_misc by ``scripts/emulation.sh``) with Debian's own arm64 ``python3``, uv's aarch64
wheel from the package index, and this machine's CA bundle. Python is installed by
debootstrap itself (``--include``), so building the stand-in needs no emulated step.

The engine's classic image store keeps one platform per tag, so the arm64 stand-ins have
names of their own (``<amd64 name>-arm64``); a build gets both platforms under one reference
from :mod:`platform_registry`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.docker_support import bases
from tests.docker_support.images import build_lock
from tests.docker_support.platform_registry import PlatformRegistry

ARCH = "arm64"
PLATFORM = f"linux/{ARCH}"
#: What the python stand-in adds to the minbase root filesystem, as bases._build_python does.
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


def _name(spec: bases._Spec) -> str:
    return f"{spec.name}-{ARCH}"


def _locked_build(name: str, dockerfile: str, files: dict[str, bytes], digest: str) -> None:
    # The suite's build lock is held around the build only, not the minutes of debootstrap.
    with build_lock():
        bases._docker_build(name, dockerfile, files, digest, PLATFORM)


def _drop_externally_managed(root: Path) -> None:
    # As the official images (and bases._build_python): uv pip --system works.
    for marker in root.glob("usr/lib/python3*/EXTERNALLY-MANAGED"):
        marker.unlink()


def _build_python(spec: bases._Spec) -> str:
    rootfs = f"{bases.PREFIX}/rootfs:{spec.suite}-python-{ARCH}"
    mirror = bases.debian_mirror(spec.suite)
    include = ",".join(PYTHON_PACKAGES)
    bases._ensure(
        rootfs,
        f"rootfs debootstrap --variant=minbase --arch={ARCH} --include={include} "
        f"{spec.suite} {mirror}",
        lambda digest: bases._build_rootfs(
            rootfs, spec.suite, mirror, digest, arch=ARCH, include=PYTHON_PACKAGES,
            tidy=_drop_externally_managed,
        ),
    )  # fmt: skip
    ca = bases._host_ca_bundle()
    # COPY and ENV only: nothing runs emulated.
    dockerfile = f"""\
FROM {rootfs}
ENV LANG=C.UTF-8
COPY ca-certificates.crt {bases.IMAGE_CA_BUNDLE}
COPY ca-certificates.crt /usr/local/share/ca-certificates/{bases.PREFIX}-host.crt
ENV SSL_CERT_FILE={bases.IMAGE_CA_BUNDLE}
CMD ["python3"]
"""
    name = _name(spec)
    recipe = f"{dockerfile}\n{bases._ca_recipe(ca)}\nparent {bases._image_id(rootfs)}"
    return bases._ensure(
        name,
        recipe,
        lambda digest: _locked_build(name, dockerfile, {"ca-certificates.crt": ca}, digest),
    )


def _build_uv(spec: bases._Spec) -> str:
    ca = bases._host_ca_bundle()
    dockerfile = f"""\
FROM scratch
COPY uv uvx /
COPY ca-certificates.crt {bases.IMAGE_CA_BUNDLE}
ENV SSL_CERT_FILE={bases.IMAGE_CA_BUNDLE}
ENTRYPOINT ["/uv"]
"""
    recipe = f"{dockerfile}\nuv {spec.uv_version} aarch64 {bases.UV_RECIPE}\n{bases._ca_recipe(ca)}"
    name = _name(spec)

    def build(digest: str) -> None:
        files = {"ca-certificates.crt": ca, **bases._uv_binaries(spec.uv_version, "aarch64")}
        _locked_build(name, dockerfile, files, digest)

    return bases._ensure(name, recipe, build)


_BUILDERS = {"python": _build_python, "uv": _build_uv}


def ensure_local_image(public_ref: str, *, uv_version: str) -> str:
    """The local arm64 stand-in for `public_ref`, built when missing (Unbuildable if it cannot
    be made here: only the python and distroless uv images have arm64 stand-ins)."""
    spec = bases._spec(public_ref, uv_version)
    if spec.kind not in _BUILDERS:
        raise bases.Unbuildable(f"{public_ref}: no {ARCH} stand-in is made for {spec.kind} images")
    problem = bases.engine_problem() or emulation_problem()
    if problem:
        raise bases.Unbuildable(problem)
    if shutil.which("debootstrap") is None:
        raise bases.Unbuildable("debootstrap is not installed (run scripts/docker-engine.sh up)")
    return _BUILDERS[spec.kind](spec)


def build_contexts(
    public_refs: list[str], *, uv_version: str, registry: PlatformRegistry
) -> dict[str, str]:
    """{REF: docker-image://<both platforms in `registry`>} for a `--platform linux/arm64`
    build, whose build-platform stages take amd64 and target stages arm64 (see
    platform_registry). Call it without the build lock: it takes it around each build."""
    with build_lock():
        native = bases.build_contexts(public_refs, uv_version=uv_version)
    contexts = {}
    for ref, ctx in native.items():
        foreign = ensure_local_image(ref, uv_version=uv_version)
        platforms = {"linux/amd64": ctx.removeprefix("docker-image://"), PLATFORM: foreign}
        contexts[ref] = f"docker-image://{registry.publish(platforms)}"
    return contexts
