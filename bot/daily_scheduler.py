"""The daily-prompt job: a periodic tick that claims due prompts and sends them at a steady rate.

Nothing about schedules lives in memory. Each tick asks the database who is due (see
`bot.storage.deliveries`), claims a batch, sends it through the bulk lane of the rate limiter,
records each outcome, and repeats until nobody is due. Batches are small (a few seconds of
sending) so a claimed prompt is always sent well within its lease.

Outcomes: sent → recorded; 429 → the bulk lane pauses for retry_after and the same prompt is
retried (its lease extended meanwhile); 403 → the person is marked inactive until they write
again; anything else → retried later with a growing delay, without holding up the others.
Each prompt first waits for its send token (rate limit, per-chat spacing, any 429 pause), then
is marked as in flight, then goes out: a crash while waiting for a token leaves the prompt
claimed (sent after the restart), and only one during the HTTP request itself leaves it unknown.

The tick also does the bot's one piece of housekeeping: about once an hour it forgets
processed update ids older than a week (`processed_updates` would otherwise grow forever;
Telegram never redelivers an update that old).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from telegram.error import Forbidden, RetryAfter, TelegramError

from bot.monitoring import Monitor
from bot.rate_limit import BULK, PREPAID, SendBudget, retry_seconds
from bot.storage.deliveries import ClaimedPrompt, DeliveryLedger
from bot.storage.sql_store import SqlStore
from bot.telegram_adapter import keyboard
from bot.tidy import MessageLog
from content import Content
from content.daily import DailyContent
from flows.daily import prompt_message

logger = logging.getLogger(__name__)

T = TypeVar("T")

# How many seconds of sending one claimed batch holds; keeps claims far inside their lease.
BATCH_SECONDS = 8
MIN_BATCH = 20
MAX_RETRY_AFTER_ROUNDS = 5  # 429s in a row for one prompt before it goes back to the ledger
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(minutes=30),
    timedelta(hours=1),
)
# Telegram keeps an undelivered update for at most 24 hours; a week leaves a wide margin.
PROCESSED_UPDATES_KEPT = timedelta(days=7)
PRUNE_EVERY = timedelta(hours=1)


@dataclass
class TickReport:
    """What one tick did (for logs, tests and the benchmark)."""

    claimed: int = 0
    sent: int = 0
    blocked: int = 0
    retried: int = 0
    failed: int = 0
    rate_limited: int = 0
    taken_over: int = 0  # a lease ran out and another worker sent it
    batches: int = 0
    rows_seen: int = 0  # due rows looked at, including people only moved to their next time
    updates_pruned: int = 0  # old processed update ids forgotten this tick
    errors: dict[str, int] = field(default_factory=dict)


class DailyPromptScheduler:
    """Claims due prompts from the database and sends them through the bot's bulk lane."""

    def __init__(
        self,
        content: Content,
        ledger: DeliveryLedger,
        bot: Any,
        *,
        send_rate: float,
        tick_seconds: float,
        in_thread: bool = False,
        clock: Callable[[], datetime] | None = None,
        monitor: Monitor | None = None,
        runner: Callable[..., Any] | None = None,
    ) -> None:
        self.content = content
        self.monitor = monitor or Monitor()
        self.daily: DailyContent = content.section("daily")
        self.ledger = ledger
        self.bot = bot
        self.send_rate = send_rate
        self.tick_seconds = tick_seconds
        # PostgreSQL: run statements in a thread so the event loop keeps serving people.
        # SQLite: on the loop itself, one at a time with event handling (one writer anyway).
        self.in_thread = in_thread
        # The bot's database runner (one thread for SQLite), when there is one.
        self.runner = runner
        self.clock = clock or (lambda: datetime.now(UTC))
        self.batch_size = max(MIN_BATCH, int(send_rate * BATCH_SECONDS))
        self.concurrency = max(4, min(256, int(send_rate * 2)))
        self._task: asyncio.Task[None] | None = None
        self._last_prune: datetime | None = None
        self.message_log = MessageLog(ledger.database)  # prompts can be tidied like replies

    # Running

    def start(self) -> None:
        """Start ticking in the background (call from a running event loop)."""
        if self._task is None:
            self._task = asyncio.create_task(self.run_forever(), name="daily-prompts")

    async def stop(self) -> None:
        """Stop ticking; prompts claimed but not sent are picked up again after their lease."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def run_forever(self) -> None:
        """Tick, sleep, repeat. A failing tick is logged and the next one tries again."""
        while True:
            try:
                report = await self.tick()
                self.monitor.tick_finished(report)
                if report.claimed:
                    logger.info(
                        "daily prompts: claimed=%d sent=%d blocked=%d retried=%d failed=%d",
                        report.claimed,
                        report.sent,
                        report.blocked,
                        report.retried,
                        report.failed,
                    )
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database may be restarting; try again next tick
                self.monitor.tick_failed()
                logger.exception("daily prompt tick failed: %s", type(exc).__name__)
            await asyncio.sleep(self.tick_seconds)

    async def tick(self) -> TickReport:
        """Claim and send batches until nobody is due, then prune old update ids (hourly)."""
        report = TickReport()
        while True:
            batch = await self._db(self.ledger.claim_batch, self.clock(), self.batch_size)
            # Keep going while rows were seen, even if none got a prompt: after an outage the
            # first batches may hold only people overdue from an earlier day (just moved on),
            # with people due today behind them. Every seen row leaves the due range (its next
            # due time is strictly after now), so this ends.
            if batch.rows_seen == 0:
                break
            report.batches += 1
            report.rows_seen += batch.rows_seen
            report.claimed += len(batch.prompts)
            if batch.prompts:
                await self.send_batch(batch.prompts, report)
        await self.prune_if_due(report)
        return report

    async def prune_if_due(self, report: TickReport) -> None:
        """Forget processed update ids older than a week, at most once per PRUNE_EVERY."""
        now = self.clock()
        if self._last_prune is not None and now - self._last_prune < PRUNE_EVERY:
            return
        report.updates_pruned = await self._db(self.prune_processed_updates, now)
        self._last_prune = now

    def prune_processed_updates(self, now: datetime) -> int:
        """Delete processed update ids older than PROCESSED_UPDATES_KEPT; returns how many."""
        with self.ledger.database.begin() as connection:
            return SqlStore(connection).prune_updates(now - PROCESSED_UPDATES_KEPT)

    async def send_batch(self, batch: list[ClaimedPrompt], report: TickReport) -> None:
        """Send a batch with a fixed number of concurrent senders; the limiter sets the pace."""
        queue: asyncio.Queue[ClaimedPrompt] = asyncio.Queue()
        for item in batch:
            queue.put_nowait(item)
        pending = {item.delivery_id for item in batch}

        async def worker() -> None:
            while True:
                try:
                    item = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                await self.send_one(item, report, pending)
                pending.discard(item.delivery_id)

        workers = min(self.concurrency, len(batch))
        await asyncio.gather(*(worker() for _ in range(workers)))

    async def send_one(
        self, item: ClaimedPrompt, report: TickReport, pending: set[int] | None = None
    ) -> None:
        """Send one prompt and record the outcome; never raises for a Telegram error."""
        prompt = self.daily.prompt_by_id(item.prompt_id)
        if prompt is None:
            logger.warning(
                "prompt %s no longer exists; delivery %s dropped", item.prompt_id, item.delivery_id
            )
            await self._db(self.ledger.mark_failed, item.delivery_id)
            report.failed += 1
            return
        reply = prompt_message(self.content, prompt, item.local_date, neutral=item.neutral)
        budget = self._budget()
        for _ in range(MAX_RETRY_AFTER_ROUNDS):
            # The token first: a prompt waiting its turn is still only claimed, so a crash
            # now leaves it to be sent after the restart rather than lost as "sending".
            if budget is not None:
                await budget.acquire_bulk(item.chat_id)
            if not await self._db(self.ledger.begin_send, item.delivery_id, item.attempts):
                # Our lease ran out and another worker owns this prompt now.
                report.taken_over += 1
                return
            try:
                message = await self.bot.send_message(
                    item.chat_id,
                    reply.text,
                    reply_markup=keyboard(reply),
                    disable_notification=item.silent,
                    rate_limit_args=PREPAID if budget is not None else BULK,
                )
            except RetryAfter as exc:
                report.rate_limited += 1
                seconds = retry_seconds(exc)
                self.ledger_pause(seconds)
                until = self.clock() + timedelta(seconds=seconds) + self.ledger.lease
                await self._db(self.ledger.release, item.delivery_id, until)
                await self._db(self.ledger.extend_lease, pending or {item.delivery_id}, until)
                logger.info("daily prompts: flood limit, pausing %.1fs", seconds)
                continue  # the bulk lane now waits out the pause before this retry
            except Forbidden:
                await self._db(self.ledger.mark_blocked, item.delivery_id, item.user_id)
                report.blocked += 1
                return
            except TelegramError as exc:
                await self._retry_later(item, report, type(exc).__name__)
                return
            except Exception as exc:  # a bug or a broken connection must not stop the batch
                logger.exception("unexpected error sending delivery %s", item.delivery_id)
                await self._retry_later(item, report, type(exc).__name__)
                return
            await self._db(self.ledger.mark_sent, item.delivery_id, self.clock())
            report.sent += 1
            await self._record(item.chat_id, message)
            return
        await self._retry_later(item, report, "RetryAfter")

    async def _record(self, chat_id: int, message: Any) -> None:
        """Remember the prompt's id and time for tidying; a failure here is only logged."""
        try:
            await self._db(self.message_log.record_sent, chat_id, message.message_id, message.date)
        except Exception as exc:
            logger.warning("could not record a prompt for tidying: %s", type(exc).__name__)

    def _budget(self) -> SendBudget | None:
        """The bot's shared send budget, when its rate limiter has one."""
        budget = getattr(getattr(self.bot, "rate_limiter", None), "budget", None)
        return budget if isinstance(budget, SendBudget) else None

    def ledger_pause(self, seconds: float) -> None:
        """Pause the bot's bulk lane (its rate limiter shares one budget with replies)."""
        budget = self._budget()
        if budget is not None:
            budget.pause_bulk(seconds)

    async def _retry_later(self, item: ClaimedPrompt, report: TickReport, error: str) -> None:
        delay = RETRY_DELAYS[min(item.attempts, len(RETRY_DELAYS)) - 1]
        status = await self._db(self.ledger.mark_retry, item.delivery_id, self.clock(), delay)
        report.errors[error] = report.errors.get(error, 0) + 1
        if status == "failed":
            report.failed += 1
        else:
            report.retried += 1
        logger.warning(
            "daily prompt delivery %s failed with %s; %s", item.delivery_id, error, status
        )

    async def _db(self, function: Callable[..., T], *args: Any) -> T:
        if self.runner is not None:
            result: T = await self.runner(function, *args)
            return result
        if self.in_thread:
            return await asyncio.to_thread(function, *args)
        return function(*args)


def build_daily_scheduler(runtime: Any, bot: Any) -> DailyPromptScheduler:
    """The scheduler for a runtime (settings, content, database) and the application's bot."""
    settings = runtime.settings
    ledger = DeliveryLedger(
        runtime.database, runtime.content.section("daily").prompts, owner=settings.owner
    )
    return DailyPromptScheduler(
        runtime.content,
        ledger,
        bot,
        send_rate=settings.daily_send_rate,
        tick_seconds=settings.daily_tick_seconds,
        in_thread=settings.is_postgresql,
        monitor=getattr(runtime, "monitor", None),
        runner=runtime.service.run,
    )


def start_daily_prompts(application: Any) -> None:
    """Start the application's daily-prompt job (from post_init, inside the event loop)."""
    scheduler = application.bot_data.get("daily_scheduler")
    if isinstance(scheduler, DailyPromptScheduler):
        scheduler.start()


async def stop_daily_prompts(application: Any) -> None:
    """Stop the daily-prompt job (from post_stop)."""
    scheduler = application.bot_data.get("daily_scheduler")
    if isinstance(scheduler, DailyPromptScheduler):
        await scheduler.stop()
