"""Update tier: the rendered template-update workflow's shell steps, run here as written.

A service is rendered from a tagged template repository, its `.github/workflows/template-update.yml`
is read, and the `update` job's steps run in the service (real `copier check-update`, `copier
update`, `uv lock`, git); the patch they hand over is applied in a fresh clone, where the
`pull-request` job's steps describe the pull request. GitHub's own steps (checkout, artifacts,
create-pull-request) are what the test does itself. The organisation's defaults file is served
over HTTP on 127.0.0.1, or committed in the service, as the answer names it.
"""

from __future__ import annotations

import functools
import http.server
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.support.commands import git, run
from tests.support.releases import TemplateRepo, commit_all, render_release, snapshot
from tests.support.workflow_steps import JobRun, workflow_jobs

pytestmark = pytest.mark.update

WORKFLOW = Path(".github/workflows/template-update.yml")
MIRROR = "registry.example.com/ghcr"
DEV_TOOL = ('    "pytest>=8",\n', '    "pytest>=8",\n    "pytest-cov>=5",\n')


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served over HTTP on 127.0.0.1, and its URL."""
    folder = tmp_path / "served"
    folder.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def template_at(tmp_path: Path) -> TemplateRepo:
    template = TemplateRepo(tmp_path / "template")
    template.put(snapshot())
    template.commit("the template now", tag="1.0.0")
    return template


def checkout(service: Path, where: Path) -> Path:
    """What actions/checkout gives a job: a fresh clone with the whole history."""
    run(["git", "clone", "--quiet", str(service), str(where)])
    return where


def run_update_job(service: Path, tmp_path: Path) -> JobRun:
    """The `update` job's steps in a checkout, with this tooling venv's uv and uvx."""
    job = workflow_jobs(service / WORKFLOW)["update"]
    (tmp_path / "runner").mkdir(parents=True)
    path = f"{Path(sys.executable).parent}:{os.environ['PATH']}"
    work = checkout(service, tmp_path / "update")
    return JobRun(job, work, tmp_path / "runner", extra_env={"PATH": path}).run()


def run_pull_request_job(service: Path, tmp_path: Path) -> JobRun:
    """The `pull-request` job's steps in a checkout, the update job's files in its runner_temp;
    then the pull request is merged into the service."""
    job = workflow_jobs(service / WORKFLOW)["pull-request"]
    work = checkout(service, tmp_path / "pull-request")
    pull_request = JobRun(job, work, tmp_path / "runner").run()
    commit_all(work, "the pull request")
    git("pull", "--quiet", "--no-rebase", str(work), "main", cwd=service)
    return pull_request


def body(tmp_path: Path) -> str:
    return (tmp_path / "runner" / "pull-request.md").read_text()


CLEAN = {"title": "Update from the copier-uv-docker template", "draft": "false", "labels": ""}


def test_organisation_defaults_and_a_release_reach_the_service_relocked(
    tmp_path: Path, served: tuple[Path, str]
) -> None:
    folder, url = served
    defaults = folder / "organisation-defaults.yml"
    defaults.write_text("author_name: Payments Team\n")
    template = template_at(tmp_path)
    answers = {"organisation_defaults": f"{url}/organisation-defaults.yml"}
    service = render_release(
        template, tmp_path / "service", vcs_ref="1.0.0",
        data=answers | yaml.safe_load(defaults.read_text()),
    )  # fmt: skip

    # Nothing new: no pull request.
    update = run_update_job(service, tmp_path / "week1")
    assert update.outputs("check") == {"outdated": "false"}
    assert update.outputs("patch") == {"changed": "false"}

    # The organisation moves to a mirror, with no template release: it reaches the service.
    defaults.write_text(f"author_name: Payments Team\nghcr_mirror: {MIRROR}\n")
    update = run_update_job(service, tmp_path / "week2")
    assert update.outputs("check") == {"outdated": "false"}
    assert update.outputs("apply") == {"conflicts": "false"}
    assert update.outputs("patch") == {"changed": "true"}
    assert run_pull_request_job(service, tmp_path / "week2").outputs("describe") == CLEAN
    assert f"{MIRROR}/astral-sh/uv:" in (service / "Dockerfile").read_text()
    assert yaml.safe_load((service / ".copier-answers.yml").read_text())["ghcr_mirror"] == MIRROR

    # A release adds a dev tool: the update job merges it and locks again.
    template.edit("template/pyproject.toml.jinja", *DEV_TOOL)
    template.commit("a new dev tool", tag="1.1.0")
    update = run_update_job(service, tmp_path / "week3")
    assert update.outputs("check") == {"outdated": "true"}
    assert update.outcome("Re-lock after a clean merge") == "success"
    assert run_pull_request_job(service, tmp_path / "week3").outputs("describe") == CLEAN
    assert "uv.lock is locked again" in body(tmp_path / "week3")
    assert "pytest-cov" in (service / "pyproject.toml").read_text()
    assert 'name = "pytest-cov"' in (service / "uv.lock").read_text()
    run(["uv", "lock", "--check", "--offline"], cwd=service)
    assert f"{MIRROR}/astral-sh/uv:" in (service / "Dockerfile").read_text()


def test_conflicts_make_a_draft_that_names_the_files(tmp_path: Path) -> None:
    template = template_at(tmp_path)
    data_file = ".github/organisation-defaults.yml"
    service = render_release(
        template, tmp_path / "service", vcs_ref="1.0.0", data={"organisation_defaults": data_file}
    )
    (service / data_file).write_text(f"ghcr_mirror: {MIRROR}\n")
    ignore = service / ".dockerignore"
    ignore.write_text(ignore.read_text().replace("*.swp\n", "*.swp\n*.bak\n", 1))
    commit_all(service, "the team's own ignore rule, and the organisation's defaults")
    template.edit("template/.dockerignore", "*.swp\n", "*.swp\n*.orig\n")
    template.commit("the template's ignore rule", tag="1.1.0")

    update = run_update_job(service, tmp_path)
    assert update.outputs("apply") == {"conflicts": "true"}
    assert update.outcome("Re-lock after a clean merge") == "skipped"
    assert update.outputs("patch") == {"changed": "true"}
    assert run_pull_request_job(service, tmp_path).outputs("describe") == {
        "title": "Update from the copier-uv-docker template (conflicts to resolve)",
        "draft": "true",
        "labels": "template-update-conflicts",
    }
    assert "\n- `.dockerignore`\n" in body(tmp_path)
    assert "<<<<<<< before updating" in (service / ".dockerignore").read_text()
    # The data file committed in the service was passed: its mirror arrived with the release.
    assert f"{MIRROR}/astral-sh/uv:" in (service / "Dockerfile").read_text()


def test_without_organisation_defaults_a_release_still_arrives(tmp_path: Path) -> None:
    template = template_at(tmp_path)
    service = render_release(template, tmp_path / "service", vcs_ref="1.0.0")
    text = (service / WORKFLOW).read_text()
    assert "organisation" not in text.lower()
    assert "data-file" not in text
    update = run_update_job(service, tmp_path / "week1")
    assert update.outputs("check") == {"outdated": "false"}
    assert update.outcome("apply") == "skipped"
    template.edit("template/pyproject.toml.jinja", *DEV_TOOL)
    template.commit("a new dev tool", tag="1.1.0")
    update = run_update_job(service, tmp_path / "week2")
    assert update.outputs("apply") == {"conflicts": "false"}
    assert run_pull_request_job(service, tmp_path / "week2").outputs("describe") == CLEAN
    run(["uv", "lock", "--check", "--offline"], cwd=service)
