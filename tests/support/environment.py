"""Isolate every test from the developer's own settings, and make this machine's Pythons visible.

Called by the root conftest.py (and the benchmark) before anything runs, so pytest-xdist
workers and every subprocess (copier, git, uv, docker) inherit the same environment. Copier runs
its tasks with plumbum's copy of the environment, taken when plumbum is first imported, so every
change goes to that copy as well.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from plumbum import local

from tests.support.host_pythons import pyenv_bin_dirs

ISOLATION_DIR = Path(tempfile.mkdtemp(prefix="copier-uv-docker-env-"))
# Each process (the controller, every xdist worker, the benchmark) removes its own at exit.
atexit.register(shutil.rmtree, ISOLATION_DIR, ignore_errors=True)


def export(name: str, value: str) -> None:
    os.environ[name] = value
    local.env[name] = value


def unset(name: str) -> None:
    os.environ.pop(name, None)
    if name in local.env:
        del local.env[name]


def isolate_copier_and_git() -> None:
    # An empty settings file crashes Copier 9.19; "{}" is the empty mapping it expects.
    settings = ISOLATION_DIR / "copier-settings.yml"
    settings.write_text("{}\n")
    export("COPIER_SETTINGS_PATH", str(settings))
    gitconfig = ISOLATION_DIR / "gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = Template Tests\n\temail = tests@example.com\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n"
    )
    export("GIT_CONFIG_GLOBAL", str(gitconfig))
    export("GIT_CONFIG_NOSYSTEM", "1")
    for variable in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        unset(variable)


def expose_local_pythons() -> None:
    # A missing interpreter must fail fast, not try a download this machine cannot make.
    export("UV_PYTHON_DOWNLOADS", "never")
    extra = [d for d in pyenv_bin_dirs() if d not in os.environ.get("PATH", "")]
    # Appended, so they never shadow the tools of the test environment itself.
    export("PATH", os.pathsep.join([os.environ.get("PATH", ""), *extra]))


def setup() -> None:
    isolate_copier_and_git()
    expose_local_pythons()
