"""The offline stand-ins: what the tests use in place of the base images, registries and
Python downloads they cannot reach from here. README.md beside this file says, for each, what
it replaces, how it differs, and why that does not touch what the tests prove.

This is the one interface; the modules beside it are how it is done:

``build_contexts(refs, *, platform="", registry=None, with_ca=True)``
    {public ref: ``docker-image://...``} for ``docker build --build-context`` (Compose:
    ``build.additional_contexts``), building missing stand-ins. ``platform=ARM64``: references
    into ``registry`` that hold both platforms, for a ``--platform linux/arm64`` build.
    ``with_ca=False``: stand-ins without this machine's CA bundle.
``local_image(ref, *, platform="")``
    The local stand-in image for ``ref`` (for ``platform``, default this machine's).
``emulation_problem()``
    Why this machine cannot run arm64 binaries, or None.
``LocalRegistry``, ``RegistryUnavailable``, ``PLATFORM_REGISTRY_STORAGE``
    A loopback registry (registry.py); the storage of the one the arm64 builds pull from.
``PythonMirror``
    A python-build-standalone mirror on 127.0.0.1 (python_mirror.py).
``Unbuildable``, ``BuildFailed``
    This machine cannot make a stand-in (one-line reason); a stand-in's build failed.
"""

from __future__ import annotations

from collections.abc import Iterable

from tests.support.image_refs import UV_VERSION, BuildFailed, Unbuildable
from tests.support.standins import base_images, foreign_bases
from tests.support.standins.foreign_bases import PLATFORM as ARM64
from tests.support.standins.foreign_bases import emulation_problem
from tests.support.standins.platform_registry import STORAGE as PLATFORM_REGISTRY_STORAGE
from tests.support.standins.python_mirror import PythonMirror
from tests.support.standins.registry import LocalRegistry, RegistryUnavailable

__all__ = [
    "ARM64",
    "PLATFORM_REGISTRY_STORAGE",
    "BuildFailed",
    "LocalRegistry",
    "PythonMirror",
    "RegistryUnavailable",
    "Unbuildable",
    "build_contexts",
    "emulation_problem",
    "local_image",
]


def _platform(platform: str) -> str:
    if platform not in ("", ARM64):
        raise Unbuildable(f"no stand-ins are made for {platform}, only this machine's and {ARM64}")
    return platform


def build_contexts(
    refs: Iterable[str],
    *,
    platform: str = "",
    registry: LocalRegistry | None = None,
    with_ca: bool = True,
    uv_version: str = UV_VERSION,
) -> dict[str, str]:
    """{ref: "docker-image://..."}; raises Unbuildable for the first ref that cannot be made.
    Call it without the build lock: it takes it around each build."""
    if not _platform(platform):
        return base_images.build_contexts(refs, uv_version=uv_version, with_ca=with_ca)
    if registry is None or not with_ca:
        raise ValueError(f"{platform} stand-ins come from a registry, with the CA bundle")
    return foreign_bases.build_contexts(list(refs), registry=registry, uv_version=uv_version)


def local_image(ref: str, *, platform: str = "", uv_version: str = UV_VERSION) -> str:
    """The name of the local stand-in for `ref`, built when missing."""
    if not _platform(platform):
        return base_images.ensure_local_image(ref, uv_version=uv_version)
    return foreign_bases.ensure_local_image(ref, uv_version=uv_version)
