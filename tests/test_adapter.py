"""Adapter tests: real `Update` objects through the built `Application`, offline Bot API."""

from __future__ import annotations

import pytest
from telegram.ext import Application

from bot.app import Runtime, bot_commands, build_application
from bot.telegram_adapter import split_text
from tests.support.recording_request import (
    RecordingRequest,
    button_update,
    message_update,
    push,
)

USER = 31337


async def test_start_sends_welcome_and_consent_buttons(
    application: Application, recorder: RecordingRequest
) -> None:
    await push(application, message_update(USER, "/start"))
    sent = recorder.sent()
    assert [c.method for c in sent] == ["sendMessage", "sendMessage"]
    assert "I'm Tandem" in sent[0].text
    assert sent[1].button_labels == ["Yes, keep my answers", "No, don't keep my words"]
    assert all(int(c.params["chat_id"]) == USER for c in sent)


async def test_button_press_is_answered_and_flow_moves_on(
    application: Application, recorder: RecordingRequest
) -> None:
    await push(application, message_update(USER, "/start"))
    yes = recorder.sent()[-1].button_payloads[0]
    recorder.clear()
    await push(application, button_update(USER, yes))
    methods = [c.method for c in recorder.calls]
    assert methods.count("answerCallbackQuery") == 1
    texts = [c.text for c in recorder.sent()]
    assert any("Thank you" in t for t in texts)
    assert "Reflect" in recorder.sent()[-1].button_labels


async def test_stale_button_becomes_a_toast(
    application: Application, recorder: RecordingRequest
) -> None:
    await push(application, message_update(USER, "/start"))
    yes = recorder.sent()[-1].button_payloads[0]
    await push(application, button_update(USER, yes))
    recorder.clear()
    await push(application, button_update(USER, yes))  # double tap
    answers = [c for c in recorder.calls if c.method == "answerCallbackQuery"]
    assert len(answers) == 1 and answers[0].params.get("text")
    assert recorder.sent() == []


@pytest.mark.parametrize(
    "extra",
    [
        {
            "sticker": {
                "file_id": "s",
                "file_unique_id": "u",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
                "type": "regular",
            }
        },
        {"photo": [{"file_id": "p", "file_unique_id": "u", "width": 1, "height": 1}]},
        {"voice": {"file_id": "v", "file_unique_id": "u", "duration": 1}},
    ],
)
async def test_non_text_gets_a_kind_reply(
    application: Application, recorder: RecordingRequest, extra: dict
) -> None:
    await push(application, message_update(USER, None, **extra))
    assert any("only read text" in c.text for c in recorder.sent())


async def test_unknown_command_and_help(
    application: Application, recorder: RecordingRequest
) -> None:
    await push(application, message_update(USER, "/whatever@tandem_test_bot"))
    assert "don't know that command" in recorder.sent()[-1].text
    await push(application, message_update(USER, "/help"))
    assert "/reflect" in recorder.sent()[-1].text


async def test_group_messages_are_ignored(
    application: Application, recorder: RecordingRequest
) -> None:
    update = message_update(USER, "hello")
    update["message"]["chat"] = {"id": -100, "type": "group", "title": "g"}
    await push(application, update)
    assert recorder.sent() == []


async def test_redelivered_update_is_processed_once(
    application: Application, recorder: RecordingRequest
) -> None:
    update = message_update(USER, "/start")
    await push(application, update)
    await push(application, update)
    assert len(recorder.sent()) == 2


async def test_command_menu_is_registered_at_start(
    tandem: Runtime, recorder: RecordingRequest
) -> None:
    app = build_application(tandem, request=recorder)
    await app.initialize()
    await app.post_init(app)  # type: ignore[misc]
    await app.shutdown()
    calls = [c for c in recorder.calls if c.method == "setMyCommands"]
    assert calls
    names = [c.command for c in bot_commands(tandem)]
    assert "reflect" in names and "journal" in names and "start" not in names


def test_long_text_is_split_at_line_breaks() -> None:
    text = "\n".join(f"line {i} " + "x" * 90 for i in range(100))
    parts = split_text(text, limit=4096)
    assert all(len(part) <= 4096 for part in parts)
    assert "\n".join(parts) == text
