"""The FAQ through the real python-telegram-bot Application, offline; and the FAQ CLI."""

from __future__ import annotations

import io
import json

from telegram.ext import Application

from bot.app import Runtime, bot_commands
from bot.faq_cli import faq_command
from tests.support.recording_request import RecordingRequest, button_update, message_update, push

USER = 50505


async def test_question_answer_and_vote_reach_telegram(
    application: Application, recorder: RecordingRequest, tandem: Runtime
) -> None:
    commands = [c.command for c in bot_commands(tandem)]
    assert "faq" in commands
    assert "faqstats" not in commands  # admin-only commands stay out of the public menu
    await push(application, message_update(USER, "/start"))
    await push(application, button_update(USER, recorder.sent()[-1].button_payloads[0]))
    await push(application, message_update(USER, "/menu"))  # at rest, text is a question
    recorder.clear()
    await push(application, message_update(USER, "how do I say no to my boss"))
    (answer,) = [call for call in recorder.sent() if call.method == "sendMessage"]
    assert answer.text.startswith("How do I learn to say no?")
    assert answer.text.endswith("Did this help?")
    assert answer.button_labels[:2] == ["Yes, it helped", "Not really"]
    assert all(len(payload.encode()) <= 64 for payload in answer.button_payloads)
    recorder.clear()
    await push(application, button_update(USER, answer.button_payloads[0]))
    toast = [call for call in recorder.calls if call.method == "answerCallbackQuery"]
    assert toast and "glad it helped" in str(toast[-1].params.get("text"))

    recorder.clear()
    await push(application, message_update(USER, "/faq"))
    (listing,) = [call for call in recorder.sent() if call.method == "sendMessage"]
    assert "Tap one to read the answer" in listing.text
    assert "What is codependency?" in listing.button_labels


def test_cli_prints_one_json_object_per_question() -> None:
    """`python -m bot faq`: an argument, or one question per line of stdin."""
    out = io.StringIO()
    faq_command(["how", "do", "i", "set", "boundaries"], io.StringIO(), out)
    (line,) = out.getvalue().splitlines()
    first = json.loads(line)
    assert first["id"] == "how-to-set-boundaries"
    assert set(first) >= {"id", "score", "alternatives"}
    assert len(first["alternatives"]) <= 3

    out = io.StringIO()
    faq_command([], io.StringIO("what is codependency\n\ntell me a joke\n"), out)
    results = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [result["id"] for result in results] == ["what-is-codependency", None]
    assert results[1]["confidence"] == "low"
