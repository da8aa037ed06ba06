"""Free text a feature holds for a moment in a conversation context, and where to find it.

A context is saved as JSON, not in a column the store encrypts, so a feature that holds a
person's words there protects them (`turn.hold_text`) and registers the context key once
(`engine.add_held_text`). /export reveals every registered held text and `rotate-keys`
re-encrypts it, including text held before encryption was switched on (which looks like any
other string), without knowing any feature by name.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class HeldText:
    """A top-level context key under which a feature holds protected text."""

    key: str
    # Only in this flow's context (for a key name that other flows might use for something
    # else); None: in any flow's context.
    flow: str | None = None
    # False: `{"text": protected, ...other fields}`; True: `{name: protected, ...}`.
    per_item: bool = False


def held_slots(
    context: Any, flow: str | None, held: Iterable[HeldText]
) -> Iterator[tuple[dict[str, Any], str]]:
    """Every (mapping, name) in a conversation's context where a registered held text sits."""
    if not isinstance(context, dict):
        return
    for spec in held:
        if spec.flow is not None and spec.flow != flow:
            continue
        value = context.get(spec.key)
        if not isinstance(value, dict):
            continue
        if spec.per_item:
            yield from ((value, name) for name, item in value.items() if isinstance(item, str))
        elif isinstance(value.get("text"), str):
            yield value, "text"
