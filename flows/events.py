"""What goes into the engine (an `Event`) and what comes out of it (`Reply`, `Button`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

# Telegram allows 64 bytes of callback data; every payload we build must fit.
MAX_PAYLOAD_BYTES = 64


class EventKind(StrEnum):
    """The kinds of input a person can send."""

    TEXT = "text"
    COMMAND = "command"
    BUTTON = "button"
    UNSUPPORTED = "unsupported"  # sticker, photo, voice, file, location...


@dataclass(frozen=True, slots=True)
class Event:
    """One thing a person did: typed text, sent a command, pressed a button, or sent a sticker."""

    user_id: int
    chat_id: int
    kind: EventKind
    now: datetime
    text: str = ""  # the text, or the command's arguments
    command: str = ""  # without the slash, lower case
    payload: str = ""  # button data
    update_id: int | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button: the label shown and the payload it sends back."""

    label: str
    payload: str

    def __post_init__(self) -> None:
        if len(self.payload.encode()) > MAX_PAYLOAD_BYTES:
            raise ValueError(
                f"button payload longer than {MAX_PAYLOAD_BYTES} bytes: {self.payload}"
            )


@dataclass(frozen=True, slots=True)
class Document:
    """A file to send: its bytes, a file on disk (`path`), or a person's export to build.

    A file at `path` belongs to the receiver, which removes it once sent. `export_of` asks the
    sender to build that person's /export when it sends the reply (`Engine.build_export`),
    which may give several files.
    """

    filename: str
    data: bytes = b""
    caption: str = ""
    path: str | None = None
    export_of: int | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    """One message back to the person.

    `notice` replies are short acknowledgements: Telegram shows them as a toast on the pressed
    button when possible. `chart` carries data for a picture; the adapter renders it (flows never
    draw). `document` is sent as a file. `tidy` asks the platform to clear this chat of the
    recent messages it can remove, at this point among the replies; a platform that can tidy
    sends nothing for it, one that cannot (the terminal) shows `text`, which says so.
    """

    text: str = ""
    buttons: tuple[tuple[Button, ...], ...] = ()
    notice: bool = False
    chart: Any = None
    document: Document | None = None
    tidy: bool = False
