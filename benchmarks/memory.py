"""Memory: the process's RSS before and after many new people have each sent one event.

Runs in a process of its own (`python -m benchmarks.memory`), so nothing the other benchmarks
allocated is counted. Tandem keeps nothing per person in memory: the database holds every
person's state, the per-person ordering locks are dropped when idle, and the rate limiter
forgets quiet chats. The harness itself keeps no per-person state either (no latencies, no
keyboards), so growth is Tandem's own.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import sys
import time
from collections.abc import Sequence
from typing import Any

from benchmarks.databases import sqlite_database
from benchmarks.dispatch import drive
from benchmarks.offline_bot import UpdateFactory
from benchmarks.tandem_stack import production_logging, tandem_application

MEGABYTE = 1024 * 1024


def rss_bytes() -> int:
    """Resident set size of this process now (Linux /proc; peak RSS elsewhere)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class Newcomers:
    """A stream of people who each send /start once (ids never repeat)."""

    def __init__(self, first_id: int, stride: int, updates: UpdateFactory) -> None:
        self.user_id = first_id
        self.stride = stride
        self.updates = updates

    def next_update(self) -> bytes:
        """/start from the next new person."""
        self.user_id += self.stride
        return self.updates.message(self.user_id, "/start")

    def observe(self, keyboard: Any) -> None:
        """Nothing is remembered about anyone."""


async def measure(users: int, *, in_flight: int = 8, warmup: int = 2000) -> dict[str, Any]:
    """RSS before and after `users` new people each sent one event."""
    with sqlite_database() as url:
        async with tandem_application(url, in_flight=in_flight, track_keyboards=False) as (
            _runtime,
            application,
            request,
        ):
            updates = UpdateFactory()
            warm = [Newcomers(1_000_000 + i, in_flight, updates) for i in range(in_flight)]
            await drive(application, request, warm, warmup, in_flight=in_flight)
            gc.collect()
            before = rss_bytes()
            crowd = [Newcomers(10_000_000 + i, in_flight, updates) for i in range(in_flight)]
            began = time.perf_counter()
            result = await drive(
                application, request, crowd, users, in_flight=in_flight, keep_latencies=False
            )
            seconds = time.perf_counter() - began
            gc.collect()
            after = rss_bytes()
    return {
        "users": result.updates,
        "rss_before_mb": round(before / MEGABYTE, 1),
        "rss_after_mb": round(after / MEGABYTE, 1),
        "rss_growth_mb": round((after - before) / MEGABYTE, 1),
        "bytes_per_user": round((after - before) / max(result.updates, 1), 1),
        "seconds": round(seconds, 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Print the memory figures as JSON."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory")
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--warmup", type=int, default=2000)
    args = parser.parse_args(argv)
    production_logging()
    figures = asyncio.run(measure(args.users, warmup=args.warmup))
    json.dump(figures, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
