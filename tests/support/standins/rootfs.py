"""Debian root filesystems, made by debootstrap from this machine's own apt mirror.

The mirror is read from the apt configuration (never hard-coded); the tree is what the local
``debian`` stand-ins (base_images.py) are imported from.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from tests.support.commands import run
from tests.support.image_refs import DEBIAN_PYTHON, PREFIX, BuildFailed, Unbuildable


def apt_sources() -> list[tuple[str, list[str], list[str]]]:
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
        for uri, suites, types in apt_sources()
        if "deb" in types and any(s in DEBIAN_PYTHON for s in suites)
    ]
    for wanted in (suite, "bookworm", *DEBIAN_PYTHON):
        for uri, suites in candidates:
            if wanted in suites:
                return uri
    raise Unbuildable("no Debian bookworm/trixie apt source found in /etc/apt to debootstrap from")


def unmount_below(root: Path) -> None:
    """Unmount anything a failed debootstrap left mounted inside `root` (deepest first)."""
    prefix = str(root.resolve()) + "/"
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return
    targets = [line.split()[1].replace("\\040", " ") for line in mounts if len(line.split()) > 1]
    for target in sorted((t for t in targets if t.startswith(prefix)), key=len, reverse=True):
        run(["umount", "-l", target], check=False)


@contextlib.contextmanager
def debootstrapped(
    suite: str, mirror: str, include: Iterable[str] = (), *, arch: str = ""
) -> Iterator[Path]:
    """A `debootstrap --variant=minbase` tree of `suite` (plus the packages `include` names) for
    `arch` (default this machine's; a foreign one runs its second stage under the
    qemu-user-static emulator binfmt_misc registers), without package lists or .debs (like the
    official images); removed, with anything left mounted in it, afterwards."""
    if shutil.which("debootstrap") is None:
        raise Unbuildable("debootstrap is not installed (run scripts/docker-engine.sh up)")
    if os.geteuid() != 0:
        raise Unbuildable("debootstrap needs root to build a Debian root filesystem")
    work = Path(tempfile.mkdtemp(prefix=f"{PREFIX}-rootfs-{suite}-", dir="/var/tmp"))
    target = work / "rootfs"
    try:
        extra = [f"--arch={arch}"] if arch else []
        extra += [f"--include={','.join(include)}"] if include else []
        result = run(
            ["debootstrap", "--variant=minbase", *extra, suite, str(target), mirror],
            timeout=1800 if arch else 900, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            tail = "\n".join((result.stderr + result.stdout).splitlines()[-30:])
            log_file = target / "debootstrap" / "debootstrap.log"
            if log_file.is_file():
                tail += "\n" + "\n".join(log_file.read_text(errors="replace").splitlines()[-30:])
            raise BuildFailed(f"debootstrap {suite} from {mirror} failed:\n{tail}")
        unmount_below(target)
        for junk in ("var/lib/apt/lists", "var/cache/apt/archives"):
            for entry in (target / junk).glob("*"):
                if entry.is_file() and entry.name != "lock":
                    entry.unlink()
        yield target
    finally:
        unmount_below(target)
        shutil.rmtree(work, ignore_errors=True)
