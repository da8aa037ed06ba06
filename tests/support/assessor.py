"""A stand-in for the crisis detector: chosen readings for chosen messages, the real one else.

Flow tests use it to reach outcomes the detector of the day may not give for a message
(check-in, past, about someone else) without depending on its rules.
"""

from __future__ import annotations

from bot.app import Runtime
from flows.crisis import Assessment, CrisisKind, Outcome, assess
from flows.safety import safety_interrupt


class FakeAssessor:
    """Readings by exact message; anything else goes to the real detector."""

    def __init__(self, readings: dict[str, Assessment] | None = None) -> None:
        self.readings = dict(readings or {})
        self.seen: list[str] = []

    def __call__(self, text: str) -> Assessment:
        self.seen.append(text)
        found = self.readings.get(text.strip())
        return found if found is not None else assess(text)


def install(runtime: Runtime, readings: dict[str, Assessment]) -> FakeAssessor:
    """Make the runtime's safety interrupt read messages with a FakeAssessor."""
    fake = FakeAssessor(readings)
    safety_interrupt(runtime.engine).assessor = fake
    return fake


def reading(outcome: str, kind: str | None = None, *, about_other: bool = False) -> Assessment:
    """An Assessment from plain words: reading("check_in", "suicide")."""
    return Assessment(Outcome(outcome), CrisisKind(kind) if kind else None, about_other)
