"""Counts for operators (`python -m bot status`, `/metrics`): how many, never who or what.

Every figure is an aggregate over whole tables: no user id, no name, no text leaves here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import cast

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, Table, and_, func, inspect, select

from bot.storage.database import alembic_config
from bot.storage.models import Delivery, OutboxMessage, User

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


def read_operator_stats(connection: Connection, now: datetime | None = None) -> OperatorStats:
    """Count people, activity and today's daily prompts (one pass over `users`)."""
    now = now or datetime.now(UTC)
    midnight = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    tomorrow = midnight + timedelta(days=1)
    wants_prompts = and_(users.c.daily_enabled.is_(True), users.c.active.is_(True))
    # FILTER aggregates: every count in one scan (about 6x cheaper than one query each).
    counts = connection.execute(
        select(
            func.count(),
            func.count().filter(users.c.active.is_(True)),
            func.count().filter(users.c.last_seen_at >= midnight),
            func.count().filter(users.c.last_seen_at >= now - timedelta(days=7)),
            func.count().filter(users.c.daily_enabled.is_(True)),
            func.count().filter(wants_prompts, users.c.next_prompt_due_utc <= now),
            func.count().filter(wants_prompts, users.c.next_prompt_due_utc < tomorrow),
        ).select_from(users)
    ).one()
    by_status = connection.execute(
        select(deliveries.c.status, func.count())
        .where(deliveries.c.claimed_at >= midnight)
        .group_by(deliveries.c.status)
    ).all()
    people, reachable, today, week, subscribed, due_now, due_today = (int(n) for n in counts)
    return OperatorStats(
        people=people,
        reachable=reachable,
        active_today=today,
        active_week=week,
        daily_subscribed=subscribed,
        prompts_due_now=due_now,
        prompts_still_due_today=due_today,
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


def count_outbox(database: Engine) -> int | None:
    """Reply sets stored and not yet sent (None while the outbox table does not exist)."""
    with database.connect() as connection:
        if not inspect(connection).has_table(OutboxMessage.__tablename__):
            return None
        count = select(func.count()).select_from(OutboxMessage)
        return int(connection.execute(count).scalar_one())
