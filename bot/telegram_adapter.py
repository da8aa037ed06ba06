"""Telegram ⇄ engine: turn an `Update` into an `Event`, and `Reply` objects into Bot API calls."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from bot.monitoring import IGNORED_KIND, Monitor
from bot.outbox import (
    ChartRenderer,
    Outgoing,
    SendHooks,
    SendInterrupted,
    send_outgoing,
    split_text,
    upload,
)
from bot.rate_limit import retry_seconds
from bot.service import Handled, TandemService, is_transient
from bot.tidy import ChatTidier, MessageLog
from flows.events import Document, Event, EventKind, Reply

if TYPE_CHECKING:
    from bot.outbox_sweep import OutboxSweep

logger = logging.getLogger(__name__)

__all__ = [
    "ChartRenderer",
    "TelegramAdapter",
    "keyboard",
    "split_text",
    "update_to_event",
    "upload",
]

# Transient database failures are retried with a pause that doubles up to MAX_PAUSE, for about
# RETRY_SECONDS in all; Telegram keeps the update meanwhile, the person's next ones wait.
RETRY_SECONDS = 30.0
FIRST_PAUSE = 0.2
MAX_PAUSE = 4.0
NETWORK_PAUSE = 5.0  # a reply that failed on the network is tried again after this long


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


class TelegramAdapter:
    """The one handler Tandem registers: parse, run the engine, send. No logic of its own.

    The engine runs on the database thread(s) (`TandemService.run`); its replies are stored in
    the outbox in the same transaction and sent after the commit. A transient database failure
    is retried with a growing pause for up to `retry_seconds`, while the person's later
    updates wait behind it (`bot.ordering`); only then are they told the message was not kept.
    """

    def __init__(
        self,
        service: TandemService,
        *,
        chart_renderer: ChartRenderer | None = None,
        monitor: Monitor | None = None,
        retry_seconds: float = RETRY_SECONDS,
        sweep: OutboxSweep | None = None,
    ) -> None:
        self.service = service
        self.chart_renderer = chart_renderer
        self.monitor = monitor or Monitor()
        self.retry_seconds = retry_seconds
        self.sweep = sweep
        # Update ids stored in the inbox and not yet handled (their row goes with the event).
        self.from_inbox: set[int] = set()
        # Ids and times of the chat's messages (never text), so the chat can be tidied. Its
        # statements run off the event loop, like the engine's.
        self.message_log = MessageLog(service.database)
        self.tidier = ChatTidier(self.message_log, in_thread=True)

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
        in_inbox = update.update_id in self.from_inbox
        self.from_inbox.discard(update.update_id)
        kind = IGNORED_KIND if event is None else event.kind.value
        try:
            if event is not None:
                await self._handle(event, update, context, in_inbox)
        except Exception:
            self.monitor.update_failed()
            raise
        finally:
            self.monitor.update_handled(kind, time.perf_counter() - started)

    async def _handle(
        self, event: Event, update: Update, context: ContextTypes.DEFAULT_TYPE, in_inbox: bool
    ) -> None:
        query = update.callback_query
        try:
            handled = await self.handle_with_retry(event, in_inbox, query.id if query else None)
        except TransientFailure:
            await self.give_up(context, event, in_inbox, query)
            return
        except Exception:
            if in_inbox:  # a failure no retry will cure: do not replay it at every start
                await self._forget(event)
            raise
        logger.info(
            "update=%s user=%s kind=%s replies=%d%s",
            event.update_id,
            event.user_id,
            event.kind.value,
            len(handled.replies),
            " (queued behind earlier replies)" if handled.held else "",
        )
        if update.message is not None:  # private chats only (update_to_event checked)
            await self.record(event.chat_id, update.message, sent=False)
        for outgoing in handled.outgoing:
            await self.deliver(context.bot, event.user_id, outgoing)
        if handled.held and self.sweep is not None:
            self.sweep.wake()

    async def handle_with_retry(
        self, event: Event, in_inbox: bool, query_id: str | None
    ) -> Handled:
        """`service.handle` on the database thread, retried while the failure is transient."""
        deadline = time.monotonic() + self.retry_seconds
        pause = FIRST_PAUSE
        while True:
            try:
                return await self.service.run(
                    self.service.handle, event, from_inbox=in_inbox, query_id=query_id
                )
            except Exception as exc:
                if not is_transient(exc):
                    raise
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TransientFailure from exc
                pause = min(pause, remaining)
                logger.warning(
                    "database unavailable for update=%s (%s); trying again in %.1fs",
                    event.update_id,
                    type(exc).__name__,
                    pause,
                )
                await asyncio.sleep(pause)
                pause = min(pause * 2, MAX_PAUSE)

    async def give_up(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        event: Event,
        in_inbox: bool,
        query: CallbackQuery | None,
    ) -> None:
        """Say honestly that the last message was not kept (and forget it, if we still can)."""
        logger.error(
            "update=%s user=%s not handled: the database stayed unavailable for %.0fs",
            event.update_id,
            event.user_id,
            self.retry_seconds,
        )
        if in_inbox:
            await self._forget(event)
        apology = context.bot_data.get("not_kept_text")
        try:
            if query is not None:
                await query.answer()
            if apology:
                await context.bot.send_message(event.chat_id, apology)
        except TelegramError as exc:
            logger.warning("could not send the apology: %s", type(exc).__name__)

    async def _forget(self, event: Event) -> None:
        if event.update_id is None:
            return
        try:
            await self.service.run(self.service.transit.drop_update, event.update_id)
        except Exception as exc:  # the database is still away: it is handled at next start
            logger.warning("could not forget update=%s: %s", event.update_id, type(exc).__name__)

    async def deliver(self, bot: Any, user_id: int, outgoing: Outgoing) -> bool:
        """Send stored replies and settle their outbox row; True when all went out.

        Sent: the row is deleted. A flood wait, a network failure or a timeout: the progress is
        kept and the outbox sweep tries again later. Blocked (403): the person is marked
        inactive and the row dropped. Any other refusal is logged and the row dropped.
        """
        try:
            hooks = self.hooks(bot, outgoing.chat_id)
            await send_outgoing(bot, outgoing, self.chart_renderer, hooks)
        except SendInterrupted as stop:
            return await self._interrupted(bot, user_id, outgoing, stop)
        await self._settle(outgoing, sent=True)
        return True

    async def _interrupted(
        self, bot: Any, user_id: int, outgoing: Outgoing, stop: SendInterrupted
    ) -> bool:
        error = stop.error
        if isinstance(error, Forbidden):
            # The person blocked the bot: nothing can reach them, so stop trying until they
            # write again (the engine reactivates them on their next message).
            logger.info("user=%s blocked the bot; marked inactive", user_id)
            await self._settle(outgoing, sent=True)
            try:
                await self.service.run(self.service.mark_inactive, user_id)
            except Exception as exc:  # they stay active; the next send finds out again
                logger.warning("could not mark user=%s inactive: %s", user_id, type(exc).__name__)
            return False
        if isinstance(error, RetryAfter | NetworkError) and not isinstance(error, BadRequest):
            wait = retry_seconds(error) if isinstance(error, RetryAfter) else NETWORK_PAUSE
            logger.warning(
                "reply to user=%s stopped after %d step(s) (%s); sending the rest in %.0fs",
                user_id,
                stop.steps_done,
                type(error).__name__,
                wait,
            )
            if outgoing.outbox_id is not None:
                until = datetime.now(UTC) + timedelta(seconds=wait)
                try:
                    await self.service.run(
                        self.service.transit.postpone, outgoing.outbox_id, stop.steps_done, until
                    )
                except Exception as exc:
                    # The row keeps its lease and is sent again when it runs out (from its last
                    # recorded step: a part may then arrive twice, nothing is lost).
                    logger.warning(
                        "could not record the progress of outbox row %s: %s",
                        outgoing.outbox_id,
                        type(exc).__name__,
                    )
                if self.sweep is not None:
                    self.sweep.wake_at(wait)
            return False
        logger.error(
            "reply to user=%s refused by Telegram (%s); dropped",
            user_id,
            type(error).__name__,
        )
        await self._settle(outgoing, sent=True)
        return False

    async def _settle(self, outgoing: Outgoing, *, sent: bool) -> None:
        if not sent or outgoing.outbox_id is None:
            return
        # Deleted with the next transaction or the sweep's flush (see TandemService.mark_sent).
        self.service.mark_sent(outgoing.outbox_id)
        if self.sweep is not None:
            self.sweep.flush_soon()

    async def send(
        self,
        bot: Any,
        chat_id: int,
        replies: list[Reply],
        query: CallbackQuery | None = None,
    ) -> list[Message]:
        """Send replies in order without the outbox (a notice becomes the button's toast)."""
        return await send_outgoing(
            bot,
            Outgoing(chat_id, replies, query.id if query else None),
            self.chart_renderer,
            self.hooks(bot, chat_id),
        )

    def hooks(self, bot: Any, chat_id: int) -> SendHooks:
        """Record each sent message for tidying, tidy where asked, build exports after the
        commit (off the event loop)."""

        async def on_sent(message: Message) -> None:
            await self.record(chat_id, message)

        async def tidy() -> None:
            await self.tidier.tidy(bot, chat_id)

        async def build_export(user_id: int) -> list[Document]:
            return await asyncio.to_thread(self.service.build_export, user_id)

        return SendHooks(on_sent=on_sent, tidy=tidy, build_export=build_export)


class TransientFailure(Exception):
    """The database stayed unavailable for the whole retry budget."""


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
