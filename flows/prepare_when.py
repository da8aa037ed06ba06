"""Reading when a conversation will happen from what the person typed: "friday", "12 dec",
"tomorrow 7pm". Pure functions; day and month names come from content, never from code."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta

from flows.daily_schedule import parse_local_time

# "7pm", "7 pm", "7:30pm", "19:30", "19.30"; a bare number is a day of the month, not a time.
_TIME = re.compile(r"\b(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)\b|\b(\d{1,2})[:.](\d{2})\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+([a-z]+)\b")
_MONTH_DAY = re.compile(r"\b([a-z]+)\s+(\d{1,2})(?:st|nd|rd|th)?\b")
# How far back a typed date counts as "already passed" rather than "next year".
_PAST_WINDOW = timedelta(days=60)


@dataclass(frozen=True)
class WhenWords:
    """Names to read dates with: weekdays (Monday first), months, and day words by group
    ("today", "tomorrow", and "next" as in "next friday")."""

    weekdays: Sequence[str]
    months: Sequence[str]
    day_words: Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class WhenReading:
    """What a typed line said: a day, a time of day, and whether a day was named but past."""

    day: date | None = None
    at: time | None = None
    past: bool = False


def _normalized(text: str) -> str:
    return " ".join(re.sub(r"[,;!?]", " ", text.casefold()).split())


def read_time(text: str) -> tuple[time | None, str]:
    """A time of day in the text, and the text without it."""
    norm = _normalized(text)
    match = _TIME.search(norm)
    if match is None:
        return None, norm
    found = parse_local_time(match.group(0).replace(" ", ""))
    return found, (norm[: match.start()] + " " + norm[match.end() :]).strip()


def _month(word: str, months: Sequence[str]) -> int | None:
    """A month by name or its first three letters or more ("dec", "decem")."""
    if len(word) < 3:
        return None
    for index, name in enumerate(months):
        if name.casefold().startswith(word):
            return index + 1
    return None


def _weekday(words: list[str], weekdays: Sequence[str]) -> int | None:
    for word in words:
        if len(word) < 3:
            continue
        for index, name in enumerate(weekdays):
            if name.casefold().startswith(word):
                return index
    return None


def _has_phrase(norm: str, phrases: Sequence[str]) -> bool:
    return any(re.search(rf"\b{re.escape(p)}\b", norm) for p in phrases)


def _dated(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def read_day(text: str, today: date, words: WhenWords) -> WhenReading:
    """The day named in `text` (relative to the person's `today`), if any."""
    norm = _normalized(text)
    if _has_phrase(norm, words.day_words.get("tomorrow", ())):
        return WhenReading(day=today + timedelta(days=1))
    if _has_phrase(norm, words.day_words.get("today", ())):
        return WhenReading(day=today)
    candidate: date | None = None
    iso = _ISO_DATE.search(norm)
    if iso:
        candidate = _dated(int(iso[1]), int(iso[2]), int(iso[3]))
    else:
        for pattern, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
            for match in pattern.finditer(norm):
                month = _month(match[month_group], words.months)
                if month is not None:
                    candidate = _dated(today.year, month, int(match[day_group]))
                    if candidate is not None and candidate < today - _PAST_WINDOW:
                        candidate = _dated(today.year + 1, month, int(match[day_group]))
                    break
            if candidate is not None:
                break
    if candidate is not None:
        return WhenReading(day=candidate) if candidate >= today else WhenReading(past=True)
    weekday = _weekday(norm.split(), words.weekdays)
    if weekday is None:
        return WhenReading()
    ahead = (weekday - today.weekday()) % 7
    if ahead == 0 and _has_phrase(norm, words.day_words.get("next", ())):
        ahead = 7  # "next friday" said on a Friday means a week from now; "friday" is today
    return WhenReading(day=today + timedelta(days=ahead))


def read_when(text: str, today: date, words: WhenWords) -> WhenReading:
    """A day and a time of day from one typed line ("tomorrow 7pm")."""
    at, rest = read_time(text)
    reading = read_day(rest, today, words)
    return WhenReading(day=reading.day, at=at, past=reading.past)
