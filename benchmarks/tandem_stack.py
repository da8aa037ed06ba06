"""Tandem's real stack for benchmarks: runtime and `Application` on a database of their own.

SQLite: a fresh file (WAL, as in production) in a temporary folder. PostgreSQL: a fresh
database created on the server named by TEST_POSTGRES_URL (or the test suite's default) and
dropped afterwards, so a benchmark never touches anyone's data.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy import text
from telegram.ext import Application

from benchmarks.dispatch import Throughput, drive
from benchmarks.offline_bot import BENCH_TOKEN, CannedBotApi, UpdateFactory
from benchmarks.simulated_users import activity_of, people
from bot.app import Runtime, build_application, build_runtime
from bot.settings import Settings, configure_logging
from content import Content


def production_logging() -> None:
    """Log exactly as production does (`configure_logging`: INFO, privacy filter), to /dev/null.

    The per-update log line and the privacy filter on every record are part of what Tandem
    costs; the terminal is not.
    """
    null_stream = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    configure_logging("INFO", [BENCH_TOKEN], stream=null_stream)


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
