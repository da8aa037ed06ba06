"""The outbox: replies stored with their event, sent after the commit, never lost, never twice.

Crashes are simulated in-process: `service.handle` commits an event and its stored replies
without sending them (as if the process died right after the commit), then the redelivered
update, the start-up takeover or the sweep must send them exactly once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from telegram import Update
from telegram.ext import Application

from bot.app import Runtime, build_application, build_runtime, start_outbox
from bot.crypto import ENCRYPTED_PREFIX, FernetCipher, generate_key
from bot.outbox import Outgoing, replies_from_json, replies_to_json
from bot.storage import transit
from bot.storage.sql_store import SqlStore
from bot.telegram_adapter import TelegramAdapter, update_to_event
from content import Content
from flows.events import Button, Reply
from flows.progress import ChartLabels, ProgressChart, ProgressPoint
from tests.conftest import make_settings
from tests.support.recording_request import (
    RecordingRequest,
    button_update,
    message_update,
    push,
)

USER = 424242


def adapter_of(application: Application) -> TelegramAdapter:
    adapter = application.bot_data["adapter"]
    assert isinstance(adapter, TelegramAdapter)
    return adapter


def outbox_count(runtime: Runtime) -> int:
    """Rows left in the outbox once the sent ones are deleted (they go with the next
    transaction, or the sweep's flush)."""
    runtime.service.flush_sent()
    with runtime.database.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM outbox")).scalar_one())


def make_due(runtime: Runtime) -> None:
    """As if every wait was over."""
    with runtime.database.begin() as connection:
        connection.execute(
            text("UPDATE outbox SET lease_until = :t"),
            {"t": datetime(2000, 1, 1)},
        )


def commit_without_sending(
    application: Application, data: dict[str, object], *, restart: bool = True
) -> Update:
    """Handle an update and store its replies, then "crash" before sending them (and restart:
    the new process takes its own rows back)."""
    update = Update.de_json(data, application.bot)
    assert update is not None
    event = update_to_event(update)
    assert event is not None
    query = update.callback_query
    handled = adapter_of(application).service.handle(event, query_id=query.id if query else None)
    assert handled.outgoing, "replies were stored for sending"
    if restart:
        adapter_of(application).service.transit.take_over_own(datetime.now(UTC))
    return update


async def test_replies_of_a_crash_between_commit_and_send_go_out_on_the_redelivered_update(
    application: Application, recorder: RecordingRequest, tandem: Runtime
) -> None:
    start = message_update(USER, "/start")
    commit_without_sending(application, start)
    assert recorder.sent() == [] and outbox_count(tandem) == 1

    await push(application, start)  # Telegram sends it again: not handled twice, but answered
    sent = recorder.sent()
    assert len(sent) == 2 and "I'm Tandem" in sent[0].text
    assert outbox_count(tandem) == 0

    await push(application, start)  # a third delivery: nothing left to send, nothing repeated
    assert len(recorder.sent()) == 2


async def test_a_pressed_button_is_answered_after_the_crash_too(
    application: Application, recorder: RecordingRequest, tandem: Runtime
) -> None:
    await push(application, message_update(USER, "/start"))
    yes = recorder.sent()[-1].button_payloads[0]
    recorder.clear()
    press = button_update(USER, yes)
    commit_without_sending(application, press)
    await push(application, press)
    assert [c.method for c in recorder.calls].count("answerCallbackQuery") == 1
    assert any("Thank you" in c.text for c in recorder.sent())
    assert outbox_count(tandem) == 0


async def test_start_up_takes_back_this_workers_unsent_replies_at_once(
    application: Application, recorder: RecordingRequest, tandem: Runtime
) -> None:
    commit_without_sending(application, message_update(USER, "/start"), restart=False)
    commit_without_sending(application, message_update(USER + 1, "/start"), restart=False)
    with tandem.database.begin() as connection:  # another, live worker's row stays its own
        connection.execute(
            text("UPDATE outbox SET owner = 'other' WHERE user_id = :u"), {"u": USER + 1}
        )
    await start_outbox(application)
    sweep = adapter_of(application).sweep
    assert sweep is not None
    try:
        for _ in range(100):
            if recorder.sent():
                break
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.1)
    finally:
        await sweep.stop()
    assert {int(c.params["chat_id"]) for c in recorder.sent()} == {USER}
    assert len(recorder.sent()) == 2
    assert outbox_count(tandem) == 1  # the live worker's row waits for its lease to run out


async def test_a_long_flood_wait_delivers_late_and_in_order_instead_of_dropping(
    application: Application, recorder: RecordingRequest, tandem: Runtime
) -> None:
    recorder.fail_next("sendMessage", 429, "Too Many Requests: retry after 40", retry_after=40)
    await push(application, message_update(USER, "/help"))
    await push(application, message_update(USER, "/privacy"))  # waits behind the first reply
    assert [c.text for c in recorder.sent()].count("") == 0
    assert len(recorder.sent()) == 1  # only the refused attempt
    assert outbox_count(tandem) == 2

    make_due(tandem)
    sweep = adapter_of(application).sweep
    assert sweep is not None
    assert await sweep.sweep() == 2
    texts = [c.text for c in recorder.sent()[1:]]
    assert "/reflect" in texts[0]  # /help's answer first, then the privacy text
    assert len(texts) >= 2 and "/reflect" not in texts[-1]
    assert outbox_count(tandem) == 0


async def test_a_send_stopped_half_way_resumes_without_repeating_the_first_part(
    application: Application, recorder: RecordingRequest, tandem: Runtime
) -> None:
    recorder.fail_next("sendMessage", 429, "Too Many Requests", retry_after=60, after=1)
    await push(application, message_update(USER, "/start"))  # welcome sent, consent refused
    assert len(recorder.sent()) == 2
    make_due(tandem)
    sweep = adapter_of(application).sweep
    assert sweep is not None
    await sweep.sweep()
    texts = [c.text for c in recorder.sent()]
    assert len(texts) == 3
    assert sum("I'm Tandem" in t for t in texts) == 1  # the welcome is not repeated
    assert texts[1] == texts[2]  # the refused message, sent once it was allowed


async def test_a_blocked_person_is_marked_inactive_and_their_replies_dropped(
    application: Application, recorder: RecordingRequest, tandem: Runtime
) -> None:
    recorder.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    await push(application, message_update(USER, "/start"))
    assert outbox_count(tandem) == 0
    with tandem.database.connect() as connection:
        assert not connection.execute(text("SELECT active FROM users")).scalar_one()


def test_reply_json_round_trip_keeps_buttons_notices_and_charts() -> None:
    chart = ProgressChart(
        points=(ProgressPoint(datetime(2026, 1, 2, tzinfo=UTC), {"voice": 40, "care": None}),),
        labels=ChartLabels("Title", "low", "high", (("voice", "Voice"), ("care", "Care"))),
    )
    replies = [
        Reply("hello", ((Button("A", "go:a"), Button("B", "go:b")),)),
        Reply("saved", notice=True),
        Reply("chart", chart=chart),
    ]
    restored, query = replies_from_json(replies_to_json(replies, "q1"))
    assert query == "q1"
    assert restored == replies


def encrypted_runtime(url: str, content: Content) -> Runtime:
    key = generate_key()
    return build_runtime(
        make_settings(url, encryption_keys=(key,)), content=content, migrate_schema=False
    )


@pytest.fixture
def secret_runtime(database_url: str, content: Content) -> Iterator[Runtime]:
    built = encrypted_runtime(database_url, content)
    yield built
    built.database.dispose()


def test_stored_replies_are_encrypted_and_exported_readable(
    secret_runtime: Runtime,
) -> None:
    service = secret_runtime.service
    assert isinstance(service.cipher, FernetCipher)
    event = update_to_event(Update.de_json(message_update(USER, "/start"), None))
    assert event is not None
    handled = service.handle(event)
    assert handled.outgoing
    with secret_runtime.database.begin() as connection:
        (payload,) = connection.execute(text("SELECT payload FROM outbox")).scalars()
        assert payload.startswith(ENCRYPTED_PREFIX) and "Tandem" not in payload
        exported = SqlStore(connection, service.cipher).export_user(USER)
    (row,) = exported["outbox"]  # not sent yet: the person's export shows it, readable
    assert "Tandem" in row["payload"]


def test_delete_removes_the_persons_outbox_and_inbox_rows(secret_runtime: Runtime) -> None:
    service = secret_runtime.service
    now = datetime.now(UTC)
    service.transit.store_updates([(999, USER, '{"words": "mine"}')], now)
    event = update_to_event(Update.de_json(message_update(USER, "/start"), None))
    assert event is not None
    service.handle(event)
    with secret_runtime.database.begin() as connection:
        transit.add_outbox(
            connection,
            service.transit.cipher,
            user_id=USER + 1,
            chat_id=USER + 1,
            update_id=None,
            payload=replies_to_json([Reply("someone else")], None),
            owner="x",
            now=now,
            held=False,
        )
        SqlStore(connection, service.cipher).delete_user(USER)
    with secret_runtime.database.connect() as connection:
        left = connection.execute(text("SELECT user_id FROM outbox")).scalars().all()
        inbox = connection.execute(text("SELECT count(*) FROM inbox")).scalar_one()
    assert left == [USER + 1] and inbox == 0


def test_a_redelivered_update_takes_only_rows_nobody_is_sending(secret_runtime: Runtime) -> None:
    service = secret_runtime.service
    update = Update.de_json(message_update(USER, "/start"), None)
    event = update_to_event(update)
    assert event is not None
    first = service.handle(event)
    assert len(first.outgoing) == 1
    again = service.handle(event)  # the first sender still holds its lease: not sent twice
    assert again.redelivered and again.outgoing == []
    with secret_runtime.database.begin() as connection:
        connection.execute(text("UPDATE outbox SET lease_until = :t"), {"t": datetime(2000, 1, 1)})
    late = service.handle(event)
    assert [o.outbox_id for o in late.outgoing] == [first.outgoing[0].outbox_id]
    assert isinstance(late.outgoing[0], Outgoing)
    assert late.outgoing[0].replies == first.replies


# Transient database failures


@pytest.fixture
async def flaky(tandem: Runtime, recorder: RecordingRequest) -> AsyncIterator[Application]:
    app = build_application(tandem, request=recorder)
    await app.initialize()
    yield app
    await app.shutdown()


def locked_error() -> OperationalError:
    return OperationalError("INSERT ...", {}, Exception("database is locked"))


async def test_a_transient_failure_is_retried_and_later_messages_wait_behind_it(
    flaky: Application, recorder: RecordingRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    adapter = adapter_of(flaky)
    real = adapter.service.handle
    failures = iter([locked_error(), locked_error(), locked_error()])
    order: list[str] = []

    def handle(event, **kw):  # type: ignore[no-untyped-def]
        error = next(failures, None) if event.command == "start" else None
        if error is not None:
            raise error
        order.append(event.command or event.text)
        return real(event, **kw)

    monkeypatch.setattr(adapter.service, "handle", handle)
    monkeypatch.setattr("bot.telegram_adapter.FIRST_PAUSE", 0.05)
    first = message_update(USER, "/start")
    second = message_update(USER, "/help")
    processor = flaky.update_processor
    updates = [Update.de_json(d, flaky.bot) for d in (first, second)]
    await asyncio.gather(
        *(processor.process_update(u, flaky.process_update(u)) for u in updates if u)
    )
    assert order == ["start", "help"]  # /help waited for /start's retries
    assert "I'm Tandem" in recorder.sent()[0].text


async def test_after_the_retry_budget_the_person_is_told_the_message_was_not_kept(
    flaky: Application,
    recorder: RecordingRequest,
    monkeypatch: pytest.MonkeyPatch,
    content: Content,
) -> None:
    adapter = adapter_of(flaky)

    def handle(event, **kw):  # type: ignore[no-untyped-def]
        raise locked_error()

    monkeypatch.setattr(adapter.service, "handle", handle)
    monkeypatch.setattr("bot.telegram_adapter.FIRST_PAUSE", 0.05)
    adapter.retry_seconds = 0.3
    started = asyncio.get_running_loop().time()
    await push(flaky, message_update(USER, "/start"))
    assert asyncio.get_running_loop().time() - started >= 0.2
    (apology,) = recorder.sent()
    assert apology.text == content.text("common.not_kept")


async def test_a_lost_connection_is_transient_but_a_missing_table_is_not() -> None:
    from bot.service import is_transient

    assert is_transient(locked_error())
    refused = OperationalError("connect", {}, Exception("connection refused"))
    assert is_transient(refused)
    assert not is_transient(OperationalError("x", {}, Exception("no such table: users")))
    assert not is_transient(ValueError("bug"))


def test_lease_arithmetic_keeps_fresh_rows_away_from_the_sweep(secret_runtime: Runtime) -> None:
    service = secret_runtime.service
    event = update_to_event(Update.de_json(message_update(USER, "/start"), None))
    assert event is not None
    service.handle(event)
    now = datetime.now(UTC)
    assert service.transit.claim_due(now, 10) == []  # being sent by its own worker
    assert (
        len(service.transit.claim_due(now + transit.OUTBOX_LEASE + timedelta(seconds=1), 10)) == 1
    )


def outbox_ids(runtime: Runtime) -> list[int]:
    with runtime.database.connect() as connection:
        return list(connection.execute(text("SELECT id FROM outbox ORDER BY id")).scalars())


async def test_a_sent_row_goes_with_the_next_transaction_and_is_never_sent_again(
    application: Application, recorder: RecordingRequest, tandem: Runtime
) -> None:
    await push(application, message_update(USER, "/help"))
    (first,) = outbox_ids(tandem)  # sent; its deletion rides on the next transaction
    assert tandem.service.is_sent(first)
    make_due(tandem)
    sweep = adapter_of(application).sweep
    assert sweep is not None
    assert await sweep.sweep() == 0  # the sweep deletes it instead of sending it again
    assert outbox_ids(tandem) == []
    await push(application, message_update(USER, "/help"))
    await push(application, message_update(USER, "/help"))
    # The second row went with the third event's transaction: only the third's is left.
    assert len(outbox_ids(tandem)) == 1
    assert len(recorder.sent()) == 3


def test_worker_name_is_checked_and_defaults_to_the_host_name() -> None:
    import socket as socket_module

    from bot.settings import SettingsError, load_settings

    settings = load_settings({"WORKER_NAME": "tandem-8443"}, dotenv_path=None, require_token=False)
    assert settings.owner == "tandem-8443"
    default = load_settings({}, dotenv_path=None, require_token=False)
    assert default.owner == socket_module.gethostname()[:64]
    with pytest.raises(SettingsError, match="WORKER_NAME must be"):
        load_settings({"WORKER_NAME": "has spaces"}, dotenv_path=None, require_token=False)


def test_the_inbox_commit_is_synced_to_disk_and_the_connection_goes_back_to_normal(
    sqlite_url: str, content: Content
) -> None:
    runtime = build_runtime(make_settings(sqlite_url), content=content, migrate_schema=False)
    seen: list[str] = []

    from sqlalchemy import event as sa_event

    @sa_event.listens_for(runtime.database, "before_cursor_execute")
    def remember(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.startswith(("PRAGMA synchronous", "INSERT INTO inbox")):
            seen.append(statement.split(" (")[0])

    assert runtime.service.transit.store_updates([(5, USER, "{}")], datetime.now(UTC)) == {5}
    assert seen == ["PRAGMA synchronous=FULL", "INSERT INTO inbox", "PRAGMA synchronous=NORMAL"]
    runtime.database.dispose()
