"""The engine's `Store` on SQLAlchemy Core, bound to one connection and one transaction.

Core statements rather than ORM objects: the hot path is a handful of small statements per event
and the ORM's unit-of-work bookkeeping would cost more than the statements themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any, Protocol, cast

from sqlalchemy import (
    Connection,
    Table,
    Text,
    bindparam,
    case,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.crypto import NoCipher
from bot.storage.models import (
    Base,
    Conversation,
    Delivery,
    Entry,
    FaqQuery,
    ProcessedUpdate,
    User,
)
from flows.ports import (
    FAQ_PICK_SCORE,
    ConflictError,
    ConversationRecord,
    EntryRecord,
    FaqStats,
    UserRecord,
)

users = cast(Table, User.__table__)
conversations = cast(Table, Conversation.__table__)
entries = cast(Table, Entry.__table__)
processed_updates = cast(Table, ProcessedUpdate.__table__)
deliveries = cast(Table, Delivery.__table__)
faq_queries = cast(Table, FaqQuery.__table__)

USER_FIELDS = tuple(c.name for c in users.columns)
CONVERSATION_FIELDS = ("flow", "state", "context", "version")

# The hot path's statements, built once. Building a Core statement per call (coercing every
# value, then computing its cache key) cost 4-6 times more than executing it; a statement built
# once keeps its cache key and compiled form, and only the bound values change per event.
_LOAD = (
    select(users, *(conversations.c[name] for name in CONVERSATION_FIELDS))
    .select_from(users.outerjoin(conversations))
    .where(users.c.user_id == bindparam("user_id"))
)
# Several workers may hold events of the same person: lock the person's row so their events
# are handled one at a time, in the order the locks are granted.
_LOAD_LOCKED = _LOAD.with_for_update(of=users)
_CREATE_USER = insert(users)
_SAVE_USER = (
    update(users)
    .where(users.c.user_id == bindparam("key_user_id"))
    .values(
        {
            name: bindparam(f"new_{name}", type_=users.c[name].type)
            for name in USER_FIELDS
            if name != "user_id"
        }
    )
)
_CREATE_CONVERSATION = insert(conversations)
_SAVE_CONVERSATION = (
    update(conversations)
    .where(
        conversations.c.user_id == bindparam("key_user_id"),
        conversations.c.version == bindparam("key_version"),
    )
    .values(
        {
            name: bindparam(f"new_{name}", type_=conversations.c[name].type)
            for name in (*CONVERSATION_FIELDS, "updated_at")
        }
    )
)
_ADD_ENTRY = insert(entries).returning(entries.c.id)
_CLAIM_UPDATE = {
    dialect: maker(processed_updates)
    .on_conflict_do_nothing(index_elements=["update_id"])
    .returning(processed_updates.c.update_id)
    for dialect, maker in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}


class TextCipher(Protocol):
    """Turns a person's free text into what is stored, and back."""

    def encrypt(self, text: str) -> str:
        """Text as stored."""

    def decrypt(self, stored: str) -> str:
        """Text as written."""


class PlainText:
    """No encryption at rest: text is stored as written."""

    def encrypt(self, text: str) -> str:
        """Return the text unchanged."""
        return text

    def decrypt(self, stored: str) -> str:
        """Return the text unchanged."""
        return stored


class SqlStore:
    """`flows.ports.Store` on one open transaction; it never commits (the caller does)."""

    def __init__(self, connection: Connection, cipher: TextCipher | None = None) -> None:
        self.connection = connection
        # NoCipher reads values written with encryption as an error rather than as gibberish.
        self.cipher: TextCipher = cipher or NoCipher()

    # Idempotency

    def claim_update(self, update_id: int, now: datetime) -> bool:
        """Record an update id; False if it was already processed (a redelivery)."""
        statement = _CLAIM_UPDATE[self.connection.dialect.name]
        values = {"update_id": update_id, "processed_at": now}
        return self.connection.execute(statement, values).first() is not None

    def prune_updates(self, before: datetime) -> int:
        """Forget processed update ids older than `before`."""
        statement = delete(processed_updates).where(processed_updates.c.processed_at < before)
        return self.connection.execute(statement).rowcount

    # People and conversations

    def load(self, user_id: int) -> tuple[UserRecord | None, ConversationRecord | None]:
        """Read a person and their conversation in one round trip."""
        locked = self.connection.dialect.name == "postgresql"
        statement = _LOAD_LOCKED if locked else _LOAD
        row = self.connection.execute(statement, {"user_id": user_id}).first()
        if row is None:
            return None, None
        # Columns come in the order selected: every user field, then the conversation's.
        split = len(USER_FIELDS)
        user = UserRecord(**dict(zip(USER_FIELDS, row[:split], strict=True)))
        user.prefs = dict(user.prefs or {})
        flow, state, context, version = row[split:]
        if flow is None:
            return user, None
        conversation = ConversationRecord(
            user_id=user_id, flow=flow, state=state, context=dict(context or {}), version=version
        )
        return user, conversation

    def create_user(self, user: UserRecord) -> None:
        """Insert a new person."""
        self.connection.execute(_CREATE_USER, _user_values(user))

    def mark_inactive(self, user_id: int) -> None:
        """Stop all sending to a person who blocked the bot; writing again reactivates them."""
        self.connection.execute(
            update(users)
            .where(users.c.user_id == user_id)
            .values(active=False, next_prompt_due_utc=None)
        )

    def save_user(self, user: UserRecord) -> None:
        """Write every field of an existing person."""
        values = {f"new_{name}": value for name, value in _user_values(user).items()}
        values["key_user_id"] = values.pop("new_user_id")
        self.connection.execute(_SAVE_USER, values)

    def save_conversation(self, conversation: ConversationRecord) -> None:
        """Insert or update with an optimistic version check."""
        now = datetime.now(UTC)
        if conversation.version == 0:
            self.connection.execute(
                _CREATE_CONVERSATION,
                {
                    "user_id": conversation.user_id,
                    "flow": conversation.flow,
                    "state": conversation.state,
                    "context": conversation.context,
                    "version": 1,
                    "updated_at": now,
                },
            )
            conversation.version = 1
            return
        result = self.connection.execute(
            _SAVE_CONVERSATION,
            {
                "key_user_id": conversation.user_id,
                "key_version": conversation.version,
                "new_flow": conversation.flow,
                "new_state": conversation.state,
                "new_context": conversation.context,
                "new_version": conversation.version + 1,
                "new_updated_at": now,
            },
        )
        if result.rowcount != 1:
            raise ConflictError(f"conversation of user {conversation.user_id} changed meanwhile")
        conversation.version += 1

    # Entries

    def add_entry(
        self,
        user_id: int,
        kind: str,
        *,
        content_id: str | None = None,
        text: str | None = None,
        data: dict[str, Any] | None = None,
        created_at: datetime,
    ) -> int:
        """Store a journal entry (free text through the cipher) and return its id."""
        result = self.connection.execute(
            _ADD_ENTRY,
            {
                "user_id": user_id,
                "kind": kind,
                "content_id": content_id,
                "text": None if text is None else self.cipher.encrypt(text),
                "data": data,
                "created_at": created_at,
            },
        )
        return int(result.scalar_one())

    def list_entries(
        self,
        user_id: int,
        *,
        kinds: Sequence[str] | None = None,
        offset: int = 0,
        limit: int = 10,
    ) -> list[EntryRecord]:
        """The person's entries, newest first."""
        statement = select(entries).where(entries.c.user_id == user_id)
        if kinds is not None:
            statement = statement.where(entries.c.kind.in_(kinds))
        statement = (
            statement.order_by(entries.c.created_at.desc(), entries.c.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return [self._entry(row._mapping) for row in self.connection.execute(statement)]

    def count_entries(self, user_id: int, *, kinds: Sequence[str] | None = None) -> int:
        """How many entries the person has (of the given kinds)."""
        statement = select(func.count()).select_from(entries).where(entries.c.user_id == user_id)
        if kinds is not None:
            statement = statement.where(entries.c.kind.in_(kinds))
        return int(self.connection.execute(statement).scalar_one())

    def has_delivery(self, user_id: int, local_date: date) -> bool:
        """Whether the ledger holds a daily prompt for the person's local date."""
        statement = select(deliveries.c.id).where(
            deliveries.c.user_id == user_id, deliveries.c.local_date == local_date
        )
        return self.connection.execute(statement).first() is not None

    def entry_times(self, user_id: int, *, kinds: Sequence[str]) -> list[tuple[str, datetime]]:
        """Kind and time of each entry of these kinds, oldest first (no text is read)."""
        statement = (
            select(entries.c.kind, entries.c.created_at)
            .where(entries.c.user_id == user_id, entries.c.kind.in_(kinds))
            .order_by(entries.c.created_at, entries.c.id)
        )
        return [(row.kind, row.created_at) for row in self.connection.execute(statement)]

    def _entry(self, row: Any) -> EntryRecord:
        stored = row["text"]
        return EntryRecord(
            id=row["id"],
            user_id=row["user_id"],
            kind=row["kind"],
            content_id=row["content_id"],
            text=None if stored is None else self.cipher.decrypt(stored),
            data=row["data"],
            created_at=row["created_at"],
        )

    # FAQ questions

    def add_faq_query(
        self,
        user_id: int,
        *,
        question: str | None,
        matched_id: str | None,
        score: float,
        created_at: datetime,
    ) -> int:
        """Record a question asked of the FAQ (its text through the cipher) and return its id."""
        result = self.connection.execute(
            insert(faq_queries).returning(faq_queries.c.id),
            {
                "user_id": user_id,
                "question": None if question is None else self.cipher.encrypt(question),
                "matched_id": matched_id,
                "score": score,
                "created_at": created_at,
            },
        )
        return int(result.scalar_one())

    def resolve_faq_query(self, user_id: int, query_id: int, matched_id: str | None) -> bool:
        """Set the entry the person's query meant; False when the query is not theirs."""
        result = self.connection.execute(
            update(faq_queries)
            .where(faq_queries.c.id == query_id, faq_queries.c.user_id == user_id)
            .values(matched_id=matched_id)
        )
        return result.rowcount == 1

    def vote_faq_query(self, user_id: int, query_id: int, helpful: bool) -> bool:
        """Record whether the answer helped; False when the query is not the person's."""
        result = self.connection.execute(
            update(faq_queries)
            .where(faq_queries.c.id == query_id, faq_queries.c.user_id == user_id)
            .values(helpful=helpful)
        )
        return result.rowcount == 1

    def share_faq_query(self, user_id: int, query_id: int, question: str) -> bool:
        """Store the words (through the cipher) of the person's unmatched query they chose to
        send; False when the query is not theirs or is matched."""
        result = self.connection.execute(
            update(faq_queries)
            .where(
                faq_queries.c.id == query_id,
                faq_queries.c.user_id == user_id,
                faq_queries.c.matched_id.is_(None),
            )
            .values(question=self.cipher.encrypt(question))
        )
        return result.rowcount == 1

    def faq_stats(self, *, limit: int = 5, unmatched_limit: int = 10) -> FaqStats:
        """Most asked entries, least helpful ones (share of "no" votes) and recent misses."""
        asked = func.count().label("asked")
        most_asked = self.connection.execute(
            select(faq_queries.c.matched_id, asked)
            # Entries picked from the list were read, not asked: they are not counted here.
            .where(faq_queries.c.matched_id.is_not(None), faq_queries.c.score != FAQ_PICK_SCORE)
            .group_by(faq_queries.c.matched_id)
            .order_by(asked.desc(), faq_queries.c.matched_id)
            .limit(limit)
        ).all()
        unhelpful = func.sum(case((faq_queries.c.helpful.is_(False), 1), else_=0))
        votes = func.count(faq_queries.c.helpful)
        least_helpful = self.connection.execute(
            select(faq_queries.c.matched_id, unhelpful.label("no"), votes.label("votes"))
            .where(faq_queries.c.matched_id.is_not(None), faq_queries.c.helpful.is_not(None))
            .group_by(faq_queries.c.matched_id)
            .having(unhelpful > 0)
            .order_by((unhelpful * 1.0 / votes).desc(), unhelpful.desc(), faq_queries.c.matched_id)
            .limit(limit)
        ).all()
        unmatched = self.connection.execute(
            select(faq_queries.c.question)
            # Only questions people chose to send; the others have no words to show.
            .where(faq_queries.c.matched_id.is_(None), faq_queries.c.question.is_not(None))
            .order_by(faq_queries.c.created_at.desc(), faq_queries.c.id.desc())
            .limit(unmatched_limit)
        ).all()
        return FaqStats(
            most_asked=[(row.matched_id, int(row.asked)) for row in most_asked],
            least_helpful=[(row.matched_id, int(row.no), int(row.votes)) for row in least_helpful],
            unmatched=[self.cipher.decrypt(row.question) for row in unmatched],
        )

    # Everything about one person: /export and /delete

    def export_user(self, user_id: int) -> dict[str, list[dict[str, Any]]]:
        """Every row of every table that refers to the person, free text decrypted."""
        exported: dict[str, list[dict[str, Any]]] = {}
        for table in personal_tables():
            statement = (
                select(table)
                .where(table.c.user_id == user_id)
                .order_by(*table.primary_key.columns)
            )
            exported[table.name] = [
                {
                    column.name: _exportable(self._readable(column.type, row._mapping[column]))
                    for column in table.columns
                }
                for row in self.connection.execute(statement)
            ]
        return exported

    def delete_user(self, user_id: int) -> int:
        """Delete the person from every table that refers to them, dependants first."""
        removed = 0
        for table in reversed(personal_tables()):
            removed += self.connection.execute(
                delete(table).where(table.c.user_id == user_id)
            ).rowcount
        return removed

    def protect_text(self, text: str) -> str:
        """Text as it may rest in the database."""
        return self.cipher.encrypt(text)

    def reveal_text(self, stored: str) -> str:
        """The text given to `protect_text`."""
        return self.cipher.decrypt(stored)

    def _readable(self, column_type: Any, value: Any) -> Any:
        # Free text lives in Text columns; plain values pass through decrypt unchanged.
        if isinstance(column_type, Text) and isinstance(value, str):
            return self.cipher.decrypt(value)
        return value


def personal_tables() -> list[Table]:
    """Every table with a `user_id` column, parents before dependants."""
    return [table for table in Base.metadata.sorted_tables if "user_id" in table.columns]


def _exportable(value: Any) -> Any:
    """A JSON-ready value: dates and times as ISO 8601 text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _user_values(user: UserRecord) -> dict[str, Any]:
    return {name: getattr(user, name) for name in USER_FIELDS}
