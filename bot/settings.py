"""Typed settings, read once from the environment (and `.env` via python-dotenv).

A missing or malformed setting raises `SettingsError`, whose message is one line naming the
setting and saying how to fix it; the command line prints it without a traceback.
"""

from __future__ import annotations

import logging
import os
import re
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from dotenv import dotenv_values

from bot.crypto import cipher_from_setting
from bot.log_privacy import PrivateLogFilter
from bot.storage.database import DatabaseUrlError, normalize_url

DEFAULT_DATABASE_URL = "sqlite:///data/tandem.db"
DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_FILE_BASE_URL = "https://api.telegram.org/file/bot"
TOKEN_SHAPE = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")
# The shape of a token, as in Telegram's own documentation; it passes TOKEN_SHAPE.
TOKEN_EXAMPLE = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
WEBHOOK_SECRET_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,256}$")


class SettingsError(Exception):
    """A setting is missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True)
class Settings:
    """Everything configurable about Tandem (see the table in README.md)."""

    bot_token: str = ""
    database_url: str = DEFAULT_DATABASE_URL
    api_base_url: str = DEFAULT_API_BASE_URL
    file_base_url: str = DEFAULT_FILE_BASE_URL
    log_level: str = "INFO"
    admin_ids: frozenset[int] = field(default_factory=frozenset)
    concurrent_updates: int = 16
    daily_tick_seconds: int = 30  # how often the daily-prompt job asks the database who is due
    daily_send_rate: float = 25.0  # daily prompts per second (per bot process); Telegram ~30
    encryption_keys: tuple[str, ...] = ()  # Fernet keys, newest first; empty: plain text
    webhook_url: str = ""  # public https URL Telegram posts updates to (webhook mode)
    webhook_secret: str = ""  # checked against Telegram's secret-token header
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    metrics_listen: str = "127.0.0.1"  # /healthz and /metrics (bot.monitoring)
    metrics_port: int = 9464  # 0: no health and metrics server
    # Names this process in claimed rows (outbox, daily prompts) so that, restarted, it takes
    # its own rows back at once. Several processes on one machine need different names.
    worker_name: str = ""

    @property
    def secrets(self) -> list[str]:
        """Values that must never appear in a log line."""
        return [self.bot_token, self.webhook_secret, *self.encryption_keys]

    @property
    def owner(self) -> str:
        """This worker's name in claimed rows: WORKER_NAME, or the machine's host name."""
        return self.worker_name or socket.gethostname()[:64] or "tandem"

    @property
    def is_postgresql(self) -> bool:
        """Whether the database is PostgreSQL (the scale-out backend)."""
        return normalize_url(self.database_url).get_backend_name() == "postgresql"


def _int(name: str, raw: str, minimum: int, maximum: int) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if not minimum <= value <= maximum:
        raise SettingsError(f"{name} must be between {minimum} and {maximum}, got {value}")
    return value


def _rate(name: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be messages per second, like 25, got {raw!r}") from None
    if not 0.1 <= value <= 1000:
        raise SettingsError(f"{name} must be between 0.1 and 1000 messages a second, got {raw}")
    return value


def _base_url(name: str, raw: str) -> str:
    if not re.match(r"^https?://[^\s/]+", raw):
        raise SettingsError(
            f"{name} must be an http(s) URL ending where the token goes, "
            f"e.g. http://127.0.0.1:8081/bot — got {raw!r}"
        )
    return raw


def load_settings(
    environ: Mapping[str, str] | None = None,
    *,
    dotenv_path: Path | None = Path(".env"),
    require_token: bool = True,
) -> Settings:
    """Read settings from `.env` (if present) overlaid by the environment, and validate them."""
    values: dict[str, str] = {}
    if dotenv_path is not None and dotenv_path.exists():
        values.update({k: v for k, v in dotenv_values(dotenv_path).items() if v is not None})
    values.update(os.environ if environ is None else environ)

    def get(name: str, default: str = "") -> str:
        return values.get(name, default).strip() or default

    token = get("BOT_TOKEN")
    if require_token and not token:
        raise SettingsError(
            "BOT_TOKEN is not set: open Telegram, talk to @BotFather, send /newbot, and put "
            f"the token it gives you in .env, like BOT_TOKEN={TOKEN_EXAMPLE}"
        )
    if token and not TOKEN_SHAPE.match(token):
        raise SettingsError(
            "BOT_TOKEN does not look like a bot token (digits, a colon, then at least 20 "
            f"letters, digits, _ or -, like {TOKEN_EXAMPLE}); copy it again from @BotFather"
        )
    database_url = get("DATABASE_URL", DEFAULT_DATABASE_URL)
    try:
        normalize_url(database_url)
    except DatabaseUrlError as exc:
        raise SettingsError(f"DATABASE_URL {exc}") from None
    log_level = get("LOG_LEVEL", "INFO").upper()
    if log_level not in LOG_LEVELS:
        raise SettingsError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {log_level!r}")
    admin_raw = [part.strip() for part in get("ADMIN_IDS").split(",") if part.strip()]
    if any(not part.lstrip("-").isdigit() for part in admin_raw):
        raise SettingsError(
            "ADMIN_IDS must be Telegram user ids separated by commas, e.g. 12345,67890"
        )
    encryption_keys = tuple(k.strip() for k in get("ENCRYPTION_KEYS").split(",") if k.strip())
    try:
        cipher_from_setting(",".join(encryption_keys))
    except ValueError as exc:
        raise SettingsError(str(exc)) from None
    webhook_secret = get("WEBHOOK_SECRET")
    if webhook_secret and not WEBHOOK_SECRET_SHAPE.match(webhook_secret):
        raise SettingsError(
            "WEBHOOK_SECRET must be 16 to 256 characters of A-Z, a-z, 0-9, _ and - "
            "(Telegram's rule); make one with: python -c 'import secrets; "
            "print(secrets.token_urlsafe(32))'"
        )
    webhook_url = get("WEBHOOK_URL")
    if webhook_url and not re.match(r"^https://[^\s/]+", webhook_url):
        raise SettingsError(
            "WEBHOOK_URL must be the public https:// address Telegram posts to, "
            f"got {webhook_url!r}"
        )
    return Settings(
        bot_token=token,
        database_url=database_url,
        api_base_url=_base_url(
            "TELEGRAM_API_BASE_URL", get("TELEGRAM_API_BASE_URL", DEFAULT_API_BASE_URL)
        ),
        file_base_url=_base_url(
            "TELEGRAM_FILE_BASE_URL", get("TELEGRAM_FILE_BASE_URL", DEFAULT_FILE_BASE_URL)
        ),
        log_level=log_level,
        admin_ids=frozenset(int(part) for part in admin_raw),
        concurrent_updates=_int("CONCURRENT_UPDATES", get("CONCURRENT_UPDATES", "16"), 1, 256),
        daily_tick_seconds=_int("DAILY_TICK_SECONDS", get("DAILY_TICK_SECONDS", "30"), 1, 3600),
        daily_send_rate=_rate("DAILY_SEND_RATE", get("DAILY_SEND_RATE", "25")),
        encryption_keys=encryption_keys,
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        webhook_listen=get("WEBHOOK_LISTEN", "127.0.0.1"),
        webhook_port=_int("WEBHOOK_PORT", get("WEBHOOK_PORT", "8443"), 1, 65535),
        metrics_listen=get("METRICS_LISTEN", "127.0.0.1"),
        metrics_port=_int("METRICS_PORT", get("METRICS_PORT", "9464"), 0, 65535),
        worker_name=_worker_name(get("WORKER_NAME")),
    )


def _worker_name(raw: str) -> str:
    if raw and not re.match(r"^[A-Za-z0-9_.:-]{1,64}$", raw):
        raise SettingsError(
            "WORKER_NAME must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '.', ':' and '-', "
            f"got {raw!r}"
        )
    return raw


def configure_logging(
    level: str, secrets: list[str] | None = None, *, stream: TextIO | None = None
) -> None:
    """Log to stderr (or `stream`) at `level`, never a token or a person's words.

    The HTTP client logs every request URL, and the URL carries the bot token; the Bot API
    client logs request parameters (people's messages) at DEBUG. Both stay at WARNING, and
    `PrivateLogFilter` on the handler drops their chatter even if someone turns them up.
    """
    logging.basicConfig(
        level=getattr(logging, level),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=stream,
        force=True,
    )
    for noisy in ("httpx", "httpcore", "telegram.Bot", "telegram.ext.ExtBot", "transitions"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    private = PrivateLogFilter(secrets or [])
    for handler in logging.getLogger().handlers:
        handler.addFilter(private)
