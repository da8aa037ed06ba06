"""Telegram's send limits, shaped so replies to people never queue behind the daily prompts.

Telegram allows a bot about 30 messages a second overall and about one a second per chat.
python-telegram-bot's `AIORateLimiter`, used as is, puts every request that has a chat id behind
one shared 30/s limiter (first come, first served) and has no per-private-chat limit: during a
09:00 wave of prompts, the answer to someone who just wrote waits behind every prompt queued
before it (`python -m benchmarks.daily` measures this).

Here there are two lanes over one budget:
- conversation requests (replies to a person's own message) are never delayed; they only spend
  from the shared budget, so the prompt lane slows down to leave them room;
- bulk requests (daily prompts, marked with `rate_limit_args=BULK`) wait for the shared budget,
  for their chat's one-second spacing, and for any 429 pause.
A 429 on the bulk lane pauses only the bulk lane; people's conversations go on.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram._utils.types import JSONDict
from telegram.error import RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

logger = logging.getLogger(__name__)

BULK = "bulk"  # rate_limit_args value of the daily prompt sender's requests
# A bulk request whose sender already took its token (`SendBudget.acquire_bulk`) beforehand.
PREPAID = "prepaid"
PER_CHAT_INTERVAL = 1.0
# A reply that hits 429 is retried once if the wait is short; a longer wait would leave the
# person staring at nothing, so the error goes to the normal error handler instead.
MAX_CONVERSATION_RETRY_WAIT = 10.0
# A reply whose request timed out is tried this many times in all, with a growing pause.
TIMEOUT_ATTEMPTS = 3
TIMEOUT_BACKOFF_SECONDS = 0.5
# Chats last written more than this long ago are forgotten (memory stays small).
_FORGET_CHATS_AFTER = 5.0
_PRUNE_AT = 4096
_EPSILON = 1e-6


def retry_seconds(error: RetryAfter) -> float:
    """The wait Telegram asked for, in seconds (read without PTB's int/timedelta deprecation)."""
    wait = getattr(error, "_retry_after", None)
    if isinstance(wait, timedelta):
        return wait.total_seconds()
    return float(wait if isinstance(wait, int | float) else 1.0)


class SendBudget:
    """A token bucket shared by both lanes, plus per-chat spacing and a pause for 429s.

    The bucket refills at `rate` tokens a second and holds at most `burst`. Conversation sends
    take a token even when none is left (the balance may go below zero), so bulk senders wait
    longer and the overall rate stays near `rate` without a reply ever waiting.
    """

    def __init__(
        self,
        rate: float,
        *,
        burst: float | None = None,
        per_chat_interval: float = PER_CHAT_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("the send rate must be positive")
        self.rate = rate
        # A fifth of a second's worth: a fresh start adds at most rate/5 to the first second.
        self.burst = burst if burst is not None else max(1.0, rate / 5)
        self.per_chat_interval = per_chat_interval
        self._clock = clock
        self._sleep = sleep
        self._tokens = self.burst
        self._updated = clock()
        self._paused_until = 0.0
        self._last_by_chat: dict[int | str, float] = {}
        self._lock = asyncio.Lock()

    def _refill(self, now: float) -> None:
        self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now

    def _remember(self, chat_id: int | str | None, now: float) -> None:
        if chat_id is None:
            return
        self._last_by_chat[chat_id] = now
        if len(self._last_by_chat) > _PRUNE_AT:
            cutoff = now - _FORGET_CHATS_AFTER
            self._last_by_chat = {c: t for c, t in self._last_by_chat.items() if t >= cutoff}

    def spend_for_conversation(self, chat_id: int | str | None) -> None:
        """Record a reply: it goes out now and costs the bulk lane one token."""
        now = self._clock()
        self._refill(now)
        self._tokens -= 1
        self._remember(chat_id, now)

    def pause_bulk(self, seconds: float) -> None:
        """Stop the bulk lane for `seconds` (Telegram answered 429 with retry_after)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    @property
    def bulk_paused_for(self) -> float:
        """Seconds left in a 429 pause (0 when none)."""
        return max(0.0, self._paused_until - self._clock())

    def _chat_wait(self, chat_id: int | str | None, now: float) -> float:
        if chat_id is None:
            return 0.0
        last = self._last_by_chat.get(chat_id)
        return 0.0 if last is None else max(0.0, last + self.per_chat_interval - now)

    async def acquire_bulk(self, chat_id: int | str | None) -> None:
        """Wait until a bulk message to `chat_id` may go out, then take its token."""
        while True:
            chat_wait = self._chat_wait(chat_id, self._clock())
            if chat_wait > 0:
                # Sleep outside the lock: other chats must not wait for this one.
                await self._sleep(chat_wait)
                continue
            async with self._lock:
                while True:
                    now = self._clock()
                    self._refill(now)
                    wait = max(self._paused_until - now, (1 - self._tokens) / self.rate)
                    if wait <= _EPSILON:  # float rounding must not cause a busy loop
                        break
                    await self._sleep(wait)
                if self._chat_wait(chat_id, now) > 0:  # a reply went to this chat meanwhile
                    continue
                self._tokens -= 1
                self._remember(chat_id, now)
                return


class ConversationFirstRateLimiter(BaseRateLimiter[str]):
    """A python-telegram-bot rate limiter with a never-waiting conversation lane.

    Requests sent with `rate_limit_args=BULK` wait in the bulk lane of the shared `SendBudget`;
    all others (replies, button answers, getMe...) go out at once. A 429 on the bulk lane is
    raised to the prompt sender, which pauses the lane and retries that prompt itself.
    """

    def __init__(self, budget: SendBudget) -> None:
        self.budget = budget

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: str | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Run the request in its lane."""
        chat_id = data.get("chat_id")
        if rate_limit_args == BULK:
            await self.budget.acquire_bulk(chat_id)
            return await callback(*args, **kwargs)
        if rate_limit_args == PREPAID:
            return await callback(*args, **kwargs)
        if chat_id is not None:
            self.budget.spend_for_conversation(chat_id)
        for attempt in range(1, TIMEOUT_ATTEMPTS + 1):
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                seconds = retry_seconds(exc)
                if seconds > MAX_CONVERSATION_RETRY_WAIT:
                    raise
                logger.info("reply hit the flood limit; retrying once after %.1fs", seconds)
                await asyncio.sleep(seconds)
                return await callback(*args, **kwargs)
            except TimedOut:
                # A reply that timed out may or may not have arrived; a bounded retry risks a
                # rare duplicate rather than a person left without an answer.
                if attempt == TIMEOUT_ATTEMPTS:
                    raise
                logger.info(
                    "%s timed out; retry %d of %d", endpoint, attempt, TIMEOUT_ATTEMPTS - 1
                )
                await asyncio.sleep(TIMEOUT_BACKOFF_SECONDS * attempt)
        raise AssertionError("unreachable")
