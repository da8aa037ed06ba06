"""`python -m bot status`: the operator's one screen, counts only."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import insert

from bot.settings import Settings
from bot.status import status_command
from bot.storage.database import alembic_config, create_database_engine
from bot.storage.deliveries import deliveries
from bot.storage.operator_stats import read_operator_stats
from bot.storage.sql_store import SqlStore
from flows.ports import UserRecord

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
KEY = "x6a4Sg3uoSmoNu2cDEEh8bZ0rXbFCXBHQIrxKaktkU0="
# Ids that must never show up on the screen.
PEOPLE = {
    "today": 70000001,  # wrote today, prompt sent today
    "week": 70000002,  # wrote 3 days ago, prompt due later today
    "month": 70000003,  # wrote 20 days ago, then blocked the bot
    "due": 70000004,  # wrote yesterday, prompt due an hour ago (not yet picked up)
}
# The newest migration this code knows (it moves whenever a revision is added).
HEAD = ScriptDirectory.from_config(
    alembic_config(create_database_engine("sqlite://"))
).get_current_head()


def add_people(database_url: str) -> None:
    """Four people in different states, and today's delivery for one of them."""
    database = create_database_engine(database_url)
    seen = {
        "today": NOW - timedelta(hours=1),
        "week": NOW - timedelta(days=3),
        "month": NOW - timedelta(days=20),
        "due": NOW - timedelta(days=1),
    }
    due = {
        "today": NOW + timedelta(days=1),
        "week": NOW + timedelta(hours=5),
        "month": None,
        "due": NOW - timedelta(hours=1),
    }
    with database.begin() as connection:
        store = SqlStore(connection)
        for name, user_id in PEOPLE.items():
            store.create_user(
                UserRecord(
                    user_id=user_id,
                    chat_id=user_id,
                    created_at=NOW - timedelta(days=30),
                    last_seen_at=seen[name],
                    daily_enabled=name != "month",
                    daily_time="08:00",
                    next_prompt_due_utc=due[name],
                    active=name != "month",
                )
            )
        connection.execute(
            insert(deliveries).values(
                user_id=PEOPLE["today"],
                local_date=date(2026, 3, 2),
                prompt_id="p1",
                status="sent",
                attempts=1,
                claimed_at=NOW - timedelta(hours=7),
                sent_at=NOW - timedelta(hours=7),
            )
        )
    database.dispose()


def test_operator_stats_count_people_activity_and_prompts(database_url: str) -> None:
    add_people(database_url)
    database = create_database_engine(database_url)
    with database.connect() as connection:
        stats = read_operator_stats(connection, NOW)
    database.dispose()
    assert (stats.people, stats.reachable) == (4, 3)
    assert (stats.active_today, stats.active_week) == (1, 3)
    assert stats.daily_subscribed == 3
    assert stats.prompts_due_now == 1
    assert stats.prompts_today == {"sent": 1}
    assert stats.prompts_due_today == 3  # sent + due in an hour ago + due in 5 hours


def test_status_screen_shows_counts_and_no_person(database_url: str) -> None:
    add_people(database_url)
    database = create_database_engine(database_url)
    out = io.StringIO()
    settings = Settings(database_url=database_url, encryption_keys=(KEY,))
    code = status_command(settings, database, lambda: 4, out, now=NOW)
    database.dispose()
    screen = out.getvalue()
    assert code == 0
    assert f"Schema version     {HEAD} (up to date)" in screen
    assert "Encryption at rest on (1 key, newest first)" in screen
    assert "People             4 (3 reachable, 1 blocked the bot)" in screen
    assert "Active             1 today, 3 this week" in screen
    assert "due 3, sent 1, not delivered 0, still to send 2" in screen
    assert "due now and not yet picked up: 1" in screen
    assert "Outbox             4 replies waiting to be sent" in screen
    for user_id in PEOPLE.values():
        assert str(user_id) not in screen
    assert KEY not in screen
    assert "tandem:tandem@" not in screen  # no database password


def run_status(database: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m bot status` (no token needed)."""
    environment = {k: v for k, v in os.environ.items() if k != "BOT_TOKEN"}
    return subprocess.run(
        [sys.executable, "-m", "bot", "status"],
        cwd=ROOT,
        env={**environment, "DATABASE_URL": f"sqlite:///{database}", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_python_m_bot_status_on_a_new_and_a_migrated_database(tmp_path: Path) -> None:
    database = tmp_path / "tandem.db"
    fresh = run_status(database)
    assert fresh.returncode == 1, fresh.stderr
    assert f"empty (newest is {HEAD}): run python -m bot migrate" in fresh.stdout
    assert "Encryption at rest off" in fresh.stdout
    assert "Outbox             not present" in fresh.stdout

    migrated = subprocess.run(
        [sys.executable, "-m", "bot", "migrate"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{database}"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert migrated.returncode == 0, migrated.stderr
    ready = run_status(database, ENCRYPTION_KEYS=KEY)
    assert ready.returncode == 0, ready.stderr
    assert f"{HEAD} (up to date)" in ready.stdout
    assert "People             0 (0 reachable, 0 blocked the bot)" in ready.stdout
    assert "Encryption at rest on (1 key" in ready.stdout
    assert KEY not in ready.stdout + ready.stderr
