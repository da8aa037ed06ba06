"""Re-encrypt stored free text with the first key of ENCRYPTION_KEYS (`python -m bot rotate-keys`).

Run it after putting a new key first in ENCRYPTION_KEYS (old keys still listed after it). It
also encrypts rows written before encryption was switched on. Afterwards the old keys can be
removed. It works in small batches, each its own transaction, so the bot can keep running.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, Table, Text, select, update

from bot.crypto import TextCipher
from bot.storage.sql_store import conversations, personal_tables
from flows.safety import PENDING_KEY

BATCH_SIZE = 500


def text_columns() -> list[tuple[Table, str]]:
    """Every free-text column of a table about people (the ones that go through the cipher)."""
    return [
        (table, column.name)
        for table in personal_tables()
        for column in table.columns
        if isinstance(column.type, Text)
    ]


def rotate_stored_text(database: Engine, cipher: TextCipher, batch_size: int = BATCH_SIZE) -> int:
    """Rewrite every stored free-text value with the cipher's first key; return how many."""
    if not cipher.encrypts:
        raise ValueError("ENCRYPTION_KEYS is not set: there is no key to rotate to")
    rewritten = 0
    for table, name in text_columns():
        rewritten += _rotate_column(database, cipher, table, name, batch_size)
    rewritten += _rotate_held_messages(database, cipher)
    return rewritten


def _rotate_column(
    database: Engine, cipher: TextCipher, table: Table, name: str, batch_size: int
) -> int:
    (key,) = table.primary_key.columns
    column = table.c[name]
    rewritten = 0
    last: Any = None
    while True:
        with database.begin() as connection:
            statement = select(key, column).where(column.is_not(None)).order_by(key)
            if last is not None:
                statement = statement.where(key > last)
            rows = connection.execute(statement.limit(batch_size)).all()
            for row_key, stored in rows:
                rotated = cipher.rotate(stored)
                if rotated != stored:
                    connection.execute(update(table).where(key == row_key).values({name: rotated}))
                    rewritten += 1
        if len(rows) < batch_size:
            return rewritten
        last = rows[-1][0]


def _rotate_held_messages(database: Engine, cipher: TextCipher) -> int:
    # A crisis message held for the "save it" button sits in the conversation's context.
    rewritten = 0
    with database.begin() as connection:
        rows = connection.execute(select(conversations.c.user_id, conversations.c.context)).all()
        for user_id, context in rows:
            held = (context or {}).get(PENDING_KEY)
            if isinstance(held, dict) and isinstance(held.get("text"), str):
                held["text"] = cipher.rotate(held["text"])
                connection.execute(
                    update(conversations)
                    .where(conversations.c.user_id == user_id)
                    # A new version, so a bot worker holding the old context retries.
                    .values(context=context, version=conversations.c.version + 1)
                )
                rewritten += 1
    return rewritten
