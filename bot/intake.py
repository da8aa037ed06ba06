"""Getting updates without losing any: store them first, tell Telegram second, handle third.

Long polling: Telegram forgets updates once a later getUpdates call names an offset past them.
python-telegram-bot's own polling loop does that before the fetched updates are handled, so a
crash lost them. Here each fetched batch is written to the inbox table (one transaction) before
the next call confirms it; an update is removed from the inbox in the same transaction as its
effects (bot.service). While the database is away nothing is confirmed: Telegram keeps the
updates and sends them again.

Webhook: Telegram posts each update and treats any answer but 200 as "try again later". The
handler checks the secret header before reading the body, refuses bodies over MAX_BODY_BYTES,
answers 400 to anything that is not an update (never logging the body), and answers 200 only
once the update is stored.

At start-up, updates stored but not handled (a crash came between) are handled first, in
order. Each update is handed to the application's update queue, so the per-person ordering of
bot.ordering applies to all of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import signal
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

import tornado.web
from telegram import Update
from telegram.error import InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application
from tornado.httpserver import HTTPServer

from bot.rate_limit import retry_seconds
from bot.service import is_transient
from bot.settings import Settings
from bot.telegram_adapter import TelegramAdapter, update_to_event

logger = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query"]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
POLL_SECONDS = 10  # long-poll wait per getUpdates call
# Telegram's updates are a few kilobytes; anything near this is not from Telegram.
MAX_BODY_BYTES = 1_000_000
# A webhook request waits this long for the database before answering 503 (Telegram retries).
STORE_SECONDS = 10.0
FIRST_PAUSE = 0.2
MAX_PAUSE = 4.0


class Intake:
    """Stores updates in the inbox and hands the stored ones to the application."""

    def __init__(self, application: Application, adapter: TelegramAdapter) -> None:
        self.application = application
        self.adapter = adapter
        self.service = adapter.service

    async def store(self, updates: list[Update]) -> list[Update]:
        """Store the updates Tandem answers; return those not stored before, in order."""
        items = []
        for update in updates:
            event = update_to_event(update)
            if event is not None:
                items.append((update.update_id, event.user_id, update.to_json()))
        if not items:
            return []
        new = await self.service.run(self.service.transit.store_updates, items, datetime.now(UTC))
        return [update for update in updates if update.update_id in new]

    async def store_patiently(
        self, updates: list[Update], give_up_after: float | None
    ) -> list[Update]:
        """`store`, retried while the database failure is transient (for ever when None)."""
        loop = asyncio.get_running_loop()
        deadline = None if give_up_after is None else loop.time() + give_up_after
        pause = FIRST_PAUSE
        while True:
            try:
                return await self.store(updates)
            except Exception as exc:
                if not is_transient(exc) or (
                    deadline is not None and loop.time() + pause > deadline
                ):
                    raise
                logger.warning(
                    "could not store %d update(s) (%s); trying again in %.1fs",
                    len(updates),
                    type(exc).__name__,
                    pause,
                )
                await asyncio.sleep(pause)
                pause = min(pause * 2, MAX_PAUSE)

    async def dispatch(self, updates: list[Update]) -> None:
        """Hand stored updates to the application (their inbox row goes with their event)."""
        for update in updates:
            self.adapter.from_inbox.add(update.update_id)
            await self.application.update_queue.put(update)

    async def recover(self) -> int:
        """Handle updates stored before the last stop or crash; returns how many."""
        stored = await self.service.run(self.service.transit.stored_updates)
        updates = []
        for _update_id, payload in stored:
            update = Update.de_json(json.loads(payload), self.application.bot)
            if update is not None:
                updates.append(update)
        if updates:
            logger.info("handling %d update(s) received before the last stop", len(updates))
        await self.dispatch(updates)
        return len(updates)

    async def poll(self) -> None:
        """Long-poll Telegram for ever; confirm an update only once it is stored."""
        bot = self.application.bot
        offset: int | None = None
        pause = FIRST_PAUSE
        while True:
            try:
                updates = list(
                    await bot.get_updates(
                        offset=offset, timeout=POLL_SECONDS, allowed_updates=ALLOWED_UPDATES
                    )
                )
                pause = FIRST_PAUSE
            except InvalidToken:
                raise
            except RetryAfter as exc:
                await asyncio.sleep(retry_seconds(exc))
                continue
            except TelegramError as exc:
                logger.warning("getUpdates failed (%s); trying again", type(exc).__name__)
                await asyncio.sleep(pause)
                pause = min(pause * 2, MAX_PAUSE)
                continue
            if not updates:
                continue
            new = await self.store_patiently(updates, None)
            await self.dispatch(new)
            # The next call confirms everything before this offset: all of it is stored now.
            offset = updates[-1].update_id + 1


@tornado.web.stream_request_body
class WebhookHandler(tornado.web.RequestHandler):
    """Telegram's POSTs: secret first, then a bounded body, then stored, then 200."""

    SUPPORTED_METHODS = ("POST",)

    def initialize(self, intake: Intake, secret: str) -> None:
        """Per request: what the handler needs."""
        self.intake = intake
        self.secret = secret.encode()
        self.body = bytearray()
        self.too_large = False

    def prepare(self) -> None:
        """Runs once the headers are in, before any of the body is read."""
        given = self.request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret):
            self._refuse(403)
            return
        length = self.request.headers.get("Content-Length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            self._refuse(413)
            return
        # A chunked body without a length is cut off by the server at the same size.
        self.request.connection.set_max_body_size(MAX_BODY_BYTES)  # type: ignore[union-attr]

    def data_received(self, chunk: bytes) -> None:
        """Collect the body, up to the limit."""
        if len(self.body) + len(chunk) > MAX_BODY_BYTES:
            self.too_large = True
            return
        self.body.extend(chunk)

    async def post(self) -> None:
        """Parse, store, answer 200, then hand the update on."""
        if self.too_large:
            self._refuse(413)
            return
        try:
            data = json.loads(bytes(self.body))
            update = (
                Update.de_json(data, self.intake.application.bot)
                if isinstance(data, dict)
                else None
            )
        except Exception:  # malformed JSON or not an update: the sender's fault, not ours
            update = None
        if update is None:
            logger.warning(
                "webhook: refused a body that is not an update (%d bytes)", len(self.body)
            )
            self._refuse(400)
            return
        try:
            new = await self.intake.store_patiently([update], STORE_SECONDS)
        except Exception as exc:
            # Telegram tries again later: nothing is lost by refusing now.
            logger.error(
                "webhook: update=%s not stored (%s); answered 503",
                update.update_id,
                type(exc).__name__,
            )
            self._refuse(503)
            return
        self.set_status(200)
        await self.finish()
        await self.intake.dispatch(new)

    def _refuse(self, status: int) -> None:
        self.set_status(status)
        self.finish()

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """An empty answer: no traceback, no echo of the request."""
        self.finish()

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        """Only the kind of failure: the request (and its body) stays out of the log."""
        logger.error("webhook handler failed: %s", getattr(typ, "__name__", typ))


def webhook_server(intake: Intake, settings: Settings) -> HTTPServer:
    """The HTTP server for Telegram's POSTs to the path of WEBHOOK_URL (not yet listening)."""
    path = "/" + urlparse(settings.webhook_url).path.strip("/")
    app = tornado.web.Application(
        [(path, WebhookHandler, {"intake": intake, "secret": settings.webhook_secret})],
        log_function=_access_log,
    )
    return HTTPServer(app, max_body_size=MAX_BODY_BYTES, idle_connection_timeout=60)


def _access_log(handler: tornado.web.RequestHandler) -> None:
    # Status and time only: the path is ours, the body never appears.
    logger.debug(
        "webhook: %d in %.1f ms", handler.get_status(), handler.request.request_time() * 1000
    )


async def serve(
    application: Application, intake: Intake, settings: Settings, *, webhook: bool
) -> None:
    """Run the bot until SIGINT or SIGTERM: start, recover stored updates, take in new ones."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    server: HTTPServer | None = None
    intake_task: asyncio.Task[None] | None = None
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        bot = application.bot
        if webhook:
            server = webhook_server(intake, settings)
            server.listen(settings.webhook_port, address=settings.webhook_listen)
            await bot.set_webhook(
                settings.webhook_url,
                secret_token=settings.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
        else:
            await bot.delete_webhook()
        await intake.recover()
        if not webhook:
            intake_task = asyncio.create_task(intake.poll(), name="polling")
            intake_task.add_done_callback(lambda _task: stop.set())
        logger.info("Tandem is running (%s)", "webhook" if webhook else "long polling")
        await stop.wait()
        if intake_task is not None and intake_task.done() and not intake_task.cancelled():
            intake_task.result()  # re-raise what stopped polling (e.g. a revoked token)
    finally:
        if intake_task is not None:
            intake_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await intake_task
        if server is not None:
            server.stop()
        if application.running:
            await application.stop()
        if application.post_stop is not None:
            await application.post_stop(application)
        await application.shutdown()
        intake.service.run.shutdown()
