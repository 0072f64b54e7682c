"""A python-build-standalone mirror on 127.0.0.1, for the standalone layout's builds.

The standalone Dockerfile runs ``uv python install X.Y``. Organisations point uv at their
own mirror with two build arguments the template forwards to that step:

* ``UV_PYTHON_INSTALL_MIRROR``: uv replaces the prefix
  ``https://github.com/astral-sh/python-build-standalone/releases/download/`` of a download's
  URL with this base and uses the result *exclusively* (no fallback), so it requests
  ``{mirror}/{build}/cpython-{version}%2B{build}-{triple}-install_only[_stripped].tar.gz``
  (uv 0.13 ``crates/uv-python/src/downloads.rs``, ``download_urls``).
* ``UV_PYTHON_DOWNLOADS_JSON_URL``: an ``http(s)`` URL or a path of a JSON object shaped like
  uv's ``crates/uv-python/download-metadata.json``: ``{"cpython-3.13.0-linux-x86_64-gnu":
  {"name": "cpython", "arch": {"family": "x86_64", "variant": null}, "os": "linux",
  "libc": "gnu", "major": 3, "minor": 13, "patch": 0, "prerelease": "", "url": "...",
  "sha256": "...", "variant": null, "build": "..."}}``; it replaces uv's built-in list, and uv
  checks the archive's sha256 against it.

This mirror serves both: one archive shaped like python-build-standalone's ``install_only``
archive (``python/bin``, ``python/lib``, ``python/include``), made self-contained by
relocatable_python.py (beside this file) so it runs on a plain ``debian:*-slim``, and a downloads
list naming it by its canonical GitHub URL, so the mirror rewrite is what brings the build
here. ``requests`` records every path asked for. The archive is made from:

* for this machine's architecture (x86_64), its pyenv build of the variant's Python;
* for ``aarch64`` (arm64 builds), Debian's own arm64 ``python3.X`` package, read from the arm64
  root filesystem the arm64 stand-ins are made of (foreign_bases.py), so only the
  Python Debian packages there exists for arm64: 3.13 (trixie) and 3.11 (bookworm). Its
  downloads-list key and file name carry the aarch64 triple
  (``cpython-3.13.5-linux-aarch64-gnu``, ``...-aarch64-unknown-linux-gnu-install_only.tar.gz``).

How the aarch64 archive differs from python-build-standalone's, and whether that matters:

Matters not (the test proves the standalone layout installs the target's Python from the
mirror, builds a venv on it and ships both for arm64):
  * Debian's build, not python-build-standalone's: one static interpreter binary (no
    ``libpython3.X.so``), Debian's patch release and patches (e.g. ``site`` looks for
    ``dist-packages`` outside a venv; a venv's ``site-packages`` is as usual). uv only runs the
    interpreter, queries it and makes a venv, which work the same.
  * No headers (``python/include``): the arm64 root has no libpython3.X-dev. Only a dependency
    compiled from source needs them; the variant tested has none.
  * Its extension modules find libssl, libffi, libsqlite3, ... bundled in ``python/lib`` by a
    ``$ORIGIN`` RUNPATH (as the pyenv archive does), where python-build-standalone links most of
    them statically. Either way the archive needs only glibc from the base image.
  * No ``sitecustomize.py`` (Debian's is a link to /etc), tkinter, IDLE, test suite or pip.
  * The archive is made from Debian's arm64 files read on this amd64 machine: nothing in it ran
    before the build, so an archive of the wrong machine would fail the test's ELF check, not
    pass unseen (an x86_64 interpreter would run in the arm64 image, natively, on this host).
Would matter, and is therefore kept like python-build-standalone's: the ``python/bin/python3.X``
and ``python/lib/python3.X`` layout uv installs and links the venv to, the aarch64 triple in the
key and file name (uv picks a download by the platform it runs on), and the sha256 in the list.

API: ``with PythonMirror.start(minor, arch="") as mirror:`` then ``mirror.build_args()`` (the two
``--build-arg`` values), ``mirror.requests``, ``mirror.archive_path`` (the path uv must ask
for), ``mirror.version``. Builds reach it with ``docker build --network host``.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import platform
import tarfile
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from tests.support.image_refs import DEBIAN_PYTHON
from tests.support.standins import foreign_bases, relocatable_python
from tests.support.standins.local_images import image_id

__all__ = ["PythonMirror"]

PREFIX = "copier-uv-docker-test"
CANONICAL = "https://github.com/astral-sh/python-build-standalone/releases/download/"
#: The release tag the archive claims (python-build-standalone tags are dates).
BUILD = "20990101"
MIRROR_PATH = "/pbs"
JSON_PATH = "/download-metadata.json"
CACHE_DIR = Path("/var/tmp")
#: Architectures (python-build-standalone's names) with a Debian root filesystem here.
FOREIGN_ARCHES = {"aarch64"}


def _archive(minor: str, arch: str) -> tuple[Path, str]:
    """(install_only-shaped archive of CPython `minor` for `arch`, its version), cached on disk:
    this machine's pyenv build for its own architecture, Debian's python3 package of the
    foreign root filesystem (foreign_bases.py) for another."""
    if arch == platform.machine():
        source = relocatable_python.pyenv_interpreter(minor)
        return _cached(f"v1 {source.identity}", source.version, lambda _: source)
    suite = {python: suite for suite, python in DEBIAN_PYTHON.items()}.get(minor)
    if suite is None or arch not in FOREIGN_ARCHES:
        raise relocatable_python.Unavailable(
            f"no {arch} CPython {minor} here: Debian packages {', '.join(DEBIAN_PYTHON.values())}"
        )
    image = foreign_bases.python_rootfs(suite)
    identity = f"debian {image} {image_id(image)} python{minor} {arch}"
    return _cached(
        f"v1 {identity}",
        None,
        lambda tmp: relocatable_python.debian_interpreter(image, arch, minor, tmp / "root"),
    )


def _cached(
    key_text: str, version: str | None, source: Callable[[Path], relocatable_python.Interpreter]
) -> tuple[Path, str]:
    """The archive cached under `key_text`'s hash, made from `source(scratch dir)` if missing."""
    key = hashlib.sha256(key_text.encode()).hexdigest()[:16]
    head = f"{PREFIX}-pbs-"
    for cached in CACHE_DIR.glob(f"{head}{version or '*'}-{key}.tar.gz"):
        return cached, cached.name[len(head) : -len(f"-{key}.tar.gz")]
    with tempfile.TemporaryDirectory(prefix=head, dir=CACHE_DIR) as tmp:
        tree = Path(tmp) / "python"
        version = relocatable_python.relocatable_tree(source(Path(tmp)), tree)
        partial = Path(tmp) / "archive.tar.gz"
        with tarfile.open(partial, "w:gz", compresslevel=1) as tar:
            tar.add(tree, arcname="python")
        cached = CACHE_DIR / f"{head}{version}-{key}.tar.gz"
        partial.replace(cached)
    return cached, version


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        body = self.server.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    files: dict[str, bytes]
    requests: list[str]


class PythonMirror:
    def __init__(self, server: _Server, version: str, archive_name: str) -> None:
        self._server = server
        self.version = version
        self.port = server.server_address[1]
        self.archive_path = f"{MIRROR_PATH}/{BUILD}/{archive_name}"
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()

    @classmethod
    def start(cls, minor: str, arch: str = "") -> PythonMirror:
        """A mirror of CPython `minor` for `arch` (python-build-standalone's machine name,
        default this machine's)."""
        arch = arch or platform.machine()
        archive, version = _archive(minor, arch)
        data = archive.read_bytes()
        major, minor_number, patch = (int(part) for part in version.split("."))
        name = f"cpython-{version}%2B{BUILD}-{arch}-unknown-linux-gnu-install_only.tar.gz"
        downloads = {
            f"cpython-{version}-linux-{arch}-gnu": {
                "name": "cpython",
                "arch": {"family": arch, "variant": None},
                "os": "linux",
                "libc": "gnu",
                "major": major,
                "minor": minor_number,
                "patch": patch,
                "prerelease": "",
                "url": f"{CANONICAL}{BUILD}/{name}",
                "sha256": hashlib.sha256(data).hexdigest(),
                "variant": None,
                "build": BUILD,
            }
        }
        server = _Server(("127.0.0.1", 0), _Handler)
        server.requests = []
        server.files = {
            JSON_PATH: json.dumps(downloads).encode(),
            f"{MIRROR_PATH}/{BUILD}/{name}": data,
        }
        return cls(server, version, name)

    @property
    def requests(self) -> list[str]:
        return list(self._server.requests)

    def build_args(self) -> dict[str, str]:
        base = f"http://127.0.0.1:{self.port}"
        return {
            "UV_PYTHON_INSTALL_MIRROR": f"{base}{MIRROR_PATH}",
            "UV_PYTHON_DOWNLOADS_JSON_URL": f"{base}{JSON_PATH}",
        }

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> PythonMirror:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
