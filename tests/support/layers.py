"""An image's layers and their bytes, read from the engine (never timed).

The bytes of a layer are the file bytes (uncompressed) in its overlay2 directory, found through
the image's GraphDriver data: `docker history` sizes cannot be matched to layers reliably
(empty and zero-byte steps look alike), so they are only used to name the step of a layer.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from tests.support.engine import docker, inspect

#: Dockerfile instructions that only change the image config: no layer in RootFS.Layers.
METADATA_INSTRUCTIONS = (
    "ARG", "CMD", "ENTRYPOINT", "ENV", "EXPOSE", "HEALTHCHECK", "LABEL", "MAINTAINER",
    "ONBUILD", "SHELL", "STOPSIGNAL", "USER", "VOLUME",
)  # fmt: skip


@dataclass(frozen=True)
class Layer:
    digest: str  # the diff ID from `docker image inspect .RootFS.Layers`
    size: int  # bytes of its files (layer_bytes)
    created_by: str  # the step that made it, from `docker history`


def diff_ids(image: str) -> list[str]:
    """The image's layers (diff IDs), oldest first."""
    return list(inspect(image, "{{json .RootFS.Layers}}"))  # type: ignore[arg-type]


def layer_bytes(image: str) -> dict[str, int]:
    """{diff id: bytes of the files in that layer}, from overlay2's layer directories."""
    driver = inspect(image, "{{json .GraphDriver}}")
    assert isinstance(driver, dict)
    if driver.get("Name") != "overlay2":
        raise RuntimeError(f"storage driver {driver.get('Name')}: layer sizes need overlay2")
    data = driver.get("Data") or {}
    dirs = [data["UpperDir"]] + [d for d in (data.get("LowerDir") or "").split(":") if d]
    layers = diff_ids(image)
    if len(dirs) != len(layers):
        raise RuntimeError(f"{len(dirs)} layer directories for {len(layers)} layers of {image}")
    return {
        diff_id: tree_bytes(Path(directory))
        for diff_id, directory in zip(reversed(layers), dirs, strict=True)
    }


def tree_bytes(root: Path) -> int:
    total = 0
    for directory, _dirs, files in os.walk(root):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(directory, name)).st_size
    return total


def changed_layer_bytes(before: list[str], image: str) -> int:
    """Bytes of the layers of `image` that were not among the `before` diff IDs."""
    old = set(before)
    return sum(size for diff_id, size in layer_bytes(image).items() if diff_id not in old)


def layers(image: str) -> list[Layer]:
    """The image's layers, oldest first, each with its bytes and the step that made it.

    `docker history` lists every step, newest first; steps that only change the config
    (ENV, LABEL, ...) have no layer. The others line up, in order, with RootFS.Layers.
    """
    digests = diff_ids(image)
    history = docker(
        "history", "--no-trunc", "--format", "{{json .CreatedBy}}", image
    ).stdout.splitlines()
    steps = [json.loads(line) for line in reversed(history) if line.strip()]
    with_layer = [step for step in steps if not step.startswith(METADATA_INSTRUCTIONS)]
    assert len(with_layer) == len(digests), (
        f"{image}: {len(with_layer)} history steps with a layer but {len(digests)} layers"
    )
    sizes = layer_bytes(image)
    return [
        Layer(digest, sizes[digest], step) for digest, step in zip(digests, with_layer, strict=True)
    ]
