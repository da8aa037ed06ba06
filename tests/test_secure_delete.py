"""After /delete, the words are gone from the SQLite files at once, not at shutdown."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.app import Runtime
from bot.storage.database import set_sqlite_pragmas
from tests.support.chat import ChatDriver

MARKERS = ["zebra-lantern-quietly-7731", "plum-harbor-softly-4410", "cedar-meadow-gently-9902"]


def file_bytes(database_path: Path) -> bytes:
    """The database file and its write-ahead log, as they are on disk right now."""
    parts = [database_path, database_path.with_name(database_path.name + "-wal")]
    return b"".join(path.read_bytes() for path in parts if path.exists())


def test_deleted_words_leave_the_database_file_and_its_log_at_once(
    tandem: Runtime, sqlite_url: str
) -> None:
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    chat = ChatDriver(tandem.service)
    chat.onboard()
    chat.command("reflect")
    chat.press("Communication")
    for marker in MARKERS:
        chat.send(f"My answer is {marker}")
    on_disk = file_bytes(path)
    assert all(marker.encode() in on_disk for marker in MARKERS)  # the check can see them

    chat.command("delete")
    chat.press("Yes, delete")
    assert "has been deleted" in chat.text

    on_disk = file_bytes(path)  # the bot is still running: nothing was closed or vacuumed
    assert not any(marker.encode() in on_disk for marker in MARKERS)
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_secure_delete_is_switched_on_even_where_sqlite_is_built_without_it(
    tmp_path: Path,
) -> None:
    # Some SQLite builds (Debian's among them) default to secure_delete on, others do not:
    # start from "off" to prove Tandem switches it on itself.
    raw = sqlite3.connect(tmp_path / "plain.db")
    raw.execute("PRAGMA secure_delete=OFF")
    set_sqlite_pragmas(raw, None)
    assert raw.execute("PRAGMA secure_delete").fetchone()[0] == 1
    raw.close()


def test_secure_delete_is_on_for_every_connection(tandem: Runtime) -> None:
    with tandem.database.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
