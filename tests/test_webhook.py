"""Webhook mode: `python -m bot --webhook` serves updates over HTTP, checking the secret header."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bot.cli import main
from bot.settings import SettingsError
from bot.webhook import SECRET_HEADER, webhook_options
from tests.conftest import make_settings
from tests.support.bot_api_standin import BotApiStandIn
from tests.support.recording_request import message_update

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456789:WEBHOOK-token-for-tandem-tests-only"
SECRET = "a-webhook-secret-for-tests_0123456789"
USER = 7117


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_listening(port: int, process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    """Block until the bot's webhook server accepts connections."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.communicate()[0].decode()
            raise AssertionError(f"the bot exited early:\n{output}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the webhook server did not start in time")


def test_python_m_bot_webhook_refuses_requests_without_the_secret(tmp_path: Path) -> None:
    port = free_port()
    with BotApiStandIn() as standin:
        env = {
            **os.environ,
            "BOT_TOKEN": TOKEN,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'tandem.db'}",
            "TELEGRAM_API_BASE_URL": standin.base_url,
            "TELEGRAM_FILE_BASE_URL": standin.base_url.replace("/bot", "/file/bot"),
            "WEBHOOK_URL": "https://tandem.example.org/telegram-updates",
            "WEBHOOK_SECRET": SECRET,
            "WEBHOOK_PORT": str(port),
            "LOG_LEVEL": "DEBUG",
        }
        bot = subprocess.Popen(
            [sys.executable, "-m", "bot", "--webhook"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_listening(port, bot)
            standin.wait_for(lambda s: any(c.method == "setWebhook" for c in s.calls))
            (registered,) = [c.params for c in standin.calls if c.method == "setWebhook"]
            assert registered["url"] == "https://tandem.example.org/telegram-updates"
            assert registered["secret_token"] == SECRET

            url = f"http://127.0.0.1:{port}/telegram-updates"
            update = message_update(USER, "/start")
            body = json.dumps(update)
            headers = {"Content-Type": "application/json"}
            refused = [
                httpx.post(url, content=body, headers=headers),
                httpx.post(url, content=body, headers={**headers, SECRET_HEADER: "wrong"}),
                httpx.post(url, content=body, headers={**headers, SECRET_HEADER: ""}),
            ]
            assert [r.status_code for r in refused] == [403, 403, 403]
            time.sleep(0.3)
            assert standin.sent(USER) == []  # nothing was processed

            accepted = httpx.post(url, content=body, headers={**headers, SECRET_HEADER: SECRET})
            assert accepted.status_code == 200
            standin.wait_for_messages(USER, 2)
            assert "I'm Tandem" in standin.sent(USER)[0].text

            # Telegram retries a webhook it thinks failed: the same update is handled once.
            again = httpx.post(url, content=body, headers={**headers, SECRET_HEADER: SECRET})
            assert again.status_code == 200
            time.sleep(0.5)
            assert len(standin.sent(USER)) == 2
        finally:
            bot.terminate()
            output = bot.communicate(timeout=20)[0].decode()
    assert TOKEN not in output
    assert SECRET not in output


def test_webhook_mode_needs_a_url_and_a_secret() -> None:
    settings = make_settings("sqlite://", webhook_url="https://x.example.org/hook")
    with pytest.raises(SettingsError, match="WEBHOOK_SECRET is not set"):
        webhook_options(settings)
    with pytest.raises(SettingsError, match="WEBHOOK_URL is not set"):
        webhook_options(make_settings("sqlite://", webhook_secret=SECRET))
    options = webhook_options(
        make_settings(
            "sqlite://", webhook_url="https://x.example.org/a/hook", webhook_secret=SECRET
        )
    )
    assert options["url_path"] == "a/hook"
    assert options["secret_token"] == SECRET
    assert options["listen"] == "127.0.0.1"


def test_cli_stops_with_one_clear_line_without_a_secret(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env from the working copy
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'tandem.db'}")
    monkeypatch.setenv("WEBHOOK_URL", "https://x.example.org/hook")
    monkeypatch.delenv("WEBHOOK_SECRET", raising=False)
    assert main(["--webhook"]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("Configuration problem: WEBHOOK_SECRET is not set")
    assert "\n" not in error


@pytest.mark.parametrize("secret", ["short", "has spaces in it 1234", "é" * 20])
def test_malformed_webhook_secrets_are_refused(secret: str) -> None:
    from bot.settings import load_settings

    with pytest.raises(SettingsError, match="WEBHOOK_SECRET must be"):
        load_settings({"WEBHOOK_SECRET": secret}, dotenv_path=None, require_token=False)
