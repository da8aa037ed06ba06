"""The storage interface the engine needs, and the plain records it exchanges.

`bot.storage.SqlStore` implements it on SQLAlchemy; the engine only ever sees this protocol, so
flows stay free of SQL and a faster storage path can be swapped in without touching them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class StorageFacts:
    """How this server keeps data, for telling people the truth about it in /privacy."""

    encrypted: bool  # free text is encrypted at rest (ENCRYPTION_KEYS is set)
    deleted_data_lingers: bool  # deleted rows stay in the database files until space is reused


class ConflictError(Exception):
    """Someone else changed the conversation since we read it (optimistic locking)."""


@dataclass(slots=True)
class UserRecord:
    """Everything Tandem keeps about a person besides their conversation and entries."""

    user_id: int
    chat_id: int
    created_at: datetime
    last_seen_at: datetime
    consent: bool | None = None  # None: not asked yet
    consent_at: datetime | None = None
    language: str | None = None
    timezone: str = "UTC"
    daily_enabled: bool = False
    daily_time: str | None = None  # "HH:MM", local
    daily_paused_until: date | None = None
    daily_skip_date: date | None = None
    next_prompt_due_utc: datetime | None = None
    active: bool = True  # False after the person blocked the bot
    prefs: dict[str, Any] = field(default_factory=dict)  # small feature settings


@dataclass(slots=True)
class ConversationRecord:
    """Where a person is: the flow, its state, a small JSON context, and a version for locking."""

    user_id: int
    flow: str
    state: str
    context: dict[str, Any]
    version: int = 0


@dataclass(frozen=True, slots=True)
class EntryRecord:
    """Something the person wrote or chose, kept in their journal."""

    id: int
    user_id: int
    kind: str
    content_id: str | None
    text: str | None
    data: dict[str, Any] | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class PreparationRecord:
    """A real conversation the person prepared for (their words already decrypted; None when
    they were not kept). `talk_date` and `talk_time` ("HH:MM") are in the person's own zone."""

    user_id: int
    area: str
    goal: str | None
    fear: str | None
    plan: str | None
    opening: str | None
    talk_date: date
    talk_time: str
    created_at: datetime
    card_due_utc: datetime
    debrief_due_utc: datetime
    card_sent_at: datetime | None = None
    debrief_sent_at: datetime | None = None
    debriefed_at: datetime | None = None
    id: int = 0


# The score recorded for an FAQ entry the person picked from a list rather than asked about:
# matcher scores are never negative, so /faqstats can leave picks out of "most asked".
FAQ_PICK_SCORE = -1.0


@dataclass(frozen=True)
class FaqStats:
    """What /faqstats shows: (entry id, times asked), (entry id, unhelpful votes, all votes),
    and the newest unmatched questions whose words the person chose to send."""

    most_asked: list[tuple[str, int]]
    least_helpful: list[tuple[str, int, int]]
    unmatched: list[str]


class Store(Protocol):
    """One unit of work: every call happens inside the same transaction for one event."""

    def load(self, user_id: int) -> tuple[UserRecord | None, ConversationRecord | None]:
        """Read a person's record and conversation (either may be missing)."""

    def create_user(self, user: UserRecord) -> None:
        """Insert a new person."""

    def save_user(self, user: UserRecord) -> None:
        """Write every field of an existing person."""

    def save_conversation(self, conversation: ConversationRecord) -> None:
        """Insert or update the conversation; raise `ConflictError` if its version moved on."""

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
        """Store a journal entry and return its id."""

    def list_entries(
        self,
        user_id: int,
        *,
        kinds: Sequence[str] | None = None,
        offset: int = 0,
        limit: int = 10,
    ) -> list[EntryRecord]:
        """The person's entries, newest first."""

    def count_entries(self, user_id: int, *, kinds: Sequence[str] | None = None) -> int:
        """How many entries the person has (of the given kinds)."""

    def delete_entries(self, user_id: int, kind: str, *, content_id: str | None = None) -> int:
        """Remove the person's entries of `kind` (only those with `content_id` when given), e.g.
        an answer they rewrote; return how many went."""

    def entry_times(self, user_id: int, *, kinds: Sequence[str]) -> list[tuple[str, datetime]]:
        """Kind and time of each of the person's entries of these kinds, oldest first."""

    def has_delivery(self, user_id: int, local_date: date) -> bool:
        """Whether the daily prompt for the person's local date was already claimed or sent."""

    def export_user(self, user_id: int) -> dict[str, list[dict[str, Any]]]:
        """Every stored row about the person, by table, JSON-ready, free text readable."""

    def export_tables(self, user_id: int) -> Iterator[tuple[str, Iterator[dict[str, Any]]]]:
        """`export_user` table by table, each table's rows one at a time (bounded memory)."""
        ...

    def delete_user(self, user_id: int) -> int:
        """Remove every row about the person from every table; return how many rows went."""

    def add_faq_query(
        self,
        user_id: int,
        *,
        question: str | None,
        matched_id: str | None,
        score: float,
        created_at: datetime,
    ) -> int:
        """Record a question asked of the FAQ (text only when given) and return its id."""

    def resolve_faq_query(self, user_id: int, query_id: int, matched_id: str | None) -> bool:
        """Set which entry the person's query meant; False when it is not theirs."""

    def vote_faq_query(self, user_id: int, query_id: int, helpful: bool) -> bool:
        """Record whether the answer helped; False when the query is not the person's."""

    def share_faq_query(self, user_id: int, query_id: int, question: str) -> bool:
        """Store the words of the person's still unmatched query, which they chose to send;
        False when the query is not theirs or is matched."""

    def faq_stats(self, *, limit: int = 5, unmatched_limit: int = 10) -> FaqStats:
        """Most asked entries, least helpful entries and recent unmatched questions that were
        sent with their words."""

    def storage_facts(self) -> StorageFacts:
        """Whether text is encrypted at rest and whether deleted data lingers in the files."""
        ...

    # Preparations for real conversations

    def add_preparation(self, preparation: PreparationRecord) -> int:
        """Store a preparation (its words through the cipher) and return its id."""
        ...

    def preparation(self, user_id: int, preparation_id: int) -> PreparationRecord | None:
        """One of the person's preparations, or None."""
        ...

    def list_preparations(self, user_id: int, *, limit: int = 20) -> list[PreparationRecord]:
        """The person's preparations, the latest conversation first."""
        ...

    def mark_debriefed(self, user_id: int, preparation_id: int, now: datetime) -> bool:
        """Note that the person looked back on this conversation (and need not be asked)."""
        ...

    def protect_text(self, text: str) -> str:
        """Text as it may rest in the database (encrypted when keys are configured)."""

    def reveal_text(self, stored: str) -> str:
        """The text given to `protect_text`."""
