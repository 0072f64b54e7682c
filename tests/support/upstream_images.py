"""The upstream image references the template may render (upstream-images.toml at the
repository root), and the references a rendered project names.

The data file is the one list of what upstream publishes: the fast tier checks every rendered
reference against it, and the stand-in machinery (image_refs.py) refuses to stand in for a
reference it does not list.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tests.support.variants import TEMPLATE_ROOT

DATA_FILE = TEMPLATE_ROOT / "upstream-images.toml"
#: Statuses a rendered reference may have; "removed" (and an unlisted reference) fails.
RENDERABLE = ("published", "unconfirmed")

_DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")
#: An upstream repository the template uses, named anywhere in a rendered file (README text,
#: comments): a registry path may stand before it, a tag after it.
_NAMED = re.compile(
    r"(?<![\w./:-])((?:[a-z0-9][a-z0-9.-]*(?::\d+)?/)*(?:python|debian|alpine|astral-sh/uv))"
    r":([A-Za-z0-9_][A-Za-z0-9_.-]*)(@sha256:[0-9a-f]{64})?"
)
_DOCKERFILE_FROM = re.compile(r"^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?", re.I | re.M)
_DOCKERFILE_IMAGE_ARG = re.compile(r"^ARG\s+\w+_IMAGE=(\S+)", re.M)
_DOCKERFILE_FROM_FLAG = re.compile(r"--from=([^\s,]+)")
_MANYLINUX = re.compile(r"manylinux_(\d+)_(\d+)")


class UnlistedImage(ValueError):
    """A reference upstream-images.toml does not list as renderable (never a stand-in)."""


@cache
def facts() -> dict[str, Any]:
    return tomllib.loads(DATA_FILE.read_text())


def uv_facts(version: str) -> dict[str, Any]:
    """The data file's facts for uv `version`; an error that says what to add when missing."""
    try:
        return facts()["uv"][version]
    except KeyError:
        raise UnlistedImage(
            f'upstream-images.toml has no [uv."{version}"] entry: copier.yml\'s uv_version '
            "moved without the upstream facts (README.md, Upstream images)"
        ) from None


def public_name(ref: str, *, dockerhub_mirror: str = "", ghcr_mirror: str = "ghcr.io") -> str:
    """The public name of a rendered reference: the digest dropped, a mirror path mapped back."""
    bare = _DIGEST.sub("", ref.strip())
    if ghcr_mirror and bare.startswith(f"{ghcr_mirror}/"):
        return "ghcr.io/" + bare.removeprefix(f"{ghcr_mirror}/")
    if dockerhub_mirror and bare.startswith(f"{dockerhub_mirror}/"):
        return bare.removeprefix(f"{dockerhub_mirror}/")
    return bare.removeprefix("docker.io/library/")


def upstream_name(ref: str) -> str:
    """The public name of any mirror's path to an upstream image, from its last components
    (`<anything>/astral-sh/uv:T` is ghcr.io's, `<anything>/python:T` Docker Hub's)."""
    bare = _DIGEST.sub("", ref.strip())
    path, _, tag = bare.rpartition(":") if ":" in bare.rsplit("/", 1)[-1] else (bare, "", "")
    parts = path.split("/")
    if parts[-2:] == ["astral-sh", "uv"]:
        return f"ghcr.io/astral-sh/uv:{tag}"
    return f"{parts[-1]}:{tag}" if tag else parts[-1]


def problem(public: str) -> str | None:
    """Why `public` (a public name) may not be rendered, or None when the data file allows it."""
    entry = facts()["images"].get(public)
    if entry is None:
        return f"{public}: not listed in upstream-images.toml"
    if entry["status"] not in RENDERABLE:
        sources = "; ".join(facts()["sources"][key] for key in entry["sources"])
        return f"{public}: {entry['status']} upstream: {entry.get('note', '')} ({sources})"
    return None


def require_listed(ref: str) -> None:
    """Raise UnlistedImage unless `ref`, by any mirror path, is a renderable listed image."""
    if reason := problem(upstream_name(ref)):
        raise UnlistedImage(reason)


def glibc(suite: str) -> str:
    return facts()["suites"][suite]["glibc"]


def _dockerfile_refs(text: str) -> Iterator[str]:
    yield from _DOCKERFILE_IMAGE_ARG.findall(text)
    stages = {"scratch"}
    for image, stage in _DOCKERFILE_FROM.findall(text):
        if "$" not in image and image.lower() not in stages:
            yield image
        stages.add(stage.lower())
    for image in _DOCKERFILE_FROM_FLAG.findall(text):
        if "$" not in image and image.lower() not in stages:
            yield image


def _structured_refs(node: Any) -> Iterator[str]:
    """`image:` values, `docker://` actions and dev container features, anywhere in a YAML or
    JSON document (compose, workflows, devcontainer.json)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("image", "image-ref") and isinstance(value, str):
                yield value
            elif key == "uses" and isinstance(value, str) and value.startswith("docker://"):
                yield value.removeprefix("docker://")
            elif key == "features" and isinstance(value, dict):
                yield from value
            else:
                yield from _structured_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _structured_refs(item)


def rendered_references(root: Path) -> set[tuple[str, str]]:
    """(file, reference) for every image reference a rendered project names: the Dockerfile's
    base images and stage sources, `image:` values in compose, workflows and the dev container,
    bake contexts, and any mention of an upstream repository with a tag (README commands)."""
    found: set[tuple[str, str]] = set()
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if not path.is_file() or relative.startswith((".git/", ".venv/")):
            continue
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        refs = {f"{repo}:{tag}{digest}" for repo, tag, digest in _NAMED.findall(text)}
        if path.name == "Dockerfile":
            refs.update(_dockerfile_refs(text))
        elif path.suffix in (".yml", ".yaml", ".json"):
            refs.update(_structured_refs(yaml.safe_load(text)))
        elif path.suffix == ".hcl":
            refs.update(re.findall(r"docker-image://([^\"\s]+)", text))
        found.update((relative, ref) for ref in refs)
    return found


def manylinux_tags(root: Path) -> set[tuple[str, str]]:
    """(file, "2_NN") for every manylinux platform tag a rendered project names (uv.lock, which
    the copy task writes, names its wheels' own tags)."""
    return {
        (path.relative_to(root).as_posix(), f"{major}_{minor}")
        for path in root.rglob("*")
        if path.is_file() and path.name != "uv.lock" and not {".git", ".venv"} & set(path.parts)
        for major, minor in _MANYLINUX.findall(path.read_text(errors="replace"))
    }
