"""Crisis routing and /sos through the real engine and database (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from bot.app import Runtime
from flows.safety import PAUSED_KEY, PENDING_KEY
from flows.turn import STEP_KEY
from tests.support.chat import ChatDriver
from tests.support.database_dump import all_rows, dump_text, position

CRISIS_BY_KIND = {
    "suicide": "honestly I just want to end it all",
    "self_harm": "i cut myself again last night",
    "violence": "my husband hit me last night and I'm scared to go home",
}
HELP_MARKERS = ("findahelpline.com", "not a crisis service", "emergency")
# Bookkeeping held only until the next event (a crisis message, an unanswered FAQ question),
# not part of where the person is.
PRIVATE_KEYS = {PENDING_KEY, PAUSED_KEY, STEP_KEY, "_last_button", "_faq_question", "_heard"}


def where(runtime: Runtime, chat: ChatDriver) -> tuple[str, str, dict[str, Any]]:
    """The stored flow, state and the flow's own context (without bookkeeping keys)."""
    _, conversation = position(runtime.database, chat.user_id)
    assert conversation is not None
    context = {k: v for k, v in conversation.context.items() if k not in PRIVATE_KEYS}
    return conversation.flow, conversation.state, context


def assert_crisis_reply_first(chat: ChatDriver) -> None:
    """The first reply to a crisis message is the help, with carry-on and pause choices."""
    first = chat.replies[0].text
    for marker in HELP_MARKERS:
        assert marker in first
    assert "Carry on where we were" in chat.labels()
    assert "Pause for now" in chat.labels()


def test_crisis_in_the_middle_of_a_reflection_pauses_it_without_losing_it(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard()
    chat.command("reflect")
    chat.press("Communication")
    chat.send("I usually drop hints")
    assert "Question 2 of 3" in chat.text
    before = where(runtime, chat)

    chat.send(CRISIS_BY_KIND["suicide"])
    assert_crisis_reply_first(chat)
    assert len(chat.replies) == 1  # nothing from the flow: it did not see the message
    assert where(runtime, chat) == before

    chat.press("Carry on")
    assert "Question 2 of 3" in chat.text
    assert where(runtime, chat) == before
    chat.send("I go quiet")
    assert "Question 3 of 3" in chat.text


def test_the_crisis_message_is_not_kept_unless_the_person_saves_it(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard()
    chat.command("reflect")
    chat.press("Self-worth")
    words = CRISIS_BY_KIND["self_harm"]
    chat.send(words)
    chat.press("Carry on")
    assert words not in dump_text(runtime.database)
    chat.command("journal")
    assert words not in chat.text


def test_save_it_to_my_journal_keeps_exactly_that_message(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard()
    words = CRISIS_BY_KIND["violence"]
    chat.send(words)
    assert "Save it to my journal" in chat.labels()
    chat.press("Save it")
    assert "journal" in chat.text
    assert "Save it to my journal" not in chat.labels()
    chat.command("journal")
    assert words in chat.text
    chat.press_payload("crisis:save")  # a second tap on the old button saves nothing more
    chat.command("journal")
    assert chat.text.count(words) == 1


def test_without_consent_nothing_is_held_and_no_save_is_offered(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard(consent=False)
    words = CRISIS_BY_KIND["suicide"]
    chat.send(words)
    assert_crisis_reply_first(chat)
    assert "Save it to my journal" not in chat.labels()
    assert words not in dump_text(runtime.database)


def test_pause_keeps_the_flow_and_the_next_message_shows_where_we_were(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard()
    chat.command("reflect")
    chat.press("Boundaries")
    before = where(runtime, chat)
    chat.send(CRISIS_BY_KIND["violence"])
    chat.press("Pause")
    assert "pause" in chat.text.lower()
    assert where(runtime, chat) == before
    chat.send("hi, I'm back")  # not taken as an answer to the question
    assert "Question 1 of 3" in chat.text
    assert where(runtime, chat) == before
    chat.command("journal")
    assert "hi, I'm back" not in chat.text


def test_crisis_as_the_very_first_message_gets_help_before_the_welcome(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.send(CRISIS_BY_KIND["suicide"])
    assert_crisis_reply_first(chat)
    chat.press("Carry on")
    assert "I'm Tandem" in chat.text
    chat.send(CRISIS_BY_KIND["self_harm"])  # now at the consent question
    assert_crisis_reply_first(chat)
    chat.press("Carry on")
    assert "May I keep your answers" in chat.text


def test_sos_works_from_any_state_and_changes_nothing(runtime: Runtime, chat: ChatDriver) -> None:
    chat.command("sos")  # before /start, too
    assert "findahelpline.com" in chat.text
    chat.onboard()
    chat.command("reflect")
    chat.press("Communication")
    before = where(runtime, chat)
    chat.command("sos")
    assert "findahelpline.com" in chat.text
    assert where(runtime, chat) == before
    chat.press("Back to where I was")
    assert "Question 1 of 3" in chat.text


def test_local_resources_follow_the_language_region(runtime: Runtime) -> None:
    from datetime import UTC, datetime

    from flows.events import Event, EventKind

    event = Event(
        user_id=777,
        chat_id=777,
        kind=EventKind.COMMAND,
        command="sos",
        now=datetime(2026, 3, 2, tzinfo=UTC),
        language="en-GB",
    )
    (reply,) = runtime.service.process(event)
    assert "999" in reply.text and "116 123" in reply.text


def test_forged_and_stale_crisis_buttons_are_harmless(runtime: Runtime, chat: ChatDriver) -> None:
    chat.onboard()
    for payload in ("crisis:save", "crisis:", "crisis:launch", "crisis:continue:extra"):
        chat.press_payload(payload)
        assert chat.replies
    assert all_rows(runtime.database)["entries"] == []


def test_crisis_gets_help_first_at_every_point_of_every_flow(
    runtime: Runtime, chat: ChatDriver
) -> None:
    """Walk each command's flow a few steps; at each point a crisis message gets help first,
    and carrying on returns to exactly the same place."""
    chat.onboard()
    engine = runtime.engine
    visited: set[tuple[str, str]] = set()
    kinds = list(CRISIS_BY_KIND.values())
    names = [spec.name for spec in engine.visible_commands() if spec.name != "delete"]
    for number, name in enumerate(names):
        chat.command("menu")
        chat.command(name)
        for step in range(6):
            before = where(runtime, chat)
            visited.add(before[:2])
            flow_buttons = [b for b in chat.buttons if "|" in b.payload]
            chat.send(kinds[(number + step) % len(kinds)])
            assert_crisis_reply_first(chat)
            assert where(runtime, chat) == before, (name, step)
            chat.press("Carry on")
            assert where(runtime, chat) == before, (name, step)
            if flow_buttons:
                chat.press_payload(flow_buttons[0].payload)
            else:
                chat.send("an ordinary answer about my week")
    reachable = {flow for flow in engine.flows if flow != "onboarding"}
    assert reachable <= {flow for flow, _ in visited}


COMMAND_CRISIS = "I want to kill myself and nobody would notice"


def test_crisis_words_given_to_a_command_get_help_and_the_command_does_not_run(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard()
    chat.command("reflect")
    chat.press("Communication")
    before = where(runtime, chat)
    for command in ("faq", "reflect", "journal", "sos"):
        chat.command(command, COMMAND_CRISIS)
        assert_crisis_reply_first(chat)
        assert len(chat.replies) == 1  # the command did not run
        assert "Save it to my journal" not in chat.labels()
        assert where(runtime, chat) == before
    rows = all_rows(runtime.database)
    assert rows["faq_queries"] == []
    assert rows["entries"] == []
    assert COMMAND_CRISIS not in dump_text(runtime.database)
    chat.press("Carry on")
    assert "Question 1 of 3" in chat.text
    chat.command("faq", "how do I say no")  # calm arguments still reach the command
    assert "Carry on where we were" not in chat.labels()
