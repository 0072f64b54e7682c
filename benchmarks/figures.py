"""The benchmark's figures: repeated samples of each quantity, and how they are written."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Figure:
    """Repeated samples of one quantity (seconds or bytes) for one image."""

    samples: list[float] = field(default_factory=list)

    @property
    def min(self) -> float | None:
        return min(self.samples) if self.samples else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    def as_json(self) -> dict[str, Any]:
        return {"samples": self.samples, "min": self.min, "median": self.median}


#: (key, title, unit) of every figure, in table order. "s" is seconds, "B" bytes.
FIGURES: list[tuple[str, str, str]] = [
    ("render_tasks", "render, with tasks", "s"),
    ("render_no_tasks", "render, no tasks", "s"),
    ("cold_build", "cold build", "s"),
    ("warm_rebuild", "rebuild after 1-line edit", "s"),
    ("dep_rebuild", "rebuild after dependency change", "s"),
    ("edit_layer_bytes", "layers changed by the edit", "B"),
    ("image_bytes", "image size", "B"),
    ("over_base_bytes", "size over base", "B"),
    ("venv_bytes", "venv in the image", "B"),
    ("start", "run to first healthy answer / exit", "s"),
    ("stop", "docker stop", "s"),
]
RENDER_ONLY = {"render_tasks", "render_no_tasks"}


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "s":
        return f"{value:.2f} s" if value >= 0.1 else f"{value * 1000:.0f} ms"
    for factor, suffix in ((1e9, "GB"), (1e6, "MB"), (1e3, "kB")):
        if abs(value) >= factor:
            return f"{value / factor:.1f} {suffix}"
    return f"{value:.0f} B"


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return a / b


def fmt_ratio(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.2f}x" if value >= 0.01 else f"{value:.1e}x"


def table(head: Sequence[str], rows: Iterable[Sequence[str]], *, text_columns: int = 1) -> str:
    """A Markdown table: its first `text_columns` columns left-aligned, the figures right."""
    rule = ["---"] * text_columns + ["---:"] * (len(head) - text_columns)
    lines = [f"| {' | '.join(head)} |", f"|{'|'.join(rule)}|"]
    return "\n".join(lines + [f"| {' | '.join(cells)} |" for cells in rows])
