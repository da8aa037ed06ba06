"""Reflective questions grouped by theme, parsed and validated from `reflection.yaml`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from content.errors import ContentError

REQUIRED_THEMES = ("boundaries", "self-worth", "communication", "balance", "pattern")
MIN_QUESTIONS_PER_THEME = 8


@dataclass(frozen=True, slots=True)
class Question:
    """One reflective question."""

    id: str
    text: str


@dataclass(frozen=True, slots=True)
class Theme:
    """A reflection theme: its title, a one-line blurb, a next step, and its questions."""

    id: str
    title: str
    blurb: str
    next_step: str
    questions: tuple[Question, ...]
    # False for themes that may stir up old pain: offered in the list, never suggested.
    suggested: bool = True


@dataclass(frozen=True, slots=True)
class ReflectionContent:
    """All themes, in display order, with lookups by id."""

    themes: tuple[Theme, ...]

    def theme(self, theme_id: str) -> Theme | None:
        """The theme with this id, or None."""
        return next((t for t in self.themes if t.id == theme_id), None)

    def question(self, question_id: str) -> Question | None:
        """The question with this id in any theme, or None."""
        for theme in self.themes:
            for question in theme.questions:
                if question.id == question_id:
                    return question
        return None


def parse_reflection(raw: dict[str, Any]) -> ReflectionContent:
    """Build the reflection content, raising ContentError listing every problem."""
    problems: list[str] = []
    themes: list[Theme] = []
    seen_questions: set[str] = set()
    for index, item in enumerate(raw.get("themes") or []):
        where = f"reflection.yaml themes[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: expected a mapping")
            continue
        fields = {}
        for name in ("id", "title", "blurb", "next_step"):
            value = item.get(name)
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{where}: missing text field '{name}'")
            fields[name] = str(value or "").strip()
        questions: list[Question] = []
        for q_index, q in enumerate(item.get("questions") or []):
            if not isinstance(q, dict) or not q.get("id") or not q.get("text"):
                problems.append(f"{where} questions[{q_index}]: needs 'id' and 'text'")
                continue
            if q["id"] in seen_questions:
                problems.append(f"{where}: duplicate question id {q['id']}")
            seen_questions.add(q["id"])
            questions.append(Question(id=str(q["id"]), text=str(q["text"]).strip()))
        suggested = item.get("suggest", True)
        if not isinstance(suggested, bool):
            problems.append(f"{where}: 'suggest' must be true or false")
            suggested = True
        if len(questions) < MIN_QUESTIONS_PER_THEME:
            problems.append(
                f"{where}: theme '{fields['id']}' has {len(questions)} questions, "
                f"needs at least {MIN_QUESTIONS_PER_THEME}"
            )
        themes.append(Theme(questions=tuple(questions), suggested=suggested, **fields))
    ids = [t.id for t in themes]
    for required in REQUIRED_THEMES:
        if required not in ids:
            problems.append(f"reflection.yaml: missing theme '{required}'")
    if len(set(ids)) != len(ids):
        problems.append("reflection.yaml: duplicate theme ids")
    if problems:
        raise ContentError("\n".join(problems))
    return ReflectionContent(themes=tuple(themes))
