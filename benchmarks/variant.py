"""Measuring one variant against the naive reference: every figure, repeated, alternating."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from benchmarks.figures import FIGURES, RENDER_ONLY, Figure, ratio
from benchmarks.measure import (
    Image,
    image_size,
    layers_over_base,
    log,
    remove_images,
    run_cli,
    run_web,
    timed,
    venv_bytes,
)
from benchmarks.naive import NAIVE_DOCKERFILE, UV_EXAMPLE_DOCKERFILE, Plan
from benchmarks.rendering import render
from tests.support.commands import run
from tests.support.layers import changed_layer_bytes, diff_ids
from tests.support.variants import default_of

IMAGE_PREFIX = "copier-uv-docker-bench"
#: The dependency added (one pinned version per repetition) for the dependency-change rebuild:
#: small, pure Python, no dependencies of its own.
DEP_PACKAGE = "six"
DEP_VERSIONS = ("1.17.0", "1.16.0", "1.15.0", "1.14.0", "1.13.0", "1.12.0")


def source_bytes(project: Path) -> int:
    """Bytes of the project's Python sources (src/ and the workspace's packages/)."""
    total = 0
    for top in ("src", "packages"):
        for path in (project / top).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                total += path.stat().st_size
    return total


def edit_target(project: Path) -> Path:
    inits = sorted((project / "src").glob("*/__init__.py"))
    if not inits:
        raise RuntimeError(f"{project}: no src/<package>/__init__.py to edit")
    return inits[0]


def set_marker(pyproject: Path, marker: str) -> None:
    """A comment line at the top of pyproject.toml that makes this run's builds unique, so no
    build hits the layer cache of an earlier run or of another variant."""
    lines = pyproject.read_text().splitlines(keepends=True)
    if lines and lines[0].startswith("# benchmark run "):
        lines = lines[1:]
    pyproject.write_text(f"# benchmark run {marker}\n" + "".join(lines))


def bench_variant(p: Plan, repeat: int, work: Path, run_id: str) -> dict[str, Any]:
    variant = p.variant
    web = variant.answer("service_kind") == "web"
    project_name = variant.answer("project_name")
    logs = work / "logs"
    logs.mkdir(parents=True)
    figures: dict[str, dict[str, Figure]] = {
        key: {label: Figure() for label in ("variant", "naive", "uv_example")}
        for key, _t, _u in FIGURES
    }

    # Render time, with and without the tasks (uv lock, git init), each in a fresh directory.
    project = None
    for i in range(repeat):
        for key, tasks in (("render_tasks", True), ("render_no_tasks", False)):
            dst = work / f"render-{key}-{i}"
            figures[key]["variant"].samples.append(
                timed(lambda dst=dst, tasks=tasks: render(variant, dst, tasks=tasks))
            )
            if tasks:
                project = dst
            else:
                shutil.rmtree(dst, ignore_errors=True)
    assert project is not None
    if not (project / "uv.lock").is_file():
        raise RuntimeError(f"{variant.id}: the lock task wrote no uv.lock (no network?)")
    log(f"{variant.id}: rendered")

    images = {
        "variant": Image(
            "variant",
            f"{IMAGE_PREFIX}/{variant.id}:variant",
            project / "Dockerfile",
            p.contexts,
            {},
            p.base_image,
            [],
        ),
        "naive": Image(
            "naive",
            f"{IMAGE_PREFIX}/{variant.id}:naive",
            NAIVE_DOCKERFILE,
            p.naive_contexts,
            p.naive_args,
            p.naive_base,
            [project_name],
        ),
        # The second reference: uv-docker-example's multi-stage technique, on the same bases.
        "uv_example": Image(
            "uv_example",
            f"{IMAGE_PREFIX}/{variant.id}:uv-example",
            UV_EXAMPLE_DOCKERFILE,
            p.naive_contexts,
            p.naive_args,
            p.naive_base,
            [project_name],
        ),
    }
    pyproject = project / "pyproject.toml"
    set_marker(pyproject, f"{run_id} {variant.id}")
    try:
        # Cold builds: --no-cache ignores the builder's layer cache (cache mounts persist).
        for i in range(repeat):
            for label, image in images.items():
                seconds = image.build(
                    project, no_cache=True, log_dir=logs, name=f"cold-{label}-{i}"
                )
                figures["cold_build"][label].samples.append(seconds)
        log(f"{variant.id}: cold builds done")

        # Sizes of the images as rendered.
        added: dict[str, list[dict[str, Any]]] = {}
        sources = source_bytes(project)
        for label, image in images.items():
            size = image_size(image.tag)
            figures["image_bytes"][label].samples.append(size)
            figures["over_base_bytes"][label].samples.append(size - image_size(image.base_image))
            figures["venv_bytes"][label].samples.append(venv_bytes(image))
            added[label] = layers_over_base(image)

        # Start and stop, alternating variant and naive.
        for i in range(repeat):
            for label, image in images.items():
                name = f"{IMAGE_PREFIX}-{variant.id}-{label}-{i}-{run_id}"
                if web:
                    started, stopped = run_web(image, default_of("http_port"), name)
                    figures["stop"][label].samples.append(stopped)
                else:
                    started = run_cli(image, name)
                figures["start"][label].samples.append(started)
        log(f"{variant.id}: runs done")

        # Warm rebuilds after a one-line source edit, and the layers that edit changed.
        target = edit_target(project)
        for i in range(repeat):
            with target.open("a") as handle:
                handle.write(f"# benchmark edit {run_id} {i}\n")
            for label, image in images.items():
                before = diff_ids(image.tag)
                seconds = image.build(
                    project, no_cache=False, log_dir=logs, name=f"warm-{label}-{i}"
                )
                figures["warm_rebuild"][label].samples.append(seconds)
                figures["edit_layer_bytes"][label].samples.append(
                    changed_layer_bytes(before, image.tag)
                )
        log(f"{variant.id}: warm rebuilds done")

        # Rebuilds after a dependency change: `uv add` re-locks with one more small package.
        for i in range(repeat):
            set_marker(pyproject, f"{run_id} {variant.id} dep {i}")
            version = DEP_VERSIONS[i % len(DEP_VERSIONS)]
            run(["uv", "add", "--no-sync", f"{DEP_PACKAGE}=={version}"], cwd=project, timeout=300)
            for label, image in images.items():
                seconds = image.build(
                    project, no_cache=False, log_dir=logs, name=f"dep-{label}-{i}"
                )
                figures["dep_rebuild"][label].samples.append(seconds)
        log(f"{variant.id}: dependency rebuilds done")
    finally:
        for image in images.values():
            remove_images(image)

    return {
        "answers": variant.answers,
        "layout": variant.answer("image_layout"),
        "kind": variant.answer("service_kind"),
        "images": p.images,
        "base_image": p.base_image,
        "naive_images": p.naive_args,
        "naive_base_image": p.naive_base,
        "source_bytes": sources,
        "layers_over_base": added,
        "figures": {
            key: {
                "variant": figures[key]["variant"].as_json(),
                "naive": None if key in RENDER_ONLY else figures[key]["naive"].as_json(),
                "ratio_of_medians": None
                if key in RENDER_ONLY
                else ratio(figures[key]["variant"].median, figures[key]["naive"].median),
                "uv_example": None if key in RENDER_ONLY else figures[key]["uv_example"].as_json(),
                "ratio_to_uv_example": None
                if key in RENDER_ONLY
                else ratio(figures[key]["variant"].median, figures[key]["uv_example"].median),
            }
            for key, _title, _unit in FIGURES
        },
    }
