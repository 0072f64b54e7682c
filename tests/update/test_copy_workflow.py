"""Update tier: the service the Backstage Template's workflow creates can be updated.

The Template's dispatch step renders the form's values into the workflow's `answers` input as
Backstage's scaffolder does (nunjucks, tests/tools/backstage.mjs). The copy steps of
.github/workflows/copier-copy.yml then run as written (bash, their own environment) on a tagged
git repository of the template reached through a git URL. `gh` (GitHub's CLI, which only sets
up git's credentials there) is a no-op here; the push step is GitHub's and not run. The
service's answers keep `_src_path` (the git URL) and `_commit` (the release), and
`copier update` to a newer release then works.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.backstage_node import Backstage, missing
from tests.support.ci import skip_or_fail
from tests.support.commands import git
from tests.support.releases import TemplateRepo, commit_all, release_commits, snapshot
from tests.support.rendering import update_project
from tests.support.variants import TEMPLATE_ROOT, copier_questions
from tests.support.workflow_steps import expression

pytestmark = pytest.mark.update

WORKFLOW = TEMPLATE_ROOT / ".github" / "workflows" / "copier-copy.yml"
BACKSTAGE_TEMPLATE = TEMPLATE_ROOT / "catalog-info.yaml"
ORG_DEFAULTS = TEMPLATE_ROOT / "docs" / "organisation-defaults.example.yml"
COPY_STEPS = ("Write the answers file", "copier copy from the template's git URL at the release")


def test_the_workflow_copies_from_the_git_url_and_the_service_updates(tmp_path: Path) -> None:
    release = list(release_commits())[-1]
    server = tmp_path / "server"
    template = TemplateRepo(server / "org" / "copier-uv-docker.git")
    template.put(snapshot())
    template.commit("release", tag=release)
    if reason := missing():
        skip_or_fail(reason)
    # What a user submits: the form's top-level defaults, the organisation's, a name.
    entity = yaml.safe_load(BACKSTAGE_TEMPLATE.read_text())
    defaults = {
        name: field["default"]
        for page in entity["spec"]["parameters"]
        for name, field in page["properties"].items()
        if "default" in field
    }
    chosen = yaml.safe_load(ORG_DEFAULTS.read_text()) | {"project_name": "billing-api"}
    dispatch = entity["spec"]["steps"][0]["input"]["workflowInputs"]
    backstage = Backstage()
    try:
        answers_input = backstage.render(dispatch["answers"], defaults | chosen)
        release_input = backstage.render(dispatch["release"], defaults | chosen)
    finally:
        backstage.close()
    assert isinstance(answers_input, str), "workflow inputs are strings"
    assert release_input == release
    answers = json.loads(answers_input)
    assert set(answers) <= set(copier_questions()), "only Copier's questions reach Copier"

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text("#!/bin/sh\nexit 0\n")
    (bin_dir / "gh").chmod(0o755)
    runner_temp = tmp_path / "runner"
    runner_temp.mkdir()
    context = {
        "inputs.answers": answers_input,
        "inputs.release": release,
        "inputs.repository": "org/billing-api",
        "github.server_url": f"file://{server}",
        "github.repository": "org/copier-uv-docker",
        "secrets.SERVICE_REPOSITORY_TOKEN": "unused-here",
    }
    job = yaml.safe_load(WORKFLOW.read_text())["jobs"]["copy"]
    steps = {step.get("name"): step for step in job["steps"]}
    for name in COPY_STEPS:
        step = steps[name]
        env = {k: expression(str(v), context) for k, v in {**job["env"], **step["env"]}.items()}
        result = subprocess.run(
            ["bash", "-eo", "pipefail", "-c", step["run"]],
            env={
                **os.environ, **env, "RUNNER_TEMP": str(runner_temp),
                # uv and uvx: this tooling venv's (the workflow installs the same version).
                "PATH": f"{bin_dir}:{Path(sys.executable).parent}:{os.environ['PATH']}",
            },
            capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        assert result.returncode == 0, (name, result.stdout[-3000:], result.stderr[-3000:])

    service = runner_temp / "service"
    recorded = yaml.safe_load((service / ".copier-answers.yml").read_text())
    assert recorded["_src_path"] == f"file://{server}/org/copier-uv-docker.git"
    assert recorded["_commit"] == release
    for question, value in chosen.items():
        assert recorded[question] == value, question
    assert git("log", "--oneline", cwd=service).strip(), "the task made the first commit"

    # A newer release of the template reaches the service through its recorded git URL.
    template.write("template/NEWS.md", "A file the newer release adds.\n")
    template.commit("newer", tag="99.0.0")
    update_project(service, vcs_ref="99.0.0")
    assert (service / "NEWS.md").read_text() == "A file the newer release adds.\n"
    assert yaml.safe_load((service / ".copier-answers.yml").read_text())["_commit"] == "99.0.0"
    commit_all(service, "update")
