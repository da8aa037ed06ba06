"""A scripted person for flow tests: types text, sends commands, presses buttons by label."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

from bot.service import TandemService
from flows.events import Button, Event, EventKind, Reply

_update_ids = count(1000)


class ChatDriver:
    """Talks to the service like a person would, and remembers the buttons it was shown."""

    def __init__(self, service: TandemService, user_id: int = 4242, now: datetime | None = None):
        self.service = service
        self.user_id = user_id
        self.now = now or datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        self.replies: list[Reply] = []
        self.buttons: list[Button] = []
        self.history: list[Reply] = []

    def _event(self, kind: EventKind, **fields: str) -> list[Reply]:
        self.now += timedelta(seconds=5)
        event = Event(
            user_id=self.user_id,
            chat_id=self.user_id,
            kind=kind,
            now=self.now,
            update_id=next(_update_ids),
            **fields,
        )
        self.replies = self.service.process(event)
        self.history.extend(self.replies)
        shown = [button for reply in self.replies for row in reply.buttons for button in row]
        if shown:
            self.buttons = shown
        return self.replies

    def send(self, text: str) -> list[Reply]:
        """Type a message."""
        return self._event(EventKind.TEXT, text=text)

    def command(self, name: str, args: str = "") -> list[Reply]:
        """Send /name args."""
        return self._event(EventKind.COMMAND, command=name, text=args)

    def sticker(self) -> list[Reply]:
        """Send something that is not text."""
        return self._event(EventKind.UNSUPPORTED)

    def press_payload(self, payload: str) -> list[Reply]:
        """Press a button by its raw payload (also old or forged ones)."""
        return self._event(EventKind.BUTTON, payload=payload)

    def button(self, label_part: str) -> Button:
        """The newest shown button whose label contains `label_part` (case-insensitive)."""
        wanted = label_part.casefold()
        for button in self.buttons:
            if wanted in button.label.casefold():
                return button
        labels = [b.label for b in self.buttons]
        raise AssertionError(f"no button with {label_part!r}; shown: {labels}")

    def press(self, label_part: str) -> list[Reply]:
        """Press the newest shown button whose label contains `label_part`."""
        return self.press_payload(self.button(label_part).payload)

    @property
    def text(self) -> str:
        """All reply texts of the last event, joined."""
        return "\n".join(reply.text for reply in self.replies)

    def labels(self) -> list[str]:
        """Labels of the buttons shown most recently."""
        return [button.label for button in self.buttons]

    def onboard(self, consent: bool = True) -> None:
        """Start and answer the consent question."""
        self.command("start")
        self.press("Yes, keep" if consent else "No, don't")
