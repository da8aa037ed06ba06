"""/privacy says only what is true on this server, and consent "No" keeps what it says."""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

import pytest

from bot.app import Runtime, build_runtime
from bot.crypto import generate_key
from content import Content
from content.practice import PracticeContent
from tests.conftest import make_settings
from tests.support.chat import ChatDriver
from tests.support.database_dump import all_rows

STATEMENTS = 20


@pytest.fixture(params=["plain", "encrypted"])
def server(
    request: pytest.FixtureRequest, database_url: str, content: Content
) -> Iterator[Runtime]:
    """The bot without keys, and with ENCRYPTION_KEYS set."""
    keys = (generate_key(),) if request.param == "encrypted" else ()
    runtime = build_runtime(
        make_settings(database_url, encryption_keys=keys), content=content, migrate_schema=False
    )
    yield runtime
    runtime.database.dispose()


def privacy_text(runtime: Runtime) -> str:
    chat = ChatDriver(runtime.service)
    chat.onboard()
    chat.command("privacy")
    return chat.text


def test_privacy_states_this_servers_encryption_and_deletion_truthfully(
    server: Runtime,
) -> None:
    text = privacy_text(server)
    assert "can be stored encrypted" not in text
    assert "{" not in text  # every placeholder filled
    if server.settings.encryption_keys:
        assert "On this server the words you write are stored encrypted" in text
        assert "nothing is encrypted" not in text
    else:
        assert "On this server nothing is encrypted" in text
        assert "stored encrypted" not in text
    if server.settings.is_postgresql:
        assert "traces of deleted data in its files until it reuses that space" in text
        assert "wiped" not in text
    else:
        assert "wiped from the database files straight away" in text
        assert "traces of deleted data" not in text
    assert "Backups made before you asked keep a copy" in text


def take_selfcheck(chat: ChatDriver) -> None:
    chat.command("selfcheck")
    chat.press("Let's begin")
    for _ in range(STATEMENTS):
        scale = [b for b in chat.buttons if ":answer:" in b.payload]
        chat.press_payload(scale[3].payload)


def test_consent_no_keeps_no_answers_or_choices_only_bare_notes(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard(consent=False)
    chat.command("privacy")
    assert "If you said no, I still note which exercises you did and when" in chat.text
    take_selfcheck(chat)
    assert "haven't kept these answers or results" in chat.text
    chat.command("reflect")
    chat.press("Communication")
    chat.send("I hint instead of asking")

    rows = all_rows(runtime.database)
    assert [e for e in rows["entries"] if e["kind"] == "selfcheck"] == []
    assert rows["entries"], "the reflection leaves a bare note for My progress"
    assert all(e["text"] is None and e["data"] is None for e in rows["entries"])
    (user,) = rows["users"]
    assert "selfcheck_progress" not in repr(user["prefs"])

    chat.command("progress")
    assert "You chose not to let me keep your answers" in chat.text


def test_consent_yes_keeps_self_check_results_for_progress(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard(consent=True)
    take_selfcheck(chat)
    assert "haven't kept" not in chat.text
    kept = [e for e in all_rows(runtime.database)["entries"] if e["kind"] == "selfcheck"]
    assert len(kept) == 1 and kept[0]["data"]["answers"]
    chat.command("progress")
    assert "Your latest self-check" in chat.text


def test_consent_no_keeps_only_the_rating_numbers_privacy_names(
    runtime: Runtime, chat: ChatDriver, content: Content
) -> None:
    # The practice flow's own helpers, so this follows any change to its safety screen.
    from tests.test_practice_flow import entries, practise_once, prefs, press_exact, screen_safe

    chat.onboard(consent=False)
    screen_safe(chat)
    press_exact(chat, "Partner")
    practise_once(chat, cast(PracticeContent, content.section("practice")), "Not tonight.", 4)

    assert entries(runtime, "practice_rating") == []  # no rating history without consent
    (scene,) = entries(runtime, "practice")
    assert scene.text is None and scene.data == {}  # a bare note that a scene was practised
    assert prefs(runtime, chat.user_id)["practice_ratings"] == [[1, 4]]  # what /privacy names
    chat.command("privacy")
    assert "how sure you felt, as a number from 1 to 5" in chat.text
