"""Reading when a talk happens from typed words, and which pushback a named fear gets."""

from __future__ import annotations

from datetime import date, time

import pytest

from content import Content
from flows.prepare import prepare_content, when_words
from flows.prepare_when import WhenReading, read_when

MONDAY = date(2026, 3, 2)
FRIDAY = date(2026, 3, 6)


@pytest.mark.parametrize(
    ("typed", "today", "expected"),
    [
        ("friday", MONDAY, WhenReading(day=FRIDAY)),
        ("Fri", MONDAY, WhenReading(day=FRIDAY)),
        ("friday", FRIDAY, WhenReading(day=FRIDAY)),
        ("next friday", FRIDAY, WhenReading(day=date(2026, 3, 13))),
        ("monday", FRIDAY, WhenReading(day=date(2026, 3, 9))),
        ("tomorrow 7pm", MONDAY, WhenReading(day=date(2026, 3, 3), at=time(19, 0))),
        ("Tonight at 8:30 pm", MONDAY, WhenReading(day=MONDAY, at=time(20, 30))),
        ("12 dec", MONDAY, WhenReading(day=date(2026, 12, 12))),
        ("Dec 12th, 18:00", MONDAY, WhenReading(day=date(2026, 12, 12), at=time(18, 0))),
        ("3rd of march", MONDAY, WhenReading(day=date(2026, 3, 3))),
        ("1 march", MONDAY, WhenReading(past=True)),
        ("5 jan", date(2026, 12, 20), WhenReading(day=date(2027, 1, 5))),
        ("5 jan", MONDAY, WhenReading(past=True)),
        ("2026-04-01", MONDAY, WhenReading(day=date(2026, 4, 1))),
        ("31 feb", MONDAY, WhenReading()),
        ("soon", MONDAY, WhenReading()),
        ("7pm", MONDAY, WhenReading(at=time(19, 0))),
    ],
)
def test_typed_days_and_times(
    content: Content, typed: str, today: date, expected: WhenReading
) -> None:
    assert read_when(typed, today, when_words(content)) == expected


@pytest.mark.parametrize(
    ("fear", "kind"),
    [
        ("She will say I'm selfish", "guilt"),
        ("he'll get angry and shout", "anger"),
        ("my mum will cry", "hurt"),
        ("they'll laugh it off", "dismiss"),
        ("he goes silent for days", "silence"),
        ("she might break up with me", "leave"),
        ("I don't know, it will be awkward", "other"),
    ],
)
def test_a_named_fear_picks_its_pushback(content: Content, fear: str, kind: str) -> None:
    prepare = prepare_content(content)
    assert prepare.fear_kind(fear) == kind
    assert prepare.pushback("work", fear) == prepare.pushbacks[kind]["work"]
