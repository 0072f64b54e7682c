"""Print the README's table of questions, generated from copier.yml.

    uv run python scripts/questions_table.py

Paste the output between `<!-- questions:start -->` and `<!-- questions:end -->` in README.md;
tests/fast/test_readme.py fails when the two drift apart.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

# The shared reading of copier.yml sits beside this script, also when a test loads it by path.
sys.path.insert(0, str(Path(__file__).resolve().parent))
import copier_questions
from copier_questions import questions

START = "<!-- questions:start -->"
END = "<!-- questions:end -->"


def cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def code(value: Any) -> str:
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f"`{value}`" if value != "" else '`""`'


def values(spec: dict[str, Any]) -> str:
    listed = copier_questions.choices(spec)
    if not listed:
        return "" if spec.get("type") == "bool" else "free text, validated"
    return ", ".join(code(choice.value) for choice in listed)


def table(config: dict[str, Any]) -> str:
    rows = [
        "| Question | Type | Default | Values | Asked when | What it is |",
        "|---|---|---|---|---|---|",
    ]
    for name, spec in questions(config).items():
        when = spec.get("when")
        rows.append(
            "| "
            + " | ".join(
                [
                    f"`{name}`",
                    spec.get("type", "str"),
                    cell(code(spec.get("default", ""))),
                    cell(values(spec)),
                    cell(code(when)) if when is not None else "always",
                    cell(spec.get("help", "")),
                ]
            )
            + " |"
        )
    return "\n".join(rows) + "\n"


def main() -> int:
    config = copier_questions.load()
    sys.stdout.write(table(config))
    return 0


if __name__ == "__main__":
    sys.exit(main())
