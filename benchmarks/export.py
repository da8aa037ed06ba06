"""`python -m benchmarks.export`: /export of one person with many long entries.

    python -m benchmarks.export                    # 10,000 entries of 4,000 characters, SQLite
    python -m benchmarks.export --postgres         # the same on PostgreSQL
    python -m benchmarks.export --entries 500      # smaller

Prints the parts (count and largest, against Telegram's 50 MB upload limit), the peak of
Python memory while the export is built (tracemalloc), and how long it took. For comparison
it also measures the same data built as one JSON string in memory, the way /export worked
before it was streamed.
"""

from __future__ import annotations

import argparse
import json
import random
import string
import time
import tracemalloc
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.databases import postgres_database, sqlite_database
from bot.app import Runtime, build_runtime
from bot.settings import Settings
from bot.storage.sql_store import SqlStore
from flows.engine import HOME_FLOW, HOME_STATE
from flows.events import Event, EventKind
from flows.export_archive import TELEGRAM_PART_LIMIT
from flows.privacy import journal_items
from flows.turn import Turn
from tests.support.chat import ChatDriver

USER = 777
TEXT_LENGTH = 4000


def fill(runtime: Runtime, entries: int) -> int:
    """Store `entries` long answers for USER; return the characters written."""
    rng = random.Random(3)
    alphabet = string.ascii_letters + string.digits + " "
    start = datetime(2025, 1, 1, tzinfo=UTC)
    written = 0
    with runtime.database.begin() as connection:
        store = SqlStore(connection, runtime.service.cipher)
        for number in range(entries):
            text = "".join(rng.choices(alphabet, k=TEXT_LENGTH))
            written += len(text)
            store.add_entry(
                USER,
                "reflection",
                content_id="communication-01",
                text=text,
                data={"theme": "communication"},
                created_at=start + timedelta(minutes=number),
            )
    return written


def measure(database_url: str, entries: int) -> dict[str, float | int]:
    """Export once streamed and once as one string; figures of both."""
    runtime = build_runtime(Settings(bot_token="", database_url=database_url))
    chat = ChatDriver(runtime.service, user_id=USER)
    chat.onboard()
    characters = fill(runtime, entries)

    tracemalloc.start()
    started = time.perf_counter()
    documents = runtime.service.build_export(USER)  # what the adapter does after /export
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    parts = [Path(document.path) for document in documents if document.path]
    sizes = [path.stat().st_size for path in parts]
    for path in parts:
        path.unlink()

    # The previous way: every row and the journal in memory, then one big JSON string.
    tracemalloc.start()
    started = time.perf_counter()
    whole = whole_string_export(runtime)
    whole_seconds = time.perf_counter() - started
    _, whole_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    runtime.database.dispose()
    return {
        "entries": entries,
        "characters of answers": characters,
        "parts": len(sizes),
        "largest part (MB)": max(sizes) / 1e6,
        "all parts (MB)": sum(sizes) / 1e6,
        "Telegram limit (MB)": 50.0,
        "part limit used (MB)": TELEGRAM_PART_LIMIT / 1e6,
        "streamed: peak Python memory (MB)": peak / 1e6,
        "streamed: seconds": seconds,
        "one string (before): size (MB)": len(whole.encode()) / 1e6,
        "one string (before): peak Python memory (MB)": whole_peak / 1e6,
        "one string (before): seconds": whole_seconds,
    }


def whole_string_export(runtime: Runtime) -> str:
    """The export as /export built it before: everything in memory, one JSON string."""
    with runtime.database.begin() as connection:
        store = SqlStore(connection, runtime.service.cipher)
        user, _ = store.load(USER)
        assert user is not None
        event = Event(USER, USER, EventKind.COMMAND, datetime.now(UTC), command="export")
        turn = Turn(runtime.engine, event, store, user, HOME_FLOW, HOME_STATE, {})
        journal = [item for item, _ in journal_items(turn)]
        document = {"journal": journal, "tables": store.export_user(USER)}
        return json.dumps(document, ensure_ascii=False, indent=2, default=str)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the export benchmark and print its figures."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.export")
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL, not SQLite")
    args = parser.parse_args(argv)
    database = postgres_database() if args.postgres else sqlite_database()
    with database as url:
        figures = measure(url, args.entries)
    print(f"/export on {'PostgreSQL' if args.postgres else 'SQLite'}")
    for name, value in figures.items():
        print(
            f"  {name:48} {value:,.2f}" if isinstance(value, float) else f"  {name:48} {value:,}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
