"""Held text: words a feature keeps for a moment in a conversation context, registered once so
/export shows them readable and `rotate-keys` encrypts and re-encrypts them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.app import Runtime, build_runtime
from bot.crypto import ENCRYPTED_PREFIX, FernetCipher, generate_key
from bot.storage.key_rotation import rotate_stored_text
from content import Content
from flows.events import Event, EventKind
from flows.held_text import HeldText
from flows.prepare import HELD_KEYS as PREPARE_HELD_KEYS
from flows.turn import Turn
from tests.conftest import make_settings
from tests.support.chat import ChatDriver
from tests.support.database_dump import dump_text, position
from tests.support.export_files import read_documents
from tests.test_faq_flow import PERSONAL, ask_unanswered

ROOT = Path(__file__).resolve().parent.parent
FIRST_KEY, SECOND_KEY = generate_key(), generate_key()
SIGNS = "I stop answering messages and stay in bed"


def runtime_with_keys(database_url: str, content: Content, *keys: str) -> Runtime:
    """A runtime on the given database with these ENCRYPTION_KEYS (newest first)."""
    return build_runtime(
        make_settings(database_url, encryption_keys=tuple(keys)),
        content=content,
        migrate_schema=False,
    )


def hold_faq_question(runtime: Runtime) -> ChatDriver:
    """Someone who keeps words asks a question Tandem cannot answer: its words are held."""
    chat = ChatDriver(runtime.service)
    chat.onboard()
    chat.command("menu")
    ask_unanswered(chat, PERSONAL)
    return chat


def hold_plan_step(runtime: Runtime) -> ChatDriver:
    """Someone who keeps nothing writes a safety plan step: it is held until shown once."""
    chat = ChatDriver(runtime.service)
    chat.onboard(consent=False)
    chat.command("safetyplan")
    chat.press("show me at the end")
    chat.send(SIGNS)
    return chat


def stored_context(runtime: Runtime, user_id: int) -> dict:
    _, conversation = position(runtime.database, user_id)
    assert conversation is not None
    return conversation.context


def test_export_under_encryption_shows_a_held_faq_question_readable(
    database_url: str, content: Content
) -> None:
    runtime = runtime_with_keys(database_url, content, FIRST_KEY)
    chat = hold_faq_question(runtime)
    assert PERSONAL not in dump_text(runtime.database)
    export = read_documents(runtime.service.build_export(chat.user_id))
    assert PERSONAL.encode() in export.raw
    assert ENCRYPTED_PREFIX.encode() not in export.raw
    runtime.database.dispose()


@pytest.mark.parametrize(
    ("hold", "slot"),
    [
        (hold_faq_question, ("_faq_question", "text")),
        (hold_plan_step, ("held", "warning_signs")),
    ],
)
def test_rotation_encrypts_held_text_written_before_encryption_then_rotates_it(
    database_url: str, content: Content, hold, slot: tuple[str, str]
) -> None:
    plain = runtime_with_keys(database_url, content)
    chat = hold(plain)
    key, name = slot
    assert stored_context(plain, chat.user_id)[key][name] == (
        PERSONAL if hold is hold_faq_question else SIGNS
    )
    held = plain.engine.held_texts.values()
    rotate_stored_text(plain.database, FernetCipher([FIRST_KEY]), held=held)
    first = stored_context(plain, chat.user_id)[key][name]
    assert first.startswith(ENCRYPTED_PREFIX)
    assert PERSONAL not in dump_text(plain.database) and SIGNS not in dump_text(plain.database)

    rotate_stored_text(plain.database, FernetCipher([SECOND_KEY, FIRST_KEY]), held=held)
    second = stored_context(plain, chat.user_id)[key][name]
    words = FernetCipher([SECOND_KEY]).decrypt(second)  # the old key is no longer needed
    assert words == (PERSONAL if hold is hold_faq_question else SIGNS)
    plain.database.dispose()

    # The bot, now with only the newest key, still reads the held words back.
    after = runtime_with_keys(database_url, content, SECOND_KEY)
    export = read_documents(after.service.build_export(chat.user_id))
    assert words.encode() in export.raw
    after.database.dispose()


def test_every_feature_registers_the_text_it_holds(runtime: Runtime) -> None:
    assert runtime.engine.held_texts == {
        "_crisis": HeldText("_crisis"),
        "_faq_question": HeldText("_faq_question"),
        "_heard": HeldText("_heard"),
        "held": HeldText("held", flow="safety_plan", per_item=True),
        **{key: HeldText(key, flow="prepare") for key in PREPARE_HELD_KEYS},
    }


def test_holding_text_under_an_unregistered_key_is_refused(runtime: Runtime, content) -> None:
    chat = ChatDriver(runtime.service)
    chat.onboard()
    user, _ = position(runtime.database, chat.user_id)
    assert user is not None
    event = Event(user.user_id, user.chat_id, EventKind.TEXT, chat.now, text="words")
    with runtime.database.connect() as connection:
        from bot.storage.sql_store import SqlStore

        turn = Turn(runtime.engine, event, SqlStore(connection), user, "menu", "idle", {})
        with pytest.raises(ValueError, match="add_held_text"):
            turn.hold_text("_unregistered", "words")
        assert turn.hold_text("_faq_question", "words") == "words"  # no keys: kept as is


def test_a_held_text_key_is_registered_once(runtime: Runtime) -> None:
    with pytest.raises(ValueError, match="already registered"):
        runtime.engine.add_held_text("_faq_question")


def test_flows_hold_text_only_through_the_turn() -> None:
    """`turn.hold_text` checks the key is registered; protecting text directly would not."""
    callers = set()
    for path in (ROOT / "flows").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "protect_text"
            ):
                callers.add(str(path.relative_to(ROOT)))
    assert callers == {"flows/turn.py"}
