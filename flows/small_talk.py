"""Recognize small talk typed at the menu: greetings, thanks, and "what can you do".

The FAQ matcher treats "hi" or "thank you" as questions and, rightly, finds no answer; a
person who just says hello deserves a hello back, not "outside what Tandem knows". Only a
whole message counts: "hi, how do I say no" is a question and goes to the matcher.
"""

from __future__ import annotations

import re
from typing import Literal

SmallTalk = Literal["greeting", "thanks", "capability"]

# The entry that answers "what can you do" and its kin.
CAPABILITY_ENTRY = "what-can-tandem-do"

_ADDRESSEES = ("", " tandem", " there", " bot", " again", " everyone")

_GREETINGS = frozenset(
    greeting + addressee
    for greeting in (
        "hi", "hii", "hiii", "hello", "helo", "hey", "heya", "hiya", "howdy", "yo", "hallo",
        "greetings", "good morning", "morning", "good afternoon", "good evening", "evening",
        "good day", "hi hi", "hey hey", "hello hello",
    )
    for addressee in _ADDRESSEES
)  # fmt: skip

_THANKS = frozenset(
    thanks + addressee
    for thanks in (
        "thanks", "thank you", "thank u", "thanku", "thankyou", "thx", "thnx", "ty", "tysm",
        "cheers", "many thanks", "thanks a lot", "thanks so much", "thank you so much",
        "thank you very much", "thanks a million", "much appreciated", "appreciate it",
        "ok thanks", "okay thanks", "ok thank you", "okay thank you", "great thanks",
        "thanks that helped", "thank you that helped",
    )
    for addressee in _ADDRESSEES
)  # fmt: skip

_CAPABILITY = frozenset(
    (
        "help", "help please", "what can you do",
        "what can you do for me", "what can you help me with", "what can you help with",
        "what do you do", "how does this work", "how does it work", "how do you work",
        "how does tandem work", "how do i use this", "how do i use you", "what is this",
        "what are you", "what can i do here", "what now", "what do i do now",
        "what do i do here", "options", "menu please",
    )
)  # fmt: skip

_NOT_LETTERS = re.compile(r"[^a-z\s]+")


def _normalize(text: str) -> str:
    """Lowercase letters and single spaces only: punctuation and emoji do not matter."""
    folded = text.lower().replace("\u2019", "'").replace("'", "")
    return " ".join(_NOT_LETTERS.sub(" ", folded).split())


def recognize(text: str) -> SmallTalk | None:
    """What kind of small talk a whole message is, or None when it is something else."""
    words = _normalize(text)
    if words in _GREETINGS:
        return "greeting"
    if words in _THANKS:
        return "thanks"
    if words in _CAPABILITY:
        return "capability"
    return None
