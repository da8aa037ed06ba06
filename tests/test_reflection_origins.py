"""The "Where it started" reflection theme: reachable, gentle, skippable, never suggested."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from content import Content
from content.errors import ContentError
from content.reflection import parse_reflection
from tests.support.chat import ChatDriver

REFLECTION_YAML = Path(__file__).resolve().parents[1] / "content" / "reflection.yaml"


def test_origins_theme_warns_gently_and_points_to_help(content: Content) -> None:
    """Its intro says it may stir things up, that any question can be skipped, and /sos."""
    theme = content.reflection.theme("origins")
    assert theme is not None
    assert theme.title == "Where it started"
    blurb = theme.blurb.lower()
    for phrase in ("stir up", "skip any question", "stop at any time", "/sos"):
        assert phrase in blurb, phrase
    assert not theme.suggested
    assert len(theme.questions) >= 8


def test_origins_is_reachable_by_command_and_from_the_list(chat: ChatDriver) -> None:
    """/reflect origins starts it; the /reflect list offers it; its questions can be skipped."""
    chat.onboard()
    chat.command("reflect")
    assert "Where it started" in chat.labels()
    chat.press("Where it started")
    assert "stir up old feelings" in chat.text
    assert "Question 1 of 3" in chat.text
    chat.press("Skip")
    assert "Question 2 of 3" in chat.text
    chat.press("Skip")
    assert "Question 3 of 3" in chat.text
    chat.press("Skip")
    assert "No answers this time" in chat.text
    chat.command("reflect", "origins")
    assert "Question 1 of 3" in chat.text


def test_a_theme_that_may_hurt_is_never_suggested(chat: ChatDriver) -> None:
    """Even when every other theme was visited more, the suggestion is never "Where it
    started"."""
    chat.onboard()
    for theme in ("boundaries", "self-worth", "communication", "balance", "pattern") * 2:
        chat.command("reflect", theme)
        chat.command("stop")
    chat.command("reflect")
    suggestion = next(label for label in chat.labels() if label.startswith("Suggest one"))
    assert "Where it started" not in suggestion


def test_suggest_must_be_a_boolean() -> None:
    """A misspelt `suggest` value is reported, not read as true."""
    raw: dict[str, Any] = yaml.safe_load(REFLECTION_YAML.read_text(encoding="utf-8"))
    data = copy.deepcopy(raw)
    data["themes"][-1]["suggest"] = "no"
    with pytest.raises(ContentError, match="'suggest' must be true or false"):
        parse_reflection(data)
