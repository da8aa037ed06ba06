"""Concurrent updates with per-person order: different people in parallel, one person in turn."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


def update_user_id(update: object) -> int | None:
    """The person an update comes from, if any."""
    if isinstance(update, Update) and update.effective_user is not None:
        return update.effective_user.id
    return None


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Processes up to N updates at once, but never two of the same person at the same time.

    python-telegram-bot either handles updates one by one (a slow round trip stalls everyone)
    or concurrently (a person's double tap may overtake their previous message). A lock per
    person keeps their order; locks are dropped as soon as nobody waits on them, so nothing per
    person stays in memory.
    """

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the update's handlers, after any earlier update of the same person."""
        user_id = update_user_id(update)
        if user_id is None:
            await coroutine
            return
        lock = self._locks.setdefault(user_id, asyncio.Lock())
        self._users[user_id] = self._users.get(user_id, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._users[user_id] -= 1
            if not self._users[user_id]:
                del self._users[user_id]
                del self._locks[user_id]

    @property
    def people_in_flight(self) -> int:
        """How many people have updates being processed or waiting (for tests and metrics)."""
        return len(self._locks)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
