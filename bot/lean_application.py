"""python-telegram-bot's `Application` without per-person bookkeeping Tandem has no use for.

PTB notes the user and chat id of every update in two sets, for its persistence feature to
save later. Without persistence nobody ever empties them, so they grow by two ints for every
person who ever wrote (about 15 MB per 100,000 people, measured by `python -m
benchmarks.memory`). Tandem keeps every person's state in the database and configures no PTB
persistence, so the marking is skipped when there is none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram.ext import Application

if TYPE_CHECKING:
    from telegram.ext import Job


class LeanApplication(Application[Any, Any, Any, Any, Any, Any]):
    """An `Application` that remembers nothing per person when it has no persistence."""

    __slots__ = ()

    def _mark_for_persistence_update(
        self, *, update: object | None = None, job: Job[Any] | None = None
    ) -> None:
        if self.persistence is not None:
            super()._mark_for_persistence_update(update=update, job=job)
