"""Read /export's zip parts back, as a person (journal.txt) and a program (the JSON) would."""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.service import TandemService
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


def build_export(service: TandemService, replies: list[Reply]) -> list[Document]:
    """The export files `replies` ask for, built as the sender builds them."""
    requests = [r.document for r in replies if r.document and r.document.export_of is not None]
    assert len(requests) == 1, "no export was asked for"
    assert requests[0].export_of is not None
    return service.build_export(requests[0].export_of)


def read_export(service: TandemService, replies: list[Reply]) -> ExportFiles:
    """Build the export `replies` ask for, and read its parts (the files are then removed)."""
    return read_documents(build_export(service, replies))


def read_documents(documents: list[Document]) -> ExportFiles:
    """Open and read built export parts (the files are then removed)."""
    assert documents, "the export has no file"
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
