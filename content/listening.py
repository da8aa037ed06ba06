"""Replies to free text outside a question, parsed and validated from `listening.yaml`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from content.errors import ContentError

# Placeholders each list may use; any other would fail at run time, so it fails here.
_ALLOWED = {
    "person_and_feeling": {"person", "feeling"},
    "person": {"person"},
    "feeling": {"feeling"},
    "plain": set(),
}
MIN_WORDINGS = 2  # fewer would repeat the same sentence for the same share


@dataclass(frozen=True, slots=True)
class ListeningContent:
    """Several wordings for each reply, chosen in turn so the same message is not answered
    with the same sentence twice in a row."""

    acknowledgements: dict[str, tuple[str, ...]]
    validations: tuple[str, ...]
    celebrations: dict[str, tuple[str, ...]]


def _wordings(raw: Any, where: str, allowed: set[str], problems: list[str]) -> tuple[str, ...]:
    """A list of at least MIN_WORDINGS strings using only the allowed placeholders."""
    if not isinstance(raw, list) or len(raw) < MIN_WORDINGS:
        problems.append(f"listening.yaml {where}: needs at least {MIN_WORDINGS} wordings")
        return ()
    wordings = []
    for index, item in enumerate(raw):
        if not isinstance(item, str) or not item.strip():
            problems.append(f"listening.yaml {where}[{index}]: expected text")
            continue
        try:
            item.format(**{name: "x" for name in allowed})
        except (KeyError, IndexError, ValueError):
            problems.append(f"listening.yaml {where}[{index}]: unknown placeholder")
            continue
        wordings.append(item.strip())
    return tuple(wordings)


def parse_listening(raw: dict[str, Any]) -> ListeningContent:
    """Build the listening content, raising ContentError listing every problem."""
    problems: list[str] = []
    acknowledgements = {
        shape: _wordings(
            (raw.get("acknowledgements") or {}).get(shape), f"acknowledgements.{shape}",
            allowed, problems,
        )
        for shape, allowed in _ALLOWED.items()
    }  # fmt: skip
    validations = _wordings(raw.get("validations"), "validations", set(), problems)
    celebrations = {
        shape: _wordings(
            (raw.get("celebrations") or {}).get(shape), f"celebrations.{shape}",
            _ALLOWED[shape], problems,
        )
        for shape in ("person", "plain")
    }  # fmt: skip
    if problems:
        raise ContentError("\n".join(problems))
    return ListeningContent(acknowledgements, validations, celebrations)
