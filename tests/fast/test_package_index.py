"""A private package index: the answers are validated, and its credentials reach the uv steps of
the build as BuildKit secrets only (the real build is in tests/docker/test_private_index.py)."""

from __future__ import annotations

import re
import tomllib

import copier
import pytest
import yaml

from tests.support.bad_answers import BAD_INDEX_ANSWERS
from tests.support.dockerfile import instructions, uv_steps
from tests.support.rendering import RenderedProject
from tests.support.variants import TEMPLATE_ROOT, VARIANTS_BY_ID

VARIANT = VARIANTS_BY_ID["private-index"]
NAME = VARIANT.answer("package_index_name")
ENV = "UV_INDEX_" + NAME.upper().replace("-", "_")
MOUNTS = ("--mount=type=secret,id=uv-index-username", "--mount=type=secret,id=uv-index-password")


@pytest.mark.parametrize(("answers", "message"), BAD_INDEX_ANSWERS)
def test_a_bad_index_answer_is_refused(tmp_path, answers, message) -> None:
    with pytest.raises(ValueError, match="question") as refused:
        copier.run_copy(
            str(TEMPLATE_ROOT), tmp_path / "project", data=answers, defaults=True,
            vcs_ref="HEAD", skip_tasks=True, quiet=True, settings=copier.Settings(),
        )  # fmt: skip
    assert message in str(refused.value)
    assert not (tmp_path / "project" / "pyproject.toml").exists(), "nothing may be written"


@pytest.fixture(scope="module")
def project(render) -> RenderedProject:
    return render(VARIANT)


def test_pyproject_declares_the_index_explicit(project: RenderedProject) -> None:
    config = tomllib.loads(project.read("pyproject.toml"))
    assert config["tool"]["uv"]["index"] == [
        {"name": NAME, "url": VARIANT.answer("package_index_url"), "explicit": True}
    ]


def test_the_index_secrets_reach_the_uv_steps_only(project: RenderedProject) -> None:
    dockerfile = project.read("Dockerfile")
    lines = instructions(dockerfile)
    steps = uv_steps(dockerfile)
    assert steps
    for step in steps:
        for mount in MOUNTS:
            assert mount in step, step
        for part in ("USERNAME", "PASSWORD"):
            assert f"{ENV}_{part}=$(cat /run/secrets/uv-index-{part.lower()})" in step, step
    others = [line for line in lines if line not in steps and not line.startswith("#")]
    assert not [line for line in others if "uv-index" in line or ENV in line]
    assert not re.search(rf"^(ENV|ARG) .*{ENV}", dockerfile, re.MULTILINE)


def test_compose_run_script_and_ci_pass_the_credentials(project: RenderedProject) -> None:
    compose = yaml.safe_load(project.read("compose.yaml"))
    build_secrets = compose["services"]["app"]["build"]["secrets"]
    assert build_secrets == ["uv-index-username", "uv-index-password"]
    assert compose["secrets"]["uv-index-password"] == {"environment": f"{ENV}_PASSWORD"}
    assert compose["secrets"]["uv-index-username"] == {"environment": f"{ENV}_USERNAME"}
    run_sh = project.read("run.sh")
    assert f"--secret id=uv-index-password,env={ENV}_PASSWORD" in run_sh
    ci = yaml.safe_load(project.read(".github/workflows/ci.yml"))
    secret = f"${{{{ secrets.{ENV}_PASSWORD }}}}"
    for name in ("lint", "test"):
        assert ci["jobs"][name]["env"][f"{ENV}_PASSWORD"] == secret
    image = ci["jobs"]["image"]
    assert "env" not in image, "the scanning actions get no credentials"
    builds = [s for s in image["steps"] if "docker buildx bake" in s.get("run", "")]
    assert len(builds) == 2
    for step in builds:
        assert step["env"][f"{ENV}_PASSWORD"] == secret
    others = [s for s in image["steps"] if s not in builds]
    assert not [s for s in others if ENV in str(s)]
    # The bake file hands them to the build as BuildKit secrets, as run.sh does.
    bake = project.read("docker-bake.hcl")
    assert f'"id=uv-index-password,env={ENV}_PASSWORD"' in bake
    release = yaml.safe_load(project.read(".github/workflows/release.yml"))
    (bake_step,) = [s for s in release["jobs"]["image"]["steps"] if s.get("id") == "bake"]
    assert bake_step["env"][f"{ENV}_PASSWORD"] == secret


def test_without_the_answer_nothing_mentions_an_index(render) -> None:
    project = render(VARIANTS_BY_ID["defaults"])
    for name in (
        "Dockerfile", "compose.yaml", "run.sh", "docker-bake.hcl",
        ".github/workflows/ci.yml", ".github/workflows/release.yml",
    ):  # fmt: skip
        assert "uv-index" not in project.read(name), name
        assert "UV_INDEX" not in project.read(name), name
    assert "tool.uv.index" not in project.read("pyproject.toml")
