"""Writes copier.yml's `reserved_names` from their sources: the names a project may not take
because its package or its console script would shadow, or be shadowed by, something else.

    uv run python scripts/reserved_names.py                 rewrite the list in copier.yml
    uv run python scripts/reserved_names.py --check         exit 1 when copier.yml's list differs
    uv run python scripts/reserved_names.py --dependencies  re-derive the dependencies' names
                                                            (renders, locks and syncs; needs PyPI)

The sources, each read where it lives, none typed here but the few tool names below:
- the standard library of every Python that `python_version` offers, from the `stdlibs`
  package (CPython's modules per version, read from CPython's sources: no interpreter needed),
  and CPython's own `test` package, which every such list leaves out;
- Python's keywords (`keyword.kwlist`: the hard keywords; soft ones are legal module names);
- what a uv virtualenv holds in `bin/` (`python`, `activate`, ...), made here with `uv venv`,
  and the script names uv refuses to install;
- the packages every service kind locks, as Python imports them, and their console scripts:
  DEPENDENCIES_FILE, written by `--dependencies`, checked by tests/project/test_reserved_names.py;
- the names template/.gitignore and template/.dockerignore ignore at any depth.
"""

from __future__ import annotations

import argparse
import importlib
import keyword
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import tomllib
from pathlib import Path

# The shared reading of copier.yml sits beside this script, also when a test loads it by path.
sys.path.insert(0, str(Path(__file__).resolve().parent))
import copier_questions

ROOT = copier_questions.ROOT
COPIER_YML = copier_questions.COPIER_YML
DEPENDENCIES_FILE = Path(__file__).with_name("reserved_names_dependencies.txt")
IGNORE_FILES = [ROOT / "template" / ".gitignore", ROOT / "template" / ".dockerignore"]
USAGE = "`uv run python scripts/reserved_names.py` and commit copier.yml"
DEPENDENCIES_HEADER = (
    "# Written by scripts/reserved_names.py --dependencies: the packages each service kind locks\n"
    "# (as imported), and what their synced venv installs and puts on PATH.\n"
)
START = "# reserved-names:start (written by scripts/reserved_names.py; edit its sources, not this)"
END = "# reserved-names:end"

#: A name a project's package could have: project_name's shape, hyphens read as underscores.
MODULE_SHAPE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
#: CPython installs its regression tests as the top-level package `test` (Lib/test); both
#: sys.stdlib_module_names and `stdlibs` leave test modules out, yet `import test` finds it.
CPYTHON_TEST_PACKAGE = "test"
#: uv refuses to install a console script of these names ("Scripts must not use the reserved
#: name ..."): `pythonw` is the Windows venv's interpreter, absent from a Linux venv.
UV_REFUSED_SCRIPTS = ("python", "python3", "pythonw")
#: Tools around the project that are imported by name: uv's own Python package; what
#: `uv venv --seed` and ensurepip put into a venv; the project's test folder.
TOOLS = ("uv", "pip", "setuptools", "wheel", "tests")


def shaped(names) -> set[str]:
    """The names of `names` a package could take (hyphens read as underscores)."""
    found = {name.replace("-", "_") for name in names}
    return {name for name in found if MODULE_SHAPE.fullmatch(name)}


def python_versions() -> list[str]:
    spec = copier_questions.load()["python_version"]
    return [str(choice.value) for choice in copier_questions.choices(spec)]


def standard_library(version: str) -> set[str]:
    """Python `version`'s standard-library modules, from `stdlibs` (no interpreter needed)."""
    listed = importlib.import_module(f"stdlibs.py{version.replace('.', '')}").module_names
    return shaped(listed) | {CPYTHON_TEST_PACKAGE}


def venv_names() -> set[str]:
    """What `uv venv` puts in a virtualenv's bin/, where the project's console script goes."""
    with tempfile.TemporaryDirectory() as folder:
        venv = Path(folder) / "venv"
        subprocess.run(
            ["uv", "venv", "--quiet", "--python", sys.executable, str(venv)],
            check=True, env=os.environ | {"UV_PYTHON_DOWNLOADS": "never"},
        )  # fmt: skip
        return shaped(path.name for path in (venv / "bin").iterdir()) | shaped(UV_REFUSED_SCRIPTS)


GLOB = re.compile(r"\*\*|[*?]|\[[^]]*\]")


def ignored_anywhere(pattern: str, dockerignore: bool) -> str | None:
    """The last part of `pattern` when it can match a folder below the root, else None."""
    pattern = pattern.strip()
    if not pattern or pattern.startswith(("#", "!")):
        return None
    pattern = pattern.rstrip("/")
    if dockerignore:  # Docker matches from the context's root unless the pattern says **/
        return pattern.removeprefix("**/") if pattern.startswith("**/") else None
    return None if "/" in pattern else pattern  # git: a slash anchors the pattern


def ignore_file_names() -> set[str]:
    """Literal names the template's ignore files ignore at any depth: a package of that name
    would leave the image or the repository. A glob that a package name could match fails here:
    anchor it or spell the file out."""
    found = set()
    for path in IGNORE_FILES:
        for line in path.read_text().splitlines():
            name = ignored_anywhere(line, dockerignore=path.name == ".dockerignore")
            if name is None:
                continue
            literals = [part for part in GLOB.split(name) if part]
            if not GLOB.search(name):
                found |= shaped([name]) if MODULE_SHAPE.fullmatch(name) else set()
            elif all(re.fullmatch(r"[a-z0-9_]*", part) for part in literals):
                sys.exit(f"{path.relative_to(ROOT)}: `{line}` could ignore a package folder")
    return found


def dependency_names() -> set[str]:
    lines = DEPENDENCIES_FILE.read_text().splitlines()
    return {line for line in lines if line and not line.startswith("#")}


def reserved_names() -> list[str]:
    names: set[str] = set(TOOLS)
    for version in python_versions():
        names |= standard_library(version)
    names |= shaped(keyword.kwlist)
    names |= venv_names() | dependency_names() | ignore_file_names()
    return sorted(names)


def block(names: list[str]) -> str:
    listed = textwrap.fill(", ".join(names), width=96, initial_indent="[", subsequent_indent="")
    body = textwrap.indent(listed + "]", "    ")
    return f"{START}\nreserved_names:\n  type: yaml\n  default: >-\n{body}\n  when: false\n{END}"


def written(text: str) -> str:
    return text[text.index(START) : text.index(END) + len(END)]


# ---------------------------------------------------------------------------------------------
# --dependencies: what each service kind locks, installs and puts on PATH.
def installed_names(venv: Path) -> set[str]:
    """Top-level import names and console scripts of everything installed in `venv`."""
    site = next(venv.glob("lib/python*/site-packages"))
    names = set()
    for record in site.glob("*.dist-info/RECORD"):
        for line in record.read_text().splitlines():
            top = line.split(",")[0].split("/")[0]
            if not top.endswith((".dist-info", ".pth")) and top not in {"..", "__pycache__"}:
                names.add(top.removesuffix(".py").split(".")[0])
    names |= {path.name for path in (venv / "bin").iterdir()}
    return shaped(names)


def locked_names(project: Path) -> set[str]:
    """Every package a project locks (for every platform), as its import name would read, and
    what its synced venv installs; not the project's own packages."""
    lock = tomllib.loads((project / "uv.lock").read_text())
    local = ("editable", "virtual", "directory")
    own = {p["name"] for p in lock["package"] if set(local) & set(p["source"])}
    names = shaped(p["name"].replace(".", "_") for p in lock["package"] if p["name"] not in own)
    return names | (installed_names(project / ".venv") - shaped(own) - venv_names())


def derive_dependencies() -> set[str]:
    import copier

    oldest = python_versions()[0]  # the widest lock: markers for every offered Python
    kinds = [c.value for c in copier_questions.choices(copier_questions.load()["service_kind"])]
    found: set[str] = set()
    with tempfile.TemporaryDirectory() as folder:
        for kind in kinds:
            project = Path(folder) / kind
            answers = {"service_kind": kind, "use_workspace": True, "python_version": oldest}
            copier.run_copy(
                str(ROOT), project, data=answers, defaults=True, vcs_ref="HEAD", unsafe=True,
                skip_tasks=True, quiet=True, settings=copier.Settings(),
            )  # fmt: skip
            env = os.environ | {"UV_PYTHON_DOWNLOADS": "never"}
            for command in (["uv", "lock", "-q"], ["uv", "sync", "--locked", "-q"]):
                subprocess.run(command, cwd=project, check=True, env=env)
            found |= locked_names(project)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether copier.yml differs")
    parser.add_argument("--dependencies", action="store_true", help="re-derive the dependencies")
    options = parser.parse_args()
    if options.dependencies:
        names = sorted(derive_dependencies())
        DEPENDENCIES_FILE.write_text(DEPENDENCIES_HEADER + "".join(f"{n}\n" for n in names))
    text = COPIER_YML.read_text()
    new = text.replace(written(text), block(reserved_names()))
    if options.check:
        if new != text:
            print(
                "copier.yml's reserved_names differ: run `uv run python scripts/reserved_names.py`"
            )
            return 1
        return 0
    COPIER_YML.write_text(new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
