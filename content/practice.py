"""Boundary-setting practice content: scenarios, feedback texts and UI strings, validated."""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from content.errors import ContentError

PRACTICE_PATH = Path(__file__).with_name("practice.yaml")

CONTEXTS: tuple[str, ...] = ("partner", "friends", "family", "work")
DIFFICULTIES: tuple[int, ...] = (1, 2, 3)
DIMENSIONS: tuple[str, ...] = ("boundaries", "communication", "self-worth", "balance")
REQUESTS: tuple[str, ...] = ("time", "money", "emotional", "favour", "guilt")

MIN_SCENARIOS = 36
MIN_PER_CONTEXT = 8
MIN_GUILT = 6
# A self-check suggestion focuses practice on one dimension; it needs scenes at every level.
MIN_PER_DIMENSION_LEVEL = 2
MAX_EXAMPLES = 2
# Far below Telegram's 4096: a scene, its header and the question share one message.
MAX_SCENE_CHARS = 600
MAX_EXAMPLE_CHARS = 300
MAX_TEXT_CHARS = 1500
# Observation texts may only use these placeholders: the person's own fragment, and a short
# sentence from the scene's own example replies that says where someone could stand.
OBSERVATION_PLACEHOLDERS = frozenset({"quote", "suggestion"})

_SCENARIO_FIELDS = ("id", "context", "difficulty", "dimension", "request", "scene", "examples")
_ID_PATTERN = re.compile(r"^[a-z]+-\d{2}$")
_QUOTE_CHARS = '"\u201c\u201d'
# The journal labels its entries by kind ("journal.kind.<kind>"); ours live with our texts.
TEXT_KEY_STARTS = ("practice.", "journal.kind.practice")


@dataclass(frozen=True)
class Scenario:
    """One practice scene: where it happens, how hard it is and what it asks of the person."""

    id: str
    context: str
    difficulty: int
    dimension: str
    request: str
    scene: str
    examples: tuple[str, ...]


@dataclass(frozen=True)
class PracticeContent:
    """Everything the practice flow shows: scenarios, observation feedback and UI texts."""

    scenarios: tuple[Scenario, ...]
    observations: Mapping[str, str]
    texts: Mapping[str, str]

    def scenario(self, scenario_id: str) -> Scenario:
        """The scenario with this id; KeyError when there is none."""
        for scenario in self.scenarios:
            if scenario.id == scenario_id:
                return scenario
        raise KeyError(scenario_id)

    def text(self, key: str) -> str:
        """A UI text by its full key ("practice.intro"); KeyError when missing."""
        return self.texts[key]


def _placeholders(text: str) -> set[str] | None:
    """Names used as {placeholders} in a text, or None when the braces are malformed."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return None


def _check_text(where: str, value: object, limit: int, problems: list[str]) -> str:
    """A non-empty, plain string under the limit; records a problem otherwise."""
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: must be a non-empty text")
        return ""
    if len(value) > limit:
        problems.append(f"{where}: {len(value)} characters, keep it under {limit}")
    return value.strip()


def _parse_scenario(index: int, raw: object, problems: list[str]) -> Scenario | None:
    """Validate one scenario mapping; None when it is too broken to use."""
    where = f"scenarios[{index}]"
    if not isinstance(raw, dict):
        problems.append(f"{where}: must be a mapping with {', '.join(_SCENARIO_FIELDS)}")
        return None
    scenario_id = raw.get("id")
    if isinstance(scenario_id, str):
        where = f"scenario {scenario_id}"
        if not _ID_PATTERN.match(scenario_id):
            problems.append(f"{where}: id must look like 'work-01'")
    else:
        problems.append(f"{where}: id must be a text like 'work-01'")
    missing = [name for name in _SCENARIO_FIELDS if name not in raw]
    unknown = sorted(set(raw) - set(_SCENARIO_FIELDS))
    if missing:
        problems.append(f"{where}: missing {', '.join(missing)}")
    if unknown:
        problems.append(f"{where}: unknown field(s) {', '.join(map(str, unknown))}")

    choices: list[tuple[str, tuple[Any, ...]]] = [
        ("context", CONTEXTS),
        ("dimension", DIMENSIONS),
        ("request", REQUESTS),
    ]
    for name, allowed in choices:
        if name in raw and raw[name] not in allowed:
            problems.append(f"{where}: {name} {raw[name]!r} is not one of {', '.join(allowed)}")
    difficulty = raw.get("difficulty")
    if "difficulty" in raw and (isinstance(difficulty, bool) or difficulty not in DIFFICULTIES):
        problems.append(f"{where}: difficulty must be 1, 2 or 3")

    scene = ""
    if "scene" in raw:
        scene = _check_text(f"{where} scene", raw["scene"], MAX_SCENE_CHARS, problems)
        quote_marks = sum(scene.count(mark) for mark in _QUOTE_CHARS)
        if scene and (scene[-1] not in _QUOTE_CHARS or quote_marks < 2):
            problems.append(f"{where} scene: must end with what the other person says, in quotes")
        if "what would you say" in scene.lower():
            problems.append(f"{where} scene: leave out the question, the flow adds it")

    examples: list[str] = []
    raw_examples = raw.get("examples")
    if "examples" in raw:
        if not isinstance(raw_examples, list) or not 1 <= len(raw_examples) <= MAX_EXAMPLES:
            problems.append(f"{where}: examples must be a list of 1 or 2 replies")
        else:
            for number, example in enumerate(raw_examples, start=1):
                text = _check_text(
                    f"{where} example {number}", example, MAX_EXAMPLE_CHARS, problems
                )
                if text:
                    examples.append(" ".join(text.split()))

    if missing or not isinstance(scenario_id, str):
        return None
    return Scenario(
        id=scenario_id,
        context=str(raw["context"]),
        difficulty=difficulty if isinstance(difficulty, int) else 0,
        dimension=str(raw["dimension"]),
        request=str(raw["request"]),
        scene=" ".join(scene.split()),
        examples=tuple(examples),
    )


def _check_library(scenarios: list[Scenario], problems: list[str]) -> None:
    """Counts and coverage across the whole scenario library."""
    duplicates = [sid for sid, n in Counter(s.id for s in scenarios).items() if n > 1]
    if duplicates:
        problems.append(f"scenarios: duplicate id(s) {', '.join(sorted(duplicates))}")
    if len(scenarios) < MIN_SCENARIOS:
        problems.append(f"scenarios: {len(scenarios)} found, at least {MIN_SCENARIOS} needed")
    for context in CONTEXTS:
        in_context = [s for s in scenarios if s.context == context]
        if len(in_context) < MIN_PER_CONTEXT:
            problems.append(
                f"scenarios: {len(in_context)} for {context}, at least {MIN_PER_CONTEXT} needed"
            )
        levels = {s.difficulty for s in in_context}
        for level in DIFFICULTIES:
            if level not in levels:
                problems.append(f"scenarios: no {context} scenario at difficulty {level}")
    for kind, allowed in (("dimension", DIMENSIONS), ("request", REQUESTS)):
        used = {getattr(s, kind) for s in scenarios}
        for value in allowed:
            if value not in used:
                problems.append(f"scenarios: no scenario with {kind} {value}")
    per_dimension_level = Counter((s.dimension, s.difficulty) for s in scenarios)
    for dimension in DIMENSIONS:
        for level in DIFFICULTIES:
            count = per_dimension_level[(dimension, level)]
            if count < MIN_PER_DIMENSION_LEVEL:
                problems.append(
                    f"scenarios: {count} {dimension} scenario(s) at difficulty {level},"
                    f" at least {MIN_PER_DIMENSION_LEVEL} needed"
                )
    guilt = sum(1 for s in scenarios if s.request == "guilt")
    if guilt < MIN_GUILT:
        problems.append(f"scenarios: {guilt} guilt-trip scenarios, at least {MIN_GUILT} needed")


def _parse_observations(
    raw: object, expected: frozenset[str], problems: list[str]
) -> dict[str, str]:
    """Observation id to feedback text; checks placeholders and that the ids match."""
    if not isinstance(raw, dict):
        problems.append("observations: must be a mapping of observation id to text")
        return {}
    result: dict[str, str] = {}
    for key, value in raw.items():
        where = f"observations.{key}"
        text = _check_text(where, value, MAX_TEXT_CHARS, problems)
        names = _placeholders(text)
        if names is None:
            problems.append(f"{where}: unbalanced braces")
        elif names - OBSERVATION_PLACEHOLDERS:
            extra = ", ".join(sorted(names - OBSERVATION_PLACEHOLDERS))
            problems.append(f"{where}: unknown placeholder(s) {extra}")
        result[str(key)] = " ".join(text.split())
    missing = sorted(expected - result.keys())
    unused = sorted(result.keys() - expected)
    if missing:
        problems.append(f"observations: no text for {', '.join(missing)}")
    if unused:
        problems.append(f"observations: text for unknown observation(s) {', '.join(unused)}")
    return result


def _parse_texts(raw: object, problems: list[str]) -> dict[str, str]:
    """Flat UI texts: keys start with 'practice.' (or are a practice kind's journal label)."""
    if not isinstance(raw, dict):
        problems.append("texts: must be a mapping of key to text")
        return {}
    result: dict[str, str] = {}
    for key, value in raw.items():
        where = f"texts.{key}"
        if not isinstance(key, str) or not key.startswith(TEXT_KEY_STARTS):
            problems.append(f"{where}: key must start with 'practice.'")
        # YAML reads a bare Yes/No as a boolean; quoting it keeps the text.
        text = _check_text(where, value, MAX_TEXT_CHARS, problems)
        if _placeholders(text) is None:
            problems.append(f"{where}: unbalanced braces")
        # Keep line breaks written in YAML; tidy the spaces within each line.
        result[str(key)] = "\n".join(" ".join(line.split()) for line in text.split("\n"))
    return result


def parse_practice(
    raw: dict[str, Any], observation_ids: Iterable[str] | None = None
) -> PracticeContent:
    """Validate raw practice YAML; raise ContentError listing every problem found.

    observation_ids defaults to the analyzer's observations (flows.practice_feedback).
    """
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise ContentError("practice: the file must hold a mapping")
    unknown = sorted(set(raw) - {"scenarios", "observations", "texts"})
    if unknown:
        problems.append(f"practice: unknown section(s) {', '.join(map(str, unknown))}")

    scenarios: list[Scenario] = []
    raw_scenarios = raw.get("scenarios")
    if not isinstance(raw_scenarios, list):
        problems.append("scenarios: must be a list")
    else:
        for index, item in enumerate(raw_scenarios):
            scenario = _parse_scenario(index, item, problems)
            if scenario is not None:
                scenarios.append(scenario)
        _check_library(scenarios, problems)

    if observation_ids is None:
        # The analyzer owns the list of observations; imported here, not at the top, because
        # flows import content and the check must not create a cycle.
        from flows.practice_feedback import Observation

        observation_ids = [observation.value for observation in Observation]
    expected = frozenset(observation_ids)
    observations = _parse_observations(raw.get("observations"), expected, problems)
    texts = _parse_texts(raw.get("texts"), problems)

    if problems:
        raise ContentError("\n".join(f"practice: {problem}" for problem in problems))
    return PracticeContent(
        scenarios=tuple(scenarios),
        observations=MappingProxyType(observations),
        texts=MappingProxyType(texts),
    )


def load_practice(
    path: Path = PRACTICE_PATH, observation_ids: Iterable[str] | None = None
) -> PracticeContent:
    """Read and validate the practice YAML file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ContentError(f"practice: cannot read {path.name}: {error}") from error
    return parse_practice(raw, observation_ids)
