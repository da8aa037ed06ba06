"""End to end over real HTTP: the bot process polls a Bot API stand-in on 127.0.0.1.

A simulated person sends /start, presses a button, answers a question; the bot process is
killed and started again; the conversation carries on where it stopped.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.bot_api_standin import BotApiStandIn, start_bot_process

TOKEN = "123456789:E2E-token-for-tandem-tests-only-x"
USER = 5150






def test_conversation_survives_a_killed_bot_process(tmp_path: Path) -> None:
    database = tmp_path / "tandem.db"
    with BotApiStandIn() as standin:
        bot = start_bot_process(standin, database, TOKEN)
        try:
            standin.send_text(USER, "/start")
            standin.wait_for_messages(USER, 2)
            assert "I'm Tandem" in standin.sent(USER)[0].text
            commands = [c for c in standin.calls if c.method == "setMyCommands"]
            assert commands, "the command menu is registered at start-up"

            standin.press(USER, standin.payload_of(USER, "Yes, keep"))
            standin.wait_for_messages(USER, 4)  # thanks + menu
            standin.press(USER, standin.payload_of(USER, "Reflect"))
            standin.wait_for_messages(USER, 5)
            standin.press(USER, standin.payload_of(USER, "Communication"))
            standin.wait_for_messages(USER, 7)  # intro + question 1
            standin.send_text(USER, "I tend to hint instead of asking")
            standin.wait_for_messages(USER, 8)
            question_two = standin.sent(USER)[-1].text
            assert "Question 2 of 3" in question_two
        finally:
            bot.kill()  # no clean shutdown: as if the machine lost power
            bot.wait(timeout=10)

        bot = start_bot_process(standin, database, TOKEN)
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
