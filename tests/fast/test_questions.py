"""The questions: bad answers are refused with a message that says what is allowed."""

from __future__ import annotations

import pytest

from tests.support.bad_answers import BAD_ANSWERS
from tests.support.rendering import copy_project
from tests.support.variants import (
    EXAMPLE_DIGEST,
    TEMPLATE_ROOT,
    VARIANTS,
    copier_config,
    copier_questions,
    default_of,
    variant_params,
)


def render_with(tmp_path, **answers) -> None:
    copy_project(TEMPLATE_ROOT, tmp_path / "project", data=answers, tasks=False)


@pytest.mark.parametrize(("answers", "message"), BAD_ANSWERS)
def test_bad_answer_is_refused_with_what_is_allowed(tmp_path, answers, message) -> None:
    with pytest.raises(ValueError, match=r"question|choice") as refused:
        render_with(tmp_path, **answers)
    assert message in str(refused.value)
    assert any(f"'{question}'" in str(refused.value) for question in answers)
    assert not (tmp_path / "project" / "pyproject.toml").exists(), "nothing may be written"


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param({"project_name": "billing-api2"}, id="name"),
        pytest.param({"uv_image_digest": EXAMPLE_DIGEST}, id="digest"),
        pytest.param({"dockerhub_mirror": "registry.example.com:5000/hub/library"}, id="hub"),
        pytest.param({"ghcr_mirror": "registry.example.com/ghcr"}, id="ghcr"),
    ],
)
def test_good_answer_is_accepted(tmp_path, answers) -> None:
    render_with(tmp_path, **answers)
    assert (tmp_path / "project" / "pyproject.toml").is_file()


@pytest.mark.parametrize("variant", variant_params())
def test_every_variant_key_is_a_real_question(variant) -> None:
    # Copier ignores unknown keys silently: a misspelt one would test the default instead.
    assert set(variant.answers) <= set(copier_questions())


def test_every_free_text_question_has_a_validator() -> None:
    free_text = [
        name
        for name, spec in copier_questions().items()
        if spec.get("type", "str") == "str" and "choices" not in spec
    ]
    assert free_text
    assert [name for name in free_text if "validator" not in copier_config()[name]] == []


def test_every_question_has_help() -> None:
    assert [name for name, spec in copier_questions().items() if not spec.get("help")] == []


#: Answer values only an adopted service takes, and the fixture shape that covers each.
ADOPTION = {"existing_project": {True}, "web_server": {"gunicorn"}}


def test_every_choice_value_is_covered_by_a_variant() -> None:
    for name, spec in copier_questions().items():
        if spec["type"] == "bool":
            values = {True, False}
        else:
            choices = spec.get("choices", {})
            listed = choices.values() if isinstance(choices, dict) else choices
            values = {v["value"] if isinstance(v, dict) else v for v in listed}
        if name in ADOPTION:
            # Adopting needs a uv project in the destination, which no variant renders into:
            # tests/docker/test_adopt.py adopts fixtures of each shape with these answers.
            values -= ADOPTION[name]
        covered = {variant.answers.get(name, default_of(name)) for variant in VARIANTS}
        assert values <= covered, f"{name}: no variant answers {values - covered}"
