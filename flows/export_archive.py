"""Writing /export as zip files on disk, a row at a time, split to fit an upload limit.

Each part is a zip holding `tandem-export.json` (the data, readable by programs) and
`journal.txt` (the journal, readable by people). The JSON is written into the zip as it goes
and the part's journal text into a temporary file beside it, so memory holds one row at a
time however large the export is. A part is closed before it could pass `part_limit` bytes:
its size is the compressed JSON written so far plus the journal text uncompressed (an upper
bound of what it compresses to) plus a margin for what the compressor still holds. Every part
is a whole zip with valid JSON of its own, so a person can open any one of them.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
import zipfile
from pathlib import Path
from typing import IO, Any

JSON_NAME = "tandem-export.json"
JOURNAL_NAME = "journal.txt"
# Telegram lets a bot upload files of up to 50 MB; keep room for the upload form around it.
TELEGRAM_PART_LIMIT = 48 * 1000 * 1000
# What the compressor may still hold back, plus the zip's own directory and headers.
SAFETY_MARGIN = 256 * 1000
# Parts left behind (an export retried after a lost race, a crash before sending) are removed
# by the next export after this long.
STALE_AFTER_SECONDS = 3600
EXPORT_DIR_NAME = "tandem-exports"


def export_dir() -> Path:
    """The private folder where export parts wait to be sent (created if needed)."""
    folder = Path(tempfile.gettempdir()) / EXPORT_DIR_NAME
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def remove_stale_parts(folder: Path, now: float | None = None) -> int:
    """Delete export parts older than an hour (never sent, or sent by a process that died)."""
    cutoff = (now if now is not None else time.time()) - STALE_AFTER_SECONDS
    removed = 0
    for path in folder.glob("*.zip"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # another process removed it first
            continue
    return removed


class ExportArchive:
    """Builds the parts. Call `journal` for each entry, then `table` and its `row`s for each
    table, then `finish`."""

    def __init__(
        self,
        header: dict[str, Any],
        journal_header: str,
        *,
        folder: Path | None = None,
        part_limit: int = TELEGRAM_PART_LIMIT,
    ) -> None:
        if part_limit <= 2 * SAFETY_MARGIN:
            raise ValueError("part_limit is too small to hold anything")
        self.header = header
        self.journal_header = journal_header
        self.folder = folder or export_dir()
        self.part_limit = part_limit
        self.parts: list[Path] = []
        self._zip: zipfile.ZipFile | None = None
        self._json: IO[bytes] | None = None
        self._journal: IO[str] | None = None
        self._journal_path: Path | None = None
        self._section: str | None = None  # "journal" or a table name: the array that is open
        self._first_in_section = True
        self._has_content = False

    # Writing

    def journal(self, item: dict[str, Any], text: str) -> None:
        """One journal entry: its JSON form and its readable text."""
        self._write("journal", json.dumps(item, ensure_ascii=False, default=str), text)

    def table(self, name: str) -> None:
        """Start a table's rows (so a table with none still appears, as an empty list)."""
        if self._zip is None:
            self._open_part()
        self._enter(name)

    def row(self, table: str, row: dict[str, Any]) -> None:
        """One stored row of a table (rows of a table must come together)."""
        self._write(table, json.dumps(row, ensure_ascii=False, default=str), "")

    def finish(self) -> list[Path]:
        """Close the last part and return every part, in order."""
        if self._zip is None:
            self._open_part()
        self._close_part()
        return self.parts

    def discard(self) -> None:
        """Remove every part written so far (the export failed)."""
        if self._zip is not None:
            self._close_part()
        for path in self.parts:
            path.unlink(missing_ok=True)
        self.parts = []

    # Parts

    def _write(self, section: str, item_json: str, text: str) -> None:
        data = item_json.encode("utf-8")
        if self._zip is None:
            self._open_part()
        elif self._has_content and self._size() + len(data) + len(text.encode()) > self._room():
            self._close_part()
            self._open_part()
        self._enter(section)
        assert self._json is not None and self._journal is not None
        self._json.write((b"" if self._first_in_section else b",\n") + data)
        self._first_in_section = False
        if text:
            self._journal.write(text + "\n\n")
        self._has_content = True

    def _room(self) -> int:
        return self.part_limit - SAFETY_MARGIN

    def _size(self) -> int:
        """Bytes this part will take at most if closed now."""
        assert self._zip is not None and self._zip.fp is not None and self._journal is not None
        self._journal.flush()
        return self._zip.fp.tell() + self._journal.tell()

    def _enter(self, section: str) -> None:
        """Open the JSON array for `section`, closing the previous one."""
        if section == self._section:
            return
        assert self._json is not None
        if self._section is not None:
            self._json.write(b"]")
        if section == "journal":
            self._json.write(b',\n"journal": [\n')
        else:
            if self._section in (None, "journal"):
                self._json.write(b',\n"tables": {\n')
            else:
                self._json.write(b",\n")
            self._json.write(json.dumps(section).encode() + b": [\n")
        self._section = section
        self._first_in_section = True

    def _open_part(self) -> None:
        number = len(self.parts) + 1
        handle, name = tempfile.mkstemp(prefix=f"export-{number}-", suffix=".zip", dir=self.folder)
        os.close(handle)
        path = Path(name)
        self.parts.append(path)
        self._zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6)
        self._json = self._zip.open(JSON_NAME, "w", force_zip64=True)
        header = dict(self.header, part=number)
        opening = json.dumps(header, ensure_ascii=False, indent=1, default=str)
        self._json.write(opening[:-1].rstrip().encode("utf-8"))  # the object stays open
        journal_handle, journal_name = tempfile.mkstemp(suffix=".txt", dir=self.folder)
        self._journal_path = Path(journal_name)
        self._journal = os.fdopen(journal_handle, "w", encoding="utf-8")
        self._journal.write(f"{self.journal_header}\n\n")
        previous, self._section = self._section, None
        if previous is not None:  # carry on the section the last part was in
            self._enter(previous)
        self._has_content = False

    def _close_part(self) -> None:
        assert self._zip is not None and self._json is not None and self._journal is not None
        if self._section is not None:
            self._json.write(b"]")
            if self._section != "journal":
                self._json.write(b"}")
        self._json.write(b"\n}\n")
        self._json.close()
        self._journal.close()
        assert self._journal_path is not None
        self._zip.write(self._journal_path, JOURNAL_NAME)
        self._journal_path.unlink()
        self._zip.close()
        self._zip = self._json = self._journal = None
