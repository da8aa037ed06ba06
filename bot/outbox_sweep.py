"""The outbox sweep: sends replies that did not go out right after their event.

That is: replies of an event handled just before a crash (taken over at start-up), replies
that hit a long flood wait or a network failure (tried again when the wait is over), and
replies queued behind such ones (a person's replies always go out in order).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.outbox import Outgoing, replies_from_json
from bot.storage.transit import OutboxRow

if TYPE_CHECKING:
    from bot.telegram_adapter import TelegramAdapter

logger = logging.getLogger(__name__)

SWEEP_SECONDS = 5.0  # how often the sweep looks for replies whose wait is over
FLUSH_SECONDS = 1.0  # sent rows not deleted by a later event are deleted within this long
BATCH = 200


class OutboxSweep:
    """Claims outbox rows whose lease ran out and sends them, each person's in order."""

    def __init__(
        self, adapter: TelegramAdapter, bot: Any, *, interval: float = SWEEP_SECONDS
    ) -> None:
        self.adapter = adapter
        self.bot = bot
        self.interval = interval
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._flush_due = False

    def start(self) -> None:
        """Sweep in the background (call from a running event loop)."""
        if self._task is None:
            self._task = asyncio.create_task(self.run_forever(), name="outbox-sweep")

    async def stop(self) -> None:
        """Stop sweeping; unsent rows stay in the outbox for the next start."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def wake(self) -> None:
        """Sweep now (a reply was queued behind earlier ones)."""
        self._wake.set()

    def flush_soon(self) -> None:
        """Make sure sent rows are deleted within FLUSH_SECONDS even if no event comes."""
        if not self._flush_due and self._task is not None:
            self._flush_due = True
            self.wake_at(FLUSH_SECONDS)

    def wake_at(self, seconds: float) -> None:
        """Sweep once `seconds` have passed (a flood wait ends then)."""
        asyncio.get_running_loop().call_later(seconds + 0.05, self._wake.set)

    async def run_forever(self) -> None:
        """Sweep, wait to be woken (or for the interval), repeat; a failing sweep is logged."""
        while True:
            try:
                await self.sweep()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database may be away; the next round tries again
                logger.warning("outbox sweep failed: %s", type(exc).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)
            self._wake.clear()

    async def sweep(self) -> int:
        """Send every row whose lease ran out; returns how many rows were sent in full."""
        service = self.adapter.service
        self._flush_due = False
        await service.run(service.flush_sent)
        sent = 0
        while True:
            rows = await service.run(service.transit.claim_due, datetime.now(UTC), BATCH)
            # Rows sent while the database was away are only deleted, never sent again.
            rows = [row for row in rows if not service.is_sent(row.id)]
            if not rows:
                return sent
            by_person: dict[int, list[OutboxRow]] = {}
            for row in rows:
                by_person.setdefault(row.user_id, []).append(row)
            results = await asyncio.gather(
                *(self._send_in_order(user_id, own) for user_id, own in by_person.items())
            )
            sent += sum(results)
            if len(rows) < BATCH:
                return sent

    async def _send_in_order(self, user_id: int, rows: Sequence[OutboxRow]) -> int:
        sent = 0
        for row in rows:
            replies, query_id = replies_from_json(row.payload)
            outgoing = Outgoing(row.chat_id, replies, query_id, row.id, row.steps_done)
            if not await self.adapter.deliver(self.bot, user_id, outgoing):
                break  # the rest waits behind this one (leased until it is tried again)
            sent += 1
        if sent:
            logger.info("outbox: sent %d delayed reply set(s) to user=%s", sent, user_id)
        return sent
