"""The daily-prompt job against a real database and a Bot API stand-in over HTTP.

Restarts (due while down: sent once after start, not twice), exactly-once with two concurrent
workers on PostgreSQL, and 429/403/5xx handling with no prompt lost and none sent twice.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, select, update
from telegram.ext import ExtBot

from bot.app import build_application, build_runtime
from bot.daily_scheduler import DailyPromptScheduler
from bot.rate_limit import ConversationFirstRateLimiter, SendBudget
from bot.settings import SettingsError, load_settings
from bot.storage.database import create_database_engine
from bot.storage.deliveries import (
    STATUS_BLOCKED,
    STATUS_EXPIRED,
    STATUS_RETRY,
    STATUS_SENT,
    DeliveryLedger,
    deliveries,
    users,
)
from bot.storage.sql_store import SqlStore
from content import Content
from flows.daily_schedule import next_due_utc
from flows.ports import UserRecord
from tests.support.bot_api_standin import BotApiStandIn

TOKEN = "123456789:TEST-token-for-tandem-tests-only"
# Monday 2 March 2026. In Berlin (CET, UTC+1) 08:30 is 07:30 UTC.
DUE_TODAY = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
AFTERNOON = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


class Clock:
    """A settable clock for the scheduler."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


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


def add_people(
    database: Engine, count: int, *, due: datetime | None, first_id: int = 1000
) -> list[int]:
    """People with daily prompts at 08:30 Berlin time, next due at `due`."""
    ids = list(range(first_id, first_id + count))
    with database.begin() as connection:
        store = SqlStore(connection)
        for user_id in ids:
            store.create_user(
                UserRecord(
                    user_id=user_id,
                    chat_id=user_id,
                    created_at=DUE_TODAY - timedelta(days=30),
                    last_seen_at=DUE_TODAY - timedelta(days=1),
                    consent=True,
                    timezone="Europe/Berlin",
                    daily_enabled=True,
                    daily_time="08:30",
                    next_prompt_due_utc=due,
                )
            )
    return ids


def scheduler_for(
    database: Engine, content: Content, bot: ExtBot[str], clock: Clock, **kw: object
) -> DailyPromptScheduler:
    """A scheduler as the application builds it, on its own clock."""
    ledger = DeliveryLedger(database, content.section("daily").prompts)
    return DailyPromptScheduler(
        content,
        ledger,
        bot,
        send_rate=200,
        tick_seconds=30,
        in_thread=bool(kw.get("in_thread", False)),
        clock=clock,
    )


def sent_per_chat(standin: BotApiStandIn) -> Counter[int]:
    """How many sendMessage calls reached each chat."""
    return Counter(int(call.params["chat_id"]) for call in standin.sent())


def statuses(database: Engine) -> Counter[str]:
    """Ledger rows by status."""
    with database.connect() as connection:
        rows = connection.execute(
            select(deliveries.c.status, func.count()).group_by(deliveries.c.status)
        )
        return Counter({status: count for status, count in rows})


@pytest.fixture
def database(database_url: str) -> Iterator[Engine]:
    """An engine on the parametrized, migrated, empty database."""
    engine = create_database_engine(database_url)
    yield engine
    engine.dispose()


async def test_prompt_due_while_down_is_sent_once_after_start_not_twice(
    database: Engine,
    database_url: str,
    content: Content,
    bot: ExtBot[str],
    standin: BotApiStandIn,
) -> None:
    people = add_people(database, 5, due=DUE_TODAY)
    clock = Clock(AFTERNOON)  # the bot was down at 08:30 and comes back at 14:00 Berlin time
    first = scheduler_for(database, content, bot, clock)
    report = await first.tick()
    assert report.sent == 5
    assert sent_per_chat(standin) == Counter({user_id: 1 for user_id in people})
    message = standin.sent()[0]
    assert message.text.startswith("Your reflection for today is here.")
    assert [b["text"] for b in message.buttons] == ["Answer now", "Not today", "Pause"]

    # A restart: a new process with its own database engine ticks again the same day.
    restarted_engine = create_database_engine(database_url)
    clock.now += timedelta(minutes=1)
    again = await scheduler_for(restarted_engine, content, bot, clock).tick()
    assert again.claimed == 0
    assert len(standin.sent()) == 5
    # The next morning everyone gets the next prompt, once, at 08:30 Berlin time.
    clock.now = datetime(2026, 3, 3, 7, 30, 5, tzinfo=UTC)
    await scheduler_for(restarted_engine, content, bot, clock).tick()
    assert sent_per_chat(standin) == Counter({user_id: 2 for user_id in people})
    restarted_engine.dispose()
    with database.connect() as connection:
        due = connection.execute(select(users.c.next_prompt_due_utc).distinct()).scalars().all()
    assert due == [datetime(2026, 3, 4, 7, 30, tzinfo=UTC)]


async def test_down_past_midnight_yesterdays_prompt_is_not_sent(
    database: Engine, content: Content, bot: ExtBot[str], standin: BotApiStandIn
) -> None:
    add_people(database, 3, due=DUE_TODAY)
    clock = Clock(datetime(2026, 3, 3, 5, 0, tzinfo=UTC))  # 06:00 Tuesday in Berlin
    report = await scheduler_for(database, content, bot, clock).tick()
    assert report.claimed == 0 and standin.sent() == []
    clock.now = datetime(2026, 3, 3, 7, 31, tzinfo=UTC)
    report = await scheduler_for(database, content, bot, clock).tick()
    assert report.sent == 3


async def test_a_claim_lost_in_a_crash_is_sent_once_after_its_lease(
    database: Engine, content: Content, bot: ExtBot[str], standin: BotApiStandIn
) -> None:
    people = add_people(database, 4, due=DUE_TODAY)
    clock = Clock(DUE_TODAY + timedelta(seconds=20))
    crashed = DeliveryLedger(database, content.section("daily").prompts)
    assert len(crashed.claim(clock.now, 100)) == 4  # claimed, then the process died
    restarted = scheduler_for(database, content, bot, clock)
    clock.now += timedelta(minutes=1)  # still leased to the dead process: nobody sends
    assert (await restarted.tick()).claimed == 0
    clock.now += crashed.lease  # the lease ran out: picked up again, same local day
    assert (await restarted.tick()).sent == 4
    assert (await restarted.tick()).claimed == 0
    assert sent_per_chat(standin) == Counter({user_id: 1 for user_id in people})


async def test_429_waits_and_retries_403_marks_inactive_others_unaffected(
    database: Engine, content: Content, bot: ExtBot[str], standin: BotApiStandIn
) -> None:
    people = add_people(database, 20, due=DUE_TODAY)
    standin.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    standin.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    standin.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    clock = Clock(DUE_TODAY + timedelta(seconds=10))
    report = await scheduler_for(database, content, bot, clock).tick()
    assert (report.rate_limited, report.blocked, report.sent) == (2, 1, 19)
    calls = sent_per_chat(standin)
    # Every call is accounted for: 19 prompts that arrived plus the 3 planned errors, so nobody
    # got a prompt twice; every person except the one who blocked us has theirs.
    assert sum(calls.values()) == 19 + 3
    assert set(calls) == set(people)
    assert statuses(database) == Counter({STATUS_SENT: 19, STATUS_BLOCKED: 1})
    with database.connect() as connection:
        inactive = connection.execute(
            select(users.c.user_id, users.c.next_prompt_due_utc).where(users.c.active.is_(False))
        ).all()
    assert len(inactive) == 1 and inactive[0].next_prompt_due_utc is None
    # Nothing more for anyone on the next tick, and nothing for the blocked person tomorrow.
    clock.now = datetime(2026, 3, 3, 7, 31, tzinfo=UTC)
    report = await scheduler_for(database, content, bot, clock).tick()
    assert report.sent == 19 and inactive[0].user_id not in {
        int(c.params["chat_id"]) for c in standin.sent()[len(people) + 3 :]
    }


async def test_other_errors_are_retried_later_without_holding_up_the_rest(
    database: Engine, content: Content, bot: ExtBot[str], standin: BotApiStandIn
) -> None:
    people = add_people(database, 6, due=DUE_TODAY)
    standin.fail_next("sendMessage", 500, "Internal Server Error")
    clock = Clock(DUE_TODAY + timedelta(seconds=10))
    scheduler = scheduler_for(database, content, bot, clock)
    report = await scheduler.tick()
    assert (report.sent, report.retried) == (5, 1)
    assert statuses(database) == Counter({STATUS_SENT: 5, STATUS_RETRY: 1})
    assert (await scheduler.tick()).claimed == 0  # not before its retry time
    clock.now += timedelta(minutes=2)
    assert (await scheduler.tick()).sent == 1
    assert statuses(database) == Counter({STATUS_SENT: 6})
    assert sent_per_chat(standin).total() == len(people) + 1
    assert set(sent_per_chat(standin)) == set(people)


async def test_a_retry_after_the_local_day_ended_expires(
    database: Engine, content: Content, bot: ExtBot[str], standin: BotApiStandIn
) -> None:
    add_people(database, 1, due=DUE_TODAY)
    standin.fail_next("sendMessage", 502, "Bad Gateway")
    clock = Clock(datetime(2026, 3, 2, 22, 58, tzinfo=UTC))  # 23:58 in Berlin
    scheduler = scheduler_for(database, content, bot, clock)
    assert (await scheduler.tick()).retried == 1
    clock.now += timedelta(minutes=5)  # 00:03 the next day: yesterday's prompt is over
    assert (await scheduler.tick()).sent == 0
    assert statuses(database) == Counter({STATUS_EXPIRED: 1})


async def test_two_workers_on_postgresql_never_double_send(
    content: Content, standin: BotApiStandIn, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("several workers share one database only on PostgreSQL")
    engines = [create_database_engine(database_url) for _ in range(2)]
    people = add_people(engines[0], 300, due=DUE_TODAY)
    clock = Clock(DUE_TODAY + timedelta(minutes=1))
    limiters = [ConversationFirstRateLimiter(SendBudget(1000)) for _ in range(2)]
    async with (
        ExtBot(TOKEN, base_url=standin.base_url, rate_limiter=limiters[0]) as bot_a,
        ExtBot(TOKEN, base_url=standin.base_url, rate_limiter=limiters[1]) as bot_b,
    ):
        workers = [
            scheduler_for(engine, content, worker_bot, clock, in_thread=True)
            for engine, worker_bot in zip(engines, (bot_a, bot_b), strict=True)
        ]
        for worker in workers:
            worker.batch_size = 7  # many small claims, so the two workers interleave
        reports = await asyncio.gather(*(worker.tick() for worker in workers))
    assert sum(report.claimed for report in reports) == len(people)
    assert all(report.claimed > 0 for report in reports)
    assert sent_per_chat(standin) == Counter({user_id: 1 for user_id in people})
    assert statuses(engines[0]) == Counter({STATUS_SENT: len(people)})
    for engine in engines:
        engine.dispose()


def test_concurrent_claims_on_postgresql_are_disjoint(database_url: str, content: Content) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("row locks are a PostgreSQL feature")
    engines = [create_database_engine(database_url) for _ in range(4)]
    people = add_people(engines[0], 400, due=DUE_TODAY)
    now = DUE_TODAY + timedelta(seconds=30)
    claimed: list[list[int]] = [[] for _ in engines]
    start = threading.Barrier(len(engines))

    def claim_all(index: int) -> None:
        ledger = DeliveryLedger(engines[index], content.section("daily").prompts)
        start.wait()
        while batch := ledger.claim_due(now, 5):
            claimed[index].extend(item.user_id for item in batch)

    threads = [threading.Thread(target=claim_all, args=(i,)) for i in range(len(engines))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everyone = [user_id for part in claimed for user_id in part]
    assert sorted(everyone) == people  # each person claimed exactly once, by one worker
    assert sum(1 for part in claimed if part) > 1
    for engine in engines:
        engine.dispose()


def test_choice_leans_to_the_weakest_self_check_dimension(
    database: Engine, content: Content
) -> None:
    people = add_people(database, 60, due=DUE_TODAY)
    with database.begin() as connection:
        store = SqlStore(connection)
        for user_id in people:
            store.add_entry(
                user_id,
                "selfcheck",
                content_id="selfcheck",
                data={
                    "scores": {
                        "boundaries": 70,
                        "self-worth": 20,
                        "communication": 55,
                        "balance": None,
                    }
                },
                created_at=DUE_TODAY - timedelta(days=2),
            )
    claimed = DeliveryLedger(database, content.section("daily").prompts).claim_due(
        DUE_TODAY + timedelta(seconds=5), 100
    )
    themes = Counter(item.prompt_id.split("-")[1] for item in claimed)
    assert themes["self"] == max(themes.values())


def test_next_due_is_kept_in_local_time_across_the_berlin_dst_change(
    database: Engine, content: Content
) -> None:
    # Saturday 28 March 2026 08:30 CET; Sunday 29 March Berlin moves to CEST.
    saturday = datetime(2026, 3, 28, 7, 30, tzinfo=UTC)
    add_people(database, 1, due=saturday)
    ledger = DeliveryLedger(database, content.section("daily").prompts)
    assert len(ledger.claim_due(saturday + timedelta(seconds=5), 10)) == 1
    with database.connect() as connection:
        due = connection.execute(select(users.c.next_prompt_due_utc)).scalar_one()
    assert due == datetime(2026, 3, 29, 6, 30, tzinfo=UTC)
    assert due == next_due_utc(time(8, 30), "Europe/Berlin", saturday)
    local = due.astimezone(ZoneInfo("Europe/Berlin"))
    assert (local.date(), local.time()) == (date(2026, 3, 29), time(8, 30))


def test_a_sender_whose_lease_was_taken_over_stands_back(
    database: Engine, content: Content
) -> None:
    add_people(database, 1, due=DUE_TODAY)
    now = DUE_TODAY + timedelta(seconds=5)
    slow = DeliveryLedger(database, content.section("daily").prompts)
    fast = DeliveryLedger(database, content.section("daily").prompts)
    [mine] = slow.claim(now, 10)
    [theirs] = fast.claim(now + slow.lease + timedelta(seconds=1), 10)  # lease ran out
    assert theirs.delivery_id == mine.delivery_id and theirs.attempts == mine.attempts + 1
    assert slow.begin_send(mine.delivery_id, mine.attempts) is False
    assert fast.begin_send(theirs.delivery_id, theirs.attempts) is True


def test_a_prompt_in_flight_when_the_process_died_is_not_repeated(
    database: Engine, content: Content
) -> None:
    add_people(database, 1, due=DUE_TODAY)
    now = DUE_TODAY + timedelta(seconds=5)
    ledger = DeliveryLedger(database, content.section("daily").prompts)
    [item] = ledger.claim(now, 10)
    assert ledger.begin_send(item.delivery_id, item.attempts)
    # ...the process dies during the HTTP request; hours later nobody picks it up again.
    assert ledger.claim(now + timedelta(hours=3), 10) == []
    assert statuses(database) == Counter({"sending": 1})


@pytest.mark.parametrize(
    ("environ", "problem"),
    [
        ({"DAILY_SEND_RATE": "fast"}, "DAILY_SEND_RATE must be messages per second"),
        ({"DAILY_SEND_RATE": "0"}, "between 0.1 and 1000"),
        ({"DAILY_TICK_SECONDS": "0"}, "DAILY_TICK_SECONDS must be between 1 and 3600"),
    ],
)
def test_bad_daily_settings_stop_with_one_clear_line(
    environ: dict[str, str], problem: str
) -> None:
    with pytest.raises(SettingsError, match=problem):
        load_settings({"BOT_TOKEN": TOKEN, **environ}, dotenv_path=None)


def test_the_application_wires_the_limiter_and_the_job(sqlite_url: str, content: Content) -> None:
    settings = load_settings(
        {
            "BOT_TOKEN": TOKEN,
            "DATABASE_URL": sqlite_url,
            "DAILY_SEND_RATE": "12.5",
            "DAILY_TICK_SECONDS": "45",
        },
        dotenv_path=None,
    )
    runtime = build_runtime(settings, content=content, migrate_schema=False)
    application = build_application(runtime)
    assert isinstance(application.bot.rate_limiter, ConversationFirstRateLimiter)
    assert application.bot.rate_limiter.budget.rate == 12.5
    scheduler = application.bot_data["daily_scheduler"]
    assert isinstance(scheduler, DailyPromptScheduler)
    assert (scheduler.send_rate, scheduler.tick_seconds) == (12.5, 45)
    runtime.database.dispose()


async def test_people_overdue_from_earlier_days_do_not_hold_up_todays_prompt(
    database: Engine, content: Content, bot: ExtBot[str], standin: BotApiStandIn
) -> None:
    # After a two-day outage, 1,000 people with prompts at 23:00 Berlin time are overdue since
    # two days ago; their latest occurrence was last night, an earlier local day, so they are
    # only moved to their next due time. They sit before today's person in due order.
    two_days_ago = datetime(2026, 2, 28, 22, 0, tzinfo=UTC)  # 23:00 Saturday in Berlin
    overdue = add_people(database, 1000, due=two_days_ago)
    with database.begin() as connection:
        connection.execute(
            update(users).where(users.c.user_id.in_(overdue)).values(daily_time="23:00")
        )
    [today] = add_people(database, 1, due=DUE_TODAY, first_id=5000)
    clock = Clock(DUE_TODAY + timedelta(seconds=10))
    scheduler = scheduler_for(database, content, bot, clock)
    scheduler.batch_size = 50  # many batches with no prompt before today's person comes up
    report = await scheduler.tick()
    assert (report.sent, report.rows_seen) == (1, len(overdue) + 1)
    assert sent_per_chat(standin) == Counter({today: 1})
    with database.connect() as connection:
        still_due = connection.execute(
            select(func.count()).where(users.c.next_prompt_due_utc <= clock.now)
        ).scalar_one()
    assert still_due == 0


async def test_the_tick_forgets_update_ids_older_than_a_week_once_an_hour(
    database: Engine, content: Content, bot: ExtBot[str]
) -> None:
    now = DUE_TODAY + timedelta(seconds=10)
    with database.begin() as connection:
        store = SqlStore(connection)
        for update_id, age in ((1, timedelta(days=9)), (2, timedelta(days=8)), (3, timedelta(1))):
            assert store.claim_update(update_id, now - age)
    clock = Clock(now)
    scheduler = scheduler_for(database, content, bot, clock)
    assert (await scheduler.tick()).updates_pruned == 2
    with database.begin() as connection:
        assert SqlStore(connection).claim_update(3, now) is False  # still remembered
        assert SqlStore(connection).claim_update(4, now - timedelta(days=7, minutes=1))
    clock.now += timedelta(minutes=30)
    assert (await scheduler.tick()).updates_pruned == 0  # not again within the hour
    clock.now += timedelta(minutes=31)
    assert (await scheduler.tick()).updates_pruned == 1


async def test_a_crash_while_prompts_wait_for_tokens_leaves_them_claimed_and_taken_back_at_once(
    database: Engine, content: Content, standin: BotApiStandIn
) -> None:
    from bot.storage.deliveries import STATUS_CLAIMED
    from bot.storage.transit import TransitStore

    people = add_people(database, 6, due=DUE_TODAY)
    clock = Clock(DUE_TODAY + timedelta(seconds=20))
    slow = ConversationFirstRateLimiter(SendBudget(2, burst=1))  # two prompts a second
    async with ExtBot(TOKEN, base_url=standin.base_url, rate_limiter=slow) as slow_bot:
        ledger = DeliveryLedger(database, content.section("daily").prompts, owner="worker-a")
        scheduler = DailyPromptScheduler(
            content, ledger, slow_bot, send_rate=2, tick_seconds=30, clock=clock
        )
        tick = asyncio.create_task(scheduler.tick())
        for _ in range(500):
            if standin.sent():
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)
        tick.cancel()  # the process dies while the others wait for their token
        with pytest.raises(asyncio.CancelledError):
            await tick
    waiting = statuses(database)
    # Only what reached Telegram is marked; nobody waiting for a token was marked "sending".
    assert waiting[STATUS_SENT] == len(standin.sent())
    assert waiting.get("sending", 0) == 0
    assert waiting[STATUS_CLAIMED] == 6 - waiting[STATUS_SENT]

    # The same worker starts again: its own claims are taken back at once, not after the lease.
    taken = TransitStore(database, NoCipherForTests(), "worker-a").take_over_own(clock.now)
    assert taken == (0, waiting[STATUS_CLAIMED])
    async with ExtBot(
        TOKEN,
        base_url=standin.base_url,
        rate_limiter=ConversationFirstRateLimiter(SendBudget(200)),
    ) as fast_bot:
        restarted = DailyPromptScheduler(
            content,
            DeliveryLedger(database, content.section("daily").prompts, owner="worker-a"),
            fast_bot,
            send_rate=200,
            tick_seconds=30,
            clock=clock,
        )
        await restarted.tick()
    assert sent_per_chat(standin) == Counter({user_id: 1 for user_id in people})


class NoCipherForTests:
    """The take-over touches no text: any cipher will do."""

    def encrypt(self, text: str) -> str:
        return text

    def decrypt(self, stored: str) -> str:
        return stored
