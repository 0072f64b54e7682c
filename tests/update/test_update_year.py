"""Update tier: a short year of template releases leaves no needless conflict in an edited service.

The releases and the team's edits of tests/support/update_year.py (benchmarks/update_year.py
runs the whole year for three services and prints it): the template's tool version bumps, its
new dev tool and a Dockerfile improvement, against a team that added runtime and dev
dependencies, set its line length, and edited the README, a route and the Dockerfile. None of
the releases changes a setting the team changed, so no update may conflict; the team's edits
and the template's changes are both there at the end, and the lock is current. A release that
changes the line length the team set too conflicts in that one file.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tests.support.commands import run
from tests.support.update_year import (
    RELEASES,
    bump_tools,
    dockerfile_improvement,
    new_dev_tool,
    new_line_length,
    simulate,
)

pytestmark = pytest.mark.update

SHORT_YEAR = tuple(
    r for r in RELEASES if r.change in {bump_tools, new_dev_tool, dockerfile_improvement}
)


def test_a_year_of_releases_never_conflicts_with_the_teams_own_settings(tmp_path: Path) -> None:
    assert len(SHORT_YEAR) == 3
    year = simulate(tmp_path, releases=SHORT_YEAR, variants=("defaults",))
    assert [(o.release.version, o.conflicts) for o in year.outcomes] == [
        (release.version, []) for release in SHORT_YEAR
    ]
    service = tmp_path / "defaults"
    pyproject = tomllib.loads((service / "pyproject.toml").read_text())
    # The team's settings, as the team left them.
    assert any(d.startswith("rich") for d in pyproject["project"]["dependencies"])
    assert any(str(d).startswith("pytest-asyncio") for d in pyproject["dependency-groups"]["dev"])
    assert pyproject["tool"]["ruff"]["line-length"] == 120
    assert "## Team notes" in (service / "README.md").read_text()
    dockerfile = (service / "Dockerfile").read_text()
    assert "# Payments team:" in dockerfile
    if "ARG RUNTIME_PACKAGES=" in dockerfile:  # the Dockerfile's system package lists
        assert 'ARG RUNTIME_PACKAGES="libpq5"' in dockerfile
    # The template's changes, arrived.
    tools = pyproject["dependency-groups"]["template"]
    assert "pytest-cov>=5" in tools
    assert "ruff>=0.15.1" in tools
    assert "ENV PYTHONFAULTHANDLER=1" in dockerfile
    run(["uv", "lock", "--check", "--offline"], cwd=service)


def test_the_one_setting_both_changed_conflicts_in_its_own_file(tmp_path: Path) -> None:
    """The measurement can see a conflict: where the release changes the line length the team
    set too, the update conflicts in pyproject.toml, and only there."""
    (release,) = [r for r in RELEASES if r.change is new_line_length]
    year = simulate(tmp_path, releases=(release,), variants=("defaults",))
    (outcome,) = year.outcomes
    assert outcome.conflicts == ["pyproject.toml"]
    assert outcome.needless() == []
    # Resolved as the team would, keeping its own side.
    pyproject = tomllib.loads((tmp_path / "defaults" / "pyproject.toml").read_text())
    assert pyproject["tool"]["ruff"]["line-length"] == 120
