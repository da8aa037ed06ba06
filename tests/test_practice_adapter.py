"""Practice through the real python-telegram-bot Application against an offline Bot API."""

from __future__ import annotations

from telegram.ext import Application

from bot.app import Runtime, bot_commands
from tests.support.recording_request import RecordingRequest, button_update, message_update, push

USER = 50607


async def press(app: Application, recorder: RecordingRequest, label: str) -> None:
    """Press the button with this exact label from the newest message that has it."""
    for call in reversed(recorder.sent()):
        if label in call.button_labels:
            payload = call.button_payloads[call.button_labels.index(label)]
            await push(app, button_update(USER, payload))
            return
    raise AssertionError(f"no button {label!r} was sent")


async def test_a_practice_round_through_telegram(
    application: Application, recorder: RecordingRequest, tandem: Runtime
) -> None:
    """/practice, the safety screen, a scene, a reply, feedback with its quote, a rating."""
    await push(application, message_update(USER, "/start"))
    await press(application, recorder, "Yes, keep my answers")
    recorder.clear()

    await push(application, message_update(USER, "/practice"))
    texts = [call.text for call in recorder.sent()]
    assert any("what is it usually like?" in text for text in texts)
    await press(application, recorder, "It's okay, or a bit awkward")
    await press(application, recorder, "No")
    await press(application, recorder, "Work")
    scene = recorder.sent()[-1]
    assert "What would you say?" in scene.text
    assert "Another scene" in scene.button_labels

    recorder.clear()
    await push(application, message_update(USER, "Honestly, I'd rather not. How about Friday?"))
    sent = recorder.sent()
    assert [call.method for call in sent] == ["sendMessage", "sendMessage"]
    assert "I'd rather not" in sent[0].text and "How about Friday" in sent[0].text
    assert sent[1].button_labels == ["1", "2", "3", "4", "5"]

    recorder.clear()
    await push(application, button_update(USER, sent[1].button_payloads[3]))  # "4"
    assert [c.method for c in recorder.calls].count("answerCallbackQuery") == 1
    assert "What would you like to do next?" in recorder.sent()[-1].text
    assert "practice" in [command.command for command in bot_commands(tandem)]
