"""Update tier: a service made before the Dockerfile was rewritten (issue 20), when its one
`template/Dockerfile.jinja` rendered 15 stages, and edited by its team, updates to the three
layout sources of today.

The old release is the template at OLD_TEMPLATE (main before the rewrite), the new one the
template now, both committed and tagged in a temporary repository. The team's edits: a LABEL
at the end, an ENV line, its system-package list, and the HEALTHCHECK's interval. The update
(turning on system_packages, which keeps the list) merges the first three and marks the fourth
inline, where the template's HEALTHCHECK itself changed; CHANGELOG.md says so.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.commands import git
from tests.support.releases import (
    TemplateRepo,
    commit_all,
    commit_exists,
    conflicted_files,
    edit_file,
    render_release,
    snapshot,
)
from tests.support.rendering import update_project
from tests.support.update_scenario import NEW_ENV_LINES, OLD_ENV_LINE

#: main before the rewrite: template/Dockerfile.jinja, 207 lines for the defaults.
OLD_TEMPLATE = "1f6d9fb05540ea7deb366b0d1b1337267a9eaba4"
LABEL = 'LABEL com.example.team="payments"\n'


def test_an_edited_service_keeps_its_edits_and_sees_one_conflict(tmp_path: Path) -> None:
    if not commit_exists(OLD_TEMPLATE):
        pytest.fail(f"{OLD_TEMPLATE} is not in this clone (fetch-depth 0)")
    template = TemplateRepo(tmp_path / "template")
    template.put(snapshot(OLD_TEMPLATE))
    template.commit("before the rewrite", tag="0.2.0")
    template.put(snapshot("HEAD"))
    template.commit("the Dockerfile rewritten", tag="0.3.0")

    project = render_release(template, tmp_path / "project", vcs_ref="0.2.0")
    dockerfile = project / "Dockerfile"
    assert "AS build-platform-python" in dockerfile.read_text()  # the old Dockerfile
    edit_file(dockerfile, lambda text: text + LABEL)
    edit_file(dockerfile, lambda text: text.replace(OLD_ENV_LINE, NEW_ENV_LINES, 1))
    edit_file(
        dockerfile, lambda text: text.replace('RUNTIME_PACKAGES=""', 'RUNTIME_PACKAGES="libpq5"')
    )
    edit_file(dockerfile, lambda text: text.replace("--interval=10s", "--interval=30s"))
    commit_all(project, "the team's edits")

    update_project(project, vcs_ref="0.3.0", data={"system_packages": True})

    text = dockerfile.read_text()
    assert "AS build-platform-python" not in text  # the new Dockerfile
    # Merged: the LABEL, the ENV line and the package list, in the new Dockerfile's lines.
    assert text.endswith(LABEL)
    assert NEW_ENV_LINES in text
    assert 'ARG RUNTIME_PACKAGES="libpq5"\n' in text
    # Marked: the HEALTHCHECK the template rewrote as one line, the team's beside it.
    assert conflicted_files(project) == ["Dockerfile"]
    ours, theirs = text.split("<<<<<<< before updating\n", 1)[1].split("=======\n", 1)
    assert "HEALTHCHECK --interval=30s" in ours
    assert "HEALTHCHECK --interval=10s --timeout=5s --start-period=10s CMD" in theirs
    assert text.count("<<<<<<<") == 1, text
    assert "Dockerfile" in git("status", "--short", cwd=project)
