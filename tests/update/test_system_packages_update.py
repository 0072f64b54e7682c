"""Update tier: a team that added system packages months after `copier copy` keeps them.

The project is rendered from the temporary release 0.1.0 (tests/support/update_scenario.py)
with the answer system_packages on, gets the rendered README's example ("Dependencies
without wheels": its `uv add` and its two `ARG ...PACKAGES=` lines in the Dockerfile), and
is updated to 0.2.0, which changes another Dockerfile line, then to 0.3.0: the lists stay as
the team wrote them, with no conflict.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.readme_example import LIST_ARG, readme_example, run_readme_commands, set_lists
from tests.support.releases import commit_all, conflicted_files, rej_files
from tests.support.rendering import update_project
from tests.support.update_scenario import NEW_ENV_LINES, new_project

pytestmark = pytest.mark.update


def test_copier_update_keeps_the_teams_package_lists(releases, tmp_path: Path) -> None:
    project = new_project(releases, tmp_path, system_packages=True)
    commands, lines = readme_example(project)
    run_readme_commands(project, commands)
    set_lists(project, lines)
    commit_all(project, "psycopg's C implementation and its system packages")
    dockerfile = project / "Dockerfile"
    assert sorted(m[0] for m in LIST_ARG.finditer(dockerfile.read_text())) == sorted(lines.values())

    for release in ("0.2.0", "0.3.0"):
        update_project(project, vcs_ref=release)
        assert conflicted_files(project) == []
        assert rej_files(project) == []
        text = dockerfile.read_text()
        assert sorted(m[0] for m in LIST_ARG.finditer(text)) == sorted(lines.values()), release
        assert NEW_ENV_LINES in text  # the template's own change arrived too
        assert "psycopg[c]" in (project / "pyproject.toml").read_text()
        commit_all(project, f"update to {release}", allow_empty=True)
