"""End to end over real HTTP: tidying a chat and auto-tidy across a restart.

The bot process polls the Bot API stand-in. The simulated person talks, asks to tidy, and the
stand-in records which messages the bot deleted; one of them it refuses, as Telegram sometimes
does. Then the person turns on auto-tidy, the bot is killed, time "passes" (the stored times are
moved back while the bot is down), and the restarted bot tidies the chat on its own.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Integer, insert, inspect, select, update

from bot.storage.database import create_database_engine
from bot.tidy import chat_messages
from tests.support.bot_api_standin import BotApiStandIn, message_ids_of, start_bot_process

TOKEN = "123456789:E2E-tidy-token-for-tandem-tests-xx"
USER = 6160
WORDS = "my partner reads my phone every night"
OLD_IDS = (900001, 900002)  # recorded three days ago: too old for Telegram to delete






def sent_ids(standin: BotApiStandIn) -> set[int]:
    """Message ids the stand-in gave the bot's messages to the person."""
    return {call.message_id for call in standin.sent(USER) if call.message_id is not None}


def recorded(url: str) -> list[tuple[int, datetime, datetime | None]]:
    """The rows kept for tidying (id, sent, tidy due)."""
    engine = create_database_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                chat_messages.c.message_id, chat_messages.c.sent_at, chat_messages.c.tidy_due_at
            ).where(chat_messages.c.user_id == USER)
        ).all()
    engine.dispose()
    return [(row.message_id, row.sent_at, row.tidy_due_at) for row in rows]


def add_old_rows(url: str) -> None:
    """Two messages recorded three days ago (Telegram no longer deletes them)."""
    engine = create_database_engine(url)
    long_ago = datetime.now(UTC) - timedelta(days=3)
    with engine.begin() as connection:
        connection.execute(
            insert(chat_messages),
            [{"user_id": USER, "message_id": i, "sent_at": long_ago} for i in OLD_IDS],
        )
    engine.dispose()


def move_back(url: str, hours: int) -> None:
    """As if `hours` passed while the bot was down: every stored message time moves back."""
    engine = create_database_engine(url)
    with engine.begin() as connection:
        for row in connection.execute(select(chat_messages)).all():
            connection.execute(
                update(chat_messages)
                .where(
                    chat_messages.c.user_id == row.user_id,
                    chat_messages.c.message_id == row.message_id,
                )
                .values(
                    sent_at=row.sent_at - timedelta(hours=hours),
                    tidy_due_at=None
                    if row.tidy_due_at is None
                    else row.tidy_due_at - timedelta(hours=hours),
                )
            )
    engine.dispose()


def test_tidy_deletes_young_messages_skips_refusals_and_auto_tidy_survives_restart(
    tmp_path: Path,
) -> None:
    database = tmp_path / "tandem.db"
    url = f"sqlite:///{database}"
    with BotApiStandIn() as standin:
        bot = start_bot_process(standin, database, TOKEN, DAILY_TICK_SECONDS="1")
        try:
            person = [standin.message_id_of(standin.send_text(USER, "/start"))]
            standin.wait_for_messages(USER, 2)
            standin.press(USER, standin.payload_of(USER, "Yes, keep"))
            standin.wait_for_messages(USER, 3)
            words_id = standin.message_id_of(standin.send_text(USER, WORDS))
            person.append(words_id)
            standin.wait_for(lambda s: len(recorded(url)) >= len(s.sent(USER)) + 2, 15)
            add_old_rows(url)
            standin.refused_deletes.add(words_id)  # e.g. the person already deleted it

            person.append(standin.message_id_of(standin.send_text(USER, "/tidy")))
            standin.wait_for(lambda s: "What it can't remove" in s.sent(USER)[-1].text)
            before_tidy = sent_ids(standin) | set(person)
            standin.press(USER, standin.payload_of(USER, "Tidy now"))
            standin.wait_for(lambda s: s.sent(USER)[-1].text == "All tidy.")
            after = standin.sent(USER)[-1]

            deleted = standin.deleted(USER)
            # Every message of the conversation (the bot's and the person's) except the one
            # Telegram refused; none of the old ones was even asked for.
            assert set(deleted) == before_tidy - {words_id}
            assert len(deleted) == len(set(deleted))
            asked = {
                i
                for call in standin.delete_requests(USER)
                for i in (
                    [int(call.params["message_id"])]
                    if call.method == "deleteMessage"
                    else message_ids_of(call.params)
                )
            }
            assert not asked & set(OLD_IDS)
            assert any(c.method == "deleteMessages" for c in standin.delete_requests(USER))
            refused_one_by_one = [
                c
                for c in standin.delete_requests(USER)
                if c.method == "deleteMessage" and c.refused
            ]
            assert [int(c.params["message_id"]) for c in refused_one_by_one] == [words_id]
            # The refusal is skipped without a word: the neutral line is the only message.
            assert standin.sent(USER)[-1] is after
            # What is kept for tidying: the neutral line only (tidied and old rows are gone).
            # It is recorded right after Telegram answers, so give the bot a moment.
            standin.wait_for(lambda s: [row[0] for row in recorded(url)] == [after.message_id], 10)

            standin.send_text(USER, "/discreet")
            standin.wait_for(lambda s: "Auto-tidy: Off" in s.sent(USER)[-1].text)
            standin.press(USER, standin.payload_of(USER, "After 1 hour"))
            standin.wait_for(lambda s: "Auto-tidy: After 1 hour" in s.sent(USER)[-1].text)
            last_reply = standin.sent(USER)[-1].message_id
            standin.wait_for(lambda s: any(row[0] == last_reply for row in recorded(url)), 15)
        finally:
            bot.kill()  # no clean shutdown
            bot.wait(timeout=10)

        waiting = {row[0] for row in recorded(url)}
        assert last_reply in waiting
        move_back(url, hours=2)
        messages_before_restart = len(standin.sent(USER))
        bot = start_bot_process(standin, database, TOKEN, DAILY_TICK_SECONDS="1")
        try:
            standin.wait_for(lambda s: waiting <= set(s.deleted(USER)), 20)
            standin.wait_for(lambda s: recorded(url) == [], 10)
            assert len(standin.sent(USER)) == messages_before_restart  # no line left behind
        finally:
            bot.terminate()
            output = bot.communicate(timeout=20)[0].decode()
    assert WORDS not in output
    # Nothing but numbers and times is kept for tidying.
    engine = create_database_engine(url)
    columns = {c["name"]: c["type"] for c in inspect(engine).get_columns("chat_messages")}
    engine.dispose()
    assert set(columns) == {"user_id", "message_id", "sent_at", "tidy_due_at"}
    assert isinstance(columns["message_id"], Integer)
