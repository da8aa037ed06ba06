"""FAQ content: entries (question, answer, variants, related ids) and the FAQ's UI texts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from content.errors import ContentError

FAQ_PATH = Path(__file__).with_name("faq.yaml")

MAX_ANSWER_CHARS = 900
MIN_VARIANTS = 8
MAX_VARIANTS = 15
MIN_RELATED = 1
MAX_RELATED = 3
# The FAQ's own texts, plus its command description and menu label.
TEXT_KEY_PREFIXES = ("faq.", "commands.faq", "menu.faq")

# Ids travel inside Telegram callback data (64 bytes in all), so keep them short slugs.
_ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_ID_CHARS = 40


@dataclass(frozen=True)
class FaqEntry:
    """One question people ask, our answer to it, other wordings and related entry ids."""

    id: str
    question: str
    answer: str
    variants: tuple[str, ...]
    related: tuple[str, ...]


@dataclass(frozen=True)
class FaqContent:
    """Every FAQ entry in file order, the FAQ's UI strings keyed `faq.*`, off-topic examples."""

    entries: tuple[FaqEntry, ...]
    texts: Mapping[str, str]
    off_topic: tuple[str, ...] = ()

    def entry(self, entry_id: str) -> FaqEntry | None:
        """Return the entry with this id, or None when there is none."""
        for entry in self.entries:
            if entry.id == entry_id:
                return entry
        return None

    @property
    def ids(self) -> tuple[str, ...]:
        """All entry ids in file order."""
        return tuple(entry.id for entry in self.entries)


def _string_list(value: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    """Return value as a tuple of non-empty strings, recording a problem if it is not one."""
    if not isinstance(value, list):
        problems.append(f"{where}: must be a list of strings")
        return ()
    items: list[str] = []
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            problems.append(f"{where}[{index}]: must be a non-empty string")
            continue
        items.append(item.strip())
    return tuple(items)


def _text_field(raw: Mapping[str, Any], key: str, where: str, problems: list[str]) -> str:
    """Return a required non-empty string field, recording a problem if it is missing."""
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: '{key}' must be a non-empty string")
        return ""
    return value.strip()


def _parse_entry(raw: Any, index: int, problems: list[str]) -> FaqEntry | None:
    """Validate one raw entry mapping; return None when it is unusable."""
    where = f"entries[{index}]"
    if not isinstance(raw, dict):
        problems.append(f"{where}: must be a mapping")
        return None
    entry_id = _text_field(raw, "id", where, problems)
    if entry_id:
        where = f"entry '{entry_id}'"
        if not _ID_PATTERN.match(entry_id) or len(entry_id) > MAX_ID_CHARS:
            problems.append(
                f"{where}: id must be a lowercase slug of at most {MAX_ID_CHARS} characters"
            )
    unknown = sorted(set(raw) - {"id", "question", "answer", "variants", "related"})
    if unknown:
        problems.append(f"{where}: unknown field(s) {', '.join(unknown)}")
    question = _text_field(raw, "question", where, problems)
    answer = _text_field(raw, "answer", where, problems)
    if len(answer) > MAX_ANSWER_CHARS:
        problems.append(
            f"{where}: answer is {len(answer)} characters, at most {MAX_ANSWER_CHARS} allowed"
        )
    variants = _string_list(raw.get("variants"), f"{where}.variants", problems)
    if not MIN_VARIANTS <= len(variants) <= MAX_VARIANTS:
        problems.append(
            f"{where}: has {len(variants)} variants, needs {MIN_VARIANTS} to {MAX_VARIANTS}"
        )
    related = _string_list(raw.get("related"), f"{where}.related", problems)
    if not MIN_RELATED <= len(related) <= MAX_RELATED:
        problems.append(
            f"{where}: has {len(related)} related ids, needs {MIN_RELATED} to {MAX_RELATED}"
        )
    if entry_id in related:
        problems.append(f"{where}: lists itself as related")
    return FaqEntry(entry_id, question, answer, variants, related)


def _parse_texts(raw: Any, problems: list[str]) -> dict[str, str]:
    """Validate the `texts:` mapping of flat keys (see TEXT_KEY_PREFIXES) to strings."""
    if not isinstance(raw, dict):
        problems.append("texts: must be a mapping of flat text keys to strings")
        return {}
    texts: dict[str, str] = {}
    for key, value in raw.items():
        if not isinstance(key, str) or not key.startswith(TEXT_KEY_PREFIXES):
            problems.append(f"texts: key {key!r} must start with one of {TEXT_KEY_PREFIXES}")
            continue
        if not isinstance(value, str) or not value.strip():
            problems.append(f"texts: '{key}' must be a non-empty string")
            continue
        texts[key] = value.strip()
    return texts


def parse_faq(raw: dict[str, Any]) -> FaqContent:
    """Validate raw FAQ data and build FaqContent; raise ContentError listing every problem."""
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise ContentError("faq: top level must be a mapping with 'entries' and 'texts'")
    unknown = sorted(set(raw) - {"entries", "texts", "off_topic"})
    if unknown:
        problems.append(f"faq: unknown top-level key(s) {', '.join(map(str, unknown))}")
    raw_entries = raw.get("entries")
    entries: list[FaqEntry] = []
    if not isinstance(raw_entries, list) or not raw_entries:
        problems.append("faq: 'entries' must be a non-empty list")
    else:
        for index, raw_entry in enumerate(raw_entries):
            entry = _parse_entry(raw_entry, index, problems)
            if entry is not None:
                entries.append(entry)
    texts = _parse_texts(raw.get("texts"), problems)
    off_topic = _string_list(raw.get("off_topic", []), "off_topic", problems)

    seen_ids: set[str] = set()
    for entry in entries:
        if entry.id and entry.id in seen_ids:
            problems.append(f"entry '{entry.id}': id is used more than once")
        seen_ids.add(entry.id)
    for entry in entries:
        for related_id in entry.related:
            if related_id not in seen_ids:
                problems.append(f"entry '{entry.id}': related id '{related_id}' does not exist")
    # The same wording under two ids would teach the matcher two answers for one question.
    owner_by_wording: dict[str, str] = {}
    for entry in entries:
        for wording in (entry.question, *entry.variants):
            key = " ".join(wording.lower().split())
            owner = owner_by_wording.setdefault(key, entry.id)
            if owner != entry.id:
                problems.append(
                    f"entry '{entry.id}': wording {wording!r} is also used by '{owner}'"
                )
    for wording in off_topic:
        clash = owner_by_wording.get(" ".join(wording.lower().split()))
        if clash is not None:
            problems.append(f"off_topic: {wording!r} is also a wording of '{clash}'")
    if problems:
        raise ContentError("\n".join(problems))
    return FaqContent(entries=tuple(entries), texts=MappingProxyType(texts), off_topic=off_topic)


def load_faq(path: Path = FAQ_PATH) -> FaqContent:
    """Read and validate the FAQ YAML file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ContentError(f"{path.name}: cannot be read: {error}") from error
    return parse_faq(raw)
