"""Small talk at the menu: greetings and thanks get a warm reply, "what can you do" its entry."""

from __future__ import annotations

import pytest

from bot.app import Runtime
from content.faq import FaqContent
from flows.small_talk import CAPABILITY_ENTRY, recognize
from tests.support.chat import ChatDriver


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("hi", "greeting"),
        ("Hello!", "greeting"),
        ("good morning", "greeting"),
        ("hey there 👋", "greeting"),
        ("thanks!", "thanks"),
        ("Thank you", "thanks"),
        ("thank you so much, tandem", "thanks"),
        ("what can you do?", "capability"),
        ("How does this work", "capability"),
        ("help", "capability"),
        ("hi, how do i say no to my boss", None),
        ("thank you for nothing, my partner ignores me", None),
        ("what is codependency", None),
        ("", None),
    ],
)
def test_recognize(text: str, kind: str | None) -> None:
    """Only a whole message of small talk counts; a question with a greeting is a question."""
    assert recognize(text) == kind


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("hi", "nice to hear from you"),
        ("hello", "nice to hear from you"),
        ("good morning", "nice to hear from you"),
        ("thanks!", "You're welcome"),
        ("thank you", "You're welcome"),
    ],
)
def test_greetings_and_thanks_get_a_warm_reply_and_the_menu(
    chat: ChatDriver, text: str, reply: str
) -> None:
    """Not "outside what Tandem knows": a warm reply with the menu's buttons."""
    chat.onboard()
    chat.command("menu")
    menu_labels = chat.labels()
    chat.send(text)
    assert reply in chat.text
    assert "outside what Tandem knows" not in chat.text
    assert chat.labels() == menu_labels


@pytest.mark.parametrize("text", ["what can you do", "how does this work", "help"])
def test_capability_questions_reach_their_entry(
    chat: ChatDriver, runtime: Runtime, text: str
) -> None:
    """Capability questions answer with what Tandem can help with, and a vote."""
    chat.onboard()
    chat.command("menu")
    chat.send(text)
    faq = runtime.engine.content.section("faq")
    assert isinstance(faq, FaqContent)
    entry = faq.entry(CAPABILITY_ENTRY)
    assert entry is not None and entry.answer[:60] in chat.text
    assert "Did this help?" in chat.text
