"""Tests for the practice ladder: levels, offers, and scene choice without repeats."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from dataclasses import dataclass

import pytest

from flows.practice_ladder import (
    Attempt,
    LadderStep,
    choose_scenario,
    current_level,
    ladder_step,
    level_after,
    pool_restarts,
    suggested_level,
)


@dataclass(frozen=True)
class FakeScenario:
    """A scenario with only what the ladder reads."""

    id: str
    difficulty: int
    context: str


CONTEXTS = ("partner", "friends", "family", "work")
SCENARIOS = [
    FakeScenario(f"{context}-{level}{n}", level, context)
    for context in CONTEXTS
    for level in (1, 2, 3)
    for n in range(3)
]


def attempts(level: int, *ratings: int) -> list[Attempt]:
    """Attempts at one level with the given ratings, oldest first."""
    return [Attempt(level, rating) for rating in ratings]


# (history, expected step)
STEP_CASES: list[tuple[list[Attempt], LadderStep]] = [
    ([], LadderStep.STAY),
    (attempts(1, 5), LadderStep.STAY),
    (attempts(1, 4, 4), LadderStep.OFFER_HARDER),
    (attempts(1, 5, 4), LadderStep.OFFER_HARDER),
    (attempts(1, 4, 3), LadderStep.STAY),
    (attempts(1, 3, 4, 5), LadderStep.OFFER_HARDER),
    # Stayed after an offer: asked again only after two more confident ratings.
    (attempts(1, 4, 4, 5), LadderStep.STAY),
    (attempts(1, 4, 4, 5, 5), LadderStep.OFFER_HARDER),
    # Ratings at a lower level do not count towards the current one.
    (attempts(1, 5, 5) + attempts(2, 5), LadderStep.STAY),
    (attempts(1, 5, 5) + attempts(2, 4, 4), LadderStep.OFFER_HARDER),
    # The top level has nowhere higher to go.
    (attempts(3, 5, 5), LadderStep.STAY),
    # Hard ratings: a gentler level is offered after three in a row, never at level 1.
    (attempts(2, 1, 2), LadderStep.STAY),
    (attempts(2, 1, 2, 2), LadderStep.OFFER_GENTLER),
    (attempts(2, 1, 3, 2), LadderStep.STAY),
    (attempts(1, 1, 1, 1), LadderStep.STAY),
    (attempts(3, 2, 2, 1), LadderStep.OFFER_GENTLER),
]


@pytest.mark.parametrize(("history", "expected"), STEP_CASES)
def test_ladder_step(history: list[Attempt], expected: LadderStep) -> None:
    """The ladder offers steps only on the runs of ratings it promises."""
    assert ladder_step(history) is expected


def test_newcomers_start_at_level_one() -> None:
    """Nobody is dropped into a hard scene on their first practice."""
    assert current_level([]) == 1
    assert suggested_level([]) == 1


def test_current_level_follows_the_latest_attempt() -> None:
    """The level is derived from history, so it survives restarts without extra state."""
    assert current_level(attempts(1, 4, 4) + attempts(2, 3)) == 2
    assert current_level([Attempt(7, 3)]) == 3


def test_promotion_by_replaying_confident_ratings() -> None:
    """Two confident ratings in a row at a level move the suggested level up by one."""
    assert suggested_level(attempts(1, 4, 5)) == 2
    assert suggested_level(attempts(1, 4, 3, 5)) == 1
    assert suggested_level(attempts(1, 4, 5) + attempts(2, 5, 5)) == 3
    assert suggested_level(attempts(1, 4, 5) + attempts(2, 5, 5) + attempts(3, 5, 5)) == 3


def test_level_after_an_offer() -> None:
    """Accepting moves one step; declining keeps the level; the ends are clamped."""
    assert level_after(1, LadderStep.OFFER_HARDER, accepted=True) == 2
    assert level_after(1, LadderStep.OFFER_HARDER, accepted=False) == 1
    assert level_after(2, LadderStep.OFFER_GENTLER, accepted=True) == 1
    assert level_after(3, LadderStep.OFFER_HARDER, accepted=True) == 3
    assert level_after(1, LadderStep.OFFER_GENTLER, accepted=True) == 1


def test_no_repeats_until_the_level_pool_is_exhausted() -> None:
    """Every level-1 scene comes once before any comes twice, then a new round starts."""
    rng = random.Random(7)
    pool_size = sum(1 for s in SCENARIOS if s.difficulty == 1)
    done: list[str] = []
    for _ in range(pool_size * 3):
        scenario = choose_scenario(SCENARIOS, done, level=1, rng=rng)
        assert scenario is not None
        assert scenario.difficulty == 1
        done.append(scenario.id)
    for round_number in range(3):
        chunk = done[round_number * pool_size : (round_number + 1) * pool_size]
        assert len(set(chunk)) == pool_size
    # No scene twice in a row across a round boundary.
    assert all(a != b for a, b in itertools.pairwise(done))


def test_other_levels_do_not_use_up_the_pool() -> None:
    """Scenes done at another level do not count against this level's round."""
    level_two = [s.id for s in SCENARIOS if s.difficulty == 2]
    rng = random.Random(1)
    chosen = {
        choose_scenario(SCENARIOS, level_two, level=1, rng=rng).id  # type: ignore[union-attr]
        for _ in range(50)
    }
    assert all(sid.split("-")[1].startswith("1") for sid in chosen)
    assert not pool_restarts(SCENARIOS, level_two, level=1)


def test_context_choice_limits_the_pool() -> None:
    """Choosing a context keeps every scene in it, and its own pool rotates without repeats."""
    rng = random.Random(3)
    done: list[str] = []
    for _ in range(6):
        scenario = choose_scenario(SCENARIOS, done, level=2, context="work", rng=rng)
        assert scenario is not None
        assert (scenario.context, scenario.difficulty) == ("work", 2)
        done.append(scenario.id)
    assert Counter(done) == {sid: 2 for sid in ("work-20", "work-21", "work-22")}


def test_pool_restart_is_reported() -> None:
    """The flow can tell the person when scenes start coming round again."""
    work_two = ["work-20", "work-21"]
    assert not pool_restarts(SCENARIOS, work_two, level=2, context="work")
    assert pool_restarts(SCENARIOS, [*work_two, "work-22"], level=2, context="work")


def test_empty_pool_falls_back_instead_of_failing() -> None:
    """A context with no scene at a level falls back to the level, then to anything."""
    only_partner = [s for s in SCENARIOS if s.context == "partner"]
    scenario = choose_scenario(only_partner, [], level=2, context="work", rng=random.Random(0))
    assert scenario is not None and scenario.difficulty == 2
    assert choose_scenario([], [], level=1) is None


def test_an_empty_level_falls_back_to_the_nearest_level_gentler_first() -> None:
    """With no scene at the person's level, the nearest level is used, never a far one."""
    rng = random.Random(0)

    def levels_picked(scenarios: list[FakeScenario], level: int) -> set[int]:
        picks = [choose_scenario(scenarios, [], level=level, rng=rng) for _ in range(30)]
        return {pick.difficulty for pick in picks if pick is not None}

    assert levels_picked([s for s in SCENARIOS if s.difficulty != 2], level=2) == {1}
    assert levels_picked([s for s in SCENARIOS if s.difficulty != 1], level=1) == {2}
    assert levels_picked([s for s in SCENARIOS if s.difficulty == 3], level=1) == {3}


def test_choice_is_deterministic_for_a_seed() -> None:
    """The same seed and history give the same scene (useful for reproducible tests)."""
    first = choose_scenario(SCENARIOS, ["family-10"], 1, rng=random.Random(42))
    second = choose_scenario(SCENARIOS, ["family-10"], 1, rng=random.Random(42))
    assert first == second
