"""Building the local stand-ins for the registry base images the rendered Dockerfiles use
(which stand-in a reference needs: image_refs.py; how builds use them: builds.py).

Every stand-in carries this machine's CA bundle and sets ``SSL_CERT_FILE``, because the
package index is reached through a TLS proxy whose CA only the host bundle knows. That is a
test-only detail; the rendered Dockerfiles stay clean.

Images are reused when they exist and their recipe label matches, so a pytest session fixture
can ask for them cheaply; a file lock per image makes concurrent pytest-xdist workers wait for
one build instead of racing.
"""

from __future__ import annotations

import hashlib
import logging
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from tests.support.build_lock import build_lock, file_lock
from tests.support.builds import docker_build
from tests.support.commands import first_line, run
from tests.support.engine import docker, engine_problem
from tests.support.image_refs import (
    PREFIX,
    UV_VERSION,
    BuildFailed,
    StandIn,
    Unbuildable,
    stand_in,
)
from tests.support.rootfs import debian_mirror, debootstrapped

log = logging.getLogger(__name__)

RECIPE_LABEL = "org.copier-uv-docker.test.recipe"
#: Bump to force every stand-in to be rebuilt after a change to the recipes below.
RECIPE_VERSION = "1"
#: Bump when the uv stand-in recipe changes (which wheel the binaries come from).
UV_RECIPE = "musllinux-first"
HOST_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
IMAGE_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def _image_label(name: str) -> str | None:
    """The recipe label of a local image, "" if it has none, None if it does not exist."""
    template = f'{{{{index .Config.Labels "{RECIPE_LABEL}"}}}}'
    result = docker("image", "inspect", "--format", template, name, check=False)
    if result.returncode != 0:
        return None
    label = result.stdout.strip()
    return "" if label == "<no value>" else label


def _image_id(name: str) -> str:
    result = docker("image", "inspect", "--format", "{{.Id}}", name, check=False)
    if result.returncode != 0:
        raise BuildFailed(f"local image {name} vanished: {first_line(result.stderr)}")
    return result.stdout.strip()


def _ensure(name: str, recipe: str, build: Callable[[str], None]) -> str:
    """Build `name` with `build(recipe_hash)` unless it exists with the same recipe."""
    digest = hashlib.sha256(f"{RECIPE_VERSION}\n{recipe}".encode()).hexdigest()[:16]
    if _image_label(name) == digest:
        return name
    with file_lock(name):
        if _image_label(name) == digest:  # another worker built it meanwhile
            return name
        started = time.monotonic()
        log.info("building local base image %s", name)
        build(digest)
        log.info("built %s in %.1f s", name, time.monotonic() - started)
        if _image_label(name) != digest:
            raise BuildFailed(f"{name} was built but does not carry recipe label {digest}")
    return name


def _host_ca_bundle() -> bytes:
    try:
        return HOST_CA_BUNDLE.read_bytes()
    except OSError as exc:
        raise Unbuildable(f"the host CA bundle {HOST_CA_BUNDLE} is unreadable: {exc}") from exc


def _docker_build(name: str, dockerfile: str, files: dict[str, bytes], digest: str) -> None:
    with tempfile.TemporaryDirectory(prefix=f"{PREFIX}-ctx-") as tmp:
        ctx = Path(tmp)
        (ctx / "Dockerfile").write_text(dockerfile)
        for filename, content in files.items():
            (ctx / filename).write_bytes(content)
            (ctx / filename).chmod(0o755 if filename in {"uv", "uvx"} else 0o644)
        result = docker_build(
            ctx, tag=name, options=["--label", f"{RECIPE_LABEL}={digest}"], check=False
        )
    if result.returncode != 0:
        tail = "\n".join((result.stderr + result.stdout).splitlines()[-40:])
        raise BuildFailed(f"docker build of {name} failed:\n{tail}")


def _import_rootfs(name: str, suite: str, mirror: str, digest: str) -> None:
    with debootstrapped(suite, mirror) as tree:
        tar = subprocess.Popen(
            ["tar", "--numeric-owner", "-C", str(tree), "-c", "."], stdout=subprocess.PIPE
        )
        try:
            imported = subprocess.run(
                [
                    "docker", "import",
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


def _rootfs(suite: str) -> str:
    name = f"{PREFIX}/rootfs:{suite}"
    mirror = debian_mirror(suite)
    return _ensure(
        name,
        f"rootfs debootstrap --variant=minbase {suite} {mirror}",
        lambda digest: _import_rootfs(name, suite, mirror, digest),
    )


def _ca_recipe(ca: bytes) -> str:
    return "ca " + hashlib.sha256(ca).hexdigest()


def _ensure_with_ca(name: str, dockerfile: str, *, parent: str) -> str:
    """`name` built from `dockerfile` on `parent` with this machine's CA bundle in its context."""
    ca = _host_ca_bundle()
    recipe = f"{dockerfile}\n{_ca_recipe(ca)}\nparent {_image_id(parent)}"
    return _ensure(
        name,
        recipe,
        lambda digest: _docker_build(name, dockerfile, {"ca-certificates.crt": ca}, digest),
    )


def _build_debian(spec: StandIn) -> str:
    rootfs = _rootfs(spec.suite)
    # The bundle also goes to /usr/local/share/ca-certificates so that a Dockerfile
    # that installs ca-certificates (which regenerates the bundle) keeps the proxy CA.
    dockerfile = f"""\
FROM {rootfs}
COPY ca-certificates.crt {IMAGE_CA_BUNDLE}
COPY ca-certificates.crt /usr/local/share/ca-certificates/{PREFIX}-host.crt
ENV SSL_CERT_FILE={IMAGE_CA_BUNDLE}
CMD ["bash"]
"""
    return _ensure_with_ca(spec.name, dockerfile, parent=rootfs)


def _build_python(spec: StandIn) -> str:
    debian = _build_debian(StandIn("debian", suite=spec.suite))
    minor = spec.python
    # Debian's python3 lives in /usr/bin in every stage built from this image. The
    # EXTERNALLY-MANAGED marker goes, as in the official images (uv pip --system works).
    # Python.h and pyconfig.h come from libpython3.X-dev's usr/include only, as the official
    # images carry their headers (in /usr/local/include); the package and its -dev
    # dependencies stay out, so a dependency without a wheel compiles once the project lists
    # a compiler.
    # The host CA bundle is copied again last, in case a package rewrote the bundle.
    dockerfile = f"""\
FROM {debian}
ENV LANG=C.UTF-8
RUN export DEBIAN_FRONTEND=noninteractive \\
 && apt-get update \\
 && apt-get install -y --no-install-recommends python3 python-is-python3 netbase tzdata \\
 && cd /tmp && apt-get download libpython{minor}-dev \\
 && dpkg-deb --fsys-tarfile libpython{minor}-dev_*.deb | tar -x -C / ./usr/include \\
 && rm libpython{minor}-dev_*.deb && test -f /usr/include/python{minor}/Python.h \\
 && apt-get clean \\
 && rm -rf /var/lib/apt/lists/* \\
 && rm -f /usr/lib/python3*/EXTERNALLY-MANAGED \\
 && python --version && python3 --version && python{minor} --version \\
 && command -v useradd groupadd stat mkdir rmdir
COPY ca-certificates.crt {IMAGE_CA_BUNDLE}
ENV SSL_CERT_FILE={IMAGE_CA_BUNDLE}
CMD ["python3"]
"""
    return _ensure_with_ca(spec.name, dockerfile, parent=debian)


def _download_uv_wheel(version: str, dest: Path) -> Path:
    """Download the `uv==version` wheel for this machine's architecture into `dest`.

    The musllinux wheel comes first: its binaries are static, as in the real distroless
    image, so `/uv` runs even in a scratch or non-glibc image. The manylinux wheel (whose
    binaries need glibc) is the fallback.
    """
    arch = platform.machine().lower()
    arch = {"amd64": "x86_64", "arm64": "aarch64"}.get(arch, arch)
    platforms = [
        ["--platform", f"musllinux_1_1_{arch}", "--platform", f"musllinux_1_2_{arch}"],
        [],
    ]
    downloaders: list[list[str]] = []
    if run([sys.executable, "-m", "pip", "--version"], check=False).returncode == 0:
        downloaders.append([sys.executable, "-m", "pip"])
    uv = shutil.which("uv")
    if uv:
        downloaders.append([uv, "tool", "run", "--from", "pip", "pip"])
    if not downloaders:
        raise Unbuildable("neither pip nor uv is available to download the uv wheel")
    errors = []
    for pip in downloaders:
        for platform_args in platforms:
            args = [
                *pip, "download", "--no-deps", "--only-binary=:all:",
                "--disable-pip-version-check", *platform_args,
                "--dest", str(dest), f"uv=={version}",
            ]  # fmt: skip
            result = run(args, timeout=600, check=False)
            wheels = sorted(dest.glob(f"uv-{version}-*.whl"))
            if result.returncode == 0 and wheels:
                log.info("using %s", wheels[0].name)
                return wheels[0]
            errors.append(first_line(result.stderr[-2000:]) or f"exit {result.returncode}")
    raise BuildFailed(f"could not download the uv {version} wheel: {'; '.join(errors)}")


def _uv_binaries(version: str) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory(prefix=f"{PREFIX}-uv-") as tmp:
        wheel = _download_uv_wheel(version, Path(tmp))
        with zipfile.ZipFile(wheel) as archive:
            binaries = {}
            for binary in ("uv", "uvx"):
                member = f"uv-{version}.data/scripts/{binary}"
                try:
                    binaries[binary] = archive.read(member)
                except KeyError as exc:
                    raise BuildFailed(f"{wheel.name} has no {member}") from exc
    return binaries


def _build_uv(spec: StandIn) -> str:
    ca = _host_ca_bundle()
    dockerfile = f"""\
FROM scratch
COPY uv uvx /
COPY ca-certificates.crt {IMAGE_CA_BUNDLE}
ENV SSL_CERT_FILE={IMAGE_CA_BUNDLE}
ENTRYPOINT ["/uv"]
"""
    recipe = f"{dockerfile}\nuv {spec.uv_version} {UV_RECIPE}\n{_ca_recipe(ca)}"

    def build(digest: str) -> None:
        files = {"ca-certificates.crt": ca, **_uv_binaries(spec.uv_version)}
        _docker_build(spec.name, dockerfile, files, digest)

    return _ensure(spec.name, recipe, build)


def _build_uv_python(spec: StandIn) -> str:
    python = _build_python(StandIn("python", suite=spec.suite))
    uv = _build_uv(StandIn("uv", uv_version=spec.uv_version))
    # As the real derived images (uv's build-docker workflow).
    dockerfile = f"""\
FROM {python}
COPY --from={uv} /uv /uvx /usr/local/bin/
ENV UV_TOOL_BIN_DIR=/usr/local/bin
ENTRYPOINT []
CMD ["/usr/local/bin/uv"]
"""
    recipe = f"{dockerfile}\nparents {_image_id(python)} {_image_id(uv)}"
    return _ensure(
        spec.name, recipe, lambda digest: _docker_build(spec.name, dockerfile, {}, digest)
    )


_BUILDERS = {
    "debian": _build_debian,
    "python": _build_python,
    "uv": _build_uv,
    "uv-python": _build_uv_python,
}


def ensure_local_image(public_ref: str, *, uv_version: str = UV_VERSION) -> str:
    """Return the name of a local image that stands in for `public_ref`, building it if missing.

    Raises Unbuildable with a reason for references this machine cannot reproduce
    (and BuildFailed when a build that should work here fails).
    """
    spec = stand_in(public_ref, uv_version)
    problem = engine_problem()
    if problem:
        raise Unbuildable(problem)
    return _BUILDERS[spec.kind](spec)


def build_contexts(
    public_refs: Iterable[str], *, uv_version: str = UV_VERSION, with_ca: bool = True
) -> dict[str, str]:
    """{public_ref: 'docker-image://<local name>'} for `docker build --build-context` and
    Compose build.additional_contexts. Raises Unbuildable for the first that cannot be built.

    with_ca=False gives stand-ins without this machine's CA bundle (see `without_ca`)."""
    refs = list(dict.fromkeys(public_refs))
    for ref in refs:  # report an unbuildable reference before spending time on builds
        stand_in(ref, uv_version)
    # Building a missing stand-in is a build too: one at a time (see build_lock.py).
    with build_lock():
        local = {ref: ensure_local_image(ref, uv_version=uv_version) for ref in refs}
        if not with_ca:
            local = {ref: without_ca(name) for ref, name in local.items()}
    return {ref: f"docker-image://{name}" for ref, name in local.items()}


def without_ca(local_image: str) -> str:
    """A copy of a stand-in without this machine's CA bundle, which the TLS proxy in front of
    the package index needs: a build from it reaches the index only if it brings the CA itself
    (the template's `ca_certificate_secret`). The distroless uv stand-in is returned as it is:
    builds only take /uv and /uvx from it."""
    if local_image.startswith(f"{PREFIX}/uv:") and "-python" not in local_image:
        return local_image
    repository, _, tag = local_image.partition(":")
    name = f"{repository}:{tag}-noca"
    # UV_NO_CACHE: the builder's shared uv cache mount may hold every wheel already, and then a
    # build would never reach the index; this stand-in is a machine that must download.
    dockerfile = f"""\
FROM {local_image}
RUN rm -f {IMAGE_CA_BUNDLE} /usr/local/share/ca-certificates/{PREFIX}-host.crt
ENV UV_NO_CACHE=1
"""
    recipe = f"{dockerfile}\nparent {_image_id(local_image)}"
    return _ensure(name, recipe, lambda digest: _docker_build(name, dockerfile, {}, digest))
