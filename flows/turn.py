"""The disposable model bound to a flow's machine while one event is handled."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from flows.events import Button, Event, EventKind, Reply

if TYPE_CHECKING:
    from content import Content
    from flows.engine import Engine
    from flows.ports import Store, UserRecord

STEP_KEY = "_step"
STEP_SEPARATOR = "|"
FIELD_SEPARATOR = ":"


class Turn:
    """One event in flight: who, what they sent, where they are, and the replies so far.

    `state` is the attribute `transitions` reads and writes. `ctx` is the flow's small JSON
    context, saved with the conversation.
    """

    def __init__(
        self,
        engine: Engine,
        event: Event,
        store: Store,
        user: UserRecord,
        flow: str,
        state: str,
        ctx: dict[str, Any],
    ) -> None:
        self.engine = engine
        self.event = event
        self.store = store
        self.user = user
        self.flow = flow
        self.state = state
        self.ctx = ctx
        self.replies: list[Reply] = []
        self._stepped = False
        self.forgotten = False  # the person's data was deleted: nothing may be saved for them

    # Reading the event

    @property
    def content(self) -> Content:
        """All texts and content data."""
        return self.engine.content

    @property
    def now(self) -> datetime:
        """When the event happened (UTC)."""
        return self.event.now

    @property
    def text(self) -> str:
        """The typed text, trimmed."""
        return self.event.text.strip()

    @property
    def is_text(self) -> bool:
        """Whether the person typed text (not a command or a button)."""
        return self.event.kind is EventKind.TEXT

    @property
    def is_admin(self) -> bool:
        """Whether this person is on the admin list."""
        return self.user.user_id in self.engine.admin_ids

    # Writing replies

    def say(self, key: str, /, **values: Any) -> str:
        """The text for `key` with placeholders filled."""
        return self.engine.content.text(key, **values)

    def reply(
        self,
        text: str,
        buttons: list[list[Button]] | tuple[tuple[Button, ...], ...] = (),
        **extra: Any,
    ) -> None:
        """Queue a message to the person."""
        rows = tuple(tuple(row) for row in buttons if row)
        self.replies.append(Reply(text=text, buttons=rows, **extra))

    def notice(self, key: str, /, **values: Any) -> None:
        """Queue a short acknowledgement (a toast on the button when the platform has one)."""
        self.replies.append(Reply(text=self.say(key, **values), notice=True))

    def button(self, key: str, action: str, arg: str = "", /, **values: Any) -> Button:
        """A button of the current flow, labelled by text key, valid only at this step."""
        return self.choice(self.say(key, **values), action, arg)

    def choice(self, label: str, action: str, arg: str = "") -> Button:
        """A button of the current flow with a label given as is, valid only at this step."""
        if not self._stepped:
            self.ctx[STEP_KEY] = int(self.ctx.get(STEP_KEY, 0)) + 1
            self._stepped = True
        payload = f"{self.flow}{FIELD_SEPARATOR}{action}{FIELD_SEPARATOR}{arg}"
        return Button(label, f"{payload}{STEP_SEPARATOR}{self.ctx[STEP_KEY]}")

    def link(self, key: str, payload: str, /, **values: Any) -> Button:
        """A global button (e.g. `go:reflection`) that works from any message, any time."""
        return Button(self.say(key, **values), payload)

    # Moving around

    def start(self, flow: str, **kwargs: Any) -> None:
        """Leave the current flow and start another from its beginning."""
        self.engine.start_flow(self, flow, **kwargs)

    def forget(self) -> None:
        """The person's rows are gone (/delete): the engine must not write them back."""
        self.forgotten = True

    def finish(self) -> None:
        """End the current flow and rest at the menu (without re-sending it)."""
        self.engine.go_idle(self)

    # Keeping what the person wrote

    def hold_text(self, key: str, text: str) -> str:
        """`text` protected for holding in the context under `key`, a key registered with
        `engine.add_held_text` (so /export reveals it and key rotation re-encrypts it)."""
        if key not in self.engine.held_texts:
            raise ValueError(
                f"context key {key!r} is not registered with engine.add_held_text: "
                "export and key rotation would not find the text held there"
            )
        return self.store.protect_text(text)

    @property
    def keeps_words(self) -> bool:
        """Whether the person agreed that Tandem keeps their words, answers and choices."""
        return bool(self.user.consent)

    def keep(
        self,
        kind: str,
        *,
        content_id: str | None = None,
        text: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> int:
        """Store an entry; its words (`text`) and answers or choices (`data`) only with the
        person's consent. Without it, only a bare note of the activity is kept: its kind, which
        question or scene (`content_id`), and when, which is what /privacy says."""
        return self.store.add_entry(
            self.user.user_id,
            kind,
            content_id=content_id,
            text=text if self.keeps_words else None,
            data=data if self.keeps_words else None,
            created_at=self.now,
        )
