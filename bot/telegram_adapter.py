"""Telegram ⇄ engine: turn an `Update` into an `Event`, and `Reply` objects into Bot API calls."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType, MessageLimit
from telegram.error import Forbidden
from telegram.ext import ContextTypes

from bot.monitoring import IGNORED_KIND, Monitor
from bot.service import TandemService
from bot.tidy import ChatTidier, MessageLog
from flows.events import Document, Event, EventKind, Reply

logger = logging.getLogger(__name__)

ChartRenderer = Callable[[Any], bytes]


def update_to_event(update: Update, now: datetime | None = None) -> Event | None:
    """The engine's view of an update; None for updates Tandem does not answer."""
    now = now or datetime.now(UTC)
    query = update.callback_query
    if query is not None:
        if not pressed_in_own_chat(query):
            return None  # a button under a group's or someone else's message: never answered
        return Event(
            user_id=query.from_user.id,
            chat_id=query.from_user.id,
            kind=EventKind.BUTTON,
            now=now,
            payload=query.data or "",
            update_id=update.update_id,
            language=query.from_user.language_code,
        )
    message = update.message
    if message is None or message.from_user is None or message.chat.type != ChatType.PRIVATE:
        return None  # edits, channel posts, groups: Tandem is a one-to-one companion
    common: dict[str, Any] = {
        "user_id": message.from_user.id,
        "chat_id": message.chat.id,
        "now": now,
        "update_id": update.update_id,
        "language": message.from_user.language_code,
    }
    text = message.text
    if text is None:
        return Event(kind=EventKind.UNSUPPORTED, **common)
    entity = message.entities[0] if message.entities else None
    if entity is not None and entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
        command = text[1 : entity.length].split("@", 1)[0].lower()
        return Event(
            kind=EventKind.COMMAND, command=command, text=text[entity.length :].strip(), **common
        )
    return Event(kind=EventKind.TEXT, text=text, **common)


def pressed_in_own_chat(query: CallbackQuery) -> bool:
    """Whether a button press comes from the presser's own private chat with the bot.

    A press on a message in a group, or a forged one without a message, must not make Tandem
    send someone's journal there: in a private chat the chat id is the person's own user id.
    """
    message = query.message
    return (
        message is not None
        and message.chat.type == ChatType.PRIVATE
        and message.chat.id == query.from_user.id
    )


def upload(document: Document) -> InputFile:
    """The document's bytes for the Bot API, read from its file when it has one."""
    if document.path:
        with open(document.path, "rb") as file:  # one part at a time: at most ~50 MB
            return InputFile(file, filename=document.filename)
    return InputFile(document.data, filename=document.filename)


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """Inline keyboard for a reply's buttons."""
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(button.label, callback_data=button.payload) for button in row]
            for row in reply.buttons
        ]
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


class TelegramAdapter:
    """The one handler Tandem registers: parse, run the engine, render. No logic of its own."""

    def __init__(
        self,
        service: TandemService,
        *,
        in_thread: bool = False,
        chart_renderer: ChartRenderer | None = None,
        monitor: Monitor | None = None,
    ) -> None:
        self.service = service
        self.in_thread = in_thread  # PostgreSQL: let several people's transactions overlap
        self.chart_renderer = chart_renderer
        self.monitor = monitor or Monitor()
        # Ids and times of the chat's messages (never text), so the chat can be tidied.
        self.message_log = MessageLog(service.database)
        self.tidier = ChatTidier(self.message_log, in_thread=in_thread)

    async def record(self, chat_id: int, message: Message | None, *, sent: bool = True) -> None:
        """Remember a message of a private chat for tidying; a failure here never stops a reply."""
        if message is None:
            return
        record = self.message_log.record_sent if sent else self.message_log.record_received
        try:
            await self.tidier.run_db(record, chat_id, message.message_id, message.date)
        except Exception as exc:  # the database may be busy; this message just stays untidied
            logger.warning("could not record a message for tidying: %s", type(exc).__name__)

    async def on_update(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Handle any update, counting it (by kind) and timing it for /metrics."""
        if not isinstance(update, Update):
            return
        started = time.perf_counter()
        event = update_to_event(update)
        kind = IGNORED_KIND if event is None else event.kind.value
        try:
            if event is not None:
                await self._handle(event, update, context)
        except Exception:
            self.monitor.update_failed()
            raise
        finally:
            self.monitor.update_handled(kind, time.perf_counter() - started)

    async def _handle(
        self, event: Event, update: Update, context: ContextTypes.DEFAULT_TYPE
    ) -> None:
        if self.in_thread:
            replies = await asyncio.to_thread(self.service.process, event)
        else:
            replies = self.service.process(event)
        logger.info(
            "update=%s user=%s kind=%s replies=%d",
            event.update_id,
            event.user_id,
            event.kind.value,
            len(replies),
        )
        if update.message is not None:  # private chats only (update_to_event checked)
            await self.record(event.chat_id, update.message, sent=False)
        try:
            await self.send(context.bot, event.chat_id, replies, update.callback_query)
        except Forbidden:
            # The person blocked the bot: nothing can reach them, so stop trying until they
            # write again (the engine reactivates them on their next message).
            logger.info("user=%s blocked the bot; marked inactive", event.user_id)
            if self.in_thread:
                await asyncio.to_thread(self.service.mark_inactive, event.user_id)
            else:
                self.service.mark_inactive(event.user_id)

    async def send(
        self,
        bot: Any,
        chat_id: int,
        replies: list[Reply],
        query: CallbackQuery | None = None,
    ) -> list[Message]:
        """Send replies in order; a notice becomes the pressed button's toast when possible."""
        sent: list[Message] = []
        answered = False
        for reply in replies:
            if reply.notice and query is not None and not answered:
                await query.answer(reply.text[:200])
                answered = True
                continue
            if reply.tidy:  # the chat is cleared here; the text is for platforms that can't
                await self.tidier.tidy(bot, chat_id)
                continue
            if reply.chart is not None and self.chart_renderer is not None:
                picture = await asyncio.to_thread(self.chart_renderer, reply.chart)
                sent.append(
                    await bot.send_photo(
                        chat_id,
                        photo=picture,
                        caption=reply.text[: MessageLimit.CAPTION_LENGTH] or None,
                        reply_markup=keyboard(reply),
                    )
                )
                await self.record(chat_id, sent[-1])
                continue
            if reply.document is not None:
                documents = [reply.document]
                if reply.document.export_of is not None:  # built now, after the commit
                    documents = await asyncio.to_thread(
                        self.service.build_export, reply.document.export_of
                    )
                for index, document in enumerate(documents):
                    last = index == len(documents) - 1
                    sent.append(
                        await bot.send_document(
                            chat_id,
                            document=upload(document),
                            caption=(document.caption or reply.text)[: MessageLimit.CAPTION_LENGTH]
                            or None,
                            reply_markup=keyboard(reply) if last else None,
                        )
                    )
                    await self.record(chat_id, sent[-1])
                    if document.path:  # sent: the only copy left is the person's (a failed
                        # send leaves it; the next export removes it after an hour)
                        Path(document.path).unlink(missing_ok=True)
                continue
            parts = split_text(reply.text)
            for index, part in enumerate(parts):
                last = index == len(parts) - 1
                sent.append(
                    await bot.send_message(
                        chat_id, part, reply_markup=keyboard(reply) if last else None
                    )
                )
                await self.record(chat_id, sent[-1])
        if query is not None and not answered:
            await query.answer()
        return sent


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure by update id and type (never its text), and apologise kindly."""
    update_id = update.update_id if isinstance(update, Update) else None
    error = context.error
    logger.error(
        "error while handling update=%s: %s",
        update_id,
        type(error).__name__,
        exc_info=(type(error), error, error.__traceback__) if error else None,
    )
    if isinstance(update, Update) and update.effective_chat is not None:
        apology = context.bot_data.get("error_text")
        if apology:
            try:
                if update.callback_query is not None:
                    await update.callback_query.answer()
                message = await context.bot.send_message(update.effective_chat.id, apology)
                adapter = context.bot_data.get("adapter")
                if isinstance(adapter, TelegramAdapter):
                    await adapter.record(update.effective_chat.id, message)
            except Exception as exc:  # the apology itself failed: nothing more to do
                logger.warning("could not send the apology: %s", type(exc).__name__)
