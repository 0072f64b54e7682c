"""copier.yml's reserved names are the ones scripts/reserved_names.py generates from their
sources, and those sources hold what the Pythons on this machine say: each supported Python's
standard library and keywords. (The locked dependencies are checked in
tests/project/test_reserved_names.py, which needs the locks.)"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from tests.support.answer_space import choice_values, reserved_names
from tests.support.host_pythons import local_python
from tests.support.scripts import load_script

# What a package name can be: project_name's shape with hyphens as Python imports them.
PACKAGE_SHAPE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
LIST_NAMES = (
    "import json, keyword, sys; print(json.dumps([*sys.stdlib_module_names, *keyword.kwlist]))"
)


generator = load_script("reserved_names")


def module_names(python: str) -> set[str]:
    listed = subprocess.run([python, "-c", LIST_NAMES], capture_output=True, text=True, check=True)
    return {name for name in json.loads(listed.stdout) if PACKAGE_SHAPE.fullmatch(name)}


def test_the_written_reserved_names_are_the_generated_ones() -> None:
    assert sorted(reserved_names()) == generator.reserved_names(), (
        f"copier.yml's reserved_names are stale: run {generator.USAGE}"
    )


def test_the_check_mode_says_how_to_fix_a_stale_list(tmp_path, monkeypatch) -> None:
    stale = tmp_path / "copier.yml"
    text = generator.COPIER_YML.read_text()
    stale.write_text(text.replace("profiling, ", ""))
    monkeypatch.setattr(generator, "COPIER_YML", stale)
    monkeypatch.setattr(sys, "argv", ["reserved_names.py", "--check"])
    assert generator.main() == 1
    monkeypatch.setattr(sys, "argv", ["reserved_names.py"])
    assert generator.main() == 0
    assert stale.read_text() == text


def test_every_stdlib_module_and_keyword_of_each_supported_python_is_reserved() -> None:
    interpreters = {version: local_python(version) for version in choice_values("python_version")}
    found = {version: path for version, path in interpreters.items() if path}
    # The interpreter running the tests is always one; the others where this machine has them.
    found.setdefault(f"{sys.version_info.major}.{sys.version_info.minor}", sys.executable)
    missing = {
        version: sorted(module_names(path) - reserved_names()) for version, path in found.items()
    }
    assert {version: names for version, names in missing.items() if names} == {}, (
        f"the stdlibs package lacks these (checked Python {sorted(found)})"
    )


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("profiling", "3.15's standard library (PEP 799), with no 3.15 on this machine"),
        ("test", "CPython's regression-test package, left out of sys.stdlib_module_names"),
        ("python", "the venv's interpreter, a script name uv refuses"),
        ("pythonw", "a script name uv refuses (the Windows venv's interpreter)"),
        ("activate", "the venv's activation script, which a console script would overwrite"),
        ("id_rsa", "template/.dockerignore ignores it at any depth"),
        ("pygmentize", "a console script a dev dependency installs"),
    ],
)
def test_names_from_each_source_are_reserved(name, source) -> None:
    assert name in reserved_names(), source


@pytest.mark.parametrize(
    "line",
    ["**/id_rsa*", "build/", "**/secret?", "dist"],
)
def test_an_ignore_pattern_a_package_name_could_match_fails_the_generator(
    line, tmp_path, monkeypatch
) -> None:
    ignore = tmp_path / (".dockerignore" if line.startswith("**/") else ".gitignore")
    ignore.write_text(f"{line}\n")
    monkeypatch.setattr(generator, "IGNORE_FILES", [ignore])
    monkeypatch.setattr(generator, "ROOT", tmp_path)
    if any(char in line for char in "*?["):
        with pytest.raises(SystemExit, match="could ignore a package folder"):
            generator.ignore_file_names()
    else:  # a literal name is reserved instead
        assert generator.ignore_file_names() == {line.strip("/")}
