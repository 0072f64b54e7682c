"""tests/support's index (its docstring) names every module of it and nothing else, and the
stand-ins' README names every module of the stand-ins, so a reader finds each mechanism."""

from __future__ import annotations

import re
from pathlib import Path

import tests.support
from tests.support import standins

SUPPORT = Path(tests.support.__file__).parent
STANDINS = Path(standins.__file__).parent


def modules(folder: Path) -> set[str]:
    found = {path.stem for path in folder.glob("*.py") if path.stem != "__init__"}
    return found | {
        f"{path.name}/" for path in folder.iterdir() if (path / "__init__.py").is_file()
    }


def test_the_support_index_names_every_module_once() -> None:
    listed = re.findall(r"^  (\w+/?)\s", tests.support.__doc__ or "", re.MULTILINE)
    assert sorted(listed) == sorted(modules(SUPPORT))


def test_the_standins_readme_names_every_module() -> None:
    readme = (STANDINS / "README.md").read_text()
    assert [m for m in sorted(modules(STANDINS)) if f"`{m}" not in readme] == []
