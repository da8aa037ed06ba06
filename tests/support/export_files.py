"""Read /export's zip parts back, as a person (journal.txt) and a program (the JSON) would."""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows.events import Document, Reply
from flows.export_archive import JOURNAL_NAME, JSON_NAME


@dataclass
class ExportFiles:
    """The parts of one export, merged: the data of every part and the whole journal text."""

    documents: list[Document]
    parts: list[dict[str, Any]]
    journal_text: str

    @property
    def data(self) -> dict[str, Any]:
        """The parts' JSON as one document (header of the first, journals and tables joined)."""
        merged = {key: value for key, value in self.parts[0].items() if key != "part"}
        merged["journal"] = [item for part in self.parts for item in part.get("journal", [])]
        tables: dict[str, list[dict[str, Any]]] = {}
        for part in self.parts:
            for name, rows in part.get("tables", {}).items():
                tables.setdefault(name, []).extend(rows)
        merged["tables"] = tables
        return merged

    @property
    def raw(self) -> bytes:
        """Everything inside the parts, uncompressed, for "these words are (not) here" checks."""
        return json.dumps(self.parts, ensure_ascii=False).encode() + self.journal_text.encode()


def read_export(replies: list[Reply]) -> ExportFiles:
    """The export documents among `replies`, opened and read (the files are then removed)."""
    documents = [reply.document for reply in replies if reply.document is not None]
    assert documents, "no export was sent"
    parts: list[dict[str, Any]] = []
    journal: list[str] = []
    for document in documents:
        assert document.path is not None
        path = Path(document.path)
        with zipfile.ZipFile(path) as archive:
            assert sorted(archive.namelist()) == sorted([JSON_NAME, JOURNAL_NAME])
            parts.append(json.loads(archive.read(JSON_NAME).decode("utf-8")))
            journal.append(archive.read(JOURNAL_NAME).decode("utf-8"))
        path.unlink()
    return ExportFiles(documents, parts, "\n".join(journal))
