"""What people type is cleaned before it is read or kept: NULs, invisible-only answers, and
consent buttons that are neither yes nor no."""

from __future__ import annotations

import pytest

from bot.app import Runtime
from flows.text_input import clean_text, is_blank
from tests.support.chat import ChatDriver
from tests.support.database_dump import all_rows, position

INVISIBLE_ANSWERS = [
    "\u200b",  # zero-width space
    "\ufeff",  # byte order mark
    "\u200c\u200d",  # zero-width non-joiner and joiner
    "\u2060 \u00a0\u3000",  # word joiner, no-break space, ideographic space
    "\u3164\u2800",  # Hangul filler, braille blank
    "\t\u200b\n\ufeff ",
    "\x00",
]


def entries(runtime: Runtime) -> list[dict]:
    """Every stored journal entry."""
    return all_rows(runtime.database)["entries"]


def test_clean_text_drops_nul_and_invisible_edges_but_keeps_joined_emoji() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert clean_text("I said\x00 no") == "I said no"
    assert clean_text("\ufeff\u200bhello there\u200b ") == "hello there"
    assert clean_text(f" {family} ") == family
    heart, flag = (
        "I love it \u2764\ufe0f",
        "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
    )
    assert clean_text(heart) == heart and clean_text(f"Home {flag}") == f"Home {flag}"
    assert all(is_blank(text) and clean_text(text) == "" for text in INVISIBLE_ANSWERS)
    assert not is_blank("\u200ba")


def test_a_nul_in_an_answer_is_dropped_and_the_answer_kept(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard()
    chat.command("reflect")
    chat.press("Communication")
    chat.send("I hint\x00 instead of asking")
    assert "Question 2 of 3" in chat.text
    (entry,) = entries(runtime)
    assert entry["text"] == "I hint instead of asking"


@pytest.mark.parametrize("answer", INVISIBLE_ANSWERS)
def test_an_invisible_answer_is_treated_as_empty(
    runtime: Runtime, chat: ChatDriver, answer: str
) -> None:
    chat.onboard()
    chat.command("reflect")
    chat.press("Communication")
    chat.send(answer)
    assert "looks empty" in chat.text
    assert "Question 1 of 3" in chat.text  # still on the same question
    assert entries(runtime) == []
    chat.send("A real answer")
    assert "Question 2 of 3" in chat.text
    assert [entry["text"] for entry in entries(runtime)] == ["A real answer"]


def test_an_invisible_message_at_the_menu_asks_no_question(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard()
    chat.send("\u200b\ufeff")
    assert "looks empty" in chat.text
    assert all_rows(runtime.database)["faq_queries"] == []


@pytest.mark.parametrize("payload", ["consent:maybe", "consent:", "consent:YES", "consent:no:x"])
def test_a_consent_button_that_is_neither_yes_nor_no_changes_nothing(
    runtime: Runtime, chat: ChatDriver, payload: str
) -> None:
    chat.onboard(consent=True)
    chat.press_payload(payload)
    assert "earlier message" in chat.text
    user, _ = position(runtime.database, chat.user_id)
    assert user is not None and user.consent is True


def test_a_garbled_onboarding_answer_is_stale_and_consent_stays_unanswered(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.command("start")
    yes = chat.button("Yes, keep").payload
    chat.press_payload(yes.replace(":yes|", ":maybe|"))
    assert "earlier message" in chat.text
    user, _ = position(runtime.database, chat.user_id)
    assert user is not None and user.consent is None
    assert "Yes, keep my answers" in chat.labels()
