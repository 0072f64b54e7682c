"""The update tier: every test in this folder carries the `update` marker; its fixtures."""

from __future__ import annotations

import pytest

from tests.support.ci import skip_or_fail
from tests.support.releases import (
    NEWER_COMMIT_LINE,
    TemplateRepo,
    commit_exists,
    release_commits,
    snapshot,
)


def pytest_itemcollected(item: pytest.Item) -> None:
    # A hook of this folder's conftest: pytest calls it for the items under this folder only.
    item.add_marker(pytest.mark.update)


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> TemplateRepo:
    """Every release of RELEASES.toml, tagged, then the template now plus one change (HEAD)."""
    template = TemplateRepo(tmp_path_factory.mktemp("history") / "template")
    for version, commit in release_commits().items():
        if commit != "HEAD" and not commit_exists(commit):
            skip_or_fail(
                f"release {version}'s commit {commit} is not in this clone (fetch-depth 0)"
            )
        template.put(snapshot(commit))
        template.commit(f"release {version}", tag=version)
    template.put(snapshot("HEAD"))
    template.write("template/.gitignore", template.read("template/.gitignore") + NEWER_COMMIT_LINE)
    template.commit("the template now, plus one change")
    return template
