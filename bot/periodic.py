"""Background jobs that tick on the event loop (auto-tidy, preparation notices).

The database is the source of truth for what is due, so a job holds no state worth saving:
stopping it loses nothing, and a restarted process picks up where the rows say.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")


class PeriodicJob:
    """Runs `tick()` every `tick_seconds` in a background task; a failing tick is logged (its
    kind only) and the next one tries again."""

    name = "periodic job"

    def __init__(self, *, tick_seconds: float) -> None:
        self.tick_seconds = tick_seconds
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start ticking in the background (call from a running event loop)."""
        if self._task is None:
            self._task = asyncio.create_task(self.run_forever(), name=self.name)

    async def stop(self) -> None:
        """Stop ticking."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def run_forever(self) -> None:
        """Tick, sleep, repeat."""
        while True:
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database may be restarting; try again next tick
                logger.exception("%s tick failed: %s", self.name, type(exc).__name__)
            await asyncio.sleep(self.tick_seconds)

    async def tick(self) -> Any:
        """One round of work."""
        raise NotImplementedError


async def run_db(in_thread: bool, function: Callable[..., T], *args: Any) -> T:
    """Run a database call: in a thread on PostgreSQL (the loop keeps serving people), on the
    loop itself on SQLite (one writer anyway)."""
    if in_thread:
        return await asyncio.to_thread(function, *args)
    return function(*args)
