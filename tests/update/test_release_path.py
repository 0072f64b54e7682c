"""Update tier: from the previous release to the newest one in RELEASES.toml, the way a service
owner goes: an edited service, the update commands of its own README typed in a terminal
(every question answered with Enter), then the conflict resolved.

Every owner edit the template did not also make survives; the one line both changed comes
back as a conflict that the after-update step names and git shows unmerged; the newest
release's files arrive; nothing else holds conflict markers; the lock stays current.
tests/docker/test_release_path_builds.py builds and runs the updated services.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.support.commands import git, run
from tests.support.expected_files import expected_files
from tests.support.release_path import (
    NEW_DEPENDENCY,
    OwnedService,
    follow_readme_update,
    own_service,
    readme_update_commands,
    run_in_terminal,
    take_the_templates_side,
    unmerged,
)
from tests.support.releases import TemplateRepo, has_markers, rej_files, release_commits
from tests.support.rendering import project_files
from tests.support.variants import VARIANTS_BY_ID

RELEASES = list(release_commits())
#: The release paths under test: every earlier release to the newest (the one before the
#: newest where a test takes one path).
OLD, NEW = RELEASES[-2:]
EARLIER = RELEASES[:-1]
#: The defaults, and another layout and kind.
PATH_VARIANTS = ["defaults", "cli-uv-image"]
INDEX = {"package_index_name": "corp", "package_index_url": "https://pkgs.example.com/simple/"}


def check_owner_edits(service: OwnedService) -> None:
    for name, text in service.kept.items():
        assert text in (service.path / name).read_text(), f"the owner's edit of {name} is gone"
    pyproject = tomllib.loads((service.path / "pyproject.toml").read_text())
    assert any(dep.startswith(NEW_DEPENDENCY) for dep in pyproject["project"]["dependencies"])
    assert f'name = "{NEW_DEPENDENCY}"' in (service.path / "uv.lock").read_text()


def check_conflicts_reported(service: OwnedService, output: str) -> None:
    conflicted = sorted(service.conflicting)
    assert unmerged(service.path) == conflicted
    assert re.search(rf"update: conflicts in {', '.join(map(re.escape, conflicted))}:", output)
    for name, line in service.conflicting.items():
        text = (service.path / name).read_text()
        assert has_markers(text)
        assert line in text.split("=======")[0], f"the owner's side of {name} is missing"
    others = project_files(service.path) - set(conflicted)
    assert [n for n in sorted(others) if has_markers((service.path / n).read_text())] == []
    assert rej_files(service.path) == []


def resolve(service: OwnedService) -> None:
    for name in service.conflicting:
        take_the_templates_side(service.path / name)
    git("add", "--all", cwd=service.path)
    git("commit", "--quiet", "-m", "update: the template's side of the conflicts", cwd=service.path)


@pytest.mark.parametrize("variant_id", PATH_VARIANTS)
@pytest.mark.parametrize("old", EARLIER)
def test_an_edited_service_follows_its_readme_to_the_newest_release(
    history: TemplateRepo, tmp_path: Path, old: str, variant_id: str
) -> None:
    variant = VARIANTS_BY_ID[variant_id]
    service = own_service(history, tmp_path, variant, old, NEW)

    said, merged = follow_readme_update(service.path)

    assert NEW in said, said[-2000:]  # check-update names the newer release
    answers = yaml.safe_load((service.path / ".copier-answers.yml").read_text())
    assert answers["_commit"] == NEW
    check_owner_edits(service)
    check_conflicts_reported(service, merged)
    assert expected_files(variant, answers) <= project_files(service.path)
    resolve(service)
    run(["uv", "lock", "--check", "--offline"], cwd=service.path)
    assert git("status", "--porcelain", cwd=service.path) == ""


def test_turning_on_a_feature_of_the_newest_release_keeps_the_owners_edits(
    history: TemplateRepo, tmp_path: Path
) -> None:
    variant = VARIANTS_BY_ID["defaults"]
    service = own_service(history, tmp_path, variant, OLD, NEW)
    # The README's way of changing an answer, with this feature's answers.
    example = next(c for c in readme_update_commands(service.path) if " -d " in c)
    data = " ".join(f"-d {key}={value}" for key, value in INDEX.items())
    command = re.sub(r"(?: -d \S+)+", " " + data, example)

    status, merged = run_in_terminal(service.path, command)

    assert status == 0, merged[-3000:]
    answers = yaml.safe_load((service.path / ".copier-answers.yml").read_text())
    assert answers["_commit"] == NEW
    assert {key: answers[key] for key in INDEX} == INDEX
    indexes = tomllib.loads((service.path / "pyproject.toml").read_text())["tool"]["uv"]["index"]
    assert [(i["name"], i["url"]) for i in indexes] == [tuple(INDEX.values())]
    check_owner_edits(service)
    check_conflicts_reported(service, merged)
