"""The rendered README's examples, read by the tests that run them as written."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from tests.support.commands import run

#: The system-packages example ("Dependencies without wheels"): a uv command and two ARG lines.
SECTION = "Dependencies without wheels"
LIST_ARG = re.compile(r"^ARG (BUILD_PACKAGES|RUNTIME_PACKAGES)=.*$", re.MULTILINE)
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def section(markdown: str, heading: str) -> str:
    """The text under `heading` (any level) up to the next heading of the same or a higher level."""
    match = re.search(rf"^(#+) {re.escape(heading)}\n", markdown, re.MULTILINE)
    assert match, f"the README has no section {heading!r}"
    level = len(match[1])
    rest = markdown[match.end() :]
    end = re.search(rf"^#{{1,{level}}} ", rest, re.MULTILINE)
    return rest[: end.start()] if end else rest


def code_blocks(markdown: str, heading: str, language: str) -> list[str]:
    """The fenced `language` blocks of that section, in order."""
    return [body for lang, body in FENCE.findall(section(markdown, heading)) if lang == language]


def shell_commands(block: str) -> list[list[str]]:
    """The commands of an `sh` block: continued lines joined, comments dropped."""
    lines = block.replace("\\\n", " ").splitlines()
    return [words for line in lines if (words := shlex.split(line, comments=True))]


def readme_example(project: Path) -> tuple[list[list[str]], dict[str, str]]:
    """(the section's shell commands, {ARG name: its whole line}) from the rendered README."""
    readme = (project / "README.md").read_text()
    commands = [
        command for block in code_blocks(readme, SECTION, "sh") for command in shell_commands(block)
    ]
    lines = {
        match[1]: match[0]
        for block in code_blocks(readme, SECTION, "dockerfile")
        for match in LIST_ARG.finditer(block)
    }
    assert commands, "the README example has no shell command"
    assert set(lines) == {"BUILD_PACKAGES", "RUNTIME_PACKAGES"}, lines
    return commands, lines


def run_readme_commands(project: Path, commands: list[list[str]]) -> None:
    for command in commands:
        assert command[0] == "uv", f"unexpected command in the README example: {command}"
        # Lock only: the image is where the dependency gets built (the host may lack its
        # headers, or the project's Python).
        run(["env", "UV_NO_SYNC=1", *command], cwd=project, timeout=300)


def set_lists(project: Path, lines: dict[str, str]) -> None:
    dockerfile = project / "Dockerfile"
    text = dockerfile.read_text()
    for name, line in lines.items():
        text, count = re.subn(rf"^ARG {name}=.*$", line, text, flags=re.MULTILINE)
        assert count == 1, f"the Dockerfile has {count} ARG {name}= lines"
    dockerfile.write_text(text)
