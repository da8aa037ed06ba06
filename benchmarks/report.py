"""Figures as a printed table and as JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Figure:
    """One measured number, with the target it is judged against (if any)."""

    section: str
    name: str
    value: float | int | str
    unit: str = ""
    target: str = ""
    met: bool | None = None  # None: no target


@dataclass
class Report:
    """Every figure of one benchmark run, plus what the run was (sizes, machine)."""

    figures: list[Figure] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(
        self,
        section: str,
        name: str,
        value: float | int | str,
        unit: str = "",
        *,
        target: str = "",
        met: bool | None = None,
    ) -> None:
        """Record a figure."""
        self.figures.append(Figure(section, name, value, unit, target, met))

    def value(self, section: str, name: str) -> float | int | str | None:
        """A figure's value, if it was measured."""
        for figure in self.figures:
            if figure.section == section and figure.name == name:
                return figure.value
        return None

    def table(self) -> str:
        """The figures as a fixed-width table."""
        header = ("section", "figure", "value", "target", "")
        rows = [
            (
                figure.section,
                figure.name,
                f"{_number(figure.value)} {figure.unit}".strip(),
                figure.target,
                {True: "met", False: "MISSED", None: ""}[figure.met],
            )
            for figure in self.figures
        ]
        widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

        def line(cells: tuple[str, ...]) -> str:
            return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

        lines = [line(header), line(tuple("-" * width for width in widths))]
        lines += [line(row) for row in rows]
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """Everything as JSON-ready data."""
        return {
            "context": self.context,
            "figures": [asdict(figure) for figure in self.figures],
            "notes": self.notes,
        }

    def write_json(self, path: Path) -> None:
        """Write the JSON form to `path`."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), indent=2) + "\n")


def _number(value: float | int | str) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return value
