"""/daily settings, the onboarding opt-in, and the prompt's buttons, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert

from bot.app import Runtime
from bot.storage.deliveries import deliveries
from bot.storage.sql_store import SqlStore
from content import Content
from content.daily import DailyContent
from flows.daily import prompt_message
from flows.events import MAX_PAYLOAD_BYTES
from flows.ports import UserRecord
from tests.support.chat import ChatDriver

# ChatDriver's clock starts on Monday 2 March 2026, 09:00 UTC (10:00 in Berlin, CET).
MONDAY = date(2026, 3, 2)


def user_of(runtime: Runtime, user_id: int = 4242) -> UserRecord:
    """The person's stored record."""
    with runtime.database.begin() as connection:
        user, _ = SqlStore(connection).load(user_id)
    assert user is not None
    return user


def change_user(runtime: Runtime, user_id: int = 4242, **fields: object) -> None:
    """Edit the stored record directly (to set up a situation)."""
    with runtime.database.begin() as connection:
        store = SqlStore(connection)
        user, _ = store.load(user_id)
        assert user is not None
        for name, value in fields.items():
            setattr(user, name, value)
        store.save_user(user)


def daily(content: Content) -> DailyContent:
    """The daily content section."""
    section: DailyContent = content.section("daily")
    return section


def set_up_berlin(chat: ChatDriver) -> None:
    """Onboard and opt in at 08:30 Berlin time."""
    chat.onboard()
    chat.press("Yes, please")
    chat.send("8:30")
    chat.send("Berlin")


def test_onboarding_opt_in_schedules_the_first_prompt(chat: ChatDriver, runtime: Runtime) -> None:
    chat.onboard()
    assert "short reflection question each day" in chat.text
    assert "What would you like to do?" in chat.text  # the offer opens the menu message
    assert chat.labels()[:2] == ["Yes, please", "Not now"]
    assert "Reflect" in chat.labels()
    chat.press("Yes, please")
    assert "What time" in chat.text
    chat.press("08:30")
    assert "Which timezone" in chat.text
    chat.send("berlin")
    assert "every day at 08:30 (Europe/Berlin)" in chat.text
    assert "tomorrow at 08:30" in chat.text
    assert "What would you like to do?" in chat.text  # onboarding ends at the menu
    user = user_of(runtime)
    assert (user.daily_enabled, user.daily_time, user.timezone) == (True, "08:30", "Europe/Berlin")
    assert user.next_prompt_due_utc == datetime(2026, 3, 3, 7, 30, tzinfo=UTC)


@pytest.mark.parametrize("how", ["Not now", "back"])
def test_onboarding_opt_out_goes_to_the_menu(chat: ChatDriver, runtime: Runtime, how: str) -> None:
    chat.onboard()
    if how == "back":
        chat.press("Yes, please")
        chat.press("Not now")  # leaving the time question
    else:
        chat.press("Not now")
    assert "/daily sets them up" in chat.text
    assert "Reflect" in chat.labels()  # back at the menu
    assert user_of(runtime).daily_enabled is False
    assert user_of(runtime).next_prompt_due_utc is None


# (what is typed at each question, the friendly error expected)
INVALID_INPUT = [
    ("time", "half past eight", "could not read that as a time"),
    ("time", "25:00", "could not read that as a time"),
    ("zone", "Atlantis", "could not match that to a timezone"),
    ("zone", "+15", "could not match that to a timezone"),
    ("pause", "0", "number of days from 1 to 90"),
    ("pause", "a week", "number of days from 1 to 90"),
]


@pytest.mark.parametrize(("step", "typed", "error"), INVALID_INPUT)
def test_unreadable_answers_get_a_kind_error_and_the_question_again(
    chat: ChatDriver, step: str, typed: str, error: str
) -> None:
    set_up_berlin(chat)
    chat.command("daily")
    chat.press({"time": "Change time", "zone": "Change timezone", "pause": "Pause for"}[step])
    chat.send(typed)
    assert error in chat.text
    chat.send({"time": "21:15", "zone": "UTC-5", "pause": "3"}[step])
    assert "next reflection comes" in chat.text.lower()


# (button pressed in /daily, what is typed, text expected, next due (UTC))
SETTINGS_CHANGES = [
    ("Change time", "7pm", "new time is 19:00", datetime(2026, 3, 2, 18, 0, tzinfo=UTC)),
    ("Change timezone", "New York", "America/New_York", datetime(2026, 3, 2, 13, 30, tzinfo=UTC)),
    ("Change timezone", "+2", "UTC+2", datetime(2026, 3, 3, 6, 30, tzinfo=UTC)),
    ("Change timezone", "GMT+5:30", "UTC+05:30", datetime(2026, 3, 3, 3, 0, tzinfo=UTC)),
    ("Pause for", "3", "on Friday 6 March at 08:30", datetime(2026, 3, 6, 7, 30, tzinfo=UTC)),
    ("Skip tomorrow", "", "on Wednesday 4 March", datetime(2026, 3, 4, 7, 30, tzinfo=UTC)),
]


@pytest.mark.parametrize(("button", "typed", "expected", "due"), SETTINGS_CHANGES)
def test_settings_changes_state_the_next_local_time(
    chat: ChatDriver, runtime: Runtime, button: str, typed: str, expected: str, due: datetime
) -> None:
    set_up_berlin(chat)
    chat.command("daily")
    assert "Daily reflections are on, every day at 08:30 (Europe/Berlin)" in chat.text
    chat.press(button)
    if typed:
        chat.send(typed)
    assert expected in chat.text
    assert user_of(runtime).next_prompt_due_utc == due


def test_fixed_offsets_come_with_a_note_about_daylight_saving(chat: ChatDriver) -> None:
    set_up_berlin(chat)
    chat.command("daily")
    chat.press("Change timezone")
    chat.send("UTC-5")
    assert "will not follow daylight saving time" in chat.text


def test_pause_resume_and_turn_off_and_on(chat: ChatDriver, runtime: Runtime) -> None:
    set_up_berlin(chat)
    chat.command("daily")
    chat.press("Pause for")
    chat.press("7 days")
    chat.command("daily")
    assert "taking a break" in chat.text
    chat.press("Resume now")
    assert "tomorrow at 08:30" in chat.text
    chat.press("Turn off")
    assert "turn them on again any time" in chat.text
    assert user_of(runtime).next_prompt_due_utc is None
    chat.command("daily")
    chat.press("Turn on")  # time and zone are remembered: no questions
    assert "every day at 08:30 (Europe/Berlin)" in chat.text
    assert user_of(runtime).next_prompt_due_utc == datetime(2026, 3, 3, 7, 30, tzinfo=UTC)


def test_moving_the_time_later_today_after_todays_prompt_waits_for_tomorrow(
    chat: ChatDriver, runtime: Runtime
) -> None:
    set_up_berlin(chat)
    with runtime.database.begin() as connection:
        connection.execute(
            insert(deliveries).values(
                user_id=4242,
                local_date=MONDAY,
                prompt_id="daily-balance-01",
                status="sent",
                attempts=1,
                claimed_at=chat.now,
            )
        )
    chat.command("daily")
    chat.press("Change time")
    chat.send("21:00")
    assert "tomorrow at 21:00" in chat.text
    assert user_of(runtime).next_prompt_due_utc == datetime(2026, 3, 3, 20, 0, tzinfo=UTC)


def test_the_prompt_message_is_neutral_and_its_payloads_fit(content: Content) -> None:
    for prompt in daily(content).prompts:
        reply = prompt_message(content, prompt, MONDAY)
        assert reply.text.splitlines()[0] == "Your reflection for today is here."
        assert prompt.text in reply.text
        labels = [button.label for row in reply.buttons for button in row]
        assert labels == ["Answer now", "Not today", "Pause"]
        assert all(
            len(button.payload.encode()) <= MAX_PAYLOAD_BYTES
            for row in reply.buttons
            for button in row
        )


@pytest.mark.parametrize("consent", [True, False])
def test_answer_now_keeps_the_answer_linked_to_the_prompt(
    chat: ChatDriver, runtime: Runtime, content: Content, consent: bool
) -> None:
    chat.onboard(consent=consent)
    chat.press("Not now")
    prompt = daily(content).prompts[5]
    answer_payload = prompt_message(content, prompt, MONDAY).buttons[0][0].payload
    chat.press_payload(answer_payload)
    assert prompt.text in chat.text
    chat.send("I said no to an extra shift and felt fine.")
    with runtime.database.begin() as connection:
        entries = SqlStore(connection, runtime.service.cipher).list_entries(4242, kinds=["daily"])
    assert len(entries) == 1
    assert entries[0].content_id == prompt.id
    # Without consent only a bare note is kept: which prompt and when (created_at).
    assert entries[0].data == ({"date": "2026-03-02"} if consent else None)
    if consent:
        assert "in your journal" in chat.text
        assert entries[0].text == "I said no to an extra shift and felt fine."
        chat.command("journal")
        assert prompt.text in chat.text and "extra shift" in chat.text
    else:
        assert "was not saved" in chat.text
        assert entries[0].text is None


def test_not_today_and_pause_buttons(chat: ChatDriver, content: Content) -> None:
    set_up_berlin(chat)
    reply = prompt_message(content, daily(content).prompts[0], MONDAY)
    payloads = [button.payload for button in reply.buttons[0]]
    chat.press_payload(payloads[1])
    assert "Enjoy your day" in chat.text and "tomorrow at 08:30" in chat.text
    chat.press_payload(payloads[2])
    assert "How long a break" in chat.text
    chat.press("3 days")
    assert "on Friday 6 March at 08:30" in chat.text


def test_an_old_answer_button_still_works_after_other_things(
    chat: ChatDriver, content: Content
) -> None:
    set_up_berlin(chat)
    old = prompt_message(content, daily(content).prompts[9], MONDAY - timedelta(days=3))
    chat.command("reflect")
    chat.press_payload(old.buttons[0][0].payload)
    assert daily(content).prompts[9].text in chat.text


def test_someone_back_after_blocking_gets_a_fresh_due_time(
    chat: ChatDriver, runtime: Runtime
) -> None:
    set_up_berlin(chat)
    change_user(runtime, active=False, next_prompt_due_utc=None)
    chat.now += timedelta(days=10)
    chat.send("hello again")
    user = user_of(runtime)
    assert user.active is True
    assert user.next_prompt_due_utc is not None and user.next_prompt_due_utc > chat.now
