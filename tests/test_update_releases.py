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

from tests.conftest import skip_or_fail
from tests.expected_files import expected_files
from tests.rendering import run
from tests.template_repo import (
    TemplateRepo,
    commit_all,
    conflicted_files,
    copy_project,
    edit_file,
    git,
    project_files,
    rej_files,
    releases,
    snapshot,
    update_project,
)
from tests.variants import TEMPLATE_ROOT, VARIANTS_BY_ID

pytestmark = pytest.mark.update

MARKER = "# copier-uv-docker update test: this line comes from the newer commit\n"
#: Variants each release is rendered with before updating: the defaults and one of each kind.
UPDATED_VARIANTS = ["defaults", "cli-uv-image", "switches-off"]


def commit_exists(commit: str) -> bool:
    probe = run(["git", "cat-file", "-e", f"{commit}^{{commit}}"], cwd=TEMPLATE_ROOT, check=False)
    return probe.returncode == 0


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> TemplateRepo:
    """Every release, tagged, then the template now plus one change (untagged HEAD)."""
    template = TemplateRepo(tmp_path_factory.mktemp("history") / "template")
    for version, commit in releases().items():
        if commit != "HEAD" and not commit_exists(commit):
            skip_or_fail(
                f"release {version}'s commit {commit} is not in this clone (fetch-depth 0)"
            )
        template.put(snapshot(commit))
        template.commit(f"release {version}", tag=version)
    template.put(snapshot("HEAD"))
    template.write("template/.gitignore", template.read("template/.gitignore") + MARKER)
    template.commit("the template now, plus one change")
    return template


@pytest.mark.parametrize("variant_id", UPDATED_VARIANTS)
@pytest.mark.parametrize("version", list(releases()))
def test_release_updates_cleanly_to_head(
    history: TemplateRepo, tmp_path: Path, version: str, variant_id: str
) -> None:
    variant = VARIANTS_BY_ID[variant_id]
    project = copy_project(history, tmp_path / "project", vcs_ref=version, data=variant.answers)
    package = "my_service"
    edit_file(project / "README.md", lambda text: text + "\n## Our notes\n")
    (project / "src" / package / "rules.py").write_text('"""Our own module."""\n')
    commit_all(project, "our changes")

    update_project(project, vcs_ref="HEAD")

    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_commit"].startswith(f"{list(releases())[-1]}-"), answers["_commit"]
    assert (project / ".gitignore").read_text().endswith(MARKER)
    assert (project / "README.md").read_text().endswith("## Our notes\n")
    assert (project / "src" / package / "rules.py").is_file()
    assert rej_files(project) == []
    assert conflicted_files(project) == []
    expected = expected_files(variant, answers) | {"uv.lock", f"src/{package}/rules.py"}
    assert project_files(project) == expected
    run(["uv", "lock", "--check", "--offline"], cwd=project)
    assert "<<<<<<<" not in git("diff", "HEAD", cwd=project)
