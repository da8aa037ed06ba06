"""The measurable part of the content review checklist (docs/content-review.md): reading level,
words that diagnose, label or blame, and safety hooks. The rest is read by a person."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from content import Content, load_content
from content.daily import load_daily
from content.faq import load_faq
from content.practice import load_practice
from tests.support.readability import flesch_kincaid_grade, sentence_count, syllables

MAX_GRADE = 8.0

# Labels, clinical terms and blame. A person is never "an addict", "needy" or "toxic" here.
FORBIDDEN = re.compile(
    r"\b(disorders?|symptoms?|patholog\w*|patients?|dysfunction\w*|toxic|enablers?"
    r"|narcissis\w*|crazy|insane|psycho\w*|mentally ill|selfish|weak|pathetic|stupid|needy"
    r"|clingy|you failed|you should have|addicts?|codependents|you are codependent"
    r"|(?<!adult children of )alcoholics?)\b",
    re.IGNORECASE,
)
# Words allowed only to say what something is NOT: "not a diagnosis", "never your fault".
NEGATED_ONLY = re.compile(r"\b(diagnos\w*|fault|blam\w*)\b", re.IGNORECASE)
NEGATION = re.compile(r"\b(not|never|no|nothing|cannot|can't|isn't|without)\b", re.IGNORECASE)
# Danger words: an answer that names them also says where help is (/sos).
DANGER = re.compile(
    r"\b(afraid|unsafe|in danger|threat\w*|ending their life|hurt you|hurting yourself)\b",
    re.IGNORECASE,
)


def reviewed_texts(content: Content) -> Iterator[tuple[str, str]]:
    """(where, text) for every FAQ answer, reflection text, practice scene and example reply,
    and daily prompt."""
    for entry in load_faq().entries:
        yield f"faq {entry.id}", entry.answer
    for theme in content.reflection.themes:
        yield f"reflection {theme.id} blurb", theme.blurb
        yield f"reflection {theme.id} next step", theme.next_step
        for question in theme.questions:
            yield f"reflection {question.id}", question.text
    practice = load_practice()
    for scenario in practice.scenarios:
        yield f"practice {scenario.id} scene", scenario.scene
        for number, example in enumerate(scenario.examples, start=1):
            yield f"practice {scenario.id} example {number}", example
    for upcoming in practice.upcoming:
        yield f"practice {upcoming.id} scene", upcoming.scene
        for number, example in enumerate(upcoming.examples, start=1):
            yield f"practice {upcoming.id} example {number}", example
    for prompt in load_daily().prompts:
        yield f"daily {prompt.id}", prompt.text


@pytest.fixture(scope="module")
def texts() -> list[tuple[str, str]]:
    """Every reviewed text."""
    return list(reviewed_texts(load_content()))


def test_every_text_reads_at_grade_eight_or_below(texts: list[tuple[str, str]]) -> None:
    """Flesch-Kincaid grade <= 8 for each text on its own, not just on average."""
    assert len(texts) > 350
    too_hard = [
        f"{where}: grade {grade:.1f}"
        for where, text in texts
        if (grade := flesch_kincaid_grade(text)) > MAX_GRADE
    ]
    assert too_hard == []


def test_no_labels_clinical_terms_or_blame(texts: list[tuple[str, str]]) -> None:
    """None of the forbidden words, and diagnosis, fault or blame only in a negation."""
    problems = [
        f"{where}: {match.group(0)!r}"
        for where, text in texts
        for match in FORBIDDEN.finditer(text)
    ]
    for where, text in texts:
        for match in NEGATED_ONLY.finditer(text):
            sentence_start = max(text.rfind(mark, 0, match.start()) for mark in ".!?:")
            before = text[sentence_start + 1 : match.start()]
            if not NEGATION.search(before):
                problems.append(f"{where}: {match.group(0)!r} outside a negation")
    assert problems == []


def test_answers_that_name_danger_point_to_help(texts: list[tuple[str, str]]) -> None:
    """An FAQ answer that talks about fear, threats or danger says where help is."""
    missing = [
        where
        for where, text in texts
        if where.startswith("faq ") and DANGER.search(text) and "/sos" not in text
    ]
    assert missing == []


def test_themes_that_may_stir_things_up_say_so_and_point_to_sos(content: Content) -> None:
    """A reflection theme that is never suggested (it may hurt) warns and mentions /sos."""
    gentle = [theme for theme in content.reflection.themes if not theme.suggested]
    assert gentle
    for theme in gentle:
        assert "/sos" in theme.blurb and "skip" in theme.blurb, theme.id


@pytest.mark.parametrize(
    ("word", "count"),
    [("cat", 1), ("make", 1), ("little", 2), ("boundaries", 3), ("asked", 1), ("wanted", 2),
     ("comfortable", 4), ("codependency", 5), ("everyone", 3)],
)  # fmt: skip
def test_syllable_counter(word: str, count: int) -> None:
    """The syllable heuristic gets common words right."""
    assert syllables(word) == count


def test_grade_tracks_sentence_length_and_long_words() -> None:
    """Short plain sentences score low; one long sentence of long words scores high."""
    plain = "I can't come tonight. I need some rest. Let's talk on Sunday."
    dense = (
        "Understanding interdependent relationships necessitates acknowledging "
        "the psychological complexity underlying reciprocal emotional availability."
    )
    assert sentence_count(plain) == 3
    assert flesch_kincaid_grade(plain) < 3
    assert flesch_kincaid_grade(dense) > 16


def test_the_checks_catch_what_they_are_for() -> None:
    """A blaming line and an unnegated diagnosis are caught; a negated one is not."""
    assert FORBIDDEN.search("You are being so needy.")
    assert FORBIDDEN.search("Living with an alcoholic is hard.")
    assert not FORBIDDEN.search("Adult Children of Alcoholics meets weekly.")
    assert NEGATION.search("Codependency is not a ")
    assert not NEGATION.search("This result is a ")
