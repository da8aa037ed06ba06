"""Text helpers for the reply analyser: a position-keeping normal form, clauses and quotes."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# A quote longer than this is cut at a word boundary: enough to recognise, short to read.
QUOTE_MAX_CHARS = 60

_APOSTROPHES = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"}

# Phone spelling read as the words it stands for, so the rules need one spelling only.
_SHORTHAND = {
    "u": "you",
    "r": "are",
    "pls": "please",
    "plz": "please",
    "sry": "sorry",
    "soz": "sorry",
    "idk": "i don't know",
    "dunno": "don't know",
    "tbh": "to be honest",
    "rn": "right now",
    "k": "ok",
    "kk": "ok",
    "okk": "ok",
    "okie": "ok",
    "oki": "ok",
    "ya": "yeah",
    "yea": "yeah",
    "yeh": "yeah",
    "yh": "yeah",
    "ye": "yeah",
    "nvm": "never mind",
    "bc": "because",
    "cuz": "because",
    "coz": "because",
    "cos": "because",
    "wanna": "want to",
    "gona": "gonna",
    "gunna": "gonna",
    "tonite": "tonight",
    "2nite": "tonight",
    "cnt": "can't",
    "dnt": "don't",
    "wnt": "won't",
    "cud": "could",
    "wud": "would",
    "shud": "should",
    "thnx": "thanks",
    "ofc": "of course",
    "gotta": "got to",
    "lemme": "let me",
    "tho": "though",
    "thx": "thanks",
    "ty": "thanks",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "tomo": "tomorrow",
    "2moro": "tomorrow",
    "2morrow": "tomorrow",
    "wknd": "weekend",
    "b4": "before",
    "ppl": "people",
    "im": "i'm",
    "ive": "i've",
    "id": "i'd",
    "cant": "can't",
    "dont": "don't",
    "wont": "won't",
    "didnt": "didn't",
    "isnt": "isn't",
    "doesnt": "doesn't",
    "thats": "that's",
    "its": "it's",
    "whats": "what's",
    "youre": "you're",
    "theyre": "they're",
    "wouldnt": "wouldn't",
    "couldnt": "couldn't",
    "shouldnt": "shouldn't",
    "havent": "haven't",
    "wasnt": "wasn't",
    "arent": "aren't",
    "lets": "let's",
    "youll": "you'll",
    "youve": "you've",
    "theres": "there's",
    "noo": "no",
    "nooo": "no",
    "yess": "yes",
    "sooo": "so",
    "soo": "so",
}
# "ur" is "you're" before these words ("ur always late") and "your" otherwise ("ur show").
_UR_YOU_ARE_BEFORE = frozenset(
    [
        "so",
        "always",
        "never",
        "being",
        "such",
        "right",
        "not",
        "just",
        "literally",
        "really",
        "the",
        "a",
        "an",
        "joking",
        "kidding",
        "welcome",
        "too",
        "very",
    ]
)
# "ill" is "I'll" unless it follows a word that makes it "sick" ("I'm ill", "feeling ill").
_ILL_MEANS_SICK_AFTER = frozenset(
    ["i'm", "im", "am", "been", "feel", "feeling", "so", "really", "very", "was", "is", "got"]
)
_TOKEN = re.compile(r"[a-z0-9']+|[^a-z0-9']")
_REPEATS = re.compile(r"([a-z])\1{2,}")


@dataclass(frozen=True)
class Normalized:
    """The reply in one spelling (lower case, straight apostrophes, phone words spelled out).

    `starts[i]` and `ends[i]` give the span of the original text that character i came from,
    so anything found in the normal form can be quoted in the person's own spelling.
    """

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original text's span for a span of the normal form."""
        if not self.text:
            return 0, 0
        start = min(max(start, 0), len(self.text) - 1)
        end = min(max(end, start + 1), len(self.text))
        return self.starts[start], self.ends[end - 1]


def _lower(text: str) -> str:
    """Lower-case and straighten apostrophes, keeping one character for each character."""
    chars = []
    for char in text:
        char = _APOSTROPHES.get(char, char)
        lowered = char.lower()
        # A few characters lower-case to two; keep the original so positions stay aligned.
        chars.append(lowered if len(lowered) == 1 else char)
    return "".join(chars)


def normalize(text: str) -> Normalized:
    """Lower-case, straighten apostrophes, spell out phone words; keep a map to the original."""
    lowered = _lower(text)
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    tokens = list(_TOKEN.finditer(lowered))
    previous_word = ""
    for index, token in enumerate(tokens):
        word = token.group(0)
        replacement = word
        if word[0].isalnum():
            squeezed = _REPEATS.sub(r"\1", word) if _REPEATS.search(word) else word
            replacement = _SHORTHAND.get(word, _SHORTHAND.get(squeezed, squeezed))
            if word == "ur":
                following = next(
                    (t.group(0) for t in tokens[index + 1 :] if t.group(0).strip()), ""
                )
                replacement = "you're" if following in _UR_YOU_ARE_BEFORE else "your"
            elif word == "ill" and previous_word not in _ILL_MEANS_SICK_AFTER:
                replacement = "i'll"
            previous_word = word
        if replacement == word:
            pieces.append(word)
            starts.extend(range(token.start(), token.end()))
            ends.extend(range(token.start() + 1, token.end() + 1))
        else:
            pieces.append(replacement)
            starts.extend([token.start()] * len(replacement))
            ends.extend([token.end()] * len(replacement))
    return Normalized("".join(pieces), tuple(starts), tuple(ends))


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
