"""Local images kept by recipe: reused while their recipe label matches, built otherwise under a
per-image lock (so pytest-xdist workers wait for one build instead of racing); the Debian root
filesystems and ``debian:*-slim`` stand-ins every other stand-in starts from.

Every stand-in carries this machine's CA bundle and sets ``SSL_CERT_FILE``, because the
package index is reached through a TLS proxy whose CA only the host bundle knows. That is a
test-only detail; the rendered Dockerfiles stay clean.
"""

from __future__ import annotations

import hashlib
import logging
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.support.build_lock import file_lock
from tests.support.builds import docker_build
from tests.support.commands import first_line
from tests.support.engine import docker
from tests.support.image_refs import PREFIX, BuildFailed, StandIn, Unbuildable
from tests.support.standins.rootfs import debian_mirror, debootstrapped

log = logging.getLogger(__name__)

RECIPE_LABEL = "org.copier-uv-docker.test.recipe"
#: Bump to force every stand-in to be rebuilt after a change to the recipes below.
RECIPE_VERSION = "1"
HOST_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
IMAGE_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
#: This machine's CA bundle in a Debian-based stand-in (ca-certificates.crt in the build
#: context). It also goes to /usr/local/share/ca-certificates, so that a Dockerfile that
#: installs ca-certificates (which regenerates the bundle) keeps the proxy CA.
CA_LINES = f"""\
COPY ca-certificates.crt {IMAGE_CA_BUNDLE}
COPY ca-certificates.crt /usr/local/share/ca-certificates/{PREFIX}-host.crt
ENV SSL_CERT_FILE={IMAGE_CA_BUNDLE}"""
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def image_label(name: str) -> str | None:
    """The recipe label of a local image, "" if it has none, None if it does not exist."""
    template = f'{{{{index .Config.Labels "{RECIPE_LABEL}"}}}}'
    result = docker("image", "inspect", "--format", template, name, check=False)
    if result.returncode != 0:
        return None
    label = result.stdout.strip()
    return "" if label == "<no value>" else label


def image_id(name: str) -> str:
    result = docker("image", "inspect", "--format", "{{.Id}}", name, check=False)
    if result.returncode != 0:
        raise BuildFailed(f"local image {name} vanished: {first_line(result.stderr)}")
    return result.stdout.strip()


def ensure(name: str, recipe: str, build: Callable[[str], None]) -> str:
    """Build `name` with `build(recipe_hash)` unless it exists with the same recipe."""
    digest = hashlib.sha256(f"{RECIPE_VERSION}\n{recipe}".encode()).hexdigest()[:16]
    if image_label(name) == digest:
        return name
    with file_lock(name):
        if image_label(name) == digest:  # another worker built it meanwhile
            return name
        started = time.monotonic()
        log.info("building local base image %s", name)
        build(digest)
        log.info("built %s in %.1f s", name, time.monotonic() - started)
        if image_label(name) != digest:
            raise BuildFailed(f"{name} was built but does not carry recipe label {digest}")
    return name


def host_ca_bundle() -> bytes:
    try:
        return HOST_CA_BUNDLE.read_bytes()
    except OSError as exc:
        raise Unbuildable(f"the host CA bundle {HOST_CA_BUNDLE} is unreadable: {exc}") from exc


def build_image(
    name: str,
    dockerfile: str,
    files: dict[str, bytes],
    digest: str,
    platform: str = "",
    *,
    context: Path | None = None,
) -> None:
    """`name` built from `dockerfile` and `files` (for `platform`, default this machine's), in
    a temporary build context or in `context`, a directory that already holds more."""
    with tempfile.TemporaryDirectory(prefix=f"{PREFIX}-ctx-") as tmp:
        ctx = context or Path(tmp)
        (ctx / "Dockerfile").write_text(dockerfile)
        for filename, content in files.items():
            (ctx / filename).write_bytes(content)
            (ctx / filename).chmod(0o755 if filename in {"uv", "uvx"} else 0o644)
        result = docker_build(
            ctx,
            tag=name,
            options=[
                "--label", f"{RECIPE_LABEL}={digest}",
                *([f"--platform={platform}"] if platform else []),
            ],
            check=False,
        )  # fmt: skip
    if result.returncode != 0:
        tail = "\n".join((result.stderr + result.stdout).splitlines()[-40:])
        raise BuildFailed(f"docker build of {name} failed:\n{tail}")


def import_rootfs(
    name: str,
    suite: str,
    mirror: str,
    digest: str,
    include: tuple[str, ...] = (),
    *,
    arch: str = "",
    tidy: Callable[[Path], None] | None = None,
) -> None:
    """debootstrap `suite` (for `arch`: rootfs.debootstrapped), `tidy` the tree, import it."""
    with debootstrapped(suite, mirror, include, arch=arch) as tree:
        if tidy is not None:
            tidy(tree)
        tar = subprocess.Popen(
            ["tar", "--numeric-owner", "-C", str(tree), "-c", "."], stdout=subprocess.PIPE
        )
        try:
            imported = subprocess.run(
                [
                    "docker", "import", *([f"--platform=linux/{arch}"] if arch else []),
                    "--change", f"ENV PATH={DEFAULT_PATH}",
                    "--change", 'CMD ["bash"]',
                    "--change", f"LABEL {RECIPE_LABEL}={digest}",
                    "-", name,
                ],
                stdin=tar.stdout, capture_output=True, text=True, timeout=600, check=False,
            )  # fmt: skip
        finally:
            if tar.stdout is not None:
                tar.stdout.close()
            tar_rc = tar.wait()
    if tar_rc != 0 or imported.returncode != 0:
        raise BuildFailed(
            f"importing the {suite} rootfs as {name} failed (tar exit {tar_rc}): "
            f"{first_line(imported.stderr)}"
        )


def rootfs(suite: str, include: tuple[str, ...] = ()) -> str:
    """A debootstrap minbase of `suite` (plus the packages `include` names), imported."""
    name = f"{PREFIX}/rootfs:{'-'.join((suite, *include))}"
    mirror = debian_mirror(suite)
    recipe = f"rootfs debootstrap --variant=minbase {suite} {mirror}"
    if include:
        recipe += f" --include={','.join(include)}"
    return ensure(name, recipe, lambda digest: import_rootfs(name, suite, mirror, digest, include))


def ca_recipe(ca: bytes) -> str:
    return "ca " + hashlib.sha256(ca).hexdigest()


def ensure_with_ca(
    name: str,
    dockerfile: str,
    *,
    parent: str,
    platform: str = "",
    more_files: tuple[str, Callable[[], dict[str, bytes]]] | None = None,
) -> str:
    """`name` built from `dockerfile` on `parent` with this machine's CA bundle in its context,
    for `platform` (default this machine's). `more_files`: (what names them in the recipe, what
    makes them when the image is built) for files beside the CA bundle."""
    ca = host_ca_bundle()
    named = [more_files[0]] if more_files else []
    recipe = "\n".join([dockerfile, ca_recipe(ca), *named, f"parent {image_id(parent)}"])

    def build(digest: str) -> None:
        files = {"ca-certificates.crt": ca, **(more_files[1]() if more_files else {})}
        build_image(name, dockerfile, files, digest, platform)

    return ensure(name, recipe, build)


def build_debian(spec: StandIn) -> str:
    base = rootfs(spec.suite)
    dockerfile = f"""\
FROM {base}
{CA_LINES}
CMD ["bash"]
"""
    return ensure_with_ca(spec.name, dockerfile, parent=base)
