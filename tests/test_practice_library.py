"""The practice library: two example replies per scene, no scene told twice, and scenes for
the situations people live (caregiving, addiction, co-parenting, LGBTQ+ family, family duty,
a friend in crisis)."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
import yaml

from content.errors import ContentError
from content.practice import (
    CONTEXTS,
    DIFFICULTIES,
    MIN_EXAMPLES,
    NEAR_DUPLICATE_SCENE_RATIO,
    PRACTICE_PATH,
    UPCOMING_KINDS,
    PracticeContent,
    load_practice,
    near_duplicate_scenes,
    parse_practice,
)
from flows.practice_feedback import Observation

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


def test_every_scene_has_two_example_replies(practice: PracticeContent) -> None:
    """No scene leaves a single wording looking like the one right answer."""
    assert all(len(s.examples) >= MIN_EXAMPLES for s in practice.scenarios)


def test_no_scene_is_told_twice(practice: PracticeContent) -> None:
    """The library has no near-duplicate scenes."""
    assert near_duplicate_scenes(practice.scenarios) == []


def test_a_reworded_copy_is_caught(raw: dict[str, Any]) -> None:
    """A scene copied with a few words changed is reported as a near-duplicate."""
    broken = copy.deepcopy(raw)
    copied = copy.deepcopy(broken["scenarios"][0])
    copied["id"] = "partner-99"
    copied["scene"] = (
        copied["scene"]
        .replace("quiet evening", "calm night")
        .replace("Sam's", "Alex's")
        .replace("a long week", "a hard week")
    )
    assert copied["scene"] != broken["scenarios"][0]["scene"]
    broken["scenarios"].append(copied)
    with pytest.raises(ContentError, match="partner-01 and partner-99 are near-duplicates"):
        parse_practice(broken, OBSERVATION_IDS)


def test_distinct_scenes_stay_well_under_the_bar(practice: PracticeContent) -> None:
    """The bar sits above every pair of distinct scenes, so it flags copies, not topics."""
    by_id = {s.id: s for s in practice.scenarios}
    # Two scenes on one topic (a loan) in different words and settings.
    pair = [by_id["partner-08"], by_id["friends-06"]]
    assert near_duplicate_scenes(pair) == []
    assert NEAR_DUPLICATE_SCENE_RATIO >= 70


def test_one_example_is_reported(raw: dict[str, Any]) -> None:
    """A scene with a single example reply fails validation."""
    broken = copy.deepcopy(raw)
    broken["scenarios"][0]["examples"] = broken["scenarios"][0]["examples"][:1]
    with pytest.raises(ContentError, match="examples must be a list of 2 to 3 replies"):
        parse_practice(broken, OBSERVATION_IDS)


def test_two_examples_in_one_voice_are_reported(raw: dict[str, Any]) -> None:
    """Two examples that say almost the same thing are one voice, and are reported."""
    broken = copy.deepcopy(raw)
    first = broken["scenarios"][0]["examples"][0]
    broken["scenarios"][0]["examples"] = [first, first.replace("I", "I really", 1)]
    with pytest.raises(ContentError, match="write them in different voices"):
        parse_practice(broken, OBSERVATION_IDS)


@pytest.mark.parametrize(
    ("phrases", "contexts"),
    [
        (("has been ill", "stroke", "carer"), {"partner", "family", "work"}),  # caregiving
        (("drink", "drank"), {"partner", "friends", "family"}),  # addiction
        (("your ex",), {"family"}),  # co-parenting
        (("girlfriend", "old name"), {"family"}),  # LGBTQ+ family
        (("in our family",), {"family"}),  # family duty
        (("hard time", "rough few months"), {"friends"}),  # a friend in crisis
    ],
)
def test_lived_situations_have_scenes(
    practice: PracticeContent, phrases: tuple[str, ...], contexts: set[str]
) -> None:
    """Each situation the library was deepened for has scenes in the parts of life named."""
    found = {
        s.context
        for s in practice.scenarios
        if any(phrase in s.scene.lower() for phrase in phrases)
    }
    assert contexts <= found, (phrases, found)


def test_covering_and_lending_for_drinking_are_both_rehearsed(practice: PracticeContent) -> None:
    """Addiction scenes cover both covering for someone and money that goes to drinking."""
    drinking = [s for s in practice.scenarios if re.search(r"\bdr[ai]nk", s.scene.lower())]
    assert any(s.request == "money" for s in drinking)
    assert any("say" in s.scene.lower() and s.request == "favour" for s in drinking)


def test_upcoming_kinds_cover_every_part_of_life_and_level(practice: PracticeContent) -> None:
    """Asking for a need and accepting help: 8+ scenes each, all contexts and levels."""
    for kind in UPCOMING_KINDS:
        scenes = [s for s in practice.upcoming if s.kind == kind]
        assert len(scenes) >= 8, kind
        assert {s.context for s in scenes} == set(CONTEXTS), kind
        assert {s.difficulty for s in scenes} == set(DIFFICULTIES), kind
        assert all(len(s.examples) >= MIN_EXAMPLES for s in scenes), kind
    # Not offered yet: the flow draws scenes from `scenarios` only.
    assert not {s.id for s in practice.upcoming} & {s.id for s in practice.scenarios}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda scene: scene["examples"].__setitem__(0, "Sorry, I'd like Sunday morning."),
            "'Sorry' undoes it",
        ),
        (lambda scene: scene.update(kind="accept"), "id must look like 'accept-partner-01'"),
        (lambda scene: scene["examples"].__setitem__(1, "Can we keep Sunday free?"), "ask from I"),
        (lambda scene: scene.update(scene="No quote here."), "must end with what the other"),
    ],
)
def test_upcoming_problems_are_reported(raw: dict[str, Any], change: Any, expected: str) -> None:
    """An apologetic request, a wrong id, a request not in I words, a scene without a line."""
    broken = copy.deepcopy(raw)
    change(broken["upcoming"][0])
    with pytest.raises(ContentError, match=expected):
        parse_practice(broken, OBSERVATION_IDS)


def test_an_upcoming_kind_without_enough_scenes_is_reported(raw: dict[str, Any]) -> None:
    """Dropping the accept scenes fails loudly."""
    broken = copy.deepcopy(raw)
    broken["upcoming"] = [s for s in broken["upcoming"] if s["kind"] != "accept"]
    with pytest.raises(ContentError, match="0 accept scenes, at least 8 needed"):
        parse_practice(broken, OBSERVATION_IDS)
