"""Text helpers for the reply analyser: a position-keeping normal form, clauses and quotes."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# A quote longer than this is cut at a word boundary: enough to recognise, short to read.
QUOTE_MAX_CHARS = 60

_APOSTROPHES = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"}


def normalize(text: str) -> str:
    """Lower-case and straighten apostrophes while keeping every character position."""
    chars = []
    for char in text:
        char = _APOSTROPHES.get(char, char)
        lowered = char.lower()
        # A few characters lower-case to two; keep the original so positions stay aligned.
        chars.append(lowered if len(lowered) == 1 else char)
    return "".join(chars)


def rx(pattern: str) -> re.Pattern[str]:
    """Compile a pattern in which a literal space means "any run of whitespace"."""
    return re.compile(pattern.replace(" ", r"\s+"))


# Clause breaks: sentence marks, commas, dashes, brackets, contrast words, and the joints where
# a new reason or a new stance starts ("so I", "because", "and I"), so that two ideas in one
# sentence are quoted (and negated, and hedged) separately.
_CLAUSE_BREAK = rx(
    r"[.!?;:\n]+|,|\(|\)| - | \u2013 | \u2014 |\.\.\.|\u2026|\bbut\b|\bhowever\b|\bthough\b"
    r"|\balthough\b|\bbecause\b|\bcause\b|\bcoz\b|\bcuz\b|\bso(?= (?:i|i'\w+|im|not|no|it'\w+"
    r"|it|that|we|you|my)\b)|\band(?= (?:i|i'\w+|im|my|also|then|plus|on top)\b)|\bthen\b"
)
WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")


@dataclass(frozen=True)
class Clause:
    """A stretch of the normalized reply between punctuation, a "but" or a new reason."""

    start: int
    end: int
    text: str


def clauses_of(norm: str) -> list[Clause]:
    """Split the normalized reply into clauses, keeping positions."""
    result: list[Clause] = []
    position = 0
    for brk in _CLAUSE_BREAK.finditer(norm):
        result.append(Clause(position, brk.start(), norm[position : brk.start()]))
        position = brk.end()
    result.append(Clause(position, len(norm), norm[position:]))
    return [clause for clause in result if clause.text.strip()]


def clause_at(clauses: Sequence[Clause], position: int) -> Clause:
    """The clause that contains a character position (the nearest one before it otherwise)."""
    found = clauses[0]
    for clause in clauses:
        if clause.start <= position:
            found = clause
        if clause.start <= position < max(clause.end, clause.start + 1):
            return clause
    return found


def trimmed_span(original: str, start: int, end: int) -> tuple[int, int]:
    """The span without surrounding spaces and joining punctuation."""
    while start < end and original[start] in " \t\n,;:-":
        start += 1
    while end > start and original[end - 1] in " \t\n,;:-":
        end -= 1
    return start, end


def quote(original: str, start: int, end: int) -> str:
    """The reply's own words from start to end, trimmed to a short readable fragment."""
    start, end = trimmed_span(original, start, end)
    fragment = " ".join(original[start:end].split())
    if len(fragment) > QUOTE_MAX_CHARS:
        cut = fragment[:QUOTE_MAX_CHARS].rsplit(" ", 1)[0]
        fragment = cut + "..."
    return fragment.strip(" ,;:-")


def first_match(patterns: Iterable[re.Pattern[str]], text: str) -> re.Match[str] | None:
    """The earliest match of any pattern in a text."""
    best: re.Match[str] | None = None
    for pattern in patterns:
        match = pattern.search(text)
        if match and (best is None or match.start() < best.start()):
            best = match
    return best
