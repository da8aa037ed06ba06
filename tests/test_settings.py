"""Settings: defaults, driver normalisation, and one clear line for every bad value."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings
from bot.storage.database import DatabaseUrlError, normalize_url

TOKEN = "123456789:AAE-valid-looking-token-abcdefghij"


def test_defaults() -> None:
    settings = load_settings({"BOT_TOKEN": TOKEN}, dotenv_path=None)
    assert settings.database_url == "sqlite:///data/tandem.db"
    assert settings.api_base_url == "https://api.telegram.org/bot"
    assert settings.log_level == "INFO"
    assert not settings.is_postgresql


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("sqlite:///data/tandem.db", "sqlite+pysqlite:///data/tandem.db"),
        ("postgresql://u@localhost/db", "postgresql+psycopg://u@localhost/db"),
        ("postgres://u@localhost/db", "postgresql+psycopg://u@localhost/db"),
        ("postgresql+psycopg://u@localhost/db", "postgresql+psycopg://u@localhost/db"),
    ],
)
def test_driver_is_filled_in(raw: str, expected: str) -> None:
    assert normalize_url(raw).render_as_string() == expected


@pytest.mark.parametrize("raw", ["mysql://x/y", "postgresql+asyncpg://x/y", "not a url"])
def test_unsupported_database_urls(raw: str) -> None:
    with pytest.raises(DatabaseUrlError):
        normalize_url(raw)


@pytest.mark.parametrize(
    ("environ", "names"),
    [
        ({}, ["BOT_TOKEN", "@BotFather"]),
        ({"BOT_TOKEN": "nope"}, ["BOT_TOKEN", "@BotFather"]),
        ({"BOT_TOKEN": TOKEN, "DATABASE_URL": "mysql://x/y"}, ["DATABASE_URL"]),
        ({"BOT_TOKEN": TOKEN, "LOG_LEVEL": "LOUD"}, ["LOG_LEVEL"]),
        ({"BOT_TOKEN": TOKEN, "ADMIN_IDS": "me"}, ["ADMIN_IDS"]),
        ({"BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": "ftp://x"}, ["TELEGRAM_API_BASE_URL"]),
        ({"BOT_TOKEN": TOKEN, "CONCURRENT_UPDATES": "0"}, ["CONCURRENT_UPDATES"]),
    ],
)
def test_bad_settings_name_the_setting(environ: dict[str, str], names: list[str]) -> None:
    with pytest.raises(SettingsError) as error:
        load_settings(environ, dotenv_path=None)
    message = str(error.value)
    assert "\n" not in message
    for name in names:
        assert name in message


def test_dotenv_file_is_read_and_environment_wins(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(f"BOT_TOKEN={TOKEN}\nLOG_LEVEL=DEBUG\nADMIN_IDS=1, 2\n")
    settings = load_settings({"LOG_LEVEL": "WARNING"}, dotenv_path=dotenv)
    assert settings.bot_token == TOKEN
    assert settings.log_level == "WARNING"
    assert settings.admin_ids == frozenset({1, 2})


def test_missing_token_stops_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).parent.parent)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "BOT_TOKEN" in lines[0] and "@BotFather" in lines[0]
