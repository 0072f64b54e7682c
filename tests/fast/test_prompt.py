"""At the interactive prompt, a bad answer is refused with what is allowed, and asked again."""

from __future__ import annotations

import os

import pexpect
import pytest

from tests.support.copier_cli import COPIER
from tests.support.variants import TEMPLATE_ROOT, copier_questions

CLEAR_LINE = "\x15"  # Ctrl-U: drop the pre-filled default


@pytest.mark.parametrize(
    ("question", "bad", "allowed", "good"),
    [
        pytest.param("project_name", "1bad name", "starting with a letter", "good-name", id="name"),
        pytest.param("author_email", "nobody", "e-mail address", "a@example.com", id="email"),
        pytest.param("ghcr_mirror", "https://x/", "without a scheme", "ghcr.io", id="mirror"),
    ],
)
def test_prompt_refuses_and_asks_again(tmp_path, question, bad, allowed, good) -> None:
    questions = list(copier_questions())
    follow_up = copier_questions()[questions[questions.index(question) + 1]]["help"]
    # Defaults that are Jinja (the adoption answers, asked only with existing_project) are left
    # to Copier: given as text they would be refused.
    defaults = {name: str(spec.get("default")) for name, spec in copier_questions().items()}
    data = [f"--data={name}={defaults[name]}" for name in questions if "{{" not in defaults[name]]
    data = data[: data.index(f"--data={question}={defaults[question]}")]  # the earlier ones
    child = pexpect.spawn(
        COPIER,
        [
            "copy",
            "--trust",
            "--skip-tasks",
            "--vcs-ref=HEAD",
            *data,
            str(TEMPLATE_ROOT),
            str(tmp_path / "project"),
        ],
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 200),
        env={**os.environ, "TERM": "xterm"},
    )
    try:
        child.expect_exact(str(copier_questions()[question]["help"]).split(" (")[0][:40])
        child.send(CLEAR_LINE + bad + "\r")
        child.expect_exact(allowed)
        child.send(CLEAR_LINE + good + "\r")
        child.expect_exact(str(follow_up)[:30])
    finally:
        child.sendcontrol("c")
        child.expect(pexpect.EOF)
        child.close()
    assert not (tmp_path / "project" / "pyproject.toml").exists()
