"""The self-check and /progress through the real python-telegram-bot Application, offline."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from typing import Any

import pytest
from PIL import Image
from telegram import Update
from telegram.ext import Application
from telegram.request import RequestData

from bot.app import Runtime, bot_commands, build_application, build_runtime
from content import Content
from tests.conftest import make_settings
from tests.support.recording_request import RecordingRequest, button_update, message_update

USER = 40404


class PhotoRecordingRequest(RecordingRequest):
    """Also keeps the bytes of every uploaded photo, to check what Telegram would receive."""

    def __init__(self) -> None:
        super().__init__()
        self.photos: list[bytes] = []

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        """Record the call; keep uploaded files of sendPhoto."""
        if url.endswith("/sendPhoto") and request_data is not None:
            for value in (request_data.multipart_data or {}).values():
                data = value[1] if isinstance(value, tuple) else value
                self.photos.append(data if isinstance(data, bytes) else data.read())
        return await super().do_request(url, method, request_data)


@pytest.fixture
def recorder() -> PhotoRecordingRequest:
    return PhotoRecordingRequest()


@pytest.fixture
def tandem(sqlite_url: str, content: Content) -> Runtime:
    return build_runtime(make_settings(sqlite_url), content=content, migrate_schema=False)


@pytest.fixture
async def application(
    tandem: Runtime, recorder: PhotoRecordingRequest
) -> AsyncIterator[Application]:
    app = build_application(tandem, request=recorder)
    await app.initialize()
    yield app
    await app.shutdown()


async def push(app: Application, data: dict[str, Any]) -> None:
    await app.process_update(Update.de_json(data, app.bot))


async def test_self_check_and_progress_chart_reach_telegram(
    application: Application, recorder: PhotoRecordingRequest, tandem: Runtime
) -> None:
    commands = [c.command for c in bot_commands(tandem)]
    assert "selfcheck" in commands
    assert "progress" in commands
    await push(application, message_update(USER, "/start"))
    await push(application, button_update(USER, recorder.sent()[-1].button_payloads[0]))
    await push(application, message_update(USER, "/selfcheck"))
    await push(application, button_update(USER, recorder.sent()[-1].button_payloads[0]))
    for number in range(1, 21):
        question = recorder.sent()[-1]
        assert question.text.startswith(f"{number} of 20")
        assert question.button_labels[:5] == [
            "Not at all like me",
            "A little like me",
            "Somewhat like me",
            "Mostly like me",
            "Very much like me",
        ]
        assert question.button_labels[-2:] == ["Pause", "Stop"]
        await push(application, button_update(USER, question.button_payloads[3]))
    result = [call.text for call in recorder.sent()[-6:]]
    assert "not a diagnosis" in result[0]
    assert all(" of 100" in text for text in result[1:5])
    assert "Reflect: Emotional boundaries" in recorder.sent()[-5].button_labels

    recorder.clear()
    await push(application, message_update(USER, "/progress"))
    methods = [call.method for call in recorder.sent()]
    assert methods == ["sendMessage", "sendPhoto", "sendMessage"]
    photo_call = recorder.sent()[1]
    assert "Take the self-check again later" in photo_call.text  # the caption
    (png,) = recorder.photos
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.format == "PNG"
    assert image.size[0] == 1080
