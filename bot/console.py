"""`python -m bot chat`: talk to the same engine and database in the terminal.

Buttons are shown as numbered choices: type the number to press one. Commands work as in
Telegram (`/menu`, `/reflect`...). Pictures and files are saved under `data/console/` and their
path is printed. `/quit` or Ctrl-D leaves.
"""

from __future__ import annotations

import shutil
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from bot.app import Runtime, chart_renderer
from bot.preparation_notices import claim_due_notices, notice_reply
from flows.events import Button, Document, Event, EventKind, Reply

CONSOLE_USER_ID = 1  # one local person; Telegram ids are much larger
OUTPUT_DIR = Path("data/console")
WIDTH = 78


class ConsoleChat:
    """A terminal session with the engine."""

    def __init__(
        self,
        runtime: Runtime,
        *,
        out: TextIO = sys.stdout,
        user_id: int = CONSOLE_USER_ID,
        output_dir: Path = OUTPUT_DIR,
    ) -> None:
        self.runtime = runtime
        self.out = out
        self.user_id = user_id
        self.output_dir = output_dir
        self.buttons: list[Button] = []
        self.renderer = chart_renderer()

    def event_for(self, line: str) -> Event | None:
        """Turn a typed line into an event: a number presses a button, /x is a command."""
        now = datetime.now(UTC)
        base: dict[str, Any] = {"user_id": self.user_id, "chat_id": self.user_id, "now": now}
        stripped = line.strip()
        if stripped.isdigit() and self.buttons:
            index = int(stripped) - 1
            if 0 <= index < len(self.buttons):
                return Event(kind=EventKind.BUTTON, payload=self.buttons[index].payload, **base)
            # Not one of the choices: a number the person means as text (a time, a count).
        if stripped.startswith("/") and len(stripped) > 1:
            command, _, args = stripped[1:].partition(" ")
            return Event(kind=EventKind.COMMAND, command=command.lower(), text=args, **base)
        return Event(kind=EventKind.TEXT, text=line.rstrip("\n"), **base)

    def send(self, line: str) -> list[Reply]:
        """Handle one typed line and print the replies."""
        event = self.event_for(line)
        if event is None:
            return []
        replies = self.runtime.service.process(event)
        # Cards and debriefs due for this person arrive as they would in Telegram, once.
        due = claim_due_notices(self.runtime.database, event.now, user_id=self.user_id)
        replies += [notice_reply(self.runtime.content, notice) for notice in due]
        self.show(replies)
        return replies

    def show(self, replies: list[Reply]) -> None:
        """Print replies; remember the newest buttons for numbered choices."""
        numbered: list[Button] = []
        for reply in replies:
            if reply.notice:
                self.print(f"({reply.text})")
                continue
            for paragraph in reply.text.split("\n"):
                self.print(textwrap.fill(paragraph, WIDTH) if paragraph else "")
            if reply.chart is not None and self.renderer is not None:
                picture = self.save("progress.png", self.renderer(reply.chart))
                self.print(self.say("console.picture_saved", path=picture))
            if reply.document is not None:
                documents = [reply.document]
                if reply.document.export_of is not None:
                    documents = self.runtime.service.build_export(reply.document.export_of)
                for document in documents:
                    path = self.save_document(document)
                    self.print(self.say("console.file_saved", path=path))
            for row in reply.buttons:
                labels = []
                for button in row:
                    numbered.append(button)
                    labels.append(f"[{len(numbered)}] {button.label}")
                self.print("   ".join(labels))
            self.print("")
        if numbered:
            self.buttons = numbered

    def save_document(self, document: Document) -> Path:
        """Move (or write) a document into the output folder."""
        if not document.path:
            return self.save(document.filename, document.data)
        self.output_dir.mkdir(parents=True, exist_ok=True)
        target = self.output_dir / document.filename
        shutil.move(document.path, target)
        return target

    def save(self, filename: str, data: bytes) -> Path:
        """Write an attachment under the output folder."""
        self.output_dir.mkdir(parents=True, exist_ok=True)
        path = self.output_dir / filename
        path.write_bytes(data)
        return path

    def say(self, key: str, **values: object) -> str:
        """A console text from content/."""
        return self.runtime.content.text(key, **values)

    def print(self, text: str) -> None:
        """Write a line."""
        self.out.write(text + "\n")
        self.out.flush()

    def run(self, source: TextIO = sys.stdin) -> None:
        """Read lines until /quit or end of input."""
        self.print(self.say("console.intro") + "\n")
        self.send("/start")  # a welcome for someone new; for someone known, where they were
        while True:
            self.out.write("you> ")
            self.out.flush()
            line = source.readline()
            if not line or line.strip() in {"/quit", "/exit"}:
                self.print("\n" + self.say("console.goodbye"))
                return
            self.send(line)
