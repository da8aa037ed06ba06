"""Daily prompts that nudge toward confronting someone are never sent to a person whose
practice is limited or paused for safety."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.storage.database import create_database_engine
from bot.storage.deliveries import DeliveryLedger
from bot.storage.sql_store import SqlStore
from content import Content
from content.daily import DAILY_THEMES, load_daily
from flows.daily import SEEN_PREF, practice_unsafe, prompts_for
from flows.ports import UserRecord
from flows.practice import SAFETY_PREF

DUE = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
SAFE = {"feels_safe": "yes", "unsafe": [], "hurt": "no", "answered_at": "2026-03-01T10:00:00"}
LIMITED = {**SAFE, "feels_safe": "some", "unsafe": ["partner"]}
PAUSED = {**SAFE, "feels_safe": "no", "unsafe": ["partner", "friends", "family", "work"]}
HURT = {**SAFE, "hurt": "yes", "unsafe": ["partner", "friends", "family", "work"]}
RATHER_NOT_SAY = {**SAFE, "hurt": "skip"}


@pytest.mark.parametrize(
    ("prefs", "unsafe"),
    [
        ({}, False),
        ({SAFETY_PREF: SAFE}, False),
        ({SAFETY_PREF: LIMITED}, True),
        ({SAFETY_PREF: PAUSED}, True),
        ({SAFETY_PREF: HURT}, True),
        ({SAFETY_PREF: RATHER_NOT_SAY}, True),
        ({SAFETY_PREF: "garbled"}, False),
    ],
)
def test_practice_unsafe_reads_the_safety_answers(prefs: dict[str, Any], unsafe: bool) -> None:
    """Any relationship left out, or someone hurting them (or no answer to that), counts."""
    assert practice_unsafe(prefs) is unsafe


def test_confronting_prompts_are_tagged_and_left_out_when_unsafe() -> None:
    """Some prompts are tagged; the pool for an unsafe person has none of them, and still
    has prompts of every theme."""
    prompts = load_daily().prompts
    confronting = {p.id for p in prompts if p.confronts}
    assert len(confronting) >= 6
    assert "daily-boundaries-01" in confronting  # "What could you kindly say no to today?"
    assert [p.id for p in prompts_for(prompts, {})] == [p.id for p in prompts]
    pool = prompts_for(prompts, {SAFETY_PREF: PAUSED})
    assert not {p.id for p in pool} & confronting
    assert {p.theme for p in pool} == set(DAILY_THEMES)


@pytest.fixture
def database(database_url: str) -> Iterator[Engine]:
    """An engine on the parametrized, migrated, empty database."""
    engine = create_database_engine(database_url)
    yield engine
    engine.dispose()


def _add_person(database: Engine, user_id: int, prefs: dict[str, Any]) -> None:
    """Someone with a daily prompt due at DUE."""
    with database.begin() as connection:
        SqlStore(connection).create_user(
            UserRecord(
                user_id=user_id,
                chat_id=user_id,
                created_at=DUE - timedelta(days=30),
                last_seen_at=DUE - timedelta(days=1),
                consent=True,
                timezone="Europe/Berlin",
                daily_enabled=True,
                daily_time="08:30",
                next_prompt_due_utc=DUE,
                prefs=prefs,
            )
        )


def test_the_delivery_never_picks_a_confronting_prompt_for_an_unsafe_person(
    database: Engine, content: Content
) -> None:
    """Every gentle prompt already seen: a safe person gets a confronting one next (the only
    unseen ones), a person whose practice is paused starts a new round of gentle ones."""
    prompts = content.section("daily").prompts
    gentle_ids = sorted(p.id for p in prompts if not p.confronts)
    _add_person(database, 501, {SEEN_PREF: gentle_ids})
    _add_person(database, 502, {SEEN_PREF: gentle_ids, SAFETY_PREF: PAUSED})
    claimed = DeliveryLedger(database, prompts).claim_due(DUE + timedelta(seconds=5), 10)
    chosen = {item.user_id: item.prompt_id for item in claimed}
    confronting = {p.id for p in prompts if p.confronts}
    assert chosen[501] in confronting
    assert chosen[502] not in confronting
    with database.connect() as connection:
        record = SqlStore(connection).load(502)[0]
    assert record is not None
    assert record.prefs[SEEN_PREF] == [chosen[502]]  # a new round began
