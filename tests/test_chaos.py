"""Chaos over real HTTP: the real `python -m bot` process is killed with SIGKILL, again and again,
while simulated people talk to it through the Bot API stand-in; on SQLite and PostgreSQL.

Every person waits for the answer to each step before taking the next, so a lost reply stalls
them and fails the test. At the end every update they sent is handled (its id is in
processed_updates), every answer they typed is stored exactly once, and nothing is left in
transit. Also: a burst of updates with a kill in the middle, in polling and webhook mode.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import text

from bot.storage.database import create_database_engine
from tests.support.bot_api_standin import BotApiStandIn
from tests.support.recording_request import message_update

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456789:CHAOS-token-for-tandem-tests-only-x"
SECRET = "chaos-webhook-secret_0123456789abcdef"
PEOPLE = 5
ROUNDS = 3  # reflections per person, three typed answers each
THINK = (0.03, 0.12)  # seconds a person takes before each step
KILLS = 3
STEP_TIMEOUT = 90.0  # generous: a loaded machine can take long to start the bot


class BotProcess:
    """`python -m bot` against the stand-in, restartable, its output collected in a file."""

    def __init__(self, standin: BotApiStandIn, database_url: str, log: Path, **env: str) -> None:
        self.env = {
            **os.environ,
            "BOT_TOKEN": TOKEN,
            "DATABASE_URL": database_url,
            "TELEGRAM_API_BASE_URL": standin.base_url,
            "TELEGRAM_FILE_BASE_URL": standin.base_url.replace("/bot", "/file/bot"),
            "LOG_LEVEL": "DEBUG",
            "WORKER_NAME": "chaos-worker",
            **env,
        }
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self.kills = 0

    def start(self) -> None:
        """Start a fresh process."""
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "bot",
                    *(["--webhook"] if "WEBHOOK_URL" in self.env else []),
                ],
                cwd=ROOT,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, as if the machine lost power."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.kills += 1

    def stop(self) -> None:
        """A clean stop (SIGTERM) at the end."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


class Person:
    """A simulated person who waits for each answer before the next step."""

    def __init__(self, standin: BotApiStandIn, user_id: int) -> None:
        self.standin = standin
        self.user_id = user_id
        self.update_ids: list[int] = []
        self.answers: list[str] = []

    def newest(self) -> tuple[str, list[dict[str, str]]]:
        sent = self.standin.sent(self.user_id)
        if not sent:
            return "", []
        return sent[-1].text, sent[-1].buttons

    def wait_until(self, predicate: Callable[[str, list[dict[str, str]]], bool]) -> None:
        self.standin.wait_for(lambda s: predicate(*self.newest()), timeout=STEP_TIMEOUT)

    def wait_for_button(self, label: str) -> None:
        self.wait_until(lambda _t, buttons: any(label in b["text"] for b in buttons))

    def press(self, label: str) -> None:
        time.sleep(random.uniform(*THINK))
        payload = next(b["callback_data"] for b in self.newest()[1] if label in b["text"])
        self.update_ids.append(self.standin.press(self.user_id, payload))

    def say(self, words: str) -> None:
        time.sleep(random.uniform(*THINK))
        self.update_ids.append(self.standin.send_text(self.user_id, words))

    def talk(self) -> None:
        """Onboard, then reflect ROUNDS times, answering every question."""
        self.say("/start")
        self.wait_for_button("Yes, keep")
        self.press("Yes, keep")
        self.wait_for_button("Reflect")
        self.press("Reflect")
        for round_ in range(ROUNDS):
            self.wait_for_button("Communication")
            self.press("Communication")
            for question in (1, 2, 3):
                self.wait_until(lambda t, _b, q=question: f"Question {q} of 3" in t)
                answer = f"answer-{self.user_id}-{round_}-{question} about my sister"
                self.answers.append(answer)
                self.say(answer)
            self.wait_for_button("Another theme")
            if round_ < ROUNDS - 1:
                self.press("Another theme")


def killer(
    bot: BotProcess, standin: BotApiStandIn, done: threading.Event, kills: int, seed: int
) -> None:
    """Kill and restart the bot at random moments while it serves, `kills` times."""
    rng = random.Random(seed)
    while bot.kills < kills and not done.is_set():
        started_at = len(standin.calls)
        # Wait until this process serves (it polls), then strike at a random moment.
        standin.wait_for(
            lambda s, at=started_at: any(c.method == "getUpdates" for c in s.calls[at:]),
            timeout=120,
        )
        if done.wait(rng.uniform(0.1, 1.2)):
            return
        bot.kill()
        bot.start()


def stored(database_url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_database_engine(database_url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]
    finally:
        engine.dispose()


def wait_until_empty(database_url: str, table: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while stored(database_url, f"SELECT count(*) FROM {table}")[0][0]:
        if time.monotonic() > deadline:
            raise AssertionError(f"{table} still holds rows")
        time.sleep(0.2)


def test_sigkill_again_and_again_loses_no_message_and_no_reply(
    database_url: str, tmp_path: Path
) -> None:
    with BotApiStandIn() as standin:
        bot = BotProcess(standin, database_url, tmp_path / "bot.log")
        bot.start()
        people = [Person(standin, 61000 + i) for i in range(PEOPLE)]
        done = threading.Event()
        chaos = threading.Thread(target=killer, args=(bot, standin, done, KILLS, 12), daemon=True)
        try:
            chaos.start()
            with ThreadPoolExecutor(PEOPLE) as pool:
                for future in [pool.submit(person.talk) for person in people]:
                    future.result()
            done.set()
            chaos.join(timeout=150)
            wait_until_empty(database_url, "outbox")
            wait_until_empty(database_url, "inbox")
        finally:
            done.set()
            bot.stop()
    assert bot.kills >= 2, "the bot was killed again and again while people talked"
    handled = {row[0] for row in stored(database_url, "SELECT update_id FROM processed_updates")}
    sent_ids = [uid for person in people for uid in person.update_ids]
    assert set(sent_ids) <= handled, "every update was handled"
    texts = [
        row[0] for row in stored(database_url, "SELECT text FROM entries WHERE text IS NOT NULL")
    ]
    for person in people:
        for answer in person.answers:
            assert texts.count(answer) == 1, "every answer stored exactly once"
    output = bot.output()
    assert TOKEN not in output
    assert "about my sister" not in output


def test_a_burst_killed_in_the_middle_is_handled_after_the_restart_polling(
    sqlite_url: str, tmp_path: Path
) -> None:
    with BotApiStandIn() as standin:
        bot = BotProcess(standin, sqlite_url, tmp_path / "bot.log")
        bot.start()
        standin.wait_for(lambda s: any(c.method == "getUpdates" for c in s.calls), timeout=90)
        users = [62000 + i for i in range(20)]
        ids = [standin.send_text(user, "/start") for user in users]
        try:
            # Kill as soon as the first answer goes out: most of the burst is in flight.
            standin.wait_for(lambda s: len(s.sent()) >= 1, timeout=90)
            bot.kill()
            bot.start()
            for user in users:
                standin.wait_for_messages(user, 2, timeout=90)
            wait_until_empty(sqlite_url, "inbox")
        finally:
            bot.stop()
    handled = {row[0] for row in stored(sqlite_url, "SELECT update_id FROM processed_updates")}
    assert set(ids) <= handled


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_listening(port: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("the webhook server did not start")


def test_a_burst_killed_in_the_middle_is_handled_after_the_restart_webhook(
    sqlite_url: str, tmp_path: Path
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/hook"
    with BotApiStandIn() as standin:
        bot = BotProcess(
            standin,
            sqlite_url,
            tmp_path / "bot.log",
            WEBHOOK_URL="https://tandem.example.org/hook",
            WEBHOOK_SECRET=SECRET,
            WEBHOOK_PORT=str(port),
        )
        bot.start()
        wait_listening(port)
        updates = [message_update(63000 + i, "/start") for i in range(20)]
        accepted: set[int] = set()
        lock = threading.Lock()

        def deliver(update: dict[str, object]) -> None:
            """Telegram's side: post until answered 200."""
            while True:
                try:
                    response = httpx.post(
                        url,
                        content=json.dumps(update),
                        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                        timeout=10,
                    )
                    if response.status_code == 200:
                        with lock:
                            accepted.add(int(str(update["update_id"])))
                        return
                except httpx.TransportError:
                    pass
                time.sleep(0.2)

        try:
            with ThreadPoolExecutor(20) as pool:
                futures = [pool.submit(deliver, update) for update in updates]
                standin.wait_for(lambda s: len(s.sent()) >= 1, timeout=90)
                bot.kill()
                bot.start()
                try:
                    wait_listening(port)
                except AssertionError:
                    raise AssertionError(bot.output()[-3000:]) from None
                for future in futures:
                    future.result(timeout=150)
            for update in updates:
                chat = int(str(update["message"]["chat"]["id"]))  # type: ignore[index]
                standin.wait_for_messages(chat, 2, timeout=90)
            wait_until_empty(sqlite_url, "inbox")
        finally:
            bot.stop()
    handled = {row[0] for row in stored(sqlite_url, "SELECT update_id FROM processed_updates")}
    assert {int(str(u["update_id"])) for u in updates} <= handled
    assert "I'm Tandem" not in bot.output()
