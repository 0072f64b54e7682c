"""One reading of copier.yml for the scripts that describe its questions elsewhere
(the README's table, the Backstage Template form).

Import it from a script in this folder (`import copier_questions`); Python puts the running
script's folder first on the import path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
COPIER_YML = ROOT / "copier.yml"
_SECTION = re.compile(r"^# ([A-Z][A-Z ]+[A-Z])(?: \(.*\))?$")
_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*):")


def load(path: Path = COPIER_YML) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())


def questions(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The questions a user can answer: computed values (`when: false`) are left out."""
    return {
        name: spec
        for name, spec in config.items()
        if not name.startswith("_") and isinstance(spec, dict) and spec.get("when") is not False
    }


def sections(path: Path = COPIER_YML) -> dict[str, str]:
    """Each top-level key -> the labelled section of copier.yml it sits in (e.g. "IMAGE")."""
    section, found = "", {}
    for line in path.read_text().splitlines():
        if match := _SECTION.match(line):
            section = match.group(1)
        elif match := _KEY.match(line):
            found[match.group(1)] = section
    return found


@dataclass(frozen=True)
class Choice:
    value: Any
    label: str
    validator: str | None


def choices(spec: dict[str, Any]) -> list[Choice]:
    """A question's choices in order; a list's labels are its values."""
    listed = spec.get("choices") or []
    if isinstance(listed, list):
        return [Choice(value, str(value), None) for value in listed]
    found = []
    for label, value in listed.items():
        if isinstance(value, dict):
            found.append(Choice(value["value"], label, value.get("validator")))
        else:
            found.append(Choice(value, label, None))
    return found


def is_templated(value: Any) -> bool:
    return isinstance(value, str) and ("{{" in value or "{%" in value)


def messages(validator: str) -> list[str]:
    """The texts a Jinja validator can say, one per branch, whitespace collapsed."""
    parts = re.split(r"{%.*?%}", validator, flags=re.DOTALL)
    return [" ".join(part.split()) for part in parts if part.strip()]


def constants(config: dict[str, Any]) -> dict[str, Any]:
    """The computed values that are plain constants (no Jinja), parsed as Copier types them."""
    found = {}
    for name, spec in config.items():
        if name.startswith("_") or not isinstance(spec, dict) or spec.get("when") is not False:
            continue
        value = spec.get("default")
        if is_templated(value):
            continue
        found[name] = yaml.safe_load(value) if spec.get("type") == "yaml" else value
    return found


_LAYOUT_IF = re.compile(r"\{%\s*if image_layout == '([\w-]+)'\s*%\}(.*?)\{%\s*endif\s*%\}", re.S)


def refused_layouts(config: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(image_layout, base_os) pairs that a base_os choice's own validator refuses -> its
    message, read from copier.yml (the one place the pairs are written)."""
    found = {}
    for choice in choices(config["base_os"]):
        for layout, message in _LAYOUT_IF.findall(choice.validator or ""):
            found[(layout, str(choice.value))] = " ".join(message.split())
    return found
