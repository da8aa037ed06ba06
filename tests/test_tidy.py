"""Tidying in bot/: the message log, deleting over HTTP, the auto-tidy job, discreet prompts."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, insert, select
from telegram.ext import ExtBot

from bot.app import Runtime, build_runtime
from bot.console import ConsoleChat
from bot.daily_scheduler import DailyPromptScheduler
from bot.rate_limit import ConversationFirstRateLimiter, SendBudget
from bot.storage.database import create_database_engine
from bot.storage.deliveries import DeliveryLedger
from bot.storage.sql_store import SqlStore
from bot.tidy import ChatTidier, MessageLog, TidyJob, chat_messages
from content import Content
from flows.discreet import AUTO_TIDY_PREF, NEUTRAL_PREF, SILENT_PREF
from flows.ports import UserRecord
from tests.conftest import make_settings
from tests.support.bot_api_standin import BotApiStandIn, message_ids_of
from tests.support.chat import ChatDriver

TOKEN = "123456789:TEST-token-for-tandem-tests-only"
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
PERSON = 777

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


class Clock:
    """A settable clock."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def database(database_url: str) -> Iterator[Engine]:
    """An engine on the parametrized, migrated, empty database."""
    engine = create_database_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def standin() -> Iterator[BotApiStandIn]:
    """A Bot API stand-in on 127.0.0.1."""
    with BotApiStandIn() as server:
        yield server


@pytest.fixture
async def bot(standin: BotApiStandIn) -> AsyncIterator[ExtBot[str]]:
    """A bot with Tandem's rate limiter, talking HTTP to the stand-in."""
    limiter = ConversationFirstRateLimiter(SendBudget(200))
    async with ExtBot(TOKEN, base_url=standin.base_url, rate_limiter=limiter) as client:
        yield client


def add_person(database: Engine, user_id: int = PERSON, **fields: object) -> None:
    """A known person (messages are recorded only for people Tandem knows)."""
    record = UserRecord(
        user_id=user_id,
        chat_id=user_id,
        created_at=NOW - timedelta(days=3),
        last_seen_at=NOW - timedelta(days=1),
        consent=True,
        timezone="Europe/Berlin",
    )
    for name, value in fields.items():
        setattr(record, name, value)
    with database.begin() as connection:
        SqlStore(connection).create_user(record)


def rows(database: Engine, user_id: int = PERSON) -> list[tuple[int, datetime, datetime | None]]:
    """(message id, sent at, tidy due at) of the person's recorded messages, by id."""
    with database.connect() as connection:
        found = connection.execute(
            select(
                chat_messages.c.message_id, chat_messages.c.sent_at, chat_messages.c.tidy_due_at
            )
            .where(chat_messages.c.user_id == user_id)
            .order_by(chat_messages.c.message_id)
        ).all()
    return [(row.message_id, row.sent_at, row.tidy_due_at) for row in found]


def test_only_ids_and_times_are_recorded_and_only_for_known_people(database: Engine) -> None:
    log = MessageLog(database)
    assert log.record_sent(PERSON, 10, NOW) is False  # nobody by that id: nothing is written
    add_person(database)
    assert log.record_received(PERSON, 11, NOW) is True
    assert log.record_sent(PERSON, 12, NOW + timedelta(seconds=1)) is True
    assert log.record_sent(PERSON, 12, NOW + timedelta(seconds=1)) is True  # a repeat is fine
    assert rows(database) == [(11, NOW, None), (12, NOW + timedelta(seconds=1), None)]
    assert {c.name for c in chat_messages.columns} == {
        "user_id",
        "message_id",
        "sent_at",
        "tidy_due_at",
    }


def test_auto_tidy_is_due_once_the_newest_message_is_old_enough(database: Engine) -> None:
    log = MessageLog(database)
    add_person(database, prefs={AUTO_TIDY_PREF: "1h"})
    add_person(database, user_id=PERSON + 1)  # no auto-tidy
    log.record_received(PERSON, 1, NOW)
    log.record_sent(PERSON, 2, NOW + timedelta(minutes=1))
    log.record_sent(PERSON + 1, 1, NOW)
    assert rows(database)[1][2] == NOW + timedelta(minutes=61)
    assert log.due_chats(NOW + timedelta(minutes=60)) == []
    assert log.due_chats(NOW + timedelta(minutes=61)) == [PERSON]
    # A newer message, sent after auto-tidy was turned off, keeps the chat as it is.
    with database.begin() as connection:
        SqlStore(connection).save_user(
            UserRecord(
                user_id=PERSON,
                chat_id=PERSON,
                created_at=NOW - timedelta(days=3),
                last_seen_at=NOW,
                consent=True,
                timezone="Europe/Berlin",
            )
        )
    log.record_received(PERSON, 3, NOW + timedelta(minutes=2))
    assert log.due_chats(NOW + timedelta(days=1)) == []


def test_rows_are_forgotten_after_48_hours(database: Engine) -> None:
    log = MessageLog(database)
    add_person(database)
    log.record_sent(PERSON, 1, NOW - timedelta(hours=49))
    log.record_sent(PERSON, 2, NOW - timedelta(hours=47))
    assert log.prune(NOW) == 1
    assert [row[0] for row in rows(database)] == [2]


def test_delete_everything_removes_the_recorded_messages(runtime: Runtime) -> None:
    chat = ChatDriver(runtime.service, user_id=PERSON)
    chat.onboard()
    log = MessageLog(runtime.database)
    log.record_received(PERSON, 1, chat.now)
    log.record_sent(PERSON, 2, chat.now)
    chat.command("delete")
    chat.press("Yes, delete")
    assert rows(runtime.database) == []
    # The goodbye line that follows is not recorded: the person is gone.
    assert log.record_sent(PERSON, 3, chat.now) is False
    assert rows(runtime.database) == []


async def test_tidy_deletes_in_batches_of_100_and_skips_what_telegram_refuses(
    database: Engine, bot: ExtBot[str], standin: BotApiStandIn
) -> None:
    log = MessageLog(database)
    add_person(database)
    now = datetime.now(UTC)
    young = list(range(1, 251))
    old = [500, 501]
    with database.begin() as connection:
        connection.execute(
            insert(chat_messages),
            [
                {"user_id": PERSON, "message_id": i, "sent_at": now - timedelta(hours=1)}
                for i in young
            ]
            + [
                {"user_id": PERSON, "message_id": i, "sent_at": now - timedelta(hours=49)}
                for i in old
            ],
        )
    standin.refused_deletes.add(150)
    report = await ChatTidier(log).tidy(bot, PERSON)

    batches = [c for c in standin.delete_requests(PERSON) if c.method == "deleteMessages"]
    assert [len(message_ids_of(c.params)) for c in batches] == [100, 100, 50]
    singles = [c for c in standin.delete_requests(PERSON) if c.method == "deleteMessage"]
    assert [int(c.params["message_id"]) for c in singles] == list(range(101, 201))
    assert sorted(standin.deleted(PERSON)) == [i for i in young if i != 150]
    assert (report.deleted, report.skipped, report.too_old) == (249, 1, 2)
    assert standin.sent() == []  # no message about the refusal
    assert rows(database) == []


async def test_tidy_stops_when_the_person_blocked_the_bot(
    database: Engine, bot: ExtBot[str], standin: BotApiStandIn
) -> None:
    log = MessageLog(database)
    add_person(database)
    now = datetime.now(UTC)
    for message_id in range(1, 4):
        log.record_sent(PERSON, message_id, now)
    standin.fail_next("deleteMessages", 403, "Forbidden: bot was blocked by the user")
    report = await ChatTidier(log).tidy(bot, PERSON)
    assert report.blocked and report.deleted == 0
    assert [c.method for c in standin.delete_requests(PERSON)] == ["deleteMessages"]
    assert rows(database) == []


async def test_the_job_auto_tidies_due_chats_and_prunes_the_rest(
    database: Engine, bot: ExtBot[str], standin: BotApiStandIn
) -> None:
    log = MessageLog(database)
    add_person(database, prefs={AUTO_TIDY_PREF: "1d"})
    add_person(database, user_id=PERSON + 1)
    start = datetime.now(UTC) - timedelta(hours=30)
    log.record_received(PERSON, 1, start)
    log.record_sent(PERSON, 2, start)
    log.record_sent(PERSON + 1, 1, start - timedelta(hours=20))  # 50 hours old: pruned
    log.record_sent(PERSON + 1, 2, start)  # no auto-tidy: stays
    clock = Clock(datetime.now(UTC))
    job = TidyJob(ChatTidier(log, clock=clock), bot, tick_seconds=1)
    assert await job.tick() == 1
    assert sorted(standin.deleted(PERSON)) == [1, 2]
    assert standin.deleted(PERSON + 1) == []
    assert rows(database) == []
    assert [row[0] for row in rows(database, PERSON + 1)] == [2]
    assert await job.tick() == 0  # nothing is tidied twice


async def test_discreet_prompts_are_one_neutral_line_silent_and_recorded(
    database: Engine, content: Content, bot: ExtBot[str], standin: BotApiStandIn
) -> None:
    due = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
    discreet = {NEUTRAL_PREF: True, SILENT_PREF: True}
    for user_id, prefs in ((PERSON, discreet), (PERSON + 1, {})):
        add_person(
            database,
            user_id=user_id,
            daily_enabled=True,
            daily_time="08:30",
            next_prompt_due_utc=due,
            prefs=prefs,
        )
    words = "my partner checks my phone"
    with database.begin() as connection:
        SqlStore(connection).add_entry(PERSON, "daily", text=words, created_at=due)
    scheduler = DailyPromptScheduler(
        content,
        DeliveryLedger(database, content.section("daily").prompts),
        bot,
        send_rate=200,
        tick_seconds=30,
        clock=lambda: due + timedelta(minutes=1),
    )
    report = await scheduler.tick()
    assert report.sent == 2
    quiet = standin.sent(PERSON)[0]
    assert quiet.text == "A small moment for you."
    assert [b["text"] for b in quiet.buttons] == ["Open", "Not today", "Pause"]
    assert str(quiet.params.get("disable_notification")).lower() == "true"
    assert words not in str(quiet.params)
    usual = standin.sent(PERSON + 1)[0]
    assert usual.text.startswith("Your reflection for today is here.")
    assert str(usual.params.get("disable_notification", "false")).lower() == "false"
    assert words not in str(usual.params)  # a prompt never quotes the person, discreet or not
    assert [row[0] for row in rows(database)] == [quiet.message_id]
    with database.connect() as connection:
        assert connection.execute(select(func.count()).select_from(chat_messages)).scalar() == 2


def test_the_terminal_says_tidying_does_not_apply_there(sqlite_url: str, content: Content) -> None:
    runtime = build_runtime(make_settings(sqlite_url), content=content, migrate_schema=False)
    out = io.StringIO()
    ConsoleChat(runtime, out=out).run(io.StringIO("1\n/tidy\n1\n/quit\n"))
    shown = out.getvalue()
    assert "nothing was removed" in shown and "terminal" in shown
    assert "All tidy." in shown
    runtime.database.dispose()
