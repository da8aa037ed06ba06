"""One event, one transaction: idempotency, the engine, and a retry on a lost race."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import Engine as DatabaseEngine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from bot.storage.sql_store import SqlStore, TextCipher
from flows.engine import Engine
from flows.events import Document, Event, Reply
from flows.ports import ConflictError

logger = logging.getLogger(__name__)

ATTEMPTS = 3


class TandemService:
    """Runs the engine for one event inside one database transaction."""

    def __init__(
        self, engine: Engine, database: DatabaseEngine, cipher: TextCipher | None = None
    ) -> None:
        self.engine = engine
        self.database = database
        self.cipher = cipher

    def mark_inactive(self, user_id: int) -> None:
        """The person blocked the bot (403): stop sending until they write again."""
        with self.database.begin() as connection:
            SqlStore(connection, self.cipher).mark_inactive(user_id)

    def build_export(self, user_id: int, now: datetime | None = None) -> list[Document]:
        """A person's /export files, read outside any event's write transaction."""
        with self.database.connect() as connection:
            return self.engine.build_export(
                SqlStore(connection, self.cipher, lock_rows=False),
                user_id,
                now or datetime.now(UTC),
            )

    def process(self, event: Event) -> list[Reply]:
        """Handle `event` and commit; a redelivered update returns no replies.

        On a conflict (another worker changed the same conversation, or created the same new
        person) the whole event is retried from a fresh read; anything else rolls back and
        propagates, leaving the state exactly as before the event.
        """
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with self.database.begin() as connection:
                    store = SqlStore(connection, self.cipher)
                    if event.update_id is not None and not store.claim_update(
                        event.update_id, event.now
                    ):
                        logger.info("update %s already processed; skipping", event.update_id)
                        return []
                    return self.engine.handle(event, store)
            except (ConflictError, DBAPIError) as exc:
                if attempt == ATTEMPTS or not worth_retrying(exc):
                    raise
                logger.info(
                    "retrying update %s for user %s after %s",
                    event.update_id,
                    event.user_id,
                    type(exc).__name__,
                )
        raise AssertionError("unreachable")


def worth_retrying(error: Exception) -> bool:
    """Whether the event may simply run again: its transaction failed and nothing was kept.

    A lost race (optimistic version, a person created twice), SQLite being busy, or a pooled
    connection that turned out dead (e.g. PostgreSQL restarted; the pool then opens a new one).
    Checking for the last case here instead of pinging before every event saves a round trip
    per event.
    """
    if isinstance(error, ConflictError | IntegrityError):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, OperationalError) and "locked" in str(error.orig)
