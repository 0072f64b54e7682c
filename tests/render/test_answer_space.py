"""Render tier: every answer set the questions accept renders a project that passes what its
own CI checks (ruff check, ruff format --check, hadolint, shellcheck), whose TOML, YAML and
JSON parse, whose pyproject.toml is valid PEP 621 metadata, with no Jinja left, and whose files
all reach a fresh clone (git add -A) and the image's build context (.dockerignore).

A property over the whole answer space (tests/support/answer_space.py), not a list of variants. Each
defect found is pinned below as an `@example`, so it is checked first on every run; under
CI=true the run is derandomised and draws 200 answer sets (tests/support/hypothesis_profiles.py).
"""

from __future__ import annotations

import shutil
from typing import Any

import pytest
from hypothesis import example, given, settings

from scripts.copier_questions import is_templated
from tests.support.answer_space import accepted_answers
from tests.support.ci_checks import (
    ci_failures,
    jinja_compiles_memoised,
    render,
    report,
    template_snapshot,
)
from tests.support.fresh_clone import left_out_of_a_clone, left_out_of_the_build_context
from tests.support.hypothesis_profiles import record_examples
from tests.support.variants import copier_questions, default_of


@pytest.fixture(scope="session")
def template(tmp_path_factory):
    return template_snapshot(tmp_path_factory.mktemp("template"))


def answer_set(**changes: Any) -> dict[str, Any]:
    """copier.yml's defaults, with `changes`: a whole answer set for an `@example`."""
    # Not the questions asked only after another answer: Copier validates any answer given.
    # Nor a default computed from other answers: Copier computes it.
    asked_later = {"catalog_owner", "package_index_url"}
    answers = {
        name: default_of(name)
        for name in copier_questions()
        if name not in asked_later and not is_templated(default_of(name))
    }
    return answers | changes


LONG_NAME = "invoice-reconciliation-for-all-regions-and-tenants"  # 50 characters
LOOK_ALIKES = "Reconciles invoices \u2013 it\u2019s \u2139 "  # an en dash, a quote, an info sign
SWITCHES_OFF = {
    "use_compose": False,
    "use_run_script": False,
    "use_pre_commit": False,
    "use_ci": False,
    "use_devcontainer": False,
}


@settings(deadline=None)
@given(answers=accepted_answers())
# Defect 1: cli names of 1-9 characters were reformatted; cli names of 26+ and web names of 20+
# characters broke E501.
@example(answers=answer_set(project_name="b", service_kind="cli"))
@example(answers=answer_set(project_name="billing", service_kind="cli"))
@example(answers=answer_set(project_name="a" * 26, service_kind="cli"))
@example(answers=answer_set(project_name="invoice-reconciliation"))
@example(answers=answer_set(project_name=LONG_NAME, service_kind="cli", use_workspace=True))
# Defect 2: descriptions over 94 characters, and look-alike characters, in the docstring.
@example(answers=answer_set(description=LOOK_ALIKES + "x" * 120 + " $HOME"))
# Defect 6: a non-Latin author name gave the catalog owner `group:`.
@example(answers=answer_set(author_name="张伟", use_catalog_info=True))
# Defect 7: with the CA secret off and files switched off, the README and Dockerfile text.
@example(answers=answer_set(ca_certificate_secret=False, **SWITCHES_OFF))
@example(answers=answer_set(ca_certificate_secret=True, use_compose=False))
# YAML reads `yes` and `1e3` as other types; Jinja-looking text stays text.
@example(answers=answer_set(project_name="yes", use_catalog_info=True, catalog_owner="1e3"))
@example(answers=answer_set(description="{{ x }} {% raw %}", author_email="a{{b}}@x.io"))
# Found by Hypothesis in the checker: a short answer ("0") cut through the escaped description.
@example(answers=answer_set(description="O'Brien $(id) %} a", ghcr_mirror="a"))
# Found by Hypothesis in the checker: docker-bake.hcl writes `${` as `$${` (HCL's escape).
@example(answers=answer_set(author_name="a a aaa ${PATH} {% raw %}", ghcr_mirror="a.b"))
# Issue 22: names ignore files, YAML and tools also use; hosts and ports at their bounds.
@example(answers=answer_set(project_name="build", use_workspace=True))
@example(answers=answer_set(project_name="id-rsa-rotator", service_kind="cli"))
@example(answers=answer_set(project_name="null", dockerhub_mirror="255.255.255.255:65535/hub"))
@example(answers=answer_set(package_index_name="corp", package_index_url="http://10.0.0.1:1/"))
def test_every_accepted_answer_set_renders_a_clean_project(
    answers, template, tmp_path_factory
) -> None:
    record_examples("accepted answer sets rendered and checked")
    work = tmp_path_factory.mktemp("answers")
    project = work / "project"
    with jinja_compiles_memoised():
        render(template, project, answers)  # an accepted answer must not be refused
    try:
        failures = ci_failures([(project, answers)])
        assert not failures, report(failures)
        # What a fresh clone and the image build get: every file but the workflows' folder.
        assert left_out_of_a_clone(project) == set()
        lacking = left_out_of_the_build_context(project)
        assert {path for path in lacking if not path.startswith(".github/")} == set()
    finally:
        shutil.rmtree(work)
