"""Scale-out: 1 vs N webhook worker processes sharing one PostgreSQL, driven over HTTP.

Each worker is the real `python -m bot --webhook` (python-telegram-bot's webhook server with
the secret-token check) on its own port of 127.0.0.1; the workers' Bot API is a small stand-in
server in this process. The driver plays the reverse proxy: it posts each update to the next
worker in turn, so one person's consecutive updates land on different workers (the hardest case
for per-person order, which the row lock on the person keeps).

Simulated people send an update, wait until Tandem has made every Bot API call that answers it,
and send the next. How many calls each step of a script makes is learned beforehand by running
the same scripts through Tandem in this process (offline Bot API, SQLite), so waiting is exact:
a person never has two updates in flight. The run is complete when `processed_updates` holds
every update sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from sqlalchemy import create_engine, text
from telegram import Update

from benchmarks.databases import sqlite_database
from benchmarks.offline_bot import BENCH_TOKEN, BOT_USER, MESSAGE_DATE
from benchmarks.simulated_users import ANSWERS, QUESTIONS
from benchmarks.tandem_stack import tandem_application
from bot.storage.database import migrate, normalize_url
from content import Content

ROOT = Path(__file__).resolve().parent.parent
WEBHOOK_PATH = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SENDING_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument", "editMessageText"})
REPLY_TIMEOUT = 30.0


# The Bot API stand-in


class BotApiStandIn:
    """A minimal keep-alive HTTP/1.1 Bot API on 127.0.0.1 that tells waiting people when
    Tandem answered them."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.webhooks_set = 0
        self.answered: Counter[int] = Counter()  # chat id -> calls that answered it so far
        self._waiters: dict[int, tuple[int, asyncio.Future[None]]] = {}
        self._server: asyncio.Server | None = None
        self._message_ids = itertools.count(1)

    async def start(self) -> None:
        """Listen on a free port."""
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)

    async def stop(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)

    @property
    def base_url(self) -> str:
        """For TELEGRAM_API_BASE_URL."""
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/bot"

    def expect_answers(self, chat_id: int, count: int) -> asyncio.Future[None]:
        """A future resolved once `count` more calls have answered `chat_id`."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters[chat_id] = (self.answered[chat_id] + count, future)
        return future

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    break
                path, headers, body = request
                method = path.rsplit("/", 1)[-1].split("?", 1)[0]
                params = _params(headers.get("content-type", ""), body)
                result = self._answer(method, params)
                payload = json.dumps({"ok": True, "result": result}).encode()
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: " + str(len(payload)).encode() + b"\r\n\r\n" + payload
                )
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    def _answer(self, method: str, params: dict[str, str]) -> Any:
        self.calls[method] += 1
        if method == "getMe":
            return BOT_USER
        if method == "setWebhook":
            self.webhooks_set += 1
        chat_id: int | None = None
        result: Any = True
        if method in SENDING_METHODS:
            chat_id = int(params.get("chat_id", "0"))
            result = {
                "message_id": next(self._message_ids),
                "date": MESSAGE_DATE,
                "chat": {"id": chat_id, "type": "private"},
                "text": params.get("text", ""),
            }
        elif method == "answerCallbackQuery":
            chat_id = int(params.get("callback_query_id", "0").split("-", 1)[0])
        if chat_id is not None:
            self.answered[chat_id] += 1
            target, waiter = self._waiters.get(chat_id, (0, None))
            if waiter is not None and self.answered[chat_id] >= target:
                del self._waiters[chat_id]
                if not waiter.done():
                    waiter.set_result(None)
        return result


async def _read_request(
    reader: asyncio.StreamReader,
) -> tuple[str, dict[str, str], bytes] | None:
    head = await reader.readuntil(b"\r\n\r\n") if not reader.at_eof() else b""
    if not head:
        return None
    lines = head.decode("latin-1").split("\r\n")
    path = lines[0].split(" ")[1]
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name:
            headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    body = await reader.readexactly(length) if length else b""
    return path, headers, body


def _params(content_type: str, body: bytes) -> dict[str, str]:
    if content_type.startswith("application/json"):
        return {k: str(v) for k, v in json.loads(body or b"{}").items()}
    if content_type.startswith("multipart/form-data"):
        return {}  # photos and documents: only the method matters here
    return dict(parse_qsl(body.decode()))


# Posting updates to the workers, as a reverse proxy would


class WebhookClient:
    """Keep-alive connections to one worker's webhook endpoint."""

    def __init__(self, port: int, secret: str) -> None:
        self.port = port
        self.secret = secret
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def post(self, body: bytes) -> int:
        """POST an update; returns the HTTP status."""
        reader, writer = self._idle.pop() if self._idle else await self._connect()
        request = (
            f"POST /{WEBHOOK_PATH} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
            f"Content-Type: application/json\r\n{SECRET_HEADER}: {self.secret}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode() + body
        writer.write(request)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        length = 0
        for line in lines[1:]:
            if line.lower().startswith("content-length:"):
                length = int(line.split(":", 1)[1])
        if length:
            await reader.readexactly(length)
        self._idle.append((reader, writer))
        return status

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection("127.0.0.1", self.port)

    def close(self) -> None:
        """Close every connection."""
        for _, writer in self._idle:
            writer.close()
        self._idle.clear()


# People


@dataclass
class ScriptedPerson:
    """A person with a script of updates (repeated), and the calls each step is answered by."""

    user_id: int
    steps: list[tuple[str, str]]  # ("text", "...") or ("button", payload)
    sent: int = 0
    expected: list[int] = field(default_factory=list)  # Bot API calls answering step k

    def step(self, index: int) -> tuple[str, str]:
        """What the person does at step `index` (the script repeats)."""
        return self.steps[index % len(self.steps)]


def scripts(content: Content, count: int, first_id: int) -> list[ScriptedPerson]:
    """People who onboard, reflect on two themes, ask a question, read their journal."""
    themes = [theme.id for theme in content.reflection.themes]
    persons = []
    for index in range(count):
        first, second = themes[index % len(themes)], themes[(index + 1) % len(themes)]
        answers = [ANSWERS[(index + k) % (len(ANSWERS) - 1)] for k in range(6)]
        steps: list[tuple[str, str]] = [
            ("text", "/start"),
            ("button", "consent:yes"),
            ("text", f"/reflect {first}"),
            *(("text", answer) for answer in answers[:3]),
            ("text", "/menu"),
            ("text", QUESTIONS[index % len(QUESTIONS)]),
            ("text", "/journal"),
            ("button", "go:menu"),
            ("text", f"/reflect {second}"),
            *(("text", answer) for answer in answers[3:]),
            ("text", "/help"),
        ]
        persons.append(ScriptedPerson(first_id + index, steps))
    return persons


class UpdateIds:
    """Update ids increasing across all people, as Telegram's are."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)

    def update(self, person: ScriptedPerson) -> bytes:
        """The JSON of the person's next step."""
        kind, value = person.step(person.sent)
        update_id = next(self._ids)
        sender = {"id": person.user_id, "is_bot": False, "first_name": "Sam"}
        chat = {"id": person.user_id, "type": "private", "first_name": "Sam"}
        if kind == "button":
            query = {
                "id": f"{person.user_id}-{update_id}",
                "from": sender,
                "chat_instance": str(person.user_id),
                "data": value,
                "message": {
                    "message_id": 1,
                    "date": MESSAGE_DATE,
                    "chat": chat,
                    "from": BOT_USER,
                    "text": "an earlier message",
                },
            }
            return json.dumps({"update_id": update_id, "callback_query": query}).encode()
        message: dict[str, Any] = {
            "message_id": update_id,
            "date": MESSAGE_DATE,
            "chat": chat,
            "from": sender,
            "text": value,
        }
        if value.startswith("/"):
            length = len(value.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return json.dumps({"update_id": update_id, "message": message}).encode()


async def learn_expected_calls(
    content: Content, persons: Sequence[ScriptedPerson], steps: int
) -> None:
    """Run each distinct script through Tandem in this process and note, per step, how many
    Bot API calls answer it (messages, photos, documents, callback answers)."""
    by_script: dict[tuple[tuple[str, str], ...], list[ScriptedPerson]] = {}
    for person in persons:
        by_script.setdefault(tuple(person.steps), []).append(person)
    answering = (*SENDING_METHODS, "answerCallbackQuery")
    with sqlite_database() as url:
        async with tandem_application(url, in_flight=1, content=content) as (_, app, request):
            ids = UpdateIds()
            for index, group in enumerate(by_script.values()):
                probe = ScriptedPerson(9_000_000 + index, group[0].steps)
                counts = []
                for _ in range(steps):
                    before = sum(request.calls[method] for method in answering)
                    update = Update.de_json(json.loads(ids.update(probe)), app.bot)
                    await app.update_processor.process_update(update, app.process_update(update))
                    probe.sent += 1
                    counts.append(sum(request.calls[method] for method in answering) - before)
                for person in group:
                    person.expected = counts


# Workers


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Worker:
    """One `python -m bot --webhook` process."""

    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def cpu_seconds(self) -> float:
        """CPU time the process has used so far."""
        return process_cpu_seconds(self.process.pid)


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds() -> float:
    """CPU seconds used so far by every PostgreSQL process on this machine (0 if unknown)."""
    total = 0.0
    for entry in Path("/proc").iterdir() if Path("/proc").exists() else []:
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                if (entry / "comm").read_text().strip().startswith("postgres"):
                    total += process_cpu_seconds(int(entry.name))
    return total


def start_worker(
    database_url: str, api_base_url: str, secret: str, folder: Path, concurrent: int
) -> Worker:
    """Start one webhook worker."""
    port = free_port()
    env = {
        **os.environ,
        "BOT_TOKEN": BENCH_TOKEN,
        "DATABASE_URL": database_url,
        "TELEGRAM_API_BASE_URL": api_base_url,
        "TELEGRAM_FILE_BASE_URL": api_base_url.replace("/bot", "/file/bot"),
        "WEBHOOK_URL": f"https://tandem.bench.invalid/{WEBHOOK_PATH}",
        "WEBHOOK_SECRET": secret,
        "WEBHOOK_LISTEN": "127.0.0.1",
        "WEBHOOK_PORT": str(port),
        "METRICS_PORT": "0",  # workers on one machine would share the default metrics port
        "WORKER_NAME": f"bench-worker-{port}",  # each worker its own claims
        "CONCURRENT_UPDATES": str(concurrent),
        "LOG_LEVEL": "INFO",
    }
    log = folder / f"worker-{port}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "--webhook"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    return Worker(port, process, log)


async def wait_until_listening(worker: Worker, timeout: float = 60.0) -> None:
    """Block until the worker accepts connections (or fail with its log)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.process.poll() is not None:
            raise RuntimeError(f"worker exited early:\n{worker.log.read_text()[-2000:]}")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", worker.port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.1)
    raise RuntimeError(f"worker did not start listening:\n{worker.log.read_text()[-2000:]}")


def stop_workers(workers: Sequence[Worker]) -> None:
    """Ask every worker to stop, then make sure it did."""
    for worker in workers:
        if worker.process.poll() is None:
            worker.process.terminate()
    for worker in workers:
        try:
            worker.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.process.kill()
            worker.process.wait(timeout=5)


# The run


@dataclass
class ScaleRun:
    """What one configuration (number of workers) achieved."""

    workers: int
    updates: int
    seconds: float
    first_reply_latencies: list[float] = field(default_factory=list)
    timeouts: int = 0
    rejected: int = 0
    processed: int = 0
    entries: int = 0
    worker_cpu_seconds: float = 0.0
    postgres_cpu_seconds: float = 0.0
    driver_cpu_seconds: float = 0.0
    errors_logged: int = 0

    @property
    def per_second(self) -> float:
        """Updates stored per second."""
        return self.updates / self.seconds if self.seconds else 0.0

    def percentile_ms(self, fraction: float) -> float:
        """First-reply latency at `fraction`, in milliseconds."""
        if not self.first_reply_latencies:
            return 0.0
        ordered = sorted(self.first_reply_latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


async def run_workers(
    database_url: str,
    workers: int,
    *,
    people_count: int,
    updates: int,
    content: Content,
    concurrent: int = 16,
) -> ScaleRun:
    """Drive `updates` updates from `people_count` people through `workers` workers."""
    persons = scripts(content, people_count, 50_000)
    steps = max(1, updates // max(1, people_count))
    migrate_engine = create_engine(normalize_url(database_url))
    migrate(migrate_engine)
    standin = BotApiStandIn()
    await standin.start()
    secret = secrets.token_urlsafe(24)
    keep = os.environ.get("TANDEM_BENCH_KEEP_LOGS")  # a folder to keep worker logs in
    with tempfile.TemporaryDirectory(prefix="tandem-scaleout-") as temporary:
        folder = keep or temporary
        started = [
            start_worker(database_url, standin.base_url, secret, Path(folder), concurrent)
            for _ in range(workers)
        ]
        clients = [WebhookClient(worker.port, secret) for worker in started]
        try:
            for worker in started:
                await wait_until_listening(worker)
            while standin.webhooks_set < workers:  # set at the end of start-up
                await asyncio.sleep(0.05)
            await learn_expected_calls(content, persons, steps)
            run = await _drive(standin, clients, started, database_url, persons, steps)
            run.workers = workers
            with migrate_engine.connect() as connection:
                run.entries = int(
                    connection.execute(text("SELECT count(*) FROM entries")).scalar_one()
                )
        finally:
            for client in clients:
                client.close()
            stop_workers(started)
            await standin.stop()
            migrate_engine.dispose()
        run.errors_logged = sum(
            worker.log.read_text(errors="replace").count("error while handling")
            for worker in started
        )
    return run


async def _drive(
    standin: BotApiStandIn,
    clients: Sequence[WebhookClient],
    workers: Sequence[Worker],
    database_url: str,
    persons: Sequence[ScriptedPerson],
    steps: int,
) -> ScaleRun:
    ids = UpdateIds()
    turn = itertools.count()
    run = ScaleRun(workers=len(clients), updates=0, seconds=0.0)

    async def person_loop(person: ScriptedPerson) -> None:
        for step in range(steps):
            body = ids.update(person)
            person.sent += 1
            answered = standin.expect_answers(person.user_id, person.expected[step])
            began = time.perf_counter()
            status = await clients[next(turn) % len(clients)].post(body)
            if status != 200:
                run.rejected += 1
                answered.cancel()
                continue
            run.updates += 1
            try:
                await asyncio.wait_for(answered, REPLY_TIMEOUT)
                run.first_reply_latencies.append(time.perf_counter() - began)
            except TimeoutError:
                run.timeouts += 1

    database = create_engine(normalize_url(database_url))
    cpu_workers = sum(worker.cpu_seconds() for worker in workers)
    cpu_postgres = postgres_cpu_seconds()
    cpu_driver = time.process_time()
    began = time.perf_counter()
    await asyncio.gather(*(person_loop(person) for person in persons))
    processed = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # every update stored, not just answered
        with database.connect() as connection:
            processed = int(
                connection.execute(text("SELECT count(*) FROM processed_updates")).scalar_one()
            )
        if processed >= run.updates:
            break
        await asyncio.sleep(0.02)
    run.seconds = time.perf_counter() - began
    run.processed = processed
    run.worker_cpu_seconds = sum(worker.cpu_seconds() for worker in workers) - cpu_workers
    run.postgres_cpu_seconds = postgres_cpu_seconds() - cpu_postgres
    run.driver_cpu_seconds = time.process_time() - cpu_driver
    database.dispose()
    return run
