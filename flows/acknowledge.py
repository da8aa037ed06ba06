"""Short acknowledgements that answer what a person wrote, with wording that does not repeat.

`notice(text)` finds what an answer is mostly about: guilt, a named feeling, a memory, a person
close to them, or nothing in particular. `next_variant` picks one of a text's numbered
variants so the same person never sees the same wording twice in a row.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

VARIANTS = 3

_GUILT = re.compile(
    r"\b(?:guilt|guilty|my fault|ashamed|shame|selfish|a bad (?:person|friend|daughter|son"
    r"|partner|mother|father|mum|mom|dad)|feel bad|felt bad)\b"
)
_FEELINGS = [
    "sad",
    "angry",
    "anxious",
    "scared",
    "afraid",
    "lonely",
    "hurt",
    "frustrated",
    "resentful",
    "tired",
    "exhausted",
    "overwhelmed",
    "happy",
    "relieved",
    "proud",
    "calm",
    "nervous",
    "jealous",
    "worried",
    "upset",
    "numb",
    "confused",
    "disappointed",
    "grateful",
    "hopeful",
    "stressed",
    "empty",
    "invisible",
    "trapped",
    "free",
    "safe",
    "unsafe",
    "torn",
    "drained",
    "heavy",
    "light",
    "peaceful",
    "hopeless",
    "helpless",
    "annoyed",
    "furious",
    "embarrassed",
]
_FEELING = re.compile(r"\b(" + "|".join(_FEELINGS) + r")\b")
_MEMORY = re.compile(
    r"\b(?:i remember|when i was (?:a |little|young|small|\d)|as a (?:kid|child|teenager)"
    r"|growing up|years ago|back then|used to|my childhood|in school)\b"
)
_PEOPLE = [
    "mum",
    "mom",
    "mother",
    "dad",
    "father",
    "parents",
    "partner",
    "husband",
    "wife",
    "boyfriend",
    "girlfriend",
    "sister",
    "brother",
    "friend",
    "friends",
    "boss",
    "manager",
    "colleague",
    "son",
    "daughter",
    "kids",
    "children",
    "grandma",
    "grandpa",
    "aunt",
    "uncle",
    "family",
]
_PERSON = re.compile(r"\bmy (" + "|".join(_PEOPLE) + r")\b")


@dataclass(frozen=True)
class Noticed:
    """What an answer is mostly about, and the word that showed it ("" when none)."""

    kind: str  # "guilt", "feeling", "memory", "person" or "plain"
    word: str = ""


def notice(text: str) -> Noticed:
    """The most telling thing in an answer, in this order: guilt, feeling, memory, person."""
    lowered = " ".join(text.lower().replace("\u2019", "'").split())
    if _GUILT.search(lowered):
        return Noticed("guilt")
    feeling = _FEELING.search(lowered)
    if feeling:
        return Noticed("feeling", feeling.group(1))
    if _MEMORY.search(lowered):
        return Noticed("memory")
    person = _PERSON.search(lowered)
    if person:
        return Noticed("person", person.group(1))
    return Noticed("plain")


def next_variant(memory: MutableMapping[str, Any], key: str, count: int = VARIANTS) -> int:
    """The next of `count` variants (1-based) for `key`, never the one used last time."""
    last = memory.get(key)
    chosen = (int(last) % count) + 1 if isinstance(last, int) else 1
    memory[key] = chosen
    return chosen
