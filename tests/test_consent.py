"""Consent: asked before anything is kept, can be changed any time, and /start resumes."""

from __future__ import annotations

from sqlalchemy import text

from bot.app import Runtime
from tests.support.chat import ChatDriver


def kept_texts(runtime: Runtime) -> list[str | None]:
    with runtime.database.connect() as connection:
        return [row[0] for row in connection.execute(text("SELECT text FROM entries ORDER BY id"))]


def test_a_command_before_consent_asks_first_then_runs(chat: ChatDriver) -> None:
    chat.command("reflect", "boundaries")
    assert "May I keep your answers" in chat.text
    chat.press("Yes, keep")
    assert "Question 1 of 3" in chat.text  # the waiting command ran right after


def test_a_command_right_after_the_welcome_is_not_welcomed_twice(chat: ChatDriver) -> None:
    chat.command("start")
    chat.command("practice")
    assert "I'm Tandem" not in chat.text
    assert "May I keep your answers" in chat.text
    chat.press("No, don't")
    assert "won't keep" in chat.text or "just won't keep" in chat.text
    assert chat.labels()  # practice began (its safety screen or picker), not the menu


def test_help_and_sos_work_before_consent(chat: ChatDriver) -> None:
    chat.command("help")
    assert "/reflect" in chat.text
    assert "May I keep" not in chat.text


def test_consent_can_be_turned_on_and_off_in_privacy(chat: ChatDriver, runtime: Runtime) -> None:
    chat.onboard(consent=False)
    chat.command("reflect", "pattern")
    chat.send("not kept")
    chat.command("privacy")
    chat.press("Keep my answers from now on")
    assert "from now on I'll keep" in chat.text
    assert "Question 2 of 3" in chat.text  # and carries on where we were
    chat.send("kept now")
    chat.command("privacy")
    chat.press("Stop keeping my answers")
    assert "won't keep what you write" in chat.text
    chat.send("not kept again")
    assert kept_texts(runtime) == [None, "kept now", None]


def test_start_mid_activity_carries_on(chat: ChatDriver) -> None:
    chat.onboard()
    chat.command("reflect", "communication")
    chat.send("first")
    chat.command("start")
    assert "here's where we were" in chat.text
    assert "Question 2 of 3" in chat.text
    chat.send("second")
    assert "Question 3 of 3" in chat.text
