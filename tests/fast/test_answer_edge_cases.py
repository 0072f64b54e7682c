"""Answers at the edges, each as a new user met it (`copier copy --defaults -d KEY=VALUE` or a
data file): the render passes its lint and keeps its files, or the answer is refused with what
is allowed. Issues 8 and 22; each test failed before its fix. The properties over the whole
answer space are in tests/render/test_answer_space.py (accepted answers) and
tests/fast/test_refusals.py (refused); tests/support/bad_answers.py lists single refusals.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.ci_checks import (
    ci_failures,
    jinja_compiles_memoised,
    render,
    report,
    template_snapshot,
)
from tests.support.copier_cli import copier
from tests.support.fresh_clone import left_out_of_a_clone, left_out_of_the_build_context
from tests.support.variants import TEMPLATE_ROOT


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return template_snapshot(tmp_path_factory.mktemp("template"))


def rendered(template: Path, destination: Path, **answers) -> Path:
    with jinja_compiles_memoised():
        render(template, destination, answers)
    return destination


def copier_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return copier("copy", "--trust", "--defaults", "--skip-tasks", "-r", "HEAD", *args, cwd=cwd)


def test_every_name_length_and_kind_passes_the_generated_lint(template, tmp_path) -> None:
    # cli names of 1-9 characters were reformatted; cli 26+ and web 20+ broke E501.
    trees = []
    # The lengths around each limit that broke; the property test draws every length.
    for length in (1, 2, 9, 10, 19, 20, 25, 26, 27, 49, 50):
        name = ("billing-" * 7)[: length - 1].rstrip("-") + "z"
        name = name if len(name) == length else "b" * length
        for kind in ("web", "cli"):
            answers = {"project_name": name, "service_kind": kind, "use_workspace": length > 40}
            tree = rendered(template, tmp_path / f"{kind}-{length}", **answers)
            trees.append((tree, answers))
    assert not (failures := ci_failures(trees)), report(failures)


def test_a_long_description_with_look_alikes_passes_the_lint(template, tmp_path) -> None:
    description = "Reconciles invoices \u2013 it\u2019s \u2139 fast " + "and reliable " * 10
    tree = rendered(template, tmp_path / "p", description=description)
    failures = ci_failures([(tree, {"description": description})])
    assert not failures, report(failures)


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        pytest.param("description", "line\rreturn", id="description-CR"),
        pytest.param("description", "colour \x1b[31mred", id="description-ESC"),
        pytest.param("description", "next\x85line", id="description-C1-NEL"),
        pytest.param("description", "tab\there", id="description-tab"),
        pytest.param("author_name", "Ada\x07Lovelace", id="author-BEL"),
        pytest.param("author_name", "Ada\u2028Lovelace", id="author-line-separator"),
        pytest.param("author_email", "a\\b@example.com", id="email-backslash"),
        pytest.param("author_email", "a@example.com\n", id="email-final-newline"),
    ],
)
def test_control_characters_are_refused_with_what_is_allowed(
    template, tmp_path, question, answer
) -> None:
    with pytest.raises(ValueError, match=f"question '{question}'") as refused:
        rendered(template, tmp_path / "p", **{question: answer})
    assert re.search(r"printable characters|ASCII letters", str(refused.value))
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize(
    "name", ["secrets", "click", "anyio", "h11", "idna", "ruff", "pygments", "pydantic-core",
             "typing-extensions", "if", "class", "pydantic", "py",
             # Issue 22: uv's and the venv's names, CPython's test package, 3.15's profiling,
             # a file the ignore files leave out, a dependency's console script.
             "python", "python3", "pythonw", "activate", "test", "profiling", "id-rsa",
             "pygmentize"],
)  # fmt: skip
def test_names_that_shadow_a_module_are_refused(template, tmp_path, name) -> None:
    with pytest.raises(ValueError, match="clashes with") as refused:
        rendered(template, tmp_path / "p", project_name=name)
    assert "pick another name" in str(refused.value)


def test_a_comma_in_the_author_is_refused(template, tmp_path) -> None:
    with pytest.raises(ValueError, match="a comma would make two authors"):
        rendered(template, tmp_path / "p", author_name="Doe, Jane")


@pytest.mark.parametrize(
    "owner",
    ["team-", "group:my_ns/payments", "group:" + "a" * 64, "team:payments", "group:payments/"],
)
def test_catalog_owners_backstage_rejects_are_refused(template, tmp_path, owner) -> None:
    with pytest.raises(ValueError, match="question 'catalog_owner'"):
        rendered(template, tmp_path / "p", use_catalog_info=True, catalog_owner=owner)


@pytest.mark.parametrize("author", ["张伟", "Ülkü Öz " * 20])
def test_the_owner_derived_from_any_author_is_valid(tmp_path, author) -> None:
    result = copier_cli(
        "-d", "use_catalog_info=true", "-d", f"author_name={author}", str(TEMPLATE_ROOT), "p",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    owner = yaml.safe_load((tmp_path / "p" / "catalog-info.yaml").read_text())["spec"]["owner"]
    assert re.fullmatch(r"group:[a-z0-9]+(-[a-z0-9]+)*", owner), owner
    assert len(owner.removeprefix("group:")) <= 63


def test_the_readme_headings_stand_on_their_own_lines(template, tmp_path) -> None:
    for secret in (False, True):
        readme = rendered(template, tmp_path / str(secret), ca_certificate_secret=secret)
        text = (readme / "README.md").read_text()
        assert "\n\n### Verifying uv's image\n" in text
        glued = [line for line in text.splitlines() if "#" in line and line.startswith("|")]
        assert [line for line in glued if re.search(r"\|\s*#+ ", line)] == []


def test_switched_off_files_are_not_mentioned(template, tmp_path) -> None:
    off = {"use_compose": False, "use_run_script": False, "use_pre_commit": False,
           "use_ci": False, "use_devcontainer": False}  # fmt: skip
    tree = rendered(template, tmp_path / "p", **off)
    dev_comment = next(
        line for line in (tree / "Dockerfile").read_text().splitlines() if line.startswith("# dev:")
    )
    assert "compose.yaml" not in dev_comment
    assert "run.sh" not in dev_comment
    renovate_row = next(
        line for line in (tree / "README.md").read_text().splitlines() if "Renovate keeps" in line
    )
    assert "base images and the lock current" in renovate_row


def test_a_dollar_in_the_description_reaches_the_label_as_written(template, tmp_path) -> None:
    tree = rendered(template, tmp_path / "p", description="Costs $5, not ${PRICE}")
    label = next(
        line for line in (tree / "Dockerfile").read_text().splitlines() if "description=" in line
    )
    assert 'description="Costs \\$5, not \\${PRICE}"' in label


def test_the_name_length_message_says_what_is_accepted(template, tmp_path) -> None:
    rendered(template, tmp_path / "fifty", project_name="a" * 50)
    with pytest.raises(ValueError, match="50 characters or fewer"):
        rendered(template, tmp_path / "p", project_name="a" * 51)


@pytest.mark.parametrize("value", ["maybe", "2", "", "nope"])
def test_a_yes_no_question_refuses_other_text(tmp_path, value) -> None:
    result = copier_cli("-d", f"use_compose={value}", str(TEMPLATE_ROOT), "p", cwd=tmp_path)
    assert result.returncode != 0
    assert "Answer yes or no" in result.stderr
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize(("value", "expected"), [("yes", True), ("off", False), ("1", True)])
def test_a_yes_no_question_takes_copiers_words(tmp_path, value, expected) -> None:
    result = copier_cli("-d", f"use_compose={value}", str(TEMPLATE_ROOT), "p", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "p" / "compose.yaml").exists() == expected


PYENV_SHIM = """#!/bin/sh
# What pyenv's shim prints when the Python that .python-version picks has no `uv`.
cat >&2 <<'MESSAGE'
pyenv: uv: command not found

The `uv' command exists in these Python versions:
  3.11.7

Note: See 'pyenv help global' for tips on allowing multiple
      Python versions to be found at the same time.
MESSAGE
exit 127
"""


def test_the_lock_task_says_in_one_line_what_failed_and_what_to_run(template, tmp_path) -> None:
    project = rendered(template, tmp_path / "p")
    shims = tmp_path / "shims"
    shims.mkdir()
    (shims / "uv").write_text(PYENV_SHIM)
    (shims / "uv").chmod(0o755)
    result = subprocess.run(
        [sys.executable, str(TEMPLATE_ROOT / "hooks" / "lock_dependencies.py")],
        cwd=project, capture_output=True, text=True, check=False,
        env={"PATH": f"{shims}:/usr/bin:/bin"},
    )  # fmt: skip
    assert result.returncode == 0, "the project stays usable: the copy goes on"
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    assert "uv did not run here (pyenv: uv: command not found)" in lines[0]
    assert lines[0].endswith(f"then run `uv lock` in {project}")
    assert not (project / "uv.lock").exists()


# Names that ignore patterns, YAML's other scalars or tools also use (issue 22).
@pytest.mark.parametrize("name", ["build", "dist", "htmlcov", "id-rsa-rotator", "id-ed25519-keys"])
def test_a_package_named_like_an_ignored_file_reaches_the_clone_and_the_image(
    template, tmp_path, name
) -> None:
    tree = rendered(template, tmp_path / "p", project_name=name, use_workspace=True)
    assert left_out_of_a_clone(tree) == set()
    context_lacks = left_out_of_the_build_context(tree)
    assert {path for path in context_lacks if not path.startswith(".github/")} == set()


YAML_WORDS = ["null", "yes", "no", "on", "off", "true", "false", "y", "n"]


@pytest.mark.parametrize("name", YAML_WORDS)
def test_a_name_yaml_reads_as_another_type_stays_text(template, tmp_path, name) -> None:
    tree = rendered(template, tmp_path / "p", project_name=name)
    ci = yaml.safe_load((tree / ".github" / "workflows" / "ci.yml").read_text())
    images = [step["env"]["IMAGE"] for job in ci["jobs"].values() for step in job["steps"]
              if "IMAGE" in step.get("env", {})]  # fmt: skip
    assert images == [name]


def test_no_yaml_template_gives_an_answer_as_a_bare_value() -> None:
    """A plain `key: {{ answer }}` turns null, yes or 1e3 into another type: quote it."""
    bare = re.compile(r"(:|^\s*-)\s+\{\{[^}]*\}\}\s*$")
    found = [
        f"{path.relative_to(TEMPLATE_ROOT)}:{number}"
        for path in (TEMPLATE_ROOT / "template").rglob("*.y*ml.jinja")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if bare.search(line)
    ]
    assert found == []


def test_a_data_files_yes_for_the_name_is_told_to_quote_it(tmp_path) -> None:
    (tmp_path / "answers.yml").write_text("project_name: yes\n")
    result = copier_cli("--data-file", "answers.yml", str(TEMPLATE_ROOT), "p", cwd=tmp_path)
    assert result.returncode != 0
    assert "YAML read this answer as true" in result.stderr
    assert "lowercase" not in result.stderr.strip().splitlines()[-1]


def test_a_refusal_ends_with_one_line_naming_the_question_and_the_rule(tmp_path) -> None:
    """Copier 9.19.1 prints its traceback above the validator's message (upstream: the CLI
    catches UserMessageError, not the ValueError a validator raises); the last line says it."""
    result = copier_cli("-d", "project_name=python3", str(TEMPLATE_ROOT), "p", cwd=tmp_path)
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ValueError: Validation error for question 'project_name': ")
    assert "clashes with the Python module, keyword or file" in last
    assert not (tmp_path / "p").exists()
