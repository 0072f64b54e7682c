"""Update tier: every release listed in RELEASES.toml updates cleanly to the template now.

This test grows by itself: each new release is one more line in RELEASES.toml. The releases
are committed and tagged in a temporary repository from this repository's commits ("HEAD":
the working tree), since tags may not reach a fresh CI clone. The update target is the
template now plus one small change (a "HEAD+1" commit), so even while the only release is the
current state, a real update runs from the release's tag to a newer commit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.support.commands import run
from tests.support.expected_files import expected_files
from tests.support.releases import (
    NEWER_COMMIT_LINE,
    TemplateRepo,
    commit_all,
    conflicted_files,
    edit_file,
    has_markers,
    rej_files,
    release_commits,
    render_release,
)
from tests.support.rendering import project_files, update_project
from tests.support.variants import VARIANTS_BY_ID

#: Variants each release is rendered with before updating: the defaults and one of each kind.
UPDATED_VARIANTS = ["defaults", "cli-uv-image", "switches-off"]


@pytest.mark.parametrize("variant_id", UPDATED_VARIANTS)
@pytest.mark.parametrize("version", list(release_commits()))
def test_release_updates_cleanly_to_head(
    history: TemplateRepo, tmp_path: Path, version: str, variant_id: str
) -> None:
    variant = VARIANTS_BY_ID[variant_id]
    project = render_release(history, tmp_path / "project", vcs_ref=version, data=variant.answers)
    package = "my_service"
    edit_file(project / "README.md", lambda text: text + "\n## Our notes\n")
    (project / "src" / package / "rules.py").write_text('"""Our own module."""\n')
    commit_all(project, "our changes")

    update_project(project, vcs_ref="HEAD")

    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_commit"].startswith(f"{list(release_commits())[-1]}-"), answers["_commit"]
    assert (project / ".gitignore").read_text().endswith(NEWER_COMMIT_LINE)
    assert (project / "README.md").read_text().endswith("## Our notes\n")
    assert (project / "src" / package / "rules.py").is_file()
    assert rej_files(project) == []
    assert conflicted_files(project) == []
    expected = expected_files(variant, answers) | {"uv.lock", f"src/{package}/rules.py"}
    assert project_files(project) == expected
    run(["uv", "lock", "--check", "--offline"], cwd=project)
    marked = [name for name in project_files(project) if has_markers((project / name).read_text())]
    assert marked == []
