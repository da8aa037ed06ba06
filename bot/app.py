"""The composition root: settings in, a ready python-telegram-bot `Application` out.

Tests call the same functions with an offline request object, so what they exercise is what
runs in production.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine as DatabaseEngine
from telegram import BotCommand, Update
from telegram.ext import Application, ApplicationBuilder, TypeHandler
from telegram.request import BaseRequest

from bot.crypto import CipherError, cipher_from_setting
from bot.daily_scheduler import build_daily_scheduler, start_daily_prompts, stop_daily_prompts
from bot.intake import Intake
from bot.lean_application import LeanApplication
from bot.monitoring import Monitor, PollWatchingRequest, no_outbox
from bot.ordering import PerUserUpdateProcessor
from bot.outbox_sweep import OutboxSweep
from bot.preparation_notices import (
    build_preparation_notices,
    start_preparation_notices,
    stop_preparation_notices,
)
from bot.rate_limit import ConversationFirstRateLimiter, SendBudget
from bot.service import TandemService
from bot.settings import Settings, SettingsError
from bot.startup import announce_when_running
from bot.storage.database import create_database_engine, migrate
from bot.storage.key_rotation import check_keys_open_stored_text
from bot.storage.operator_stats import count_outbox
from bot.telegram_adapter import ChartRenderer, TelegramAdapter, on_error
from bot.tidy import build_tidy_job, start_tidy_job, stop_tidy_job
from content import Content
from content.check import load_checked_content
from flows.crisis import warm_up as crisis_warm_up
from flows.engine import Engine
from flows.registry import build_engine

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    """Everything built from settings that the adapter, the console and the CLI share."""

    settings: Settings
    content: Content
    engine: Engine
    database: DatabaseEngine
    service: TandemService
    monitor: Monitor = field(default_factory=Monitor)  # counters behind /metrics and /healthz
    # How many replies wait to be sent (None: there is no outbox); for /metrics and `status`.
    outbox_backlog: Callable[[], int | None] = no_outbox


def build_runtime(
    settings: Settings, *, content: Content | None = None, migrate_schema: bool = True
) -> Runtime:
    """Load and check content, open (and migrate) the database, and build the engine once."""
    content = content or load_checked_content()
    database = create_database_engine(settings.database_url, hide_parameters=True)
    if migrate_schema:
        migrate(database)
    engine = build_engine(content, admin_ids=settings.admin_ids)
    # Free text is encrypted at rest when ENCRYPTION_KEYS is set (see bot.crypto).
    cipher = cipher_from_setting(",".join(settings.encryption_keys))
    try:  # refuse to start on keys that open nothing stored, rather than fail every journal
        check_keys_open_stored_text(database, cipher)
    except CipherError as exc:
        database.dispose()
        raise SettingsError(str(exc)) from None
    service = TandemService(engine, database, cipher, owner=settings.owner)
    return Runtime(
        settings,
        content,
        engine,
        database,
        service,
        outbox_backlog=functools.partial(count_outbox, database),
    )


def chart_renderer() -> ChartRenderer | None:
    """The progress chart renderer, if that feature is installed."""
    try:
        from bot import progress_chart
    except ImportError:
        return None
    renderer: ChartRenderer | None = getattr(progress_chart, "render_chart", None)
    return renderer


def build_application(
    runtime: Runtime,
    *,
    request: BaseRequest | None = None,
    updates_request: BaseRequest | None = None,
) -> Application:
    """The Telegram application with Tandem's one handler, error handler and command menu."""
    settings = runtime.settings
    builder = (
        ApplicationBuilder()
        .application_class(LeanApplication)
        .token(settings.bot_token)
        .base_url(settings.api_base_url)
        .base_file_url(settings.file_base_url)
        .concurrent_updates(PerUserUpdateProcessor(settings.concurrent_updates))
        # Replies never wait; daily prompts use the budget replies leave (bot.rate_limit).
        .rate_limiter(ConversationFirstRateLimiter(SendBudget(settings.daily_send_rate)))
        .post_init(_register_commands(runtime))
        .post_stop(_stop_jobs)
        # Also when start-up fails after post_init (e.g. the webhook port is taken): no task
        # may be left pending, or asyncio prints a warning after our one-line explanation.
        .post_shutdown(_stop_jobs)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(updates_request or request)
    else:
        # PTB's own getUpdates connection (one connection), noting each answer for /healthz.
        builder = builder.get_updates_request(
            PollWatchingRequest(runtime.monitor.poll_answered, connection_pool_size=1)
        )
    application = builder.build()
    adapter = TelegramAdapter(
        runtime.service, chart_renderer=chart_renderer(), monitor=runtime.monitor
    )
    adapter.sweep = OutboxSweep(adapter, application.bot)
    application.bot_data["adapter"] = adapter
    application.bot_data["intake"] = Intake(application, adapter)
    application.bot_data["error_text"] = runtime.content.text("common.error")
    application.bot_data["not_kept_text"] = runtime.content.text("common.not_kept")
    application.add_handler(TypeHandler(Update, adapter.on_update))
    application.add_error_handler(on_error)
    application.bot_data["daily_scheduler"] = build_daily_scheduler(runtime, application.bot)
    application.bot_data["tidy_job"] = build_tidy_job(runtime, application.bot)
    application.bot_data["preparation_notices"] = build_preparation_notices(
        runtime, application.bot
    )
    return application


async def start_outbox(application: Application) -> None:
    """Take back this worker's leases from before a restart, then start the outbox sweep."""
    adapter = application.bot_data.get("adapter")
    if not isinstance(adapter, TelegramAdapter) or adapter.sweep is None:
        return
    service = adapter.service
    try:
        replies, prompts = await service.run(service.transit.take_over_own, datetime.now(UTC))
        if replies or prompts:
            logger.info(
                "took back %d unsent reply set(s) and %d claimed prompt(s) after a restart",
                replies,
                prompts,
            )
    except Exception as exc:  # the database is away: the leases simply run out instead
        logger.warning("could not take back earlier leases: %s", type(exc).__name__)
    adapter.sweep.start()


async def _stop_jobs(application: Application) -> None:
    """Stop the database-driven jobs (daily prompts, tidying, preparation notices) and the
    outbox sweep."""
    await stop_daily_prompts(application)
    await stop_tidy_job(application)
    await stop_preparation_notices(application)
    adapter = application.bot_data.get("adapter")
    if isinstance(adapter, TelegramAdapter) and adapter.sweep is not None:
        await adapter.sweep.stop()


def bot_commands(runtime: Runtime) -> list[BotCommand]:
    """The command menu Telegram shows next to the text field."""
    return [
        BotCommand(spec.name, runtime.content.text(spec.description_key or ""))
        for spec in runtime.engine.visible_commands()
    ]


def _register_commands(runtime: Runtime) -> Callable[[Application], Coroutine[Any, Any, None]]:
    async def post_init(application: Application) -> None:
        # The crisis detector's model trains on first use; start it now, off the event loop.
        crisis_warm_up()
        await application.bot.set_my_commands(bot_commands(runtime))
        logger.info("registered %d commands", len(bot_commands(runtime)))
        await start_outbox(application)
        start_daily_prompts(application)
        start_preparation_notices(application)
        announce_when_running(application)
        start_tidy_job(application)

    return post_init
