"""The job that sends cards and debriefs: once per notice across ticks, 403 and passing errors,
and the terminal chat showing a due card (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from telegram.error import Forbidden, NetworkError

from bot.app import Runtime
from bot.console import ConsoleChat
from bot.preparation_notices import PreparationNotices
from bot.storage.models import Preparation, User
from tests.support.chat import ChatDriver
from tests.test_prepare_flow import GOAL, prepare_for_tomorrow_evening

CARD_TIME = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)


class FakeBot:
    """Records sent messages; raises the queued errors first."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.sent: list[tuple[int, str, Any]] = []

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> None:
        if self.errors:
            raise self.errors.pop(0)
        self.sent.append((chat_id, text, kwargs.get("reply_markup")))


def job(runtime: Runtime, bot: FakeBot, now: datetime) -> PreparationNotices:
    """The notice job at a fixed time."""
    return PreparationNotices(
        runtime.content, runtime.database, bot, tick_seconds=1, clock=lambda: now
    )


async def test_two_ticks_send_the_card_once(runtime: Runtime, chat: ChatDriver) -> None:
    chat.onboard()
    prepare_for_tomorrow_evening(chat)
    bot = FakeBot()
    assert await job(runtime, bot, CARD_TIME - timedelta(minutes=1)).tick() == 0
    assert await job(runtime, bot, CARD_TIME).tick() == 1
    assert await job(runtime, bot, CARD_TIME + timedelta(minutes=1)).tick() == 0
    ((chat_id, text, markup),) = bot.sent
    assert chat_id == chat.user_id
    assert text == "Your card for today's conversation is ready."
    (button,) = [b for row in markup.inline_keyboard for b in row]
    assert button.text == "Show my card" and button.callback_data.startswith("go:prepare:card-")


async def test_a_passing_error_is_retried_and_a_block_stops_sending(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard()
    prepare_for_tomorrow_evening(chat)
    bot = FakeBot(NetworkError("timed out"))
    assert await job(runtime, bot, CARD_TIME).tick() == 0
    assert await job(runtime, bot, CARD_TIME + timedelta(minutes=1)).tick() == 1
    assert len(bot.sent) == 1
    blocked = FakeBot(Forbidden("bot was blocked by the user"))
    assert await job(runtime, blocked, datetime(2026, 3, 4, 9, tzinfo=UTC)).tick() == 0
    with runtime.database.connect() as connection:
        assert connection.execute(select(User.active)).scalar_one() is False
        sent_at = connection.execute(select(Preparation.debrief_sent_at)).scalar_one()
    assert sent_at is not None  # not sent again to someone who blocked the bot


async def test_a_card_found_long_after_its_day_is_dropped(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard()
    prepare_for_tomorrow_evening(chat)
    bot = FakeBot()
    # The bot was down for the whole day: the card would come after the talk.
    assert await job(runtime, bot, CARD_TIME + timedelta(hours=13)).tick() == 0
    assert bot.sent == []
    with runtime.database.connect() as connection:
        assert connection.execute(select(Preparation.card_sent_at)).scalar_one() is not None
    # The debrief is still offered the next morning.
    assert await job(runtime, bot, CARD_TIME + timedelta(days=1)).tick() == 1
    assert [text for _, text, _ in bot.sent] == [
        "You had a conversation you prepared for. When you're ready, tell me how it went."
    ]


def test_the_terminal_chat_shows_a_due_card_once(runtime: Runtime) -> None:
    chat = ChatDriver(runtime.service, user_id=1)
    chat.onboard()
    prepare_for_tomorrow_evening(chat)
    with runtime.database.begin() as connection:  # the terminal runs on the real clock
        connection.execute(
            update(Preparation).values(card_due_utc=datetime.now(UTC) - timedelta(minutes=1))
        )
    out = io.StringIO()
    console = ConsoleChat(runtime, out=out, user_id=1)
    console.send("/menu")
    assert "Your card for today's conversation is ready." in out.getvalue()
    assert GOAL not in out.getvalue()
    out.truncate(0)
    console.send("/menu")
    assert "Your card for today's conversation is ready." not in out.getvalue()
