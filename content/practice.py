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
from rapidfuzz import fuzz

from content.errors import ContentError

PRACTICE_PATH = Path(__file__).with_name("practice.yaml")

CONTEXTS: tuple[str, ...] = ("partner", "friends", "family", "work")
DIFFICULTIES: tuple[int, ...] = (1, 2, 3)
DIMENSIONS: tuple[str, ...] = ("boundaries", "communication", "self-worth", "balance")
REQUESTS: tuple[str, ...] = ("time", "money", "emotional", "favour", "guilt")
# Kinds of practice the flow does not offer yet (see `upcoming` in practice.yaml).
UPCOMING_KINDS: tuple[str, ...] = ("ask", "accept")
MIN_UPCOMING_PER_KIND = 8

MIN_SCENARIOS = 36
MIN_PER_CONTEXT = 8
MIN_GUILT = 6
# A self-check suggestion focuses practice on one dimension; it needs scenes at every level.
MIN_PER_DIMENSION_LEVEL = 2
# Every scene shows at least two example replies, in different voices, so that no single
# wording reads as "the right answer".
MIN_EXAMPLES = 2
MAX_EXAMPLES = 3
# Far below Telegram's 4096: a scene, its header and the question share one message.
MAX_SCENE_CHARS = 600
MAX_EXAMPLE_CHARS = 300
MAX_TEXT_CHARS = 1500
# Observation texts may only use these placeholders: the person's own fragment, and a short
# sentence from the scene's own example replies that says where someone could stand.
OBSERVATION_PLACEHOLDERS = frozenset({"quote", "suggestion"})

# The values of flows.practice_feedback.Observation (what the analyser can notice), each needing
# its feedback texts. Spelled out here so content never imports flows; a test keeps the two in
# step.
OBSERVATION_IDS = (
    "names_no",
    "states_need",
    "offers_alternative",
    "acknowledges_feelings",
    "uses_i_statement",
    "gives_reason",
    "says_yes",
    "conditional_yes",
    "minimising",
    "leaves_door_open",
    "appeasing",
    "apologising",
    "over_explaining",
    "blames",
    "sarcasm",
    "no_clear_answer",
    "empty",
    "one_word",
)

# Two scenes whose wording overlaps this much (rapidfuzz token-set ratio over their content
# words, 0-100) are the same scene told twice. Distinct scenes in the library stay under ~65;
# a copy with a few words changed scores over 85.
NEAR_DUPLICATE_SCENE_RATIO = 75
# Two example replies of one scene this alike (plain ratio) are one voice, not two.
SAME_VOICE_RATIO = 80
# Words that say nothing about what a scene is about, left out before comparing scenes.
_FILLER_WORDS = frozenset(
    re.findall(
        r"[a-z]+",
        "a an the and or but if of to in on at for with from by as is are was were be been am i"
        " you your it its this that they them their he she his her we our us me my so just can"
        " could would will do does did not no have has had what when who how all some any one"
        " up out about than then too very also only into over after before because while",
    )
)
_WORD = re.compile(r"[a-z]+")

_SCENARIO_FIELDS = ("id", "context", "difficulty", "dimension", "request", "scene", "examples")
_UPCOMING_FIELDS = ("id", "kind", "context", "difficulty", "dimension", "scene", "examples")
_UPCOMING_ID = re.compile(r"^(ask|accept)-([a-z]+)-\d{2}$")
_SPEAKS_AS_I = re.compile(r"\bI\b|\bI'")
# What would undo an example of each kind: apologising for having a need, or waving help away.
_UNDOES_KIND = {
    "ask": re.compile(r"\b(sorry|if it'?s not too much|i hate to ask|only if you)\b", re.I),
    "accept": re.compile(
        r"\b(it was nothing|it'?s nothing|no need|you shouldn'?t have|i don'?t deserve)\b", re.I
    ),
}
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
class UpcomingScene:
    """A scene of a kind the practice flow does not offer yet: asking for what you need
    ("ask") or accepting help or praise ("accept"). Validated, not shown."""

    id: str
    kind: str
    context: str
    difficulty: int
    dimension: str
    scene: str
    examples: tuple[str, ...]


@dataclass(frozen=True)
class PracticeContent:
    """Everything the practice flow shows: scenarios, observation feedback and UI texts."""

    scenarios: tuple[Scenario, ...]
    observations: Mapping[str, str]
    texts: Mapping[str, str]
    upcoming: tuple[UpcomingScene, ...] = ()

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
        if not isinstance(raw_examples, list) or not (
            MIN_EXAMPLES <= len(raw_examples) <= MAX_EXAMPLES
        ):
            problems.append(
                f"{where}: examples must be a list of {MIN_EXAMPLES} to {MAX_EXAMPLES} replies"
            )
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


def _topic_words(text: str) -> str:
    """A text's words without fillers, for comparing what two texts are about."""
    return " ".join(w for w in _WORD.findall(text.lower()) if w not in _FILLER_WORDS)


def near_duplicate_scenes(
    scenarios: Iterable[Scenario | UpcomingScene],
) -> list[tuple[str, str, float]]:
    """Pairs of scenes told twice (id, id, similarity), most alike first."""
    keyed = [(scenario.id, _topic_words(scenario.scene)) for scenario in scenarios]
    pairs = [
        (first_id, second_id, fuzz.token_set_ratio(first, second))
        for index, (first_id, first) in enumerate(keyed)
        for second_id, second in keyed[index + 1 :]
    ]
    return sorted(
        (pair for pair in pairs if pair[2] >= NEAR_DUPLICATE_SCENE_RATIO),
        key=lambda pair: -pair[2],
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
    for first_id, second_id, ratio in near_duplicate_scenes(scenarios):
        problems.append(
            f"scenarios: {first_id} and {second_id} are near-duplicates ({ratio:.0f}% alike),"
            " keep one or make them differ"
        )
    for scenario in scenarios:
        for index, example in enumerate(scenario.examples):
            for other in scenario.examples[index + 1 :]:
                if fuzz.ratio(example.lower(), other.lower()) >= SAME_VOICE_RATIO:
                    problems.append(
                        f"scenario {scenario.id}: two examples say almost the same thing,"
                        " write them in different voices"
                    )
    guilt = sum(1 for s in scenarios if s.request == "guilt")
    if guilt < MIN_GUILT:
        problems.append(f"scenarios: {guilt} guilt-trip scenarios, at least {MIN_GUILT} needed")


def _parse_upcoming(raw: object, problems: list[str]) -> list[UpcomingScene]:
    """Validate the scenes of kinds not offered yet; coverage like the refusal library."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append("upcoming: must be a list")
        return []
    scenes: list[UpcomingScene] = []
    for index, item in enumerate(raw):
        where = f"upcoming[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: must be a mapping with {', '.join(_UPCOMING_FIELDS)}")
            continue
        scene_id = str(item.get("id", ""))
        where = f"upcoming {scene_id or index}"
        missing = [name for name in _UPCOMING_FIELDS if name not in item]
        unknown = sorted(map(str, set(item) - set(_UPCOMING_FIELDS)))
        if missing:
            problems.append(f"{where}: missing {', '.join(missing)}")
            continue
        if unknown:
            problems.append(f"{where}: unknown field(s) {', '.join(unknown)}")
        kind, context = item["kind"], item["context"]
        shape = _UPCOMING_ID.match(scene_id)
        if kind not in UPCOMING_KINDS:
            problems.append(f"{where}: kind {kind!r} is not one of {', '.join(UPCOMING_KINDS)}")
        if context not in CONTEXTS:
            problems.append(f"{where}: context {context!r} is not one of {', '.join(CONTEXTS)}")
        if not shape or shape.groups() != (kind, context):
            problems.append(f"{where}: id must look like '{kind}-{context}-01'")
        if item["dimension"] not in DIMENSIONS:
            problems.append(f"{where}: dimension {item['dimension']!r} is not known")
        difficulty = item["difficulty"]
        if isinstance(difficulty, bool) or difficulty not in DIFFICULTIES:
            problems.append(f"{where}: difficulty must be 1, 2 or 3")
        scene = _check_text(f"{where} scene", item["scene"], MAX_SCENE_CHARS, problems)
        if scene and scene[-1] not in _QUOTE_CHARS:
            problems.append(f"{where} scene: must end with what the other person says, in quotes")
        raw_examples = item["examples"]
        examples: list[str] = []
        if not isinstance(raw_examples, list) or not (
            MIN_EXAMPLES <= len(raw_examples) <= MAX_EXAMPLES
        ):
            problems.append(
                f"{where}: examples must be a list of {MIN_EXAMPLES} to {MAX_EXAMPLES} replies"
            )
        else:
            for number, example in enumerate(raw_examples, start=1):
                label = f"{where} example {number}"
                text = _check_text(label, example, MAX_EXAMPLE_CHARS, problems)
                # A request is said in "I" words; a thank-you needs no I.
                if text and kind == "ask" and not _SPEAKS_AS_I.search(text):
                    problems.append(f"{label}: ask from I (I need, I'd like)")
                undoing = _UNDOES_KIND.get(str(kind))
                if text and undoing and (found := undoing.search(text)):
                    problems.append(f"{label}: {found.group(0)!r} undoes it")
                examples.append(" ".join(text.split()))
        scenes.append(
            UpcomingScene(
                id=scene_id,
                kind=str(kind),
                context=str(context),
                difficulty=difficulty if isinstance(difficulty, int) else 0,
                dimension=str(item["dimension"]),
                scene=" ".join(scene.split()),
                examples=tuple(examples),
            )
        )
    duplicates = sorted(sid for sid, n in Counter(s.id for s in scenes).items() if n > 1)
    if duplicates:
        problems.append(f"upcoming: duplicate id(s) {', '.join(duplicates)}")
    for kind in UPCOMING_KINDS:
        of_kind = [s for s in scenes if s.kind == kind]
        if len(of_kind) < MIN_UPCOMING_PER_KIND:
            problems.append(
                f"upcoming: {len(of_kind)} {kind} scenes, at least {MIN_UPCOMING_PER_KIND} needed"
            )
        for context in CONTEXTS:
            if not any(s.context == context for s in of_kind):
                problems.append(f"upcoming: no {kind} scene with {context}")
        for level in DIFFICULTIES:
            if not any(s.difficulty == level for s in of_kind):
                problems.append(f"upcoming: no {kind} scene at difficulty {level}")
    return scenes


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

    observation_ids defaults to the analyzer's observations (`OBSERVATION_IDS`).
    """
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise ContentError("practice: the file must hold a mapping")
    unknown = sorted(set(raw) - {"scenarios", "observations", "texts", "upcoming"})
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
    upcoming = _parse_upcoming(raw.get("upcoming"), problems)
    for first_id, second_id, ratio in near_duplicate_scenes([*scenarios, *upcoming]):
        if first_id.startswith(UPCOMING_KINDS) or second_id.startswith(UPCOMING_KINDS):
            problems.append(
                f"upcoming: {first_id} and {second_id} are near-duplicates ({ratio:.0f}% alike)"
            )

    expected = frozenset(OBSERVATION_IDS if observation_ids is None else observation_ids)
    observations = _parse_observations(raw.get("observations"), expected, problems)
    texts = _parse_texts(raw.get("texts"), problems)

    if problems:
        raise ContentError("\n".join(f"practice: {problem}" for problem in problems))
    return PracticeContent(
        scenarios=tuple(scenarios),
        observations=MappingProxyType(observations),
        texts=MappingProxyType(texts),
        upcoming=tuple(upcoming),
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
