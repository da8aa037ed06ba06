"""Webhook mode: Telegram posts updates to us over HTTPS; every request must carry the secret.

python-telegram-bot's webhook server (tornado) does the HTTP part: it registers the webhook with
`secret_token`, and answers 403 to any request whose `X-Telegram-Bot-Api-Secret-Token` header is
missing or wrong, before the body is even parsed. Tandem listens on loopback by default: put a
TLS-terminating reverse proxy (nginx, Caddy) in front and point `WEBHOOK_URL` at it.
Redelivered updates (Telegram retries when we answer slowly) are harmless: each update id is
processed once (see bot.service).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from telegram.ext import Application

from bot.settings import Settings, SettingsError

ALLOWED_UPDATES = ["message", "callback_query"]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


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
    """Serve updates over HTTP until stopped (blocking, like `run_polling`)."""
    application.run_webhook(**webhook_options(settings))
