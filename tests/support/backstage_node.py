"""Backstage's own validators (catalog-model, scaffolder-common, ajv, npm jsonschema), run in
one long-lived Node process (tests/tools/backstage.mjs) that answers a JSON request per line."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

from tests.support.variants import TEMPLATE_ROOT

NODE_TOOLS = TEMPLATE_ROOT / "tests" / "tools"
PACKAGES = (
    "@backstage/catalog-model", "@backstage/plugin-scaffolder-common", "ajv", "jsonschema",
    "nunjucks",
)  # fmt: skip


def missing() -> str | None:
    """Why the Node checks cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not installed"
    for package in PACKAGES:
        if not (NODE_TOOLS / "node_modules" / package).is_dir():
            return f"{package} is not installed (npm ci --prefix tests/tools)"
    return None


class Backstage:
    def __init__(self) -> None:
        self._node = subprocess.Popen(
            ["node", str(NODE_TOOLS / "backstage.mjs")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=NODE_TOOLS,
        )  # fmt: skip

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self._node.stdin
        assert self._node.stdout
        self._node.stdin.write(json.dumps(request) + "\n")
        self._node.stdin.flush()
        line = self._node.stdout.readline()
        assert line, "the Node checker exited"
        return json.loads(line)

    def entity(self, entity: dict[str, Any]) -> dict[str, Any]:
        return self.ask({"entity": entity})

    def compile(self, pages: list[dict[str, Any]]) -> dict[str, Any]:
        return self.ask({"pages": pages})

    def form(self, pages: list[dict[str, Any]], values: dict[str, Any]) -> dict[str, Any]:
        return self.ask({"pages": pages, "values": values})

    def render(self, template: str, parameters: dict[str, Any]) -> Any:
        """A step input rendered as the scaffolder renders it."""
        answer = self.ask({"render": template, "parameters": parameters})
        assert "value" in answer, answer
        return answer["value"]

    def close(self) -> None:
        if self._node.stdin:
            self._node.stdin.close()
        self._node.wait(timeout=10)
