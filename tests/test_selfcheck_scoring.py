"""Scoring of the self-check: reverse items, bounds, a hand-computed example, comparisons."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from content.selfcheck import SelfCheckContent, parse_selfcheck
from flows.selfcheck_scoring import (
    band_for,
    change_direction,
    compare_results,
    item_points,
    score_answers,
)

CONTENT_FILE = Path(__file__).resolve().parents[1] / "content" / "selfcheck.yaml"


def _small_raw() -> dict[str, Any]:
    """Two dimensions of four items each, small enough to score by hand."""
    dimension_texts = {
        "title": "T",
        "low": "l",
        "middle": "m",
        "high": "h",
        "suggestion": "s",
        "reflect_theme": "r",
        "practice_dimension": "p",
    }
    return {
        "scale": ["1", "2", "3", "4", "5"],
        "dimensions": [
            {"id": "boundaries", **dimension_texts},
            {"id": "balance", **dimension_texts},
        ],
        "items": [
            {"id": "b1", "dimension": "boundaries", "text": "x", "reverse": False},
            {"id": "b2", "dimension": "boundaries", "text": "x", "reverse": True},
            {"id": "b3", "dimension": "boundaries", "text": "x", "reverse": False},
            {"id": "b4", "dimension": "boundaries", "text": "x", "reverse": True},
            {"id": "t1", "dimension": "balance", "text": "x", "reverse": False},
            {"id": "t2", "dimension": "balance", "text": "x", "reverse": False},
            {"id": "t3", "dimension": "balance", "text": "x", "reverse": True},
            {"id": "t4", "dimension": "balance", "text": "x", "reverse": False},
        ],
        "scoring": {
            "min_answers_per_dimension": 3,
            "middle_from": 40,
            "high_from": 70,
            "same_within": 4,
        },
        "texts": {"selfcheck.intro": "hi"},
    }


@pytest.fixture(name="small")
def fixture_small() -> SelfCheckContent:
    """The hand-scorable content."""
    return parse_selfcheck(_small_raw())


@pytest.fixture(name="real")
def fixture_real() -> SelfCheckContent:
    """The content the bot ships."""
    return parse_selfcheck(yaml.safe_load(CONTENT_FILE.read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    ("answer", "reverse", "points"),
    [
        (1, False, 0),
        (3, False, 2),
        (5, False, 4),
        (1, True, 4),
        (2, True, 3),
        (5, True, 0),
    ],
)
def test_item_points_count_reverse_items_the_other_way(
    answer: int, reverse: bool, points: int
) -> None:
    """Agreeing with a codependent-phrased statement earns fewer points."""
    assert item_points(answer, reverse) == points


@pytest.mark.parametrize("answer", [0, 6, -1, True])
def test_item_points_refuses_answers_off_the_scale(answer: int) -> None:
    """Only 1..5 is a valid answer."""
    with pytest.raises(ValueError):
        item_points(answer, False)


def test_all_codependent_leaning_answers_score_zero(real: SelfCheckContent) -> None:
    """The lowest-scoring answer to every statement gives 0 in every dimension."""
    answers = {item.id: 5 if item.reverse else 1 for item in real.items}
    scores = score_answers(answers, real)
    assert [d.score for d in scores.dimensions] == [0, 0, 0, 0]
    assert {d.band for d in scores.dimensions} == {"low"}


def test_all_interdependent_leaning_answers_score_hundred(real: SelfCheckContent) -> None:
    """The highest-scoring answer to every statement gives 100 in every dimension."""
    answers = {item.id: 1 if item.reverse else 5 for item in real.items}
    scores = score_answers(answers, real)
    assert [d.score for d in scores.dimensions] == [100, 100, 100, 100]
    assert {d.band for d in scores.dimensions} == {"high"}


def test_pressing_the_first_button_everywhere_is_not_zero(real: SelfCheckContent) -> None:
    """Because reverse items count the other way, all 1s lands in between, per direction mix."""
    scores = score_answers({item.id: 1 for item in real.items}, real)
    for dimension in scores.dimensions:
        own = [i for i in real.items if i.dimension == dimension.dimension]
        reversed_share = sum(i.reverse for i in own) / len(own)
        assert dimension.score == round(100 * reversed_share)


def test_hand_computed_example(small: SelfCheckContent) -> None:
    """boundaries: b1=4 (3 pts), b2=2 rev (3), b3=5 (4), b4=4 rev (1) -> 11/16 = 68.75 -> 69.

    balance: t1=3 (2), t2=2 (1), t3=1 rev (4), t4=1 (0) -> 7/16 = 43.75 -> 44.
    """
    answers = {"b1": 4, "b2": 2, "b3": 5, "b4": 4, "t1": 3, "t2": 2, "t3": 1, "t4": 1}
    scores = score_answers(answers, small)
    boundaries, balance = scores.dimensions
    assert (boundaries.dimension, boundaries.score, boundaries.band) == (
        "boundaries",
        69,
        "middle",
    )
    assert (balance.dimension, balance.score, balance.band) == ("balance", 44, "middle")
    assert scores.as_mapping() == {"boundaries": 69, "balance": 44}


def test_half_points_round_up(small: SelfCheckContent) -> None:
    """b1=4 (3), b2=3 rev (2), b3=4 (3), b4=3 rev (2) -> 10/16 = 62.5, shown as 63."""
    answers = {"b1": 4, "b2": 3, "b3": 4, "b4": 3}
    assert score_answers(answers, small).dimensions[0].score == 63


def test_partial_answers_score_only_what_was_answered(small: SelfCheckContent) -> None:
    """Three of four answered is enough; the mean uses the three (b1=5, b2=1 rev, b3=3: 10/12)."""
    scores = score_answers({"b1": 5, "b2": 1, "b3": 3, "t1": 5, "t2": 5}, small)
    boundaries, balance = scores.dimensions
    assert (boundaries.score, boundaries.answered, boundaries.total) == (83, 3, 4)
    # Two answers are below the minimum of three: no score rather than a shaky one.
    assert (balance.score, balance.band, balance.answered) == (None, None, 2)


def test_no_answers_gives_no_scores(small: SelfCheckContent) -> None:
    """An empty self-check scores nothing and does not divide by zero."""
    assert score_answers({}, small).as_mapping() == {"boundaries": None, "balance": None}


def test_answers_for_removed_statements_are_ignored(small: SelfCheckContent) -> None:
    """A stored answer whose statement no longer exists does not break scoring."""
    answers = {"b1": 5, "b2": 1, "b3": 5, "b4": 1, "gone-7": 3}
    assert score_answers(answers, small).dimensions[0].score == 100


@pytest.mark.parametrize(
    ("score", "band"),
    [(0, "low"), (39, "low"), (40, "middle"), (69, "middle"), (70, "high"), (100, "high")],
)
def test_band_thresholds_come_from_content(small: SelfCheckContent, score: int, band: str) -> None:
    """Bands switch exactly at middle_from and high_from."""
    assert band_for(score, small.scoring) == band


def test_compare_with_a_single_result_has_no_changes() -> None:
    """One result: nothing to compare against."""
    (change,) = compare_results([{"balance": 50}], ["balance"])
    assert (change.latest, change.since_first, change.since_previous) == (50, None, None)


def test_compare_since_first_and_previous() -> None:
    """Changes are latest minus first and latest minus the one before."""
    history: list[dict[str, int | None]] = [
        {"boundaries": 30, "balance": None},
        {"boundaries": 50, "balance": 40},
        {"boundaries": 45, "balance": 55},
    ]
    boundaries, balance = compare_results(history, ["boundaries", "balance"])
    assert (boundaries.latest, boundaries.since_first, boundaries.since_previous) == (45, 15, -5)
    # balance had no score the first time: its first is the first result that has one.
    assert (balance.latest, balance.since_first, balance.since_previous) == (55, 15, 15)


def test_compare_when_latest_has_no_score() -> None:
    """A dimension without a score in the latest result has no change to report."""
    (change,) = compare_results([{"balance": 40}, {"balance": None}], ["balance"])
    assert (change.latest, change.since_first, change.since_previous) == (None, None, None)


def test_compare_with_no_history() -> None:
    """No results, no changes."""
    assert compare_results([], ["balance"]) == ()


@pytest.mark.parametrize(
    ("delta", "direction"), [(0, "same"), (4, "same"), (-4, "same"), (5, "up"), (-12, "down")]
)
def test_small_changes_read_as_about_the_same(
    small: SelfCheckContent, delta: int, direction: str
) -> None:
    """Moves within same_within points are noise, not news."""
    assert change_direction(delta, small.scoring) == direction
