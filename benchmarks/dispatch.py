"""Driving updates through a python-telegram-bot `Application`, and the floor to compare with.

Each update goes the way PTB's own update fetcher sends it: JSON bytes are parsed
(`json.loads` + `Update.de_json`, as a webhook would), then handed to the application's update
processor with `process_update`. Latency is measured from the bytes to the last Bot API call of
that update. A fixed number of updates is kept in flight; each simulated person has at most one
update in flight (they answer what they were sent), so people interleave but never overtake
themselves.
"""

from __future__ import annotations

import asyncio
import json
import time
from array import array
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from benchmarks.offline_bot import BENCH_TOKEN, CannedBotApi, UpdateFactory

FLOOR_REPLY = "Thanks, got it."


class Person(Protocol):
    """Anything that sends updates and reads the keyboard it gets back."""

    user_id: int

    def next_update(self) -> bytes:
        """The next update's JSON."""

    def observe(self, keyboard: Any) -> None:
        """The keyboard of the newest message sent to this person."""


@dataclass
class Throughput:
    """Updates handled, the wall time they took, and each one's latency in seconds."""

    updates: int
    seconds: float
    latencies: Sequence[float]
    cpu_seconds: float = 0.0  # this process's CPU time (less disturbed by other processes)

    @property
    def per_second(self) -> float:
        """Updates per second."""
        return self.updates / self.seconds if self.seconds else 0.0

    def percentile_ms(self, fraction: float) -> float:
        """Latency at `fraction` (0.5 = median), in milliseconds."""
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, int(fraction * len(ordered)))
        return ordered[index] * 1000

    @property
    def cpu_us_per_update(self) -> float:
        """This process's CPU time per update, in microseconds."""
        return self.cpu_seconds / self.updates * 1e6 if self.updates else 0.0

    def figures(self) -> dict[str, float]:
        """The figures the report prints."""
        return {
            "updates": self.updates,
            "seconds": round(self.seconds, 3),
            "updates_per_s": round(self.per_second, 1),
            "p50_ms": round(self.percentile_ms(0.50), 3),
            "p99_ms": round(self.percentile_ms(0.99), 3),
            "cpu_us_per_update": round(self.cpu_us_per_update, 1),
        }


async def drive(
    application: Application,
    request: CannedBotApi,
    persons: Sequence[Person],
    total: int,
    *,
    in_flight: int = 8,
    keep_latencies: bool = True,
) -> Throughput:
    """Send `total` updates from `persons`, `in_flight` at a time, and time them."""
    bot = application.bot
    processor = application.update_processor
    ready = deque(persons)
    latencies: array[float] = array("d")
    remaining = total
    failures: list[BaseException] = []

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0 and not failures:
            remaining -= 1
            person = ready.popleft()
            raw = person.next_update()
            started = time.perf_counter()
            try:
                update = Update.de_json(json.loads(raw), bot)
                await processor.process_update(update, application.process_update(update))
            except BaseException as exc:  # report, don't hang the other workers
                failures.append(exc)
                raise
            if keep_latencies:
                latencies.append(time.perf_counter() - started)
            person.observe(request.keyboards.pop(person.user_id, None))
            ready.append(person)

    began, cpu_began = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(min(in_flight, len(persons)))))
    elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu_began
    return Throughput(total - max(remaining, 0), elapsed, latencies, cpu)


class TextingPerson:
    """A person who only ever sends a short text (for the floor)."""

    def __init__(self, user_id: int, updates: UpdateFactory) -> None:
        self.user_id = user_id
        self.updates = updates

    def next_update(self) -> bytes:
        """A short text message."""
        return self.updates.message(self.user_id, "hello")

    def observe(self, keyboard: Any) -> None:
        """The floor's reply has no buttons; nothing to remember."""


async def _reply(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    if isinstance(update, Update) and update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, FLOOR_REPLY)


def floor_application(request: CannedBotApi, in_flight: int) -> Application:
    """PTB with one handler that replies with a text, through the same offline Bot API."""
    builder = ApplicationBuilder().token(BENCH_TOKEN).request(request)
    if in_flight > 1:
        builder = builder.concurrent_updates(in_flight)
    application = builder.get_updates_request(request).build()
    application.add_handler(TypeHandler(Update, _reply))
    return application


async def measure_floor(
    total: int, *, people_count: int = 1000, in_flight: int = 8, warmup: int = 500
) -> Throughput:
    """The floor: PTB's dispatch and one text reply per update."""
    request = CannedBotApi()
    application = floor_application(request, in_flight)
    updates = UpdateFactory()
    persons = [TextingPerson(10_000 + i, updates) for i in range(people_count)]
    await application.initialize()
    try:
        await drive(application, request, persons, warmup, in_flight=in_flight)
        return await drive(application, request, persons, total, in_flight=in_flight)
    finally:
        await application.shutdown()


def best_of(results: Iterable[Throughput]) -> Throughput:
    """The run with the highest rate (less disturbed by the machine's other work)."""
    return max(results, key=lambda result: result.per_second)
