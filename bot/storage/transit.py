"""Messages in transit: the inbox (updates stored before Telegram is told they arrived) and the
outbox (replies stored with the effects of their event, deleted once sent).

Both hold people's words, so their payloads go through the store's cipher. Rows are claimed
with a lease (`lease_until`) and an owner (the worker's name): a sender that dies leaves its
rows to others once the lease runs out, and to itself at once when it starts again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, bindparam, delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.storage.models import Delivery, InboxUpdate, OutboxMessage
from bot.storage.sql_store import TextCipher

outbox = cast(Table, OutboxMessage.__table__)
inbox = cast(Table, InboxUpdate.__table__)
deliveries = cast(Table, Delivery.__table__)

# How long a sender owns an outbox row it is sending; long enough for any normal send.
OUTBOX_LEASE = timedelta(seconds=60)

_ADD_OUTBOX = insert(outbox).returning(outbox.c.id)
_PENDING_OF_USER = select(outbox.c.id).where(outbox.c.user_id == bindparam("user_id")).limit(1)
_DROP_INBOX = delete(inbox).where(inbox.c.update_id == bindparam("update_id"))
_DELETE_SENT = delete(outbox).where(outbox.c.id.in_(bindparam("ids", expanding=True)))
_INSERT_INBOX = {
    dialect: maker(inbox)
    .on_conflict_do_nothing(index_elements=["update_id"])
    .returning(inbox.c.update_id)
    for dialect, maker in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}


@dataclass(frozen=True)
class OutboxRow:
    """A stored outbox row, its payload decrypted (JSON text)."""

    id: int
    user_id: int
    chat_id: int
    update_id: int | None
    payload: str
    steps_done: int
    attempts: int


# Inside an event's transaction


def add_outbox(
    connection: Connection,
    cipher: TextCipher,
    *,
    user_id: int,
    chat_id: int,
    update_id: int | None,
    payload: str,
    owner: str,
    now: datetime,
    held: bool,
) -> int:
    """Store an event's replies; `held` rows are left to the sweep (older ones wait first)."""
    result = connection.execute(
        _ADD_OUTBOX,
        {
            "user_id": user_id,
            "chat_id": chat_id,
            "update_id": update_id,
            "payload": cipher.encrypt(payload),
            "steps_done": 0,
            "attempts": 0,
            "owner": owner,
            "lease_until": now if held else now + OUTBOX_LEASE,
            "created_at": now,
        },
    )
    return int(result.scalar_one())


def has_pending_outbox(connection: Connection, user_id: int) -> bool:
    """Whether earlier replies to the person are still waiting to go out."""
    return connection.execute(_PENDING_OF_USER, {"user_id": user_id}).first() is not None


def drop_inbox(connection: Connection, update_id: int) -> None:
    """Forget a stored update: it is handled (in the same transaction as its effects)."""
    connection.execute(_DROP_INBOX, {"update_id": update_id})


def delete_sent(connection: Connection, ids: Sequence[int]) -> None:
    """Delete outbox rows whose replies all went out."""
    if ids:
        connection.execute(_DELETE_SENT, {"ids": list(ids)})


def claim_for_update(
    connection: Connection, cipher: TextCipher, update_id: int, owner: str, now: datetime
) -> list[OutboxRow]:
    """Rows of a redelivered update nobody is sending right now, leased to `owner`."""
    statement = (
        select(outbox)
        .where(outbox.c.update_id == update_id, outbox.c.lease_until <= now)
        .order_by(outbox.c.id)
    )
    if connection.dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    rows = connection.execute(statement).all()
    return _lease(connection, cipher, rows, owner, now)


def _lease(
    connection: Connection, cipher: TextCipher, rows: Sequence[Any], owner: str, now: datetime
) -> list[OutboxRow]:
    if not rows:
        return []
    connection.execute(
        update(outbox)
        .where(outbox.c.id.in_([row.id for row in rows]))
        .values(owner=owner, lease_until=now + OUTBOX_LEASE)
    )
    return [
        OutboxRow(
            row.id,
            row.user_id,
            row.chat_id,
            row.update_id,
            cipher.decrypt(row.payload),
            row.steps_done,
            row.attempts,
        )
        for row in rows
    ]


# Own transactions


class TransitStore:
    """The inbox and outbox operations that run in a transaction of their own."""

    def __init__(self, database: Engine, cipher: TextCipher, owner: str) -> None:
        self.database = database
        self.cipher = cipher
        self.owner = owner

    def store_updates(self, items: Iterable[tuple[int, int, str]], now: datetime) -> set[int]:
        """Store (update_id, user_id, json) in the inbox; return the ids that were new."""
        values = [
            {
                "update_id": update_id,
                "user_id": user_id,
                "payload": self.cipher.encrypt(payload),
                "received_at": now,
            }
            for update_id, user_id, payload in items
        ]
        if not values:
            return set()
        with self.database.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                # Telegram forgets an update once told it arrived, so this commit must survive
                # a power cut too (SQLite otherwise runs with synchronous=NORMAL: safe against
                # a crashed process, not a crashed machine). The event transactions after it
                # need not: if one is lost, its update is still here and is handled again.
                connection.exec_driver_sql("PRAGMA synchronous=FULL")
                connection.commit()  # end SQLAlchemy's implicit transaction around the pragma
            try:
                with connection.begin():
                    statement = _INSERT_INBOX[connection.dialect.name]
                    return {row.update_id for row in connection.execute(statement, values)}
            finally:
                if sqlite:
                    connection.exec_driver_sql("PRAGMA synchronous=NORMAL")
                    connection.commit()

    def stored_updates(self) -> list[tuple[int, str]]:
        """Updates stored but not handled (a crash came between), oldest first."""
        with self.database.begin() as connection:
            rows = connection.execute(
                select(inbox.c.update_id, inbox.c.payload).order_by(inbox.c.update_id)
            ).all()
        return [(row.update_id, self.cipher.decrypt(row.payload)) for row in rows]

    def drop_update(self, update_id: int) -> None:
        """Forget a stored update that will not be handled (given up on)."""
        with self.database.begin() as connection:
            drop_inbox(connection, update_id)

    def sent(self, ids: Sequence[int]) -> None:
        """Delete outbox rows whose replies all went out."""
        with self.database.begin() as connection:
            delete_sent(connection, ids)

    def postpone(self, outbox_id: int, steps_done: int, until: datetime) -> None:
        """Sending stopped (flood wait, network): remember progress, try again at `until`."""
        with self.database.begin() as connection:
            connection.execute(
                update(outbox)
                .where(outbox.c.id == outbox_id)
                .values(steps_done=steps_done, attempts=outbox.c.attempts + 1, lease_until=until)
            )

    def claim_due(self, now: datetime, limit: int) -> list[OutboxRow]:
        """Lease up to `limit` rows whose lease ran out (oldest first) to this worker."""
        statement = (
            select(outbox).where(outbox.c.lease_until <= now).order_by(outbox.c.id).limit(limit)
        )
        with self.database.begin() as connection:
            if connection.dialect.name == "postgresql":
                statement = statement.with_for_update(skip_locked=True)
            rows = connection.execute(statement).all()
            return _lease(connection, self.cipher, rows, self.owner, now)

    def take_over_own(self, now: datetime) -> tuple[int, int]:
        """At start-up: this worker's earlier life is gone, so its leases end now.

        Returns (outbox rows, daily prompts) made available again at once.
        """
        with self.database.begin() as connection:
            replies = connection.execute(
                update(outbox)
                .where(outbox.c.owner == self.owner, outbox.c.lease_until > now)
                .values(lease_until=now)
            ).rowcount
            prompts = connection.execute(
                update(deliveries)
                .where(
                    deliveries.c.owner == self.owner,
                    deliveries.c.status == "claimed",
                    deliveries.c.retry_at > now,
                )
                .values(retry_at=now)
            ).rowcount
        return replies, prompts
