"""The daily-prompt ledger: who is due, claimed once per local date, and how sending went.

The database decides who is due: `users.next_prompt_due_utc` (indexed) is compared with now, so
a tick reads only the due rows, in due order, a batch at a time. Claiming a person is one
transaction that writes the ledger row (unique per person and local date) and advances their
next due time together, so a restart or a second worker can never claim the same prompt twice.

On PostgreSQL the due rows are locked with `FOR UPDATE SKIP LOCKED`: several bot processes can
tick at once and each person is claimed by exactly one of them, without anyone waiting on
another's locks. On SQLite one process is the supported setup (SQLite has no row locks; the
unique ledger row still prevents a double claim, but two processes would take turns on the
whole database).

Sending happens outside the claiming transaction (no lock is held during HTTP). A claimed row
is leased to its sender until `retry_at`; if the process dies before it starts sending, the
lease runs out and any worker picks the row up again, if it is still the person's local day.
A restarted worker takes its own claimed rows back at once (`owner`, see
bot.storage.transit.TransitStore.take_over_own). Once the sender holds its rate-limit token,
right before the HTTP request, the row becomes `sending` (fenced by its attempt number, so a
sender whose lease was taken over stands back). Only a process that dies during that request
leaves a row whose fate nobody knows; it stays `sending` and is not repeated: Tandem prefers
a missing prompt on that one day to a prompt sent twice.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.storage.models import Delivery, Entry, User
from content.daily import DAILY_THEMES, DailyPrompt
from flows.daily import SEEN_PREF, prompts_for
from flows.daily_schedule import choose_prompt, local_date_of, plan_delivery, seen_after
from flows.discreet import neutral_notifications, silent_notifications

logger = logging.getLogger(__name__)

users = cast(Table, User.__table__)
deliveries = cast(Table, Delivery.__table__)
entries = cast(Table, Entry.__table__)

STATUS_CLAIMED = "claimed"  # leased to one sender until retry_at
STATUS_SENDING = "sending"  # the HTTP request is under way (never picked up again)
STATUS_RETRY = "retry"  # failed for now (network, server); try again at retry_at
STATUS_SENT = "sent"
STATUS_BLOCKED = "blocked"  # 403: the person blocked the bot; they are marked inactive
STATUS_FAILED = "failed"  # gave up after max_attempts
STATUS_EXPIRED = "expired"  # the person's local day ended before it could be sent
PENDING = (STATUS_CLAIMED, STATUS_RETRY)

DEFAULT_LEASE = timedelta(minutes=5)
DEFAULT_MAX_ATTEMPTS = 6
SELFCHECK_KIND = "selfcheck"  # entries whose data["scores"] say which dimension is weakest


@dataclass(frozen=True)
class ClaimedPrompt:
    """One prompt this process now owns and must send (or report back on)."""

    delivery_id: int
    user_id: int
    chat_id: int
    prompt_id: str
    local_date: date
    attempts: int
    neutral: bool = False  # discreet mode: one neutral line instead of the question
    silent: bool = False  # discreet mode: no sound or vibration


@dataclass
class ClaimBatch:
    """What one claim did: the prompts to send, and how many due rows it looked at.

    A batch can hold no prompts while rows were still seen (people overdue from an earlier
    local day are only moved to their next due time); the tick must keep going then, because
    people due today may be waiting behind them in due order.
    """

    prompts: list[ClaimedPrompt] = field(default_factory=list)
    rows_seen: int = 0

    def __len__(self) -> int:
        return len(self.prompts)

    def __iter__(self) -> Iterator[ClaimedPrompt]:
        return iter(self.prompts)

    def __bool__(self) -> bool:
        """True while there was anything to do: prompts claimed or due rows moved on."""
        return self.rows_seen > 0 or bool(self.prompts)


def notification_style(prefs: dict[str, Any] | None) -> tuple[bool, bool]:
    """(neutral, silent): how the person asked prompts to look and sound (discreet mode)."""
    return neutral_notifications(prefs or {}), silent_notifications(prefs or {})


class DeliveryLedger:
    """Claims due daily prompts in the database and records what became of each."""

    def __init__(
        self,
        database: Engine,
        prompts: Sequence[DailyPrompt],
        *,
        lease: timedelta = DEFAULT_LEASE,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        rng: random.Random | None = None,
        owner: str | None = None,
    ) -> None:
        self.database = database
        self.owner = owner  # this worker's name, so that it takes its claims back at restart
        self.prompts = tuple(prompts)
        self.lease = lease
        self.max_attempts = max_attempts
        self.rng = rng or random.Random()
        self.is_postgresql = database.dialect.name == "postgresql"

    # Claiming

    def claim(self, now: datetime, limit: int) -> list[ClaimedPrompt]:
        """Claim up to `limit` prompts: retries whose time has come first, then due people."""
        return self.claim_batch(now, limit).prompts

    def claim_batch(self, now: datetime, limit: int) -> ClaimBatch:
        """Like `claim`, also saying how many rows were looked at (the tick loops while > 0)."""
        retries = self.claim_retries_batch(now, limit)
        batch = ClaimBatch(list(retries.prompts), retries.rows_seen)
        if retries.rows_seen < limit:
            due = self.claim_due(now, limit - retries.rows_seen)
            batch.prompts += due.prompts
            batch.rows_seen += due.rows_seen
        return batch

    def due_users_query(self, now: datetime, limit: int) -> Any:
        """The SELECT that finds due people: an index range scan on next_prompt_due_utc."""
        statement = (
            select(
                users.c.user_id,
                users.c.chat_id,
                users.c.timezone,
                users.c.daily_time,
                users.c.daily_paused_until,
                users.c.daily_skip_date,
                users.c.next_prompt_due_utc,
                users.c.prefs,
            )
            .where(
                users.c.next_prompt_due_utc <= now,
                users.c.daily_enabled.is_(True),
                users.c.active.is_(True),
            )
            .order_by(users.c.next_prompt_due_utc)
            .limit(limit)
        )
        if self.is_postgresql:
            statement = statement.with_for_update(skip_locked=True)
        return statement

    def claim_due(self, now: datetime, limit: int) -> ClaimBatch:
        """One transaction: lock up to `limit` due people, write their ledger rows, advance them.

        A person whose due time passed on an earlier local day (the bot was down) is only
        advanced; one whose due time passed earlier today gets today's prompt now. The batch
        counts every row seen, so a batch of only-advanced people is not mistaken for "done".
        """
        with self.database.begin() as connection:
            rows = connection.execute(self.due_users_query(now, limit)).all()
            if not rows:
                return ClaimBatch()
            advances: list[dict[str, Any]] = []
            to_send: list[tuple[Any, date]] = []
            for row in rows:
                try:
                    plan = plan_delivery(
                        row.next_prompt_due_utc,
                        now,
                        time.fromisoformat(row.daily_time or ""),
                        row.timezone,
                        row.daily_paused_until,
                        row.daily_skip_date,
                    )
                except ValueError:
                    # A schedule that cannot be read stops here instead of failing every tick;
                    # the person's next change in /daily writes a fresh one.
                    logger.warning("unreadable daily schedule for user %s; stopped", row.user_id)
                    advances.append({"b_user": row.user_id, "b_due": None})
                    continue
                advances.append({"b_user": row.user_id, "b_due": plan.next_due_utc})
                if plan.send_for is not None:
                    to_send.append((row, plan.send_for))
            claimed = self._insert_deliveries(connection, to_send, now)
            connection.execute(
                update(users)
                .where(users.c.user_id == bindparam("b_user"))
                .values(next_prompt_due_utc=bindparam("b_due")),
                advances,
            )
            return ClaimBatch(claimed, len(rows))

    def _insert_deliveries(
        self, connection: Connection, to_send: list[tuple[Any, date]], now: datetime
    ) -> list[ClaimedPrompt]:
        if not to_send:
            return []
        weakest = self._weakest_themes(connection, [row.user_id for row, _ in to_send])
        chosen: dict[int, tuple[Any, date, DailyPrompt]] = {}
        values = []
        for row, local_date in to_send:
            seen = (row.prefs or {}).get(SEEN_PREF, [])
            pool = prompts_for(self.prompts, row.prefs or {})
            prompt = choose_prompt(pool, seen, weakest.get(row.user_id), self.rng)
            chosen[row.user_id] = (row, local_date, prompt)
            values.append(
                {
                    "user_id": row.user_id,
                    "local_date": local_date,
                    "prompt_id": prompt.id,
                    "status": STATUS_CLAIMED,
                    "attempts": 1,
                    "claimed_at": now,
                    "retry_at": now + self.lease,
                    "owner": self.owner,
                }
            )
        maker = pg_insert if self.is_postgresql else sqlite_insert
        statement = (
            maker(deliveries)
            .values(values)
            .on_conflict_do_nothing(index_elements=["user_id", "local_date"])
            .returning(deliveries.c.id, deliveries.c.user_id)
        )
        inserted = {row.user_id: row.id for row in connection.execute(statement)}
        claimed = []
        seen_updates = []
        for user_id, delivery_id in inserted.items():
            row, local_date, prompt = chosen[user_id]
            seen = (row.prefs or {}).get(SEEN_PREF, [])
            prefs = dict(row.prefs or {})
            pool = prompts_for(self.prompts, prefs)
            prefs[SEEN_PREF] = sorted(seen_after(pool, seen, prompt.id))
            seen_updates.append({"b_user": user_id, "b_prefs": prefs})
            claimed.append(
                ClaimedPrompt(
                    delivery_id,
                    user_id,
                    row.chat_id,
                    prompt.id,
                    local_date,
                    1,
                    *notification_style(row.prefs),
                )
            )
        if seen_updates:
            connection.execute(
                update(users)
                .where(users.c.user_id == bindparam("b_user"))
                .values(prefs=bindparam("b_prefs")),
                seen_updates,
            )
        skipped = len(to_send) - len(inserted)
        if skipped:
            logger.info("%d prompts were already in the ledger for that day; not again", skipped)
        return claimed

    def _weakest_themes(self, connection: Connection, user_ids: Sequence[int]) -> dict[int, str]:
        """Each person's weakest dimension in their latest self-check, where they took one."""
        latest = (
            select(func.max(entries.c.id).label("id"))
            .where(entries.c.kind == SELFCHECK_KIND, entries.c.user_id.in_(user_ids))
            .group_by(entries.c.user_id)
            .scalar_subquery()
        )
        rows = connection.execute(
            select(entries.c.user_id, entries.c.data).where(entries.c.id.in_(latest))
        )
        weakest: dict[int, str] = {}
        for row in rows:
            scores = (row.data or {}).get("scores") or {}
            known = [
                (score, DAILY_THEMES.index(theme), theme)
                for theme, score in scores.items()
                if theme in DAILY_THEMES and isinstance(score, int | float)
            ]
            if known:
                weakest[row.user_id] = min(known)[2]
        return weakest

    def claim_retries(self, now: datetime, limit: int) -> list[ClaimedPrompt]:
        """Take back prompts whose retry time or lease ran out, if still the person's day."""
        return self.claim_retries_batch(now, limit).prompts

    def claim_retries_batch(self, now: datetime, limit: int) -> ClaimBatch:
        """`claim_retries`, also counting rows that only expired or were marked blocked."""
        statement = (
            select(
                deliveries.c.id,
                deliveries.c.user_id,
                deliveries.c.prompt_id,
                deliveries.c.local_date,
                deliveries.c.attempts,
                users.c.chat_id,
                users.c.timezone,
                users.c.active,
                users.c.prefs,
            )
            .join(users, users.c.user_id == deliveries.c.user_id)
            .where(deliveries.c.status.in_(PENDING), deliveries.c.retry_at <= now)
            .order_by(deliveries.c.retry_at)
            .limit(limit)
        )
        if self.is_postgresql:
            statement = statement.with_for_update(skip_locked=True, of=deliveries)
        with self.database.begin() as connection:
            rows = connection.execute(statement).all()
            claimed: list[ClaimedPrompt] = []
            outcomes: list[dict[str, Any]] = []
            for row in rows:
                if not row.active:
                    outcomes.append(_outcome(row.id, STATUS_BLOCKED, row.attempts, None))
                elif row.local_date != _local_today(now, row.timezone):
                    outcomes.append(_outcome(row.id, STATUS_EXPIRED, row.attempts, None))
                else:
                    attempts = row.attempts + 1
                    outcomes.append(_outcome(row.id, STATUS_CLAIMED, attempts, now + self.lease))
                    claimed.append(
                        ClaimedPrompt(
                            row.id,
                            row.user_id,
                            row.chat_id,
                            row.prompt_id,
                            row.local_date,
                            attempts,
                            *notification_style(row.prefs),
                        )
                    )
            if outcomes:
                for outcome in outcomes:
                    outcome["b_owner"] = self.owner
                connection.execute(_outcome_statement(), outcomes)
            return ClaimBatch(claimed, len(rows))

    # Outcomes

    def begin_send(self, delivery_id: int, attempts: int) -> bool:
        """Mark the prompt as in flight; False if this sender's claim was taken over meanwhile."""
        with self.database.begin() as connection:
            result = connection.execute(
                update(deliveries)
                .where(
                    deliveries.c.id == delivery_id,
                    deliveries.c.status == STATUS_CLAIMED,
                    deliveries.c.attempts == attempts,
                )
                .values(status=STATUS_SENDING, retry_at=None)
            )
            return result.rowcount == 1

    def release(self, delivery_id: int, until: datetime) -> None:
        """Telegram refused the request (429): back to claimed, leased to us until `until`."""
        with self.database.begin() as connection:
            connection.execute(
                update(deliveries)
                .where(deliveries.c.id == delivery_id, deliveries.c.status == STATUS_SENDING)
                .values(status=STATUS_CLAIMED, retry_at=until)
            )

    def mark_sent(self, delivery_id: int, now: datetime) -> None:
        """The prompt reached Telegram."""
        with self.database.begin() as connection:
            connection.execute(
                update(deliveries)
                .where(deliveries.c.id == delivery_id)
                .values(status=STATUS_SENT, sent_at=now, retry_at=None)
            )

    def mark_blocked(self, delivery_id: int, user_id: int) -> None:
        """403: the person blocked the bot. No more prompts until they write again."""
        with self.database.begin() as connection:
            connection.execute(
                update(deliveries)
                .where(deliveries.c.id == delivery_id)
                .values(status=STATUS_BLOCKED, retry_at=None)
            )
            # Clearing the due time keeps them out of every tick's index range; the daily
            # feature reschedules them when they write again (and become active).
            connection.execute(
                update(users)
                .where(users.c.user_id == user_id)
                .values(active=False, next_prompt_due_utc=None)
            )

    def mark_retry(self, delivery_id: int, now: datetime, delay: timedelta) -> str:
        """A passing failure: try again after `delay`, or give up after max_attempts."""
        with self.database.begin() as connection:
            attempts = connection.execute(
                select(deliveries.c.attempts).where(deliveries.c.id == delivery_id)
            ).scalar_one()
            if attempts >= self.max_attempts:
                status, retry_at = STATUS_FAILED, None
            else:
                status, retry_at = STATUS_RETRY, now + delay
            connection.execute(
                update(deliveries)
                .where(deliveries.c.id == delivery_id)
                .values(status=status, retry_at=retry_at)
            )
            return status

    def mark_failed(self, delivery_id: int) -> None:
        """A prompt that can never be sent (e.g. removed from content)."""
        with self.database.begin() as connection:
            connection.execute(
                update(deliveries)
                .where(deliveries.c.id == delivery_id)
                .values(status=STATUS_FAILED, retry_at=None)
            )

    def extend_lease(self, delivery_ids: Iterable[int], until: datetime) -> None:
        """Keep prompts leased while this process waits out a 429, so nobody else takes them."""
        ids = list(delivery_ids)
        if not ids:
            return
        with self.database.begin() as connection:
            connection.execute(
                update(deliveries)
                .where(deliveries.c.id.in_(ids), deliveries.c.status == STATUS_CLAIMED)
                .values(retry_at=until)
            )


def _local_today(now: datetime, tz_name: str) -> date | None:
    try:
        return local_date_of(now, tz_name)
    except ValueError:
        return None


def _outcome(
    delivery_id: int, status: str, attempts: int, retry_at: datetime | None
) -> dict[str, Any]:
    return {"b_id": delivery_id, "b_status": status, "b_attempts": attempts, "b_retry": retry_at}


def _outcome_statement() -> Any:
    return (
        update(deliveries)
        .where(deliveries.c.id == bindparam("b_id"))
        .values(
            status=bindparam("b_status"),
            attempts=bindparam("b_attempts"),
            retry_at=bindparam("b_retry"),
            owner=bindparam("b_owner"),
        )
    )
