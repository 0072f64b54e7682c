"""The rendered README's examples, read by the tests that run them as written."""

from __future__ import annotations

import re

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
