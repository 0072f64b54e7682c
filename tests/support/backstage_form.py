"""The committed Backstage Template's form, as the tests read it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tests.support.variants import TEMPLATE_ROOT

#: The Template entity at the repository root (scripts/backstage_template.py writes it).
TEMPLATE_FILE = TEMPLATE_ROOT / "catalog-info.yaml"


def fields(pages: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (name, field) of the form, those inside `dependencies` branches included."""

    def walk(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
        # A branch names its controlling field with an `enum` of one value only: not a field.
        yield from ((n, p) for n, p in schema.get("properties", {}).items() if "title" in p)
        for dependency in schema.get("dependencies", {}).values():
            for branch in dependency.get("oneOf", []):
                yield from walk(branch)

    for page in pages:
        yield from walk(page)
