"""Replies as stored in the outbox (platform-neutral JSON) and how they are sent, step by step.

An event's replies are stored in the same transaction as its effects and sent after the
commit, so a crash between the two cannot lose them: the row is sent again on the redelivered
update, at start-up, or by the background sweep. A send that stops half-way (a long flood wait,
the network) records how many Bot API calls ("steps") already went out, so the rest follows
later without repeating the first part.

Documents (the /export file) are not stored: the file holds the person's whole journal (up to
tens of megabytes, a second copy of every word at rest) and can be made again at any time with
/export, which changes nothing. A document that fails to go out gets the usual "try again".
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from telegram import InputFile, Message
from telegram.constants import MessageLimit
from telegram.error import BadRequest

from flows.events import Button, Document, Reply

logger = logging.getLogger(__name__)

ChartRenderer = Callable[[Any], bytes]


def replies_to_json(replies: list[Reply], query_id: str | None) -> str:
    """The replies as JSON (documents left out, see the module docstring)."""
    return json.dumps(
        {
            "query": query_id,
            "replies": [
                {
                    "text": reply.text,
                    "buttons": [[[b.label, b.payload] for b in row] for row in reply.buttons],
                    "notice": reply.notice,
                    "chart": chart_to_json(reply.chart),
                    "tidy": reply.tidy,
                }
                for reply in replies
                if reply.document is None
            ],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def replies_from_json(payload: str) -> tuple[list[Reply], str | None]:
    """Replies and the pressed button's query id from `replies_to_json`."""
    data = json.loads(payload)
    replies = [
        Reply(
            text=item["text"],
            buttons=tuple(
                tuple(Button(label, data_) for label, data_ in row) for row in item["buttons"]
            ),
            notice=bool(item["notice"]),
            chart=chart_from_json(item.get("chart")),
            tidy=bool(item.get("tidy")),
        )
        for item in data["replies"]
    ]
    return replies, data.get("query")


def chart_to_json(chart: Any) -> Any:
    """A progress chart request as JSON data (None for no chart or an unknown kind)."""
    from flows.progress import ProgressChart

    if not isinstance(chart, ProgressChart):
        return None
    labels = chart.labels
    return {
        "points": [
            {"taken_at": point.taken_at.isoformat(), "scores": dict(point.scores)}
            for point in chart.points
        ],
        "labels": {
            "title": labels.title,
            "axis_low": labels.axis_low,
            "axis_high": labels.axis_high,
            "dimension_titles": [list(pair) for pair in labels.dimension_titles],
        },
    }


def chart_from_json(data: Any) -> Any:
    """The chart request `chart_to_json` stored."""
    if not data:
        return None
    from flows.progress import ChartLabels, ProgressChart, ProgressPoint

    labels = data["labels"]
    return ProgressChart(
        points=tuple(
            ProgressPoint(datetime.fromisoformat(p["taken_at"]), p["scores"])
            for p in data["points"]
        ),
        labels=ChartLabels(
            title=labels["title"],
            axis_low=labels["axis_low"],
            axis_high=labels["axis_high"],
            dimension_titles=tuple((a, b) for a, b in labels["dimension_titles"]),
        ),
    )


def split_text(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Cut a long text into message-sized parts, at paragraph or line breaks where possible."""
    parts: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        if cut <= 0:
            cut = limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip("\n")
    parts.append(text)
    return parts


@dataclass
class Outgoing:
    """Replies to send to one chat; `steps_done` Bot API calls of them already went out."""

    chat_id: int
    replies: list[Reply]
    query_id: str | None = None
    outbox_id: int | None = None
    steps_done: int = 0


class SendInterrupted(Exception):
    """Sending stopped after `steps_done` steps because of `error`."""

    def __init__(self, steps_done: int, error: Exception) -> None:
        super().__init__(type(error).__name__)
        self.steps_done = steps_done
        self.error = error


@dataclass
class SendHooks:
    """What the platform does around sending: remember each sent message (for tidying), clear
    the chat where a reply asks for it, build an export when its document is sent."""

    on_sent: Callable[[Message], Awaitable[None]] | None = None
    tidy: Callable[[], Awaitable[None]] | None = None
    build_export: Callable[[int], Awaitable[list[Document]]] | None = None


async def send_outgoing(
    bot: Any,
    outgoing: Outgoing,
    chart_renderer: ChartRenderer | None = None,
    hooks: SendHooks | None = None,
) -> list[Message]:
    """Send the steps not yet sent, in order; raise `SendInterrupted` when one fails.

    A notice becomes the pressed button's toast when possible. Documents are sent but not
    counted as steps (they are never stored, see the module docstring); an export is built
    now, after the commit, and may be several files.
    """
    hooks = hooks or SendHooks()
    sent: list[Message] = []
    step = 0
    answered = False
    query_id = outgoing.query_id

    async def remember(message: Message) -> None:
        sent.append(message)
        if hooks.on_sent is not None:
            await hooks.on_sent(message)

    def keyboard_of(reply: Reply) -> Any:
        from bot.telegram_adapter import keyboard

        return keyboard(reply)

    async def run(call: Callable[[], Any]) -> None:
        nonlocal step
        if step >= outgoing.steps_done:
            try:
                result = await call()
            except Exception as exc:
                raise SendInterrupted(step, exc) from exc
            if isinstance(result, Message):
                await remember(result)
        step += 1

    async def toast(text: str) -> None:
        try:
            await bot.answer_callback_query(query_id, text[:200])
        except BadRequest:
            # "query is too old" after a restart or a long wait: say it in the chat instead.
            await bot.send_message(outgoing.chat_id, text)

    for reply in outgoing.replies:
        if reply.notice and query_id is not None and not answered:
            await run(functools.partial(toast, reply.text))
            answered = True
            continue
        if reply.tidy:  # the chat is cleared here; the text is for platforms that can't
            if hooks.tidy is not None:
                await run(hooks.tidy)
            continue
        if reply.document is not None:
            documents = [reply.document]
            if reply.document.export_of is not None and hooks.build_export is not None:
                documents = await hooks.build_export(reply.document.export_of)
            for index, document in enumerate(documents):
                last = index == len(documents) - 1
                await remember(
                    await bot.send_document(
                        outgoing.chat_id,
                        document=upload(document),
                        caption=(document.caption or reply.text)[: MessageLimit.CAPTION_LENGTH]
                        or None,
                        reply_markup=keyboard_of(reply) if last else None,
                    )
                )
                if document.path:  # sent: the only copy left is the person's (a failed send
                    # leaves it; the next export removes it after an hour)
                    Path(document.path).unlink(missing_ok=True)
            continue
        if reply.chart is not None and chart_renderer is not None:

            async def photo(reply: Reply = reply) -> Message:
                assert chart_renderer is not None
                picture = await asyncio.to_thread(chart_renderer, reply.chart)
                message: Message = await bot.send_photo(
                    outgoing.chat_id,
                    photo=picture,
                    caption=reply.text[: MessageLimit.CAPTION_LENGTH] or None,
                    reply_markup=keyboard_of(reply),
                )
                return message

            await run(photo)
            continue
        parts = split_text(reply.text)
        for index, part in enumerate(parts):
            markup = keyboard_of(reply) if index == len(parts) - 1 else None
            await run(
                functools.partial(bot.send_message, outgoing.chat_id, part, reply_markup=markup)
            )
    if query_id is not None and not answered:

        async def answer() -> None:
            try:
                await bot.answer_callback_query(query_id)
            except BadRequest:
                # Too old to answer (a restart or a long wait): the spinner has long stopped.
                logger.info("button answer came too late for update in chat; skipped")

        await run(answer)
    return sent


def upload(document: Document) -> InputFile:
    """The document's bytes for the Bot API, read from its file when it has one."""
    if document.path:
        with open(document.path, "rb") as file:  # one part at a time: at most ~50 MB
            return InputFile(file, filename=document.filename)
    return InputFile(document.data, filename=document.filename)
