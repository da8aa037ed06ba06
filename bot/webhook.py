"""Webhook mode: Telegram posts updates to us over HTTPS; every request must carry the secret.

Tandem's own handler (bot.intake, on tornado) does the HTTP part: the webhook is registered with
`secret_token`; a request whose `X-Telegram-Bot-Api-Secret-Token` header is missing or wrong
gets 403 before its body is read; bodies over a megabyte get 413, anything that is not an
update 400 (the body is never logged); 200 only once the update is stored in the inbox.
Tandem listens on loopback by default: put a TLS-terminating reverse proxy (nginx, Caddy) in
front and point `WEBHOOK_URL` at it. Redelivered updates (Telegram retries when we answer
slowly) are harmless: each update id is processed once (see bot.service).
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlparse

from telegram.ext import Application

from bot.intake import ALLOWED_UPDATES, SECRET_HEADER, serve
from bot.settings import Settings, SettingsError

__all__ = ["ALLOWED_UPDATES", "SECRET_HEADER", "run_webhook", "webhook_options"]


def webhook_options(settings: Settings) -> dict[str, Any]:
    """Arguments for python-telegram-bot's webhook server, checked: a secret is required."""
    if not settings.webhook_url:
        raise SettingsError(
            "WEBHOOK_URL is not set: webhook mode needs the public https:// address Telegram "
            "should post to, e.g. https://bot.example.org/telegram"
        )
    if not settings.webhook_secret:
        raise SettingsError(
            "WEBHOOK_SECRET is not set: webhook mode refuses requests without Telegram's secret "
            "header; make one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": urlparse(settings.webhook_url).path.strip("/"),
        "webhook_url": settings.webhook_url,
        "secret_token": settings.webhook_secret,
        "allowed_updates": ALLOWED_UPDATES,
    }


def run_webhook(application: Application, settings: Settings) -> None:
    """Serve updates over HTTP until SIGINT or SIGTERM (blocking)."""
    webhook_options(settings)
    asyncio.run(serve(application, application.bot_data["intake"], settings, webhook=True))


def run_polling(application: Application, settings: Settings) -> None:
    """Long-poll for updates until SIGINT or SIGTERM (blocking)."""
    asyncio.run(serve(application, application.bot_data["intake"], settings, webhook=False))
