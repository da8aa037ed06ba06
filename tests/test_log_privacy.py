"""All log output of a whole conversation carries neither the person's words nor any secret.

The bot runs in-process against the Bot API stand-in over real HTTP (httpx), with LOG_LEVEL
DEBUG, and then every library logger (httpx, httpcore, telegram, sqlalchemy) turned up to DEBUG
as well: the worst case someone debugging could configure. Everything written is captured.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Iterator

import pytest

from bot.app import build_application, build_runtime
from bot.crypto import generate_key
from bot.log_privacy import REDACTED, PrivateLogFilter
from bot.settings import configure_logging
from content import Content
from tests.conftest import make_settings
from tests.support.bot_api_standin import BotApiStandIn

TOKEN = "987654321:LOG-privacy-token-never-to-be-logged-xyz"
WEBHOOK_SECRET = "webhook-secret-never-to-be-logged-0123"
KEY = generate_key()
USER = 6006
WORDS = [
    "Marzipan-answer: I always say yes to my sister",
    "Quokka-answer: I stay silent when I'm hurt",
    "Wombat-answer: I'd like one evening a week alone",
    "I want to end it all, Pangolin",  # a crisis message, held then saved
]
LIBRARY_LOGGERS = ("httpx", "httpcore", "telegram", "telegram.Bot", "telegram.ext", "sqlalchemy")


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    """The production logging set-up writing into a buffer; restored afterwards."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    saved_levels = {name: logging.getLogger(name).level for name in LIBRARY_LOGGERS}
    buffer = io.StringIO()
    configure_logging("DEBUG", [TOKEN, WEBHOOK_SECRET, KEY], stream=buffer)
    for name in LIBRARY_LOGGERS:  # the worst case: every library as chatty as it gets
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield buffer
    for handler in root.handlers[:]:
        root.removeHandler(handler)
    for handler in saved_handlers:
        root.addHandler(handler)
    root.setLevel(saved_level)
    for name, level in saved_levels.items():
        logging.getLogger(name).setLevel(level)


def payload_of(standin: BotApiStandIn, label_part: str) -> str:
    """Callback data of the newest button whose label contains `label_part`."""
    for call in reversed(standin.sent(USER)):
        for button in call.buttons:
            if label_part in button["text"]:
                return str(button["callback_data"])
    raise AssertionError(f"no button {label_part!r} was sent")


async def converse(standin: BotApiStandIn, sqlite_url: str, content: Content) -> None:
    """A whole conversation over HTTP: consent, reflection, crisis, export, journal, delete."""
    settings = make_settings(
        sqlite_url,
        bot_token=TOKEN,
        api_base_url=standin.base_url,
        file_base_url=standin.base_url.replace("/bot", "/file/bot"),
        webhook_secret=WEBHOOK_SECRET,
        encryption_keys=(KEY,),
        log_level="DEBUG",
    )
    runtime = build_runtime(settings, content=content, migrate_schema=False)
    application = build_application(runtime)
    sent = 0

    async def expect(count: int) -> None:
        nonlocal sent
        sent += count
        await asyncio.to_thread(standin.wait_for_messages, USER, sent)

    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            standin.send_text(USER, "/start")
            await expect(2)
            standin.press(USER, payload_of(standin, "Yes, keep"))
            await expect(2)
            standin.send_text(USER, "/reflect")
            await expect(1)
            standin.press(USER, payload_of(standin, "Communication"))
            await expect(2)
            for answer in WORDS[:3]:
                standin.send_text(USER, answer)
                await expect(1)
            standin.send_text(USER, WORDS[3])
            await expect(2)  # the crisis reply, then the country question (asked once)
            standin.press(USER, payload_of(standin, "Save it"))
            await expect(1)
            for command in ("/journal", "/export", "/sos", "/privacy"):
                standin.send_text(USER, command)
                await expect(1)
            standin.send_text(USER, "/delete")
            await expect(1)
            standin.press(USER, payload_of(standin, "Yes, delete"))
            await expect(1)
        finally:
            await application.updater.stop()
            await application.stop()
    runtime.database.dispose()


def test_a_whole_conversation_logs_no_words_and_no_secrets(
    captured_logs: io.StringIO, sqlite_url: str, content: Content
) -> None:
    with BotApiStandIn() as standin:
        asyncio.run(converse(standin, sqlite_url, content))
        sent_texts = " ".join(call.text for call in standin.sent(USER))
    output = captured_logs.getvalue()
    # The capture really ran at DEBUG and saw the conversation (so the test is not vacuous).
    assert "handled event kind=text" in output
    assert f"user={USER}" in output
    assert "update=" in output
    assert "journal" in sent_texts  # and the conversation really happened
    for secret in (TOKEN, TOKEN.split(":", 1)[1], WEBHOOK_SECRET, KEY):
        assert secret not in output
    for words in WORDS:
        assert words not in output
        assert words.split(":")[0] not in output  # not even the distinctive first word


def test_the_filter_masks_secrets_in_messages_and_tracebacks() -> None:
    record_filter = PrivateLogFilter([TOKEN])
    try:
        raise RuntimeError(f"could not reach https://api.telegram.org/bot{TOKEN}/getMe")
    except RuntimeError as exc:
        record = logging.LogRecord(
            "bot.app",
            logging.ERROR,
            __file__,
            1,
            "failed: %s",
            (str(exc),),
            (type(exc), exc, None),
        )
    assert record_filter.filter(record)
    formatted = logging.Formatter().format(record)
    assert TOKEN not in formatted
    assert REDACTED in formatted


@pytest.mark.parametrize(
    ("name", "level", "kept"),
    [
        ("telegram.ext.Application", logging.DEBUG, False),  # "Processing update <words>"
        ("telegram.Bot", logging.DEBUG, False),
        ("httpx", logging.INFO, False),  # request URLs with the token
        ("sqlalchemy.engine.Engine", logging.DEBUG, False),  # result rows
        ("telegram.ext.Updater", logging.WARNING, True),
        ("bot.telegram_adapter", logging.INFO, True),
        ("flows.engine", logging.DEBUG, True),
    ],
)
def test_library_chatter_below_warning_is_dropped(name: str, level: int, kept: bool) -> None:
    record = logging.LogRecord(name, level, __file__, 1, "message", None, None)
    assert PrivateLogFilter([]).filter(record) is kept
