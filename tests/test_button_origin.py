"""Button presses count only from the person's own private chat, and never move their chat."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from telegram.ext import Application

from bot.app import Runtime
from bot.storage.sql_store import users
from flows.events import Event, EventKind
from tests.support.chat import ChatDriver
from tests.support.recording_request import (
    RecordingRequest,
    button_update,
    message_update,
    push,
)

USER = 5150
GROUP = -100777


def stored_chat_id(runtime: Runtime, user_id: int) -> int:
    """The chat id Tandem would write to."""
    with runtime.database.connect() as connection:
        return int(
            connection.execute(
                select(users.c.chat_id).where(users.c.user_id == user_id)
            ).scalar_one()
        )


def pressed_in(chat: dict[str, Any], user_id: int, payload: str) -> dict[str, Any]:
    """A button press whose message sits in `chat` (a group, or someone else's chat)."""
    update = button_update(user_id, payload)
    update["callback_query"]["message"]["chat"] = chat
    return update


async def test_a_button_under_a_group_message_sends_nothing_and_keeps_the_chat(
    application: Application, recorder: RecordingRequest, tandem: Runtime
) -> None:
    await push(application, message_update(USER, "/start"))
    await push(application, button_update(USER, recorder.sent()[-1].button_payloads[0]))
    await push(application, message_update(USER, "/reflect"))
    recorder.clear()

    group = {"id": GROUP, "type": "supergroup", "title": "Family"}
    await push(application, pressed_in(group, USER, "go:journal"))
    await push(application, pressed_in(group, USER, "go:export"))

    assert recorder.sent() == []
    assert all(int(call.params.get("chat_id", USER)) != GROUP for call in recorder.calls)
    assert stored_chat_id(tandem, USER) == USER


async def test_a_button_under_someone_elses_private_message_is_ignored(
    application: Application, recorder: RecordingRequest, tandem: Runtime
) -> None:
    await push(application, message_update(USER, "/start"))
    recorder.clear()
    other = {"id": USER + 1, "type": "private"}
    await push(application, pressed_in(other, USER, "go:journal"))
    assert recorder.sent() == []
    assert stored_chat_id(tandem, USER) == USER


async def test_a_forged_press_without_a_message_is_ignored(
    application: Application, recorder: RecordingRequest, tandem: Runtime
) -> None:
    await push(application, message_update(USER, "/start"))
    recorder.clear()
    update = button_update(USER, "go:journal")
    del update["callback_query"]["message"]
    update["callback_query"]["inline_message_id"] = "forged"
    await push(application, update)
    assert recorder.sent() == []
    assert stored_chat_id(tandem, USER) == USER


async def test_a_button_in_the_own_private_chat_still_works(
    application: Application, recorder: RecordingRequest
) -> None:
    await push(application, message_update(USER, "/start"))
    yes = recorder.sent()[-1].button_payloads[0]
    recorder.clear()
    await push(application, button_update(USER, yes))
    assert recorder.sent() and all(int(c.params["chat_id"]) == USER for c in recorder.sent())


def test_the_engine_never_takes_a_chat_id_from_a_button(
    runtime: Runtime, chat: ChatDriver
) -> None:
    chat.onboard()
    event = Event(
        user_id=chat.user_id,
        chat_id=GROUP,
        kind=EventKind.BUTTON,
        now=chat.now,
        payload="go:menu",
        update_id=987654,
    )
    runtime.service.process(event)
    assert stored_chat_id(runtime, chat.user_id) == chat.user_id
