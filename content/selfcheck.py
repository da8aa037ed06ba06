"""Self-check content: answer scale, dimensions, statements, scoring rules and UI texts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from content.errors import ContentError

SCALE_SIZE = 5
# Telegram shows longer button labels cut off on a phone; keep the scale readable.
MAX_SCALE_LABEL_CHARS = 24
# Ids travel in callback data (64 bytes) together with a short prefix.
MAX_ID_CHARS = 32
MIN_ITEMS_PER_DIMENSION = 4
# The texts this file may define: its own namespaces plus its own menu, command and journal
# labels, so everything the self-check says lives in one file.
TEXT_KEY_NAMESPACES = (
    "selfcheck.",
    "progress.",
    "menu.selfcheck",
    "menu.progress",
    "commands.selfcheck",
    "commands.progress",
    "journal.kind.selfcheck",
)
BANDS = ("low", "middle", "high")


@dataclass(frozen=True)
class SelfCheckDimension:
    """One of the four areas the self-check looks at, with its plain-words explanations."""

    id: str
    title: str
    low: str
    middle: str
    high: str
    suggestion: str
    reflect_theme: str
    practice_dimension: str

    def explanation(self, band: str) -> str:
        """The explanation for a band ("low", "middle" or "high")."""
        if band not in BANDS:
            raise ValueError(f"unknown band {band!r}")
        text: str = getattr(self, band)
        return text


@dataclass(frozen=True)
class SelfCheckItem:
    """One statement; reverse=True means it is phrased in the codependent direction."""

    id: str
    dimension: str
    text: str
    reverse: bool


@dataclass(frozen=True)
class ScoringRules:
    """The data the scoring needs beyond the items: band thresholds and minimum answers."""

    min_answers_per_dimension: int
    middle_from: int
    high_from: int
    same_within: int


@dataclass(frozen=True)
class SelfCheckContent:
    """Everything the self-check and progress flows show, validated."""

    scale: tuple[str, ...]
    dimensions: tuple[SelfCheckDimension, ...]
    items: tuple[SelfCheckItem, ...]
    scoring: ScoringRules
    texts: Mapping[str, str]

    def dimension(self, dimension_id: str) -> SelfCheckDimension:
        """The dimension with this id (KeyError when unknown)."""
        for dimension in self.dimensions:
            if dimension.id == dimension_id:
                return dimension
        raise KeyError(dimension_id)

    def item_index(self, item_id: str) -> int:
        """Position of an item in asking order (KeyError when unknown)."""
        for index, item in enumerate(self.items):
            if item.id == item_id:
                return index
        raise KeyError(item_id)


def _text(raw: Mapping[str, Any], key: str, where: str, problems: list[str]) -> str:
    """Read a required non-empty string field, noting a problem when it is not one."""
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: '{key}' must be a non-empty string")
        return ""
    return value.strip()


def _identifier(raw: Mapping[str, Any], where: str, problems: list[str]) -> str:
    """Read an id: non-empty, short enough for callback data, no spaces or colons."""
    value = _text(raw, "id", where, problems)
    if value and (len(value) > MAX_ID_CHARS or any(c in value for c in " :")):
        problems.append(
            f"{where}: id {value!r} must be at most {MAX_ID_CHARS} chars, no ' ' or ':'"
        )
    return value


def _parse_scale(raw: Any, problems: list[str]) -> tuple[str, ...]:
    """Validate the five answer labels."""
    if not isinstance(raw, list) or len(raw) != SCALE_SIZE:
        problems.append(f"scale: must be a list of exactly {SCALE_SIZE} labels")
        return ()
    labels: list[str] = []
    for number, label in enumerate(raw, start=1):
        if not isinstance(label, str) or not label.strip():
            problems.append(f"scale[{number}]: must be a non-empty string")
            continue
        if len(label.strip()) > MAX_SCALE_LABEL_CHARS:
            problems.append(f"scale[{number}]: longer than {MAX_SCALE_LABEL_CHARS} characters")
        labels.append(label.strip())
    if len(set(labels)) != len(labels):
        problems.append("scale: labels must differ from each other")
    return tuple(labels)


def _parse_dimensions(raw: Any, problems: list[str]) -> tuple[SelfCheckDimension, ...]:
    """Validate the dimensions and their texts."""
    if not isinstance(raw, list) or not raw:
        problems.append("dimensions: must be a non-empty list")
        return ()
    dimensions: list[SelfCheckDimension] = []
    for number, entry in enumerate(raw, start=1):
        where = f"dimensions[{number}]"
        if not isinstance(entry, Mapping):
            problems.append(f"{where}: must be a mapping")
            continue
        dimension_id = _identifier(entry, where, problems)
        where = f"dimension {dimension_id or number}"
        fields = {
            key: _text(entry, key, where, problems)
            for key in (
                "title",
                "low",
                "middle",
                "high",
                "suggestion",
                "reflect_theme",
                "practice_dimension",
            )
        }
        dimensions.append(SelfCheckDimension(id=dimension_id, **fields))
    counts = Counter(d.id for d in dimensions if d.id)
    problems.extend(f"dimensions: id {i!r} used {n} times" for i, n in counts.items() if n > 1)
    return tuple(dimensions)


def _parse_items(
    raw: Any, dimension_ids: set[str], problems: list[str]
) -> tuple[SelfCheckItem, ...]:
    """Validate the statements: unique ids, known dimensions, both directions per dimension."""
    if not isinstance(raw, list) or not raw:
        problems.append("items: must be a non-empty list")
        return ()
    items: list[SelfCheckItem] = []
    for number, entry in enumerate(raw, start=1):
        where = f"items[{number}]"
        if not isinstance(entry, Mapping):
            problems.append(f"{where}: must be a mapping")
            continue
        item_id = _identifier(entry, where, problems)
        where = f"item {item_id or number}"
        dimension = _text(entry, "dimension", where, problems)
        if dimension and dimension not in dimension_ids:
            problems.append(f"{where}: unknown dimension {dimension!r}")
        text = _text(entry, "text", where, problems)
        reverse = entry.get("reverse")
        if not isinstance(reverse, bool):
            problems.append(f"{where}: 'reverse' must be true or false")
            reverse = False
        items.append(SelfCheckItem(id=item_id, dimension=dimension, text=text, reverse=reverse))
    counts = Counter(item.id for item in items if item.id)
    problems.extend(f"items: id {i!r} used {n} times" for i, n in counts.items() if n > 1)
    for dimension_id in sorted(dimension_ids):
        own = [item for item in items if item.dimension == dimension_id]
        if len(own) < MIN_ITEMS_PER_DIMENSION:
            problems.append(
                f"dimension {dimension_id}: has {len(own)} items, needs at least "
                f"{MIN_ITEMS_PER_DIMENSION}"
            )
        directions = {item.reverse for item in own}
        if own and directions != {True, False}:
            problems.append(
                f"dimension {dimension_id}: needs items phrased in both directions "
                "(some reverse: true, some reverse: false)"
            )
    return tuple(items)


def _parse_scoring(raw: Any, problems: list[str]) -> ScoringRules:
    """Validate the band thresholds and the minimum number of answers per dimension."""
    fallback = ScoringRules(
        min_answers_per_dimension=1, middle_from=40, high_from=70, same_within=0
    )
    if not isinstance(raw, Mapping):
        problems.append("scoring: must be a mapping")
        return fallback
    values: dict[str, int] = {}
    for key in ("min_answers_per_dimension", "middle_from", "high_from", "same_within"):
        value = raw.get(key)
        # bool is an int subclass; "true" is never a sensible threshold.
        if not isinstance(value, int) or isinstance(value, bool):
            problems.append(f"scoring: '{key}' must be a whole number")
            return fallback
        values[key] = value
    rules = ScoringRules(**values)
    if not 0 < rules.middle_from < rules.high_from <= 100:
        problems.append("scoring: needs 0 < middle_from < high_from <= 100")
    if rules.min_answers_per_dimension < 1:
        problems.append("scoring: min_answers_per_dimension must be at least 1")
    if not 0 <= rules.same_within < 100:
        problems.append("scoring: same_within must be between 0 and 99")
    return rules


def _parse_texts(raw: Any, problems: list[str]) -> dict[str, str]:
    """Validate the flat UI text keys."""
    if not isinstance(raw, Mapping) or not raw:
        problems.append("texts: must be a non-empty mapping")
        return {}
    texts: dict[str, str] = {}
    for key, value in raw.items():
        if not isinstance(key, str) or not key.startswith(TEXT_KEY_NAMESPACES):
            problems.append(f"texts: key {key!r} must start with one of {TEXT_KEY_NAMESPACES}")
            continue
        if not isinstance(value, str) or not value.strip():
            problems.append(f"texts: {key} must be a non-empty string")
            continue
        # Folded YAML keeps a trailing newline on some styles; messages should not end blank.
        texts[key] = value.strip()
    return texts


def parse_selfcheck(raw: dict[str, Any]) -> SelfCheckContent:
    """Build and validate the self-check content from loaded YAML; ContentError lists problems."""
    problems: list[str] = []
    if not isinstance(raw, Mapping):
        raise ContentError("selfcheck: the file must hold a mapping at the top level")
    scale = _parse_scale(raw.get("scale"), problems)
    dimensions = _parse_dimensions(raw.get("dimensions"), problems)
    dimension_ids = {d.id for d in dimensions if d.id}
    items = _parse_items(raw.get("items"), dimension_ids, problems)
    scoring = _parse_scoring(raw.get("scoring"), problems)
    if items and dimension_ids:
        smallest = min(sum(1 for i in items if i.dimension == d) for d in dimension_ids)
        if scoring.min_answers_per_dimension > smallest:
            problems.append(
                "scoring: min_answers_per_dimension is larger than the items of some dimension"
            )
    texts = _parse_texts(raw.get("texts"), problems)
    if problems:
        raise ContentError("\n".join(f"selfcheck: {p}" for p in problems))
    return SelfCheckContent(
        scale=scale, dimensions=dimensions, items=items, scoring=scoring, texts=texts
    )
