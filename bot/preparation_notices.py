"""Cards and debriefs for prepared conversations: claimed from the database, sent once.

Nothing about them lives in memory. Each tick claims due rows of `preparations` with a
compare-and-set on `card_sent_at` / `debrief_sent_at` (only one worker's update finds the
column still empty, so two workers or two ticks never send the same notice twice), then sends
a notification that never quotes the person's words: the text is fixed, the button opens the
card or the debrief. A send that fails for a passing reason is released for the next tick; a
person who blocked the bot (403) is marked inactive, as for daily prompts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar, cast

from sqlalchemy import Engine as DatabaseEngine
from sqlalchemy import Table, select, update
from telegram.error import Forbidden, TelegramError

from bot.periodic import PeriodicJob, run_db
from bot.rate_limit import BULK
from bot.storage.models import Preparation, User
from bot.storage.sql_store import SqlStore
from bot.telegram_adapter import keyboard
from content import Content
from flows.events import Reply
from flows.prepare import card_notice, debrief_notice

logger = logging.getLogger(__name__)

T = TypeVar("T")

CARD, DEBRIEF = "card", "debrief"
BATCH = 50
# A card found this late (the bot was down all day) would arrive after the talk: it is
# marked as handled without being sent. A late debrief is still worth offering.
CARD_STALE_AFTER = timedelta(hours=12)

preparations = cast(Table, Preparation.__table__)
users = cast(Table, User.__table__)
_COLUMNS = {
    CARD: (preparations.c.card_due_utc, preparations.c.card_sent_at),
    DEBRIEF: (preparations.c.debrief_due_utc, preparations.c.debrief_sent_at),
}


@dataclass(frozen=True)
class DueNotice:
    """One notification claimed for sending: which preparation, whom, and which kind."""

    preparation_id: int
    user_id: int
    chat_id: int
    kind: str


def claim_due_notices(
    database: DatabaseEngine, now: datetime, limit: int = BATCH, *, user_id: int | None = None
) -> list[DueNotice]:
    """Claim due cards and debriefs (of one person when `user_id` is given), each at most
    once across all workers; stale cards are marked handled instead."""
    claimed: list[DueNotice] = []
    with database.begin() as connection:
        for kind, (due, sent) in _COLUMNS.items():
            statement = (
                select(preparations.c.id, preparations.c.user_id, users.c.chat_id, due)
                .join(users, users.c.user_id == preparations.c.user_id)
                .where(sent.is_(None), due <= now, users.c.active.is_(True))
                .order_by(due, preparations.c.id)
                .limit(limit)
            )
            if user_id is not None:
                statement = statement.where(preparations.c.user_id == user_id)
            for row in connection.execute(statement).all():
                won = connection.execute(
                    update(preparations)
                    .where(preparations.c.id == row.id, sent.is_(None))
                    .values({sent.name: now})
                ).rowcount
                stale = kind == CARD and row[3] < now - CARD_STALE_AFTER
                if won == 1 and not stale:
                    claimed.append(DueNotice(row.id, row.user_id, row.chat_id, kind))
    return claimed


def release_notice(database: DatabaseEngine, notice: DueNotice) -> None:
    """Give a claimed notice back (its send failed for a passing reason)."""
    _, sent = _COLUMNS[notice.kind]
    with database.begin() as connection:
        connection.execute(
            update(preparations)
            .where(preparations.c.id == notice.preparation_id)
            .values({sent.name: None})
        )


def notice_reply(content: Content, notice: DueNotice) -> Reply:
    """The notification for a claimed notice."""
    if notice.kind == CARD:
        return card_notice(content, notice.preparation_id)
    return debrief_notice(content, notice.preparation_id)


class PreparationNotices(PeriodicJob):
    """The periodic job that sends due cards and debriefs through the bot's bulk lane."""

    name = "preparation-notices"

    def __init__(
        self,
        content: Content,
        database: DatabaseEngine,
        bot: Any,
        *,
        tick_seconds: float,
        in_thread: bool = False,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(tick_seconds=tick_seconds)
        self.content = content
        self.database = database
        self.bot = bot
        self.in_thread = in_thread
        self.clock = clock or (lambda: datetime.now(UTC))

    async def tick(self) -> int:
        """Claim and send every due notice; returns how many were sent."""
        sent = 0
        while True:
            batch = await self._db(claim_due_notices, self.database, self.clock(), BATCH)
            for notice in batch:
                sent += await self.send(notice)
            if len(batch) < BATCH:
                return sent

    async def send(self, notice: DueNotice) -> int:
        """Send one notice; 1 if it went out."""
        reply = notice_reply(self.content, notice)
        try:
            await self.bot.send_message(
                notice.chat_id, reply.text, reply_markup=keyboard(reply), rate_limit_args=BULK
            )
        except Forbidden:
            await self._db(self._mark_inactive, notice.user_id)
            return 0
        except TelegramError as exc:
            logger.warning(
                "preparation notice %s failed with %s; retried next tick",
                notice.preparation_id,
                type(exc).__name__,
            )
            await self._db(release_notice, self.database, notice)
            return 0
        return 1

    def _mark_inactive(self, user_id: int) -> None:
        with self.database.begin() as connection:
            SqlStore(connection).mark_inactive(user_id)

    async def _db(self, function: Callable[..., T], *args: Any) -> T:
        return await run_db(self.in_thread, function, *args)


def build_preparation_notices(runtime: Any, bot: Any) -> PreparationNotices:
    """The notice job for a runtime and the application's bot."""
    return PreparationNotices(
        runtime.content,
        runtime.database,
        bot,
        tick_seconds=runtime.settings.daily_tick_seconds,
        in_thread=runtime.settings.is_postgresql,
    )


def start_preparation_notices(application: Any) -> None:
    """Start the application's notice job (from post_init)."""
    job = application.bot_data.get("preparation_notices")
    if isinstance(job, PreparationNotices):
        job.start()


async def stop_preparation_notices(application: Any) -> None:
    """Stop the notice job (from post_stop / post_shutdown)."""
    job = application.bot_data.get("preparation_notices")
    if isinstance(job, PreparationNotices):
        await job.stop()
