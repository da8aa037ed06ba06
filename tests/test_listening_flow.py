"""Free text outside a question, through the whole service: shares are heard, wins celebrated
and counted, rehearsal requests open practice in the right place, the rest goes where it fits."""

from __future__ import annotations

import io
from typing import cast

import pytest
from sqlalchemy import select

from bot.app import Runtime
from bot.console import ConsoleChat
from bot.storage.models import Entry
from content import Content
from content.practice import PracticeContent
from flows import free_text
from flows.listening import Reading
from tests.support.chat import ChatDriver
from tests.test_practice_flow import (
    DANGER,
    FINE,
    prefs,
    press_exact,
    screen_safe,
    shown_scenario,
)

MOM_STORY = (
    "my mom called again and I said yes to everything she asked, now I have no weekend "
    "and I feel awful"
)


@pytest.fixture
def practice(content: Content) -> PracticeContent:
    """The practice content."""
    return cast(PracticeContent, content.section("practice"))


def notes(runtime: Runtime) -> list[tuple[str | None, str | None]]:
    """Kept journal notes (content_id, text), oldest first."""
    with runtime.database.connect() as connection:
        rows = connection.execute(
            select(Entry.content_id, Entry.text).where(Entry.kind == "note").order_by(Entry.id)
        ).all()
    return [(row.content_id, row.text) for row in rows]


def at_menu(chat: ChatDriver, consent: bool = True) -> None:
    """A person who has said hello and rests at the menu."""
    chat.onboard(consent=consent)
    chat.command("menu")


def test_a_share_at_the_menu_is_heard_not_turned_away(chat: ChatDriver) -> None:
    """The story from the issue: named back ("your mom", "awful"), with next steps."""
    at_menu(chat)
    chat.send(MOM_STORY)
    assert "outside what Tandem knows" not in chat.text
    assert "your mom" in chat.text and "awful" in chat.text
    assert chat.labels() == [
        "Keep it in my journal",
        "Reflect on it",
        "Rehearse saying it",
        "I just wanted to say it",
    ]


def test_the_same_share_twice_is_not_answered_with_the_same_words(chat: ChatDriver) -> None:
    """Wordings take turns."""
    at_menu(chat)
    chat.send(MOM_STORY)
    first = chat.text
    chat.send(MOM_STORY)
    assert chat.text != first
    assert "your mom" in chat.text


def test_keep_it_stores_a_note_in_the_journal(chat: ChatDriver, runtime: Runtime) -> None:
    """With consent, the words are kept as a journal note and shown in the journal."""
    at_menu(chat)
    chat.send(MOM_STORY)
    chat.press("Keep it in my journal")
    assert "Kept in your journal" in chat.text
    assert notes(runtime) == [("share", MOM_STORY)]
    chat.command("journal")
    assert "I said yes to everything" in chat.text


def test_held_words_are_forgotten_after_the_next_step(chat: ChatDriver, runtime: Runtime) -> None:
    """Pressing "Keep it" after doing something else keeps nothing."""
    at_menu(chat)
    chat.send(MOM_STORY)
    keep = chat.button("Keep it in my journal")
    chat.command("menu")
    chat.press_payload(keep.payload)
    assert "earlier message" in chat.text
    assert notes(runtime) == []


def test_without_consent_nothing_is_offered_to_keep(chat: ChatDriver, runtime: Runtime) -> None:
    """No consent to keep words: the share is heard, no keep button, nothing stored."""
    at_menu(chat, consent=False)
    chat.send(MOM_STORY)
    assert "your mom" in chat.text
    assert "Keep it in my journal" not in chat.labels()
    chat.press_payload("ls:keep")
    assert notes(runtime) == []


def test_reflect_on_it_opens_a_theme_from_what_they_wrote(chat: ChatDriver) -> None:
    """A story about free time opens the theme about time together and apart."""
    at_menu(chat)
    chat.send("i never get a weekend to myself, my husband plans everything for both of us")
    chat.press("Reflect on it")
    assert "Time together and apart" in chat.text
    assert "Question 1" in chat.text or "1/" in chat.text or "1 of" in chat.text


def test_rehearse_saying_it_opens_practice_in_that_part_of_life(
    chat: ChatDriver, practice: PracticeContent
) -> None:
    """From a share about work, the rehearse button opens a work scene."""
    at_menu(chat)
    screen_safe(chat)
    chat.command("menu")
    chat.send("my boss dumped another project on me at 5pm and i just nodded, i'm so frustrated")
    assert "your boss" in chat.text and "frustrated" in chat.text
    chat.press("Rehearse saying it")
    assert shown_scenario(chat, practice).context == "work"


def test_just_wanted_to_say_it_gets_a_warm_close_and_the_menu(chat: ChatDriver) -> None:
    """No next step needed: a warm word and the menu."""
    at_menu(chat)
    chat.send("feel like a doormat today tbh")
    chat.press("I just wanted to say it")
    assert "Thank you for telling me" in chat.text
    assert "Reflect" in " ".join(chat.labels())  # the menu's own buttons


def test_a_win_is_celebrated_counted_and_can_be_kept(chat: ChatDriver, runtime: Runtime) -> None:
    """Wins count in /progress and can be kept as a note."""
    at_menu(chat)
    chat.send("told my boss i cant take the extra project and he was actually fine with it!!")
    assert "your boss" in chat.text
    assert "first time you've told me about" in chat.text
    chat.press("Keep it in my journal")
    assert notes(runtime)[0][0] == "win"
    chat.send("I SAID NO TODAY!!! to my sister")
    assert "2 times" in chat.text
    assert prefs(runtime)["listening_wins"] == 2
    chat.command("progress")
    assert "2 times you said no or stood up for yourself" in chat.text


@pytest.mark.parametrize(
    ("text", "context"),
    [
        ("I want to practise saying no to my mom", "family"),
        ("can we practice me telling my boss i cant take on another project", "work"),
        ("help me rehearse telling my boyfriend i need a night to myself", "partner"),
        ("i need to tell my friend i cant lend her money again, can i practice that", "friends"),
    ],
)
def test_a_rehearsal_request_opens_the_right_scene(
    chat: ChatDriver, practice: PracticeContent, text: str, context: str
) -> None:
    """Straight to a scene in that part of life once the safety screen is answered."""
    at_menu(chat)
    screen_safe(chat)
    chat.command("menu")
    chat.send(text)
    assert shown_scenario(chat, practice).context == context


def test_a_rehearsal_request_screens_first_then_goes_to_its_part_of_life(
    chat: ChatDriver, practice: PracticeContent
) -> None:
    """The safety screen comes first; the part of life asked for is not lost."""
    at_menu(chat)
    chat.send("can we practice me telling my boss i cant take on another project")
    assert "what is it usually like?" in chat.text
    press_exact(chat, FINE)
    press_exact(chat, "No")
    assert shown_scenario(chat, practice).context == "work"


def test_a_rehearsal_for_a_part_of_life_left_out_is_explained(chat: ChatDriver) -> None:
    """Family marked as not safe: said kindly, and the other parts of life offered."""
    at_menu(chat)
    chat.send("I want to practise saying no to my mom")
    press_exact(chat, DANGER)
    press_exact(chat, "Family")
    press_exact(chat, "Done")
    press_exact(chat, "No")
    assert "Family" not in chat.labels()
    assert "Work" in chat.labels()


def test_a_question_still_finds_its_answer(chat: ChatDriver) -> None:
    """Questions go to the FAQ as before."""
    at_menu(chat)
    chat.send("what is codependency")
    assert "Did this help?" in chat.text


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("can i see my journal", "journal"),
        ("show my progress", "progress"),
        ("daily reminder at 8", "daily"),
        ("what are the commands", "help"),
    ],
)
def test_a_feature_by_name_opens_it(chat: ChatDriver, text: str, command: str) -> None:
    """A feature asked for in words answers exactly like its command."""
    at_menu(chat)
    chat.send(text)
    by_words = chat.text
    chat.command("menu")
    chat.command(command)
    assert by_words == chat.text


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("lol", "Tell me what's on your mind"),
        ("the practice scenes are too easy", "how Tandem is working for you"),
        ("can you recommend a good pizza place", "outside what Tandem knows"),
    ],
)
def test_small_talk_feedback_and_off_topic_get_a_fitting_reply(
    chat: ChatDriver, text: str, reply: str
) -> None:
    """A short fitting reply and the menu."""
    at_menu(chat)
    chat.send(text)
    assert reply in chat.text
    assert "Reflect" in " ".join(chat.labels())


def test_a_share_where_buttons_were_expected_is_heard_and_the_flow_kept(
    chat: ChatDriver,
) -> None:
    """Mid-reflection, on the theme picker, a share is heard and the way back is offered."""
    at_menu(chat)
    chat.command("reflect")
    chat.send(MOM_STORY)
    assert "your mom" in chat.text
    chat.press("Back to where I was")
    assert "Time together and apart" in " ".join(chat.labels())


def test_the_console_hears_a_share_too(runtime: Runtime) -> None:
    """`python -m bot chat`: the share is heard, its choices are numbered, and 1 keeps it."""
    out = io.StringIO()
    ConsoleChat(runtime, out=out).run(io.StringIO(f"1\n/menu\n{MOM_STORY}\n1\n/quit\n"))
    shown = out.getvalue()
    assert "your mom" in shown and "awful" in shown
    assert "[1] Keep it in my journal" in shown
    assert "Kept in your journal" in shown
    assert notes(runtime) == [("share", MOM_STORY)]


def test_a_win_without_consent_is_counted_but_no_words_are_offered_to_keep(
    chat: ChatDriver, runtime: Runtime
) -> None:
    """The count needs no words; keeping them needs consent."""
    at_menu(chat, consent=False)
    # (A win said as "i did it ... anymore" draws the safety check-in first: see
    # docs/crisis-detection.md, "Known false alarms".)
    chat.send("i told my mom i wont be coming every sunday. felt scary but i did it")
    assert "first time you've told me about" in chat.text
    assert "Keep it in my journal" not in chat.labels()
    assert prefs(runtime)["listening_wins"] == 1
    assert notes(runtime) == []


def test_what_the_classifier_alone_reads_as_crisis_is_heard_with_help_one_tap_away(
    chat: ChatDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The safety check found nothing, the router says crisis: listened to, and /sos offered
    (the router defers to safety rather than answering crisis itself)."""
    monkeypatch.setattr(free_text, "read", lambda turn, text: Reading("crisis", person="partner"))
    at_menu(chat)
    chat.send("he keeps forgetting my birthday and making plans without me")
    assert "your partner" in chat.text
    assert "/sos" in chat.text
    chat.press("Help right now")
    assert "help" in chat.text.lower()
