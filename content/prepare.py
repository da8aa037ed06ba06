"""Content for preparing a real conversation: times of day, date words, fear kinds, pushback
lines by fear and area, and self-kindness lines; validated when loaded."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from typing import Any

from content.errors import ContentError
from content.practice import CONTEXTS

FALLBACK_FEAR = "other"
DATE_WORD_GROUPS = ("today", "tomorrow", "next")
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
MAX_LINE_CHARS = 300


@dataclass(frozen=True)
class TimeOfDay:
    """A time-of-day button: its id, label and the local time it stands for."""

    id: str
    label: str
    time: time


@dataclass(frozen=True)
class FearKind:
    """A kind of feared reaction and the words that point to it."""

    id: str
    cues: tuple[str, ...]


@dataclass(frozen=True)
class PrepareContent:
    """Everything /prepare needs besides its UI texts."""

    times_of_day: tuple[TimeOfDay, ...]
    date_words: Mapping[str, tuple[str, ...]]
    fear_kinds: tuple[FearKind, ...]
    pushbacks: Mapping[str, Mapping[str, str]]
    kindness: tuple[str, ...]

    def fear_kind(self, fear: str) -> str:
        """The kind of reaction a feared sentence names (its first cue found), else "other"."""
        words = f" {re.sub(r'[^a-z0-9]+', ' ', fear.casefold().replace(chr(8217), ''))} "
        for kind in self.fear_kinds:
            for cue in kind.cues:
                if f" {cue.replace(chr(39), '')} " in words:
                    return kind.id
        return FALLBACK_FEAR

    def pushback(self, area: str, fear: str) -> str:
        """What the other person says in the rehearsal, from the fear named and the area."""
        return self.pushbacks[self.fear_kind(fear)][area]

    def time_of_day(self, choice_id: str) -> TimeOfDay | None:
        """The time-of-day button with this id, if any."""
        return next((t for t in self.times_of_day if t.id == choice_id), None)


def parse_prepare(raw: dict[str, Any]) -> PrepareContent:
    """Validate prepare.yaml; raise ContentError listing every problem found."""
    problems: list[str] = []
    times = []
    for item in raw.get("times_of_day") or []:
        match = _TIME.match(str(item.get("time", "")))
        if not match or not item.get("id") or not item.get("label"):
            problems.append(f"prepare: times_of_day entry {item!r} needs id, label, HH:MM time")
            continue
        times.append(
            TimeOfDay(str(item["id"]), str(item["label"]), time(int(match[1]), int(match[2])))
        )
    words_raw = raw.get("date_words") or {}
    date_words = {}
    for group in DATE_WORD_GROUPS:
        found = words_raw.get(group)
        if not isinstance(found, list) or not found:
            problems.append(f"prepare: date_words.{group} must be a non-empty list")
            found = []
        date_words[group] = tuple(str(word).casefold() for word in found)
    kinds = []
    for item in raw.get("fear_kinds") or []:
        cues = item.get("cues")
        if not item.get("id") or not isinstance(cues, list) or not cues:
            problems.append(f"prepare: fear kind {item.get('id')!r} needs an id and cues")
            continue
        kinds.append(FearKind(str(item["id"]), tuple(str(cue).casefold() for cue in cues)))
    pushbacks_raw = raw.get("pushbacks") or {}
    pushbacks: dict[str, dict[str, str]] = {}
    for kind_id in [*(k.id for k in kinds), FALLBACK_FEAR]:
        lines = pushbacks_raw.get(kind_id) or {}
        for area in CONTEXTS:
            line = lines.get(area)
            if not isinstance(line, str) or not line.strip() or len(line) > MAX_LINE_CHARS:
                problems.append(f"prepare: pushbacks.{kind_id}.{area} is missing or too long")
        pushbacks[kind_id] = {area: str(lines.get(area, "")) for area in CONTEXTS}
    for unknown in sorted(set(pushbacks_raw) - set(pushbacks)):
        problems.append(f"prepare: pushbacks.{unknown} names no fear kind")
    kindness = tuple(str(line) for line in raw.get("kindness") or [])
    if not kindness:
        problems.append("prepare: kindness needs at least one line")
    if not times:
        problems.append("prepare: times_of_day needs at least one choice")
    if problems:
        raise ContentError("\n".join(problems))
    return PrepareContent(
        times_of_day=tuple(times),
        date_words=date_words,
        fear_kinds=tuple(kinds),
        pushbacks=pushbacks,
        kindness=kindness,
    )
