"""Preparing a real conversation (SQLite and PostgreSQL): the guided flow, the rehearsal against
the feared pushback, the card, safety, the notices sent once, and the debrief after a restart."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select, text, update

from bot.app import Runtime, build_runtime
from bot.crypto import CipherError, FernetCipher, generate_key
from bot.preparation_notices import DueNotice, claim_due_notices, notice_reply
from bot.storage.database import create_database_engine
from bot.storage.key_rotation import rotate_stored_text
from bot.storage.models import Entry, Preparation, User
from content import Content
from flows.prepare import due_times
from tests.conftest import make_settings
from tests.support.assessor import install, reading
from tests.support.chat import ChatDriver
from tests.support.export_files import read_export
from tests.test_practice_flow import DANGER, press_exact, screen_safe

GOAL = "I want to tell her I need Sundays for myself."
FEAR = "She will say I'm selfish"
PLAN = "If she says I'm selfish, then I will say I care about us and I still need this."
FIRST = "I hear you, and no, I need Sundays for me."
SECOND = "maybe I could possibly take some time if that's ok?"
GUILT_PUSHBACK = "Wow. I really thought you cared about us more than that."
# ChatDriver's clock starts on Monday 2 March 2026 at 09:00 UTC; the person's zone is UTC.
TOMORROW = date(2026, 3, 3)


def prepare_for_tomorrow_evening(chat: ChatDriver, keep: str = "Keep the one before") -> None:
    """Go through /prepare: partner, tomorrow, evening, goal, fear, plan, two tries, keep one."""
    chat.command("prepare")
    chat.press("Partner")
    chat.press("Tomorrow")
    chat.press("Evening")
    chat.send(GOAL)
    chat.send(FEAR)
    chat.send(PLAN)
    chat.send(FIRST)
    chat.press("Try again")
    chat.send(SECOND)
    chat.press(keep)


def rows(runtime: Runtime) -> list[Preparation]:
    """Every stored preparation (raw columns, as stored)."""
    with runtime.database.connect() as connection:
        return list(connection.execute(select(Preparation)).all())  # type: ignore[arg-type]


def entry_kinds(runtime: Runtime) -> list[str]:
    """Kinds of the stored entries, oldest first."""
    with runtime.database.connect() as connection:
        return list(connection.execute(select(Entry.kind).order_by(Entry.id)).scalars())


@pytest.fixture
def encrypted(database_url: str, content: Content) -> Iterator[Runtime]:
    """A runtime that encrypts free text."""
    built = build_runtime(
        make_settings(database_url, encryption_keys=(generate_key(),)),
        content=content,
        migrate_schema=False,
    )
    yield built
    built.database.dispose()


# --- the flow ---------------------------------------------------------------------------------


def test_a_whole_preparation_ends_with_the_card_and_keeps_the_chosen_answer(
    encrypted: Runtime,
) -> None:
    chat = ChatDriver(encrypted.service)
    chat.onboard()
    chat.command("prepare")
    assert "Who is the conversation with?" in chat.text
    assert {"Partner", "Friends", "Family", "Work"} <= set(chat.labels())
    chat.press("Partner")
    assert "When will you talk?" in chat.text
    chat.press("Tomorrow")
    assert "Tuesday 3 March. About what time?" in chat.text
    chat.press("Evening")
    assert "Tuesday 3 March, 19:00 with your partner" in chat.text
    chat.send(GOAL)
    assert "afraid" in chat.text
    chat.send(FEAR)
    assert "If they say" in chat.text
    chat.send(PLAN)
    assert "I'll play your partner" in chat.text
    assert GUILT_PUSHBACK in chat.text  # "selfish" names guilt: the partner's guilt line
    chat.send(FIRST)
    assert "Here is what I noticed." in chat.text
    assert '"I need Sundays for me"' in chat.text  # the practice analyser read their words
    assert "Keep the one before" not in chat.labels()
    chat.press("Try again")
    assert GUILT_PUSHBACK in chat.text
    chat.send(SECOND)
    assert "Keep the one before" in chat.labels()
    chat.press("Keep the one before")
    card = chat.text
    for words in (GOAL, PLAN, FIRST):
        assert words in card
    assert SECOND not in card
    assert "Remember:" in card
    assert "I'll send you this card on the day" in card
    (row,) = rows(encrypted)
    assert row.talk_date == TOMORROW and row.talk_time == "19:00" and row.area == "partner"
    assert row.card_due_utc == datetime(2026, 3, 3, 9, 0, tzinfo=UTC)  # no daily time: 09:00
    assert row.debrief_due_utc == datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    assert row.card_sent_at is None
    for column in (row.goal, row.fear, row.plan, row.opening):
        assert column is not None and "Sundays" not in column and "selfish" not in column
    assert entry_kinds(encrypted) == ["prepare"]
    # The card stays available from /prepare.
    chat.command("prepare")
    assert "Tuesday 3 March, 19:00 with your partner" in chat.text
    chat.press("Card:")
    assert GOAL in chat.text and FIRST in chat.text


def test_the_card_comes_at_the_daily_prompt_time_in_the_persons_zone(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard()
    with runtime.database.begin() as connection:
        connection.execute(
            update(User).values(daily_enabled=True, daily_time="07:45", timezone="Europe/Berlin")
        )
    prepare_for_tomorrow_evening(chat)
    (row,) = rows(runtime)
    assert (row.talk_date, row.talk_time) == (TOMORROW, "19:00")  # Berlin time
    assert row.card_due_utc == datetime(2026, 3, 3, 6, 45, tzinfo=UTC)
    assert row.debrief_due_utc == datetime(2026, 3, 4, 6, 45, tzinfo=UTC)


def test_typed_day_and_time_skip_the_time_question(runtime: Runtime, chat: ChatDriver) -> None:
    chat.onboard()
    chat.command("prepare", "work")
    assert "When will you talk?" in chat.text
    chat.send("someday soon")
    assert "I didn't catch a day" in chat.text
    chat.send("tomorrow 7pm")
    assert "Tuesday 3 March, 19:00 with your colleague" in chat.text
    assert "About what time?" not in chat.text


def test_later_this_week_offers_named_days_and_a_typed_time(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard()
    chat.command("prepare", "friends")
    chat.press("Later this week")
    assert "Wednesday 4 March" in chat.labels() and "Sunday 8 March" in chat.labels()
    chat.press("Friday 6 March")
    chat.send("half past something")
    assert "couldn't read that time" in chat.text
    chat.send("18:30")
    assert "Friday 6 March, 18:30 with your friend" in chat.text


def test_a_day_far_away_or_past_is_asked_again(runtime: Runtime, chat: ChatDriver) -> None:
    chat.onboard()
    chat.command("prepare", "work")
    chat.send("12 dec")
    assert "a long way off" in chat.text
    chat.send("1 march")
    assert "already passed" in chat.text
    chat.send("friday")
    assert "Friday 6 March. About what time?" in chat.text


def test_an_answer_without_words_is_asked_again(runtime: Runtime, chat: ChatDriver) -> None:
    chat.onboard()
    chat.command("prepare", "work")
    chat.send("tomorrow 7pm")
    for line in (GOAL, FEAR, PLAN):
        chat.send(line)
    chat.send("?!")
    assert "I didn't see any words there" in chat.text
    assert "Here is what I noticed" not in chat.text
    chat.send(FIRST)
    assert "Here is what I noticed" in chat.text


def test_rotating_keys_rewrites_prepared_words(database_url: str, content: Content) -> None:
    old, new = generate_key(), generate_key()
    first = build_runtime(
        make_settings(database_url, encryption_keys=(old,)), content=content, migrate_schema=False
    )
    chat = ChatDriver(first.service)
    chat.onboard()
    prepare_for_tomorrow_evening(chat)
    first.database.dispose()
    both = build_runtime(
        make_settings(database_url, encryption_keys=(new, old)),
        content=content,
        migrate_schema=False,
    )
    rotate_stored_text(
        both.database, FernetCipher([new, old]), held=both.engine.held_texts.values()
    )
    both.database.dispose()
    after = build_runtime(
        make_settings(database_url, encryption_keys=(new,)), content=content, migrate_schema=False
    )
    try:
        (row,) = rows(after)
        with pytest.raises(CipherError):
            FernetCipher([old]).decrypt(str(row.goal))
        resumed = ChatDriver(after.service, user_id=chat.user_id)
        resumed.press_payload(f"go:prepare:card-{row.id}")
        assert GOAL in resumed.text and PLAN in resumed.text
    finally:
        after.database.dispose()


def test_a_time_already_past_today_is_asked_again(runtime: Runtime, chat: ChatDriver) -> None:
    chat.onboard()
    chat.command("prepare", "family")
    chat.press("Today")
    chat.press("Morning")  # 09:00 today has just passed
    assert "already passed" in chat.text
    chat.press("Evening")
    assert "Monday 2 March, 19:00" in chat.text


def test_prepared_on_the_day_after_the_card_time_counts_the_card_as_seen(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard()
    chat.command("prepare", "partner")
    chat.press("Today")
    chat.press("Evening")
    for line in (GOAL, FEAR, PLAN, FIRST):
        chat.send(line)
    chat.press("Keep this one")
    assert "I'll ask how it went afterwards" in chat.text
    (row,) = rows(runtime)
    assert row.card_sent_at is not None
    assert claim_due_notices(runtime.database, chat.now + timedelta(hours=1)) == []


def test_without_consent_the_card_is_shown_but_no_words_are_kept(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard(consent=False)
    chat.command("prepare", "partner")
    assert "only hold them until your card is ready" in chat.text
    chat.press("Tomorrow")
    chat.press("Evening")
    for line in (GOAL, FEAR, PLAN, FIRST):
        chat.send(line)
    chat.press("Keep this one")
    assert GOAL in chat.text and FIRST in chat.text  # shown once, now
    (row,) = rows(runtime)
    assert (row.goal, row.fear, row.plan, row.opening) == (None, None, None, None)
    with runtime.database.connect() as connection:
        contexts = connection.execute(text("SELECT context FROM conversations")).scalars().all()
    assert all("prep_" not in str(context) for context in contexts)  # held words dropped
    chat.press_payload(f"go:prepare:card-{row.id}")
    assert "were not kept" in chat.text and GOAL not in chat.text


def test_words_with_braces_reach_the_card_as_written(runtime: Runtime, chat: ChatDriver) -> None:
    chat.onboard()
    chat.command("prepare", "friends")
    chat.send("tomorrow 7pm")
    for line in ("I want {my} evenings back", FEAR, "If {they} push, then I pause", FIRST):
        chat.send(line)
    chat.press("Keep this one")
    assert "What I want: I want {my} evenings back" in chat.text
    assert "My plan: If {they} push, then I pause" in chat.text


def test_words_held_midway_rest_encrypted_and_export_readable(encrypted: Runtime) -> None:
    chat = ChatDriver(encrypted.service)
    chat.onboard()
    chat.command("prepare", "partner")
    chat.send("tomorrow 7pm")
    chat.send(GOAL)
    with encrypted.database.connect() as connection:
        stored = str(connection.execute(text("SELECT context FROM conversations")).scalar_one())
    assert "prep_goal" in stored and "Sundays" not in stored
    exported = read_export(encrypted.service, chat.command("export"))
    (conversation,) = exported.data["tables"]["conversations"]
    assert conversation["context"]["prep_goal"]["text"] == GOAL
    chat.send(FEAR)  # /export left the flow where it was
    assert "If they say" in chat.text


def test_stopping_midway_saves_nothing(runtime: Runtime, chat: ChatDriver) -> None:
    chat.onboard()
    chat.command("prepare", "partner")
    chat.press("Tomorrow")
    chat.press("Evening")
    chat.send(GOAL)
    chat.press("Not now")
    assert "Nothing was saved" in chat.text
    assert rows(runtime) == []
    assert entry_kinds(runtime) == []


def test_practice_offers_to_prepare_a_real_conversation(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard()
    screen_safe(chat)
    chat.press("Not now")  # leave practice from the choice of relationship
    assert "Prepare a real conversation" in chat.labels()
    chat.press("Prepare a real conversation")
    assert "Who is the conversation with?" in chat.text


# --- safety -----------------------------------------------------------------------------------


def mark_partner_unsafe(chat: ChatDriver) -> None:
    """Answer practice's safety screen: the partner could become dangerous."""
    chat.command("practice")
    press_exact(chat, DANGER)
    chat.press("Partner")
    chat.press("Done")
    press_exact(chat, "No")


def test_a_relationship_marked_not_safe_cannot_be_prepared_for(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard()
    mark_partner_unsafe(chat)
    chat.command("prepare")
    assert "Partner" not in chat.labels()
    assert {"Friends", "Family", "Work"} <= set(chat.labels())
    chat.send("partner")
    assert "won't help you prepare a talk with them" in chat.text
    assert "findahelpline.com" in chat.text
    chat.command("prepare", "partner")
    assert "won't help you prepare a talk with them" in chat.text
    assert "When will you talk?" not in chat.text


def test_fear_of_harm_routes_to_safety_not_rehearsal(runtime: Runtime, chat: ChatDriver) -> None:
    scared = "he might hit me if I say it"
    install(runtime, {scared: reading("check_in", "fear")})
    chat.onboard()
    chat.command("prepare", "partner")
    chat.press("Tomorrow")
    chat.press("Evening")
    chat.send(GOAL)
    chat.send(scared)
    assert "I won't rehearse this one" in chat.text
    assert "findahelpline.com" in chat.text
    assert "I'll play your" not in chat.text and "If they say" not in chat.text
    assert "Are you safe right now?" not in chat.text  # answered here, not by the check-in
    with runtime.database.connect() as connection:
        contexts = connection.execute(text("SELECT context FROM conversations")).scalars().all()
    assert all("prep_goal" not in str(context) for context in contexts)
    chat.press("Don't prepare talks with my partner")
    assert "won't offer to prepare talks with your partner" in chat.text
    with runtime.database.connect() as connection:
        prefs = connection.execute(select(User.prefs)).scalar_one()
    assert prefs["practice_safety"]["unsafe"] == ["partner"]
    chat.command("prepare")
    assert "Partner" not in chat.labels()


# --- notices, restart, debrief ----------------------------------------------------------------


def test_the_card_notice_is_sent_once_and_never_quotes_the_person(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard()
    prepare_for_tomorrow_evening(chat)
    (row,) = rows(runtime)
    assert claim_due_notices(runtime.database, row.card_due_utc - timedelta(minutes=1)) == []
    first = claim_due_notices(runtime.database, row.card_due_utc)
    assert first == [DueNotice(row.id, chat.user_id, chat.user_id, "card")]
    assert claim_due_notices(runtime.database, row.card_due_utc + timedelta(minutes=1)) == []
    notice = notice_reply(runtime.content, first[0])
    assert notice.text == "Your card for today's conversation is ready."
    for words in (GOAL, FEAR, PLAN, FIRST, "Sundays", "selfish"):
        assert words not in notice.text
        assert all(words not in b.label for row_ in notice.buttons for b in row_)
    chat.press_payload(notice.buttons[0][0].payload)
    assert GOAL in chat.text and FIRST in chat.text and PLAN in chat.text


def test_two_workers_claim_each_notice_exactly_once(database_url: str, content: Content) -> None:
    runtime = build_runtime(make_settings(database_url), content=content, migrate_schema=False)
    try:
        for user_id in (11, 12, 13):
            chat = ChatDriver(runtime.service, user_id=user_id)
            chat.onboard()
            prepare_for_tomorrow_evening(chat)
        due = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
        other = create_database_engine(database_url)  # a second worker with its own pool
        results: list[list[DueNotice]] = [[], []]
        barrier = threading.Barrier(2)

        def work(index: int) -> None:
            barrier.wait()
            engine = runtime.database if index == 0 else other
            for _ in range(3):  # a few ticks each
                results[index] += claim_due_notices(engine, due)

        threads = [threading.Thread(target=work, args=(i,)) for i in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        other.dispose()
        claimed = sorted(n.user_id for n in results[0] + results[1])
        assert claimed == [11, 12, 13]
    finally:
        runtime.database.dispose()


def test_a_restart_between_preparation_and_debrief(database_url: str, content: Content) -> None:
    before = build_runtime(make_settings(database_url), content=content, migrate_schema=False)
    chat = ChatDriver(before.service)
    chat.onboard()
    prepare_for_tomorrow_evening(chat)
    assert len(rows(before)) == 1
    before.database.dispose()

    after = build_runtime(make_settings(database_url), content=content, migrate_schema=False)
    try:
        card_time = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
        assert [n.kind for n in claim_due_notices(after.database, card_time)] == ["card"]
        # The talk is on the evening of the 3rd: no debrief before the next morning.
        assert claim_due_notices(after.database, datetime(2026, 3, 3, 21, tzinfo=UTC)) == []
        debrief_time = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
        notices = claim_due_notices(after.database, debrief_time)
        assert [n.kind for n in notices] == ["debrief"]
        assert claim_due_notices(after.database, debrief_time + timedelta(hours=1)) == []
        reply = notice_reply(content, notices[0])
        assert "Sundays" not in reply.text and "tell me how it went" in reply.text
        resumed = ChatDriver(after.service, user_id=chat.user_id, now=debrief_time)
        resumed.press_payload(reply.buttons[0][0].payload)
        assert "How did it go?" in resumed.text
        resumed.send("Better than I feared. She was quiet, then said okay.")
        assert "What did you say?" in resumed.text
        resumed.press("Skip")
        assert "What would you keep" in resumed.text
        resumed.send("Saying it early in the day.")
        assert "Thank you for telling me" in resumed.text
        kept = entry_kinds(after)[-3:]
        assert kept == ["prepare_debrief", "prepare_debrief", "prepare_debriefed"]
        resumed.command("journal")
        assert "How did it go?\nBetter than I feared" in resumed.text
        resumed.command("progress")
        assert "1 real conversation prepared" in resumed.text
        assert "1 talk looked back on" in resumed.text
        resumed.press_payload(reply.buttons[0][0].payload)
        assert "already looked back" in resumed.text
        (done,) = rows(after)
        assert done.debriefed_at is not None
    finally:
        after.database.dispose()


def test_a_debrief_given_early_is_not_offered_again(runtime: Runtime, chat: ChatDriver) -> None:
    chat.onboard()
    prepare_for_tomorrow_evening(chat)
    (row,) = rows(runtime)
    chat.now = datetime(2026, 3, 3, 18, tzinfo=UTC)  # the day of the talk, before it
    chat.command("prepare")
    assert not any("How did it go?" in label for label in chat.labels())
    chat.now = datetime(2026, 3, 3, 21, tzinfo=UTC)
    chat.command("prepare")
    chat.press("How did it go?")
    chat.send("It went fine.")
    chat.press("Skip")
    chat.press("Skip")
    assert "Thank you for telling me" in chat.text
    assert claim_due_notices(runtime.database, row.debrief_due_utc) == []


def test_export_holds_the_preparation_readable_and_delete_removes_it(
    encrypted: Runtime,
) -> None:
    chat = ChatDriver(encrypted.service)
    chat.onboard()
    prepare_for_tomorrow_evening(chat)
    exported = read_export(encrypted.service, chat.command("export"))
    (kept,) = exported.data["tables"]["preparations"]
    assert kept["goal"] == GOAL and kept["opening"] == FIRST
    chat.command("delete")
    chat.press("Yes, delete")
    assert rows(encrypted) == []


# --- pure pieces ------------------------------------------------------------------------------


def test_cards_come_before_the_talk_and_debriefs_after_it() -> None:
    day = date(2026, 3, 3)
    card, debrief = due_times(day, time(19, 0), time(8, 30), "Europe/Berlin")
    assert card == datetime(2026, 3, 3, 7, 30, tzinfo=UTC)  # 08:30 in Berlin
    assert debrief == datetime(2026, 3, 4, 7, 30, tzinfo=UTC)
    card, debrief = due_times(day, time(8, 0), time(9, 0), "UTC")  # a talk before the card time
    assert card == datetime(2026, 3, 3, 7, 0, tzinfo=UTC)
    assert debrief == datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    card, debrief = due_times(day, time(23, 30), time(0, 15), "UTC")  # late talk, early time
    assert debrief == datetime(2026, 3, 4, 0, 30, tzinfo=UTC)  # at least an hour after


def test_privacy_says_what_a_prepared_talk_keeps_without_consent(chat: ChatDriver) -> None:
    chat.onboard(consent=False)
    chat.command("privacy")
    assert "I keep who a talk is with and when" in chat.text
