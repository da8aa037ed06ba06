"""End to end over real HTTP: the bot process polls a Bot API stand-in on 127.0.0.1.

A simulated person sends /start, presses a button, answers a question; the bot process is
killed and started again; the conversation carries on where it stopped.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.bot_api_standin import BotApiStandIn

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456789:E2E-token-for-tandem-tests-only-x"
USER = 5150


def start_bot(standin: BotApiStandIn, database: Path) -> subprocess.Popen[bytes]:
    """Run `python -m bot` as a separate process against the stand-in."""
    env = {
        **os.environ,
        "BOT_TOKEN": TOKEN,
        "DATABASE_URL": f"sqlite:///{database}",
        "TELEGRAM_API_BASE_URL": standin.base_url,
        "TELEGRAM_FILE_BASE_URL": standin.base_url.replace("/bot", "/file/bot"),
        "LOG_LEVEL": "INFO",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def payload_of(standin: BotApiStandIn, label_part: str) -> str:
    """Callback data of the newest button whose label contains `label_part`."""
    for call in reversed(standin.sent(USER)):
        for button in call.buttons:
            if label_part in button["text"]:
                return button["callback_data"]
    raise AssertionError(f"no button {label_part!r} was sent")


def test_conversation_survives_a_killed_bot_process(tmp_path: Path) -> None:
    database = tmp_path / "tandem.db"
    with BotApiStandIn() as standin:
        bot = start_bot(standin, database)
        try:
            standin.send_text(USER, "/start")
            standin.wait_for_messages(USER, 2)
            assert "I'm Tandem" in standin.sent(USER)[0].text
            commands = [c for c in standin.calls if c.method == "setMyCommands"]
            assert commands, "the command menu is registered at start-up"

            standin.press(USER, payload_of(standin, "Yes, keep"))
            standin.wait_for_messages(USER, 4)  # thanks + menu
            standin.press(USER, payload_of(standin, "Reflect"))
            standin.wait_for_messages(USER, 5)
            standin.press(USER, payload_of(standin, "Communication"))
            standin.wait_for_messages(USER, 7)  # intro + question 1
            standin.send_text(USER, "I tend to hint instead of asking")
            standin.wait_for_messages(USER, 8)
            question_two = standin.sent(USER)[-1].text
            assert "Question 2 of 3" in question_two
        finally:
            bot.kill()  # no clean shutdown: as if the machine lost power
            bot.wait(timeout=10)

        bot = start_bot(standin, database)
        try:
            standin.send_text(USER, "I would ask plainly next time")
            standin.wait_for(lambda s: "Question 3 of 3" in s.sent(USER)[-1].text)
            answers = [c.params for c in standin.calls if c.method == "answerCallbackQuery"]
            assert len(answers) == 3, "every button press is answered (no endless spinner)"
        finally:
            bot.terminate()
            output = bot.communicate(timeout=20)[0].decode()
        assert TOKEN not in output
        assert "hint instead of asking" not in output
        assert "ask plainly" not in output
