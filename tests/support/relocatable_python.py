"""A self-contained copy of one of this machine's pyenv CPython builds.

pyenv's builds (``pyenv prefix X.Y.Z``, see shared/docs/host-pythons.md) are shared-library
builds whose RUNPATH names their own prefix and whose extension modules link the host's
libssl, libffi, libsqlite3, ... . :func:`relocatable_tree` copies one into a directory that
runs anywhere with a glibc at least as new as the host's (Debian 12): the shared libraries
it needs, except glibc's own, are copied into ``lib/`` and every ELF file's RUNPATH is
rewritten (Debian's ``patchelf``) to find them relative to itself (``$ORIGIN``).

Two users, one mechanism:

* the local ``python:3.12-slim-*`` stand-ins put the tree in ``/usr/local`` (where the
  official images have their Python);
* the standalone layout's test mirror packs it as ``python/...`` in an archive shaped like
  python-build-standalone's ``install_only`` archive (tests/support/python_mirror.py).

Left out, as none of the tests need them: the test suite, IDLE, tkinter (X11 libraries),
the static library and pip (its launcher scripts name the pyenv prefix).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

__all__ = ["Unavailable", "pyenv_prefix", "relocatable_tree", "tree_identity"]

#: glibc and the loader: always the target system's own.
SYSTEM_LIBS = re.compile(r"^(libc|libm|libdl|libpthread|librt|libutil|libresolv|ld-linux.*)\.so")
_LDD_LINE = re.compile(r"^\s*(\S+) => (/\S+)")
_DROP_STDLIB = {"test", "idlelib", "tkinter", "turtledemo", "ensurepip", "site-packages"}


class Unavailable(Exception):
    """``str(exc)`` is a one-line reason (e.g. no pyenv build of that Python here)."""


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


def _version(prefix: Path) -> str:
    binary = next(prefix.glob("bin/python3.*[0-9]"))
    out = subprocess.run(
        [str(binary), "-c", "import platform; print(platform.python_version())"],
        capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    return out.stdout.strip()


def tree_identity(prefix: Path) -> str:
    """A string that changes when the interpreter at `prefix` does (for recipe hashes)."""
    libs = sorted(prefix.glob("lib/libpython3*.so.1.0"))
    digest = hashlib.sha256()
    for lib in libs:
        digest.update(lib.read_bytes())
    return f"{prefix} {_version(prefix)} {digest.hexdigest()[:16]}"


def _is_elf(path: Path) -> bool:
    if path.is_symlink() or not path.is_file():
        return False
    with path.open("rb") as handle:
        return handle.read(4) == b"\x7fELF"


def _needed(elf: Path) -> dict[str, Path]:
    """{soname: host path} of the non-glibc libraries `elf` loads (ldd, transitively)."""
    result = subprocess.run(["ldd", str(elf)], capture_output=True, text=True, check=False)
    found = {}
    for line in result.stdout.splitlines():
        match = _LDD_LINE.match(line)
        if match and not SYSTEM_LIBS.match(match[1]) and not match[1].startswith("libpython"):
            found[match[1]] = Path(match[2])
    return found


def _patch(elf: Path, runpath: str) -> None:
    subprocess.run(["patchelf", "--set-rpath", runpath, str(elf)], check=True, timeout=60)


def relocatable_tree(prefix: Path, dest: Path) -> str:
    """Copy the interpreter at `prefix` into `dest` (bin, lib, include), self-contained.

    Returns the Python version ("3.12.1")."""
    if shutil.which("patchelf") is None:
        raise Unavailable("patchelf is not installed (Debian package patchelf; run bootstrap)")
    version = _version(prefix)
    minor = ".".join(version.split(".")[:2])
    stdlib = f"lib/python{minor}"
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(prefix / "include", dest / "include", symlinks=True)
    (dest / "bin").mkdir()
    for name in (f"python{minor}", "python3", "python"):
        source = prefix / "bin" / name
        if source.is_symlink() or name != f"python{minor}":
            (dest / "bin" / name).symlink_to(f"python{minor}")
        else:
            shutil.copy2(source, dest / "bin" / name)
    (dest / "lib").mkdir()
    for lib in prefix.glob("lib/libpython3*"):
        shutil.copy2(lib, dest / "lib" / lib.name, follow_symlinks=False)

    def ignore(directory: str, names: list[str]) -> set[str]:
        if Path(directory) == prefix / stdlib:
            return {n for n in names if n in _DROP_STDLIB or n.startswith("config-")}
        return {n for n in names if n.startswith("_tkinter")}

    shutil.copytree(prefix / stdlib, dest / stdlib, symlinks=True, ignore=ignore)
    (dest / stdlib / "site-packages").mkdir()

    bundled: dict[str, Path] = {}
    elves = [p for p in dest.rglob("*") if _is_elf(p)]
    for elf in elves:
        bundled.update(_needed(elf))
    for soname, host_path in bundled.items():
        shutil.copy2(host_path.resolve(), dest / "lib" / soname)
    for elf in elves:
        up = os.path.relpath(dest / "lib", elf.parent)
        _patch(elf, "$ORIGIN" if up == "." else f"$ORIGIN/{up}")
    for soname in bundled:
        _patch(dest / "lib" / soname, "$ORIGIN")
    return version
