"""Practice flow on SQLite and PostgreSQL: safety screen, scenes, feedback, ladder, debrief."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import pytest
from sqlalchemy import select, update

from bot.app import Runtime, build_runtime
from bot.storage.models import Conversation, Entry, User
from content import Content
from content.practice import PracticeContent, Scenario
from tests.conftest import make_settings
from tests.support.chat import ChatDriver

USER = 4242
FINE = "It's okay, or a bit awkward"
HARD = "It's hard: guilt, sulking or arguments"
DANGER = "They could get angry in a way that frightens or hurts me"
EVERYONE = "Everyone, or I'd rather not say"


# --- helpers ----------------------------------------------------------------------------------


def press_exact(chat: ChatDriver, label: str) -> None:
    """Press the shown button whose label is exactly `label` (labels can share words)."""
    for button in chat.buttons:
        if button.label == label:
            chat.press_payload(button.payload)
            return
    raise AssertionError(f"no button {label!r}; shown: {chat.labels()}")


def screen_safe(chat: ChatDriver) -> None:
    """Open /practice for the first time and answer the safety screen: safe with everyone."""
    chat.command("practice")
    press_exact(chat, FINE)
    press_exact(chat, "No")


def shown_scenario(chat: ChatDriver, practice: PracticeContent) -> Scenario:
    """The scenario whose scene is in the last replies."""
    found = [s for s in practice.scenarios if s.scene in chat.text]
    assert len(found) == 1, chat.text
    return found[0]


def practise_once(
    chat: ChatDriver, practice: PracticeContent, reply: str, rating: int
) -> Scenario:
    """Answer the scene on screen and rate it; returns the scene that was answered."""
    scenario = shown_scenario(chat, practice)
    chat.send(reply)
    assert "Here is what I noticed" in chat.text
    press_exact(chat, str(rating))
    return scenario


@dataclass(frozen=True)
class Kept:
    """One stored entry, as the tests read it."""

    content_id: str | None
    text: str | None
    data: dict[str, Any]


def entries(runtime: Runtime, kind: str) -> list[Kept]:
    """Stored entries of one kind, oldest first."""
    with runtime.database.connect() as connection:
        rows = connection.execute(
            select(Entry.content_id, Entry.text, Entry.data)
            .where(Entry.kind == kind)
            .order_by(Entry.id)
        ).all()
    return [Kept(row.content_id, row.text, dict(row.data or {})) for row in rows]


def prefs(runtime: Runtime, user_id: int = USER) -> dict[str, Any]:
    """The person's stored prefs."""
    with runtime.database.connect() as connection:
        value = connection.execute(select(User.prefs).where(User.user_id == user_id)).scalar()
    return dict(value or {})


@pytest.fixture
def practice(content: Content) -> PracticeContent:
    """The practice content."""
    return cast(PracticeContent, content.section("practice"))


# --- the safety screen ------------------------------------------------------------------------


def test_safety_screen_comes_before_the_first_scene(chat: ChatDriver, runtime: Runtime) -> None:
    """The first /practice explains, then asks; no scene is shown until it is answered."""
    chat.onboard()
    chat.command("practice")
    assert "rehearse boundaries" in chat.text
    assert "what is it usually like?" in chat.text
    assert chat.labels() == [FINE, HARD, DANGER]
    assert "What would you say?" not in chat.text
    press_exact(chat, FINE)
    assert "hurting you, threatening you" in chat.text
    press_exact(chat, "No")
    assert "Let's begin" in chat.text
    assert {"Partner", "Friends", "Family", "Work", "Surprise me"} <= set(chat.labels())
    stored = prefs(runtime)["practice_safety"]
    assert stored["feels"] == "fine" and stored["unsafe"] == [] and stored["hurt"] == "no"
    assert [row.data["unsafe"] for row in entries(runtime, "practice_safety")] == [[]]
    # The second time, straight to the choice of context.
    chat.command("practice")
    assert "what is it usually like" not in chat.text
    assert "Work" in chat.labels()


def test_saying_no_being_hard_never_leaves_anyone_out(chat: ChatDriver, runtime: Runtime) -> None:
    """Guilt, sulking and arguments are what practice is for: every relationship stays open.

    (The old screen's "Not with everyone" then "Family" removed family practice from someone
    who only felt guilty.)"""
    chat.onboard()
    chat.command("practice")
    press_exact(chat, HARD)
    assert "Who could react like that?" not in chat.text  # no "who" question for difficulty
    press_exact(chat, "No")
    assert "exactly what practice can help with" in chat.text
    assert {"Partner", "Friends", "Family", "Work"} <= set(chat.labels())
    assert prefs(runtime)["practice_safety"]["unsafe"] == []
    chat.command("practice", "family")
    assert "What would you say?" in chat.text


def test_danger_asks_who_and_leaves_out_only_them(
    chat: ChatDriver, runtime: Runtime, practice: PracticeContent
) -> None:
    """Someone who could become frighteningly angry: asked who, and only they are left out."""
    chat.onboard()
    chat.command("practice")
    press_exact(chat, DANGER)
    assert "Who could react like that?" in chat.text
    press_exact(chat, "Done")  # nothing marked yet: a gentle explanation, asked again
    assert "Tap at least one" in chat.text
    press_exact(chat, "Family")
    assert "Family ✓" in chat.labels()
    press_exact(chat, "Done")
    press_exact(chat, "No")
    assert "won't offer practice scenes about family" in chat.text
    assert "your safety matters more" in chat.text
    assert "findahelpline.com" in chat.text  # the shared safety resources
    assert "Family" not in chat.labels() and "Work" in chat.labels()
    assert prefs(runtime)["practice_safety"]["unsafe"] == ["family"]

    chat.command("practice", "family")
    assert "doesn't feel safe to practise" in chat.text
    assert "What would you say?" not in chat.text
    for _ in range(12):  # "Surprise me" never lands on family
        chat.command("practice", "any")
        assert shown_scenario(chat, practice).context != "family"
        chat.send("No thanks, I'd rather not.")
        press_exact(chat, "3")


def test_not_saying_who_pauses_practice_until_answers_change(
    chat: ChatDriver, runtime: Runtime
) -> None:
    """Danger without naming anyone pauses practice, with help; answering again reopens it."""
    chat.onboard()
    chat.command("practice")
    press_exact(chat, DANGER)
    press_exact(chat, EVERYONE)
    press_exact(chat, "I'd rather not say")
    assert "I won't offer assertiveness practice" in chat.text
    assert "findahelpline.com" in chat.text
    assert {"Answer again", "Menu"} <= set(chat.labels())

    chat.command("practice", "work")
    assert "Practice is paused" in chat.text
    assert "What would you say?" not in chat.text

    press_exact(chat, "Answer again")
    press_exact(chat, FINE)
    press_exact(chat, "No")
    assert "Let's begin" in chat.text
    assert "Work" in chat.labels()
    kept = [row.data for row in entries(runtime, "practice_safety")]
    assert [d["unsafe"] for d in kept] == [["partner", "friends", "family", "work"], []]


def test_someone_hurting_them_is_asked_who_instead_of_guessing(
    chat: ChatDriver, runtime: Runtime
) -> None:
    """Being hurt right now with nobody named: asked who, and only they are left out."""
    chat.onboard()
    chat.command("practice")
    press_exact(chat, FINE)
    press_exact(chat, "Yes")
    assert "who is it?" in chat.text
    press_exact(chat, "Partner")
    press_exact(chat, "Done")
    assert "won't offer practice scenes about partner" in chat.text
    assert "findahelpline.com" in chat.text
    assert "Partner" not in chat.labels() and "Work" in chat.labels()
    assert prefs(runtime)["practice_safety"] == {
        "feels": "fine",
        "unsafe": ["partner"],
        "hurt": "yes",
        "answered_at": prefs(runtime)["practice_safety"]["answered_at"],
    }


def test_someone_hurting_them_without_saying_who_pauses_practice(chat: ChatDriver) -> None:
    """Hurt, and they would rather not say who: no practice for now, with help."""
    chat.onboard()
    chat.command("practice")
    press_exact(chat, FINE)
    press_exact(chat, "Yes")
    press_exact(chat, EVERYONE)
    assert "You deserve to feel safe" in chat.text
    assert "findahelpline.com" in chat.text
    assert "Work" not in chat.labels()


def test_rather_not_say_still_shows_where_help_is(chat: ChatDriver) -> None:
    """Not answering question 3 is fine; help is shown anyway, and practice is open."""
    chat.onboard()
    chat.command("practice")
    press_exact(chat, FINE)
    press_exact(chat, "I'd rather not say")
    assert "Let's begin" in chat.text and "findahelpline.com" in chat.text
    assert "Partner" in chat.labels()


def test_safety_answers_can_be_reviewed_and_kept(chat: ChatDriver) -> None:
    """The picker's "My safety answers" shows them and lets the person keep or change them."""
    chat.onboard()
    chat.command("practice")
    press_exact(chat, DANGER)
    press_exact(chat, "Partner")
    press_exact(chat, "Work")
    press_exact(chat, "Done")
    press_exact(chat, "No")
    press_exact(chat, "My safety answers")
    assert "practice is left out for partner, work" in chat.text
    press_exact(chat, "Keep my answers")
    assert "Partner" not in chat.labels() and "Friends" in chat.labels()


# --- a practice session -----------------------------------------------------------------------


def test_feedback_answers_the_persons_own_words_and_everything_is_kept(
    chat: ChatDriver, runtime: Runtime, practice: PracticeContent
) -> None:
    """Feedback quotes the reply, names concrete things, shows examples; entries are stored."""
    chat.onboard()
    screen_safe(chat)
    press_exact(chat, "Work")
    scenario = shown_scenario(chat, practice)
    assert scenario.context == "work" and scenario.difficulty == 1
    assert "Work · level 1 (everyday)" in chat.text
    assert "What would you say?" in chat.text

    reply = "I guess I could. Must be nice to leave early every day."
    chat.send(reply)
    text = chat.text
    assert "I guess I could" in text  # the half-yes, quoted back
    assert "Must be nice" in text  # the sarcasm, quoted back
    assert "What works:" not in text  # nothing is praised that was not there
    assert scenario.examples[0] in text
    assert chat.labels() == ["1", "2", "3", "4", "5"]
    press_exact(chat, "2")
    assert "What would you like to do next?" in chat.text

    [kept] = entries(runtime, "practice")
    assert (kept.content_id, kept.text) == (scenario.id, reply)
    assert kept.data["context"] == "work" and kept.data["level"] == 1
    assert {"conditional_yes", "sarcasm"} <= set(kept.data["observations"])
    assert kept.data["verdict"] == "attacking"
    [rating] = entries(runtime, "practice_rating")
    assert rating.data == {"level": 1, "confidence": 2}
    assert prefs(runtime)["practice_done"] == [scenario.id]

    chat.command("journal")
    assert "Practice" in chat.text and reply in chat.text


def test_a_clear_kind_reply_is_praised_for_what_it_does(chat: ChatDriver) -> None:
    """Strengths are named with the person's words, and no weak spot is invented."""
    chat.onboard()
    screen_safe(chat)
    press_exact(chat, "Friends")
    chat.send("I need a quiet evening, so I'm not coming. How about Sunday instead?")
    assert "What works:" in chat.text
    assert "Something to try:" not in chat.text
    assert "I'm not coming" in chat.text
    assert "I need a quiet evening" in chat.text
    assert "How about Sunday instead" in chat.text


def test_a_reply_with_no_words_is_not_stored(chat: ChatDriver, runtime: Runtime) -> None:
    """Only punctuation gets a gentle nudge and the same scene; nothing is kept."""
    chat.onboard()
    screen_safe(chat)
    press_exact(chat, "Family")
    chat.send("...")
    assert "There's nothing here yet" in chat.text
    assert "What would you say?" in chat.text
    assert entries(runtime, "practice") == []


def test_without_consent_feedback_works_but_words_are_not_kept(
    chat: ChatDriver, runtime: Runtime
) -> None:
    """The reply is analyzed and answered, then let go; the entry keeps no text and nothing
    read from it (a bare note that a scene was practised, for My progress)."""
    chat.onboard(consent=False)
    screen_safe(chat)
    press_exact(chat, "Partner")
    chat.send("I'm not able to do that tonight.")
    assert "I'm not able to do that tonight" in chat.text
    assert "let your words go" in chat.text
    [kept] = entries(runtime, "practice")
    assert kept.text is None and kept.data == {}


def test_typed_rating_and_stale_buttons(chat: ChatDriver) -> None:
    """A typed 1-5 counts as a rating; an old scene button is answered as stale."""
    chat.onboard()
    screen_safe(chat)
    press_exact(chat, "Work")
    old_next = chat.button("Another scene").payload
    chat.send("No thanks.")
    chat.send("4")
    assert "What would you like to do next?" in chat.text
    chat.press_payload(old_next)
    assert "earlier message" in chat.text
    assert "What would you like to do next?" in chat.text


def test_restart_mid_scene_shows_the_same_scene(
    database_url: str, content: Content, practice: PracticeContent
) -> None:
    """The scene lives in the stored conversation: a restart resumes it exactly."""
    first = build_runtime(make_settings(database_url), content=content, migrate_schema=False)
    chat = ChatDriver(first.service, user_id=91)
    chat.onboard()
    screen_safe(chat)
    press_exact(chat, "Family")
    scenario = shown_scenario(chat, practice)
    first.database.dispose()

    second = build_runtime(make_settings(database_url), content=content, migrate_schema=False)
    again = ChatDriver(second.service, user_id=91, now=chat.now)
    again.sticker()
    assert shown_scenario(again, practice) == scenario
    again.send("I won't be there this time, and I'd love to visit next week.")
    assert "Here is what I noticed" in again.text
    second.database.dispose()


def test_a_scene_removed_from_the_library_offers_a_fresh_choice(
    chat: ChatDriver, runtime: Runtime
) -> None:
    """Someone parked on a scene that a content update removed is not stuck."""
    chat.onboard()
    screen_safe(chat)
    press_exact(chat, "Work")
    with runtime.database.begin() as connection:
        context = connection.execute(
            select(Conversation.context).where(Conversation.user_id == USER)
        ).scalar_one()
        context = {**context, "scenario": "work-99"}
        connection.execute(
            update(Conversation).where(Conversation.user_id == USER).values(context=context)
        )
    chat.send("No, thank you.")
    assert "Which part of your life" in chat.text
    assert entries(runtime, "practice") == []


def test_forged_buttons_are_harmless(chat: ChatDriver, runtime: Runtime) -> None:
    """Ratings and contexts that do not fit the current step are answered as stale."""
    chat.onboard()
    screen_safe(chat)
    step = chat.buttons[0].payload.rsplit("|", 1)[1]
    chat.press_payload(f"practice:rate:5|{step}")
    chat.press_payload(f"practice:choose:school|{step}")
    assert entries(runtime, "practice_rating") == []
    assert "Which part of your life" in chat.text


def test_stop_mid_scene_returns_to_the_menu(chat: ChatDriver) -> None:
    """Stopping is always possible and kind."""
    chat.onboard()
    screen_safe(chat)
    press_exact(chat, "Not now")
    assert "Maybe later" in chat.text
    chat.command("practice", "work")
    chat.send("No.")
    press_exact(chat, "3")
    press_exact(chat, "That's enough for now")
    assert "one short, kind, clear sentence" in chat.text
    chat.command("stop")
    assert "nothing running" in chat.text


# --- the ladder -------------------------------------------------------------------------------


def test_ladder_offers_a_harder_level_after_two_confident_ratings(
    chat: ChatDriver, runtime: Runtime, practice: PracticeContent
) -> None:
    """Two ratings of 4+ earn the offer; accepting moves the next scenes to level 2."""
    chat.onboard()
    screen_safe(chat)
    press_exact(chat, "Work")
    practise_once(chat, practice, "No, I can't this time.", 4)
    assert "harder" not in chat.text
    press_exact(chat, "Another scene")
    assert shown_scenario(chat, practice).difficulty == 1
    practise_once(chat, practice, "I'd rather not, thanks.", 5)
    assert "try a slightly harder scene" in chat.text
    assert chat.labels() == ["Try a harder one", "Stay at this level"]
    press_exact(chat, "Try a harder one")
    assert "a little harder" in chat.text
    press_exact(chat, "Another scene")
    scenario = shown_scenario(chat, practice)
    assert (scenario.context, scenario.difficulty) == ("work", 2)
    assert "level 2 (trickier)" in chat.text
    assert prefs(runtime)["practice_level"] == 2


def test_staying_is_fine_and_the_offer_returns_only_after_two_more(
    chat: ChatDriver, practice: PracticeContent
) -> None:
    """Declining keeps the level; the ladder asks again after two more confident ratings."""
    chat.onboard()
    screen_safe(chat)
    press_exact(chat, "Friends")
    practise_once(chat, practice, "No thanks.", 5)
    press_exact(chat, "Another scene")
    practise_once(chat, practice, "No thanks.", 5)
    press_exact(chat, "Stay at this level")
    assert "Staying here is a good choice" in chat.text
    press_exact(chat, "Another scene")
    assert shown_scenario(chat, practice).difficulty == 1
    practise_once(chat, practice, "No thanks.", 5)
    assert "harder" not in chat.text
    press_exact(chat, "Another scene")
    practise_once(chat, practice, "No thanks.", 4)
    assert "try a slightly harder scene" in chat.text


def test_hard_ratings_bring_a_gentle_offer_to_step_back(
    chat: ChatDriver, runtime: Runtime, practice: PracticeContent
) -> None:
    """Three hard ratings at level 2 offer lighter scenes; nobody is moved without asking."""
    chat.onboard()
    screen_safe(chat)
    press_exact(chat, "Partner")
    practise_once(chat, practice, "No.", 4)
    press_exact(chat, "Another scene")
    practise_once(chat, practice, "No.", 4)
    press_exact(chat, "Try a harder one")
    for rating in (2, 1):
        press_exact(chat, "Another scene")
        assert shown_scenario(chat, practice).difficulty == 2
        practise_once(chat, practice, "Maybe, I guess.", rating)
        assert "lighter" not in chat.text
    press_exact(chat, "Another scene")
    practise_once(chat, practice, "Maybe, I guess.", 2)
    assert "not a setback" in chat.text
    assert prefs(runtime)["practice_level"] == 2
    press_exact(chat, "Yes, something lighter")
    assert prefs(runtime)["practice_level"] == 1
    press_exact(chat, "Another scene")
    assert shown_scenario(chat, practice).difficulty == 1


def test_no_scene_repeats_until_the_pool_is_used_up(
    chat: ChatDriver, practice: PracticeContent
) -> None:
    """Every level-1 family scene comes once, then the round starts over, with a word."""
    pool = {s.id for s in practice.scenarios if s.context == "family" and s.difficulty == 1}
    chat.onboard()
    screen_safe(chat)
    press_exact(chat, "Family")
    seen: list[str] = []
    for _ in range(len(pool)):
        # Ratings of 3 keep the ladder quiet, so every scene stays at level 1.
        seen.append(practise_once(chat, practice, "No, not this time.", 3).id)
        press_exact(chat, "Another scene")
    assert set(seen) == pool and len(seen) == len(pool)
    assert "come round again" in chat.text
    again = shown_scenario(chat, practice)
    assert again.id in pool and again.id != seen[-1]


def test_context_choice_and_switching_context(chat: ChatDriver, practice: PracticeContent) -> None:
    """Scenes follow the chosen context; "Another part of life" lets the person switch."""
    chat.onboard()
    screen_safe(chat)
    press_exact(chat, "Partner")
    assert shown_scenario(chat, practice).context == "partner"
    press_exact(chat, "Another scene")  # skipping is fine
    assert shown_scenario(chat, practice).context == "partner"
    press_exact(chat, "Another part of life")
    press_exact(chat, "Work")
    assert shown_scenario(chat, practice).context == "work"
    chat.command("practice", "friends")
    assert shown_scenario(chat, practice).context == "friends"


# --- "I tried it for real" --------------------------------------------------------------------


def test_debrief_asks_three_questions_and_keeps_the_answers(
    chat: ChatDriver, runtime: Runtime
) -> None:
    """What happened, how it felt, what to keep or change: stored as entries, in the journal."""
    chat.onboard()
    screen_safe(chat)
    press_exact(chat, "I tried it for real")
    assert "takes courage" in chat.text
    assert "What happened?" in chat.text
    chat.send("I told my boss I can't take the extra project.")
    assert "How did it feel" in chat.text
    press_exact(chat, "Skip")
    assert "What would you keep" in chat.text
    chat.send("Keep it short next time.")
    assert "you tried something real" in chat.text
    kept = entries(runtime, "practice_debrief")
    assert [(e.content_id, e.text) for e in kept] == [
        ("q1", "I told my boss I can't take the extra project."),
        ("q3", "Keep it short next time."),
    ]
    assert kept[0].data["debrief"] == kept[1].data["debrief"]
    chat.command("journal")
    assert "Tried it for real" in chat.text
    assert "What happened? Who was it, and what did you say?" in chat.text
    assert "Keep it short next time." in chat.text


def test_debrief_from_the_command_and_stopping_halfway(chat: ChatDriver, runtime: Runtime) -> None:
    """/practice tried opens the debrief; stopping after one answer keeps it and thanks."""
    chat.onboard()
    screen_safe(chat)
    chat.command("practice", "tried")
    chat.send("My sister asked again and I said no.")
    press_exact(chat, "That's enough for now")
    assert "you tried something real" in chat.text
    assert len(entries(runtime, "practice_debrief")) == 1


def test_debrief_without_consent_keeps_no_words(chat: ChatDriver, runtime: Runtime) -> None:
    """Without consent the debrief still runs; nothing the person wrote is stored."""
    chat.onboard(consent=False)
    screen_safe(chat)
    chat.command("practice", "tried")
    for answer in ("It went fine.", "Shaky, then relieved.", "Say it sooner."):
        chat.send(answer)
    assert "let your words go" in chat.text
    assert [e.text for e in entries(runtime, "practice_debrief")] == [None, None, None]


def test_practice_is_in_the_menu_and_help(chat: ChatDriver) -> None:
    """The main menu and /help offer practice."""
    chat.onboard()
    chat.command("menu")
    assert "Practise saying no" in chat.labels()
    chat.press("Practise saying no")
    assert "what is it usually like?" in chat.text
    chat.command("help")
    assert "/practice" in chat.text


def test_a_self_check_suggestion_opens_a_scene_of_that_dimension(
    chat: ChatDriver, practice: PracticeContent
) -> None:
    """`go:practice:<dimension>` (the self-check's suggestion button) trains that dimension."""
    chat.onboard()
    screen_safe(chat)
    for dimension in ("self-worth", "balance", "communication"):
        chat.press_payload(f"go:practice:{dimension}")
        assert shown_scenario(chat, practice).dimension == dimension
    chat.command("practice")  # the picker by hand: any dimension again
    assert "partner" in " ".join(chat.labels()).lower()


def test_a_dimension_focus_keeps_a_newcomer_at_level_one(
    chat: ChatDriver, runtime: Runtime, practice: PracticeContent
) -> None:
    """A level-1 person asking for any dimension gets level-1 scenes of it, scene after scene."""
    chat.onboard()
    screen_safe(chat)
    for dimension in ("boundaries", "communication", "self-worth", "balance"):
        seen = []
        for _ in range(2):
            chat.press_payload(f"go:practice:{dimension}")
            seen.append(practise_once(chat, practice, "No, I need the evening for me.", 3))
        assert {(s.dimension, s.difficulty) for s in seen} == {(dimension, 1)}, seen
        assert seen[0].id != seen[1].id
    assert prefs(runtime).get("practice_level", 1) == 1
