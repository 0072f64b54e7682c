"""Stand-ins for ``python:3.12-slim-*``, ``python:3.14-slim-*`` and ``python:3.15-slim-*``.

Debian bookworm and trixie package only 3.11 and 3.13 (tests/support/standins/base_images.py), so:

* **3.12** is this machine's pyenv build (``pyenv prefix 3.12.x``), made self-contained by
  :mod:`tests.support.standins.relocatable_python` and copied into ``/usr/local`` of the
  Debian stand-in, with the ``python``/``python3``/``python3.12`` names the official image has.
* **3.14 and 3.15** are Debian sid's ``python3.14``/``python3.15`` packages: the image is a
  sid ``debootstrap --variant=minbase --include=python3.X,libpython3.X-dev`` root filesystem
  (from the mirror in this machine's apt configuration), with ``/usr/local/bin/python``,
  ``python3`` pointing at the interpreter. The same image stands in for ``-trixie`` and
  ``-bookworm`` tags.

How they differ from the official images, and whether that matters for what the tests prove:

Matters not (the tests prove the template's Dockerfile and project work on that Python):
  * The Python is the same minor release built differently (pyenv's ./configure on Debian 12,
    or Debian's patched build), not the official image's source build; the patch release may
    differ (3.12.1 here). The template pins only the minor version, and uv, the venv, the
    wheels (manylinux/cp3X tags) and the service only see the minor version and the ABI.
  * 3.14/3.15 sit on sid, not trixie/bookworm: the Dockerfile's own steps (groupadd/useradd,
    the venv copy) only use what every Debian has. Debian's interpreter lives in /usr/bin
    with /usr/local/bin links, like the 3.11/3.13 stand-ins; the EXTERNALLY-MANAGED marker
    is removed as the official images have none.
  * The 3.12 tree carries its own libssl/libffi/libsqlite3... (bundled from the host with a
    $ORIGIN RUNPATH) where the official image uses Debian's: only the standard library's
    extension modules load them; nothing the tests check depends on the libraries' versions.
  * No pip, IDLE, tkinter or test suite in 3.12: uv does not use pip; the rest is never
    imported by the service.
  * ``Python.h`` is there (3.12: the pyenv tree's include/; 3.14/3.15: libpython3.X-dev), as
    in the official slim images, so building a C extension against it works; the official
    images ship no compiler either.
Would matter, and is therefore kept like the official image:
  * ``python``/``python3`` on PATH in /usr/local/bin: the multistage venv's interpreter link
    points there, and the production stage must resolve it.
  * The CA bundle and SSL_CERT_FILE (test-only, as every stand-in: see local_images.py).
  * A root filesystem without uv: the template brings uv itself.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.support.image_refs import PREFIX, PYTHON_SUITES_TEXT, StandIn, Unbuildable
from tests.support.standins import relocatable_python
from tests.support.standins.local_images import (
    CA_LINES,
    IMAGE_CA_BUNDLE,
    build_debian,
    build_image,
    ca_recipe,
    ensure,
    ensure_with_ca,
    host_ca_bundle,
    image_id,
    rootfs,
)

__all__ = ["PYENV_PYTHONS", "SID_PYTHONS", "build_python"]

PYENV_PYTHONS = ("3.12",)
SID_PYTHONS = ("3.14", "3.15")


def build_python(spec: StandIn) -> str:
    """Build (or reuse) the stand-in for ``python:{spec.minor}-slim-{spec.suite}``."""
    if spec.minor in PYENV_PYTHONS:
        return _from_pyenv(spec)
    if spec.minor in SID_PYTHONS:
        return _from_sid(spec)
    raise Unbuildable(f"Python {spec.minor}: {PYTHON_SUITES_TEXT}")


# ldd on every ELF file under the Python: any "not found" fails the stand-in's build.
_CHECK_LIBS = (
    "missing=$(find {root} -type f \\( -name '*.so*' -o -name 'python3.*' \\) "
    "-exec ldd {{}} + 2>/dev/null | grep 'not found' || true) "
    '&& if [ -n "$missing" ]; then echo "$missing"; exit 1; fi'
)
_CHECK_IMPORTS = (
    "import ssl, sqlite3, ctypes, zlib, lzma, bz2, hashlib, uuid, decimal, json, sysconfig, os; "
    "assert os.path.isfile(os.path.join(sysconfig.get_paths()['include'], 'Python.h'))"
)


def _from_pyenv(spec: StandIn) -> str:
    try:
        source = relocatable_python.pyenv_interpreter(spec.minor)
    except relocatable_python.Unavailable as exc:
        raise Unbuildable(str(exc)) from exc
    debian = build_debian(StandIn("debian", suite=spec.suite))
    ca = host_ca_bundle()
    minor = spec.minor
    # Like the official image: netbase and tzdata, the Python in /usr/local.
    dockerfile = f"""\
FROM {debian}
ENV LANG=C.UTF-8
RUN export DEBIAN_FRONTEND=noninteractive \\
 && apt-get update \\
 && apt-get install -y --no-install-recommends netbase tzdata \\
 && apt-get clean \\
 && rm -rf /var/lib/apt/lists/*
COPY python/ /usr/local/
RUN {_CHECK_LIBS.format(root="/usr/local")} \\
 && python --version && python3 --version && python{minor} --version \\
 && python3 -c "{_CHECK_IMPORTS}" \\
 && command -v useradd groupadd stat mkdir rmdir
COPY ca-certificates.crt {IMAGE_CA_BUNDLE}
ENV SSL_CERT_FILE={IMAGE_CA_BUNDLE}
CMD ["python3"]
"""
    recipe = f"{dockerfile}\npyenv {source.identity}\n{ca_recipe(ca)}\nparent {image_id(debian)}"

    def build(digest: str) -> None:
        with tempfile.TemporaryDirectory(prefix=f"{PREFIX}-py{minor}-") as tmp:
            tree = Path(tmp) / "python"
            try:
                relocatable_python.relocatable_tree(source, tree)
            except relocatable_python.Unavailable as exc:
                raise Unbuildable(str(exc)) from exc
            files = {"ca-certificates.crt": ca}
            build_image(spec.name, dockerfile, files, digest, context=tree.parent)

    return ensure(spec.name, recipe, build)


def _from_sid(spec: StandIn) -> str:
    minor = spec.minor
    base = rootfs("sid", (f"python{minor}", f"libpython{minor}-dev"))
    dockerfile = f"""\
FROM {base}
ENV LANG=C.UTF-8
RUN ln -s /usr/bin/python{minor} /usr/local/bin/python{minor} \\
 && ln -s python{minor} /usr/local/bin/python3 \\
 && ln -s python{minor} /usr/local/bin/python \\
 && rm -f /usr/lib/python3*/EXTERNALLY-MANAGED \\
 && python --version && python3 --version \\
 && python3 -c "{_CHECK_IMPORTS}" \\
 && command -v useradd groupadd stat mkdir rmdir
{CA_LINES}
CMD ["python3"]
"""
    return ensure_with_ca(spec.name, dockerfile, parent=base)
