"""Tidying a person's chat: the message log, the deleting, and the auto-tidy job.

Telegram lets a bot delete its own messages and the person's messages in a private chat while
they are younger than 48 hours. To know which messages there are, Tandem records the id and the
send time of each one (never its text) in `chat_messages`: the sending code calls
`MessageLog.record_sent` after each successful send, the adapter calls `record_received` for
each message the person sends. Rows older than 48 hours are pruned by the periodic job.

Tidying deletes every recorded message of the chat younger than 48 hours with deleteMessages
(up to 100 ids a call). Telegram skips ids it cannot find; when it refuses a whole batch, the
ids are tried one by one with deleteMessage and any it refuses is skipped quietly. The rows are
forgotten afterwards either way.

Auto-tidy lives in the database, like the daily prompts: each row carries `tidy_due_at` (its
send time plus the person's chosen delay, when auto-tidy is on), and a chat is due once the
`tidy_due_at` of its newest message has passed. The job asks the database every tick, so a
restart loses nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar, cast

from sqlalchemy import Engine, Table, delete, exists, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from telegram.error import Forbidden, TelegramError

from bot.periodic import PeriodicJob, run_db
from bot.rate_limit import BULK
from bot.storage.models import ChatMessage, User
from flows.discreet import auto_tidy_delay

logger = logging.getLogger(__name__)

T = TypeVar("T")

chat_messages = cast(Table, ChatMessage.__table__)
users = cast(Table, User.__table__)

# Telegram deletes a message only while it is younger than 48 hours; older rows are of no use.
DELETABLE_FOR = timedelta(hours=48)
DELETE_BATCH = 100  # deleteMessages takes at most 100 ids
DUE_BATCH = 50  # chats auto-tidied per round of a tick


@dataclass
class TidyReport:
    """What one tidy did (for logs and tests)."""

    deleted: int = 0  # ids Telegram accepted (in a batch or one by one)
    skipped: int = 0  # ids Telegram refused one by one
    too_old: int = 0  # recorded, but older than 48 hours: not asked for
    blocked: bool = False  # the person blocked the bot: nothing more could be done


class MessageLog:
    """The `chat_messages` table: ids and send times of the messages in people's chats."""

    def __init__(self, database: Engine) -> None:
        self.database = database
        maker = pg_insert if database.dialect.name == "postgresql" else sqlite_insert
        self._insert = maker(chat_messages).on_conflict_do_nothing(
            index_elements=["user_id", "message_id"]
        )

    def record_sent(self, chat_id: int, message_id: int, sent_at: datetime) -> bool:
        """Remember a message Tandem sent to a private chat; False when the person is unknown
        (e.g. they just deleted everything: nothing about them may be written again)."""
        return self._record(chat_id, message_id, sent_at)

    def record_received(self, chat_id: int, message_id: int, sent_at: datetime) -> bool:
        """Remember a message the person sent in their private chat (id and time, never text)."""
        return self._record(chat_id, message_id, sent_at)

    def _record(self, chat_id: int, message_id: int, sent_at: datetime) -> bool:
        # In a private chat Telegram's chat id is the person's user id.
        try:
            with self.database.begin() as connection:
                prefs = connection.execute(
                    select(users.c.prefs).where(users.c.user_id == chat_id)
                ).scalar_one_or_none()
                if prefs is None:
                    return False
                delay = auto_tidy_delay(dict(prefs or {}))
                connection.execute(
                    self._insert,
                    {
                        "user_id": chat_id,
                        "message_id": message_id,
                        "sent_at": sent_at,
                        "tidy_due_at": None if delay is None else sent_at + delay,
                    },
                )
        except IntegrityError:  # the person was deleted between the two statements
            return False
        return True

    def to_tidy(self, chat_id: int, now: datetime) -> tuple[list[int], int, int | None]:
        """Ids of the chat's messages younger than 48 hours (oldest first), how many are older,
        and the newest recorded id (None when nothing is recorded)."""
        with self.database.connect() as connection:
            rows = connection.execute(
                select(chat_messages.c.message_id, chat_messages.c.sent_at)
                .where(chat_messages.c.user_id == chat_id)
                .order_by(chat_messages.c.message_id)
            ).all()
        cutoff = now - DELETABLE_FOR
        young = [row.message_id for row in rows if row.sent_at > cutoff]
        newest = rows[-1].message_id if rows else None
        return young, len(rows) - len(young), newest

    def forget(self, chat_id: int, up_to: int) -> int:
        """Forget the chat's messages up to id `up_to` (they were tidied); how many went."""
        with self.database.begin() as connection:
            return int(
                connection.execute(
                    delete(chat_messages).where(
                        chat_messages.c.user_id == chat_id, chat_messages.c.message_id <= up_to
                    )
                ).rowcount
                or 0
            )

    def prune(self, now: datetime) -> int:
        """Forget every message older than 48 hours (it can no longer be deleted)."""
        with self.database.begin() as connection:
            return int(
                connection.execute(
                    delete(chat_messages).where(chat_messages.c.sent_at <= now - DELETABLE_FOR)
                ).rowcount
                or 0
            )

    def due_chats(self, now: datetime, limit: int = DUE_BATCH) -> list[int]:
        """Chats with auto-tidy whose newest message's tidy time has passed."""
        newer = chat_messages.alias("newer")
        statement = (
            select(chat_messages.c.user_id)
            .where(
                chat_messages.c.tidy_due_at <= now,
                ~exists().where(
                    newer.c.user_id == chat_messages.c.user_id,
                    newer.c.message_id > chat_messages.c.message_id,
                ),
            )
            .order_by(chat_messages.c.tidy_due_at)
            .limit(limit)
        )
        with self.database.connect() as connection:
            return [int(row.user_id) for row in connection.execute(statement)]


def batches(ids: Sequence[int], size: int = DELETE_BATCH) -> Iterator[list[int]]:
    """`ids` in consecutive lists of at most `size`."""
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


class ChatTidier:
    """Deletes a chat's recorded messages younger than 48 hours, then forgets them."""

    def __init__(
        self,
        log: MessageLog,
        *,
        in_thread: bool = False,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.log = log
        self.in_thread = in_thread  # PostgreSQL: keep the event loop free during statements
        self.clock = clock or (lambda: datetime.now(UTC))

    async def tidy(self, bot: Any, chat_id: int, *, bulk: bool = False) -> TidyReport:
        """Tidy one chat. `bulk` sends the requests through the daily prompts' slower lane
        (auto-tidy); a person's own tap goes through the conversation lane."""
        young, too_old, newest = await self.run_db(self.log.to_tidy, chat_id, self.clock())
        report = TidyReport(too_old=too_old)
        extra: dict[str, Any] = {"rate_limit_args": BULK} if bulk else {}
        for batch in batches(young):
            try:
                await bot.delete_messages(chat_id, batch, **extra)
                report.deleted += len(batch)
                continue
            except Forbidden:
                report.blocked = True
                break
            except TelegramError as exc:
                logger.info("deleteMessages refused (%s); trying one by one", type(exc).__name__)
            for message_id in batch:
                try:
                    await bot.delete_message(chat_id, message_id, **extra)
                    report.deleted += 1
                except Forbidden:
                    report.blocked = True
                    break
                except TelegramError:
                    # Already deleted by the person, too old by now, or not deletable: skipped
                    # without a word to the person; tidying is best effort by nature.
                    report.skipped += 1
            if report.blocked:
                break
        if newest is not None:
            await self.run_db(self.log.forget, chat_id, newest)
        logger.info(
            "tidied chat=%s deleted=%d skipped=%d too_old=%d",
            chat_id,
            report.deleted,
            report.skipped,
            report.too_old,
        )
        return report

    async def run_db(self, function: Callable[..., T], *args: Any) -> T:
        """A database call, off the event loop when `in_thread`."""
        return await run_db(self.in_thread, function, *args)


class TidyJob(PeriodicJob):
    """The periodic job: prunes rows older than 48 hours and auto-tidies due chats."""

    name = "tidy"

    def __init__(self, tidier: ChatTidier, bot: Any, *, tick_seconds: float) -> None:
        super().__init__(tick_seconds=tick_seconds)
        self.tidier = tidier
        self.bot = bot

    async def tick(self) -> int:
        """Auto-tidy every due chat, then prune old rows; returns how many chats were tidied."""
        tidied = 0
        log = self.tidier.log
        while True:
            due = await self.tidier.run_db(log.due_chats, self.tidier.clock())
            if not due:
                break
            for chat_id in due:
                await self.tidier.tidy(self.bot, chat_id, bulk=True)
                tidied += 1
        await self.tidier.run_db(log.prune, self.tidier.clock())
        return tidied


def build_tidy_job(runtime: Any, bot: Any) -> TidyJob:
    """The auto-tidy job of a runtime; it ticks at the daily prompts' pace."""
    settings = runtime.settings
    tidier = ChatTidier(MessageLog(runtime.database), in_thread=settings.is_postgresql)
    return TidyJob(tidier, bot, tick_seconds=settings.daily_tick_seconds)


def start_tidy_job(application: Any) -> None:
    """Start the application's tidy job (from post_init, inside the event loop)."""
    job = application.bot_data.get("tidy_job")
    if isinstance(job, TidyJob):
        job.start()


async def stop_tidy_job(application: Any) -> None:
    """Stop the tidy job (from post_stop)."""
    job = application.bot_data.get("tidy_job")
    if isinstance(job, TidyJob):
        await job.stop()
