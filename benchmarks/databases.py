"""Throwaway databases for benchmarks: a SQLite file or a PostgreSQL database of their own."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.storage.database import normalize_url

# The same server the test suite uses (tests/conftest.py), so one setup serves both.
DEFAULT_POSTGRES_URL = "postgresql://tandem:tandem@127.0.0.1:5432/postgres"


def postgres_admin_url() -> str:
    """The PostgreSQL server URL whose user may create databases."""
    return os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def postgres_available() -> bool:
    """Whether the PostgreSQL server answers."""
    try:
        engine = create_engine(normalize_url(postgres_admin_url()))
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:
        return False


@contextmanager
def sqlite_database() -> Iterator[str]:
    """A URL of a fresh SQLite file, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="tandem-bench-") as folder:
        yield f"sqlite:///{Path(folder) / 'tandem.db'}"


@contextmanager
def postgres_database() -> Iterator[str]:
    """A URL of a fresh PostgreSQL database, dropped afterwards."""
    admin_url = postgres_admin_url()
    admin = create_engine(normalize_url(admin_url), isolation_level="AUTOCOMMIT")
    name = f"tandem_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
