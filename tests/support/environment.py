"""Isolate every test from the developer's own settings, and make this machine's Pythons visible.

Imported by the root conftest.py (and the benchmark) before anything runs, so pytest-xdist
workers and every subprocess (copier, git, uv, docker) inherit the same environment.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from tests.support.host_pythons import pyenv_bin_dirs

ISOLATION_DIR = Path(tempfile.mkdtemp(prefix="copier-uv-docker-env-"))


def isolate_copier_and_git() -> None:
    # An empty settings file crashes Copier 9.19; "{}" is the empty mapping it expects.
    settings = ISOLATION_DIR / "copier-settings.yml"
    settings.write_text("{}\n")
    os.environ["COPIER_SETTINGS_PATH"] = str(settings)
    gitconfig = ISOLATION_DIR / "gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = Template Tests\n\temail = tests@example.com\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n"
    )
    os.environ["GIT_CONFIG_GLOBAL"] = str(gitconfig)
    os.environ["GIT_CONFIG_NOSYSTEM"] = "1"
    for variable in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        os.environ.pop(variable, None)


def expose_local_pythons() -> None:
    # A missing interpreter must fail fast, not try a download this machine cannot make.
    os.environ["UV_PYTHON_DOWNLOADS"] = "never"
    extra = [d for d in pyenv_bin_dirs() if d not in os.environ.get("PATH", "")]
    # Appended, so they never shadow the tools of the test environment itself.
    os.environ["PATH"] = os.pathsep.join([os.environ.get("PATH", ""), *extra])


def setup() -> None:
    isolate_copier_and_git()
    expose_local_pythons()
