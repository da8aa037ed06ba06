"""Encryption at rest wired into storage: ENCRYPTION_KEYS, readable journal/export, rotation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.app import Runtime, build_runtime
from bot.crypto import ENCRYPTED_PREFIX, FernetCipher, generate_key
from bot.settings import SettingsError, load_settings
from bot.storage.key_rotation import rotate_stored_text
from content import Content
from tests.conftest import make_settings
from tests.support.chat import ChatDriver
from tests.support.database_dump import all_rows, dump_text
from tests.support.export_files import read_documents, read_export

ANSWERS = ["I agree too fast", "I am scared they'll leave", "I'd ask for an evening alone"]
FIRST_KEY = generate_key()


def runtime_with_keys(database_url: str, content: Content, *keys: str) -> Runtime:
    """A runtime on the given database with these ENCRYPTION_KEYS (newest first)."""
    return build_runtime(
        make_settings(database_url, encryption_keys=tuple(keys)),
        content=content,
        migrate_schema=False,
    )


@pytest.fixture
def encrypted(database_url: str, content: Content) -> Iterator[Runtime]:
    """A runtime that encrypts free text with FIRST_KEY."""
    runtime = runtime_with_keys(database_url, content, FIRST_KEY)
    yield runtime
    runtime.database.dispose()


def answer_a_reflection(chat: ChatDriver) -> None:
    chat.onboard()
    chat.command("reflect")
    chat.press("Self-worth")
    for answer in ANSWERS:
        chat.send(answer)


def test_answers_rest_encrypted_but_read_back_plain(encrypted: Runtime) -> None:
    chat = ChatDriver(encrypted.service)
    answer_a_reflection(chat)
    stored = [row["text"] for row in all_rows(encrypted.database)["entries"]]
    assert len(stored) == 3
    assert all(value.startswith(ENCRYPTED_PREFIX) for value in stored)
    dump = dump_text(encrypted.database)
    assert not any(answer in dump for answer in ANSWERS)

    chat.command("journal")
    assert all(answer in chat.text for answer in ANSWERS)

    chat.command("export")
    export = read_export(chat.service, chat.replies)
    assert sorted(e["text"] for e in export.data["tables"]["entries"]) == sorted(ANSWERS)
    assert ENCRYPTED_PREFIX.encode() not in export.raw


def test_a_held_crisis_message_is_encrypted_too_and_exports_plain(encrypted: Runtime) -> None:
    chat = ChatDriver(encrypted.service)
    chat.onboard()
    chat.send("I keep thinking about suicide")
    assert "I keep thinking about suicide" not in dump_text(encrypted.database)
    # While it is held, an export built from the database shows it readable, never a token.
    export = read_documents(encrypted.service.build_export(chat.user_id))
    assert b"I keep thinking about suicide" in export.raw
    assert ENCRYPTED_PREFIX.encode() not in export.raw
    # /export is an event of its own: it lets the unsaved message go, so its file has none.
    chat.command("export")
    assert b"suicide" not in read_export(encrypted.service, chat.replies).raw


def test_rows_written_before_encryption_stay_readable(database_url: str, content: Content) -> None:
    plain = runtime_with_keys(database_url, content)
    chat = ChatDriver(plain.service)
    answer_a_reflection(chat)
    plain.database.dispose()

    encrypted = runtime_with_keys(database_url, content, FIRST_KEY)
    chat = ChatDriver(encrypted.service)
    chat.command("journal")
    assert all(answer in chat.text for answer in ANSWERS)
    encrypted.database.dispose()


def test_key_rotation_path(database_url: str, content: Content) -> None:
    """Old key only -> new key first with the old after it -> rotate -> new key only."""
    old, new = FIRST_KEY, generate_key()
    before = runtime_with_keys(database_url, content, old)
    answer_a_reflection(ChatDriver(before.service))
    before.database.dispose()

    both = runtime_with_keys(database_url, content, new, old)
    chat = ChatDriver(both.service)
    chat.command("journal")
    assert all(answer in chat.text for answer in ANSWERS)
    assert (
        rotate_stored_text(
            both.database, FernetCipher([new, old]), held=both.engine.held_texts.values()
        )
        == 3
    )
    both.database.dispose()

    after = runtime_with_keys(database_url, content, new)
    chat = ChatDriver(after.service)
    chat.command("journal")
    assert all(answer in chat.text for answer in ANSWERS)
    stored = [row["text"] for row in all_rows(after.database)["entries"]]
    with pytest.raises(Exception, match="could not be decrypted"):
        FernetCipher([old]).decrypt(stored[0])
    after.database.dispose()


def test_rotation_also_encrypts_plain_rows(database_url: str, content: Content) -> None:
    plain = runtime_with_keys(database_url, content)
    answer_a_reflection(ChatDriver(plain.service))
    assert (
        rotate_stored_text(
            plain.database, FernetCipher([FIRST_KEY]), held=plain.engine.held_texts.values()
        )
        == 3
    )
    assert not any(answer in dump_text(plain.database) for answer in ANSWERS)
    plain.database.dispose()


def test_encryption_keys_setting_is_parsed_and_checked() -> None:
    second = generate_key()
    settings = load_settings(
        {"ENCRYPTION_KEYS": f" {FIRST_KEY} , {second} "}, dotenv_path=None, require_token=False
    )
    assert settings.encryption_keys == (FIRST_KEY, second)
    assert FIRST_KEY in settings.secrets
    with pytest.raises(SettingsError, match=r"ENCRYPTION_KEYS: key 2 is not a valid") as info:
        load_settings(
            {"ENCRYPTION_KEYS": f"{FIRST_KEY},not-a-key"}, dotenv_path=None, require_token=False
        )
    assert "not-a-key" not in str(info.value)
    assert load_settings({}, dotenv_path=None, require_token=False).encryption_keys == ()
