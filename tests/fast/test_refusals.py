"""Questions tier: every answer just outside a validator is refused before anything is written.

For each free-text question, Hypothesis draws answers one step outside what it accepts (a
character too many, control characters, reserved names, a comma in the author, a bad entity
reference, ...) and yes/no text Copier would read as yes; `copier copy --defaults --data` must
refuse each, name the question, and leave the destination as it was: absent, or unchanged.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import example, given
from hypothesis import strategies as st

from tests.support.answer_space import refused_answers
from tests.support.ci_checks import jinja_compiles_memoised, render, template_snapshot
from tests.support.hypothesis_profiles import record_examples
from tests.support.variants import copier_config, copier_questions

BOOL_QUESTIONS = [name for name, spec in copier_questions().items() if spec["type"] == "bool"]
BOOL_WORDS = set(yaml.safe_load(copier_config()["bool_words"]["default"]))
yes_no_outside = st.text(max_size=8).filter(lambda text: text.strip().lower() not in BOOL_WORDS)

refusals = st.one_of(
    st.sampled_from(sorted(refused_answers)).flatmap(
        lambda question: refused_answers[question].map(lambda answer: (question, answer))
    ),
    st.tuples(st.sampled_from(BOOL_QUESTIONS), yes_no_outside),
)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return template_snapshot(tmp_path_factory.mktemp("template"))


def snapshot(folder: Path) -> dict[str, bytes] | None:
    if not folder.exists():
        return None
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@given(refusal=refusals, existing=st.booleans())
@example(refusal=("use_compose", "maybe"), existing=False)
@example(refusal=("author_name", "Doe, Jane"), existing=True)
@example(refusal=("description", "line\rreturn"), existing=False)
@example(refusal=("project_name", "a" * 51), existing=False)
@example(refusal=("project_name", "secrets"), existing=True)
@example(refusal=("catalog_owner", "group:my_ns/payments"), existing=False)
# Found by this property: `$` let a final line break through the digest's pattern.
@example(refusal=("uv_image_digest", "sha256:" + "0" * 64 + "\n"), existing=False)
# Issue 22: ports and addresses uv or Docker cannot read; an uppercase host.
@example(refusal=("package_index_url", "https://pkgs.example.com:65536/simple/"), existing=False)
@example(refusal=("package_index_url", "https://999.999.999.999/simple/"), existing=False)
@example(refusal=("ghcr_mirror", "mirror.example.com:0"), existing=False)
@example(refusal=("project_name", "python3"), existing=False)
def test_an_answer_outside_a_validator_is_refused_before_anything_is_written(
    refusal, existing, template, tmp_path_factory
) -> None:
    record_examples("refused answers tried")
    question, answer = refusal
    destination = tmp_path_factory.mktemp("refused") / "project"
    if existing:  # a folder the user already has: it must stay exactly as it was
        destination.mkdir()
        (destination / "notes.txt").write_text("mine\n")
    before = snapshot(destination)
    data = {question: answer}
    if question == "catalog_owner":
        data["use_catalog_info"] = True  # it is asked only then
    if question == "package_index_url":
        data["package_index_name"] = "corp"  # it is asked only then
    with pytest.raises(ValueError, match=f"question '{question}'"), jinja_compiles_memoised():
        render(template, destination, data)
    assert snapshot(destination) == before
