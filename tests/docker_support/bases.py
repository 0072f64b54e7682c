"""Local stand-ins for the registry base images the rendered Dockerfiles use.

No container registry is reachable from the project's machines, so the Docker tests
build local images once and substitute them for the public references, without editing
the rendered Dockerfile, through ``docker build --build-context REF=docker-image://LOCAL``
or Compose ``build.additional_contexts`` (see ``docs/docker-engine.md``):

* ``python:3.11-slim-bookworm`` / ``python:3.13-slim-trixie``: a Debian ``minbase``
  root filesystem (``debootstrap``) plus Debian's own ``python3`` (3.11 on bookworm,
  3.13 on trixie). Python 3.12 (pyenv's build), 3.14 and 3.15 (Debian sid): see
  :mod:`tests.docker_support.pythons`, which lists how those stand-ins differ.
* ``debian:bookworm-slim`` / ``debian:trixie-slim``: the ``minbase`` root filesystem.
* ``ghcr.io/astral-sh/uv:X.Y.Z``: ``FROM scratch`` with ``/uv`` and ``/uvx`` taken from
  the ``uv==X.Y.Z`` wheel on the Python package index.
* ``ghcr.io/astral-sh/uv:X.Y.Z-python3.11-bookworm-slim`` (and ``3.13-trixie``): the
  matching Python stand-in with ``uv``/``uvx`` in ``/usr/local/bin``.

Every stand-in carries this machine's CA bundle and sets ``SSL_CERT_FILE``, because the
package index is reached through a TLS proxy whose CA only the host bundle knows. That
is a test-only detail; the rendered Dockerfiles stay clean.

Images are reused when they exist and their recipe label matches, so a pytest session
fixture can call :func:`build_contexts` cheaply; a file lock per image makes concurrent
pytest-xdist workers wait for one build instead of racing.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "BuildFailed",
    "Unbuildable",
    "build_contexts",
    "engine_problem",
    "ensure_local_image",
    "local_image_name",
    "without_ca",
]

log = logging.getLogger(__name__)

PREFIX = "copier-uv-docker-test"
RECIPE_LABEL = "org.copier-uv-docker.test.recipe"
#: Bump to force every stand-in to be rebuilt after a change to the recipes below.
RECIPE_VERSION = "1"
#: Bump when the uv stand-in recipe changes (which wheel the binaries come from).
UV_RECIPE = "musllinux-first"
HOST_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
IMAGE_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
LOCK_DIR = Path(tempfile.gettempdir()) / f"{PREFIX}-locks"
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

#: Debian suite -> the Python minor version Debian packages there.
DEBIAN_PYTHON = {"bookworm": "3.11", "trixie": "3.13"}
DEBIAN_NUMBERS = {"12": "bookworm", "13": "trixie"}
#: Python minor versions built another way on both suites (tests/docker_support/pythons.py).
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


# --------------------------------------------------------------------------- engine


def _run(
    args: list[str], *, timeout: float = 60, check: bool = False, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, capture_output=True, text=True, timeout=timeout, check=check, **kwargs
    )


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def engine_problem() -> str | None:
    """None when a Docker engine answers and buildx and Compose v2 work, else why not."""
    if shutil.which("docker") is None:
        return "no docker client on PATH (run scripts/docker-engine.sh up)"
    checks = (
        (["docker", "info"], "the Docker engine does not answer (run scripts/docker-engine.sh up)"),
        (["docker", "buildx", "version"], "docker buildx does not work"),
        (["docker", "compose", "version"], "docker compose (v2) does not work"),
    )
    for args, reason in checks:
        try:
            result = _run(args, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"{reason}: {exc}"
        if result.returncode != 0:
            detail = _first_line(result.stderr) or _first_line(result.stdout)
            return f"{reason}: {detail}" if detail else reason
    return None


def _image_label(name: str) -> str | None:
    """The recipe label of a local image, "" if it has none, None if it does not exist."""
    template = f'{{{{index .Config.Labels "{RECIPE_LABEL}"}}}}'
    result = _run(["docker", "image", "inspect", "--format", template, name])
    if result.returncode != 0:
        return None
    label = result.stdout.strip()
    return "" if label == "<no value>" else label


def _image_id(name: str) -> str:
    result = _run(["docker", "image", "inspect", "--format", "{{.Id}}", name])
    if result.returncode != 0:
        raise BuildFailed(f"local image {name} vanished: {_first_line(result.stderr)}")
    return result.stdout.strip()


# --------------------------------------------------------------------------- references


@dataclass(frozen=True)
class _Spec:
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


def _python_spec(ref: str, tag: str) -> _Spec:
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
        return _Spec("python", suite=suite, minor=minor)
    if DEBIAN_PYTHON[suite] != minor:
        if minor in DEBIAN_PYTHON.values():
            raise Unbuildable(
                f"Python {minor} is not packaged by Debian {suite}; {PYTHON_SUITES_TEXT}"
            )
        raise Unbuildable(
            f"Python {minor} is not packaged by Debian bookworm/trixie; {PYTHON_SUITES_TEXT}"
        )
    return _Spec("python", suite=suite)


def _uv_spec(ref: str, tag: str, uv_version: str) -> _Spec:
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
        return _Spec("uv", uv_version=version)
    if not derived["slim"]:
        raise Unbuildable(f"{ref}: only the -slim uv derived images are reproduced offline here")
    python = _python_spec(ref, f"{derived['minor']}-slim-{derived['suite']}")
    return _Spec("uv-python", suite=python.suite, uv_version=version, minor=python.minor)


def _spec(public_ref: str, uv_version: str) -> _Spec:
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
        return _Spec("debian", suite=_suite(words[0], public_ref))
    raise Unbuildable(f"{public_ref}: no local stand-in is known for this image")


def local_image_name(public_ref: str, *, uv_version: str) -> str:
    """The local name that stands in for `public_ref` (without building it)."""
    return _spec(public_ref, uv_version).name


# --------------------------------------------------------------------------- building


@contextlib.contextmanager
def file_lock(name: str) -> Iterator[None]:
    """An exclusive lock shared by every process of this machine (pytest-xdist workers)."""
    LOCK_DIR.mkdir(parents=True, exist_ok=True)
    path = LOCK_DIR / (re.sub(r"[^A-Za-z0-9._-]", "_", name) + ".lock")
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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
        args = [
            "docker", "build", "--progress=plain", "--label", f"{RECIPE_LABEL}={digest}",
            "-t", name, str(ctx),
        ]  # fmt: skip
        result = _run(args, timeout=900)
    if result.returncode != 0:
        tail = "\n".join((result.stderr + result.stdout).splitlines()[-40:])
        raise BuildFailed(f"docker build of {name} failed:\n{tail}")


def _apt_sources() -> list[tuple[str, list[str], list[str]]]:
    """(uri, suites, types) of every enabled source in this machine's apt configuration."""
    entries: list[tuple[str, list[str], list[str]]] = []
    apt = Path("/etc/apt")
    for path in sorted((apt / "sources.list.d").glob("*.sources")):
        text = path.read_text(errors="replace")
        for stanza in re.split(r"\n\s*\n", text):
            fields: dict[str, str] = {}
            for line in stanza.splitlines():
                if line.lstrip().startswith("#") or ":" not in line:
                    continue
                key, _, value = line.partition(":")
                fields[key.strip().lower()] = value.strip()
            if fields.get("enabled", "yes").lower() == "no" or not fields.get("uris"):
                continue
            entries.extend(
                (uri, fields.get("suites", "").split(), fields.get("types", "").split())
                for uri in fields["uris"].split()
            )
    lists = [apt / "sources.list", *sorted((apt / "sources.list.d").glob("*.list"))]
    for path in lists:
        if not path.is_file():
            continue
        for line in path.read_text(errors="replace").splitlines():
            words = re.sub(r"\[[^]]*\]", "", line.split("#", 1)[0]).split()
            if len(words) >= 3 and words[0] in {"deb", "deb-src"}:
                entries.append((words[1], [words[2]], [words[0]]))
    return entries


def debian_mirror(suite: str) -> str:
    """The Debian mirror this machine's apt configuration uses (never hard-coded)."""
    override = os.environ.get("COPIER_UV_DOCKER_DEBIAN_MIRROR")
    if override:
        return override
    candidates = [
        (uri, suites)
        for uri, suites, types in _apt_sources()
        if "deb" in types and any(s in DEBIAN_PYTHON for s in suites)
    ]
    for wanted in (suite, "bookworm", *DEBIAN_PYTHON):
        for uri, suites in candidates:
            if wanted in suites:
                return uri
    raise Unbuildable("no Debian bookworm/trixie apt source found in /etc/apt to debootstrap from")


def _unmount_below(root: Path) -> None:
    """Unmount anything a failed debootstrap left mounted inside `root` (deepest first)."""
    prefix = str(root.resolve()) + "/"
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return
    targets = [line.split()[1].replace("\\040", " ") for line in mounts if len(line.split()) > 1]
    for target in sorted((t for t in targets if t.startswith(prefix)), key=len, reverse=True):
        _run(["umount", "-l", target])


def _build_rootfs(
    name: str, suite: str, mirror: str, digest: str, include: tuple[str, ...] = ()
) -> None:
    if shutil.which("debootstrap") is None:
        raise Unbuildable("debootstrap is not installed (run scripts/docker-engine.sh up)")
    if os.geteuid() != 0:
        raise Unbuildable("debootstrap needs root to build a Debian root filesystem")
    work = Path(tempfile.mkdtemp(prefix=f"{PREFIX}-rootfs-{suite}-", dir="/var/tmp"))
    target = work / "rootfs"
    try:
        extra = [f"--include={','.join(include)}"] if include else []
        args = ["debootstrap", "--variant=minbase", *extra, suite, str(target), mirror]
        result = _run(args, timeout=900)
        if result.returncode != 0:
            tail = "\n".join((result.stderr + result.stdout).splitlines()[-30:])
            log_file = target / "debootstrap" / "debootstrap.log"
            if log_file.is_file():
                tail += "\n" + "\n".join(log_file.read_text(errors="replace").splitlines()[-30:])
            raise BuildFailed(f"debootstrap {suite} from {mirror} failed:\n{tail}")
        _unmount_below(target)
        # Like the official images: no package lists or downloaded .debs in the rootfs.
        for junk in ("var/lib/apt/lists", "var/cache/apt/archives"):
            for entry in (target / junk).glob("*"):
                if entry.is_file() and entry.name != "lock":
                    entry.unlink()
        tar = subprocess.Popen(
            ["tar", "--numeric-owner", "-C", str(target), "-c", "."], stdout=subprocess.PIPE
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
                f"{_first_line(imported.stderr)}"
            )
    finally:
        _unmount_below(target)
        shutil.rmtree(work, ignore_errors=True)


def _rootfs(suite: str, include: tuple[str, ...] = ()) -> str:
    """A debootstrap minbase of `suite` (plus the packages `include` names)."""
    name = f"{PREFIX}/rootfs:{'-'.join((suite, *include))}"
    mirror = debian_mirror(suite)
    recipe = f"rootfs debootstrap --variant=minbase {suite} {mirror}"
    if include:
        recipe += f" --include={','.join(include)}"
    return _ensure(name, recipe, lambda digest: _build_rootfs(name, suite, mirror, digest, include))


def _ca_recipe(ca: bytes) -> str:
    return "ca " + hashlib.sha256(ca).hexdigest()


def _build_debian(spec: _Spec) -> str:
    rootfs = _rootfs(spec.suite)
    ca = _host_ca_bundle()
    # The bundle also goes to /usr/local/share/ca-certificates so that a Dockerfile
    # that installs ca-certificates (which regenerates the bundle) keeps the proxy CA.
    dockerfile = f"""\
FROM {rootfs}
COPY ca-certificates.crt {IMAGE_CA_BUNDLE}
COPY ca-certificates.crt /usr/local/share/ca-certificates/{PREFIX}-host.crt
ENV SSL_CERT_FILE={IMAGE_CA_BUNDLE}
CMD ["bash"]
"""
    recipe = f"{dockerfile}\n{_ca_recipe(ca)}\nparent {_image_id(rootfs)}"
    return _ensure(
        spec.name,
        recipe,
        lambda digest: _docker_build(spec.name, dockerfile, {"ca-certificates.crt": ca}, digest),
    )


def _build_python(spec: _Spec) -> str:
    if spec.minor:
        from tests.docker_support import pythons

        return pythons.build_python(spec)
    debian = _build_debian(_Spec("debian", suite=spec.suite))
    ca = _host_ca_bundle()
    minor = spec.python
    # Debian's python3 lives in /usr/bin in every stage built from this image. The
    # EXTERNALLY-MANAGED marker goes, as in the official images (uv pip --system works).
    # The host CA bundle is copied again last, in case a package rewrote the bundle.
    dockerfile = f"""\
FROM {debian}
ENV LANG=C.UTF-8
RUN export DEBIAN_FRONTEND=noninteractive \\
 && apt-get update \\
 && apt-get install -y --no-install-recommends python3 python-is-python3 netbase tzdata \\
 && apt-get clean \\
 && rm -rf /var/lib/apt/lists/* \\
 && rm -f /usr/lib/python3*/EXTERNALLY-MANAGED \\
 && python --version && python3 --version && python{minor} --version \\
 && command -v useradd groupadd stat mkdir rmdir
COPY ca-certificates.crt {IMAGE_CA_BUNDLE}
ENV SSL_CERT_FILE={IMAGE_CA_BUNDLE}
CMD ["python3"]
"""
    recipe = f"{dockerfile}\n{_ca_recipe(ca)}\nparent {_image_id(debian)}"
    return _ensure(
        spec.name,
        recipe,
        lambda digest: _docker_build(spec.name, dockerfile, {"ca-certificates.crt": ca}, digest),
    )


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
    if _run([sys.executable, "-m", "pip", "--version"]).returncode == 0:
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
            result = _run(args, timeout=600)
            wheels = sorted(dest.glob(f"uv-{version}-*.whl"))
            if result.returncode == 0 and wheels:
                log.info("using %s", wheels[0].name)
                return wheels[0]
            errors.append(_first_line(result.stderr[-2000:]) or f"exit {result.returncode}")
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


def _build_uv(spec: _Spec) -> str:
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


def _build_uv_python(spec: _Spec) -> str:
    python = _build_python(_Spec("python", suite=spec.suite, minor=spec.minor))
    uv = _build_uv(_Spec("uv", uv_version=spec.uv_version))
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


def ensure_local_image(public_ref: str, *, uv_version: str) -> str:
    """Return the name of a local image that stands in for `public_ref`, building it if missing.

    Raises Unbuildable with a reason for references this machine cannot reproduce
    (and BuildFailed when a build that should work here fails).
    """
    spec = _spec(public_ref, uv_version)
    problem = engine_problem()
    if problem:
        raise Unbuildable(problem)
    return _BUILDERS[spec.kind](spec)


def build_contexts(
    public_refs: Iterable[str], *, uv_version: str, with_ca: bool = True
) -> dict[str, str]:
    """{public_ref: 'docker-image://<local name>'} for `docker build --build-context` and
    Compose build.additional_contexts. Raises Unbuildable for the first that cannot be built.

    with_ca=False gives stand-ins without this machine's CA bundle (see `without_ca`)."""
    refs = list(dict.fromkeys(public_refs))
    for ref in refs:  # report an unbuildable reference before spending time on builds
        _spec(ref, uv_version)
    local = {ref: ensure_local_image(ref, uv_version=uv_version) for ref in refs}
    if not with_ca:
        local = {ref: without_ca(name) for ref, name in local.items()}
    return {ref: f"docker-image://{name}" for ref, name in local.items()}


# --------------------------------------------------------------------------- without the CA


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
