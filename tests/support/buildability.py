"""Whether this machine can build a variant's images: the one decision, shared by the Docker
tier (collection and fixtures) and the benchmark."""

from __future__ import annotations

from tests.support.image_refs import (
    DEBIAN_PYTHON,
    OTHER_PYTHONS,
    PYTHON_SUITES_TEXT,
    UV_VERSION,
    Unbuildable,
    image_refs,
    local_image_name,
)
from tests.support.variants import Variant


def unbuildable_by_answers(variant: Variant) -> str | None:
    """Why this machine cannot build `variant` (one line), from the answers alone, before
    anything is rendered (collection); None when it may."""
    layout = variant.answer("image_layout")
    base_os = variant.answer("base_os")
    python = variant.answer("python_version")
    if layout != "uv-image" and variant.answer("uv_install") == "installer":
        return (
            f"uv installer: the build downloads https://astral.sh/uv/{UV_VERSION}/install.sh, "
            "and astral.sh is unreachable here"
        )
    if base_os == "alpine":
        return "alpine: no Alpine root filesystem can be made without a registry"
    if layout == "standalone":  # the Python comes from the test mirror, not from Debian
        return None
    if DEBIAN_PYTHON.get(base_os) != python and python not in OTHER_PYTHONS:
        return f"Python {python} on {base_os}: Debian packages no such Python; {PYTHON_SUITES_TEXT}"
    return None


def unbuildable_reason(variant: Variant, dockerfile: str) -> str | None:
    """The same decision once rendered: first what the answers make the build download, then
    whether every base image of the rendered `dockerfile` has a local stand-in."""
    reason = unbuildable_by_answers(variant)
    if reason:
        return reason
    refs = image_refs(dockerfile)
    if not refs:
        return "the rendered Dockerfile names no ARG *_IMAGE base image to substitute"
    for ref in refs.values():
        try:
            local_image_name(ref)
        except Unbuildable as exc:
            return str(exc)
    return None
