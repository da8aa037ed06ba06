"""Alternative FAQ matching techniques, kept only to reproduce the comparison that chose one.

Each technique turns a question into a score per owner (entry id, or OFF_TOPIC for the
off-topic examples). `compare()` picks each technique's rejection threshold on the development
set and then measures it, unchanged, on the evaluation set. Run it with
`python -m benchmarks.faq_eval --compare`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from content.faq import FaqContent
from flows import faq_matcher
from flows.faq_matcher import OFF_TOPIC, FaqMatcher, canonical_word, content_words

Scorer = Callable[[str], dict[str, float]]


def _wordings(content: FaqContent) -> list[tuple[str, str]]:
    """(owner, wording) for every entry wording and every off-topic example."""
    pairs = [
        (entry.id, text) for entry in content.entries for text in (entry.question, *entry.variants)
    ]
    return pairs + [(OFF_TOPIC, text) for text in content.off_topic]


def fuzzy_scorer(content: FaqContent) -> Scorer:
    """rapidfuzz token-set ratio between the folded question and each wording (max per owner)."""
    folded = [(owner, " ".join(content_words(text))) for owner, text in _wordings(content)]

    def score(question: str) -> dict[str, float]:
        """Best token-set ratio per owner, scaled to 0..1."""
        query = " ".join(content_words(question))
        best: dict[str, float] = defaultdict(float)
        for owner, text in folded:
            best[owner] = max(best[owner], fuzz.token_set_ratio(query, text) / 100.0)
        return best

    return score


def bm25_scorer(content: FaqContent, k1: float = 1.2, b: float = 0.75) -> Scorer:
    """Okapi BM25 over canonical words of each wording, divided by the query's total IDF
    (unknown words at the highest IDF) so that scores compare across questions."""
    pairs = _wordings(content)
    documents = [[canonical_word(word) for word in content_words(text)] for _, text in pairs]
    average_length = sum(map(len, documents)) / len(documents)
    frequency: dict[str, int] = defaultdict(int)
    for document in documents:
        for word in set(document):
            frequency[word] += 1
    count = len(documents)
    idf = {word: math.log(1 + (count - df + 0.5) / (df + 0.5)) for word, df in frequency.items()}
    unknown_idf = math.log(1 + (count + 0.5) / 0.5)

    def score(question: str) -> dict[str, float]:
        """Best normalized BM25 per owner."""
        query = {canonical_word(word) for word in content_words(question)}
        total = sum(idf.get(word, unknown_idf) for word in query) or 1.0
        best: dict[str, float] = defaultdict(float)
        for (owner, _), document in zip(pairs, documents, strict=True):
            length_norm = k1 * (1 - b + b * len(document) / average_length)
            value = 0.0
            for word in query & set(document):
                tf = document.count(word)
                value += idf[word] * tf * (k1 + 1) / (tf + length_norm)
            best[owner] = max(best[owner], value / (total * (k1 + 1) / (1 + k1 * (1 - b + b))))
        return best

    return score


def tfidf_scorer(
    content: FaqContent,
    word: float,
    char: float,
    entry: float,
    topical_gate: bool,
    softmax: float = 0.0,
) -> tuple[Scorer, FaqMatcher]:
    """The shipped TF-IDF matcher with other blend weights (module constants patched for the
    build and each call, so the shipped defaults stay untouched afterwards)."""
    weights = {
        "WORDING_WORD_WEIGHT": word,
        "WORDING_CHAR_WEIGHT": char,
        "ENTRY_WORD_WEIGHT": entry,
        "REQUIRE_TOPICAL_WORD": topical_gate,
        "PROB_WEIGHT": softmax,
    }

    def patched(call: Callable[[], dict[str, float]]) -> dict[str, float]:
        """Run call with this technique's weights in place."""
        saved = {name: getattr(faq_matcher, name) for name in weights}
        for name, value in weights.items():
            setattr(faq_matcher, name, value)
        try:
            return call()
        finally:
            for name, value in saved.items():
                setattr(faq_matcher, name, value)

    matcher = FaqMatcher.from_entries(content.entries, content.off_topic)

    def score(question: str) -> dict[str, float]:
        """Blended score per owner; entries failing the topical gate are zeroed."""

        def compute() -> dict[str, float]:
            scores, words = matcher._scores(question)
            if topical_gate:
                for owner in list(scores):
                    topical = matcher._topical_by_entry.get(owner, frozenset())
                    if owner != OFF_TOPIC and not words & topical:
                        scores[owner] = 0.0
            return scores

        return patched(compute)

    return score, matcher


@dataclass(frozen=True)
class Outcome:
    """Accuracy and rejection of one technique on one question set at one threshold."""

    accuracy: float
    rejection: float
    threshold: float


def decide(scores: dict[str, float], threshold: float, guard: bool) -> str | None:
    """The answered entry id, or None when rejected."""
    off_topic = scores.get(OFF_TOPIC, 0.0)
    real = [(owner, value) for owner, value in scores.items() if owner != OFF_TOPIC]
    if not real:
        return None
    owner, value = max(real, key=lambda item: (item[1], item[0]))
    if value < threshold or (guard and off_topic >= value):
        return None
    return owner


def evaluate(
    scorer: Scorer,
    in_scope: Sequence[tuple[str, str]],
    out_of_scope: Sequence[str],
    threshold: float,
    guard: bool,
) -> Outcome:
    """Top-1 accuracy (answered with the right id) and rejection rate at a threshold."""
    right = sum(decide(scorer(q), threshold, guard) == expected for q, expected in in_scope)
    rejected = sum(decide(scorer(q), threshold, guard) is None for q in out_of_scope)
    return Outcome(right / len(in_scope), rejected / len(out_of_scope), threshold)


def tune_threshold(
    scorer: Scorer, in_scope: Sequence[tuple[str, str]], out_of_scope: Sequence[str], guard: bool
) -> float:
    """Threshold that maximizes min(accuracy, rejection) on the given (development) set."""
    cached_in = [(scorer(q), expected) for q, expected in in_scope]
    cached_out = [scorer(q) for q in out_of_scope]
    best = (-1.0, 0.0)
    for step in range(5, 90):
        threshold = step / 100
        accuracy = sum(decide(s, threshold, guard) == e for s, e in cached_in) / len(cached_in)
        rejection = sum(decide(s, threshold, guard) is None for s in cached_out) / len(cached_out)
        best = max(best, (min(accuracy, rejection), -threshold))
    return -best[1]
