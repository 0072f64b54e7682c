"""The questions: bad answers are refused with a message that says what is allowed."""

from __future__ import annotations

import pytest

from tests.support.rendering import copy_project
from tests.support.variants import (
    EXAMPLE_DIGEST,
    TEMPLATE_ROOT,
    VARIANTS,
    copier_config,
    copier_questions,
    default_of,
)


def render_with(tmp_path, **answers) -> None:
    copy_project(TEMPLATE_ROOT, tmp_path / "project", data=answers, tasks=False)


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        pytest.param({"project_name": ""}, "lowercase letters", id="name-empty"),
        pytest.param({"project_name": "my service"}, "lowercase letters", id="name-space"),
        pytest.param({"project_name": "1service"}, "starting with a letter", id="name-digit"),
        pytest.param({"project_name": "My-Service"}, "lowercase letters", id="name-upper"),
        pytest.param({"project_name": "my--service"}, "single hyphens", id="name-double-hyphen"),
        pytest.param({"project_name": "my_service"}, "single hyphens", id="name-underscore"),
        pytest.param({"project_name": "json"}, "clashes", id="name-stdlib"),
        pytest.param({"project_name": "fastapi"}, "clashes", id="name-dependency"),
        pytest.param({"project_name": "tests"}, "clashes", id="name-tests"),
        pytest.param({"project_name": "a" * 51}, "50 characters or fewer", id="name-long"),
        pytest.param({"description": "  "}, "one-line description", id="description-blank"),
        pytest.param({"description": 'say "hi"'}, "double quotes", id="description-quote"),
        pytest.param({"description": "two\nlines"}, "one line", id="description-newline"),
        pytest.param({"author_name": ""}, "author", id="author-empty"),
        pytest.param({"author_email": "team"}, "e-mail address", id="email-no-at"),
        pytest.param({"author_email": "a b@example.com"}, "e-mail address", id="email-space"),
        pytest.param({"python_version": "3.10"}, "3.11", id="python-unsupported"),
        pytest.param({"python_version": "3.9"}, "3.13", id="python-old"),
        pytest.param({"service_kind": "worker"}, "web", id="kind-unknown"),
        pytest.param({"image_layout": "distroless"}, "multistage", id="layout-unknown"),
        pytest.param({"base_os": "ubuntu"}, "trixie", id="os-unknown"),
        pytest.param(
            {"base_os": "alpine", "image_layout": "standalone"},
            "pick trixie or bookworm",
            id="alpine-standalone",
        ),
        pytest.param({"uv_install": "pip"}, "installer", id="uv-install-unknown"),
        pytest.param({"uv_image_digest": "sha256:abc"}, "64 lowercase hex", id="digest-short"),
        pytest.param({"uv_image_digest": EXAMPLE_DIGEST[7:]}, "sha256:", id="digest-no-algorithm"),
        pytest.param({"dockerhub_mirror": "https://mirror/"}, "without a scheme", id="hub-scheme"),
        pytest.param({"dockerhub_mirror": "mirror.example/"}, "trailing slash", id="hub-slash"),
        pytest.param({"ghcr_mirror": ""}, "registry host", id="ghcr-empty"),
        pytest.param({"ghcr_mirror": "Mirror Host"}, "registry host", id="ghcr-space"),
    ],
)
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


@pytest.mark.parametrize("variant", [v.param() for v in VARIANTS])
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


def test_every_choice_value_is_covered_by_a_variant() -> None:
    for name, spec in copier_questions().items():
        if spec["type"] == "bool":
            values = {True, False}
        else:
            choices = spec.get("choices", {})
            listed = choices.values() if isinstance(choices, dict) else choices
            values = {v["value"] if isinstance(v, dict) else v for v in listed}
        covered = {variant.answers.get(name, default_of(name)) for variant in VARIANTS}
        assert values <= covered, f"{name}: no variant answers {values - covered}"
