"""Starting the bot: one honest line for each expected failure, one line once it is running.

An operator's first minutes decide whether they trust the service. Every failure we can
foresee (a token Telegram rejects, no network, a server that never answers, a database that
is down, slow or refuses us) ends with one line on stderr that says what is wrong and how to
fix it, and a non-zero exit code: 2 when a setting or a permission must change, 3 when
something Tandem needs cannot be reached (starting again later may work). No traceback and no
secret: the line is built from what we know, and masked all the same.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from sqlalchemy.exc import DBAPIError
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError, TimedOut
from telegram.ext import Application, ContextTypes

from bot.log_privacy import REDACTED
from bot.settings import DEFAULT_API_BASE_URL, Settings
from bot.storage.database import POSTGRES_CONNECT_TIMEOUT_SECONDS, normalize_url

EXIT_CONFIGURATION = 2  # a setting, a permission or the content must change
EXIT_UNREACHABLE = 3  # Telegram or the database cannot be reached; a later start may work
RUN_MODE = "run_mode"  # bot_data key: "polling" or "webhook"
PTB_UTILS_LOGGER = "telegram.ext"  # PTB names the logger of its network retry loop this way

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StartupFailure:
    """What went wrong, in one line, and the exit code."""

    message: str
    exit_code: int


def running_line(username: str, mode: str) -> str:
    """The one line that says Tandem is up, and where to find it."""
    return f"Tandem is running as @{username} ({mode}). Open https://t.me/{username}"


def announce_when_running(application: Application) -> None:
    """Print `running_line` once updates flow (from post_init: the job queue starts last).

    python-telegram-bot starts the job queue after the updater (polling) or the webhook
    server is up, so a job due "now" runs exactly when Tandem is really running.
    """
    if application.job_queue is None:  # installed without the job-queue extra
        _print_running(application)
        return
    application.job_queue.run_once(
        _announce_job, when=0, name="announce", job_kwargs={"misfire_grace_time": None}
    )


async def _announce_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    _print_running(context.application)


def _print_running(application: Application) -> None:
    StartupQuiet.lift()
    mode = str(application.bot_data.get(RUN_MODE, "polling"))
    print(running_line(application.bot.username, mode), flush=True)


class StartupQuiet(logging.Filter):
    """Drops python-telegram-bot's traceback for a start-up call it gives up on.

    PTB logs that exception (traceback included) and then raises it to us; we turn it into one
    line, so its log copy would only bury that line. Once Tandem runs, the filter is lifted:
    from then on such a record is the only trace of a failure and must be seen.
    """

    active: StartupQuiet | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        """False for the network retry loop's 'Aborting' records."""
        return not (
            record.name == PTB_UTILS_LOGGER
            and record.levelno >= logging.ERROR
            and "Aborting" in record.getMessage()
        )

    @classmethod
    def install(cls) -> None:
        """Attach to every root handler until `lift`."""
        cls.lift()
        cls.active = cls()
        for handler in logging.getLogger().handlers:
            handler.addFilter(cls.active)

    @classmethod
    def lift(cls) -> None:
        """Detach (Tandem is running)."""
        if cls.active is not None:
            for handler in logging.getLogger().handlers:
                handler.removeFilter(cls.active)
            cls.active = None


def mask(line: str, secrets: list[str], words: Sequence[str] = ()) -> str:
    """`line` with every secret replaced (belt and braces: we never put one in).

    `words` (a database password, maybe short) are masked only as whole words, so that a
    password like "fix" cannot eat into the text around it.
    """
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        line = line.replace(secret, REDACTED)
    for word in {w for w in words if w}:
        line = re.sub(rf"(?<![\w-]){re.escape(word)}(?![\w-])", REDACTED, line)
    return line


def _chain(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _network_reason(exc: BaseException) -> str:
    for link in _chain(exc):
        if isinstance(link, OSError) and link.errno in (errno.ECONNREFUSED,):
            return "connection refused"
        text = str(link).lower()
        if "name resolution" in text or "name or service not known" in text:
            return "its name could not be resolved: no network or no DNS"
        if "connection refused" in text:
            return "connection refused"
        if "network is unreachable" in text or "no route to host" in text:
            return "the network is unreachable"
    return "the connection failed"


def explain_telegram(exc: TelegramError, settings: Settings, mode: str) -> StartupFailure:
    """One line for a Bot API call that failed while starting."""
    host = urlparse(settings.api_base_url).netloc or settings.api_base_url
    custom_api = settings.api_base_url != DEFAULT_API_BASE_URL
    if isinstance(exc, InvalidToken):
        also = (
            f", or TELEGRAM_API_BASE_URL ({host}) is not a Bot API server" if custom_api else ""
        )
        return StartupFailure(
            f"Telegram rejected BOT_TOKEN: it is wrong, still a placeholder, "
            f"or was revoked{also}. Fix: copy the current token from @BotFather (/mybots → "
            "your bot → API Token) into BOT_TOKEN",
            EXIT_CONFIGURATION,
        )
    if isinstance(exc, TimedOut):
        return StartupFailure(
            f"Telegram ({host}) did not answer in time. Fix: check this machine's internet "
            "connection, proxy (HTTPS_PROXY) and firewall"
            + (", and TELEGRAM_API_BASE_URL" if custom_api else "")
            + ", then start Tandem again",
            EXIT_UNREACHABLE,
        )
    if isinstance(exc, NetworkError):
        return StartupFailure(
            f"cannot reach Telegram at {host} ({_network_reason(exc)}). Fix: check this "
            "machine's internet connection, proxy (HTTPS_PROXY) and firewall"
            + (", and TELEGRAM_API_BASE_URL" if custom_api else "")
            + ", then start Tandem again",
            EXIT_UNREACHABLE,
        )
    if isinstance(exc, BadRequest) and mode == "webhook":
        return StartupFailure(
            f"Telegram refused the webhook ({exc.message}). Fix: WEBHOOK_URL must be a public "
            "https:// address on port 443, 80, 88 or 8443 with a valid certificate",
            EXIT_CONFIGURATION,
        )
    return StartupFailure(
        f"Telegram refused a start-up call ({type(exc).__name__}: {exc.message}). Fix: check "
        "BOT_TOKEN and TELEGRAM_API_BASE_URL, then start Tandem again",
        EXIT_CONFIGURATION,
    )


def _database_name(settings: Settings) -> str:
    url = normalize_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        return f"the SQLite database {url.database or ':memory:'}"
    port = url.port or 5432
    return f"PostgreSQL at {url.host or 'localhost'}:{port}"


def explain_database(exc: DBAPIError, settings: Settings) -> StartupFailure:
    """One line for a database that cannot be opened, migrated or used."""
    where = _database_name(settings)
    url = normalize_url(settings.database_url)
    user = url.username or os.environ.get("USER", "the user")
    name = url.database or "the database"
    orig = exc.orig
    first = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    reason = first.lower()
    if getattr(orig, "sqlstate", None) == "42501" or "permission denied" in reason:
        return StartupFailure(
            f"{where}: user {user!r} may not create Tandem's tables ({first}). Fix: as the "
            f'database owner or a superuser run  GRANT CREATE ON SCHEMA public TO "{user}";  '
            f'in database {name!r} (or make {user!r} its owner: ALTER DATABASE "{name}" '
            f'OWNER TO "{user}";)',
            EXIT_CONFIGURATION,
        )
    if "timeout" in reason:
        timeout = url.query.get("connect_timeout", POSTGRES_CONNECT_TIMEOUT_SECONDS)
        return StartupFailure(
            f"{where} did not answer within {timeout} s. Fix: check the host and port in "
            "DATABASE_URL and that no firewall swallows the connection, then start again",
            EXIT_UNREACHABLE,
        )
    if "connection refused" in reason:
        return StartupFailure(
            f"{where} refused the connection: is PostgreSQL running and listening there? "
            "Fix: start it, or correct host and port in DATABASE_URL",
            EXIT_UNREACHABLE,
        )
    if "translate host name" in reason or "name or service not known" in reason:
        return StartupFailure(
            f"{where}: the host name could not be resolved. Fix: correct the host in "
            "DATABASE_URL (or check DNS)",
            EXIT_UNREACHABLE,
        )
    if "unreachable" in reason or "no route to host" in reason:
        return StartupFailure(
            f"{where} cannot be reached (the network is unreachable). Fix: check the host in "
            "DATABASE_URL and this machine's network",
            EXIT_UNREACHABLE,
        )
    if "invalid response to ssl negotiation" in reason:
        return StartupFailure(
            f"something answered at {where}, but not PostgreSQL. Fix: correct the host and "
            "port in DATABASE_URL",
            EXIT_UNREACHABLE,
        )
    if "password authentication failed" in reason or "no password supplied" in reason or (
        "role" in reason and "does not exist" in reason
    ):
        return StartupFailure(
            f"{where} refused user {user!r} (wrong password or unknown user). Fix: correct "
            "the user and password in DATABASE_URL",
            EXIT_CONFIGURATION,
        )
    if "database" in reason and "does not exist" in reason:
        return StartupFailure(
            f"{where} has no database {name!r}. Fix: create it, e.g. createdb -O {user} {name}",
            EXIT_CONFIGURATION,
        )
    if "unable to open database file" in reason or "readonly database" in reason:
        return StartupFailure(
            f"cannot open or write {where} ({first}). Fix: make sure its folder exists and "
            "this user may write there, or point DATABASE_URL elsewhere",
            EXIT_CONFIGURATION,
        )
    return StartupFailure(
        f"cannot use {where} ({first}). Fix: check DATABASE_URL and that the server is up",
        EXIT_UNREACHABLE,
    )


def explain_os_error(exc: OSError, settings: Settings, mode: str) -> StartupFailure | None:
    """One line for a folder we may not create or a port we may not listen on."""
    if exc.errno == errno.EADDRINUSE and mode == "webhook":
        return StartupFailure(
            f"cannot listen on {settings.webhook_listen}:{settings.webhook_port} for the webhook "
            "(the port is already in use). Fix: stop what uses it or choose another "
            "WEBHOOK_PORT",
            EXIT_CONFIGURATION,
        )
    if isinstance(exc, PermissionError):
        return StartupFailure(
            f"permission denied: {exc.filename or exc.strerror}. Fix: run Tandem as a user "
            "who may write there (the SQLite database's folder), or change DATABASE_URL",
            EXIT_CONFIGURATION,
        )
    return None


def explain_failure(exc: BaseException, settings: Settings, mode: str) -> StartupFailure | None:
    """The one line for an expected start-up failure; None for anything unforeseen."""
    failure: StartupFailure | None = None
    if isinstance(exc, TelegramError):
        failure = explain_telegram(exc, settings, mode)
    elif isinstance(exc, DBAPIError) and exc.orig is not None:
        failure = explain_database(exc, settings)
    elif isinstance(exc, OSError):
        failure = explain_os_error(exc, settings, mode)
    if failure is None:
        return None
    password = normalize_url(settings.database_url).password or ""
    return StartupFailure(
        mask(failure.message, settings.secrets, [str(password)]), failure.exit_code
    )


def report_unexpected(exc: BaseException) -> None:
    """A failure nobody foresaw: its traceback through the logging filter (secrets masked)."""
    logger.critical(
        "Tandem stopped on an unexpected error: %s", type(exc).__name__, exc_info=exc
    )
    print(
        f"Tandem stopped on an unexpected error ({type(exc).__name__}); the log above has "
        "the details (secrets masked). Please report it.",
        file=sys.stderr,
    )


def run_bot(runtime: Any, application: Application, *, webhook: bool) -> None:
    """Serve /healthz and /metrics (unless METRICS_PORT=0), then run until stopped."""
    from bot.monitoring import DatabaseGauges, HealthCheck, OpsServer

    settings: Settings = runtime.settings
    mode = "webhook" if webhook else "polling"
    application.bot_data[RUN_MODE] = mode
    ops: OpsServer | None = None
    if settings.metrics_port:
        stale_after = max(90.0, 3.0 * settings.daily_tick_seconds) if webhook else 90.0
        health = HealthCheck(runtime.monitor, runtime.database, mode=mode, stale_after=stale_after)
        runtime.monitor.registry.register(
            DatabaseGauges(runtime.database, runtime.outbox_backlog)
        )
        ops = OpsServer(runtime.monitor.registry, health)
        ops.start(settings.metrics_listen, settings.metrics_port)
        logger.info(
            "health and metrics on http://%s:%d/healthz and /metrics",
            settings.metrics_listen,
            ops.port,
        )
    StartupQuiet.install()
    try:
        # Tandem's own intake (bot.intake): an update is acknowledged only once it is stored.
        from bot.webhook import run_polling, run_webhook

        if webhook:
            run_webhook(application, settings)
        else:
            run_polling(application, settings)
    finally:
        StartupQuiet.lift()
        if ops is not None:
            ops.stop()
