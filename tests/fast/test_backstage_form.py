"""The Backstage form and Copier agree on what they accept.

Side by side for each set of answers: ajv (the scaffolder frontend), the npm `jsonschema`
package (the scaffolder backend), Python's `jsonschema` (Python's regex dialect) and Copier
itself (`run_copy(pretend=True)`, what `copier copy --pretend` runs). The answers: the questions
tier's bad values, the organisation defaults, every choice, and free text from Hypothesis.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import copier
import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.backstage_form import TEMPLATE_FILE, fields
from tests.support.backstage_node import Backstage
from tests.support.bad_answers import BAD_ANSWERS, BAD_INDEX_ANSWERS
from tests.support.releases import TemplateRepo, snapshot
from tests.support.variants import TEMPLATE_ROOT, copier_questions, default_of

ORG_DEFAULTS = TEMPLATE_ROOT / "docs" / "organisation-defaults.example.yml"
PAGES: list[dict[str, Any]] = yaml.safe_load(TEMPLATE_FILE.read_text())["spec"]["parameters"]
RELEASE = PAGES[-1]["properties"]["release"]["default"]
FORM_ONLY = {"repoUrl": "github.com?owner=acme&repo=svc", "release": RELEASE}
#: Asked only when adopting an existing project, which the form never does (its
#: existing_project is false): the form never shows them. tests/fast/test_adopt_refusals.py
#: checks Copier's refusals of them.
ADOPTION_ONLY = {"web_app", "health_path", "console_script"}
FREE_TEXT = [
    name
    for name, spec in copier_questions().items()
    if spec.get("type", "str") == "str" and not spec.get("choices") and name not in ADOPTION_ONLY
]


def bad_values(listed: list[Any]) -> list[Any]:
    """The answers of a list of (answers, message) params, as form cases."""
    return [pytest.param(p.values[0], id=f"bad-{p.id}") for p in listed]


def each_choice() -> list[Any]:
    found = []
    for name, spec in copier_questions().items():
        values = [True, False] if spec.get("type") == "bool" else None
        if spec.get("choices"):
            listed = spec["choices"]
            values = listed if isinstance(listed, list) else [
                v["value"] if isinstance(v, dict) else v for v in listed.values()
            ]  # fmt: skip
        for value in values or []:
            if value != default_of(name):
                found.append(pytest.param({name: value}, id=f"{name}={value}"))
    return found


CASES = [
    pytest.param({}, id="defaults"),
    pytest.param(yaml.safe_load(ORG_DEFAULTS.read_text()), id="organisation-defaults"),
    *each_choice(),
    *bad_values(BAD_ANSWERS),
    *bad_values(BAD_INDEX_ANSWERS),
]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A committed snapshot of the template: Copier copies it quickly and cleanly."""
    repo = TemplateRepo(tmp_path_factory.mktemp("catalog-template"))
    repo.put(snapshot())
    repo.commit("template")
    return repo.path


def form_values(answers: dict[str, Any]) -> dict[str, Any]:
    """What the form submits: its defaults, the answers over them, the repository page."""
    defaults = {n: p["default"] for n, p in fields(PAGES) if "default" in p}
    return defaults | FORM_ONLY | answers


def copier_accepts(template: Path, answers: dict[str, Any], tmp_path: Path) -> bool:
    try:
        copier.run_copy(
            str(template), tmp_path / "project", data=answers, defaults=True, vcs_ref="HEAD",
            skip_tasks=True, quiet=True, pretend=True, settings=copier.Settings(),
        )  # fmt: skip
    except ValueError:
        return False
    return True


def verdicts(backstage: Backstage, values: dict[str, Any]) -> dict[str, bool]:
    node = backstage.form(PAGES, values)
    python = all(
        jsonschema.Draft7Validator({"type": "object", **page}).is_valid(values) for page in PAGES
    )
    return {"ajv": node["ajv"], "npm jsonschema": node["jsonschema"], "python jsonschema": python}


@pytest.mark.parametrize("answers", CASES)
def test_the_form_and_copier_agree(answers, backstage, template, tmp_path) -> None:
    form = verdicts(backstage, form_values(answers))
    expected = copier_accepts(template, answers, tmp_path)
    assert form == dict.fromkeys(form, expected), (answers, form, f"copier: {expected}")


# Control characters are left out here until copier.yml's validators refuse them (issue 8):
# today Copier's `$` accepts a trailing newline that the form refuses. The dialect test below
# covers them.
TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=60)
NEAR_VALID = st.sampled_from(
    ["billing-api", "a@b.co", "registry.example.com/x", "group:team-a", "sha256:" + "0" * 64,
     "https://pkgs.example.com/simple/"]
)  # fmt: skip


SHOWN_BY = {
    "catalog_owner": {"use_catalog_info": True},
    "package_index_url": {"package_index_name": "corp"},
}


@pytest.mark.parametrize("question", FREE_TEXT)
@settings(max_examples=8, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=st.one_of(TEXT, NEAR_VALID, st.builds(lambda a, b: a + b, NEAR_VALID, TEXT)))
def test_free_text_the_form_and_copier_agree(question, text, backstage, template, tmp_path) -> None:
    # A question the form hides is asked here with the answer that shows it.
    answers = SHOWN_BY.get(question, {}) | {question: text}
    form = verdicts(backstage, form_values(answers))
    expected = copier_accepts(template, answers, tmp_path)
    assert form == dict.fromkeys(form, expected), (answers, form, f"copier: {expected}")


# Where the dialects differ: line ends before `$`, what `\\s` means, astral characters.
EDGE = st.one_of(
    st.sampled_from(["\n", "\r\n", "\u2028", "\x1c", "\ufeff", "\xa0", "\U0001f600"]),
    st.text(max_size=3),
)
PATTERNS = sorted(
    {(name, p["pattern"]) for name, p in fields(PAGES) if "pattern" in p}
    | {(name, p["not"]["pattern"]) for name, p in fields(PAGES) if "pattern" in p.get("not", {})}
)


@pytest.mark.parametrize(
    ("question", "pattern"), PATTERNS, ids=[f"{q}-{i}" for i, (q, _) in enumerate(PATTERNS)]
)
@settings(
    max_examples=100, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck)
)
@given(
    text=st.one_of(
        st.text(max_size=40), NEAR_VALID, st.builds(lambda a, b: a + b, NEAR_VALID, EDGE)
    )
)
def test_each_pattern_means_the_same_in_ecmascript_and_python(
    question, pattern, text, backstage
) -> None:
    """ajv (ECMAScript, `u` flag) and Python's `jsonschema` (`re`) decide alike, any text."""
    schema = {"properties": {"v": {"type": "string", "pattern": pattern}}}
    node = backstage.form([schema], {"v": text})
    python = jsonschema.Draft7Validator(schema).is_valid({"v": text})
    assert node["ajv"] == python == node["jsonschema"], (question, pattern, text)
