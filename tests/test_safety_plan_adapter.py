"""The safety plan through the real python-telegram-bot Application (offline) and the terminal."""

from __future__ import annotations

import io

from telegram.ext import Application

from bot.app import Runtime, bot_commands, build_runtime
from bot.console import ConsoleChat
from tests.conftest import make_settings
from tests.support.recording_request import RecordingRequest, button_update, message_update, push

USER = 60606


def payload_for(recorder: RecordingRequest, label_part: str) -> str:
    """The payload of the newest sent button whose label contains `label_part`."""
    for call in reversed(recorder.sent()):
        for label, payload in zip(call.button_labels, call.button_payloads, strict=True):
            if label_part in label:
                return payload
    raise AssertionError(f"no button with {label_part!r}")


async def test_safety_plan_in_telegram(
    application: Application, recorder: RecordingRequest, tandem: Runtime
) -> None:
    described = {c.command: c.description for c in bot_commands(tandem)}
    assert described["safetyplan"] == "Your personal safety plan"
    await push(application, message_update(USER, "/start"))
    await push(application, button_update(USER, recorder.sent()[-1].button_payloads[0]))
    await push(application, message_update(USER, "/sos"))
    await push(application, button_update(USER, payload_for(recorder, "Make a safety plan")))
    await push(application, button_update(USER, payload_for(recorder, "Let's start")))
    assert "Step 1 of 6" in recorder.sent()[-1].text
    await push(application, message_update(USER, "I stop sleeping"))
    for _ in range(5):
        await push(application, button_update(USER, payload_for(recorder, "Skip this step")))
    plan = recorder.sent()[-1]
    assert "Your safety plan" in plan.text and "I stop sleeping" in plan.text
    assert plan.button_labels == ["Change a step", "Done"]
    recorder.clear()
    await push(application, message_update(USER, "/sos"))
    texts = [call.text for call in recorder.sent() if call.method == "sendMessage"]
    assert "I stop sleeping" in texts[0] and "If you need someone now" in texts[1]


def test_safety_plan_in_the_terminal(sqlite_url: str, content) -> None:
    runtime = build_runtime(make_settings(sqlite_url), content=content, migrate_schema=False)
    out = io.StringIO()
    script = "1\n/safetyplan\n1\nI stop sleeping\n/stop\n/quit\n"
    ConsoleChat(runtime, out=out).run(io.StringIO(script))
    shown = out.getvalue()
    assert "Step 1 of 6" in shown and "Step 2 of 6" in shown
    assert "Your safety plan" in shown and "I stop sleeping" in shown
    runtime.database.dispose()
