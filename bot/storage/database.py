"""Opening the database: URL normalisation, SQLite pragmas, and migrations at start-up."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The drivers Tandem is built and tested with (sync: measured faster per event than async here).
DRIVERS = {"sqlite": "pysqlite", "postgresql": "psycopg"}
# A PostgreSQL host that accepts TCP but never answers would otherwise hang start-up (and every
# reconnect) forever; `?connect_timeout=N` in DATABASE_URL overrides it.
POSTGRES_CONNECT_TIMEOUT_SECONDS = 10
CHECKPOINT_WANTED = "tandem_wal_checkpoint"


class DatabaseUrlError(ValueError):
    """DATABASE_URL cannot be used; the message says how to fix it."""


def normalize_url(raw: str) -> URL:
    """Parse a database URL and fill in the driver Tandem uses (`postgresql://` → psycopg)."""
    try:
        url = make_url(raw.strip())
    except ArgumentError as exc:
        raise DatabaseUrlError(
            "is not a database URL; use e.g. sqlite:///data/tandem.db or "
            "postgresql://user:password@localhost/tandem"
        ) from exc
    backend = url.get_backend_name()
    if backend == "postgres":
        backend = "postgresql"
    if backend not in DRIVERS:
        raise DatabaseUrlError(f"uses '{backend}'; Tandem supports sqlite and postgresql")
    driver = url.drivername.partition("+")[2]
    wanted = DRIVERS[backend]
    if driver and driver != wanted:
        raise DatabaseUrlError(
            f"asks for the '{driver}' driver; Tandem uses '{wanted}' — "
            f"leave the driver out ({backend}://...)"
        )
    return url.set(drivername=f"{backend}+{wanted}")


def set_sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """Tune a new SQLite connection: WAL, foreign keys, a busy timeout, secure deletes."""
    cursor = dbapi_connection.cursor()
    # WAL lets readers work while one writer commits; NORMAL sync is safe with WAL.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    # Deleted rows are overwritten with zeros instead of lingering in free pages (/delete).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def request_wal_checkpoint(connection: Connection) -> None:
    """Ask for a WAL checkpoint once this connection's transaction is over (SQLite only).

    After /delete the deleted words still sit in older frames of the write-ahead log until it
    is checkpointed; a TRUNCATE checkpoint copies the zeroed pages into the database file and
    empties the log. It cannot run inside the transaction, so it runs when the connection goes
    back to the pool, right after the commit.
    """
    if connection.dialect.name == "sqlite":
        connection.info[CHECKPOINT_WANTED] = True


def _checkpoint_on_checkin(dbapi_connection: Any, connection_record: Any) -> None:
    if not connection_record.info.pop(CHECKPOINT_WANTED, False) or dbapi_connection is None:
        return
    try:
        dbapi_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    except Exception as exc:  # the data is already deleted; a busy log is emptied next time
        logger.warning("WAL checkpoint after a deletion failed: %s", type(exc).__name__)


def create_database_engine(raw_url: str, **kwargs: Any) -> Engine:
    """A SQLAlchemy engine for the URL, with SQLite tuned for WAL and its folder created."""
    url = normalize_url(raw_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", set_sqlite_pragmas)
        event.listen(engine, "checkin", _checkpoint_on_checkin)
        return engine
    # No pool_pre_ping: it costs a round trip per event. A connection found dead is invalidated
    # by SQLAlchemy and the event is retried on a fresh one (bot.service.worth_retrying).
    kwargs.setdefault("pool_size", 10)
    if "connect_timeout" not in url.query:
        connect_args = dict(kwargs.pop("connect_args", {}))
        connect_args.setdefault("connect_timeout", POSTGRES_CONNECT_TIMEOUT_SECONDS)
        kwargs["connect_args"] = connect_args
    return create_engine(url, **kwargs)


def alembic_config(engine: Engine) -> Config:
    """Alembic configuration pointing at Tandem's migrations and this engine."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema up to the newest migration (safe to run at every start)."""
    command.upgrade(alembic_config(engine), "head")
    logger.info("database schema is up to date")
