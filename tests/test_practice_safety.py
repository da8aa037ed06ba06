"""Danger in practice: fear and violence never get assertiveness feedback (SQLite and PostgreSQL).

The detector's readings are chosen with a stand-in where the detector of the day may read a
message differently; one test goes through the real detector end to end.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import select

from bot.app import Runtime
from bot.storage.models import Entry, User
from content import Content
from content.practice import PracticeContent
from tests.support.assessor import install, reading
from tests.support.chat import ChatDriver
from tests.support.database_dump import dump_text, position
from tests.test_practice_flow import DANGER, FINE, press_exact, screen_safe, shown_scenario

ANGRY = "he gets really angry when I do"
PHONE = "last time she broke my phone"
HIT = "my husband hit me last night and I'm scared to go home"  # the real detector's crisis


def stored_prefs(runtime: Runtime, user_id: int) -> dict[str, Any]:
    """The person's stored prefs."""
    with runtime.database.connect() as connection:
        value = connection.execute(select(User.prefs).where(User.user_id == user_id)).scalar()
    return dict(value or {})


def kinds_kept(runtime: Runtime) -> list[str]:
    """The kinds of the stored entries, oldest first."""
    with runtime.database.connect() as connection:
        return list(connection.execute(select(Entry.kind).order_by(Entry.id)).scalars())


def test_fear_in_a_practice_reply_gets_a_safety_note_not_feedback(
    runtime: Runtime, chat: ChatDriver
) -> None:
    install(runtime, {ANGRY: reading("check_in", "fear")})
    chat.onboard()
    screen_safe(chat)
    chat.command("practice", "partner")
    assert "What would you say?" in chat.text
    chat.send(ANGRY)
    assert "Here is what I noticed" not in chat.text
    assert "could be clearer" not in chat.text and "clear no" not in chat.text
    assert "I won't give feedback on this one" in chat.text
    assert "findahelpline.com" in chat.text
    assert "Are you safe right now?" not in chat.text  # practice answers it itself
    assert "I've paused practice with partner" in chat.text
    assert {
        "Yes, leave partner out",
        "Answer the safety questions again",
        "Practise with someone else",
    } <= set(chat.labels())
    assert "practice" not in kinds_kept(runtime)  # the reply is not kept as practice
    assert ANGRY not in dump_text(runtime.database)

    chat.press("Yes, leave partner out")
    assert "won't offer practice scenes about partner" in chat.text
    assert "Partner" not in chat.labels() and "Work" in chat.labels()
    assert stored_prefs(runtime, chat.user_id)["practice_safety"]["unsafe"] == ["partner"]
    assert kinds_kept(runtime).count("practice_safety") == 2
    chat.command("practice", "partner")
    assert "doesn't feel safe to practise" in chat.text


def test_fear_can_lead_to_answering_the_safety_questions_again(
    runtime: Runtime, chat: ChatDriver
) -> None:
    install(runtime, {PHONE: reading("crisis", "fear")})
    chat.onboard()
    screen_safe(chat)
    chat.command("practice", "family")
    chat.send(PHONE)
    assert "I won't give feedback on this one" in chat.text
    chat.press("Answer the safety questions again")
    assert "what is it usually like?" in chat.text
    press_exact(chat, DANGER)
    press_exact(chat, "Family")
    press_exact(chat, "Done")
    press_exact(chat, "No")
    assert stored_prefs(runtime, chat.user_id)["practice_safety"]["unsafe"] == ["family"]
    assert "Family" not in chat.labels()


def test_violence_during_practice_gets_help_first_and_pauses_that_relationship(
    runtime: Runtime, chat: ChatDriver
) -> None:
    """Through the real detector: the crisis reply, then never back to the same scene."""
    chat.onboard()
    screen_safe(chat)
    chat.command("practice", "partner")
    scene = chat.text
    chat.send(HIT)
    assert "not your fault" in chat.replies[0].text
    assert "not a crisis service" in chat.replies[0].text
    assert "Here is what I noticed" not in chat.text
    chat.press("Carry on")
    assert "What would you say?" not in chat.text
    assert "I've paused practice with partner" in chat.text
    _, conversation = position(runtime.database, chat.user_id)
    assert conversation is not None and conversation.state == "held"
    chat.press("Practise with someone else")
    assert "Partner" not in chat.labels() and "Friends" in chat.labels()
    # Paused for this session only: nothing about the relationship is stored.
    assert stored_prefs(runtime, chat.user_id)["practice_safety"]["unsafe"] == []
    chat.command("practice", "partner")  # /practice again in the same session
    assert "doesn't feel safe to practise" in chat.text
    assert scene not in chat.text


def test_fear_in_a_debrief_gets_the_safety_note(runtime: Runtime, chat: ChatDriver) -> None:
    install(runtime, {ANGRY: reading("check_in", "fear")})
    chat.onboard()
    screen_safe(chat)
    chat.command("practice", "tried")
    chat.send(ANGRY)
    assert "I won't give feedback on this one" in chat.text
    assert "answer the safety questions again" in chat.text.lower()
    assert "Practise with someone else" not in chat.labels()  # we don't know who it was
    assert "practice_debrief" not in kinds_kept(runtime)
    chat.press("That's enough for now")
    _, conversation = position(runtime.database, chat.user_id)
    assert conversation is not None and conversation.flow == "menu"


def test_leaving_out_the_last_relationship_pauses_practice(
    runtime: Runtime, chat: ChatDriver
) -> None:
    install(runtime, {ANGRY: reading("check_in", "fear")})
    chat.onboard()
    chat.command("practice")
    press_exact(chat, DANGER)
    for name in ("Partner", "Friends", "Family"):
        press_exact(chat, name)
    press_exact(chat, "Done")
    press_exact(chat, "No")
    chat.command("practice", "work")
    chat.send(ANGRY)
    chat.press("Yes, leave work out")
    assert "Practice is paused" in chat.text
    assert stored_prefs(runtime, chat.user_id)["practice_safety"]["unsafe"] == [
        "partner",
        "friends",
        "family",
        "work",
    ]


def test_without_consent_the_screen_answers_are_held_only_for_the_session(
    runtime: Runtime, chat: ChatDriver, content: Content
) -> None:
    practice = cast(PracticeContent, content.section("practice"))
    chat.onboard(consent=False)
    chat.command("practice")
    press_exact(chat, DANGER)
    press_exact(chat, "Family")
    press_exact(chat, "Done")
    press_exact(chat, "No")
    assert "won't store these answers" in chat.text
    assert "Family" not in chat.labels()
    assert "practice_safety" not in stored_prefs(runtime, chat.user_id)
    assert "practice_safety" not in kinds_kept(runtime)
    for _ in range(6):  # the session still avoids family
        chat.command("practice", "any")
        assert shown_scenario(chat, practice).context != "family"
        chat.send("No thanks, I'd rather not.")
        press_exact(chat, "3")
    chat.command("practice", "family")
    assert "doesn't feel safe to practise" in chat.text
    chat.command("menu")
    chat.command("practice")  # a new session: asked again, nothing was remembered
    assert "what is it usually like?" in chat.text
    chat.command("privacy")
    assert "if you said no, I use those only while you practise" in chat.text


def test_the_safety_screen_asks_for_the_country_when_it_shows_help(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard()
    chat.command("practice")
    press_exact(chat, FINE)
    press_exact(chat, "Yes")
    press_exact(chat, "Partner")
    press_exact(chat, "Done")
    assert "Which country are you in?" in chat.text
    chat.press("Canada")
    assert "help in Canada" in chat.text
    assert "Call 911" in chat.text
    assert stored_prefs(runtime, chat.user_id)["country"] == "CA"
    chat.press("Back to where I was")
    assert "Which part of your life" in chat.text or "Work" in chat.labels()


def test_after_stopping_keeping_words_a_new_leave_out_still_counts(
    runtime: Runtime, chat: ChatDriver
) -> None:
    """Stored answers from before plus one held only for the session: both are respected."""
    install(runtime, {ANGRY: reading("check_in", "fear")})
    chat.onboard()
    chat.command("practice")
    press_exact(chat, DANGER)
    press_exact(chat, "Family")
    press_exact(chat, "Done")
    press_exact(chat, "No")
    chat.press_payload("consent:no")
    chat.command("practice", "work")
    chat.send(ANGRY)
    chat.press("Yes, leave work out")
    assert "Work" not in chat.labels() and "Family" not in chat.labels()
    assert stored_prefs(runtime, chat.user_id)["practice_safety"]["unsafe"] == ["family"]


def test_past_violence_in_a_practice_reply_gets_no_feedback_either(
    runtime: Runtime, chat: ChatDriver
) -> None:
    """Past tense is still a reason not to say no to that person: the note, not feedback."""
    install(runtime, {PHONE: reading("past", "violence")})
    chat.onboard()
    screen_safe(chat)
    chat.command("practice", "friends")
    chat.send(PHONE)
    assert "Here is what I noticed" not in chat.text
    assert "I won't give feedback on this one" in chat.text
    assert "Yes, leave friends out" in chat.labels()


def test_a_past_experience_outside_practice_text_goes_through(
    runtime: Runtime, chat: ChatDriver
) -> None:
    """At the picker the flow does not take over: the usual acknowledgement."""
    install(runtime, {PHONE: reading("past", "violence")})
    chat.onboard()
    screen_safe(chat)
    chat.send(PHONE)
    assert "/sos" in chat.replies[0].text
    assert "I won't give feedback" not in chat.text
