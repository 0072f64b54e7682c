"""The repository's scripts (scripts/*.py), loaded by path as they run: each puts its own
folder on the import path for the modules beside it."""

from __future__ import annotations

import importlib.util
from types import ModuleType

from tests.support.variants import TEMPLATE_ROOT


def load_script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, TEMPLATE_ROOT / "scripts" / f"{name}.py")
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
