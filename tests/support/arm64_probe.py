"""What an image built for linux/arm64 holds, asked from inside it under QEMU: the machine,
the user, the interpreter, and the ELF machine of every compiled file under some folders
(an x86_64 file there would still run here, since the host kernel runs it natively, so only
its ELF header tells it apart)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from tests.support.containers import run_in_image

PLATFORM = "linux/arm64"
#: ELF e_machine of AArch64.
EM_AARCH64 = 183
#: Runs inside the image: every ELF file below the roots in argv with its e_machine; a file
#: named like a shared object must be one.
_PROBE = """
import json, os, pathlib, platform, sys
found = {}
for root in sys.argv[1:]:
    for path in pathlib.Path(root).rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        with path.open("rb") as handle:
            head = handle.read(20)
        if ".so" in path.name:
            assert head[:4] == b"\\x7fELF", path
        if head[:4] == b"\\x7fELF":
            found[str(path)] = int.from_bytes(head[18:20], "little" if head[5] == 1 else "big")
print(json.dumps({"machine": platform.machine(), "uid": os.getuid(), "prefix": sys.prefix,
                  "executable": sys.executable,
                  "real_executable": os.path.realpath(sys.executable),
                  "version": platform.python_version(), "elf": found}))
"""


def probe(
    image: str,
    roots: Sequence[str],
    *,
    python: str = "python",
    options: Sequence[str] = (),
    preamble: str = "",
) -> dict[str, Any]:
    """The facts `_PROBE` reports, run by `python` in `image` on linux/arm64 after the
    statement `preamble` (e.g. imports that must work)."""
    result = run_in_image(
        image, "-c", f"{preamble}\n{_PROBE}", *roots, entrypoint=python,
        options=["--platform", PLATFORM, *options],
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def not_aarch64(facts: dict[str, Any]) -> dict[str, int]:
    """{path: e_machine} of the probed ELF files that are not AArch64 code."""
    return {path: machine for path, machine in facts["elf"].items() if machine != EM_AARCH64}
