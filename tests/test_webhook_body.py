"""The webhook handler: secret before body, a size limit, 400 for junk, 200 only once stored,
and no request body in any log line at any level."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from telegram.ext import Application
from tornado.httpserver import HTTPServer

from bot.app import Runtime
from bot.intake import MAX_BODY_BYTES, SECRET_HEADER, Intake, webhook_server
from tests.conftest import make_settings
from tests.support.recording_request import RecordingRequest, message_update

SECRET = "webhook-body-test-secret_0123456789"
USER = 8118
WORDS = "my-private-words-0451"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def served(application: Application, tandem: Runtime) -> AsyncIterator[tuple[str, Intake]]:
    """The webhook server on a free port, the application started behind it."""
    settings = make_settings(
        tandem.settings.database_url,
        webhook_url="https://tandem.example.org/hook",
        webhook_secret=SECRET,
    )
    intake = application.bot_data["intake"]
    port = free_port()
    server: HTTPServer = webhook_server(intake, settings)
    server.listen(port, address="127.0.0.1")
    await application.start()
    try:
        yield f"http://127.0.0.1:{port}/hook", intake
    finally:
        server.stop()
        await application.stop()


@pytest.fixture
def every_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Capture every record of every logger at DEBUG, with no privacy filter in the way."""
    caplog.set_level(logging.DEBUG)
    for name in ("tornado", "tornado.access", "tornado.general", "tornado.application"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    return caplog


def logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(
        record.getMessage() + (caplog.text if record.exc_info else "") for record in caplog.records
    )


def headers(secret: str | None = SECRET) -> dict[str, str]:
    values = {"Content-Type": "application/json"}
    if secret is not None:
        values[SECRET_HEADER] = secret
    return values


async def post(url: str, body: bytes, secret: str | None = SECRET) -> int | None:
    """The status, or None when the server closed the connection before answering."""
    async with httpx.AsyncClient(timeout=20) as client:
        try:
            response = await client.post(url, content=body, headers=headers(secret))
        except httpx.TransportError:
            return None
        return response.status_code


async def test_junk_bodies_get_400_and_never_reach_a_log(
    served: tuple[str, Intake], every_log: pytest.LogCaptureFixture, recorder: RecordingRequest
) -> None:
    url, _ = served
    junk = [
        f"not json at all {WORDS}".encode(),
        f'{{"update_id": 5, "message": "{WORDS}"'.encode(),  # cut short
        json.dumps([WORDS]).encode(),
        json.dumps({"text": WORDS}).encode(),  # JSON, but not an update
        b"\xff\xfe" + WORDS.encode() + b"\x00\x81",
    ]
    for body in junk:
        assert await post(url, body) == 400
    assert recorder.sent() == []
    assert logged(every_log).count("refused a body that is not an update") == len(junk)
    assert WORDS not in logged(every_log)


async def test_the_secret_is_checked_before_the_body_is_read(
    served: tuple[str, Intake], every_log: pytest.LogCaptureFixture, tandem: Runtime
) -> None:
    url, _ = served
    body = json.dumps(message_update(USER, f"/start {WORDS}")).encode()
    assert await post(url, body, secret=None) == 403
    assert await post(url, body, secret="wrong-secret-wrong-secret") == 403
    big = (WORDS * (3 * MAX_BODY_BYTES // len(WORDS))).encode()
    assert await post(url, big, secret="wrong-secret-wrong-secret") in (403, None)
    with tandem.database.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM inbox")).scalar_one() == 0
    assert WORDS not in logged(every_log)


async def test_a_ten_megabyte_body_is_refused_without_logging_it(
    served: tuple[str, Intake], every_log: pytest.LogCaptureFixture, recorder: RecordingRequest
) -> None:
    url, _ = served
    huge = ('{"update_id": 1, "message": "' + WORDS * (10_000_000 // len(WORDS)) + '"}').encode()
    assert len(huge) >= 10_000_000
    assert await post(url, huge) in (413, None)
    # And the server still serves the next, normal request.
    update = message_update(USER, "/start")
    assert await post(url, json.dumps(update).encode()) == 200
    assert WORDS not in logged(every_log)


async def test_200_comes_only_once_the_update_is_stored(
    served: tuple[str, Intake], tandem: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, intake = served

    async def hold(updates: object) -> None:  # as if the process died right after the 200
        return None

    monkeypatch.setattr(intake, "dispatch", hold)
    update = message_update(USER, f"I wrote {WORDS}")
    assert await post(url, json.dumps(update).encode()) == 200
    with tandem.database.connect() as connection:
        (payload,) = connection.execute(text("SELECT payload FROM inbox")).scalars()
    assert json.loads(payload)["update_id"] == update["update_id"]


async def test_the_database_away_answers_503_so_telegram_sends_it_again(
    served: tuple[str, Intake], monkeypatch: pytest.MonkeyPatch, recorder: RecordingRequest
) -> None:
    url, intake = served

    async def refuse(updates: object) -> None:
        raise OperationalError("INSERT", {}, Exception("connection refused"))

    monkeypatch.setattr(intake, "store", refuse)
    monkeypatch.setattr("bot.intake.STORE_SECONDS", 0.3)
    update = message_update(USER, "/start")
    assert await post(url, json.dumps(update).encode()) == 503
    assert recorder.sent() == []
