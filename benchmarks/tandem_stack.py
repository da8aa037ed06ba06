"""Tandem's real stack for benchmarks: runtime and `Application` on a database of their own.

SQLite: a fresh file (WAL, as in production) in a temporary folder. PostgreSQL: a fresh
database created on the server named by TEST_POSTGRES_URL (or the test suite's default) and
dropped afterwards, so a benchmark never touches anyone's data.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from telegram.ext import Application

from benchmarks.dispatch import Throughput, drive
from benchmarks.offline_bot import BENCH_TOKEN, CannedBotApi, UpdateFactory
from benchmarks.simulated_users import activity_of, people
from bot.app import Runtime, build_application, build_runtime
from bot.settings import Settings, configure_logging
from bot.storage.database import normalize_url
from content import Content

# The same server the test suite uses (tests/conftest.py), so one setup serves both.
DEFAULT_POSTGRES_URL = "postgresql://tandem:tandem@127.0.0.1:5432/postgres"


def production_logging() -> None:
    """Log exactly as production does (`configure_logging`: INFO, privacy filter), to /dev/null.

    The per-update log line and the privacy filter on every record are part of what Tandem
    costs; the terminal is not.
    """
    null_stream = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    configure_logging("INFO", [BENCH_TOKEN], stream=null_stream)


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


def bench_settings(database_url: str, **overrides: object) -> Settings:
    """Settings for a benchmark run: a well-formed fake token and the given database."""
    values: dict[str, object] = {"bot_token": BENCH_TOKEN, "database_url": database_url}
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@asynccontextmanager
async def tandem_application(
    database_url: str,
    *,
    in_flight: int = 8,
    content: Content | None = None,
    track_keyboards: bool = True,
) -> AsyncIterator[tuple[Runtime, Application, CannedBotApi]]:
    """Tandem's runtime and initialized `Application` on the offline Bot API."""
    runtime = build_runtime(
        bench_settings(database_url, concurrent_updates=in_flight), content=content
    )
    request = CannedBotApi(track_keyboards=track_keyboards)
    application = build_application(runtime, request=request)
    await application.initialize()
    try:
        yield runtime, application, request
    finally:
        await application.shutdown()
        runtime.database.dispose()


@dataclass
class StackRun:
    """A measured run of Tandem's full stack and what the simulated people did."""

    throughput: Throughput
    activity: dict[str, int]  # what the simulated people did (walks started, replies typed...)
    api_calls: dict[str, int]
    entries: int
    entries_by_kind: dict[str, int]  # read from the database after the run
    people_in_db: int


async def measure_stack(
    database_url: str,
    *,
    people_count: int = 1000,
    events: int = 20_000,
    in_flight: int = 8,
    warmup: int = 2000,
    content: Content | None = None,
) -> StackRun:
    """Simulated people walking real flows through Tandem's `Application`, timed."""
    async with tandem_application(database_url, in_flight=in_flight, content=content) as (
        runtime,
        application,
        request,
    ):
        persons = people(runtime.engine, people_count, UpdateFactory())
        await drive(application, request, persons, warmup, in_flight=in_flight)
        request.calls.clear()
        result = await drive(application, request, persons, events, in_flight=in_flight)
        with runtime.database.connect() as connection:
            by_kind = {
                str(kind): int(count)
                for kind, count in connection.execute(
                    text("SELECT kind, count(*) FROM entries GROUP BY kind ORDER BY kind")
                )
            }
            known = connection.execute(text("SELECT count(*) FROM users")).scalar_one()
        return StackRun(
            throughput=result,
            activity=activity_of(persons),
            api_calls=dict(request.calls),
            entries=sum(by_kind.values()),
            entries_by_kind=by_kind,
            people_in_db=int(known),
        )
