"""One event, one transaction: idempotency, the engine, the outbox; transient failures."""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Engine as DatabaseEngine
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError

from bot.crypto import NoCipher
from bot.outbox import Outgoing, replies_from_json, replies_to_json
from bot.storage import transit
from bot.storage.sql_store import SqlStore, TextCipher
from bot.storage.transit import TransitStore
from flows.engine import Engine
from flows.events import Document, Event, Reply
from flows.ports import ConflictError

logger = logging.getLogger(__name__)

T = TypeVar("T")

ATTEMPTS = 3
DEFAULT_OWNER = "tandem"


@dataclass
class Handled:
    """What handling an event left to send (already stored in the outbox).

    `outgoing` is what this caller should send now: the event's replies, or, for a redelivered
    update, replies stored earlier and never sent. `held` means the replies wait behind older
    unsent replies to the same person; the outbox sweep sends them in order.
    """

    replies: list[Reply] = field(default_factory=list)
    outgoing: list[Outgoing] = field(default_factory=list)
    held: bool = False
    redelivered: bool = False


class DatabaseRunner:
    """Runs blocking database work off the event loop.

    SQLite: on one worker thread, so a write lock held by another process blocks only that
    thread (never the loop that sends replies and reads updates), and statements never
    compete with each other for SQLite's single writer. PostgreSQL: on the loop's default
    thread pool, so several people's transactions overlap.
    """

    def __init__(self, database: DatabaseEngine) -> None:
        self.single_thread = database.dialect.name == "sqlite"
        self._executor = (
            ThreadPoolExecutor(1, thread_name_prefix="tandem-sqlite")
            if self.single_thread
            else None
        )

    async def __call__(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `function(*args, **kwargs)` on the database thread(s) and wait for it."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor, functools.partial(function, *args, **kwargs)
        )

    def shutdown(self) -> None:
        """Stop the worker thread (SQLite) once its queued work is done."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)


class TandemService:
    """Runs the engine for one event inside one database transaction."""

    def __init__(
        self,
        engine: Engine,
        database: DatabaseEngine,
        cipher: TextCipher | None = None,
        *,
        owner: str = DEFAULT_OWNER,
    ) -> None:
        self.engine = engine
        self.database = database
        self.cipher = cipher
        self.owner = owner
        self.run = DatabaseRunner(database)
        self.transit = TransitStore(database, cipher or NoCipher(), owner)
        # Outbox rows whose replies all went out, deleted in the next transaction (an event's,
        # or the sweep's flush within a second) instead of one transaction each: that costs a
        # statement, not a commit, per event. A crash in between sends them again (at least
        # once); while this process runs they are never sent again (`is_sent`).
        self._sent: set[int] = set()
        self._sent_lock = threading.Lock()

    def mark_sent(self, outbox_id: int) -> None:
        """The row's replies all went out: delete it with the next transaction."""
        with self._sent_lock:
            self._sent.add(outbox_id)

    def is_sent(self, outbox_id: int) -> bool:
        """Whether the row was sent by this process and awaits deletion."""
        with self._sent_lock:
            return outbox_id in self._sent

    @property
    def sent_waiting(self) -> int:
        """How many sent rows await deletion."""
        return len(self._sent)

    def flush_sent(self) -> int:
        """Delete the sent rows now (the sweep calls this); returns how many."""
        ids = self._take_sent()
        if not ids:
            return 0
        try:
            self.transit.sent(ids)
        except BaseException:
            self._give_back(ids)
            raise
        return len(ids)

    def _take_sent(self) -> list[int]:
        with self._sent_lock:
            ids = sorted(self._sent)
            self._sent.clear()
        return ids

    def _give_back(self, ids: list[int]) -> None:
        if ids:
            with self._sent_lock:
                self._sent.update(ids)

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
        """Handle `event` and commit, returning its replies (no outbox: the terminal chat and
        tests); a redelivered update returns no replies."""
        return self._handle(event, use_outbox=False).replies

    def handle(
        self, event: Event, *, from_inbox: bool = False, query_id: str | None = None
    ) -> Handled:
        """Handle `event` and store its replies in the outbox, in one transaction.

        `from_inbox`: the update was stored in the inbox; its row goes in the same
        transaction. A redelivered update hands back its stored, unsent replies instead.
        """
        return self._handle(event, use_outbox=True, from_inbox=from_inbox, query_id=query_id)

    def _handle(
        self,
        event: Event,
        *,
        use_outbox: bool,
        from_inbox: bool = False,
        query_id: str | None = None,
    ) -> Handled:
        """On a conflict (another worker changed the same conversation, or created the same new
        person) the whole event is retried from a fresh read; anything else rolls back and
        propagates, leaving the state exactly as before the event."""
        for attempt in range(1, ATTEMPTS + 1):
            sent = self._take_sent() if use_outbox else []
            try:
                with self.database.begin() as connection:
                    transit.delete_sent(connection, sent)
                    return self._transaction(connection, event, use_outbox, from_inbox, query_id)
            except BaseException as exc:
                self._give_back(sent)
                if not isinstance(exc, ConflictError | DBAPIError):
                    raise
                if attempt == ATTEMPTS or not worth_retrying(exc):
                    raise
                logger.info(
                    "retrying update %s for user %s after %s",
                    event.update_id,
                    event.user_id,
                    type(exc).__name__,
                )
        raise AssertionError("unreachable")

    def _transaction(
        self,
        connection: Any,
        event: Event,
        use_outbox: bool,
        from_inbox: bool,
        query_id: str | None,
    ) -> Handled:
        store = SqlStore(connection, self.cipher)
        cipher = store.cipher
        now = datetime.now(UTC)
        if from_inbox and event.update_id is not None:
            transit.drop_inbox(connection, event.update_id)
        if event.update_id is not None and not store.claim_update(event.update_id, event.now):
            if not use_outbox:
                logger.info("update %s already processed; skipping", event.update_id)
                return Handled(redelivered=True)
            rows = transit.claim_for_update(connection, cipher, event.update_id, self.owner, now)
            logger.info(
                "update %s already processed; %d unsent reply set(s) to send again",
                event.update_id,
                len(rows),
            )
            outgoing = []
            for row in rows:
                replies, stored_query = replies_from_json(row.payload)
                outgoing.append(
                    Outgoing(row.chat_id, replies, stored_query, row.id, row.steps_done)
                )
            return Handled(outgoing=outgoing, redelivered=True)
        replies = self.engine.handle(event, store)
        if not use_outbox or not (replies or query_id):
            return Handled(replies=replies)
        held = transit.has_pending_outbox(connection, event.user_id)
        outbox_id = transit.add_outbox(
            connection,
            cipher,
            user_id=event.user_id,
            chat_id=event.chat_id,
            update_id=event.update_id,
            payload=replies_to_json(replies, query_id),
            owner=self.owner,
            now=now,
            held=held,
        )
        if held:
            return Handled(replies=replies, held=True)
        return Handled(
            replies=replies, outgoing=[Outgoing(event.chat_id, replies, query_id, outbox_id)]
        )


def worth_retrying(error: Exception) -> bool:
    """Whether the event may simply run again at once: its transaction failed, nothing was kept.

    A lost race (optimistic version, a person created twice), or a pooled connection that
    turned out dead (e.g. PostgreSQL restarted; the pool then opens a new one).
    Checking for the last case here instead of pinging before every event saves a round trip
    per event.
    """
    if isinstance(error, ConflictError | IntegrityError):
        return True
    # A locked SQLite database is not retried here: the busy timeout already waited, and the
    # adapter retries with a pause (freeing the database thread) instead.
    return isinstance(error, DBAPIError) and error.connection_invalidated


# Messages of OperationalErrors that no waiting will cure (a broken schema, a full disk).
_PERMANENT = ("no such table", "no such column", "disk is full", "readonly database")


def is_transient(error: BaseException) -> bool:
    """Whether a database failure may pass if we wait: connection refused or lost, a lock or
    busy timeout, a serialization failure or deadlock (PostgreSQL reports those as
    OperationalError subclasses), a server shutting down or starting up."""
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, InterfaceError):
        return True  # the driver's connection is closed
    if isinstance(error, OperationalError):
        reason = str(error.orig).lower()
        return not any(marker in reason for marker in _PERMANENT)
    return False
