"""An offline Bot API for benchmarks: canned JSON answers, no network, bounded memory.

A variant of the test suite's recording request (benchmarks never import from tests/): it
encodes each request's parameters the way python-telegram-bot's HTTP client does, so the floor
and Tandem pay the same client-side cost, but it keeps only counters and, when asked, the
keyboard of the last message sent to each chat (what a simulated person sees and presses).
"""

from __future__ import annotations

import json
from collections import Counter
from itertools import count
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_USER = {
    "id": 123456789,
    "is_bot": True,
    "first_name": "Tandem",
    "username": "tandem_bench_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
BENCH_TOKEN = "123456789:BENCH-token-for-tandem-benchmarks"
SENDING_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument"})
MESSAGE_DATE = 1767000000


def _canned(result: Any) -> bytes:
    return json.dumps({"ok": True, "result": result}).encode()


_SENT_MESSAGE = _canned(
    {
        "message_id": 1,
        "date": MESSAGE_DATE,
        "chat": {"id": 1, "type": "private"},
        "text": "ok",
    }
)
_ANSWERS = {
    "getMe": _canned(BOT_USER),
    "getUpdates": _canned([]),
    **{method: _SENT_MESSAGE for method in SENDING_METHODS},
}
_TRUE = _canned(True)


class CannedBotApi(BaseRequest):
    """A `BaseRequest` answering like the Bot API would, from canned bytes."""

    def __init__(self, *, track_keyboards: bool = False) -> None:
        self.calls: Counter[str] = Counter()
        self.track_keyboards = track_keyboards
        # chat id -> inline keyboard of the newest message (None: it had none)
        self.keyboards: dict[int, list[list[dict[str, str]]] | None] = {}

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
        """Encode the request as the HTTP client would, and answer from canned JSON."""
        api_method = url.rsplit("/", 1)[-1]
        self.calls[api_method] += 1
        if request_data is not None:
            request_data.json_parameters  # noqa: B018 - the encoding a real request pays for
            if self.track_keyboards and api_method in SENDING_METHODS:
                params = request_data.parameters
                markup = params.get("reply_markup")
                chat_id = int(str(params.get("chat_id", 0)))
                self.keyboards[chat_id] = (
                    markup.get("inline_keyboard") if isinstance(markup, dict) else None
                )
        return 200, _ANSWERS.get(api_method, _TRUE)


class UpdateFactory:
    """Update JSON as Telegram would post it, for private messages and button presses."""

    def __init__(self, first_update_id: int = 1) -> None:
        self._ids = count(first_update_id)

    def message(self, user_id: int, text: str) -> bytes:
        """A private text message (a command when it starts with '/')."""
        update_id = next(self._ids)
        message: dict[str, Any] = {
            "message_id": update_id,
            "date": MESSAGE_DATE,
            "chat": {"id": user_id, "type": "private", "first_name": "Sam"},
            "from": _user(user_id),
            "text": text,
        }
        if text.startswith("/"):
            length = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return json.dumps({"update_id": update_id, "message": message}).encode()

    def button(self, user_id: int, payload: str) -> bytes:
        """A pressed inline button on an earlier message of the bot."""
        update_id = next(self._ids)
        query = {
            "id": str(update_id),
            "from": _user(user_id),
            "chat_instance": str(user_id),
            "data": payload,
            "message": {
                "message_id": 1,
                "date": MESSAGE_DATE,
                "chat": {"id": user_id, "type": "private", "first_name": "Sam"},
                "from": BOT_USER,
                "text": "an earlier message",
            },
        }
        return json.dumps({"update_id": update_id, "callback_query": query}).encode()


def _user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "Sam", "language_code": "en"}
