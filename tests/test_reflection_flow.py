"""Guided reflection, onboarding, menu, journal and odd input, on SQLite and PostgreSQL."""

from __future__ import annotations

from bot.app import build_runtime
from tests.conftest import make_settings
from tests.support.chat import ChatDriver


def test_first_message_gets_welcome_and_consent_question(chat: ChatDriver) -> None:
    chat.send("hi")
    assert "I'm Tandem" in chat.text
    assert "not a therapist" in chat.text
    assert chat.labels() == ["Yes, keep my answers", "No, don't keep my words"]


def test_reflection_session_stores_answers_and_closes_kindly(chat: ChatDriver) -> None:
    chat.onboard()
    chat.press("Reflect")
    chat.press("Self-worth")
    assert "Question 1 of 3" in chat.text
    chat.send("I felt good only when my boss praised me")
    assert "Question 2 of 3" in chat.text
    chat.press("Skip")
    assert "Question 3 of 3" in chat.text
    chat.send("I would like to trust my own judgement")
    assert "Thank you for this time with Self-worth" in chat.text
    assert "answered" not in chat.text  # what they explored, not a scoreboard
    assert chat.labels() == ["Another theme", "My journal", "Menu"]
    chat.press("My journal")
    assert "I felt good only when my boss praised me" in chat.text
    assert "I would like to trust my own judgement" in chat.text
    # newest first
    assert chat.text.index("trust my own judgement") < chat.text.index("boss praised me")


def test_without_consent_no_free_text_is_kept(chat: ChatDriver, runtime) -> None:
    chat.onboard(consent=False)
    chat.command("reflect", "boundaries")
    chat.send("something very private")
    with runtime.database.connect() as connection:
        texts = [row[0] for row in connection.exec_driver_sql("SELECT text FROM entries")]
    assert texts == [None]
    chat.command("journal")
    assert "something very private" not in chat.text


def test_stop_mid_session_summarises_and_returns_to_menu(chat: ChatDriver) -> None:
    chat.onboard()
    chat.command("reflect", "communication")
    chat.send("I said yes when I meant no")
    chat.command("stop")
    assert "Thank you for this time with" in chat.text
    chat.command("stop")
    assert "nothing running" in chat.text


def test_restart_mid_reflection_resumes_at_the_same_question(database_url, content) -> None:
    first = build_runtime(make_settings(database_url), content=content, migrate_schema=False)
    chat = ChatDriver(first.service, user_id=77)
    chat.onboard()
    chat.command("reflect", "balance")
    chat.send("first answer")
    asked = chat.text
    assert "Question 2 of 3" in asked
    first.database.dispose()

    second = build_runtime(make_settings(database_url), content=content, migrate_schema=False)
    again = ChatDriver(second.service, user_id=77, now=chat.now)
    again.sticker()  # odd input: a kind word, then the same question again
    assert "only read text" in again.text
    assert "Question 2 of 3" in again.text
    assert asked.split("Question 2 of 3")[1] in again.text
    again.send("second answer")
    assert "Question 3 of 3" in again.text
    second.database.dispose()


def test_stale_and_double_tapped_buttons_are_harmless(chat: ChatDriver) -> None:
    chat.onboard()
    chat.command("reflect")
    boundaries = chat.button("Emotional boundaries").payload
    chat.press_payload(boundaries)
    assert "Question 1 of 3" in chat.text
    chat.press_payload(boundaries)  # double tap
    assert [r.notice for r in chat.replies] == [True]
    skip = chat.button("Skip").payload
    chat.send("an answer")
    chat.press_payload(skip)  # a button from an earlier question
    assert chat.replies[0].notice
    assert "Question 2 of 3" in chat.text  # nothing skipped, the current question again


def test_forged_and_unknown_input_never_dead_ends(chat: ChatDriver) -> None:
    chat.onboard()
    for payload in ["", "reflection:choose:nope|1", "nonsense", "go:doesnotexist", "jr:abc"]:
        replies = chat.press_payload(payload)
        assert replies, payload
    chat.command("frobnicate")
    assert "don't know that command" in chat.text
    assert chat.labels()  # the menu is offered
    chat.send("x" * 5000)
    assert "more than I can take" in chat.text


def test_help_lists_commands_and_limits(chat: ChatDriver) -> None:
    chat.command("help")
    assert "/reflect" in chat.text and "/journal" in chat.text
    assert "not therapy" in chat.text


def test_journal_pages_newest_first(chat: ChatDriver) -> None:
    chat.onboard()
    for round_ in range(3):
        chat.command("reflect", "pattern")
        for question in range(3):
            chat.send(f"answer {round_}-{question}")
    chat.command("journal")
    assert "1–5 of 9" in chat.text
    assert "answer 2-2" in chat.text and "answer 0-0" not in chat.text
    chat.press("Older")
    assert "6–9 of 9" in chat.text
    assert "answer 0-0" in chat.text
    chat.press("Newer")
    assert "1–5 of 9" in chat.text
