"""End to end: the bot process sends a due daily prompt once, survives a kill, keeps the answer."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.storage.database import create_database_engine, migrate
from bot.storage.deliveries import deliveries
from bot.storage.sql_store import SqlStore, entries
from flows.daily_schedule import occurrence_utc, zone_for
from flows.ports import UserRecord
from tests.support.bot_api_standin import BotApiStandIn, start_bot_process

TOKEN = "123456789:E2E-daily-token-for-tandem-tests-x"
USER = 7070
PROMPT_START = "Your reflection for today is here."


def midday_zone(now: datetime) -> str:
    """A whole-hour zone where it is between 10:00 and 14:00 now, so 'a minute ago' is today."""
    offset = (12 - now.hour) % 24
    offset = offset - 24 if offset > 14 else offset
    return "UTC" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def add_due_person(database_url: str) -> None:
    """A person whose prompt came due a minute ago, local time, while the bot was not running."""
    engine = create_database_engine(database_url)
    migrate(engine)
    now = datetime.now(UTC)
    zone = midday_zone(now)
    local = now.astimezone(zone_for(zone)) - timedelta(minutes=1)
    due = occurrence_utc(local.date(), local.time().replace(second=0, microsecond=0), zone)
    with engine.begin() as connection:
        SqlStore(connection).create_user(
            UserRecord(
                user_id=USER,
                chat_id=USER,
                created_at=now - timedelta(days=3),
                last_seen_at=now - timedelta(days=1),
                consent=True,
                timezone=zone,
                daily_enabled=True,
                daily_time=f"{local:%H:%M}",
                next_prompt_due_utc=due,
                prefs={"daily_zone_chosen": True},
            )
        )
    engine.dispose()




def prompts_sent(standin: BotApiStandIn) -> int:
    """Daily prompts that reached the person."""
    return sum(1 for call in standin.sent(USER) if call.text.startswith(PROMPT_START))


def test_due_prompt_sent_once_across_a_kill_and_the_answer_is_kept(tmp_path: Path) -> None:
    database = tmp_path / "tandem.db"
    url = f"sqlite:///{database}"
    add_due_person(url)
    with BotApiStandIn() as standin:
        bot = start_bot_process(standin, database, TOKEN, DAILY_TICK_SECONDS="1")
        try:
            standin.wait_for(lambda s: prompts_sent(s) == 1)
            prompt = next(c for c in standin.sent(USER) if c.text.startswith(PROMPT_START))
            assert [b["text"] for b in prompt.buttons] == ["Answer now", "Not today", "Pause"]
        finally:
            bot.kill()  # no clean shutdown
            bot.wait(timeout=10)

        bot = start_bot_process(standin, database, TOKEN, DAILY_TICK_SECONDS="1")
        try:
            standin.wait_for(lambda s: sum(1 for c in s.calls if c.method == "setMyCommands") == 2)
            time.sleep(3)  # three ticks of the restarted process
            assert prompts_sent(standin) == 1
            standin.press(USER, prompt.buttons[0]["callback_data"])
            standin.wait_for(lambda s: "today's question again" in s.sent(USER)[-1].text)
            standin.send_text(USER, "I called my sister just to talk")
            standin.wait_for(lambda s: "in your journal" in s.sent(USER)[-1].text)
        finally:
            bot.terminate()
            output = bot.communicate(timeout=20)[0].decode()
    assert "called my sister" not in output
    engine = create_database_engine(url)
    with engine.connect() as connection:
        kept = connection.execute(select(entries.c.kind, entries.c.content_id)).all()
        ledger = connection.execute(select(deliveries.c.prompt_id, deliveries.c.status)).all()
    engine.dispose()
    # Killed right after the stand-in saw the prompt: recorded as sent, or still "sending" if the
    # kill came before the outcome was written; never claimable again either way.
    assert len(ledger) == 1 and ledger[0].prompt_id == kept[0].content_id
    assert ledger[0].status in {"sent", "sending"}
    assert kept[0].kind == "daily"
