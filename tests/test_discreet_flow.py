"""Discreet mode in the engine: /tidy, leave quickly, the settings, and where the buttons are."""

from __future__ import annotations

import re

from bot.app import Runtime
from bot.storage.sql_store import SqlStore
from content import Content
from flows.discreet import AUTO_TIDY_PREF, NEUTRAL_PREF, SILENT_PREF
from flows.events import Reply
from flows.ports import UserRecord
from tests.support.assessor import install, reading
from tests.support.chat import ChatDriver

# Words a lock screen or a chat list must never show when discreet mode is on.
TELLING = re.compile(
    r"codepend|interdepend|relationship|partner|abuse|violence|safe|crisis|suicid|boundar|"
    r"therap|journal|reflect|help|danger|tandem",
    re.IGNORECASE,
)


def user_of(runtime: Runtime, user_id: int = 4242) -> UserRecord:
    """The person's stored record."""
    with runtime.database.begin() as connection:
        user, _ = SqlStore(connection).load(user_id)
    assert user is not None
    return user


def tidy_requests(replies: list[Reply]) -> list[Reply]:
    """The replies that ask the platform to tidy the chat."""
    return [reply for reply in replies if reply.tidy]


def test_tidy_explains_what_it_cannot_remove_then_tidies_and_leaves_one_neutral_line(
    chat: ChatDriver,
) -> None:
    chat.onboard()
    chat.command("tidy")
    assert not tidy_requests(chat.replies), "nothing is tidied before the person says so"
    for limit in ("48 hours", "notifications", "other device", "screenshots", "/delete"):
        assert limit in chat.text
    chat.press("Tidy now")
    assert [reply.tidy for reply in chat.replies] == [True, False]
    neutral = chat.replies[-1]
    assert neutral.text == "All tidy." and neutral.buttons == ()
    assert not TELLING.search(neutral.text)


def test_leave_quickly_is_one_tap_from_the_menu_without_a_question(chat: ChatDriver) -> None:
    chat.onboard()
    chat.command("menu")
    chat.press("Leave quickly")
    assert [reply.tidy for reply in chat.replies] == [True, False]
    assert chat.replies[-1].text == "See you."
    assert not TELLING.search(chat.replies[-1].text)


def test_leave_quickly_keeps_an_exercise_and_a_later_message_is_not_taken_as_an_answer(
    chat: ChatDriver,
) -> None:
    chat.onboard()
    chat.command("reflect")
    chat.press("Boundaries")
    chat.press_payload("tidy:leave")
    assert tidy_requests(chat.replies)
    chat.send("what is this app")  # perhaps someone else, later
    assert "Question 1 of 3" in chat.text
    chat.command("journal")
    assert "what is this app" not in chat.text


def test_tidy_and_leave_are_in_sos_in_every_crisis_reply_and_in_privacy(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard()
    chat.command("sos")
    assert {"Tidy this chat", "Leave quickly"} <= set(chat.labels())
    install(runtime, {"it is bad tonight": reading("crisis", "violence")})
    chat.send("it is bad tonight")
    assert {"Tidy this chat", "Leave quickly"} <= set(chat.labels())
    chat.press("Leave quickly")
    assert tidy_requests(chat.replies)
    install(runtime, {"my friend wants to die": reading("crisis", "suicide", about_other=True)})
    chat.send("my friend wants to die")
    assert {"Tidy this chat", "Leave quickly"} <= set(chat.labels())
    chat.command("privacy")
    assert "never the words" in chat.text and "48 hours" in chat.text
    assert {"Tidy this chat", "Discreet mode"} <= set(chat.labels())
    chat.press("Tidy this chat")
    assert "What it can't remove" in chat.text


def test_tidy_works_before_the_consent_question_is_answered(chat: ChatDriver) -> None:
    chat.command("start")
    chat.command("tidy")
    chat.press("Tidy now")
    assert tidy_requests(chat.replies)


def test_discreet_settings_are_kept_and_shown(runtime: Runtime, chat: ChatDriver) -> None:
    chat.onboard()
    chat.command("discreet")
    assert "Auto-tidy: Off" in chat.text
    chat.press("After 1 day")
    assert "Auto-tidy: After 1 day" in chat.text
    assert "✓ After 1 day" in chat.labels()
    chat.press("Turn on plain notifications")
    chat.press("Turn on silent notifications")
    prefs = user_of(runtime).prefs
    assert (prefs[AUTO_TIDY_PREF], prefs[NEUTRAL_PREF], prefs[SILENT_PREF]) == ("1d", True, True)
    chat.press("Off")
    chat.press("Turn off plain notifications")
    prefs = user_of(runtime).prefs
    assert AUTO_TIDY_PREF not in prefs and NEUTRAL_PREF not in prefs and prefs[SILENT_PREF]


def test_forged_settings_and_tidy_buttons_change_nothing(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard()
    before = dict(user_of(runtime).prefs)
    for payload in ("discreet:auto:1w", "discreet:loud:on", "tidy:everything"):
        chat.press_payload(payload)
        assert not tidy_requests(chat.replies)
        assert "earlier message" in chat.text
    assert user_of(runtime).prefs == before


def test_daily_settings_lead_to_discreet_mode(chat: ChatDriver) -> None:
    chat.onboard()
    chat.press("Yes, please")
    chat.send("8:30")
    chat.send("Berlin")
    chat.command("daily")
    chat.press("Discreet mode")
    assert "Plain notifications: Off" in chat.text


def test_neutral_lines_say_nothing_telling(content: Content) -> None:
    for key in ("tidy.done", "tidy.left", "discreet.notification", "discreet.open"):
        assert not TELLING.search(content.text(key)), key
