"""The self-check and /progress through the real python-telegram-bot Application, offline."""

from __future__ import annotations

import io

from PIL import Image
from telegram.ext import Application

from bot.app import Runtime, bot_commands
from tests.support.recording_request import RecordingRequest, button_update, message_update, push

USER = 40404


async def test_self_check_and_progress_chart_reach_telegram(
    application: Application, recorder: RecordingRequest, tandem: Runtime
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
