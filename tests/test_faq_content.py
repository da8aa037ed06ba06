"""Tests for the FAQ content: required entries exist and the schema check reports problems."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from content.errors import ContentError
from content.faq import (
    FAQ_PATH,
    MAX_ANSWER_CHARS,
    MAX_VARIANTS,
    MIN_VARIANTS,
    FaqContent,
    load_faq,
    parse_faq,
)

REQUIRED_IDS = (
    "what-is-codependency",
    "what-is-interdependence",
    "codependent-vs-interdependent",
    "signs-of-codependency",
    "causes-of-codependency",
    "can-codependent-person-change",
    "is-interdependence-healthy",
    "interdependence-mental-health",
    "one-sided-interdependence",
    "interdependence-not-isolation",
    "how-to-set-boundaries",
    "how-to-say-no",
    "build-self-esteem",
    "beyond-romance",
    "why-break-codependency",
    "is-this-therapy",
    "open-communication",
    "grow-together",
    "cultural-self-sacrifice",
    "hyper-independence",
    "data-privacy",
    "codependency-or-abuse",
)


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    """The FAQ YAML as plain data."""
    data = yaml.safe_load(FAQ_PATH.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def faq() -> FaqContent:
    """The validated FAQ content."""
    return load_faq()


def test_every_required_id_exists(faq: FaqContent) -> None:
    """The ids the issue names are all there."""
    assert set(REQUIRED_IDS) <= set(faq.ids)


def test_entries_follow_the_writing_rules(faq: FaqContent) -> None:
    """Short plain-text answers, enough variants, related ids that exist."""
    for entry in faq.entries:
        assert len(entry.answer) <= MAX_ANSWER_CHARS, entry.id
        assert MIN_VARIANTS <= len(entry.variants) <= MAX_VARIANTS, entry.id
        assert 1 <= len(entry.related) <= 3, entry.id
        assert set(entry.related) <= set(faq.ids), entry.id
        assert not any(mark in entry.answer for mark in ("**", "__", "<b>", "](")), entry.id
        # No shaming words, and no verdicts about the person.
        for banned in ("you failed", "you missed", "streak", "you are codependent"):
            assert banned not in entry.answer.lower(), (entry.id, banned)


def test_this_is_not_therapy_says_so_plainly(faq: FaqContent) -> None:
    """The is-this-therapy answer names what Tandem is and is not, and points to people."""
    entry = faq.entry("is-this-therapy")
    assert entry is not None
    answer = entry.answer.lower()
    for phrase in ("self-help", "not therapy", "not a crisis service", "therapist"):
        assert phrase in answer


def test_codependency_or_abuse_explains_control_and_points_to_help(faq: FaqContent) -> None:
    """Coercive control in plain words, ordinary pushback set apart from fear, and /sos."""
    entry = faq.entry("codependency-or-abuse")
    assert entry is not None
    answer = entry.answer.lower()
    for phrase in ("coercive control", "money", "friends", "pushback", "never your fault", "/sos"):
        assert phrase in answer, phrase


@pytest.mark.parametrize("entry_id", ["how-to-set-boundaries", "how-to-say-no"])
def test_boundary_answers_never_treat_fear_as_progress(faq: FaqContent, entry_id: str) -> None:
    """Pushback or guilt may come with a boundary; fear for your safety is not part of the
    practice, and the answer says where to turn instead of calling it a good sign."""
    entry = faq.entry(entry_id)
    assert entry is not None
    answer = entry.answer.lower()
    assert "afraid" in answer and "/sos" in answer
    for framing in ("doing something new", "sign of progress", "means it's working"):
        assert framing not in answer, framing


def test_texts_are_faq_keys(faq: FaqContent) -> None:
    """Every UI string is the FAQ's own (faq.*, its command and its menu label)."""
    assert faq.texts
    assert all(key.startswith(("faq.", "commands.faq", "menu.faq")) for key in faq.texts)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda data: data["entries"][1].update(id=data["entries"][0]["id"]), "more than once"),
        (lambda data: data["entries"][0].update(related=["no-such-entry"]), "does not exist"),
        (lambda data: data["entries"][0].update(answer="x" * 901), "at most 900"),
        (lambda data: data["entries"][0].update(variants=["only one"]), "variants"),
        (lambda data: data["entries"][0].pop("question"), "'question'"),
        (lambda data: data["entries"][0].update(id="Not A Slug"), "slug"),
        (lambda data: data["texts"].update({"menu.other": "x"}), "must start with one of"),
        (lambda data: data.update(extra=1), "unknown top-level"),
        (
            lambda data: data["entries"][1]["variants"].append(data["entries"][0]["question"]),
            "also used by",
        ),
    ],
)
def test_schema_problems_are_reported(raw: dict[str, Any], change: Any, expected: str) -> None:
    """Each kind of mistake is caught and named."""
    data = copy.deepcopy(raw)
    change(data)
    with pytest.raises(ContentError, match=expected):
        parse_faq(data)


def test_every_problem_is_listed_at_once(raw: dict[str, Any]) -> None:
    """Two independent mistakes come back together, one per line."""
    data = copy.deepcopy(raw)
    data["entries"][0]["answer"] = "x" * (MAX_ANSWER_CHARS + 1)
    data["entries"][2]["related"] = ["missing-id"]
    with pytest.raises(ContentError) as caught:
        parse_faq(data)
    lines = str(caught.value).splitlines()
    assert any("at most" in line for line in lines)
    assert any("missing-id" in line for line in lines)
