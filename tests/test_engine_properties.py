"""Property-based: random texts, commands and button presses never break Tandem.

Hypothesis drives the real service (engine + database, with encryption at rest on) through
random sequences for every registered flow: typed text (ordinary, crisis, empty, too long),
every command (and unknown ones), the buttons just shown, stale buttons from earlier messages,
and forged callback data. After every event: nothing raised, there is a reply, and the stored
state is valid (a known flow and state, a JSON context), or nothing at all after /delete.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import Runtime, build_runtime
from bot.crypto import generate_key
from content import Content
from flows.events import MAX_PAYLOAD_BYTES, Button, Event, EventKind, Reply
from tests.conftest import make_settings
from tests.support.database_dump import position

_user_ids = count(10_000)
_update_ids = count(500_000)

CRISIS = ["I want to kill myself", "he hits me when he drinks", "i cut myself again", "kms"]
ORDINARY = ["yes", "no", "1", "Communication", "self-worth", "I said no to my sister", "?"]
EXTRA_COMMANDS = ["start", "cancel", "nonexistent", "DELETE", "admin", "stats"]


@pytest.fixture
def encrypted_runtime(database_url: str, content: Content) -> Iterator[Runtime]:
    """The full service on SQLite or PostgreSQL, storing free text encrypted."""
    runtime = build_runtime(
        make_settings(database_url, encryption_keys=(generate_key(),)),
        content=content,
        migrate_schema=False,
    )
    yield runtime
    runtime.database.dispose()


texts = st.one_of(
    st.text(max_size=200),
    st.sampled_from(CRISIS + ORDINARY),
    st.just("x" * 5000),  # longer than Telegram allows
    st.just("   "),
)
# Every flow's name and every global button prefix (checked against the engine below), plus
# one unknown of each.
FLOW_PREFIXES = [
    *("reflection", "onboarding", "menu", "selfcheck", "practice", "daily", "safety_plan"),
    "prepare",
    "x",
]
ACTION_PREFIXES = [
    *("go", "del", "crisis", "jr", "consent", "dp", "fq", "tidy", "discreet", "ls"),
    "nope",
]
forged_payloads = st.one_of(
    st.text(max_size=MAX_PAYLOAD_BYTES // 4),
    st.builds(
        lambda prefix, middle, step: f"{prefix}:{middle}|{step}",
        st.sampled_from(FLOW_PREFIXES),
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz:-_0123456789", max_size=24),
        st.one_of(st.integers(-3, 10_000).map(str), st.text(max_size=4)),
    ),
    st.builds(
        lambda prefix, rest: f"{prefix}:{rest}",
        st.sampled_from(ACTION_PREFIXES),
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz:-_0123456789", max_size=24),
    ),
)
actions = st.one_of(
    st.tuples(st.just("text"), texts),
    st.tuples(
        st.just("command"),
        st.integers(0, 10_000),
        st.one_of(st.text(max_size=20), st.sampled_from(CRISIS)),  # "/faq I want to kill..."
    ),
    st.tuples(st.just("press"), st.integers(0, 10_000)),
    st.tuples(st.just("stale"), st.integers(0, 10_000)),
    st.tuples(st.just("forged"), forged_payloads),
    st.tuples(st.just("sticker")),
)


class RandomPerson:
    """Sends whatever Hypothesis decides, remembering every button ever shown."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.user_id = next(_user_ids)
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        self.shown: list[Button] = []
        self.ever_shown: list[Button] = []
        commands = sorted(runtime.engine.commands)
        self.commands = commands + EXTRA_COMMANDS

    def event(self, action: tuple[Any, ...]) -> Event:
        """The event for one drawn action."""
        self.now += timedelta(seconds=7)
        base: dict[str, Any] = {
            "user_id": self.user_id,
            "chat_id": self.user_id,
            "now": self.now,
            "update_id": next(_update_ids),
        }
        kind = action[0]
        if kind == "text":
            return Event(kind=EventKind.TEXT, text=action[1], **base)
        if kind == "command":
            name = self.commands[action[1] % len(self.commands)]
            return Event(kind=EventKind.COMMAND, command=name.lower(), text=action[2], **base)
        if kind in {"press", "stale"} and (self.shown if kind == "press" else self.ever_shown):
            pool = self.shown if kind == "press" else self.ever_shown
            return Event(
                kind=EventKind.BUTTON, payload=pool[action[1] % len(pool)].payload, **base
            )
        if kind == "forged":
            return Event(kind=EventKind.BUTTON, payload=action[1], **base)
        return Event(kind=EventKind.UNSUPPORTED, **base)

    def remember(self, replies: list[Reply]) -> None:
        """Keep the buttons just shown (for presses) and all buttons (for stale presses)."""
        shown = [button for reply in replies for row in reply.buttons for button in row]
        if shown:
            self.shown = shown
            self.ever_shown.extend(shown)


def assert_valid_state(runtime: Runtime, user_id: int) -> None:
    """The stored position is one the engine knows, and the context is plain JSON."""
    user, conversation = position(runtime.database, user_id)
    if user is None:  # after /delete: nothing at all may remain
        assert conversation is None
        return
    json.dumps(user.prefs)
    if conversation is None:
        return
    flow = runtime.engine.flows.get(conversation.flow)
    assert flow is not None, conversation.flow
    assert conversation.state in flow.states, (conversation.flow, conversation.state)
    json.dumps(conversation.context)


def test_forged_payloads_cover_every_flow_and_button_prefix(runtime: Runtime) -> None:
    """A flow or global button added later is forged too, not silently left out."""
    assert set(runtime.engine.flows) <= set(FLOW_PREFIXES)
    assert set(runtime.engine.actions) <= set(ACTION_PREFIXES)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(script=st.lists(actions, min_size=1, max_size=30))
def test_random_conversations_never_break_anything(
    encrypted_runtime: Runtime, script: list[tuple[Any, ...]]
) -> None:
    person = RandomPerson(encrypted_runtime)
    for action in script:
        event = person.event(action)
        replies = encrypted_runtime.service.process(event)
        assert replies, (event.kind, event.command, event.payload)
        for reply in replies:
            assert reply.text or reply.document is not None or reply.chart is not None
            for row in reply.buttons:
                for button in row:
                    assert len(button.payload.encode()) <= MAX_PAYLOAD_BYTES
        person.remember(replies)
        assert_valid_state(encrypted_runtime, person.user_id)
