"""`python -m bot status`: one screen for the operator, counts only (no person, no words)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TextIO

from sqlalchemy import Engine

from bot.settings import Settings
from bot.storage.database import normalize_url
from bot.storage.deliveries import (
    STATUS_BLOCKED,
    STATUS_EXPIRED,
    STATUS_FAILED,
    STATUS_SENT,
)
from bot.storage.operator_stats import (
    OperatorStats,
    SchemaVersion,
    read_operator_stats,
    read_schema_version,
)

UNDELIVERED = (STATUS_BLOCKED, STATUS_FAILED, STATUS_EXPIRED)


def database_label(settings: Settings) -> str:
    """Where the database is, without its password."""
    url = normalize_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        return f"SQLite {url.database}"
    return f"PostgreSQL {url.username or ''}@{url.host or 'localhost'}:{url.port or 5432}/" + (
        url.database or ""
    )


def render_status(
    settings: Settings,
    stats: OperatorStats | None,
    version: SchemaVersion,
    outbox: int | None,
    now: datetime,
) -> str:
    """The status screen as text."""
    if version.up_to_date:
        schema = f"{version.current} (up to date)"
    elif version.current is None:
        schema = f"empty (newest is {version.head}): run python -m bot migrate"
    else:
        schema = f"{version.current}, newest is {version.head}: run python -m bot migrate"
    keys = len(settings.encryption_keys)
    encryption = (
        f"on ({keys} key{'s' if keys != 1 else ''}, newest first)"
        if keys
        else "off (answers are stored as plain text; see ENCRYPTION_KEYS)"
    )
    lines = [
        f"Tandem status at {now:%Y-%m-%d %H:%M} UTC",
        f"  Database           {database_label(settings)}",
        f"  Schema version     {schema}",
        f"  Encryption at rest {encryption}",
    ]
    if stats is not None:
        today = stats.prompts_today
        sent = today.get(STATUS_SENT, 0)
        undelivered = sum(today.get(status, 0) for status in UNDELIVERED)
        to_send = stats.prompts_due_today - sent - undelivered
        lines += [
            f"  People             {stats.people} ({stats.reachable} reachable, "
            f"{stats.people - stats.reachable} blocked the bot)",
            f"  Active             {stats.active_today} today, {stats.active_week} this week "
            "(last 7 days)",
            f"  Daily prompts      on for {stats.daily_subscribed}; today (UTC): due "
            f"{stats.prompts_due_today}, sent {sent}, not delivered {undelivered}, "
            f"still to send {to_send}",
            f"                     due now and not yet picked up: {stats.prompts_due_now}",
        ]
    if outbox is None:
        lines.append("  Outbox             not present (replies are sent as soon as made)")
    else:
        replies = "reply" if outbox == 1 else "replies"
        lines.append(f"  Outbox             {outbox} {replies} waiting to be sent")
    return "\n".join(lines)


def status_command(
    settings: Settings,
    database: Engine,
    outbox_backlog: Callable[[], int | None],
    out: TextIO,
    now: datetime | None = None,
) -> int:
    """Print the status screen; 1 if the schema is not up to date (so scripts can check)."""
    now = now or datetime.now(UTC)
    version = read_schema_version(database)
    stats = None
    if version.current is not None:
        with database.connect() as connection:
            stats = read_operator_stats(connection, now)
    outbox = outbox_backlog() if version.current is not None else None
    print(render_status(settings, stats, version, outbox, now), file=out)
    return 0 if version.up_to_date else 1
