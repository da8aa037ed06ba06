"""Daily prompts at scale: selecting a tick's due people among 100,000, and the send rate.

python -m benchmarks.daily [--users 100000] [--rate 25] [--wave 600] [--no-postgres]

1. Scheduling: 100,000 people with daily prompts (times and timezones spread like a real
   audience) on SQLite and, when reachable, PostgreSQL. A tick comes 10 s after the 08:30
   Berlin wave (about 10,000 people due). Reported: the time to select one batch of due people
   (what a tick claims at a time), to select the whole wave, and an empty tick; the query plan
   (EXPLAIN shows the index on next_prompt_due_utc, no full-table scan); and the time to claim
   the whole wave (ledger rows written, due times advanced).
2. Sending: the scheduler sends prompts through the bulk lane against a Bot API stand-in on
   127.0.0.1 (real HTTP); achieved rate vs configured, and the busiest one-second window.
3. Replies during a wave: a person's reply is sent every half second while a wave of prompts
   goes out. python-telegram-bot's AIORateLimiter as is (one 30/s limiter for everything) is
   compared with Tandem's conversation-first limiter, and with a baseline: the same replies
   through Tandem's limiter with no wave at all (what a reply costs against the stand-in).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time as clock
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, text
from telegram.ext import AIORateLimiter, ExtBot
from telegram.request import HTTPXRequest

from benchmarks.databases import postgres_available, postgres_database, sqlite_database
from benchmarks.report import Report
from bot.daily_scheduler import DailyPromptScheduler
from bot.rate_limit import ConversationFirstRateLimiter, SendBudget
from bot.storage.database import create_database_engine, migrate
from bot.storage.deliveries import DeliveryLedger, users
from content import Content, load_content
from flows.daily_schedule import next_due_utc
from tests.support.bot_api_standin import BotApiStandIn

TOKEN = "123456789:BENCH-token-for-tandem-benchmarks"
# Monday 2 March 2026. 08:30 in Berlin (CET) is 07:30 UTC; the tick comes 10 s later.
WAVE_UTC = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
TICK_UTC = WAVE_UTC + timedelta(seconds=10)
ZONES = [
    ("Europe/Berlin", 40),
    ("Europe/London", 15),
    ("America/New_York", 15),
    ("Asia/Kolkata", 10),
    ("Australia/Sydney", 10),
    ("America/Los_Angeles", 10),
]
TIMES = [("07:00", 10), ("08:00", 30), ("08:30", 25), ("09:00", 20), ("21:00", 15)]
REPEATS = 25


def pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    """A weighted random choice."""
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def people_rows(count: int, seed: int = 6) -> list[dict[str, Any]]:
    """Users as the previous tick left them: next due strictly after the tick before this one."""
    rng = random.Random(seed)
    previous_tick = TICK_UTC - timedelta(seconds=30)
    rows = []
    for index in range(count):
        zone, wall = pick(rng, ZONES), pick(rng, TIMES)
        rows.append(
            {
                "user_id": 10_000_000 + index,
                "chat_id": 10_000_000 + index,
                "created_at": previous_tick - timedelta(days=40),
                "last_seen_at": previous_tick - timedelta(days=1),
                "consent": True,
                "timezone": zone,
                "daily_enabled": True,
                "daily_time": wall,
                "next_prompt_due_utc": next_due_utc(time.fromisoformat(wall), zone, previous_tick),
                "active": True,
                "prefs": {},
            }
        )
    return rows


def timed(function: Callable[[], Any], repeats: int = REPEATS) -> tuple[float, float, Any]:
    """Median and 95th percentile in milliseconds, and the last result."""
    samples, result = [], None
    for _ in range(repeats):
        start = clock.perf_counter()
        result = function()
        samples.append((clock.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], result


def explain(database: Engine, query: Any) -> list[str]:
    """The database's plan for the due-people query."""
    compiled = query.compile(database, compile_kwargs={"literal_binds": True})
    with database.connect() as connection:
        if database.dialect.name == "postgresql":
            rows = connection.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}"))
            return [row[0] for row in rows]
        rows = connection.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
        return [str(row[-1]) for row in rows]


def bench_scheduling(
    report: Report, name: str, url: str, count: int, content: Content, batch: int
) -> None:
    """Fill a database with `count` people and time the due selection and the wave's claim."""
    database = create_database_engine(url)
    migrate(database)
    rows = people_rows(count)
    start = clock.perf_counter()
    with database.begin() as connection:
        for offset in range(0, len(rows), 5000):
            connection.execute(insert(users), rows[offset : offset + 5000])
    report.add(name, "insert people", clock.perf_counter() - start, "s")
    with database.begin() as connection:
        connection.execute(text("ANALYZE"))
    ledger = DeliveryLedger(database, content.section("daily").prompts, rng=random.Random(1))

    def select(now: datetime, limit: int) -> int:
        with database.connect() as connection:  # closed without commit: locks released
            return len(connection.execute(ledger.due_users_query(now, limit)).all())

    median, p95, found = timed(lambda: select(TICK_UTC, batch))
    report.add(name, f"select one batch of due ({found} rows)", median, "ms")
    report.add(name, "  same, 95th percentile", p95, "ms")
    median, p95, wave = timed(lambda: select(TICK_UTC, count), repeats=7)
    report.add(name, f"select the whole due wave ({wave} rows)", median, "ms")
    median, _, empty = timed(lambda: select(TICK_UTC - timedelta(seconds=20), batch))
    report.add(name, f"empty tick ({empty} due)", median, "ms")
    plan = explain(database, ledger.due_users_query(TICK_UTC, batch))
    uses_index = any("ix_users_next_prompt_due_utc" in line for line in plan)
    scans = any(("SCAN users" in line or "Seq Scan on users" in line) for line in plan)
    report.add(
        name,
        "plan uses the due index, no table scan",
        "yes" if uses_index and not scans else "NO",
        met=uses_index and not scans,
        target="index range scan",
    )
    report.notes.append(f"{name} EXPLAIN of the due query:\n    " + "\n    ".join(plan))
    start = clock.perf_counter()
    claimed = 0
    while batch_claimed := ledger.claim_due(TICK_UTC, batch):
        claimed += len(batch_claimed)
    seconds = clock.perf_counter() - start
    report.add(name, f"claim the whole wave ({claimed} prompts)", seconds, "s")
    report.add(name, "  claims per second", claimed / seconds if seconds else 0.0, "/s")
    database.dispose()


@contextmanager
def due_people_database(count: int) -> Iterator[Engine]:
    """A SQLite database with `count` people due at the wave."""
    with sqlite_database() as url:
        database = create_database_engine(url)
        migrate(database)
        rows = people_rows(count)
        for row in rows:
            row.update(timezone="Europe/Berlin", daily_time="08:30", next_prompt_due_utc=WAVE_UTC)
        with database.begin() as connection:
            connection.execute(insert(users), rows)
        yield database
        database.dispose()


def new_bot(standin: BotApiStandIn, limiter: Any) -> ExtBot[Any]:
    """A bot talking HTTP to the stand-in, with a connection pool like the application's."""
    return ExtBot(
        TOKEN,
        base_url=standin.base_url,
        rate_limiter=limiter,
        request=HTTPXRequest(connection_pool_size=256, pool_timeout=30),
    )


def busiest_second(times: list[float]) -> int:
    """The most messages inside any one-second window."""
    best, left = 0, 0
    for right, moment in enumerate(times):
        while moment - times[left] >= 1.0:
            left += 1
        best = max(best, right - left + 1)
    return best


async def bench_send_rate(report: Report, content: Content, rate: float, count: int) -> None:
    """The scheduler's achieved send rate against the stand-in."""
    with due_people_database(count) as database, BotApiStandIn() as standin:
        limiter = ConversationFirstRateLimiter(SendBudget(rate))
        async with new_bot(standin, limiter) as bot:
            ledger = DeliveryLedger(database, content.section("daily").prompts)
            scheduler = DailyPromptScheduler(
                content,
                ledger,
                bot,
                send_rate=rate,
                tick_seconds=30,
                clock=lambda: TICK_UTC,
            )
            start = clock.perf_counter()
            result = await scheduler.tick()
            seconds = clock.perf_counter() - start
        times = sorted(call.at for call in standin.sent())
        achieved = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
        section = f"send {count} at {rate:g}/s"
        report.add(section, "configured rate", rate, "msg/s")
        report.add(
            section,
            "achieved rate",
            achieved,
            "msg/s",
            target=f"within 5% of {rate:g}",
            met=abs(achieved - rate) <= rate * 0.05,
        )
        report.add(section, "busiest one-second window", busiest_second(times), "msgs")
        report.add(section, "sent / claimed", f"{result.sent} / {result.claimed}")
        report.add(section, "tick wall time", seconds, "s")


async def reply_latencies(
    bot: ExtBot[Any], wave: Callable[[], Any] | None, replies: int, spacing: float
) -> list[float]:
    """Start a wave of prompts (None: no wave), then time replies sent meanwhile."""
    wave_task = asyncio.ensure_future(wave()) if wave is not None else None
    if wave_task is not None:
        await asyncio.sleep(1.0)  # the wave is under way

    async def reply(person: int) -> float:
        start = clock.perf_counter()
        await bot.send_message(person, "a reply to something the person just wrote")
        return (clock.perf_counter() - start) * 1000

    # Different people write at their own moments: each reply starts on time, whatever the
    # earlier replies are doing.
    tasks = []
    for index in range(replies):
        tasks.append(asyncio.ensure_future(reply(900_000 + index)))
        await asyncio.sleep(spacing)
    latencies = list(await asyncio.gather(*tasks))
    if wave_task is not None:
        await wave_task
    return latencies


async def bench_replies_during_wave(report: Report, content: Content, wave_size: int) -> None:
    """Reply latency during a wave: AIORateLimiter as is vs the conversation-first limiter."""
    replies, spacing = 10, 0.5

    async def with_aio(bounded: bool) -> list[float]:
        with BotApiStandIn() as standin:
            async with new_bot(standin, AIORateLimiter()) as bot:

                async def send(chat_id: int) -> None:
                    await bot.send_message(chat_id, "Your reflection for today is here.")

                async def wave() -> None:
                    if not bounded:  # every prompt handed over at once, as a naive job does
                        await asyncio.gather(*(send(i) for i in range(1, wave_size + 1)))
                        return
                    queue = list(range(1, wave_size + 1))

                    async def worker() -> None:
                        while queue:
                            await send(queue.pop())

                    await asyncio.gather(*(worker() for _ in range(60)))

                return await reply_latencies(bot, wave, replies, spacing)

    async def with_lanes() -> list[float]:
        with due_people_database(wave_size) as database, BotApiStandIn() as standin:
            limiter = ConversationFirstRateLimiter(SendBudget(30))
            async with new_bot(standin, limiter) as bot:
                scheduler = DailyPromptScheduler(
                    content,
                    DeliveryLedger(database, content.section("daily").prompts),
                    bot,
                    send_rate=30,
                    tick_seconds=30,
                    clock=lambda: TICK_UTC,
                )
                return await reply_latencies(bot, scheduler.tick, replies, spacing)

    async def without_wave() -> list[float]:
        with BotApiStandIn() as standin:
            limiter = ConversationFirstRateLimiter(SendBudget(30))
            async with new_bot(standin, limiter) as bot:
                return await reply_latencies(bot, None, replies, spacing)

    section = f"reply during a {wave_size}-prompt wave"
    for label, measure in (
        ("baseline: no wave, Tandem limiter", without_wave),
        ("AIORateLimiter as is, wave handed over at once", lambda: with_aio(False)),
        ("AIORateLimiter as is, 60 prompts in flight", lambda: with_aio(True)),
        ("Tandem conversation-first limiter (30/s)", with_lanes),
    ):
        latencies = sorted(await measure())
        report.add(section, f"{label}: median", statistics.median(latencies), "ms")
        report.add(section, f"{label}: worst", latencies[-1], "ms")


def main(argv: list[str] | None = None) -> int:
    """Run every part and print the figures."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.daily")
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=25.0, help="configured send rate")
    parser.add_argument("--send", type=int, default=500, help="prompts in the send-rate run")
    parser.add_argument("--wave", type=int, default=600, help="prompts in the reply run")
    parser.add_argument("--batch", type=int, default=200, help="due people claimed per batch")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    content = load_content()
    report = Report()
    with sqlite_database() as url:
        bench_scheduling(report, "SQLite", url, args.users, content, args.batch)
    if not args.no_postgres and postgres_available():
        with postgres_database() as url:
            bench_scheduling(report, "PostgreSQL", url, args.users, content, args.batch)
    else:
        report.notes.append("PostgreSQL not measured (not reachable or --no-postgres).")
    asyncio.run(bench_send_rate(report, content, args.rate, args.send))
    asyncio.run(bench_replies_during_wave(report, content, args.wave))
    print(report.table())
    for note in report.notes:
        print()
        print(note)
    if args.json:
        report.write_json(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
