"""The update tier: every test in this folder carries the `update` marker (its fixtures,
`releases` and `history`, are in the root conftest: the Docker tier builds updated services)."""

from __future__ import annotations

import pytest


def pytest_itemcollected(item: pytest.Item) -> None:
    # A hook of this folder's conftest: pytest calls it for the items under this folder only.
    item.add_marker(pytest.mark.update)
