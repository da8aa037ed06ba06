"""The composition root: settings in, a ready python-telegram-bot `Application` out.

Tests call the same functions with an offline request object, so what they exercise is what
runs in production.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine as DatabaseEngine
from telegram import BotCommand, Update
from telegram.ext import Application, ApplicationBuilder, TypeHandler
from telegram.request import BaseRequest

from bot.crypto import cipher_from_setting
from bot.daily_scheduler import build_daily_scheduler, start_daily_prompts, stop_daily_prompts
from bot.intake import Intake
from bot.lean_application import LeanApplication
from bot.ordering import PerUserUpdateProcessor
from bot.outbox_sweep import OutboxSweep
from bot.rate_limit import ConversationFirstRateLimiter, SendBudget
from bot.service import TandemService
from bot.settings import Settings
from bot.storage.database import create_database_engine, migrate
from bot.telegram_adapter import ChartRenderer, TelegramAdapter, on_error
from content import Content
from content.check import load_checked_content
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
    service = TandemService(engine, database, cipher, owner=settings.owner)
    return Runtime(settings, content, engine, database, service)


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
        .post_stop(stop_background)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(updates_request or request)
    application = builder.build()
    adapter = TelegramAdapter(runtime.service, chart_renderer=chart_renderer())
    adapter.sweep = OutboxSweep(adapter, application.bot)
    application.bot_data["adapter"] = adapter
    application.bot_data["intake"] = Intake(application, adapter)
    application.bot_data["error_text"] = runtime.content.text("common.error")
    application.bot_data["not_kept_text"] = runtime.content.text("common.not_kept")
    application.add_handler(TypeHandler(Update, adapter.on_update))
    application.add_error_handler(on_error)
    application.bot_data["daily_scheduler"] = build_daily_scheduler(runtime, application.bot)
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


async def stop_background(application: Application) -> None:
    """Stop the daily prompts and the outbox sweep (from post_stop)."""
    await stop_daily_prompts(application)
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
        await application.bot.set_my_commands(bot_commands(runtime))
        logger.info("registered %d commands", len(bot_commands(runtime)))
        await start_outbox(application)
        start_daily_prompts(application)

    return post_init
