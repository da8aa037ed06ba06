"""/export as zip parts: readable journal and JSON, split under the upload limit, built with
bounded memory however many long entries there are."""

from __future__ import annotations

import json
import random
import string
import tracemalloc
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from telegram.ext import Application

import flows.privacy
from bot.app import Runtime
from bot.storage.sql_store import SqlStore
from flows.export_archive import JOURNAL_NAME, JSON_NAME, ExportArchive, remove_stale_parts
from tests.support.chat import ChatDriver
from tests.support.export_files import read_documents, read_export
from tests.support.recording_request import (
    RecordingRequest,
    button_update,
    message_update,
    push,
)

LONG = 4000  # characters per entry, close to Telegram's message limit
MEMORY_BOUND = 3_000_000  # bytes: measured ~2.3 MB for 1,200 entries, and as much for 10,000


def noise(rng: random.Random, length: int) -> str:
    """Text that barely compresses, so the parts' sizes are really tested."""
    return "".join(rng.choices(string.ascii_letters + string.digits + " ", k=length))


def test_parts_stay_under_the_limit_and_each_is_a_whole_export(tmp_path: Path) -> None:
    rng = random.Random(7)
    limit = 600_000
    archive = ExportArchive(
        {"format": "tandem-export", "user_id": 1}, "Journal", folder=tmp_path, part_limit=limit
    )
    texts = [noise(rng, 5000) for _ in range(400)]
    for number, text in enumerate(texts):
        archive.journal({"n": number, "text": text}, f"Entry {number}\n{text}")
    archive.table("users")
    archive.row("users", {"user_id": 1})
    archive.table("faq_queries")  # a table without rows still appears
    archive.table("entries")
    for number, text in enumerate(texts):
        archive.row("entries", {"id": number, "text": text})
    parts = archive.finish()

    assert len(parts) > 3
    journal: list[int] = []
    rows: list[int] = []
    tables: set[str] = set()
    for index, path in enumerate(parts, start=1):
        assert path.stat().st_size <= limit
        with zipfile.ZipFile(path) as part:
            data = json.loads(part.read(JSON_NAME))
            text = part.read(JOURNAL_NAME).decode()
        assert data["part"] == index and data["format"] == "tandem-export"
        assert text.startswith("Journal")
        journal += [item["n"] for item in data.get("journal", [])]
        rows += [row["id"] for row in data.get("tables", {}).get("entries", [])]
        tables |= set(data.get("tables", {}))
        for item in data.get("journal", []):
            assert f"Entry {item['n']}\n{item['text']}" in text
    assert journal == list(range(400)) and rows == list(range(400))
    assert tables == {"users", "faq_queries", "entries"}
    assert list(tmp_path.glob("*.txt")) == []  # the journal scratch files are gone


def test_a_failed_export_leaves_no_file_and_old_parts_are_removed(tmp_path: Path) -> None:
    archive = ExportArchive({"format": "x"}, "Journal", folder=tmp_path)
    archive.journal({"n": 1}, "one")
    archive.discard()
    assert list(tmp_path.iterdir()) == []
    old = tmp_path / "export-1-old.zip"
    old.write_bytes(b"zip")
    fresh = tmp_path / "export-1-new.zip"
    fresh.write_bytes(b"zip")
    now = old.stat().st_mtime + 2 * 3600
    fresh_time = now - 60
    import os

    os.utime(fresh, (fresh_time, fresh_time))
    assert remove_stale_parts(tmp_path, now=now) == 1
    assert not old.exists() and fresh.exists()


def add_long_entries(runtime: Runtime, user_id: int, count: int) -> list[str]:
    """Entries straight into the store (typing them would take far longer)."""
    rng = random.Random(11)
    texts = [f"entry-{number:05d} {noise(rng, LONG)}" for number in range(count)]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with runtime.database.begin() as connection:
        store = SqlStore(connection, runtime.service.cipher)
        for number, text in enumerate(texts):
            store.add_entry(
                user_id,
                "reflection",
                content_id="communication-01",
                text=text,
                data={"theme": "communication"},
                created_at=start + timedelta(minutes=number),
            )
    return texts


def test_a_big_export_is_split_and_built_in_bounded_memory(
    runtime: Runtime, chat: ChatDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit = 1_000_000
    monkeypatch.setattr(flows.privacy, "EXPORT_PART_LIMIT", limit)
    chat.onboard()
    replies = chat.command("export")
    (request,) = [reply.document for reply in replies if reply.document is not None]
    assert request.export_of == chat.user_id and request.path is None  # built when sent
    read_export(runtime.service, replies)  # warm up: statements compiled, content loaded
    texts = add_long_entries(runtime, chat.user_id, 1200)
    total = sum(len(text) for text in texts)  # ~4.8 MB, twice over (JSON and journal.txt)

    tracemalloc.start()
    try:
        documents = runtime.service.build_export(chat.user_id)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    export = read_documents(documents)
    assert len(export.documents) > 4
    assert all(document.path is not None for document in export.documents)
    names = [document.filename for document in export.documents]
    assert names[0].endswith(f"-part-1-of-{len(names)}.zip")
    assert "part 1 of" in export.documents[0].caption
    stored = [row["text"] for row in export.data["tables"]["entries"]]
    assert sorted(stored) == sorted(texts)
    assert len(export.data["journal"]) == len(texts)
    assert all(text in export.journal_text for text in texts[:: len(texts) // 20])
    # One page of entries at a time, never the whole export: the peak is a fixed few MB
    # (pages of rows, the compressor) while the export itself is several times larger.
    assert len(export.raw) > 2 * total > 3 * MEMORY_BOUND
    assert peak < MEMORY_BOUND, f"peak {peak} bytes while exporting {len(export.raw)} bytes"


async def test_the_adapter_builds_the_parts_after_the_event_and_sends_each_once(
    application: Application,
    recorder: RecordingRequest,
    tandem: Runtime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(flows.privacy, "EXPORT_PART_LIMIT", 1_000_000)
    user = 8088
    await push(application, message_update(user, "/start"))
    await push(application, button_update(user, recorder.sent()[-1].button_payloads[0]))
    add_long_entries(tandem, user, 400)
    recorder.clear()
    before = set(flows.privacy.export_dir().glob("*.zip"))

    await push(application, message_update(user, "/export"))

    documents = [call for call in recorder.calls if call.method == "sendDocument"]
    assert len(documents) > 1
    assert all(int(call.params["chat_id"]) == user for call in documents)
    # The menu buttons come once, under the last part.
    assert [bool(call.params.get("reply_markup")) for call in documents] == [False] * (
        len(documents) - 1
    ) + [True]
    assert all(f"of {len(documents)}" in call.params["caption"] for call in documents)
    assert set(flows.privacy.export_dir().glob("*.zip")) <= before  # sent, so removed


def test_building_an_export_does_not_hold_up_anyone_else(
    runtime: Runtime, chat: ChatDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    chat.onboard()
    add_long_entries(runtime, chat.user_id, 50)
    other = ChatDriver(runtime.service, user_id=chat.user_id + 1)
    other.onboard()
    write = flows.privacy.write_export
    during: list[str] = []

    def write_while_someone_writes(turn: object, archive: ExportArchive) -> None:
        other.command("reflect")  # another person's event commits mid-export
        other.press("Communication")
        other.send("written while an export was being built")
        during.append(other.text)
        write(turn, archive)  # type: ignore[arg-type]

    monkeypatch.setattr(flows.privacy, "write_export", write_while_someone_writes)
    export = read_export(runtime.service, chat.command("export"))
    # Built inside the /export event's transaction, this write would wait for SQLite's lock
    # and fail; built after the commit, from a plain read, it goes straight through.
    assert "Question 2 of 3" in during[0]
    assert len(export.data["tables"]["entries"]) == 50
