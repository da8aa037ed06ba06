"""A small Bot API stand-in: a real HTTP server on 127.0.0.1 for end-to-end tests and benchmarks.

It serves what Tandem calls (getMe, getUpdates long polling, sendMessage, answerCallbackQuery,
setMyCommands, deleteMessage(s), ...), records every call, lets a test queue updates as a
simulated person, and can be told to answer the next calls of a method with an error (429 with
retry_after, 403) or to refuse deleting some messages. Like Telegram, the bot's messages and the
person's share one sequence of message ids, and the person's messages carry the current time.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.support.recording_request import BOT_USER, button_update, message_update

MAX_POLL_SECONDS = 1.0  # answer long polls quickly so tests and restarts stay fast


@dataclass
class RecordedCall:
    """A call the bot made: method, parameters, and when it arrived."""

    method: str
    params: dict[str, Any]
    at: float
    refused: bool = False  # answered with an error the stand-in chose (a refused delete)
    message_id: int | None = None  # the id given to the message this call sent

    @property
    def text(self) -> str:
        """Text or caption sent."""
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def buttons(self) -> list[dict[str, str]]:
        """Inline buttons sent (label and callback data)."""
        markup = self.params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        if not markup:
            return []
        return [b for row in markup.get("inline_keyboard", []) for b in row]


def message_ids_of(params: dict[str, Any]) -> list[int]:
    """The ids of a deleteMessages call (sent as a JSON list, or as a list)."""
    raw = params.get("message_ids") or []
    values = json.loads(raw) if isinstance(raw, str) else raw
    return [int(value) for value in values]


@dataclass
class PlannedError:
    """An error to answer instead of success."""

    status: int
    description: str
    retry_after: int | None = None


@dataclass
class BotApiStandIn:
    """The server and its state. Use as a context manager."""

    host: str = "127.0.0.1"
    calls: list[RecordedCall] = field(default_factory=list)
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _errors: dict[str, list[PlannedError]] = field(default_factory=dict)
    refused_deletes: set[int] = field(default_factory=set)  # message ids Telegram won't delete
    _lock: threading.Condition = field(default_factory=threading.Condition)
    _message_ids: count = field(default_factory=lambda: count(1))
    message_ids_by_update: dict[int, int] = field(default_factory=dict)
    _server: ThreadingHTTPServer | None = None

    # Lifecycle

    def __enter__(self) -> BotApiStandIn:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Listen on a free port in a background thread."""
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                standin._handle(self)

            do_GET = do_POST

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

        class Server(ThreadingHTTPServer):
            # A wave of daily prompts opens many connections at once; the default backlog of 5
            # makes the kernel refuse some, which a real Bot API server would not.
            request_queue_size = 256

        self._server = Server((self.host, 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base_url(self) -> str:
        """For TELEGRAM_API_BASE_URL (the token is appended by the client)."""
        assert self._server is not None
        return f"http://{self.host}:{self._server.server_address[1]}/bot"

    # The simulated person

    def send_text(self, user_id: int, text: str) -> int:
        """Queue a private message (a command if it starts with '/'); returns its update id (its
        message id is `message_id_of(update_id)`)."""
        with self._lock:
            message_id = next(self._message_ids)
        update = message_update(user_id, text, message_id=message_id, date=int(time.time()))
        self.message_ids_by_update[int(update["update_id"])] = message_id
        self._queue(update)
        return int(update["update_id"])

    def message_id_of(self, update_id: int) -> int:
        """The message id of a message queued with `send_text`."""
        return self.message_ids_by_update[update_id]

    def press(self, user_id: int, payload: str) -> int:
        """Queue a button press; returns its update id."""
        update = button_update(user_id, payload)
        self._queue(update)
        return int(update["update_id"])

    def payload_of(self, user_id: int, label_part: str) -> str:
        """Callback data of the newest button sent to `user_id` whose label has `label_part`."""
        for call in reversed(self.sent(user_id)):
            for button in call.buttons:
                if label_part in button["text"]:
                    return str(button["callback_data"])
        raise AssertionError(f"no button {label_part!r} was sent")

    def _queue(self, update: dict[str, Any]) -> None:
        with self._lock:
            self._updates.append(update)
            self._lock.notify_all()

    # Failure planning

    def fail_next(self, method: str, status: int, description: str, **kw: Any) -> None:
        """Answer the next call of `method` with an error."""
        with self._lock:
            self._errors.setdefault(method, []).append(PlannedError(status, description, **kw))

    # Inspecting

    def sent(self, chat_id: int | None = None) -> list[RecordedCall]:
        """Messages, photos and documents sent (to `chat_id` if given)."""
        with self._lock:
            return [
                c
                for c in self.calls
                if c.method in {"sendMessage", "sendPhoto", "sendDocument"}
                and (chat_id is None or int(c.params.get("chat_id", 0)) == chat_id)
            ]

    def deleted(self, chat_id: int) -> list[int]:
        """Message ids the bot deleted in `chat_id` (deleteMessages and deleteMessage, not
        those refused), in order."""
        ids: list[int] = []
        with self._lock:
            for call in self.calls:
                if int(call.params.get("chat_id", 0)) != chat_id or call.refused:
                    continue
                if call.method == "deleteMessage":
                    ids.append(int(call.params["message_id"]))
                elif call.method == "deleteMessages":
                    ids += message_ids_of(call.params)
        return ids

    def delete_requests(self, chat_id: int) -> list[RecordedCall]:
        """Every deleteMessage(s) call for `chat_id`, refused ones too."""
        with self._lock:
            return [
                c
                for c in self.calls
                if c.method in {"deleteMessage", "deleteMessages"}
                and int(c.params.get("chat_id", 0)) == chat_id
            ]

    def wait_for(self, predicate: Callable[[BotApiStandIn], bool], timeout: float = 15.0) -> None:
        """Block until `predicate(self)` holds, or fail after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while not predicate(self):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError("the bot did not do what was expected in time")
                self._lock.wait(min(remaining, 0.1))

    def wait_for_messages(self, chat_id: int, count_: int, timeout: float = 15.0) -> None:
        """Block until `count_` messages were sent to `chat_id` in all."""
        self.wait_for(lambda s: len(s.sent(chat_id)) >= count_, timeout)

    # HTTP

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        path = urlparse(request.path).path
        method = path.rsplit("/", 1)[-1]
        params = self._params(request)
        with self._lock:
            call = RecordedCall(method, params, time.monotonic())
            self.calls.append(call)
            self._lock.notify_all()
            planned = self._errors.get(method)
            error = planned.pop(0) if planned else None
            if error is None and self._refuses(method, params):
                # Telegram refuses a whole deleteMessages call when it can delete none of them,
                # and a deleteMessage of a message it won't delete.
                call.refused = True
                error = PlannedError(400, "Bad Request: message can't be deleted")
        if error is not None:
            body: dict[str, Any] = {
                "ok": False,
                "error_code": error.status,
                "description": error.description,
            }
            if error.retry_after is not None:
                body["parameters"] = {"retry_after": error.retry_after}
            self._respond(request, error.status, body)
            return
        if method == "getUpdates":
            result: Any = self._poll(params)
        else:
            result = self._result(method, params)
            if isinstance(result, dict) and "message_id" in result:
                call.message_id = int(result["message_id"])
        self._respond(request, 200, {"ok": True, "result": result})

    def _refuses(self, method: str, params: dict[str, Any]) -> bool:
        if method == "deleteMessage":
            return int(params.get("message_id", 0)) in self.refused_deletes
        if method == "deleteMessages":
            return any(i in self.refused_deletes for i in message_ids_of(params))
        return False

    def _poll(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), MAX_POLL_SECONDS)
        deadline = time.monotonic() + wait
        with self._lock:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and time.monotonic() < deadline:
                self._lock.wait(deadline - time.monotonic())
            return list(self._updates)

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in {"sendMessage", "sendPhoto", "sendDocument", "editMessageText"}:
            with self._lock:
                message_id = next(self._message_ids)
            return {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": int(params.get("chat_id", 0)), "type": "private"},
                "text": params.get("text", ""),
            }
        return True

    @staticmethod
    def _params(request: BaseHTTPRequestHandler) -> dict[str, Any]:
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        kind = request.headers.get("Content-Type", "")
        if kind.startswith("application/json"):
            return dict(json.loads(body or b"{}"))
        if kind.startswith("multipart/form-data"):
            message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                b"Content-Type: " + kind.encode() + b"\r\n\r\n" + body
            )
            params: dict[str, Any] = {}
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                raw = part.get_payload(decode=True)
                payload = raw if isinstance(raw, bytes) else b""
                if part.get_filename():
                    params[str(name)] = {"filename": part.get_filename(), "size": len(payload)}
                else:
                    params[str(name)] = payload.decode("utf-8", "replace")
            return params
        query = parse_qs(body.decode() or urlparse(request.path).query)
        return {key: values[-1] for key, values in query.items()}

    @staticmethod
    def _respond(request: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        try:
            request.send_response(status)
            request.send_header("Content-Type", "application/json")
            request.send_header("Content-Length", str(len(data)))
            request.end_headers()
            request.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the bot process was killed mid-request, as the test intended


ROOT = Path(__file__).resolve().parent.parent.parent


def start_bot_process(
    standin: BotApiStandIn, database: Path, token: str, **settings: str
) -> subprocess.Popen[bytes]:
    """Run the real `python -m bot` against the stand-in on a SQLite file (extra settings as
    environment variables, e.g. DAILY_TICK_SECONDS="1")."""
    env = {
        **os.environ,
        "BOT_TOKEN": token,
        "DATABASE_URL": f"sqlite:///{database}",
        "TELEGRAM_API_BASE_URL": standin.base_url,
        "TELEGRAM_FILE_BASE_URL": standin.base_url.replace("/bot", "/file/bot"),
        "LOG_LEVEL": "INFO",
        **settings,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
