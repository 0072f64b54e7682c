"""Base image references: the rendered Dockerfile's `ARG *_IMAGE=` lines, and which local
stand-in each public reference needs (or why this machine cannot make one).

No container registry is reachable from the project's machines, so the Docker tests build local
images once (base_images.py) and substitute them for the public references (builds.py):

* ``python:3.11-slim-bookworm`` / ``python:3.13-slim-trixie``: a Debian ``minbase`` root
  filesystem plus Debian's own ``python3`` (3.11 on bookworm, 3.13 on trixie). Other Python
  versions cannot be built offline here.
* ``debian:bookworm-slim`` / ``debian:trixie-slim``: the ``minbase`` root filesystem.
* ``ghcr.io/astral-sh/uv:X.Y.Z``: ``FROM scratch`` with ``/uv`` and ``/uvx`` taken from the
  ``uv==X.Y.Z`` wheel on the Python package index.
* ``ghcr.io/astral-sh/uv:X.Y.Z-python3.13-trixie-slim`` (and the other Pythons): the matching
  Python stand-in with ``uv``/``uvx`` in ``/usr/local/bin``.

A stand-in is made only for a reference upstream-images.toml lists as renderable: anything else
(a tag upstream never published, or stopped publishing) raises UnlistedImage, an error rather
than an unbuildable variant, so no test builds on an image a real build could not pull.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tests.support.upstream_images import require_listed
from tests.support.variants import default_of

#: The uv the template pins: the only uv a stand-in is made for.
UV_VERSION: str = default_of("uv_version")
#: Every stand-in's name, tag and temporary file starts with this.
PREFIX = "copier-uv-docker-test"
IMAGE_ARG = re.compile(r"^ARG\s+(\w+_IMAGE)=(\S+)\s*$", re.MULTILINE)
FINAL_BASE = re.compile(r"^FROM \$\{(\w+)\} AS base\s*$", re.MULTILINE)

#: Debian suite -> the Python minor version Debian packages there.
DEBIAN_PYTHON = {"bookworm": "3.11", "trixie": "3.13"}
DEBIAN_NUMBERS = {"12": "bookworm", "13": "trixie"}
#: Python minor versions built another way on both suites (tests/support/standins/pythons.py).
OTHER_PYTHONS = ("3.12", "3.14", "3.15")
PYTHON_SUITES_TEXT = (
    "only 3.11 (bookworm), 3.13 (trixie) and 3.12, 3.14, 3.15 (both) can be built offline here"
)

_DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")
_VERSION = re.compile(r"^\d+\.\d+\.\d+$")
_PYTHON_TAG = re.compile(
    r"^(?P<minor>\d+\.\d+)(?P<patch>\.\d+)?(?P<pre>[abrc]+\d+)?"
    r"(?P<slim>-slim)?(?:-(?P<suite>[a-z]+))?$"
)
_UV_DERIVED_TAG = re.compile(
    r"^(?:(?P<version>\d+\.\d+\.\d+)-)?python(?P<minor>\d+\.\d+)-(?P<suite>[a-z]+)(?P<slim>-slim)?$"
)


class Unbuildable(Exception):
    """``str(exc)`` is a one-line reason why this machine cannot build it."""


class BuildFailed(RuntimeError):
    """A stand-in should have been buildable here, but building it failed."""


def image_refs(dockerfile: str) -> dict[str, str]:
    """{ARG name: public image reference} from a Dockerfile's `ARG *_IMAGE=` lines."""
    return dict(IMAGE_ARG.findall(dockerfile))


def final_base_arg(dockerfile: str) -> str:
    """The ARG that names the image the final stages start from (`FROM ${ARG} AS base`)."""
    match = FINAL_BASE.search(dockerfile)
    if not match or match[1] not in image_refs(dockerfile):
        raise ValueError("the Dockerfile has no `FROM ${*_IMAGE} AS base` stage")
    return match[1]


@dataclass(frozen=True)
class StandIn:
    """What to build for one public reference."""

    kind: str  # "debian" | "python" | "uv" | "uv-python"
    suite: str = ""
    uv_version: str = ""
    minor: str = ""  # a Python Debian does not package on `suite` (OTHER_PYTHONS)

    @property
    def python(self) -> str:
        return self.minor or DEBIAN_PYTHON[self.suite]

    @property
    def name(self) -> str:
        if self.kind == "debian":
            return f"{PREFIX}/debian:{self.suite}-slim"
        if self.kind == "python":
            return f"{PREFIX}/python:{self.python}-{self.suite}"
        if self.kind == "uv":
            return f"{PREFIX}/uv:{self.uv_version}"
        return f"{PREFIX}/uv:{self.uv_version}-python{self.python}-{self.suite}"


def _split_ref(ref: str) -> tuple[list[str], str]:
    """(repository path components, tag) of an image reference; the digest is dropped."""
    bare = _DIGEST.sub("", ref.strip())
    if "@" in bare:
        raise Unbuildable(f"{ref}: unsupported digest form (expected @sha256:<64 hex>)")
    last_slash = bare.rfind("/")
    colon = bare.rfind(":")
    if colon > last_slash:
        repo, tag = bare[:colon], bare[colon + 1 :]
    else:
        repo, tag = bare, ""
    return [part for part in repo.lower().split("/") if part], tag


def _suite(word: str | None, ref: str) -> str:
    suite = DEBIAN_NUMBERS.get(word or "", word or "")
    if suite not in DEBIAN_PYTHON:
        raise Unbuildable(
            f"{ref}: only Debian bookworm and trixie root filesystems can be built offline here"
        )
    return suite


def _python_spec(ref: str, tag: str) -> StandIn:
    if "alpine" in tag:
        raise Unbuildable(
            f"{ref}: no Alpine root filesystem can be made without a registry; "
            "only Debian-based images can be built offline here"
        )
    match = _PYTHON_TAG.match(tag)
    if not match:
        raise Unbuildable(f"{ref}: unrecognised python image tag {tag!r}")
    minor = match["minor"]
    if match["patch"] or match["pre"]:
        raise Unbuildable(
            f"{ref}: pins an exact Python release, which Debian's python3 cannot match; "
            f"{PYTHON_SUITES_TEXT}"
        )
    if not match["slim"]:
        raise Unbuildable(f"{ref}: only the -slim python images are reproduced offline here")
    # The official images without a suite in the tag are based on the current stable.
    suite = match["suite"] or "trixie"
    if suite not in DEBIAN_PYTHON:
        raise Unbuildable(f"{ref}: only Debian bookworm and trixie based images can be built here")
    if minor in OTHER_PYTHONS:
        return StandIn("python", suite=suite, minor=minor)
    if DEBIAN_PYTHON[suite] != minor:
        if minor in DEBIAN_PYTHON.values():
            raise Unbuildable(
                f"Python {minor} is not packaged by Debian {suite}; {PYTHON_SUITES_TEXT}"
            )
        raise Unbuildable(
            f"Python {minor} is not packaged by Debian bookworm/trixie; {PYTHON_SUITES_TEXT}"
        )
    return StandIn("python", suite=suite)


def _uv_spec(ref: str, tag: str, uv_version: str) -> StandIn:
    if "alpine" in tag:
        raise Unbuildable(
            f"{ref}: no Alpine root filesystem can be made without a registry; "
            "only Debian-based images can be built offline here"
        )
    if _VERSION.match(tag):
        version, derived = tag, None
    else:
        derived = _UV_DERIVED_TAG.match(tag)
        if not derived:
            raise Unbuildable(f"{ref}: unrecognised uv image tag {tag or '(none)'!r}")
        version = derived["version"]
        if not version:
            raise Unbuildable(f"{ref}: the uv version must be pinned (X.Y.Z-python...)")
    if version != uv_version:
        raise Unbuildable(f"{ref}: uv {version} is not the pinned uv {uv_version}")
    if derived is None:
        return StandIn("uv", uv_version=version)
    if not derived["slim"]:
        raise Unbuildable(f"{ref}: only the -slim uv derived images are reproduced offline here")
    python = _python_spec(ref, f"{derived['minor']}-slim-{derived['suite']}")
    return StandIn("uv-python", suite=python.suite, uv_version=version, minor=python.minor)


def stand_in(public_ref: str, uv_version: str) -> StandIn:
    require_listed(public_ref)
    parts, tag = _split_ref(public_ref)
    if not parts:
        raise Unbuildable(f"{public_ref!r}: not an image reference")
    if parts[-2:] == ["astral-sh", "uv"]:
        return _uv_spec(public_ref, tag, uv_version)
    if parts[-1] == "python":
        return _python_spec(public_ref, tag)
    if parts[-1] == "debian":
        words = tag.split("-")
        if len(words) > 2 or (len(words) == 2 and words[1] != "slim") or not words[0]:
            raise Unbuildable(f"{public_ref}: unrecognised debian image tag {tag!r}")
        return StandIn("debian", suite=_suite(words[0], public_ref))
    raise Unbuildable(f"{public_ref}: no local stand-in is known for this image")


def local_image_name(public_ref: str, *, uv_version: str = UV_VERSION) -> str:
    """The local name that stands in for `public_ref` (without building it)."""
    return stand_in(public_ref, uv_version).name
