"""The database schema as typed SQLAlchemy models. Alembic migrations are checked against it.

Times are stored as naive UTC (`UtcDateTime` converts at the edge) so SQLite and PostgreSQL
behave the same.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in Python, naive UTC in the database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Store as naive UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Tandem stores UTC only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Read back as aware UTC."""
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Base of all Tandem tables."""

    type_annotation_map = {dict[str, Any]: JSON, datetime: UtcDateTime, date: Date}


class User(Base):
    """A person who talks to Tandem, keyed by their Telegram user id."""

    __tablename__ = "users"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    consent: Mapped[bool | None] = mapped_column(Boolean)
    consent_at: Mapped[datetime | None]
    language: Mapped[str | None] = mapped_column(String(16))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    daily_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    daily_time: Mapped[str | None] = mapped_column(String(5))
    daily_paused_until: Mapped[date | None]
    daily_skip_date: Mapped[date | None]
    next_prompt_due_utc: Mapped[datetime | None] = mapped_column(index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    prefs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Conversation(Base):
    """Where a person is in the conversation; `version` guards against lost updates."""

    __tablename__ = "conversations"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True
    )
    flow: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(64))
    context: Mapped[dict[str, Any]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime]


class Entry(Base):
    """Something a person wrote or chose: a reflection answer, a practice reply, a result."""

    __tablename__ = "entries"
    __table_args__ = (Index("ix_entries_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.user_id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(32))
    content_id: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime]


class FaqQuery(Base):
    """A question asked of the FAQ, its best match, and whether the answer helped."""

    __tablename__ = "faq_queries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.user_id", ondelete="CASCADE"), index=True
    )
    question: Mapped[str | None] = mapped_column(Text)
    matched_id: Mapped[str | None] = mapped_column(String(64), index=True)
    score: Mapped[float] = mapped_column(Float)
    helpful: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime]


class Delivery(Base):
    """One daily prompt per person per local date: the ledger that prevents double sends."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("user_id", "local_date", name="uq_deliveries_user_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.user_id", ondelete="CASCADE")
    )
    local_date: Mapped[date]
    prompt_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # claimed, sent, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    retry_at: Mapped[datetime | None] = mapped_column(index=True)
    # The worker that claimed it (WORKER_NAME): a restarted worker takes its own rows back at
    # once instead of waiting out their lease.
    owner: Mapped[str | None] = mapped_column(String(64))


class ProcessedUpdate(Base):
    """Telegram update ids already handled, so a redelivered update is a no-op."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime] = mapped_column(index=True)


class ChatMessage(Base):
    """A message in a person's private chat with the bot, kept only so the chat can be tidied.

    Only Telegram's message id and when it was sent: never its text. Rows older than 48 hours
    are pruned (Telegram lets a bot delete messages only while they are younger than that).
    `tidy_due_at` is set when the person chose auto-tidy: the chat is tidied once its newest
    message's `tidy_due_at` has passed. Like every table with a `user_id`, /delete removes these
    rows and /export includes them (they are data about the person, if only numbers and times).
    """

    __tablename__ = "chat_messages"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True
    )
    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    sent_at: Mapped[datetime] = mapped_column(index=True)
    tidy_due_at: Mapped[datetime | None] = mapped_column(index=True)


class OutboxMessage(Base):
    """The replies of one handled event, stored with its effects and deleted once sent.

    `payload` is the replies as JSON, encrypted through the store's cipher (a reply may quote
    the person's words). No foreign key on `user_id`: the reply confirming /delete is stored
    after the person's rows are gone. `lease_until` says when another sender may take the row
    over; `steps_done` how many Bot API calls of it already went out.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    update_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    payload: Mapped[str] = mapped_column(Text)
    steps_done: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime] = mapped_column(index=True)
    created_at: Mapped[datetime]


class InboxUpdate(Base):
    """An update received from Telegram and not yet handled (deleted in the handling transaction).

    Updates are written here before Telegram is told they arrived (the next getUpdates offset,
    or the webhook's 200), so a crash in between loses nothing. `payload` is the update's JSON
    through the store's cipher: it holds the person's words.
    """

    __tablename__ = "inbox"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    payload: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime]


# Tables that only carry messages in transit (empty once everything is handled and sent). They
# have a `user_id`, so /delete, /export and key rotation cover them like the others.
TRANSIENT_TABLES = ("outbox", "inbox")

# Every table holding data about a person, for /export and /delete.



class Preparation(Base):
    """A real conversation the person prepared for: their words (through the cipher), when it
    happens in their own zone, and when its card and debrief are due and were sent."""

    __tablename__ = "preparations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.user_id", ondelete="CASCADE"), index=True
    )
    area: Mapped[str] = mapped_column(String(16))
    goal: Mapped[str | None] = mapped_column(Text)
    fear: Mapped[str | None] = mapped_column(Text)
    plan: Mapped[str | None] = mapped_column(Text)
    opening: Mapped[str | None] = mapped_column(Text)
    talk_date: Mapped[date]
    talk_time: Mapped[str] = mapped_column(String(5))
    created_at: Mapped[datetime]
    card_due_utc: Mapped[datetime] = mapped_column(index=True)
    debrief_due_utc: Mapped[datetime] = mapped_column(index=True)
    card_sent_at: Mapped[datetime | None]
    debrief_sent_at: Mapped[datetime | None]
    debriefed_at: Mapped[datetime | None]


# Every table holding data about a person, for /export and /delete.
PERSONAL_TABLES = (User, Conversation, Entry, FaqQuery, Delivery, ChatMessage, Preparation)
