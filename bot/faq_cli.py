"""`python -m bot faq`: match questions against the FAQ and print one JSON object each.

With a question as argument, that question; without, one question per line from standard input
(blank lines are skipped). Needs no token and no database: only the content.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from content import CONTENT_DIR
from content.faq import load_faq
from flows.faq_matcher import FaqMatcher, MatchResult


def result_json(question: str, result: MatchResult) -> str:
    """One line of JSON: the question, the id (or null), score, confidence, alternatives."""
    return json.dumps(
        {
            "question": question,
            "id": result.best_id,
            "score": result.score,
            "confidence": result.confidence,
            "alternatives": [
                {"id": entry_id, "score": score} for entry_id, score in result.alternatives[:3]
            ],
        },
        ensure_ascii=False,
    )


def faq_command(words: Iterable[str], stdin: TextIO, stdout: TextIO) -> int:
    """Match the question given as words, or every line of stdin; return the exit code."""
    faq = load_faq(CONTENT_DIR / "faq.yaml")
    matcher = FaqMatcher.from_entries(faq.entries, faq.off_topic)
    given = " ".join(words).strip()
    questions = [given] if given else (line.strip() for line in stdin)
    for question in questions:
        if question:
            print(result_json(question, matcher.match(question)), file=stdout, flush=True)
    return 0
