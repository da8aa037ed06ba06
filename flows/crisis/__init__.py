"""Read a typed message for danger: crisis, a caring check-in, a past experience, or calm.

Three parts, measured together by `python -m benchmarks.crisis_eval` (docs/crisis-detection.md):

1. Phrase families over normalised text (flows.crisis.text, flows.crisis.phrases): meaning
   groups such as "wanting it all to stop", "means at hand", "locked in", each with a kind and
   an outcome (crisis when the words leave no doubt, check-in when they are high risk but
   could mean something milder).
2. Context (flows.crisis.context): a negation before the words, a past and resolved telling,
   someone else in danger (the same families read in third person), jokes, hyperbole, films.
3. A small learned model (flows.crisis.model) that raises a check-in when no phrase matched
   but the message reads like the ones that needed help.

A false alarm costs the person one caring question; a miss could cost far more, so the
balance leans towards asking.
"""

from __future__ import annotations

import subprocess
import threading
from dataclasses import dataclass

from flows.crisis.assessment import CALM, Assessment, CrisisKind, Outcome
from flows.crisis.context import (
    about_someone_else,
    disowns_danger,
    is_about_media,
    is_hyperbole,
    is_joke,
    is_negated,
    is_past,
    is_past_experience,
    mostly_about_someone_else,
    shift_to_first_person,
    shows_concern,
)
from flows.crisis.model import MessageModel, train_in_subprocess, training_messages
from flows.crisis.phrases import KIND_PRIORITY, PHRASES, Phrase
from flows.crisis.text import normal_words, normalize

__all__ = [
    "CALM",
    "PHRASES",
    "Assessment",
    "CrisisDetector",
    "CrisisKind",
    "Outcome",
    "assess",
    "detect_crisis",
    "normalize",
    "warm_up",
]

# Above this probability the model asks the check-in question when no phrase matched. Chosen
# by cross-validation on the development set (docs/crisis-detection.md).
CHECK_IN_THRESHOLD = 0.65
_PLAIN_WORDS_THRESHOLD = 0.8
# The model reads no message shorter than this: one or two words ("stop", "not tonight")
# give it nothing but its prior, which leans to danger. Danger in a word or two is a phrase.
_MODEL_MIN_WORDS = 3
# Without a word of danger or distress, the model reads nothing shorter than this.
_PLAIN_MIN_WORDS = 6
# Phrases whose matches a joke marker or a film does not undo: nobody jokes about pills
# lined up or a date picked.
_SERIOUS_FAMILIES = frozenset({"plan", "means", "place", "method search", "time", "goodbye"})
# Kinds read again in third person ("she wants to die"), for someone else in danger.
_SHIFTED_KINDS = frozenset(
    {CrisisKind.SUICIDE, CrisisKind.SELF_HARM, CrisisKind.SEXUAL_VIOLENCE, CrisisKind.VIOLENCE}
)
# Kinds where someone else does the harm: the one harmed decides who is in danger.
_HARM_BY_OTHER = frozenset({CrisisKind.VIOLENCE, CrisisKind.SEXUAL_VIOLENCE})
_THIRD_PERSON_WORDS = frozenset(
    [
        "he", "she", "they", "her", "him", "them", "his", "their", "herself", "himself",
        "themselves", "friend", "mate", "sister", "brother", "son", "daughter", "mom", "dad",
        "wife", "husband", "girlfriend", "boyfriend", "partner", "roommate", "flatmate", "twin",
        "cousin", "student", "someone", "somebody",
    ]
)
# A message longer than this is read in full by the phrases but only its first part
# is scored by the model: it keeps the cost of a pasted essay bounded.
_MODEL_CHARS = 600


@dataclass(frozen=True, slots=True)
class _Hit:
    """One phrase match that survived negation."""

    phrase: Phrase
    about_other: bool


def _rank(hit: _Hit) -> tuple[int, int, bool]:
    """Crisis before check-in, then the gravest kind, then the writer's own danger."""
    return (
        0 if hit.phrase.outcome is Outcome.CRISIS else 1,
        KIND_PRIORITY.index(hit.phrase.kind),
        hit.about_other,
    )


class CrisisDetector:
    """Phrase families and context decide; the model adds check-ins the phrases miss."""

    def __init__(self, model: MessageModel | None, threshold: float = CHECK_IN_THRESHOLD):
        self.model = model
        self.threshold = threshold

    def hits(self, normalized: str, words: set[str]) -> tuple[list[_Hit], bool]:
        """Phrase matches not negated, and whether any match was negated."""
        hits: list[_Hit] = []
        negated = False
        for phrase in PHRASES:
            match = phrase.find(normalized, words)
            if match is None:
                continue
            if is_negated(normalized, match.start()):
                negated = True
                continue
            # Fear is the writer's own: "i am scared of him".
            other = phrase.kind is not CrisisKind.FEAR and (
                phrase.about_other
                or about_someone_else(
                    normalized,
                    match.start(),
                    match.end(),
                    harm_by_other=phrase.kind in _HARM_BY_OTHER,
                )
            )
            hits.append(_Hit(phrase, other))
        if words.isdisjoint(_THIRD_PERSON_WORDS):
            return hits, negated
        # Only the clauses that speak of someone else are read again, in first person.
        clauses = [
            clause
            for clause in normalized.split(" . ")
            if not _THIRD_PERSON_WORDS.isdisjoint(clause.split())
        ]
        shifted = shift_to_first_person(" . ".join(clauses))
        shifted_words = set(shifted.split())
        found = {hit.phrase for hit in hits}
        for phrase in PHRASES:
            if phrase in found or phrase.kind not in _SHIFTED_KINDS:
                continue
            match = phrase.find(shifted, shifted_words)
            if match is not None and not is_negated(shifted, match.start()):
                hits.append(_Hit(phrase, True))
        return hits, negated

    def assess(self, text: str) -> Assessment:
        """Read one message for danger: crisis, check-in, a past experience, or calm."""
        if not text or text.isspace():
            return CALM
        words = normal_words(text)
        if not words:
            return CALM
        normalized = " ".join(words)
        hits, negated = self.hits(normalized, set(words))
        if hits:
            serious = any(hit.phrase.family in _SERIOUS_FAMILIES for hit in hits)
            if is_hyperbole(normalized):
                return CALM
            if not serious and (is_joke(normalized) or is_about_media(normalized)):
                return CALM
            best = min(hits, key=_rank)
            if best.about_other and is_about_media(normalized):
                # "the book ends with her taking an overdose": a story, not a person.
                return CALM
            if is_past(normalized):
                return Assessment(Outcome.PAST, best.phrase.kind, best.about_other)
            if best.phrase.outcome is Outcome.CHECK_IN and disowns_danger(normalized):
                return CALM
            # A witness or helper telling of someone else's danger: "my sister rang me crying,
            # her husband threw her against the fridge".
            about_other = best.about_other or (
                best.phrase.kind is not CrisisKind.FEAR and mostly_about_someone_else(normalized)
            )
            return Assessment(best.phrase.outcome, best.phrase.kind, about_other)
        if is_past_experience(normalized):
            # Without the model (rules only) the kind of a heavy past is not read; distress
            # stands for "something hard", so kind stays None only for calm.
            kind = self.model.likeliest_kind(normalized) if self.model else CrisisKind.DISTRESS
            return Assessment(Outcome.PAST, kind)
        if negated or self.model is None or disowns_danger(normalized):
            return CALM
        if is_joke(normalized) or is_about_media(normalized):
            return CALM
        scored = normalized[:_MODEL_CHARS]
        # Without a single word of danger or distress the model must be surer: "my sister
        # asked again and i said no" reads much like the fear messages it learned from.
        count = len([word for word in words if word != "."])
        concern = shows_concern(normalized)
        if count < _MODEL_MIN_WORDS or (not concern and count < _PLAIN_MIN_WORDS):
            # A few plain words give the model almost nothing to read ("not kept again"), and
            # then its answer leans on what it saw most often in training, which is danger.
            return CALM
        threshold = self.threshold if concern else _PLAIN_WORDS_THRESHOLD
        if self.model.help_probability(scored) < threshold:
            return CALM
        other = mostly_about_someone_else(scored)
        return Assessment(Outcome.CHECK_IN, self.model.likeliest_kind(scored), other)


_default: CrisisDetector | None = None
_default_lock = threading.Lock()
_warming: threading.Thread | None = None
# What answers while the model is still training in the background: the phrases and context
# alone, which decide every crisis anyway. Nobody's message waits for a model.
_RULES_ONLY = CrisisDetector(None)


def default_detector() -> CrisisDetector:
    """The detector trained on the shipped messages, built once on first use."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = CrisisDetector(MessageModel.train(training_messages()))
    return _default


def _build_default_in_a_subprocess() -> None:
    """Fit the model in another process, falling back to this one if that fails."""
    global _default
    try:
        model = train_in_subprocess()
    except (OSError, subprocess.SubprocessError, ValueError, KeyError):
        model = MessageModel.train(training_messages())
    with _default_lock:
        if _default is None:
            _default = CrisisDetector(model)


def warm_up() -> threading.Thread:
    """Train the default detector in the background (the fit itself runs in a subprocess);
    until it is ready, `assess` reads messages with the phrases and context alone."""
    global _warming
    thread = threading.Thread(
        target=_build_default_in_a_subprocess, name="crisis-warm-up", daemon=True
    )
    _warming = thread
    thread.start()
    return thread


def _current_detector() -> CrisisDetector:
    """The trained detector, or the rules alone while a warm-up is still training it."""
    if _default is not None:
        return _default
    if _warming is not None and _warming.is_alive():
        return _RULES_ONLY
    return default_detector()


def assess(text: str) -> Assessment:
    """Read one message for danger: crisis, check-in, a past experience, or calm."""
    return _current_detector().assess(text)


def detect_crisis(text: str) -> CrisisKind | None:
    """The kind of danger when the message calls for help resources first, else None."""
    assessment = assess(text)
    return assessment.kind if assessment.outcome is Outcome.CRISIS else None
