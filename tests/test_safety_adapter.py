"""The safety check-in through the real python-telegram-bot Application (offline Bot API)."""

from __future__ import annotations

from telegram.ext import Application

from bot.app import Runtime
from tests.support.assessor import install, reading
from tests.support.recording_request import RecordingRequest, button_update, message_update, push

USER = 70809
WORN_OUT = "I don't see a way out"


async def start(app: Application, recorder: RecordingRequest) -> None:
    """/start and agree to keep words."""
    await push(app, message_update(USER, "/start"))
    yes = recorder.sent()[-1].button_payloads[0]
    await push(app, button_update(USER, yes))
    recorder.clear()


async def test_check_in_buttons_are_sent_and_no_carries_the_message_on(
    application: Application, recorder: RecordingRequest, tandem: Runtime
) -> None:
    install(tandem, {WORN_OUT: reading("check_in", "distress")})
    await start(application, recorder)
    await push(application, message_update(USER, "/reflect"))
    first_topic = recorder.sent()[-1].button_payloads[0]
    await push(application, button_update(USER, first_topic))
    recorder.clear()

    await push(application, message_update(USER, WORN_OUT))
    (question,) = recorder.sent()
    assert "Are you thinking about ending your life?" in question.text
    assert question.button_labels == ["Yes", "No", "I'd rather not say"]
    assert question.button_payloads == ["crisis:yes", "crisis:no", "crisis:skip"]

    recorder.clear()
    await push(application, button_update(USER, question.button_payloads[1]))
    assert [c.method for c in recorder.calls].count("answerCallbackQuery") == 1
    texts = [call.text for call in recorder.sent()]
    assert "/sos" in texts[0]
    assert any("Question 2 of 3" in text for text in texts)  # the answer went through


async def test_check_in_yes_sends_the_crisis_reply_with_its_buttons(
    application: Application, recorder: RecordingRequest, tandem: Runtime
) -> None:
    install(tandem, {WORN_OUT: reading("check_in", "suicide")})
    await start(application, recorder)
    await push(application, message_update(USER, WORN_OUT))
    yes = recorder.sent()[-1].button_payloads[0]
    recorder.clear()
    await push(application, button_update(USER, yes))
    reply = recorder.sent()[0]
    assert "not a crisis service" in reply.text
    assert "Help me write to someone I trust" in reply.button_labels
    assert "Carry on where we were" in reply.button_labels
