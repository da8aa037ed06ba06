"""An in-memory `flows.ports.Store` for engine-only tests: no SQL, no Telegram, fast.

It keeps the same promises as `SqlStore` where flows can observe them (newest-first entries,
optimistic version checks, per-person FAQ queries), and it is checked against the protocol by
tests/test_engine_memory.py, so a method added to the protocol must be added here too.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from itertools import count
from typing import Any

from flows.ports import (
    FAQ_PICK_SCORE,
    ConflictError,
    ConversationRecord,
    EntryRecord,
    FaqStats,
    PreparationRecord,
    StorageFacts,
    UserRecord,
)


@dataclass
class _FaqQuery:
    id: int
    user_id: int
    question: str | None
    matched_id: str | None
    score: float
    helpful: bool | None
    created_at: datetime


@dataclass
class MemoryStore:
    """Everything in dicts and lists. Use one instance for a whole test (it is 'the database')."""

    users: dict[int, UserRecord] = field(default_factory=dict)
    conversations: dict[int, ConversationRecord] = field(default_factory=dict)
    entries: list[EntryRecord] = field(default_factory=list)
    faq_queries: list[_FaqQuery] = field(default_factory=list)
    deliveries: set[tuple[int, date]] = field(default_factory=set)
    preparations: list[PreparationRecord] = field(default_factory=list)
    _ids: count = field(default_factory=lambda: count(1))

    def load(self, user_id: int) -> tuple[UserRecord | None, ConversationRecord | None]:
        """Copies, as a database read would give."""
        user = copy.deepcopy(self.users.get(user_id))
        conversation = copy.deepcopy(self.conversations.get(user_id))
        return user, conversation

    def create_user(self, user: UserRecord) -> None:
        """Insert a person."""
        if user.user_id in self.users:
            raise ConflictError("person exists")
        self.users[user.user_id] = copy.deepcopy(user)

    def save_user(self, user: UserRecord) -> None:
        """Write a person."""
        self.users[user.user_id] = copy.deepcopy(user)

    def save_conversation(self, conversation: ConversationRecord) -> None:
        """Insert or update with the version check."""
        stored = self.conversations.get(conversation.user_id)
        current = stored.version if stored is not None else 0
        if current != conversation.version:
            raise ConflictError("conversation changed meanwhile")
        conversation.version += 1
        self.conversations[conversation.user_id] = copy.deepcopy(conversation)

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
        """Append an entry."""
        entry_id = next(self._ids)
        self.entries.append(
            EntryRecord(entry_id, user_id, kind, content_id, text, copy.deepcopy(data), created_at)
        )
        return entry_id

    def _mine(self, user_id: int, kinds: Sequence[str] | None) -> list[EntryRecord]:
        return [
            e for e in self.entries if e.user_id == user_id and (kinds is None or e.kind in kinds)
        ]

    def list_entries(
        self,
        user_id: int,
        *,
        kinds: Sequence[str] | None = None,
        offset: int = 0,
        limit: int = 10,
    ) -> list[EntryRecord]:
        """Newest first."""
        mine = sorted(self._mine(user_id, kinds), key=lambda e: (e.created_at, e.id), reverse=True)
        return mine[offset : offset + limit]

    def count_entries(self, user_id: int, *, kinds: Sequence[str] | None = None) -> int:
        """How many."""
        return len(self._mine(user_id, kinds))

    def delete_entries(self, user_id: int, kind: str, *, content_id: str | None = None) -> int:
        """Drop the matching entries."""
        before = len(self.entries)
        self.entries = [
            e
            for e in self.entries
            if not (
                e.user_id == user_id
                and e.kind == kind
                and (content_id is None or e.content_id == content_id)
            )
        ]
        return before - len(self.entries)

    def entry_times(self, user_id: int, *, kinds: Sequence[str]) -> list[tuple[str, datetime]]:
        """Oldest first."""
        mine = sorted(self._mine(user_id, kinds), key=lambda e: (e.created_at, e.id))
        return [(e.kind, e.created_at) for e in mine]

    def add_preparation(self, preparation: PreparationRecord) -> int:
        """Keep a preparation and return its id."""
        new_id = next(self._ids)
        self.preparations.append(replace(preparation, id=new_id))
        return new_id

    def preparation(self, user_id: int, preparation_id: int) -> PreparationRecord | None:
        """One of the person's preparations, or None."""
        for found in self.preparations:
            if found.user_id == user_id and found.id == preparation_id:
                return found
        return None

    def list_preparations(self, user_id: int, *, limit: int = 20) -> list[PreparationRecord]:
        """The person's preparations, the latest conversation first."""
        mine = [p for p in self.preparations if p.user_id == user_id]
        mine.sort(key=lambda p: (p.talk_date, p.talk_time, p.id), reverse=True)
        return mine[:limit]

    def mark_debriefed(self, user_id: int, preparation_id: int, now: datetime) -> bool:
        """Note the debrief (and that none needs sending any more)."""
        found = self.preparation(user_id, preparation_id)
        if found is None:
            return False
        updated = replace(found, debriefed_at=now, debrief_sent_at=found.debrief_sent_at or now)
        self.preparations[self.preparations.index(found)] = updated
        return True

    def has_delivery(self, user_id: int, local_date: date) -> bool:
        """Whether a prompt for that local date is in the ledger."""
        return (user_id, local_date) in self.deliveries

    def export_user(self, user_id: int) -> dict[str, list[dict[str, Any]]]:
        """Everything about the person."""
        conversation = self.conversations.get(user_id)
        return {
            "users": [asdict(self.users[user_id])] if user_id in self.users else [],
            "conversations": [asdict(conversation)] if conversation else [],
            "entries": [asdict(e) for e in self._mine(user_id, None)],
            "faq_queries": [asdict(q) for q in self.faq_queries if q.user_id == user_id],
            "preparations": [asdict(p) for p in self.preparations if p.user_id == user_id],
        }

    def export_tables(self, user_id: int) -> Iterator[tuple[str, Iterator[dict[str, Any]]]]:
        """`export_user`, table by table."""
        for table, rows in self.export_user(user_id).items():
            yield table, iter(rows)

    def delete_user(self, user_id: int) -> int:
        """Forget the person everywhere."""
        before = (
            len(self.entries) + len(self.faq_queries) + len(self.users) + len(self.conversations)
        )
        self.entries = [e for e in self.entries if e.user_id != user_id]
        self.faq_queries = [q for q in self.faq_queries if q.user_id != user_id]
        self.users.pop(user_id, None)
        self.conversations.pop(user_id, None)
        self.deliveries = {d for d in self.deliveries if d[0] != user_id}
        self.preparations = [p for p in self.preparations if p.user_id != user_id]
        after = (
            len(self.entries) + len(self.faq_queries) + len(self.users) + len(self.conversations)
        )
        return before - after

    def add_faq_query(
        self,
        user_id: int,
        *,
        question: str | None,
        matched_id: str | None,
        score: float,
        created_at: datetime,
    ) -> int:
        """Record a question."""
        query_id = next(self._ids)
        self.faq_queries.append(
            _FaqQuery(query_id, user_id, question, matched_id, score, None, created_at)
        )
        return query_id

    def _query(self, user_id: int, query_id: int) -> _FaqQuery | None:
        return next(
            (q for q in self.faq_queries if q.id == query_id and q.user_id == user_id), None
        )

    def resolve_faq_query(self, user_id: int, query_id: int, matched_id: str | None) -> bool:
        """Set the meant entry."""
        query = self._query(user_id, query_id)
        if query is not None:
            query.matched_id = matched_id
        return query is not None

    def vote_faq_query(self, user_id: int, query_id: int, helpful: bool) -> bool:
        """Record a vote."""
        query = self._query(user_id, query_id)
        if query is not None:
            query.helpful = helpful
        return query is not None

    def share_faq_query(self, user_id: int, query_id: int, question: str) -> bool:
        """Store the words of an unmatched query the person chose to send."""
        query = self._query(user_id, query_id)
        if query is None or query.matched_id is not None:
            return False
        query.question = question
        return True

    def faq_stats(self, *, limit: int = 5, unmatched_limit: int = 10) -> FaqStats:
        """The same three lists as SqlStore.faq_stats."""
        asked = Counter(
            q.matched_id for q in self.faq_queries if q.matched_id and q.score != FAQ_PICK_SCORE
        )
        votes: dict[str, list[bool]] = {}
        for q in self.faq_queries:
            if q.matched_id and q.helpful is not None:
                votes.setdefault(q.matched_id, []).append(q.helpful)
        unhelpful = sorted(
            (
                (entry_id, sum(not v for v in vs), len(vs))
                for entry_id, vs in votes.items()
                if any(not v for v in vs)
            ),
            key=lambda item: (-item[1] / item[2], -item[1], item[0]),
        )
        unmatched = [
            q.question
            for q in sorted(self.faq_queries, key=lambda q: (q.created_at, q.id), reverse=True)
            if q.matched_id is None and q.question is not None
        ]
        return FaqStats(
            most_asked=sorted(asked.items(), key=lambda item: (-item[1], item[0]))[:limit],
            least_helpful=unhelpful[:limit],
            unmatched=unmatched[:unmatched_limit],
        )

    def storage_facts(self) -> StorageFacts:
        """Nothing is encrypted, and nothing outlives a deletion, in memory."""
        return StorageFacts(encrypted=False, deleted_data_lingers=False)

    def protect_text(self, text: str) -> str:
        """No encryption in memory."""
        return text

    def reveal_text(self, stored: str) -> str:
        """No encryption in memory."""
        return stored
