"""Tests for the practice content: it parses, covers the library, and fits the analyzer."""

from __future__ import annotations

import copy
from collections import Counter
from typing import Any

import pytest
import yaml

from content.errors import ContentError
from content.practice import (
    CONTEXTS,
    DIFFICULTIES,
    DIMENSIONS,
    MAX_EXAMPLES,
    MIN_EXAMPLES,
    PRACTICE_PATH,
    REQUESTS,
    PracticeContent,
    load_practice,
    parse_practice,
)
from flows.practice_feedback import (
    BOUNDARY_VERDICTS,
    QUOTED_OBSERVATIONS,
    STRENGTHS,
    Observation,
    analyse,
    suggestion_for,
)

OBSERVATION_IDS = [observation.value for observation in Observation]


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    """The practice YAML as plain data."""
    data = yaml.safe_load(PRACTICE_PATH.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def practice() -> PracticeContent:
    """The validated practice content."""
    return load_practice(observation_ids=OBSERVATION_IDS)


def test_library_counts(practice: PracticeContent) -> None:
    """At least 36 scenes, 8 per context, each context at every level, all kinds present."""
    scenarios = practice.scenarios
    assert len(scenarios) >= 36
    per_context = Counter(s.context for s in scenarios)
    assert set(per_context) == set(CONTEXTS)
    assert min(per_context.values()) >= 8
    for context in CONTEXTS:
        assert {s.difficulty for s in scenarios if s.context == context} == set(DIFFICULTIES)
    assert {s.dimension for s in scenarios} == set(DIMENSIONS)
    assert {s.request for s in scenarios} == set(REQUESTS)
    assert sum(1 for s in scenarios if s.request == "guilt") >= 6


def test_every_dimension_has_two_scenes_at_every_level(practice: PracticeContent) -> None:
    """A focus on one dimension (from a self-check) finds scenes at anyone's level."""
    counts = Counter((s.dimension, s.difficulty) for s in practice.scenarios)
    for dimension in DIMENSIONS:
        for level in DIFFICULTIES:
            assert counts[(dimension, level)] >= 2, (dimension, level)


def test_a_dimension_missing_at_a_level_is_reported(raw: dict[str, Any]) -> None:
    """The parser refuses a library where a dimension has too few scenes at a level."""
    broken = copy.deepcopy(raw)
    broken["scenarios"] = [
        s
        for s in broken["scenarios"]
        if not (s["dimension"] == "self-worth" and s["difficulty"] == 1)
    ]
    with pytest.raises(ContentError) as caught:
        parse_practice(broken, OBSERVATION_IDS)
    assert "0 self-worth scenario(s) at difficulty 1" in str(caught.value)


def test_scenes_are_short_and_end_with_the_other_person(practice: PracticeContent) -> None:
    """Scenes end with a quoted line and leave the question to the flow."""
    for scenario in practice.scenarios:
        assert scenario.scene.endswith('"'), scenario.id
        assert "What would you say" not in scenario.scene
        assert MIN_EXAMPLES <= len(scenario.examples) <= MAX_EXAMPLES


def test_every_observation_has_a_text(practice: PracticeContent) -> None:
    """Each analyzer observation has feedback, and only quoted ones use {quote}."""
    assert set(practice.observations) == set(OBSERVATION_IDS)
    for observation in Observation:
        text = practice.observations[observation.value]
        if "{quote}" in text:
            assert observation in QUOTED_OBSERVATIONS, observation


def test_examples_model_what_the_feedback_praises(practice: PracticeContent) -> None:
    """Every example reply reads as a boundary, names it in plain words, has no weak spot."""
    for scenario in practice.scenarios:
        for example in scenario.examples:
            analysis = analyse(example)
            observed = set(analysis.observations)
            assert analysis.verdict in BOUNDARY_VERDICTS, (scenario.id, example, analysis)
            plain = {Observation.NAMES_NO, Observation.STATES_NEED}
            assert observed & plain, (scenario.id, example, observed)
            assert len(observed & STRENGTHS) >= 2, (scenario.id, example, observed)
            assert observed <= STRENGTHS | {Observation.APOLOGISING}, (scenario.id, example)


def test_every_scene_has_a_suggestion_of_its_own(practice: PracticeContent) -> None:
    """Each scene's examples give a short stance sentence for the "try saying" lines."""
    for scenario in practice.scenarios:
        suggestion = suggestion_for(scenario.examples)
        assert suggestion, scenario.id
        assert any(suggestion.rstrip(".") in example for example in scenario.examples)


def test_texts_are_namespaced(practice: PracticeContent) -> None:
    """Every UI text key is ours (practice. or a practice journal label); the screens exist."""
    assert all(
        key.startswith("practice.") or key.startswith("journal.kind.practice")
        for key in practice.texts
    )
    for key in (
        "practice.intro",
        "practice.ask_reply",
        "practice.ask_confidence",
        "practice.safety.q1",
        "practice.safety.q2",
        "practice.safety.q3",
        "practice.safety.unsafe",
        "practice.safety.fear_note",
        "practice.debrief.q1",
        "practice.debrief.q2",
        "practice.debrief.q3",
        "practice.pick_context",
        "practice.ladder.offer_harder",
        "practice.ladder.stayed",
    ):
        assert practice.text(key)


def test_texts_stay_far_below_the_telegram_limit(practice: PracticeContent) -> None:
    """No text comes near 4096 characters, even a scene with its header and question."""
    longest = max(len(s.scene) for s in practice.scenarios)
    assert longest + 200 < 1000
    assert max(len(text) for text in practice.texts.values()) < 1000


def test_every_problem_is_reported_at_once(raw: dict[str, Any]) -> None:
    """A broken file raises one ContentError that lists each problem."""
    broken = copy.deepcopy(raw)
    broken["scenarios"][0]["difficulty"] = 7
    broken["scenarios"][1]["context"] = "school"
    del broken["scenarios"][2]["examples"]
    broken["scenarios"][3]["scene"] = "No quote at the end."
    broken["scenarios"][4]["id"] = broken["scenarios"][5]["id"]
    broken["observations"]["leaves_door_open"] = "Unknown {placeholder}"
    broken["texts"]["intro"] = "missing the prefix"
    with pytest.raises(ContentError) as caught:
        parse_practice(broken, OBSERVATION_IDS)
    message = str(caught.value)
    for fragment in (
        "difficulty must be 1, 2 or 3",
        "context 'school'",
        "missing examples",
        "must end with what the other person says",
        "duplicate id",
        "unknown placeholder",
        "must start with 'practice.'",
    ):
        assert fragment in message
    assert len(message.splitlines()) >= 7


def test_missing_and_unused_observation_texts_are_reported(raw: dict[str, Any]) -> None:
    """Observation texts must match the analyzer's ids exactly."""
    broken = copy.deepcopy(raw)
    del broken["observations"]["leaves_door_open"]
    broken["observations"]["mind_reading"] = "Not an observation."
    with pytest.raises(ContentError) as caught:
        parse_practice(broken, OBSERVATION_IDS)
    assert "no text for leaves_door_open" in str(caught.value)
    assert "mind_reading" in str(caught.value)


def test_too_small_a_library_is_reported(raw: dict[str, Any]) -> None:
    """Counts are checked: dropping the guilt scenes and most work scenes fails loudly."""
    broken = copy.deepcopy(raw)
    broken["scenarios"] = [
        s
        for s in broken["scenarios"]
        if s["request"] != "guilt" and not (s["context"] == "work" and s["difficulty"] == 3)
    ]
    with pytest.raises(ContentError) as caught:
        parse_practice(broken, OBSERVATION_IDS)
    message = str(caught.value)
    assert "guilt-trip scenarios" in message
    assert "no work scenario at difficulty 3" in message
    assert "no scenario with request guilt" in message
