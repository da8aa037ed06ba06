"""Database outages and locks: nothing is lost, nobody is frozen, order is kept.

PostgreSQL: the real bot process reaches the database through a TCP proxy the test controls;
the proxy cuts every connection and refuses new ones for a few seconds while people write.
SQLite: another connection holds the write lock (BEGIN IMMEDIATE) for longer than the busy
timeout while one person answers two questions in a row.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from telegram import Update
from telegram.ext import Application

from bot.app import Runtime
from tests.support.bot_api_standin import BotApiStandIn
from tests.support.recording_request import (
    RecordingRequest,
    button_update,
    message_update,
    push,
)
from tests.test_chaos import BotProcess, stored, wait_until_empty

NOT_KEPT = "couldn't save your last message"


class OutageProxy:
    """A TCP proxy to the database that can cut every connection and refuse new ones."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = int(self.listener.getsockname()[1])
        self.up = True
        self.refused = 0
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                self.refused += 1
                client.close()
                continue
            server = socket.create_connection(self.target)
            with self._lock:
                self._open += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        """The outage begins: every open connection dies, new ones are refused."""
        self.up = False
        with self._lock:
            for end in self._open:
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
            self._open.clear()

    def restore(self) -> None:
        """The database is back."""
        self.up = True

    def close(self) -> None:
        self.listener.close()


def test_postgresql_down_for_seconds_loses_nothing(database_url: str, tmp_path: Path) -> None:
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("the outage is PostgreSQL's; SQLite has its own lock test below")
    proxy = OutageProxy((url.host or "127.0.0.1", url.port or 5432))
    via_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    with BotApiStandIn() as standin:
        bot = BotProcess(standin, via_proxy, tmp_path / "bot.log")
        bot.start()
        try:
            first = standin.send_text(71001, "/start")
            standin.wait_for_messages(71001, 2, timeout=90)
            proxy.cut()
            during = [standin.send_text(71002, "/start"), standin.send_text(71003, "/help")]
            yes = next(b for b in standin.sent(71001)[-1].buttons if "Yes, keep" in b["text"])
            during.append(standin.press(71001, yes["callback_data"]))
            time.sleep(5)  # the outage lasts a while; the updates arrive meanwhile
            assert proxy.refused > 0, "the bot tried the database during the outage"
            proxy.restore()
            standin.wait_for_messages(71002, 2, timeout=30)
            standin.wait_for_messages(71003, 1, timeout=30)
            standin.wait_for(
                lambda s: any("Reflect" in b["text"] for c in s.sent(71001) for b in c.buttons),
                timeout=30,
            )
            wait_until_empty(database_url, "inbox")
            wait_until_empty(database_url, "outbox")
        finally:
            bot.stop()
            proxy.close()
    assert all(NOT_KEPT not in call.text for call in standin.sent())
    # Welcome and consent, then thanks and menu: each once, although the outage began right
    # after the first two were sent and before they could be marked as sent.
    assert len(standin.sent(71001)) == 4
    handled = {row[0] for row in stored(database_url, "SELECT update_id FROM processed_updates")}
    assert {first, *during} <= handled


def lock_holder(path: str, seconds: float, held: threading.Event) -> None:
    """Another process's writer: holds SQLite's write lock for `seconds`."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    held.set()
    time.sleep(seconds)
    other.execute("COMMIT")
    other.close()


async def test_a_held_sqlite_lock_freezes_nobody_and_keeps_the_persons_order(
    application: Application, recorder: RecordingRequest, tandem: Runtime
) -> None:
    person, other = 72001, 72002
    await push(application, message_update(person, "/start"))
    await push(application, button_update(person, recorder.sent()[-1].button_payloads[0]))
    reflect = next(p for p in recorder.sent()[-1].button_payloads if "reflect" in p)
    await push(application, button_update(person, reflect))
    topic = recorder.sent()[-1].button_payloads[2]  # Communication
    await push(application, button_update(person, topic))
    assert "Question 1 of 3" in recorder.sent()[-1].text
    recorder.clear()

    path = make_url(tandem.settings.database_url).database
    assert path is not None
    held = threading.Event()
    holder = threading.Thread(target=lock_holder, args=(path, 6.5, held))  # > busy timeout
    holder.start()
    held.wait()

    gaps: list[float] = []
    running = True

    async def heartbeat() -> None:
        last = time.monotonic()
        while running:
            await asyncio.sleep(0.02)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    beat = asyncio.create_task(heartbeat())
    processor = application.update_processor
    updates = [
        Update.de_json(message_update(person, "first answer, kept in order"), application.bot),
        Update.de_json(message_update(person, "second answer, kept in order"), application.bot),
        Update.de_json(message_update(other, "/start"), application.bot),
    ]
    started = time.monotonic()
    await asyncio.gather(
        *(processor.process_update(u, application.process_update(u)) for u in updates if u)
    )
    took = time.monotonic() - started
    running = False
    await beat
    holder.join()

    assert took >= 5, "the lock was really held past the busy timeout"
    assert max(gaps) < 0.5, "the event loop kept running while SQLite waited for the lock"
    texts = [c.text for c in recorder.sent() if int(c.params["chat_id"]) == person]
    assert "Question 2 of 3" in texts[0] and "Question 3 of 3" in texts[1]
    assert any(
        "I'm Tandem" in c.text for c in recorder.sent() if int(c.params["chat_id"]) == other
    )
    assert all(NOT_KEPT not in c.text for c in recorder.sent())
    rows = stored(
        tandem.settings.database_url,
        "SELECT content_id, text FROM entries WHERE text IS NOT NULL ORDER BY id",
    )
    assert [text for _, text in rows] == [
        "first answer, kept in order",
        "second answer, kept in order",
    ]
    assert rows[0][0] != rows[1][0]  # each answer belongs to its own question
