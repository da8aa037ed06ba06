"""`rotate-keys` while the bot runs never writes over a change made meanwhile; keys that open
nothing stored stop the start with one line."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, select, update

from bot.app import Runtime, build_runtime
from bot.crypto import FernetCipher, generate_key
from bot.settings import SettingsError
from bot.storage.database import create_database_engine
from bot.storage.key_rotation import rotate_stored_text
from bot.storage.sql_store import conversations, entries
from content import Content
from flows.safety import PENDING_KEY
from tests.conftest import make_settings
from tests.support.chat import ChatDriver
from tests.support.export_files import read_export

OLD, NEW = generate_key(), generate_key()
ANSWERS = ["I agree too fast", "I am scared they'll leave", "I'd ask for an evening alone"]
CRISIS = "I keep thinking about suicide"
ROOT = Path(__file__).resolve().parent.parent


def runtime_with_keys(database_url: str, content: Content, *keys: str) -> Runtime:
    """A runtime on the database with these ENCRYPTION_KEYS (newest first)."""
    return build_runtime(
        make_settings(database_url, encryption_keys=tuple(keys)),
        content=content,
        migrate_schema=False,
    )


@pytest.fixture
def bot(database_url: str, content: Content) -> Iterator[Runtime]:
    """The running bot, after the new key was put first."""
    runtime = runtime_with_keys(database_url, content, NEW, OLD)
    yield runtime
    runtime.database.dispose()


def reflect(chat: ChatDriver) -> None:
    chat.onboard()
    chat.command("reflect")
    chat.press("Self-worth")
    for answer in ANSWERS:
        chat.send(answer)


def write_old(database_url: str, content: Content, act: Callable[[ChatDriver], None]) -> None:
    """What people wrote while only the old key was configured."""
    before = runtime_with_keys(database_url, content, OLD)
    act(ChatDriver(before.service))
    before.database.dispose()


def just_before_first(database: Engine, statement_start: str, meanwhile: Callable[[], None]):
    """Run `meanwhile` once, right before the rotation's first statement that starts so."""
    done: list[bool] = []

    def hook(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not done and statement.lstrip().upper().startswith(statement_start):
            done.append(True)
            meanwhile()

    event.listen(database, "before_cursor_execute", hook)
    return done


def test_a_held_message_dropped_during_rotation_does_not_come_back(
    database_url: str, content: Content, bot: Runtime
) -> None:
    def hold_crisis_message(chat: ChatDriver) -> None:
        chat.onboard()
        chat.send(CRISIS)

    write_old(database_url, content, hold_crisis_message)
    chat = ChatDriver(bot.service)
    rotation = create_database_engine(database_url)
    carry_on = "crisis:continue"
    done = just_before_first(
        rotation, "UPDATE CONVERSATIONS", lambda: chat.press_payload(carry_on)
    )

    rotate_stored_text(rotation, FernetCipher([NEW, OLD]), held=bot.engine.held_texts.values())
    rotation.dispose()

    assert done, "the rotation never tried to rewrite the held message"
    with bot.database.connect() as connection:
        context = connection.execute(select(conversations.c.context)).scalar_one()
    assert PENDING_KEY not in context
    chat.command("export")
    assert CRISIS.encode() not in read_export(chat.service, chat.replies).raw


def test_an_answer_changed_during_rotation_is_not_overwritten(
    database_url: str, content: Content, bot: Runtime
) -> None:
    write_old(database_url, content, reflect)
    changed = FernetCipher([NEW, OLD]).encrypt("changed meanwhile")

    def change_every_answer() -> None:
        with bot.database.begin() as connection:
            connection.execute(update(entries).values(text=changed))

    rotation = create_database_engine(database_url)
    done = just_before_first(rotation, "UPDATE ENTRIES", change_every_answer)
    rotate_stored_text(rotation, FernetCipher([NEW, OLD]), held=bot.engine.held_texts.values())
    rotation.dispose()

    assert done
    # The new values were rotated too (so the old key can go), and kept their words.
    after = runtime_with_keys(database_url, content, NEW)
    chat = ChatDriver(after.service)
    chat.command("journal")
    assert chat.text.count("changed meanwhile") == 3
    assert not any(answer in chat.text for answer in ANSWERS)
    after.database.dispose()


def test_rows_deleted_during_rotation_stay_deleted(
    database_url: str, content: Content, bot: Runtime
) -> None:
    write_old(database_url, content, reflect)
    chat = ChatDriver(bot.service)

    def delete_everything() -> None:
        chat.command("delete")
        chat.press("Yes, delete")

    rotation = create_database_engine(database_url)
    done = just_before_first(rotation, "UPDATE ENTRIES", delete_everything)
    rotate_stored_text(rotation, FernetCipher([NEW, OLD]), held=bot.engine.held_texts.values())
    rotation.dispose()

    assert done
    with bot.database.connect() as connection:
        assert connection.execute(select(entries)).all() == []


def test_start_up_refuses_keys_that_open_nothing_stored(
    database_url: str, content: Content
) -> None:
    write_old(database_url, content, reflect)
    with pytest.raises(SettingsError, match="none of the configured keys opens"):
        runtime_with_keys(database_url, content, generate_key())
    with pytest.raises(SettingsError, match="no key is set"):
        runtime_with_keys(database_url, content)
    # The right key, or a new one first with the right one after it, starts fine.
    runtime_with_keys(database_url, content, NEW, OLD).database.dispose()


def run_cli(
    database_url: str, tmp_path: Path, *args: str, keys: str = ""
) -> subprocess.CompletedProcess:
    """`python -m bot ...` as an operator runs it (no .env: it runs in an empty folder)."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url,
        "ENCRYPTION_KEYS": keys,
        "LOG_LEVEL": "WARNING",  # the lines that matter to the operator, without progress notes
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_one_line(result: subprocess.CompletedProcess, *secrets: str) -> str:
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "Traceback" not in output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert not any(secret in output for secret in secrets)
    return lines[0]


def test_cli_wrong_key_is_one_line_for_rotation_and_start(
    database_url: str, content: Content, tmp_path: Path
) -> None:
    write_old(database_url, content, reflect)
    wrong = generate_key()
    line = assert_one_line(
        run_cli(database_url, tmp_path, "rotate-keys", keys=wrong), wrong, *ANSWERS
    )
    assert "ENCRYPTION_KEYS" in line
    line = assert_one_line(run_cli(database_url, tmp_path, "migrate"), *ANSWERS)
    assert "no key is set" in line


def test_cli_rotation_that_meets_a_value_no_key_opens_is_one_line(
    database_url: str, content: Content, tmp_path: Path
) -> None:
    write_old(database_url, content, reflect)
    stray = generate_key()
    engine = create_database_engine(database_url)
    with engine.begin() as connection:  # one answer written with a key since removed
        first = connection.execute(select(entries.c.id).order_by(entries.c.id)).scalars().first()
        connection.execute(
            update(entries)
            .where(entries.c.id == first)
            .values(text=FernetCipher([stray]).encrypt("lost"))
        )
    engine.dispose()
    keys = f"{NEW},{OLD}"
    line = assert_one_line(run_cli(database_url, tmp_path, "rotate-keys", keys=keys), NEW, OLD)
    assert line.startswith("Encryption problem:") and "run it again" in line
