"""Reading level of Tandem's texts: the Flesch-Kincaid grade with a small syllable counter.

The counter is the usual heuristic (groups of vowels, a silent final "e", "-le" after a
consonant); on plain English it is within about half a syllable per long word of a dictionary,
which moves a grade by well under one. Enough to hold texts under a grade, not to rank them.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
# A sentence ends at . ! ? (one or more), or at a line break between two lines of text.
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$|[\"'\u201d)])|\n\s*\n")
_VOWEL_GROUP = re.compile(r"[aeiouy]+")


def syllables(word: str) -> int:
    """Syllables in one English word, by the vowel-group heuristic (at least one)."""
    word = word.lower().split("'")[0]
    if len(word) <= 3:
        return 1
    count = len(_VOWEL_GROUP.findall(word))
    # A final silent e ("make", "home"), but not "-le" after a consonant ("little", "simple").
    if word.endswith("e") and not (word.endswith("le") and word[-3] not in "aeiouy"):
        count -= 1
    # "-ed" is silent after most consonants ("asked", "helped"), spoken after t and d.
    if word.endswith("ed") and word[-3] not in "aeioutdy":
        count -= 1
    return max(1, count)


def words(text: str) -> list[str]:
    """The words of a text (numbers and punctuation left out)."""
    return _WORD.findall(text)


def sentence_count(text: str) -> int:
    """Sentences in a text; a text without an end mark is one sentence."""
    pieces = [piece for piece in _SENTENCE_END.split(text) if words(piece)]
    return max(1, len(pieces))


def flesch_kincaid_grade(text: str) -> float:
    """The Flesch-Kincaid grade level: 0.39 words/sentence + 11.8 syllables/word - 15.59."""
    found = words(text)
    if not found:
        return 0.0
    per_sentence = len(found) / sentence_count(text)
    per_word = sum(syllables(word) for word in found) / len(found)
    return 0.39 * per_sentence + 11.8 * per_word - 15.59
