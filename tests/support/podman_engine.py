"""Podman, rootless: a user of its own with subordinate IDs runs `podman` in a store of the
test's own, as organisations without Docker Desktop run it.

scripts/podman.sh prepares the machine once: the user ``cuvd-podman`` with subordinate UID and
GID ranges, and /dev/net/tun at Debian's default mode (0666; slirp4netns, rootless Podman's
network, opens it as that user). The flags say why each is needed here:

* ``--runtime runc``: crun 1.8 refuses these machines' hybrid cgroups;
* ``--cgroup-manager cgroupfs``: there is no systemd user session;
* ``--storage-driver overlay``: the kernel's rootless overlayfs (the default would be vfs,
  which copies every layer);
* ``--events-backend file``: no journald.

Containers get explicit ulimits (the machines refuse Podman's default raised rlimits).
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["ROOTLESS_USER", "ULIMITS", "Podman", "rootless_problem"]

ROOTLESS_USER = "cuvd-podman"
ULIMITS = ["--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"]
TUN = Path("/dev/net/tun")


def _has_subordinate_ids(user: str, path: Path) -> bool:
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return False
    return any(line.split(":", 1)[0] == user for line in lines)


def rootless_problem() -> str | None:
    """None when the rootless user is ready, else what is missing, in one line."""
    if shutil.which("podman") is None:
        return "podman is not installed (run scripts/podman.sh)"
    try:
        pwd.getpwnam(ROOTLESS_USER)
    except KeyError:
        return f"no user {ROOTLESS_USER} for rootless Podman (run scripts/podman.sh)"
    for path in (Path("/etc/subuid"), Path("/etc/subgid")):
        if not _has_subordinate_ids(ROOTLESS_USER, path):
            return f"{ROOTLESS_USER} has no range in {path} (run scripts/podman.sh)"
    if not TUN.exists() or TUN.stat().st_mode & 0o006 != 0o006:
        return f"{TUN} is not usable by other users, so slirp4netns cannot (run scripts/podman.sh)"
    if os.geteuid() != 0:
        return "switching to the rootless Podman user needs root (runuser)"
    return None


class Podman:
    """`podman` as ROOTLESS_USER, with a store, a run directory and a work directory of its
    own under one short directory (Podman refuses a runroot path over 50 characters)."""

    def __init__(self) -> None:
        entry = pwd.getpwnam(ROOTLESS_USER)
        self.root = Path(tempfile.mkdtemp(prefix="cuvd-pm-", dir="/tmp"))
        for sub in ("store", "run", "xdg", "tmp", "work"):
            (self.root / sub).mkdir(mode=0o700)
        shutil.chown(self.root, entry.pw_uid, entry.pw_gid)
        for sub in self.root.iterdir():
            shutil.chown(sub, entry.pw_uid, entry.pw_gid)
        self._uid, self._gid = entry.pw_uid, entry.pw_gid
        self._prefix = [
            "runuser", "-u", ROOTLESS_USER, "--",
            "env", f"HOME={entry.pw_dir}", f"XDG_RUNTIME_DIR={self.root / 'xdg'}",
            # Buildah 1.28 keeps RUN cache mounts in $TMPDIR/buildah-cache, a path it shares
            # with root's builds unless TMPDIR differs (root's files there are not the user's).
            f"TMPDIR={self.root / 'tmp'}",
            "podman",
            "--root", str(self.root / "store"), "--runroot", str(self.root / "run"),
            "--storage-driver", "overlay", "--runtime", "runc",
            "--cgroup-manager", "cgroupfs", "--events-backend", "file",
        ]  # fmt: skip

    @property
    def work(self) -> Path:
        """A directory the rootless user owns, for build contexts."""
        return self.root / "work"

    def give(self, path: Path) -> None:
        """Hand `path` (under work) to the rootless user."""
        for dirpath, dirnames, filenames in os.walk(path):
            for name in (dirpath, *(os.path.join(dirpath, n) for n in dirnames + filenames)):
                os.lchown(name, self._uid, self._gid)

    def __call__(self, *args: str, timeout: float = 600, check: bool = True, **kw):
        result = subprocess.run(
            [*self._prefix, *args], capture_output=True, text=True, timeout=timeout, **kw
        )
        if check and result.returncode != 0:
            raise AssertionError(f"podman {' '.join(args)}: {result.stderr[-3000:]}")
        return result

    def close(self) -> None:
        self("rm", "--all", "--force", check=False)
        self("system", "reset", "--force", check=False)
        # Files the containers wrote belong to subordinate IDs: only root removes them all.
        shutil.rmtree(self.root, ignore_errors=True)
