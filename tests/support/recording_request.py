"""An offline Bot API for adapter tests: answers canned JSON and records every call."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from telegram import Update
from telegram.error import TimedOut
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

BOT_USER = {
    "id": 123456789,
    "is_bot": True,
    "first_name": "Tandem",
    "username": "tandem_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


@dataclass
class ApiCall:
    """One Bot API request: the method name and its parameters."""

    method: str
    params: dict[str, Any]

    @property
    def text(self) -> str:
        """The message text (or caption) sent."""
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def button_labels(self) -> list[str]:
        """Labels of the inline keyboard sent with the message."""
        markup = self.params.get("reply_markup")
        if not markup:
            return []
        if isinstance(markup, str):
            markup = json.loads(markup)
        return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]

    @property
    def button_payloads(self) -> list[str]:
        """Callback data of the inline keyboard sent with the message."""
        markup = self.params.get("reply_markup")
        if not markup:
            return []
        if isinstance(markup, str):
            markup = json.loads(markup)
        return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


@dataclass
class RecordingRequest(BaseRequest):
    """A `BaseRequest` that never touches the network."""

    calls: list[ApiCall] = field(default_factory=list)
    _message_ids: count = field(default_factory=lambda: count(1))
    # method -> errors to answer next, each (HTTP status, description, retry_after or None)
    planned_errors: dict[str, list[tuple[int, str, int | None]]] = field(default_factory=dict)
    timeouts: dict[str, int] = field(default_factory=dict)  # method -> calls left to time out
    photos: list[bytes] = field(default_factory=list)  # every uploaded photo, as sent

    passes: dict[str, int] = field(default_factory=dict)  # method -> calls to let through first

    def fail_next(
        self,
        method: str,
        status: int,
        description: str,
        retry_after: int | None = None,
        *,
        after: int = 0,
    ) -> None:
        """Answer the next call of `method` (after `after` successful ones) with an error."""
        self.planned_errors.setdefault(method, []).append((status, description, retry_after))
        if after:
            self.passes[method] = after

    def time_out_next(self, method: str, times: int = 1) -> None:
        """Let the next `times` calls of `method` time out."""
        self.timeouts[method] = times

    @property
    def read_timeout(self) -> float | None:
        """No network, no timeout."""
        return None

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        """Record the call and answer like the Bot API would."""
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data is not None else {}
        self.calls.append(ApiCall(api_method, params))
        if api_method == "sendPhoto" and request_data is not None:
            for value in (request_data.multipart_data or {}).values():
                data = value[1] if isinstance(value, tuple) else value
                self.photos.append(data if isinstance(data, bytes) else data.read())
        if self.timeouts.get(api_method):
            self.timeouts[api_method] -= 1
            raise TimedOut()
        planned = self.planned_errors.get(api_method)
        if planned and self.passes.get(api_method):
            self.passes[api_method] -= 1
        elif planned:
            status, description, retry_after = planned.pop(0)
            body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
            if retry_after is not None:
                body["parameters"] = {"retry_after": retry_after}
            return status, json.dumps(body).encode()
        return 200, json.dumps({"ok": True, "result": self._result(api_method, params)}).encode()

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in {"sendMessage", "sendPhoto", "sendDocument"}:
            chat_id = int(params.get("chat_id", 0))
            return {
                "message_id": next(self._message_ids),
                "date": 0,
                "chat": {"id": chat_id, "type": "private"},
                "text": params.get("text", ""),
            }
        if method == "getUpdates":
            return []
        return True

    def sent(self) -> list[ApiCall]:
        """Calls that sent something to a chat."""
        return [c for c in self.calls if c.method in {"sendMessage", "sendPhoto", "sendDocument"}]

    def clear(self) -> None:
        """Forget recorded calls."""
        self.calls.clear()


_update_ids = count(1)


async def push(app: Application, data: dict[str, Any]) -> None:
    """Feed one update (as Bot API JSON) through the Application."""
    await app.process_update(Update.de_json(data, app.bot))


def user_json(user_id: int) -> dict[str, Any]:
    """A Telegram user."""
    return {"id": user_id, "is_bot": False, "first_name": "Sam", "language_code": "en"}


def message_update(user_id: int, text: str | None = None, **extra: Any) -> dict[str, Any]:
    """Update JSON for a private message (a command when text starts with '/')."""
    message: dict[str, Any] = {
        "message_id": next(_update_ids),
        "date": 1767000000,
        "chat": {"id": user_id, "type": "private"},
        "from": user_json(user_id),
    }
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            length = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    message.update(extra)
    return {"update_id": next(_update_ids), "message": message}


def button_update(user_id: int, payload: str) -> dict[str, Any]:
    """Update JSON for a pressed inline button."""
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(next(_update_ids)),
            "from": user_json(user_id),
            "chat_instance": "1",
            "data": payload,
            "message": {
                "message_id": 1,
                "date": 1767000000,
                "chat": {"id": user_id, "type": "private"},
                "from": BOT_USER,
                "text": "earlier message",
            },
        },
    }
