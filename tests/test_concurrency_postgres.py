"""Two worker processes on one PostgreSQL: many people interleaved, nothing lost, order kept.

Each worker is a separate process with its own runtime (engine, connection pool), as in the
webhook deployment. People's events alternate between the workers, many people at once; some
people double-send (two answers at the same moment, one to each worker), which the row lock on
the person serializes. Afterwards every answer is stored, every conversation is in a state its
flow knows, and each person's answers are stored in the order they were sent.
"""

from __future__ import annotations

import multiprocessing
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from bot.app import build_runtime
from bot.settings import Settings
from bot.storage.database import normalize_url
from content import Content
from flows.events import Event, EventKind, Reply

PEOPLE = 36
SESSIONS = 2
DOUBLE_SENDERS = 12  # the first people send answers 1 and 2 of a session at the same moment
THEMES = ("boundaries", "self-worth", "communication", "balance", "pattern")
TOKEN = "123456789:TEST-token-for-tandem-tests-only"
RESULT_TIMEOUT = 60.0
QUESTION_NUMBER = re.compile(r"Question \d of \d")


def worker_main(url: str, inbox: Any, results: Any) -> None:
    """A worker process: handle events from `inbox` until None, answer on `results`."""
    runtime = build_runtime(Settings(bot_token=TOKEN, database_url=url), migrate_schema=False)
    try:
        while (job := inbox.get()) is not None:
            job_id, event = job
            try:
                results.put((job_id, runtime.service.process(event), None))
            except Exception as exc:  # report to the test instead of dying silently
                results.put((job_id, [], f"{type(exc).__name__}: {exc}"))
    finally:
        runtime.database.dispose()


@dataclass
class Person:
    """A scripted person: each step is one event, or two sent at the same moment."""

    user_id: int
    steps: list[list[tuple[EventKind, str]]]
    answers: list[str] = field(default_factory=list)  # in the order sent
    replies: list[list[Reply]] = field(default_factory=list)
    position: int = 0
    waiting: int = 0


def script(index: int, user_id: int) -> Person:
    """Onboard, then reflect SESSIONS times, answering three questions each time."""
    person = Person(user_id, [[(EventKind.COMMAND, "start")], [(EventKind.BUTTON, "consent")]])
    for session in range(SESSIONS):
        theme = THEMES[(index + session) % len(THEMES)]
        person.steps.append([(EventKind.COMMAND, f"reflect {theme}")])
        answers = [f"Answer {session}.{n} from {user_id}: I paused first." for n in (1, 2, 3)]
        if index < DOUBLE_SENDERS:
            person.steps.append([(EventKind.TEXT, answers[0]), (EventKind.TEXT, answers[1])])
        else:
            person.steps += [[(EventKind.TEXT, answers[0])], [(EventKind.TEXT, answers[1])]]
        person.steps.append([(EventKind.TEXT, answers[2])])
        person.answers += answers
    person.steps.append([(EventKind.COMMAND, "menu")])
    return person


def make_event(person: Person, kind: EventKind, value: str, update_id: int) -> Event:
    """The event for one step (a button press uses the payload shown in the last reply)."""
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC) + timedelta(milliseconds=update_id)
    fields: dict[str, str] = {}
    if kind is EventKind.COMMAND:
        command, _, args = value.partition(" ")
        fields = {"command": command, "text": args}
    elif kind is EventKind.TEXT:
        fields = {"text": value}
    else:
        shown = [b.payload for reply in person.replies[-1] for row in reply.buttons for b in row]
        fields = {"payload": next(p for p in shown if p.startswith("onboarding:answer:yes"))}
    return Event(
        user_id=person.user_id,
        chat_id=person.user_id,
        kind=kind,
        now=now,
        update_id=update_id,
        **fields,
    )


@pytest.fixture
def postgres_url(database_url: str) -> str:
    """Only the PostgreSQL run of `database_url`: several workers need a server database."""
    if not database_url.startswith("postgresql"):
        pytest.skip("several workers share one PostgreSQL; SQLite is single-process")
    return database_url


def test_people_interleaved_across_two_workers(postgres_url: str, content: Content) -> None:
    context = multiprocessing.get_context("spawn")
    inboxes = [context.Queue(), context.Queue()]
    results = context.Queue()
    workers = [
        context.Process(target=worker_main, args=(postgres_url, inbox, results), daemon=True)
        for inbox in inboxes
    ]
    for worker in workers:
        worker.start()
    people = [script(index, 70_000 + index) for index in range(PEOPLE)]
    update_ids = count(1)
    routes = count()
    pending: dict[int, Person] = {}
    errors: list[str] = []
    rng = random.Random(8)
    try:
        while any(p.position < len(p.steps) for p in people) or pending:
            idle = [p for p in people if not p.waiting and p.position < len(p.steps)]
            rng.shuffle(idle)
            for person in idle:
                step = person.steps[person.position]
                person.position += 1
                person.waiting = len(step)
                events = [
                    make_event(person, kind, value, next(update_ids)) for kind, value in step
                ]
                person.replies.append([])
                for event in events:  # a double send goes to both workers at once
                    inboxes[next(routes) % 2].put((event.update_id, event))
                    pending[int(event.update_id or 0)] = person
            job_id, replies, error = results.get(timeout=RESULT_TIMEOUT)
            if error:
                errors.append(error)
            person = pending.pop(job_id)
            person.replies[-1].extend(replies)
            person.waiting -= 1
    finally:
        for inbox in inboxes:
            inbox.put(None)
        for worker in workers:
            worker.join(timeout=30)
    assert errors == []
    sent = next(update_ids) - 1
    assert sent == PEOPLE * (3 + 4 * SESSIONS)  # start, consent, menu; 4 per session

    engine = create_engine(normalize_url(postgres_url))
    try:
        with engine.connect() as connection:
            processed = connection.execute(text("SELECT count(*) FROM processed_updates"))
            assert processed.scalar_one() == sent, "every update was handled exactly once"
            stored = connection.execute(
                text("SELECT user_id, text FROM entries WHERE kind = 'reflection' ORDER BY id")
            ).all()
            positions = connection.execute(
                text("SELECT user_id, flow, state FROM conversations")
            ).all()
    finally:
        engine.dispose()
    runtime = build_runtime(
        Settings(bot_token=TOKEN, database_url=postgres_url), content=content, migrate_schema=False
    )
    flows = runtime.engine.flows
    runtime.database.dispose()

    by_person: dict[int, list[str]] = {}
    for user_id, answer in stored:
        by_person.setdefault(user_id, []).append(answer)
    for index, person in enumerate(people):
        kept = by_person.get(person.user_id, [])
        assert sorted(kept) == sorted(person.answers), "every answer is stored, none twice"
        if index < DOUBLE_SENDERS:  # the two sent at once may land either way round
            for session in range(SESSIONS):
                first, second, third = kept[3 * session : 3 * session + 3]
                assert {first, second} == set(person.answers[3 * session : 3 * session + 2])
                assert third == person.answers[3 * session + 2]
        else:
            assert kept == person.answers, "answers are stored in the order they were sent"
            asked = [
                match.group(0)
                for replies in person.replies
                for reply in replies
                if (match := QUESTION_NUMBER.search(reply.text))
            ]
            assert asked == ["Question 1 of 3", "Question 2 of 3", "Question 3 of 3"] * SESSIONS
    assert len(positions) == PEOPLE
    for _, flow, state in positions:
        assert flow in flows and state in flows[flow].states, "a state its flow knows"
        assert flow == "menu", "each person ended at the menu, as their last step asked"


def test_a_dropped_database_connection_is_replaced_and_the_event_retried(
    postgres_url: str, content: Content
) -> None:
    runtime = build_runtime(
        Settings(bot_token=TOKEN, database_url=postgres_url), content=content, migrate_schema=False
    )
    admin = create_engine(normalize_url(postgres_url), isolation_level="AUTOCOMMIT")
    try:
        first = Event(80_001, 80_001, EventKind.COMMAND, datetime.now(UTC), command="start")
        assert runtime.service.process(first)
        with admin.connect() as connection:  # as if PostgreSQL restarted under the pool
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        again = Event(80_001, 80_001, EventKind.COMMAND, datetime.now(UTC), command="menu")
        replies = runtime.service.process(again)
        assert replies and replies[-1].buttons, "the menu is shown on a fresh connection"
    finally:
        admin.dispose()
        runtime.database.dispose()
