"""Shared fixtures: databases (SQLite and PostgreSQL), content, runtime, and a scripted chat.

Storage and flow tests take the `database_url` fixture, which runs them once on SQLite and once
on PostgreSQL. PostgreSQL comes from TEST_POSTGRES_URL (a server URL whose user may create
databases; each test session creates its own database and drops it afterwards). When it is not
reachable those runs are skipped — unless TANDEM_REQUIRE_POSTGRES=1 (as in CI), where that is
an error, so CI can never pass without PostgreSQL.
"""

from __future__ import annotations

import functools
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from telegram.ext import Application

from bot.app import Runtime, build_application, build_runtime
from bot.settings import Settings
from bot.storage.database import create_database_engine, migrate, normalize_url
from bot.storage.models import Base
from content import Content, load_content
from tests.support.chat import ChatDriver
from tests.support.recording_request import RecordingRequest

DEFAULT_POSTGRES_URL = "postgresql://tandem:tandem@127.0.0.1:5432/postgres"
# Bot processes started by tests would all try the default health and metrics port (and clash
# with each other and with anyone else's test run); tests that want it pass a port of their own.
os.environ.setdefault("METRICS_PORT", "0")


def postgres_admin_url() -> str:
    """The server URL PostgreSQL tests use (TEST_POSTGRES_URL, or the local default)."""
    return os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


@functools.cache
def postgres_unavailable_reason() -> str | None:
    """Why PostgreSQL runs cannot happen (one line, no password), or None if they can."""
    url = normalize_url(postgres_admin_url())
    try:
        admin = create_engine(url, connect_args={"connect_timeout": 3})
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
        admin.dispose()
    except Exception as exc:
        orig = getattr(exc, "orig", None) or exc
        first = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
        where = make_url(postgres_admin_url()).render_as_string(hide_password=True)
        return f"no PostgreSQL at {where} ({first}); set TEST_POSTGRES_URL to a server"
    return None


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Say up front whether the PostgreSQL runs will happen, and if not, why."""
    reason = postgres_unavailable_reason()
    where = make_url(postgres_admin_url()).render_as_string(hide_password=True)
    if reason is None:
        return [f"PostgreSQL: reachable at {where}; storage and flow tests run on it too"]
    if os.environ.get("TANDEM_REQUIRE_POSTGRES") == "1":
        return [f"PostgreSQL: REQUIRED but {reason}: its tests will fail"]
    return [
        f"PostgreSQL: {reason}.",
        "  Its runs are skipped (each shows this reason with -rs); SQLite runs still happen.",
    ]


@pytest.fixture(scope="session")
def content() -> Content:
    """The real content, loaded once."""
    return load_content()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies (migrating per test would be slow)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = create_database_engine(f"sqlite:///{path}")
    migrate(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str | None]:
    """A fresh, migrated PostgreSQL database for this test session, or None if unavailable."""
    admin_url = postgres_admin_url()
    required = os.environ.get("TANDEM_REQUIRE_POSTGRES") == "1"
    reason = postgres_unavailable_reason()
    if reason is not None:
        if required:
            pytest.fail(f"PostgreSQL is required (TANDEM_REQUIRE_POSTGRES=1) but {reason}")
        yield None
        return
    admin = create_engine(normalize_url(admin_url), isolation_level="AUTOCOMMIT")
    name = f"tandem_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    engine = create_database_engine(url)
    migrate(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _truncate_postgres(url: str) -> None:
    engine = create_database_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    postgres_server_url: str | None,
) -> str:
    """A migrated, empty database: once SQLite, once PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "tandem.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    if postgres_server_url is None:
        pytest.skip(f"PostgreSQL run skipped: {postgres_unavailable_reason()}")
    _truncate_postgres(postgres_server_url)
    return postgres_server_url


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated, empty SQLite database only (for tests that need no PostgreSQL run)."""
    path = tmp_path / "tandem.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


def make_settings(database_url: str, **overrides: object) -> Settings:
    """Settings for tests: a fake but well-formed token and the given database."""
    values: dict[str, object] = {
        "bot_token": "123456789:TEST-token-for-tandem-tests-only",
        "database_url": database_url,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def runtime(database_url: str, content: Content) -> Iterator[Runtime]:
    """The whole runtime (engine, service, database) on the parametrized database."""
    built = build_runtime(make_settings(database_url), content=content, migrate_schema=False)
    yield built
    built.database.dispose()


@pytest.fixture
def recorder() -> RecordingRequest:
    """The offline Bot API for adapter tests."""
    return RecordingRequest()


@pytest.fixture
def tandem(sqlite_url: str, content: Content) -> Iterator[Runtime]:
    """A runtime on a fresh SQLite database, for adapter tests."""
    built = build_runtime(make_settings(sqlite_url), content=content, migrate_schema=False)
    yield built
    built.database.dispose()


@pytest.fixture
async def application(tandem: Runtime, recorder: RecordingRequest) -> AsyncIterator[Application]:
    """The real python-telegram-bot Application, initialized against the offline Bot API."""
    app = build_application(tandem, request=recorder)
    await app.initialize()
    yield app
    await app.shutdown()


@pytest.fixture
def chat(runtime: Runtime) -> ChatDriver:
    """A scripted person talking to the runtime."""
    return ChatDriver(runtime.service)
