"""Telegram errors while answering someone: 429 waits and retries, 403 marks the person
inactive, timeouts retry a bounded number of times."""

from __future__ import annotations

from sqlalchemy import text
from telegram.ext import Application

from bot.app import Runtime
from tests.support.recording_request import RecordingRequest, message_update, push

USER = 777001


async def say(app: Application, text_: str) -> None:
    await push(app, message_update(USER, text_))


def active(tandem: Runtime) -> bool:
    with tandem.database.connect() as connection:
        return bool(
            connection.execute(
                text("SELECT active FROM users WHERE user_id = :u"), {"u": USER}
            ).scalar_one()
        )


async def test_blocked_bot_marks_the_person_inactive_until_they_write(
    application: Application, recorder: RecordingRequest, tandem: Runtime
) -> None:
    recorder.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    await say(application, "/start")
    assert not active(tandem)
    await say(application, "/help")  # they unblocked us and wrote again
    assert active(tandem)


async def test_flood_limit_on_a_reply_waits_and_retries(
    application: Application, recorder: RecordingRequest
) -> None:
    recorder.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    await say(application, "/help")
    sends = [c for c in recorder.calls if c.method == "sendMessage"]
    assert len(sends) == 2 and "/reflect" in sends[-1].text


def outbox_rows(tandem: Runtime) -> int:
    tandem.service.flush_sent()  # sent rows are deleted with the next transaction
    with tandem.database.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM outbox")).scalar_one())


def make_due(tandem: Runtime) -> None:
    with tandem.database.begin() as connection:
        connection.execute(text("UPDATE outbox SET lease_until = '2000-01-01 00:00:00'"))


async def test_timeouts_are_retried_a_bounded_number_of_times(
    application: Application, recorder: RecordingRequest, tandem: Runtime
) -> None:
    recorder.time_out_next("sendMessage", times=2)
    await say(application, "/help")
    sends = [c for c in recorder.calls if c.method == "sendMessage"]
    assert len(sends) == 3  # two timeouts, then delivered

    recorder.calls.clear()
    recorder.time_out_next("sendMessage", times=3)
    await say(application, "/help")  # gives up after three tries: the outbox keeps the reply
    sends = [c for c in recorder.calls if c.method == "sendMessage"]
    assert ["/reflect" in c.text for c in sends] == [True, True, True]
    assert outbox_rows(tandem) == 1

    make_due(tandem)  # the pause is over: the sweep sends it, once
    assert await application.bot_data["adapter"].sweep.sweep() == 1
    sends = [c for c in recorder.calls if c.method == "sendMessage"]
    assert len(sends) == 4 and "/reflect" in sends[-1].text
    assert outbox_rows(tandem) == 0
