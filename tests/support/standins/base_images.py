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

import logging
import platform
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path

from tests.support.build_lock import build_lock
from tests.support.commands import first_line, run
from tests.support.engine import engine_problem
from tests.support.image_refs import PREFIX, UV_VERSION, BuildFailed, StandIn, Unbuildable, stand_in
from tests.support.standins import pythons
from tests.support.standins.local_images import (
    IMAGE_CA_BUNDLE,
    build_debian,
    build_image,
    ca_recipe,
    ensure,
    ensure_with_ca,
    host_ca_bundle,
    image_id,
)

log = logging.getLogger(__name__)

#: Bump when the uv stand-in recipe changes (which wheel the binaries come from).
UV_RECIPE = "musllinux-first"


def _build_python(spec: StandIn) -> str:
    if spec.minor:  # a Python Debian does not package on this suite
        return pythons.build_python(spec)
    debian = build_debian(StandIn("debian", suite=spec.suite))
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
    return ensure_with_ca(spec.name, dockerfile, parent=debian)


def _host_arch() -> str:
    arch = platform.machine().lower()
    return {"amd64": "x86_64", "arm64": "aarch64"}.get(arch, arch)


def _download_uv_wheel(version: str, dest: Path, arch: str = "") -> Path:
    """Download the `uv==version` wheel for `arch` (default this machine's) into `dest`.

    The musllinux wheel comes first: its binaries are static, as in the real distroless
    image, so `/uv` runs even in a scratch or non-glibc image. The manylinux wheel (whose
    binaries need glibc) is the fallback.
    """
    arch = {"amd64": "x86_64", "arm64": "aarch64"}.get(arch, arch) if arch else _host_arch()
    platforms = [
        ["--platform", f"musllinux_1_1_{arch}", "--platform", f"musllinux_1_2_{arch}"],
        # Another machine's architecture needs its manylinux tags named.
        [] if arch == _host_arch() else ["--platform", f"manylinux2014_{arch}"],
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


def uv_binaries(version: str, arch: str = "") -> dict[str, bytes]:
    """/uv and /uvx of the `uv==version` wheel for `arch` (default this machine's)."""
    with tempfile.TemporaryDirectory(prefix=f"{PREFIX}-uv-") as tmp:
        wheel = _download_uv_wheel(version, Path(tmp), arch)
        with zipfile.ZipFile(wheel) as archive:
            binaries = {}
            for binary in ("uv", "uvx"):
                member = f"uv-{version}.data/scripts/{binary}"
                try:
                    binaries[binary] = archive.read(member)
                except KeyError as exc:
                    raise BuildFailed(f"{wheel.name} has no {member}") from exc
    return binaries


def build_uv(spec: StandIn, *, arch: str = "", name: str = "") -> str:
    """The distroless uv stand-in: `/uv` and `/uvx` from uv's wheel for `arch` (default this
    machine's), built for that platform under `name` (default the stand-in's own)."""
    ca = host_ca_bundle()
    name = name or spec.name
    dockerfile = f"""\
FROM scratch
COPY uv uvx /
COPY ca-certificates.crt {IMAGE_CA_BUNDLE}
ENV SSL_CERT_FILE={IMAGE_CA_BUNDLE}
ENTRYPOINT ["/uv"]
"""
    wheel_arch = {"arm64": "aarch64", "amd64": "x86_64"}.get(arch, arch)
    platform = f"linux/{arch}" if arch else ""
    wheel = f"{spec.uv_version} {wheel_arch} " if arch else f"{spec.uv_version} "
    recipe = f"{dockerfile}\nuv {wheel}{UV_RECIPE}\n{ca_recipe(ca)}"

    def build(digest: str) -> None:
        files = {"ca-certificates.crt": ca, **uv_binaries(spec.uv_version, wheel_arch)}
        build_image(name, dockerfile, files, digest, platform)

    return ensure(name, recipe, build)


def _build_uv_python(spec: StandIn) -> str:
    python = _build_python(StandIn("python", suite=spec.suite, minor=spec.minor))
    uv = build_uv(StandIn("uv", uv_version=spec.uv_version))
    # As the real derived images (uv's build-docker workflow).
    dockerfile = f"""\
FROM {python}
COPY --from={uv} /uv /uvx /usr/local/bin/
ENV UV_TOOL_BIN_DIR=/usr/local/bin
ENTRYPOINT []
CMD ["/usr/local/bin/uv"]
"""
    recipe = f"{dockerfile}\nparents {image_id(python)} {image_id(uv)}"
    return ensure(spec.name, recipe, lambda digest: build_image(spec.name, dockerfile, {}, digest))


_BUILDERS = {
    "debian": build_debian,
    "python": _build_python,
    "uv": build_uv,
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
    recipe = f"{dockerfile}\nparent {image_id(local_image)}"
    return ensure(name, recipe, lambda digest: build_image(name, dockerfile, {}, digest))
