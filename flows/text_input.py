"""Cleaning what people type before anything reads or stores it.

PostgreSQL refuses text holding a NUL character, so NULs are dropped at the door. Characters
that show nothing (zero-width spaces and joiners, the byte order mark, blank fillers) around a
message are trimmed, and a message made only of them counts as empty: it must never become an
invisible journal entry.
"""

from __future__ import annotations

import unicodedata

NUL = "\x00"
# Letters or symbols that render as blank space although Unicode does not class them as such:
# Hangul fillers, the braille blank, the combining grapheme joiner and variation selectors.
_BLANK_LOOKALIKES = frozenset(
    "\u115f\u1160\u3164\uffa0\u2800\u034f" + "".join(chr(c) for c in range(0xFE00, 0xFE10))
)
# Unicode categories that show nothing: format (zero-width space and joiners, BOM, bidi
# marks), controls, and every kind of space or line separator.
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Zs", "Zl", "Zp"})


def is_invisible(char: str) -> bool:
    """Whether one character shows nothing on screen."""
    return (
        char.isspace()
        or char in _BLANK_LOOKALIKES
        or unicodedata.category(char) in _INVISIBLE_CATEGORIES
    )


def is_blank(text: str) -> bool:
    """Whether a text has nothing visible in it."""
    return all(is_invisible(char) for char in text)


# Trimmed at the ends of a message: spaces and the invisibles that mean nothing there. Not
# variation selectors or tag characters, which finish an emoji ("❤️", a regional flag).
_EDGE_INVISIBLES = frozenset("\u200b\u200c\u200d\u2060\ufeff\u180e")


def _trimmable(char: str) -> bool:
    return char.isspace() or char in _EDGE_INVISIBLES


def clean_text(text: str) -> str:
    """The text without NULs and without blank edges; "" when nothing visible is left."""
    text = text.replace(NUL, "")
    if is_blank(text):
        return ""
    start, end = 0, len(text)
    while start < end and _trimmable(text[start]):
        start += 1
    while end > start and _trimmable(text[end - 1]):
        end -= 1
    return text[start:end]
