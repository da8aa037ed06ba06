"""What a progress chart shows, as plain data, so flows can ask for one without a plot library."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ProgressPoint:
    """One completed self-check: when it was taken and its 0..100 score per dimension id."""

    taken_at: datetime
    scores: Mapping[str, int | None]


@dataclass(frozen=True)
class ChartLabels:
    """Every text drawn on the chart, taken from content; dimensions in display order."""

    title: str
    axis_low: str
    axis_high: str
    dimension_titles: tuple[tuple[str, str], ...]
