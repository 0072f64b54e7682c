"""A self-contained copy of a CPython interpreter, laid out as ``bin/``, ``lib/``, ``include/``.

:func:`relocatable_tree` copies an :class:`Interpreter` into a directory that runs anywhere
with a glibc at least as new as the one it was built for: the shared libraries it needs,
except glibc's own, are copied into ``lib/`` and every ELF file's RUNPATH is rewritten
(Debian's ``patchelf``, which edits foreign ELF files too) to find them relative to itself
(``$ORIGIN``). The libraries are found from each ELF file's NEEDED entries (``readelf -d``,
binutils, which reads any architecture; ``ldd`` runs the host's loader and cannot), looked up
in the interpreter's own library directories, transitively.

Two sources of interpreters:

* :func:`pyenv_interpreter`: one of this machine's pyenv builds (``pyenv prefix X.Y.Z``, see
  shared/docs/host-pythons.md), shared-library builds whose extension modules link the host's
  libssl, libffi, libsqlite3, ... ;
* :func:`debian_interpreter`: Debian's own ``python3.X`` package from a root filesystem image
  of another architecture (the arm64 stand-ins' root, tests/support/standins/foreign_bases.py), read
  with ``docker export`` from a container that is created, never started, so nothing runs
  emulated. Debian's interpreter is one static binary (no libpython), and the stdlib's
  extension modules link the libraries of that root, which are bundled from it.

Users, one mechanism:

* the local ``python:3.12-slim-*`` stand-ins put a pyenv tree in ``/usr/local`` (where the
  official images have their Python);
* the standalone layout's test mirror packs either as ``python/...`` in an archive shaped like
  python-build-standalone's ``install_only`` archive (tests/support/standins/python_mirror.py): the
  host's pyenv build for amd64 builds, Debian's arm64 interpreter for arm64 builds.

Left out, as none of the tests need them: the test suite, IDLE, tkinter (X11 libraries),
the static library, pip (pyenv's launcher scripts name the pyenv prefix), and symbolic links
that leave the tree (Debian's ``sitecustomize.py`` -> ``/etc/python3.X``).
"""

from __future__ import annotations

import hashlib
import os
import platform
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.support.engine import docker

__all__ = [
    "Interpreter",
    "Unavailable",
    "debian_interpreter",
    "pyenv_interpreter",
    "pyenv_prefix",
    "relocatable_tree",
]

#: glibc and the loader: always the target system's own.
SYSTEM_LIBS = re.compile(r"^(libc|libm|libdl|libpthread|librt|libutil|libresolv|ld-linux.*)\.so")
_NEEDED = re.compile(r"\(NEEDED\)\s+Shared library: \[([^]]+)\]")
_DROP_STDLIB = {"test", "idlelib", "tkinter", "turtledemo", "ensurepip", "site-packages"}
#: Debian's multiarch triples, by the machine names python-build-standalone uses.
MULTIARCH = {"x86_64": "x86_64-linux-gnu", "aarch64": "aarch64-linux-gnu"}


class Unavailable(Exception):
    """``str(exc)`` is a one-line reason (e.g. no pyenv build of that Python here)."""


@dataclass(frozen=True)
class Interpreter:
    """Where one CPython's files are on this machine, and where the libraries they load are."""

    version: str  # "3.13.5"
    arch: str  # the machine it runs on, as python-build-standalone names it: x86_64, aarch64
    binary: Path  # the python3.X executable itself (not a link)
    stdlib: Path  # its lib/python3.X
    include: Path | None  # the directory that holds python3.X/Python.h, if it has headers
    shared_libs: tuple[Path, ...]  # libpython3.X.so* (none for Debian's static interpreter)
    library_dirs: tuple[Path, ...]  # where its NEEDED libraries are looked up, in order
    identity: str  # changes when the interpreter does (for recipe hashes and archive caches)

    @property
    def minor(self) -> str:
        return ".".join(self.version.split(".")[:2])


def pyenv_prefix(minor: str) -> Path:
    """The prefix of the newest pyenv build of CPython `minor` (e.g. "3.12") on this machine."""
    if shutil.which("pyenv") is None:
        raise Unavailable(f"pyenv is not installed, so there is no local CPython {minor} build")
    listed = subprocess.run(
        ["pyenv", "versions", "--bare"], capture_output=True, text=True, timeout=30, check=False
    )
    versions = [
        v.strip() for v in listed.stdout.split() if re.fullmatch(rf"{re.escape(minor)}\.\d+", v)
    ]
    if not versions:
        raise Unavailable(f"pyenv has no CPython {minor}.x build here (pyenv versions)")
    newest = max(versions, key=lambda v: int(v.rsplit(".", 1)[1]))
    prefix = subprocess.run(
        ["pyenv", "prefix", newest], capture_output=True, text=True, timeout=30, check=False
    )
    path = Path(prefix.stdout.strip())
    if prefix.returncode != 0 or not (path / "bin" / f"python{minor}").is_file():
        raise Unavailable(f"pyenv prefix {newest}: {prefix.stderr.strip() or 'no interpreter'}")
    return path


def pyenv_interpreter(minor: str) -> Interpreter:
    """This machine's pyenv build of CPython `minor`."""
    prefix = pyenv_prefix(minor)
    binary = prefix / "bin" / f"python{minor}"
    out = subprocess.run(
        [str(binary), "-c", "import platform; print(platform.python_version())"],
        capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    version = out.stdout.strip()
    libs = tuple(sorted(prefix.glob("lib/libpython3*")))
    digest = hashlib.sha256()
    for lib in libs:
        if lib.name.endswith(".so.1.0"):
            digest.update(lib.read_bytes())
    arch = platform.machine()
    host_dirs = [Path(d) for d in ("/usr/local/lib", f"/lib/{MULTIARCH.get(arch, arch)}")]
    host_dirs += [Path(d) for d in (f"/usr/lib/{MULTIARCH.get(arch, arch)}", "/lib", "/usr/lib")]
    return Interpreter(
        version=version,
        arch=arch,
        binary=binary,
        stdlib=prefix / "lib" / f"python{minor}",
        include=prefix / "include",
        shared_libs=libs,
        library_dirs=(prefix / "lib", *host_dirs),
        identity=f"{prefix} {version} {digest.hexdigest()[:16]}",
    )


def debian_interpreter(image: str, arch: str, minor: str, root: Path) -> Interpreter:
    """Debian's python`minor` from the root filesystem `image` (built for `arch`), its files
    (interpreter, standard library, the multiarch library directory and dpkg's status)
    unpacked under `root`, which the caller keeps until the tree is made."""
    triple = MULTIARCH[arch]
    wanted = [f"usr/bin/python{minor}", f"usr/lib/python{minor}", f"usr/lib/{triple}"]
    wanted.append("var/lib/dpkg/status")
    container = docker("create", image, "true").stdout.strip()
    try:
        root.mkdir(parents=True, exist_ok=True)
        with subprocess.Popen(["docker", "export", container], stdout=subprocess.PIPE) as export:
            untar = subprocess.run(
                ["tar", "-x", "-C", str(root), *wanted],
                stdin=export.stdout, capture_output=True, text=True, timeout=600, check=False,
            )  # fmt: skip
        if export.returncode != 0 or untar.returncode != 0:
            raise Unavailable(f"reading python{minor} from {image}: {untar.stderr.strip()[:300]}")
    finally:
        docker("rm", "-f", container, check=False)
    status = (root / "var/lib/dpkg/status").read_text()
    match = re.search(
        rf"^Package: python{re.escape(minor)}-minimal\n(?:.+\n)*?Version: (\d+\.\d+\.\d+)",
        status, re.MULTILINE,
    )  # fmt: skip
    if not match:
        raise Unavailable(f"{image} has no python{minor}-minimal package")
    return Interpreter(
        version=match[1],
        arch=arch,
        binary=root / wanted[0],
        stdlib=root / wanted[1],
        include=None,
        shared_libs=(),
        library_dirs=(root / wanted[2],),
        identity=f"debian {image} {docker_image_id(image)} {match[1]} {arch}",
    )


def docker_image_id(image: str) -> str:
    return docker("image", "inspect", "--format", "{{.Id}}", image).stdout.strip()


def _is_elf(path: Path) -> bool:
    if path.is_symlink() or not path.is_file():
        return False
    with path.open("rb") as handle:
        return handle.read(4) == b"\x7fELF"


def _needed(elf: Path) -> list[str]:
    """The sonames `elf` names in its NEEDED entries (readelf reads any architecture)."""
    result = subprocess.run(
        ["readelf", "-d", "-W", str(elf)], capture_output=True, text=True, timeout=60, check=True
    )
    return _NEEDED.findall(result.stdout)


def _find(soname: str, library_dirs: tuple[Path, ...]) -> Path | None:
    """The file `soname` names in the first of `library_dirs` that has it, links followed inside
    that directory (a Debian root's links are relative)."""
    for directory in library_dirs:
        candidate = directory / soname
        if candidate.exists():
            return candidate.resolve()
    return None


def _bundle(elves: list[Path], library_dirs: tuple[Path, ...]) -> dict[str, Path]:
    """{soname: file} of every non-glibc library `elves` load, directly or through another."""
    found: dict[str, Path] = {}
    queue = list(elves)
    while queue:
        for soname in _needed(queue.pop()):
            if soname in found or SYSTEM_LIBS.match(soname) or soname.startswith("libpython"):
                continue
            path = _find(soname, library_dirs)
            if path is not None:  # a library the source itself lacks: so does that module
                found[soname] = path
                queue.append(path)
    return found


def _patch(elf: Path, runpath: str) -> None:
    subprocess.run(["patchelf", "--set-rpath", runpath, str(elf)], check=True, timeout=60)


def relocatable_tree(source: Interpreter, dest: Path) -> str:
    """Copy `source` into `dest` (bin, lib, include), self-contained.

    Returns the Python version ("3.12.1")."""
    for tool, package in (("patchelf", "patchelf"), ("readelf", "binutils")):
        if shutil.which(tool) is None:
            raise Unavailable(f"{tool} is not installed (Debian package {package}; run bootstrap)")
    minor = source.minor
    stdlib = f"lib/python{minor}"
    dest.mkdir(parents=True, exist_ok=True)
    if source.include is not None:
        shutil.copytree(source.include, dest / "include", symlinks=True)
    (dest / "bin").mkdir()
    shutil.copy2(source.binary, dest / "bin" / f"python{minor}")
    for name in ("python3", "python"):
        (dest / "bin" / name).symlink_to(f"python{minor}")
    (dest / "lib").mkdir()
    for lib in source.shared_libs:
        shutil.copy2(lib, dest / "lib" / lib.name, follow_symlinks=False)

    def ignore(directory: str, names: list[str]) -> set[str]:
        here = Path(directory)
        left = {n for n in names if (here / n).is_symlink() and _leaves(here / n, source.stdlib)}
        if here == source.stdlib:
            return left | {n for n in names if n in _DROP_STDLIB or n.startswith("config-")}
        return left | {n for n in names if n.startswith("_tkinter")}

    shutil.copytree(source.stdlib, dest / stdlib, symlinks=True, ignore=ignore)
    (dest / stdlib / "site-packages").mkdir()

    elves = [p for p in dest.rglob("*") if _is_elf(p)]
    bundled = _bundle(elves, source.library_dirs)
    for soname, path in bundled.items():
        shutil.copy2(path, dest / "lib" / soname)
    for elf in elves:
        up = os.path.relpath(dest / "lib", elf.parent)
        _patch(elf, "$ORIGIN" if up == "." else f"$ORIGIN/{up}")
    for soname in bundled:
        _patch(dest / "lib" / soname, "$ORIGIN")
    return source.version


def _leaves(link: Path, top: Path) -> bool:
    """True when the symbolic link `link` points outside the directory `top`."""
    target = os.readlink(link)
    if os.path.isabs(target):
        return True
    resolved = os.path.normpath(os.path.join(link.parent, target))
    return not resolved.startswith(f"{top}{os.sep}")
