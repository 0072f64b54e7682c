"""copier.yml's reserved names cover every module a project name could shadow: derived again
here from each supported Python on this machine, so the list cannot go stale. (The locked
dependencies are checked in tests/project/test_reserved_names.py, which needs the locks.)"""

from __future__ import annotations

import json
import re
import subprocess
import sys

from tests.support.answer_space import choice_values, reserved_names
from tests.support.host_pythons import local_python

# What a package name can be: project_name's shape with hyphens as Python imports them.
PACKAGE_SHAPE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
LIST_NAMES = (
    "import json, keyword, sys; print(json.dumps([*sys.stdlib_module_names, *keyword.kwlist]))"
)


def module_names(python: str) -> set[str]:
    listed = subprocess.run([python, "-c", LIST_NAMES], capture_output=True, text=True, check=True)
    return {name for name in json.loads(listed.stdout) if PACKAGE_SHAPE.fullmatch(name)}


def test_every_stdlib_module_and_keyword_of_each_supported_python_is_reserved() -> None:
    interpreters = {version: local_python(version) for version in choice_values("python_version")}
    found = {version: path for version, path in interpreters.items() if path}
    # The interpreter running the tests is always one; the others where this machine has them.
    found.setdefault(f"{sys.version_info.major}.{sys.version_info.minor}", sys.executable)
    missing = {
        version: sorted(module_names(path) - reserved_names()) for version, path in found.items()
    }
    assert {version: names for version, names in missing.items() if names} == {}, (
        f"add these to reserved_names in copier.yml (checked Python {sorted(found)})"
    )
