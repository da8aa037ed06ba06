"""The steps of the personal safety plan and their texts, parsed from `safety_plan.yaml`."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from content.errors import ContentError

_STEP_ID = re.compile(r"^[a-z][a-z_]{1,39}$")
_STEP_FIELDS = frozenset({"id", "title", "question", "example", "lines"})
# Long enough for a real question, short enough that a step with the local lines under it stays
# one small message.
MAX_STEP_TEXT_CHARS = 400

# Every text key the feature uses, with exactly the placeholders the code fills in.
TEXT_PLACEHOLDERS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "safety_plan.command": frozenset(),
        "safety_plan.open": frozenset(),
        "safety_plan.make": frozenset(),
        "safety_plan.intro": frozenset(),
        "safety_plan.intro_not_kept": frozenset(),
        "safety_plan.begin": frozenset(),
        "safety_plan.begin_not_kept": frozenset(),
        "safety_plan.keep_answers": frozenset(),
        "safety_plan.step": frozenset({"number", "total", "title", "question", "example"}),
        "safety_plan.current": frozenset({"text"}),
        "safety_plan.skip": frozenset(),
        "safety_plan.keep_as_is": frozenset(),
        "safety_plan.clear": frozenset(),
        "safety_plan.stop": frozenset(),
        "safety_plan.saved": frozenset(),
        "safety_plan.cleared": frozenset(),
        "safety_plan.unsafe_now": frozenset(),
        "safety_plan.plan_title": frozenset(),
        "safety_plan.plan_step": frozenset({"number", "title", "text"}),
        "safety_plan.plan_empty_step": frozenset(),
        "safety_plan.plan_footer": frozenset(),
        "safety_plan.plan_none": frozenset(),
        "safety_plan.plan_not_kept": frozenset(),
        "safety_plan.change": frozenset(),
        "safety_plan.choose_step": frozenset(),
        "safety_plan.done": frozenset(),
        "safety_plan.back": frozenset(),
        "safety_plan.closed": frozenset(),
        "safety_plan.later": frozenset(),
        "safety_plan.sos_title": frozenset(),
        "safety_plan.sos_more": frozenset(),
        "journal.kind.safety_plan": frozenset(),
        "journal.safety_plan_entry": frozenset({"title", "text"}),
    }
)


@dataclass(frozen=True, slots=True)
class PlanStep:
    """One step of the plan: a stable id (stored with the answer), a title and a question."""

    id: str
    title: str
    question: str
    example: str
    shows_lines: bool  # the local help lines are shown under the question as a hint


@dataclass(frozen=True)
class SafetyPlanContent:
    """The plan's steps, in the order they are asked."""

    steps: tuple[PlanStep, ...]

    def step(self, step_id: str) -> PlanStep | None:
        """The step with this id, if there is one."""
        return next((step for step in self.steps if step.id == step_id), None)

    def number(self, step_id: str) -> int:
        """The step's position, counted from 1."""
        return next(i for i, step in enumerate(self.steps, start=1) if step.id == step_id)


def _flatten(prefix: str, value: Any, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), child, out)
    else:
        out[prefix] = value


def _parse_step(raw: Any, where: str, problems: list[str]) -> PlanStep | None:
    """One step, or None after recording what is wrong with it."""
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected a mapping with id, title, question and example")
        return None
    unknown = sorted(set(raw) - _STEP_FIELDS)
    if unknown:
        problems.append(f"{where}: unknown fields {unknown} (allowed: {sorted(_STEP_FIELDS)})")
    step_id = raw.get("id")
    if not isinstance(step_id, str) or not _STEP_ID.match(step_id):
        problems.append(f"{where}: 'id' must be lower-case letters and underscores")
        return None
    fields: dict[str, str] = {}
    for name in ("title", "question", "example"):
        value = raw.get(name)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where} ({step_id}): '{name}' must be a non-empty string")
            return None
        if len(value) > MAX_STEP_TEXT_CHARS:
            problems.append(f"{where} ({step_id}): '{name}' is over {MAX_STEP_TEXT_CHARS} chars")
        fields[name] = value.strip()
    lines = raw.get("lines", False)
    if not isinstance(lines, bool):
        problems.append(f"{where} ({step_id}): 'lines' must be true or false")
        lines = False
    return PlanStep(step_id, fields["title"], fields["question"], fields["example"], lines)


def _check_texts(raw: Any, problems: list[str]) -> None:
    """Each key the feature uses is there with exactly the placeholders the code fills in."""
    flat: dict[str, Any] = {}
    _flatten("", raw if isinstance(raw, dict) else {}, flat)
    for key, expected in TEXT_PLACEHOLDERS.items():
        value = flat.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"safety_plan.yaml texts.{key}: missing or empty")
            continue
        try:
            found = {name for _, name, _, _ in string.Formatter().parse(value) if name}
        except ValueError as exc:
            problems.append(f"safety_plan.yaml texts.{key}: broken placeholder ({exc})")
            continue
        if found != expected:
            problems.append(
                f"safety_plan.yaml texts.{key}: placeholders {sorted(found)}, "
                f"expected {sorted(expected)}"
            )


def parse_safety_plan(raw: dict[str, Any]) -> SafetyPlanContent:
    """Build the plan's content, raising ContentError listing every problem."""
    problems: list[str] = []
    steps_raw = raw.get("steps")
    steps: list[PlanStep] = []
    if not isinstance(steps_raw, list) or not steps_raw:
        problems.append("safety_plan.yaml steps: expected a non-empty list")
    else:
        for i, item in enumerate(steps_raw):
            step = _parse_step(item, f"safety_plan.yaml steps[{i}]", problems)
            if step is not None:
                steps.append(step)
        seen: set[str] = set()
        for step in steps:
            if step.id in seen:
                problems.append(f"safety_plan.yaml steps: id '{step.id}' is used twice")
            seen.add(step.id)
    _check_texts(raw.get("texts"), problems)
    if problems:
        raise ContentError("\n".join(problems))
    return SafetyPlanContent(tuple(steps))
