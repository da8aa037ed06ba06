"""Read a whole test database back, to prove what is (and is not) stored."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from bot.storage.models import Base
from bot.storage.sql_store import SqlStore
from flows.ports import ConversationRecord, UserRecord


def all_rows(database: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, by table name."""
    with database.connect() as connection:
        return {
            table.name: [dict(row._mapping) for row in connection.execute(select(table))]
            for table in Base.metadata.sorted_tables
        }


def dump_text(database: Engine) -> str:
    """Every stored value as one string, for "these words are nowhere" assertions."""
    return repr(all_rows(database))


def position(
    database: Engine, user_id: int
) -> tuple[UserRecord | None, ConversationRecord | None]:
    """The person's stored record and conversation."""
    with database.connect() as connection:
        return SqlStore(connection).load(user_id)
