"""The naive reference (benchmarks/naive.Dockerfile) and what each comparison builds: the
variant's base images and the naive image's, as local stand-ins."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from benchmarks.rendering import render
from tests.support.buildability import unbuildable_reason
from tests.support.image_refs import UV_VERSION, Unbuildable, final_base_arg, image_refs
from tests.support.standins import build_contexts
from tests.support.variants import Variant

NAIVE_DOCKERFILE = Path(__file__).resolve().parent / "naive.Dockerfile"
#: The second reference, uv-docker-example's multi-stage technique: the same base images.
UV_EXAMPLE_DOCKERFILE = Path(__file__).resolve().parent / "uv_example.Dockerfile"


@dataclass
class Plan:
    variant: Variant
    images: dict[str, str]  # ARG -> public ref
    contexts: dict[str, str]
    base_image: str
    naive_contexts: dict[str, str]
    naive_args: dict[str, str]
    naive_base: str


def naive_refs(variant: Variant) -> dict[str, str]:
    """The public references the naive Dockerfile uses for this variant: the variant's
    Python on the variant's OS (the official slim image's name) and the distroless uv."""
    mirror = variant.answer("dockerhub_mirror")
    prefix = f"{mirror}/" if mirror else ""
    python = variant.answer("python_version")
    return {
        "PYTHON_IMAGE": f"{prefix}python:{python}-slim-{variant.answer('base_os')}",
        "UV_IMAGE": f"{variant.answer('ghcr_mirror')}/astral-sh/uv:{UV_VERSION}",
    }


def base_images(variant: Variant, scratch: Path) -> tuple[dict[str, str], str]:
    """The rendered Dockerfile's base images (ARG -> public ref) and the ARG its final stage
    starts from, or Unbuildable with the reason this machine cannot build `variant`."""
    dst = scratch / f"plan-{variant.id}"
    render(variant, dst, tasks=False)
    try:
        dockerfile = (dst / "Dockerfile").read_text()
    finally:
        shutil.rmtree(dst, ignore_errors=True)
    reason = unbuildable_reason(variant, dockerfile)
    if reason:
        raise Unbuildable(reason)
    return image_refs(dockerfile), final_base_arg(dockerfile)


def plan(variant: Variant, scratch: Path) -> Plan:
    """What to build for `variant`, or Unbuildable with the reason this machine cannot."""
    images, base_arg = base_images(variant, scratch)
    contexts = build_contexts(images.values())
    refs = naive_refs(variant)
    naive_contexts = build_contexts(refs.values())
    return Plan(
        variant=variant,
        images=images,
        contexts=contexts,
        base_image=contexts[images[base_arg]].removeprefix("docker-image://"),
        naive_contexts=naive_contexts,
        naive_args=refs,
        naive_base=naive_contexts[refs["PYTHON_IMAGE"]].removeprefix("docker-image://"),
    )
