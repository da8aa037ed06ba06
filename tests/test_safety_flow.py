"""Crisis routing and /sos through the real engine and database (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from bot.app import Runtime
from flows.events import Button
from flows.safety import PAUSED_KEY, PENDING_KEY
from flows.turn import STEP_KEY, Turn
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
    assert "Question" not in chat.text  # nothing from the flow: it did not see the message
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
    reply = runtime.service.process(event)[0]
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
        assert "Question" not in chat.text  # the command did not run
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


# --- the reply itself ---------------------------------------------------------------------------


def set_prefs(runtime: Runtime, user_id: int, **values: Any) -> None:
    """Change stored prefs (and other user columns given as `column__name`) directly."""
    from sqlalchemy import select, update

    from bot.storage.models import User

    columns = {
        k.removeprefix("column__"): v for k, v in values.items() if k.startswith("column__")
    }
    prefs = {k: v for k, v in values.items() if not k.startswith("column__")}
    with runtime.database.begin() as connection:
        current = connection.execute(select(User.prefs).where(User.user_id == user_id)).scalar()
        merged = {**(current or {}), **prefs}
        connection.execute(
            update(User).where(User.user_id == user_id).values(prefs=merged, **columns)
        )


def stored_prefs(runtime: Runtime, user_id: int) -> dict[str, Any]:
    """The person's stored prefs."""
    from sqlalchemy import select

    from bot.storage.models import User

    with runtime.database.connect() as connection:
        value = connection.execute(select(User.prefs).where(User.user_id == user_id)).scalar()
    return dict(value or {})


def test_the_numbers_come_within_the_first_three_lines_then_staying_safe(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard()
    set_prefs(runtime, chat.user_id, country="GB")
    chat.send(CRISIS_BY_KIND["suicide"])
    first_three = chat.replies[0].text.splitlines()[:3]
    assert "Call 999" in first_three[1]
    assert "116 123" in first_three[2]
    assert "distance between you and anything you could use" in chat.replies[0].text
    assert "stay near someone" in chat.replies[0].text
    labels = chat.labels()
    assert "Help me write to someone I trust" in labels
    assert "Make a safety plan" in labels
    assert "Which country are you in?" not in chat.text  # already known


def test_the_safety_plan_button_opens_the_plan_from_a_crisis_reply_and_sos(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard()
    chat.send(CRISIS_BY_KIND["self_harm"])
    chat.press("Make a safety plan")
    assert "A safety plan is a short list" in chat.text
    chat.command("sos")
    assert "Make a safety plan" in chat.labels()


def test_the_draft_is_a_message_to_copy_and_nothing_is_sent_or_kept(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard()
    chat.command("reflect")
    chat.press("Communication")
    before = where(runtime, chat)
    chat.send(CRISIS_BY_KIND["suicide"])
    chat.press("Help me write")
    intro, draft, outro = (reply.text for reply in chat.replies)
    assert "Copy it" in intro
    assert draft.startswith("Hi, I'm having a really hard time")  # alone, easy to copy
    assert "I won't send anything" in outro
    assert "Carry on where we were" in chat.labels()
    assert all_rows(runtime.database)["entries"] == []
    chat.press("Carry on")
    assert "Question 1 of 3" in chat.text
    assert where(runtime, chat) == before


def test_a_violence_draft_asks_for_help_without_details(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard()
    chat.send(CRISIS_BY_KIND["violence"])
    chat.press("Help me write")
    assert "I don't feel safe right now" in chat.replies[1].text


def test_someone_worried_about_another_person_gets_the_helper_reply(
    runtime: Runtime, chat: ChatDriver
) -> None:
    from tests.support.assessor import install, reading

    worried = "my friend says she wants to die"
    install(runtime, {worried: reading("crisis", "suicide", about_other=True)})
    chat.onboard()
    set_prefs(runtime, chat.user_id, country="GB")
    chat.send(worried)
    reply = chat.replies[0].text
    lines = reply.splitlines()
    assert "looking out for them" in lines[0]
    assert "999" in lines[1] and "together with them" in lines[1]
    assert "116 123" in lines[2]
    assert "Are you thinking about ending your life?" in reply  # the question to ask them
    assert "Help me write to someone I trust" not in chat.labels()
    assert "Carry on where we were" in chat.labels()


def test_a_worried_helper_on_violence_is_told_not_to_confront(
    runtime: Runtime, chat: ChatDriver
) -> None:
    from tests.support.assessor import install, reading

    worried = "my sister's husband hits her"
    install(runtime, {worried: reading("check_in", "violence", about_other=True)})
    chat.onboard()
    chat.send(worried)
    assert "don't confront the person hurting them" in chat.replies[0].text
    assert "Are you safe right now?" not in chat.text  # a helper is not asked about themselves


# --- check-in -----------------------------------------------------------------------------------

WORN_OUT = "I can't keep doing this, I'm so tired of everything"


def reflect_until_question_two(chat: ChatDriver) -> None:
    chat.command("reflect")
    chat.press("Communication")
    chat.send("I usually drop hints")
    assert "Question 2 of 3" in chat.text


def test_check_in_asks_directly_with_three_answers(runtime: Runtime, chat: ChatDriver) -> None:
    from tests.support.assessor import install, reading

    install(runtime, {WORN_OUT: reading("check_in", "distress")})
    chat.onboard()
    reflect_until_question_two(chat)
    before = where(runtime, chat)
    chat.send(WORN_OUT)
    assert "Are you thinking about ending your life?" in chat.text
    assert chat.labels() == ["Yes", "No", "I'd rather not say"]
    assert "Question" not in chat.text
    assert where(runtime, chat) == before


def test_check_in_yes_gives_the_crisis_reply_for_that_kind(
    runtime: Runtime, chat: ChatDriver
) -> None:
    from tests.support.assessor import install, reading

    install(runtime, {WORN_OUT: reading("check_in", "distress")})
    chat.onboard()
    set_prefs(runtime, chat.user_id, country="US")
    reflect_until_question_two(chat)
    before = where(runtime, chat)
    chat.send(WORN_OUT)
    chat.press_payload(chat.button("Yes").payload)
    # Yes to "ending your life" after exhaustion is answered as suicide: 988 is shown.
    assert chat.replies[0].text.startswith("Thank you for telling me. You deserve help")
    assert "988" in chat.replies[0].text
    assert "Save it to my journal" in chat.labels()
    chat.press("Save it")
    chat.press("Carry on")
    assert "Question 2 of 3" in chat.text
    assert where(runtime, chat) == before
    chat.command("journal")
    assert WORN_OUT in chat.text


def test_check_in_no_lets_the_answer_through_as_if_just_typed(
    runtime: Runtime, chat: ChatDriver
) -> None:
    from tests.support.assessor import install, reading

    install(runtime, {WORN_OUT: reading("check_in", "distress")})
    chat.onboard()
    reflect_until_question_two(chat)
    chat.send(WORN_OUT)
    chat.press_payload(chat.button("No").payload)
    assert chat.text.count("/sos") == 1
    assert "Question 3 of 3" in chat.text  # the reflection took the answer
    chat.command("journal")
    assert WORN_OUT in chat.text  # kept as usual, with consent


def test_typed_yes_and_no_answer_the_check_in(runtime: Runtime, chat: ChatDriver) -> None:
    from tests.support.assessor import install, reading

    install(runtime, {WORN_OUT: reading("check_in", "suicide")})
    chat.onboard()
    reflect_until_question_two(chat)
    chat.send(WORN_OUT)
    chat.send("yeah")
    assert "Carry on where we were" in chat.labels()
    assert "not a crisis service" in chat.text
    chat.press("Carry on")
    chat.send(WORN_OUT)
    chat.send("No.")
    assert "Question 3 of 3" in chat.text


def test_check_in_rather_not_say_shows_the_lines_gently_and_carries_on(
    runtime: Runtime, chat: ChatDriver
) -> None:
    from tests.support.assessor import install, reading

    install(runtime, {WORN_OUT: reading("check_in", "distress")})
    chat.onboard()
    reflect_until_question_two(chat)
    before = where(runtime, chat)
    chat.send(WORN_OUT)
    chat.press("I'd rather not say")
    assert "you don't have to say" in chat.text
    assert "findahelpline.com" in chat.text
    assert "Question 2 of 3" in chat.text
    assert where(runtime, chat) == before
    assert WORN_OUT not in dump_text(runtime.database)


def test_fear_and_violence_check_ins_ask_whether_they_are_safe(
    runtime: Runtime, chat: ChatDriver
) -> None:
    from tests.support.assessor import install, reading

    install(
        runtime,
        {
            "he said I'll regret it": reading("check_in", "violence"),
            "I'm scared of what she'll do": reading("check_in", "fear"),
            "he made me do things": reading("check_in", "sexual_violence"),
        },
    )
    chat.onboard()
    for message in (
        "he said I'll regret it",
        "I'm scared of what she'll do",
        "he made me do things",
    ):
        chat.send(message)
        assert "Are you safe right now?" in chat.text
        assert "ending your life" not in chat.text
    chat.press_payload(chat.button("Yes").payload)
    assert "not your fault" in chat.replies[0].text


def test_without_consent_a_check_in_holds_nothing_and_asks_to_send_again(
    runtime: Runtime, chat: ChatDriver
) -> None:
    from tests.support.assessor import install, reading

    install(runtime, {WORN_OUT: reading("check_in", "distress")})
    chat.onboard(consent=False)
    reflect_until_question_two(chat)
    chat.send(WORN_OUT)
    assert WORN_OUT not in dump_text(runtime.database)
    chat.press_payload(chat.button("No").payload)
    assert "Could you send it again?" in chat.text
    assert "Question 2 of 3" in chat.text
    chat.send("I go quiet")
    assert "Question 3 of 3" in chat.text


def test_a_check_in_on_command_words_runs_the_command_after_no(
    runtime: Runtime, chat: ChatDriver
) -> None:
    from tests.support.assessor import install, reading

    question = "what if I just disappear, is that codependency"
    install(runtime, {question: reading("check_in", "distress")})
    chat.onboard()
    chat.command("faq", question)
    assert "Are you thinking about ending your life?" in chat.text
    assert all_rows(runtime.database)["faq_queries"] == []
    chat.press_payload(chat.button("No").payload)
    assert len(all_rows(runtime.database)["faq_queries"]) == 1  # /faq ran with the words


def test_old_check_in_answers_are_stale(runtime: Runtime, chat: ChatDriver) -> None:
    from tests.support.assessor import install, reading

    install(runtime, {WORN_OUT: reading("check_in", "distress")})
    chat.onboard()
    reflect_until_question_two(chat)
    chat.send(WORN_OUT)
    no = chat.button("No").payload
    chat.send("I go quiet")  # answered the reflection instead: the held message is dropped
    assert "Question 3 of 3" in chat.text
    chat.press_payload(no)
    assert "earlier message" in chat.text
    chat.command("journal")
    assert WORN_OUT not in chat.text


# --- past experiences ---------------------------------------------------------------------------


def test_a_past_experience_is_acknowledged_briefly_and_goes_through(
    runtime: Runtime, chat: ChatDriver
) -> None:
    from tests.support.assessor import install, reading

    past = "years ago I self-harmed, I'm fine now"
    install(runtime, {past: reading("past", "self_harm")})
    chat.onboard()
    reflect_until_question_two(chat)
    chat.send(past)
    acknowledgement = chat.replies[0].text
    assert len(acknowledgement.splitlines()) == 2
    assert acknowledgement.count("/sos") == 1
    assert "not a crisis service" not in chat.text
    assert "Question 3 of 3" in chat.text  # the reflection took the answer
    chat.command("journal")
    assert past in chat.text


def test_past_acknowledgements_vary(runtime: Runtime, chat: ChatDriver) -> None:
    from tests.support.assessor import install, reading

    install(runtime, {"my dad used to hit me": reading("past", "violence")})
    chat.onboard()
    seen = set()
    for _ in range(12):
        chat.send("my dad used to hit me")
        seen.add(chat.replies[0].text.splitlines()[0])
    assert len(seen) >= 2


# --- where the person is ------------------------------------------------------------------------


def test_the_first_crisis_reply_asks_for_the_country_once_and_remembers_it(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard()
    chat.command("reflect")
    chat.press("Communication")
    before = where(runtime, chat)
    chat.send(CRISIS_BY_KIND["violence"])
    assert "Which country are you in?" in chat.replies[-1].text
    assert "United Kingdom" in chat.labels() and "Another country" in chat.labels()
    chat.press("United Kingdom")
    assert "help in United Kingdom" in chat.text
    assert "999" in chat.text and "National Domestic Abuse Helpline" in chat.text
    assert stored_prefs(runtime, chat.user_id)["country"] == "GB"
    chat.press("Carry on")  # the crisis choices are still there
    assert "Question 1 of 3" in chat.text
    assert where(runtime, chat) == before
    chat.send(CRISIS_BY_KIND["suicide"])
    assert "Which country are you in?" not in chat.text
    assert "116 123" in chat.replies[0].text


def test_another_country_can_be_typed(runtime: Runtime, chat: ChatDriver) -> None:
    chat.onboard()
    chat.command("sos")
    assert "Which country are you in?" in chat.text
    chat.press("Another country")
    chat.send("germny")
    assert "help in Germany" in chat.text and "TelefonSeelsorge" in chat.text
    assert stored_prefs(runtime, chat.user_id)["country"] == "DE"
    chat.command("sos")
    assert "Which country are you in?" not in chat.text
    assert "TelefonSeelsorge" in chat.text
    chat.press("Change my country")
    chat.press("Another country")
    chat.send("Atlantis")
    assert "couldn't find that country" in chat.text
    assert stored_prefs(runtime, chat.user_id)["country"] == "DE"


def test_a_typed_country_in_crisis_keeps_the_crisis_choices(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard()
    words = CRISIS_BY_KIND["violence"]
    chat.send(words)
    chat.press("Another country")
    chat.send("Ireland")
    assert "Women's Aid" in chat.text
    chat.press("Save it")
    chat.command("journal")
    assert words in chat.text


def test_rather_not_say_is_respected(runtime: Runtime, chat: ChatDriver) -> None:
    chat.onboard()
    chat.command("sos")
    chat.press("I'd rather not say")
    assert "work wherever you are" in chat.text
    assert "country" not in stored_prefs(runtime, chat.user_id)
    chat.send(CRISIS_BY_KIND["suicide"])
    assert "Which country are you in?" not in chat.text
    assert "Choose my country for local lines" in chat.labels()  # still one tap away


def test_the_time_zone_from_daily_is_offered_first(runtime: Runtime, chat: ChatDriver) -> None:
    chat.onboard()
    set_prefs(
        runtime, chat.user_id, daily_zone_chosen=True, column__timezone="Australia/Melbourne"
    )
    chat.command("sos")
    question = chat.replies[-1]
    first = question.buttons[0][0]
    assert first.label == "Australia (from your time zone)"
    chat.press_payload(first.payload)
    assert "13 11 14" in chat.text
    assert stored_prefs(runtime, chat.user_id)["country"] == "AU"


def test_country_from_zone_and_typed_names() -> None:
    from flows.places import country_for_zone, match_country

    assert country_for_zone("Europe/London") == "GB"
    assert country_for_zone("Asia/Kolkata") == "IN"
    assert country_for_zone("America/Sao_Paulo") == "BR"
    assert country_for_zone("UTC") is None
    assert country_for_zone(None) is None
    names = {"GB": "United Kingdom"}
    assert match_country("uk", names) == "GB"
    assert match_country("Scotland", names) == "GB"
    assert match_country("united kingdom", names) == "GB"
    assert match_country("ie", names) == "IE"
    assert match_country("South Africa", names) == "ZA"
    assert match_country("Ireland", names) == "IE"
    assert match_country("xyzzy", names) is None
    assert match_country("", names) is None


def test_a_check_in_comes_first_at_every_point_of_every_flow(
    runtime: Runtime, chat: ChatDriver
) -> None:
    """Walk each command's flow; at each point a check-in message gets the question first, and
    "I'd rather not say" leaves the person exactly where they were."""
    from tests.support.assessor import install, reading

    install(runtime, {WORN_OUT: reading("check_in", "distress")})
    chat.onboard()
    names = [s.name for s in runtime.engine.visible_commands() if s.name != "delete"]
    for name in names:
        chat.command("menu")
        chat.command(name)
        for step in range(4):
            before = where(runtime, chat)
            flow_buttons = [b for b in chat.buttons if "|" in b.payload]
            chat.send(WORN_OUT)
            assert "Are you thinking about ending your life?" in chat.text, (name, step)
            assert where(runtime, chat) == before, (name, step)
            chat.press("I'd rather not say")
            assert "findahelpline.com" in chat.text
            assert where(runtime, chat) == before, (name, step)
            if flow_buttons:
                chat.press_payload(flow_buttons[0].payload)
            else:
                chat.send("an ordinary answer about my week")


def test_another_feature_can_show_its_part_first_in_sos(
    runtime: Runtime, chat: ChatDriver
) -> None:
    """How the safety plan shows itself first in /sos: a section may reply and adds buttons."""
    from flows.safety import add_sos_section

    plans: dict[int, str] = {}

    def section(turn: Turn) -> list[list[Button]]:
        plan = plans.get(turn.user.user_id)
        if plan is not None:
            turn.reply(plan)
        return [[turn.link("safety_plan.open", "go:safetyplan")]]

    add_sos_section(runtime.engine, section)
    chat.onboard()
    chat.command("sos")
    assert not chat.replies[0].text.startswith("My plan")
    plans[chat.user_id] = "My plan: call my sister, then walk to the park."
    chat.command("sos")
    assert chat.replies[0].text.startswith("My plan: call my sister")
    assert "findahelpline.com" not in chat.replies[0].text
    assert "My safety plan" in chat.labels()
