"""The README's table of questions is generated from copier.yml, so the two cannot drift."""

from __future__ import annotations

import importlib.util

from tests.support.variants import TEMPLATE_ROOT, copier_config, copier_questions

spec = importlib.util.spec_from_file_location(
    "questions_table", TEMPLATE_ROOT / "scripts" / "questions_table.py"
)
assert spec
assert spec.loader
questions_table = importlib.util.module_from_spec(spec)
spec.loader.exec_module(questions_table)

HOW_TO_FIX = "run `uv run python scripts/questions_table.py` and paste its output into README.md"


def readme_table() -> str:
    readme = (TEMPLATE_ROOT / "README.md").read_text()
    start, end = questions_table.START, questions_table.END
    missing = f"README.md has no {start} ... {end}; {HOW_TO_FIX}"
    assert start in readme, missing
    assert end in readme, missing
    return readme.split(start, 1)[1].split(end, 1)[0].strip() + "\n"


def test_the_script_lists_every_question_and_no_computed_value() -> None:
    rows = questions_table.table(copier_config()).splitlines()[2:]
    names = [row.split("|")[1].strip().strip("`") for row in rows]
    assert names == list(copier_questions())


def test_the_readme_table_is_the_generated_one() -> None:
    assert readme_table() == questions_table.table(copier_config()), HOW_TO_FIX
