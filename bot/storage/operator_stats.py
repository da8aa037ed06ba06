"""Counts for operators (`python -m bot status`, `/metrics`): how many, never who or what.

Every figure is an aggregate over whole tables: no user id, no name, no text leaves here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import cast

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, Table, func, select

from bot.storage.database import alembic_config
from bot.storage.models import Delivery, User

users = cast(Table, User.__table__)
deliveries = cast(Table, Delivery.__table__)


@dataclass(frozen=True)
class OperatorStats:
    """Aggregate counts at one moment. 'Today' is the UTC day."""

    people: int
    reachable: int  # not marked inactive (they have not blocked the bot)
    active_today: int  # wrote or pressed something since UTC midnight
    active_week: int  # ... in the last 7 days
    daily_subscribed: int  # daily prompts switched on
    prompts_due_now: int  # due and not yet claimed by a sender
    prompts_still_due_today: int  # switched on, not yet claimed, due before UTC midnight
    prompts_today: dict[str, int] = field(default_factory=dict)  # claimed today, by status

    @property
    def prompts_due_today(self) -> int:
        """Prompts of this UTC day: already claimed (any outcome) plus those still to come."""
        return sum(self.prompts_today.values()) + self.prompts_still_due_today


def _count(connection: Connection, *conditions: object) -> int:
    statement = select(func.count()).select_from(users)
    for condition in conditions:
        statement = statement.where(condition)  # type: ignore[arg-type]
    return int(connection.execute(statement).scalar_one())


def read_operator_stats(connection: Connection, now: datetime | None = None) -> OperatorStats:
    """Count people, activity and today's daily prompts."""
    now = now or datetime.now(UTC)
    midnight = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    tomorrow = midnight + timedelta(days=1)
    wants_prompts = (users.c.daily_enabled.is_(True), users.c.active.is_(True))
    by_status = connection.execute(
        select(deliveries.c.status, func.count())
        .where(deliveries.c.claimed_at >= midnight)
        .group_by(deliveries.c.status)
    ).all()
    return OperatorStats(
        people=_count(connection),
        reachable=_count(connection, users.c.active.is_(True)),
        active_today=_count(connection, users.c.last_seen_at >= midnight),
        active_week=_count(connection, users.c.last_seen_at >= now - timedelta(days=7)),
        daily_subscribed=_count(connection, users.c.daily_enabled.is_(True)),
        prompts_due_now=_count(connection, *wants_prompts, users.c.next_prompt_due_utc <= now),
        prompts_still_due_today=_count(
            connection, *wants_prompts, users.c.next_prompt_due_utc < tomorrow
        ),
        prompts_today={str(status): int(count) for status, count in by_status},
    )


@dataclass(frozen=True)
class SchemaVersion:
    """The migration the database is at, and the newest this code knows."""

    current: str | None
    head: str | None

    @property
    def up_to_date(self) -> bool:
        """Whether no migration is waiting."""
        return self.current is not None and self.current == self.head


def read_schema_version(database: Engine) -> SchemaVersion:
    """Read the database's Alembic revision (None on an empty database) and the code's head."""
    head = ScriptDirectory.from_config(alembic_config(database)).get_current_head()
    with database.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return SchemaVersion(current, head)
