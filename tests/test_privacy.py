"""/privacy, /export and /delete through the real engine and database (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert

from bot.app import Runtime
from bot.storage.models import TRANSIENT_TABLES, Base, Delivery
from bot.storage.sql_store import personal_tables
from bot.tidy import MessageLog
from flows.events import Reply
from tests.support.chat import ChatDriver
from tests.support.database_dump import all_rows, dump_text, position
from tests.support.export_files import read_export

ANSWERS = ["I hint instead of asking", "I go quiet for days", "Next time I'll say it plainly"]


def reflect(chat: ChatDriver, theme: str = "Communication") -> None:
    """A whole reflection session with three answers."""
    chat.command("reflect")
    chat.press(theme)
    for answer in ANSWERS:
        chat.send(answer)


def exported(chat: ChatDriver) -> tuple[Reply, dict[str, Any]]:
    """Run /export and return the document reply and its parsed JSON."""
    chat.command("export")
    (reply,) = [r for r in chat.replies if r.document is not None]
    return reply, read_export(chat.service, chat.replies).data


def test_privacy_explains_what_why_how_long_who_and_telegram(chat: ChatDriver) -> None:
    chat.onboard()
    chat.command("privacy")
    text = chat.text
    for part in ("What I keep", "Why", "How long", "Who can see it", "/export", "/delete"):
        assert part in text
    assert "not end-to-end encrypted" in text
    assert {"Export my data", "Delete everything"} <= set(chat.labels())


def test_export_is_a_readable_json_document_with_everything(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard()
    reflect(chat)
    reply, data = exported(chat)
    assert reply.document is not None
    assert reply.document.filename.startswith("tandem-export-")
    assert reply.document.filename.endswith(".zip")
    assert "keep it somewhere private" in reply.document.caption
    assert data["format"] == "tandem-export" and data["user_id"] == chat.user_id
    tables = data["tables"]
    assert {table.name for table in personal_tables()} == set(tables)
    assert tables["users"][0]["consent"] is True
    assert [e["text"] for e in tables["entries"]] == ANSWERS
    assert tables["conversations"][0]["flow"] == "menu"
    # Complete: every stored row about the person is in the file.
    stored = all_rows(runtime.database)
    for table in personal_tables():
        mine = [row for row in stored[table.name] if row["user_id"] == chat.user_id]
        assert len(tables[table.name]) == len(mine), table.name


def test_export_has_a_readable_journal_with_each_answer_next_to_its_question(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard()
    reflect(chat)
    _, data = exported(chat)
    content = runtime.engine.content
    entries = data["tables"]["entries"]
    journal = data["journal"]
    assert len(journal) == len(entries) == len(ANSWERS)
    for row in entries:
        question = content.reflection.question(row["content_id"])
        assert question is not None
        (item,) = [item for item in journal if row["text"] in item["text"]]
        assert question.text in item["text"]  # the question it answered, in words, not an id
        assert item["kind"] != "reflection" and item["date"].startswith(row["created_at"][:10])


def test_export_keeps_the_current_flow_where_it_was(runtime: Runtime, chat: ChatDriver) -> None:
    chat.onboard()
    chat.command("reflect")
    chat.press("Boundaries")
    _, before = position(runtime.database, chat.user_id)
    exported(chat)
    chat.press("Back to where I was")
    assert "Question 1 of 3" in chat.text
    _, after = position(runtime.database, chat.user_id)
    assert before is not None and after is not None
    assert (before.flow, before.state) == (after.flow, after.state)


def test_export_only_holds_the_person_who_asked(runtime: Runtime, chat: ChatDriver) -> None:
    other = ChatDriver(runtime.service, user_id=9001)
    other.onboard()
    other.command("reflect")
    other.press("Self-worth")
    other.send("someone else's private words")
    chat.onboard()
    _, data = exported(chat)
    assert "someone else's private words" not in json.dumps(data)
    assert all(row["user_id"] == chat.user_id for rows in data["tables"].values() for row in rows)


def test_delete_asks_first_and_no_keeps_everything(runtime: Runtime, chat: ChatDriver) -> None:
    chat.onboard()
    reflect(chat)
    before = all_rows(runtime.database)
    chat.command("delete")
    assert "can't be undone" in chat.text
    assert chat.labels() == ["Yes, delete everything", "No, keep it"]
    chat.press("No, keep")
    assert "Nothing was deleted" in chat.text
    after = all_rows(runtime.database)
    assert after["entries"] == before["entries"]
    assert [u["user_id"] for u in after["users"]] == [chat.user_id]


def test_delete_removes_every_row_about_the_person_and_the_next_message_starts_fresh(
    runtime: Runtime, chat: ChatDriver
) -> None:
    other = ChatDriver(runtime.service, user_id=9001)
    other.onboard()
    other.command("reflect")
    other.press("Time together")
    other.send("another person's answer")
    chat.onboard()
    reflect(chat)
    chat.send("I want to end it all")  # a held crisis message, too
    chat.press("Save it")
    chat.command("menu")
    chat.send("how do I say no to my mother without feeling guilty?")  # an FAQ query
    with runtime.database.begin() as connection:  # a daily prompt, as the scheduler claims it
        connection.execute(
            insert(Delivery).values(
                user_id=chat.user_id,
                local_date=date(2026, 3, 2),
                prompt_id="communication-01",
                status="sent",
                attempts=1,
                claimed_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
                sent_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
            )
        )
    # A message id kept for tidying the chat, as the adapter records it after a send.
    MessageLog(runtime.database).record_sent(chat.user_id, 77, datetime(2026, 3, 2, 9, tzinfo=UTC))
    chat.command("prepare", "work")  # a prepared conversation, with its card
    chat.press("Tomorrow")
    chat.press("Evening")
    for line in (
        "I want to ask for a raise",
        "they say no",
        "if they say no, I ask when we can look at it again",
        "I'd like a raise",
    ):
        chat.send(line)
    chat.press("Keep this one")
    with_user_id = [table for table in Base.metadata.sorted_tables if "user_id" in table.c]
    assert {table.name for table in personal_tables()} == {t.name for t in with_user_id}
    before = all_rows(runtime.database)
    for table in with_user_id:  # the person has rows in every one of them before /delete
        if table.name in TRANSIENT_TABLES:
            continue  # messages in transit: empty between events (tests/test_outbox.py)
        assert [r for r in before[table.name] if r["user_id"] == chat.user_id], table.name
    chat.command("delete")
    chat.press("Yes, delete")
    assert "deleted" in chat.text

    stored = all_rows(runtime.database)
    for table in with_user_id:
        assert [r for r in stored[table.name] if r["user_id"] == chat.user_id] == [], table.name
    text = dump_text(runtime.database)
    for words in [*ANSWERS, "I want to end it all"]:
        assert words not in text
    # Tables without a user_id column hold no personal data at all.
    assert set(stored["processed_updates"][0]) == {"update_id", "processed_at"}
    # Someone else's data is untouched.
    assert "another person's answer" in text

    chat.send("hello again")
    assert "I'm Tandem" in chat.text
    user, _ = position(runtime.database, chat.user_id)
    assert user is not None and user.consent is None and user.prefs == {}


def test_an_old_or_forged_delete_confirmation_never_deletes(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard()
    reflect(chat)
    chat.command("delete")
    old_yes = chat.button("Yes, delete").payload
    chat.press("No, keep")
    for payload in (old_yes, "del:yes", "del:yes:", "del:yes:00000000", "del:maybe", "del:"):
        chat.press_payload(payload)
        assert chat.replies
        assert "deleted" not in chat.text.lower() or "Nothing was deleted" in chat.text
    chat.command("delete")
    chat.command("reflect")  # moving on drops the pending question
    chat.press_payload(old_yes)
    entries = all_rows(runtime.database)["entries"]
    assert [e["text"] for e in entries] == ANSWERS


def test_a_double_tap_on_yes_deletes_once_and_then_starts_fresh(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard()
    reflect(chat)
    chat.command("delete")
    yes = chat.button("Yes, delete").payload
    chat.press_payload(yes)
    chat.press_payload(yes)
    assert chat.replies
    assert all_rows(runtime.database)["entries"] == []
