"""The engine alone, on an in-memory store: no SQL, no Telegram, and fast.

These run the real flows and content against `tests.support.memory_store.MemoryStore`; the
same flows also run on SQLite and PostgreSQL in the other flow tests.
"""

from __future__ import annotations

import inspect

import pytest

from content import Content
from flows.events import Event, Reply
from flows.ports import Store
from flows.registry import build_engine
from tests.support.chat import ChatDriver
from tests.support.memory_store import MemoryStore


class EngineOnly:
    """The `process(event)` a ChatDriver needs, straight on the engine and one store."""

    def __init__(self, content: Content, store: MemoryStore) -> None:
        self.engine = build_engine(content)
        self.store = store

    def process(self, event: Event) -> list[Reply]:
        return self.engine.handle(event, self.store)


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def person(content: Content, store: MemoryStore) -> ChatDriver:
    return ChatDriver(EngineOnly(content, store))  # type: ignore[arg-type]


def test_memory_store_implements_every_store_method() -> None:
    wanted = {
        name: inspect.signature(member)
        for name, member in inspect.getmembers(Store, inspect.isfunction)
        if not name.startswith("_")
    }
    for name, signature in wanted.items():
        mine = getattr(MemoryStore, name, None)
        assert mine is not None, f"MemoryStore lacks {name}"
        assert list(inspect.signature(mine).parameters) == list(signature.parameters), name


def test_reflection_on_the_engine_alone(person: ChatDriver, store: MemoryStore) -> None:
    person.onboard()
    person.command("reflect", "self-worth")
    person.send("I wait for praise before I feel I did well")
    person.press("Skip")
    person.send("I'd like to notice my own effort")
    assert "Thank you for this time with Self-worth" in person.text
    assert [e.text for e in store.entries] == [
        "I wait for praise before I feel I did well",
        "I'd like to notice my own effort",
    ]


def test_a_new_engine_on_the_same_store_resumes(
    content: Content, store: MemoryStore, person: ChatDriver
) -> None:
    person.onboard()
    person.command("reflect", "boundaries")
    person.send("one")
    again = ChatDriver(EngineOnly(content, store), now=person.now)  # type: ignore[arg-type]
    again.send("two")
    assert "Question 3 of 3" in again.text


def test_crisis_language_is_answered_first_and_the_flow_waits(person: ChatDriver) -> None:
    person.onboard()
    person.command("reflect", "balance")
    person.send("I don't want to be alive anymore")
    assert "findahelpline.com" in person.text
    person.press("Carry on")
    assert "Question 1 of 3" in person.text


def test_figures_of_speech_are_just_answers(person: ChatDriver, store: MemoryStore) -> None:
    person.onboard()
    person.command("reflect", "balance")
    person.send("this traffic is killing me, so I cancel on friends")
    assert "findahelpline.com" not in person.text
    assert "Question 2 of 3" in person.text
    assert store.entries[-1].text == "this traffic is killing me, so I cancel on friends"


def test_delete_leaves_nothing_in_memory(person: ChatDriver, store: MemoryStore) -> None:
    person.onboard()
    person.command("reflect", "pattern")
    person.send("private words")
    person.command("delete")
    person.press("Yes, delete")
    assert store.users == {} and store.entries == [] and store.conversations == {}


def test_journal_dates_are_the_persons_own_calendar_day(
    content: Content, store: MemoryStore
) -> None:
    from datetime import UTC, datetime

    late_evening_utc = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)  # already 3 March in Auckland
    person = ChatDriver(EngineOnly(content, store), now=late_evening_utc)  # type: ignore[arg-type]
    person.onboard()
    store.users[person.user_id].timezone = "Pacific/Auckland"
    person.command("reflect", "pattern")
    person.send("an answer written in the morning, Auckland time")
    person.command("journal")
    assert "3 Mar 2026" in person.text and "2 Mar 2026" not in person.text


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("short", "3 Mar"),
        ("medium", "3 Mar 2026"),
        ("long", "3 March 2026"),
        ("weekday", "Tuesday 3 March"),
    ],
)
def test_dates_are_written_from_content(content: Content, style: str, expected: str) -> None:
    from datetime import date

    from flows.dates import format_date

    assert format_date(content, date(2026, 3, 3), style) == expected  # type: ignore[arg-type]


def test_a_renamed_state_is_mapped_and_an_unknown_one_lands_at_the_menu(
    content: Content, store: MemoryStore
) -> None:
    service = EngineOnly(content, store)
    person = ChatDriver(service)  # type: ignore[arg-type]
    person.onboard()
    person.command("reflect", "boundaries")
    conversation = store.conversations[person.user_id]

    conversation.state = "asking_v0"  # saved by an older release under another name
    service.engine.state_renames[("reflection", "asking_v0")] = ("reflection", "asking")
    person.send("still counted as my answer")
    assert "Question 2 of 3" in person.text
    assert store.entries[-1].text == "still counted as my answer"

    store.conversations[person.user_id].state = "gone"  # a state that no longer exists
    person.sticker()
    assert "What would you like to do?" in person.text
    assert store.conversations[person.user_id].flow == "menu"
