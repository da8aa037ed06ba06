"""Table-driven tests for crisis detection over tests/data/crisis_messages.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from flows.crisis import CRISIS_RULES, CrisisKind, detect_crisis, normalize

_DATA = yaml.safe_load(
    (Path(__file__).parent / "data" / "crisis_messages.yaml").read_text(encoding="utf-8")
)
_CRISIS: list[dict[str, Any]] = _DATA["crisis"]
_CALM: list[str] = _DATA["calm"]


def test_the_table_is_large_and_covers_every_kind() -> None:
    """The table keeps enough messages of each sort to be a meaningful check."""
    assert len(_CRISIS) >= 45
    assert len(_CALM) >= 45
    kinds = {CrisisKind(item["kind"]) for item in _CRISIS}
    assert kinds <= set(CrisisKind)
    assert len({item["text"] for item in _CRISIS}) == len(_CRISIS)
    assert len(set(_CALM)) == len(_CALM)


@pytest.mark.parametrize(
    ("text", "kind"), [(item["text"], item["kind"]) for item in _CRISIS], ids=range(len(_CRISIS))
)
def test_crisis_message_is_detected_as_its_kind(text: str, kind: str) -> None:
    """Every crisis message in the table is detected, as the kind it is labelled with."""
    assert detect_crisis(text) == CrisisKind(kind), normalize(text)


@pytest.mark.parametrize("text", _CALM, ids=range(len(_CALM)))
def test_calm_message_is_not_detected(text: str) -> None:
    """Figures of speech and everyday talk about hard feelings do not trigger the crisis reply."""
    assert detect_crisis(text) is None, normalize(text)


@pytest.mark.parametrize("text", ["", "   ", "\n", "👍", "..."])
def test_empty_or_symbol_only_text_is_calm(text: str) -> None:
    """Nothing to read means nothing detected."""
    assert detect_crisis(text) is None


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("I’m NOT ok", "i am not ok"),
        ("dont wanna", "do not want to"),
        ("kil my self", "kill myself"),
        ("self-harm", "selfharm"),
        ("sooooo tired", "soo tired"),
        ("he left. it hit me", "he left . it hit me"),
    ],
)
def test_normalize_folds_case_apostrophes_and_typos(raw: str, normalized: str) -> None:
    """Normalization gives the rules one spelling to match against."""
    assert normalize(raw).strip(" .") == normalized.strip(" .")


def test_a_crisis_phrase_inside_a_long_message_is_found() -> None:
    """Crisis words buried in a long message still count."""
    text = "We argued about the dishes again. " * 40 + "Honestly I want to end it all."
    assert detect_crisis(text) is CrisisKind.SUICIDE


def test_the_gravest_kind_wins_when_several_appear() -> None:
    """A message that mentions violence and suicide gets the suicide reply."""
    assert detect_crisis("he hits me and I want to die") is CrisisKind.SUICIDE


@pytest.mark.parametrize("index", range(len(CRISIS_RULES)))
def test_every_rule_is_exercised_by_the_table(index: int) -> None:
    """No rule is dead: each one, with its trigger words, matches some crisis message."""
    rule = CRISIS_RULES[index]
    hits = [
        item["text"]
        for item in _CRISIS
        if rule.matches(normalize(item["text"]), set(normalize(item["text"]).split()))
    ]
    assert hits, rule.pattern.pattern
