"""The personal safety plan (/safetyplan) through the real engine and database (SQLite and
PostgreSQL): writing, skipping, the plan screen, rewriting a step, consent, /sos, /export,
/delete and encryption at rest."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.app import Runtime, build_runtime
from bot.crypto import ENCRYPTED_PREFIX, generate_key
from content import Content
from tests.conftest import make_settings
from tests.support.chat import ChatDriver
from tests.support.database_dump import all_rows, dump_text, position
from tests.support.export_files import read_export

SIGNS = "I stop answering messages and stay in bed"
COPING = "A cold shower and loud music"
SUPPORT = "My sister Jo, 0123 456 789"
ENVIRONMENT = "Ask Sam to keep my tablets"


def plan_rows(runtime: Runtime) -> list[dict]:
    """The stored safety plan entries."""
    return [r for r in all_rows(runtime.database)["entries"] if r["kind"] == "safety_plan"]


def write_plan(chat: ChatDriver) -> None:
    """Steps 1, 2, 4 and 6 written; 3 and 5 skipped."""
    chat.command("safetyplan")
    chat.press("Let's start")
    assert "Step 1 of 6" in chat.text
    chat.send(SIGNS)
    assert "Step 2 of 6" in chat.text
    chat.send(COPING)
    chat.press("Skip this step")
    assert "Step 4 of 6" in chat.text
    chat.send(SUPPORT)
    assert "Step 5 of 6" in chat.text
    chat.press("Skip this step")
    assert "Step 6 of 6" in chat.text
    chat.send(ENVIRONMENT)


def test_the_plan_is_written_step_by_step_and_shown_whole(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard()
    write_plan(chat)
    shown = chat.text
    assert "Your safety plan" in shown
    for words in (SIGNS, COPING, SUPPORT, ENVIRONMENT):
        assert words in shown
    assert shown.index(SIGNS) < shown.index(COPING) < shown.index(SUPPORT)
    assert shown.count("(nothing written yet)") == 2
    assert {r["content_id"] for r in plan_rows(runtime)} == {
        "warning_signs",
        "coping",
        "support",
        "environment",
    }

    # Later, /safetyplan opens the plan itself, even after a restart.
    again = build_runtime(make_settings(runtime.settings.database_url), migrate_schema=False)
    chat = ChatDriver(again.service, user_id=chat.user_id, now=chat.now)
    chat.command("safetyplan")
    assert SIGNS in chat.text and "Change a step" in chat.labels()
    chat.press("Done")
    assert "Your plan is kept" in chat.text
    again.database.dispose()


def test_a_step_can_be_rewritten_and_the_old_words_are_gone(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard()
    write_plan(chat)
    chat.press("Change a step")
    chat.press("4. People I can ask for help")
    assert "What you have now" in chat.text and SUPPORT in chat.text
    chat.send("My neighbour Ali, flat 3")
    assert "My neighbour Ali" in chat.text and SUPPORT not in chat.text
    support = [r for r in plan_rows(runtime) if r["content_id"] == "support"]
    assert [r["text"] for r in support] == ["My neighbour Ali, flat 3"]
    assert SUPPORT not in dump_text(runtime.database)

    # Keeping a step as it is changes nothing; clearing it empties it.
    chat.press("Change a step")
    chat.press("1. My warning signs")
    chat.press("Keep it as it is")
    assert SIGNS in chat.text
    chat.press("Change a step")
    chat.press("2. Things I can do")
    chat.press("Clear this step")
    assert "cleared" in chat.text and COPING not in chat.text
    assert COPING not in dump_text(runtime.database)


def test_step_five_offers_the_local_lines(chat: ChatDriver) -> None:
    chat.onboard()
    chat.command("safetyplan")
    chat.press("Let's start")
    for _ in range(4):
        chat.press("Skip this step")
    assert "Step 5 of 6" in chat.text
    assert "findahelpline.com" in chat.text  # nobody told us their country: the default lines


def test_crisis_words_in_a_warning_sign_are_kept_with_help_shown_first(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard()
    chat.command("safetyplan")
    chat.press("Let's start")
    chat.send("When I start thinking about suicide")
    first = chat.replies[0].text
    assert "If you need someone now" in first.splitlines()[0]
    assert "added that to your plan" in first
    assert "Step 2 of 6" in chat.text
    assert [r["content_id"] for r in plan_rows(runtime)] == ["warning_signs"]


def test_without_consent_the_plan_is_shown_once_and_nothing_is_kept(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard(consent=False)
    chat.command("safetyplan")
    assert "can't save this plan" in chat.text
    chat.press("show me at the end")
    chat.send(SIGNS)
    # Held until the end, never readable at rest, never an entry.
    assert plan_rows(runtime) == []
    chat.command("stop")
    assert SIGNS in chat.text and "only time I'll show it" in chat.text
    _, conversation = position(runtime.database, chat.user_id)
    assert conversation is not None and "held" not in conversation.context
    assert SIGNS not in dump_text(runtime.database)
    chat.command("safetyplan")
    assert "can't save this plan" in chat.text  # nothing to open: it was not kept


def test_choosing_to_keep_answers_from_the_plan_keeps_them(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard(consent=False)
    chat.command("safetyplan")
    chat.press("Keep my answers")
    chat.press("Let's start")
    chat.send(SIGNS)
    assert [r["content_id"] for r in plan_rows(runtime)] == ["warning_signs"]


def test_sos_shows_the_plan_first_and_opens_it(chat: ChatDriver) -> None:
    chat.onboard()
    chat.command("sos")
    assert "Make a safety plan" in chat.labels()
    write_plan(chat)
    chat.press("Done")
    chat.command("sos")
    assert len(chat.replies) == 2
    assert SIGNS in chat.replies[0].text and "Your safety plan" in chat.replies[0].text
    assert "nothing written yet" not in chat.replies[0].text  # only what they wrote
    assert "If you need someone now" in chat.replies[1].text
    chat.press("My safety plan")
    assert "Change a step" in chat.labels()


def test_sos_shortens_long_steps(chat: ChatDriver) -> None:
    chat.onboard()
    chat.command("safetyplan")
    chat.press("Let's start")
    chat.send("word " * 200)
    chat.command("stop")
    chat.press("Done")
    chat.command("sos")
    assert len(chat.replies[0].text) < 2000 and "…" in chat.replies[0].text


def test_the_plan_is_in_the_export_readable(chat: ChatDriver) -> None:
    chat.onboard()
    write_plan(chat)
    chat.command("export")
    data = read_export(chat.service, chat.replies).data
    plan = [e for e in data["journal"] if e["kind"] == "Safety plan"]
    assert {e["text"] for e in plan} >= {
        f"My warning signs\n{SIGNS}",
        f"People I can ask for help\n{SUPPORT}",
    }


def test_delete_removes_the_plan(runtime: Runtime, chat: ChatDriver) -> None:
    chat.onboard()
    write_plan(chat)
    assert plan_rows(runtime)
    chat.command("delete")
    chat.press("Yes, delete")
    assert plan_rows(runtime) == []
    assert SIGNS not in dump_text(runtime.database)


@pytest.fixture
def encrypted(database_url: str, content: Content) -> Iterator[Runtime]:
    """A runtime that encrypts free text."""
    runtime = build_runtime(
        make_settings(database_url, encryption_keys=(generate_key(),)),
        content=content,
        migrate_schema=False,
    )
    yield runtime
    runtime.database.dispose()


def test_the_plan_rests_encrypted_and_reads_back_plain(encrypted: Runtime) -> None:
    chat = ChatDriver(encrypted.service)
    chat.onboard()
    write_plan(chat)
    stored = [r["text"] for r in plan_rows(encrypted)]
    assert len(stored) == 4 and all(v.startswith(ENCRYPTED_PREFIX) for v in stored)
    assert SIGNS not in dump_text(encrypted.database)
    chat.command("sos")
    assert SIGNS in chat.text


def test_held_steps_rest_encrypted_and_export_plain(encrypted: Runtime) -> None:
    chat = ChatDriver(encrypted.service)
    chat.onboard(consent=False)
    chat.command("safetyplan")
    chat.press("show me at the end")
    chat.send(SIGNS)
    assert SIGNS not in dump_text(encrypted.database)
    chat.command("export")
    export = read_export(chat.service, chat.replies)
    assert SIGNS.encode() in export.raw
    assert ENCRYPTED_PREFIX.encode() not in export.raw


def test_odd_input_gets_a_kind_reply_and_loses_nothing(chat: ChatDriver) -> None:
    chat.onboard()
    write_plan(chat)
    chat.send("hello?")  # on the plan screen: buttons, please
    assert "one of the buttons" in chat.text and SIGNS in chat.text
    chat.press("Change a step")
    chat.press_payload("safety_plan:pick:no_such_step|999")  # a forged or old button
    assert "earlier message" in chat.text
    chat.sticker()
    assert "only read text" in chat.text and "Which step" in chat.text


def test_safetyplan_is_in_the_command_menu(runtime: Runtime) -> None:
    names = [spec.name for spec in runtime.engine.visible_commands()]
    assert "safetyplan" in names
