"""Re-encrypt stored free text with the first key of ENCRYPTION_KEYS (`python -m bot rotate-keys`).

Run it after putting a new key first in ENCRYPTION_KEYS (old keys still listed after it). It
also encrypts rows written before encryption was switched on. Afterwards the old keys can be
removed.

It is safe while the bot runs: it works in small batches, each its own short transaction, and
never writes over a change made meanwhile. A free-text column is only rewritten where it still
holds the value that was read (compare-and-set); a conversation only where its version is
still the one read (the bot's own optimistic check). A row that changed in between is read
again and rotated from its new value; a row deleted in between stays deleted.

The same module checks at start-up that the configured keys open what is stored
(`check_keys_open_stored_text`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Connection, Engine, Table, Text, inspect, select, update

from bot.crypto import ENCRYPTED_PREFIX, CipherError, TextCipher
from bot.storage.sql_store import conversations, personal_tables
from flows.held_text import HeldText, held_slots

BATCH_SIZE = 500
# A row that keeps changing under us is retried this often, then left for the next run.
CHANGED_RETRIES = 5
# How many stored values the start-up check tries to open.
SAMPLE_SIZE = 20


def text_columns() -> list[tuple[Table, str]]:
    """Every free-text column of a table about people (the ones that go through the cipher)."""
    return [
        (table, column.name)
        for table in personal_tables()
        for column in table.columns
        if isinstance(column.type, Text)
    ]


def rotate_stored_text(
    database: Engine,
    cipher: TextCipher,
    batch_size: int = BATCH_SIZE,
    *,
    held: Iterable[HeldText],
) -> int:
    """Rewrite every stored free-text value with the cipher's first key; return how many.

    `held` lists where features hold text in conversation contexts (`engine.held_texts`):
    text held there before encryption was switched on is found only through it.
    """
    if not cipher.encrypts:
        raise ValueError("ENCRYPTION_KEYS is not set: there is no key to rotate to")
    rewritten = 0
    for table, name in text_columns():
        rewritten += _rotate_column(database, cipher, table, name, batch_size)
    rewritten += _rotate_held_texts(database, cipher, batch_size, tuple(held))
    return rewritten


def _batches(database: Engine, statement: Any, key: Any, batch_size: int) -> Iterator[list[Any]]:
    """Rows of `statement` in key order, `batch_size` at a time, each batch read on its own."""
    last: Any = None
    while True:
        query = statement if last is None else statement.where(key > last)
        with database.connect() as connection:
            rows = list(connection.execute(query.order_by(key).limit(batch_size)).all())
        if rows:
            yield rows
        if len(rows) < batch_size:
            return
        last = rows[-1][0]


def _rotate_column(
    database: Engine, cipher: TextCipher, table: Table, name: str, batch_size: int
) -> int:
    (key,) = table.primary_key.columns
    column = table.c[name]
    rewritten = 0
    statement = select(key, column).where(column.is_not(None))
    for rows in _batches(database, statement, key, batch_size):
        with database.begin() as connection:
            for row_key, stored in rows:
                rewritten += _rotate_value(connection, cipher, table, key, column, row_key, stored)
    return rewritten


def _rotate_value(
    connection: Connection,
    cipher: TextCipher,
    table: Table,
    key: Any,
    column: Any,
    row_key: Any,
    stored: str | None,
) -> int:
    """Rotate one value unless it changed since it was read (then rotate the new value)."""
    for _ in range(CHANGED_RETRIES):
        if stored is None:
            return 0  # deleted or emptied meanwhile: nothing to bring back
        rotated = cipher.rotate(stored)
        if rotated == stored:
            return 0
        result = connection.execute(
            update(table).where(key == row_key, column == stored).values({column.name: rotated})
        )
        if result.rowcount == 1:
            return 1
        stored = connection.execute(select(column).where(key == row_key)).scalar_one_or_none()
    return 0


def _rotate_held_texts(
    database: Engine, cipher: TextCipher, batch_size: int, held: tuple[HeldText, ...]
) -> int:
    key = conversations.c.user_id
    c = conversations.c
    statement = select(key, c.flow, c.context, c.version)
    rewritten = 0
    for rows in _batches(database, statement, key, batch_size):
        with database.begin() as connection:
            for user_id, flow, context, version in rows:
                rewritten += _rotate_context(
                    connection, cipher, held, user_id, (flow, context, version)
                )
    return rewritten


def _rotate_context(
    connection: Connection,
    cipher: TextCipher,
    held: tuple[HeldText, ...],
    user_id: int,
    read: tuple[str, Any, int],
) -> int:
    """Rotate the protected texts of one conversation if its version is still the one read."""
    flow, context, version = read
    for _ in range(CHANGED_RETRIES):
        if context is None:
            return 0
        rotated = _rotated_context(cipher, context, flow, held)
        if rotated == context:
            return 0
        result = connection.execute(
            update(conversations)
            .where(conversations.c.user_id == user_id, conversations.c.version == version)
            # A new version, so a bot worker holding the old context retries from a fresh read.
            .values(context=rotated, version=version + 1)
        )
        if result.rowcount == 1:
            return 1
        row = connection.execute(
            select(conversations.c.flow, conversations.c.context, conversations.c.version).where(
                conversations.c.user_id == user_id
            )
        ).first()
        if row is None:
            return 0
        flow, context, version = row
    return 0


def _rotated_context(
    cipher: TextCipher, context: Any, flow: str, held: tuple[HeldText, ...]
) -> Any:
    """A copy of a context with held texts and every encrypted value rotated."""
    rotated = _rotate_encrypted(cipher, context)
    # Encrypted values anywhere are found above; the registered held texts are needed for
    # values written before encryption was switched on, which look like any other string.
    for mapping, name in held_slots(rotated, flow, held):
        if not mapping[name].startswith(ENCRYPTED_PREFIX):
            mapping[name] = cipher.rotate(mapping[name])
    return rotated


def _rotate_encrypted(cipher: TextCipher, value: Any) -> Any:
    if isinstance(value, str) and value.startswith(ENCRYPTED_PREFIX):
        return cipher.rotate(value)
    if isinstance(value, dict):
        return {name: _rotate_encrypted(cipher, item) for name, item in value.items()}
    if isinstance(value, list):
        return [_rotate_encrypted(cipher, item) for item in value]
    return value


def stored_encrypted_sample(database: Engine, size: int = SAMPLE_SIZE) -> list[str]:
    """Up to `size` encrypted values as stored, newest rows first, from every free-text column."""
    sample: list[str] = []
    with database.connect() as connection:
        # A database not migrated yet (e.g. `python -m bot status` on a new file) holds nothing.
        existing = set(inspect(connection).get_table_names())
        for table, name in text_columns():
            if table.name not in existing:
                continue
            (key,) = table.primary_key.columns
            column = table.c[name]
            rows = connection.execute(
                select(column)
                .where(column.like(f"{ENCRYPTED_PREFIX}%"))
                .order_by(key.desc())
                .limit(size - len(sample))
            ).scalars()
            sample.extend(rows)
            if len(sample) >= size:
                break
    return sample


def check_keys_open_stored_text(database: Engine, cipher: TextCipher) -> None:
    """Raise `CipherError` (one line, no value shown) when encrypted text is stored and no
    configured key opens any of a sample of it."""
    sample = stored_encrypted_sample(database)
    if not sample:
        return
    for stored in sample:
        try:
            cipher.decrypt(stored)
        except CipherError:
            continue
        return
    if not cipher.encrypts:
        raise CipherError(
            "ENCRYPTION_KEYS: the database holds encrypted answers but no key is set; "
            "set ENCRYPTION_KEYS to the key(s) they were written with"
        )
    raise CipherError(
        "ENCRYPTION_KEYS: none of the configured keys opens the encrypted answers stored in "
        "the database; add the key they were written with (newest first)"
    )
