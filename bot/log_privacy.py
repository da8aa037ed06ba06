"""A logging filter that keeps people's words and Tandem's secrets out of every log line.

Our own log lines carry update ids, user ids and event kinds only. The libraries underneath are
chattier: at DEBUG python-telegram-bot logs whole updates ("Processing update ...", "Webhook
received data ...") and every Bot API call with its parameters, and its Bot logs its base URL,
which ends with the token; httpx logs request URLs (token included) at INFO. Lowering those
loggers' levels is the first line of defence (`configure_logging`); this filter, attached to
every handler, is the last: it drops their below-WARNING records whatever their level is set
to, and masks secrets in anything that still gets through, traceback text included.
"""

from __future__ import annotations

import logging

REDACTED = "[redacted]"
# Loggers whose chatty records may carry message texts, update payloads or token URLs.
LIBRARY_LOGGERS = (
    "telegram",
    "httpx",
    "httpcore",
    "tornado",
    "transitions",
    "apscheduler",
    "sqlalchemy",  # at INFO/DEBUG it logs statements and result rows: people's words
)


def _from_library(name: str) -> bool:
    """Whether a logger name belongs to one of the chatty libraries (or a child of one)."""
    return any(name == root or name.startswith(f"{root}.") for root in LIBRARY_LOGGERS)


class PrivateLogFilter(logging.Filter):
    """Drop library chatter below WARNING; mask secrets in message and traceback text."""

    def __init__(self, secrets: list[str]) -> None:
        """`secrets`: exact values (bot token, webhook secret, keys) never to be logged."""
        super().__init__()
        # Longest first, so a secret containing another is masked whole.
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        """False to drop the record; otherwise rewrite it with secrets masked."""
        if record.levelno < logging.WARNING and _from_library(record.name):
            return False
        if not self.secrets:
            return True
        message = record.getMessage()
        masked = self._mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self._mask(record.stack_info)
        return True

    def _mask(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text
