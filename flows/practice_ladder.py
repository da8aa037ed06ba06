"""The practice ladder: which level a person is at, when to offer a step, and which scene next.

Pure functions over a person's practice history, so the level never has to be stored on its
own: it is re-derived from stored practice entries after a restart.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, TypeVar

LOWEST_LEVEL = 1
HIGHEST_LEVEL = 3
# Two confident ratings in a row at a level earn the offer of a harder scene.
PROMOTE_AFTER = 2
PROMOTE_MIN_RATING = 4
# Three hard ones in a row earn the offer of a lighter level; never more than one step, never
# automatic, so a rough patch never feels like being sent back.
EASE_AFTER = 3
EASE_MAX_RATING = 2


class LadderStep(StrEnum):
    """What the ladder suggests after a rating."""

    STAY = "stay"
    OFFER_HARDER = "offer_harder"
    OFFER_GENTLER = "offer_gentler"


class ScenarioLike(Protocol):
    """The parts of a scenario the ladder needs (content.practice.Scenario fits)."""

    @property
    def id(self) -> str:
        """Stable scenario id."""
        ...

    @property
    def difficulty(self) -> int:
        """Level 1 to 3."""
        ...

    @property
    def context(self) -> str:
        """partner, friends, family or work."""
        ...


S = TypeVar("S", bound=ScenarioLike)


@dataclass(frozen=True)
class Attempt:
    """One finished practice: the scene's level and the confidence rating (1-5) given."""

    level: int
    confidence: int


def clamp_level(level: int) -> int:
    """A level forced into the ladder's range."""
    return max(LOWEST_LEVEL, min(HIGHEST_LEVEL, level))


def _trailing_run(attempts: Sequence[Attempt]) -> list[int]:
    """Ratings of the latest attempts made in a row at the same level as the last one."""
    if not attempts:
        return []
    level = attempts[-1].level
    run: list[int] = []
    for attempt in reversed(attempts):
        if attempt.level != level:
            break
        run.append(attempt.confidence)
    run.reverse()
    return run


def _trailing_count(ratings: Sequence[int], *, low: bool) -> int:
    """How many of the latest ratings in a row are confident (or, with low=True, hard)."""
    count = 0
    for rating in reversed(ratings):
        hit = rating <= EASE_MAX_RATING if low else rating >= PROMOTE_MIN_RATING
        if not hit:
            break
        count += 1
    return count


def current_level(attempts: Sequence[Attempt]) -> int:
    """The level a person is practising at: that of their latest attempt, 1 for newcomers."""
    if not attempts:
        return LOWEST_LEVEL
    return clamp_level(attempts[-1].level)


def ladder_step(attempts: Sequence[Attempt]) -> LadderStep:
    """After a rating: offer a harder level, a gentler one, or simply carry on.

    The offer comes after every second confident rating in a row at the current level, so a
    person who chose to stay is asked again only after two more confident ratings, not after
    each one. A gentler level is offered after every third hard rating in a row.
    """
    if not attempts:
        return LadderStep.STAY
    level = current_level(attempts)
    run = _trailing_run(attempts)
    confident = _trailing_count(run, low=False)
    if level < HIGHEST_LEVEL and confident and confident % PROMOTE_AFTER == 0:
        return LadderStep.OFFER_HARDER
    hard = _trailing_count(run, low=True)
    if level > LOWEST_LEVEL and hard and hard % EASE_AFTER == 0:
        return LadderStep.OFFER_GENTLER
    return LadderStep.STAY


def level_after(level: int, step: LadderStep, accepted: bool) -> int:
    """The level for the next scene once the person has answered an offer."""
    if not accepted:
        return clamp_level(level)
    if step is LadderStep.OFFER_HARDER:
        return clamp_level(level + 1)
    if step is LadderStep.OFFER_GENTLER:
        return clamp_level(level - 1)
    return clamp_level(level)


def suggested_level(attempts: Sequence[Attempt]) -> int:
    """The level a person would reach if they accepted every harder offer so far.

    Replays the history: two confident ratings in a row at a level move them up one. Useful to
    show progress; the flow itself always asks before moving anyone.
    """
    level = LOWEST_LEVEL
    confident = 0
    for attempt in attempts:
        if attempt.level != level:
            confident = 0
            continue
        confident = confident + 1 if attempt.confidence >= PROMOTE_MIN_RATING else 0
        if confident >= PROMOTE_AFTER and level < HIGHEST_LEVEL:
            level += 1
            confident = 0
    return level


def _pool(scenarios: Sequence[S], level: int, context: str | None) -> list[S]:
    """Scenarios at a level (and context, when chosen), sorted by id for determinism."""
    chosen = [
        s for s in scenarios if s.difficulty == level and (context is None or s.context == context)
    ]
    return sorted(chosen, key=lambda s: s.id)


def _levels_by_distance(level: int) -> list[int]:
    """Every ladder level, nearest to `level` first; on a tie the gentler one comes first."""
    levels = range(LOWEST_LEVEL, HIGHEST_LEVEL + 1)
    return sorted(levels, key=lambda other: (abs(other - level), other))


def unseen_in_cycle(pool: Sequence[S], done_ids: Sequence[str]) -> tuple[list[S], bool]:
    """The pool's scenarios not yet done in the current round, and whether a round restarted.

    done_ids is the person's history, oldest first, repeats allowed. Walking it, a round ends
    when every scenario in the pool has been done once; then the next round starts empty.
    """
    pool_ids = {s.id for s in pool}
    seen: set[str] = set()
    for scenario_id in done_ids:
        if scenario_id not in pool_ids:
            continue
        seen.add(scenario_id)
        if seen == pool_ids:
            seen = set()
    if pool and seen == set() and any(sid in pool_ids for sid in done_ids):
        # Every scene in the pool has been done; a new round begins.
        return list(pool), True
    return [s for s in pool if s.id not in seen], False


def choose_scenario(
    scenarios: Sequence[S],
    done_ids: Sequence[str],
    level: int,
    context: str | None = None,
    rng: random.Random | None = None,
) -> S | None:
    """Pick the next scene: not repeated until the pool for this level (and context) runs out.

    When a new round starts, the scene done last is avoided so nobody meets the same scene
    twice in a row. Only if the pool is empty does it fall back: to any context at the same
    level, then to the nearest level (the gentler one first, so nobody is pushed up unasked).
    Returns None only when there are no scenarios at all.
    """
    rng = rng or random.Random()
    level = clamp_level(level)
    pool: list[S] = []
    for nearby in _levels_by_distance(level):
        pool = _pool(scenarios, nearby, context) or _pool(scenarios, nearby, None)
        if pool:
            break
    if not pool:
        return None
    candidates, restarted = unseen_in_cycle(pool, done_ids)
    if restarted and len(candidates) > 1 and done_ids:
        candidates = [s for s in candidates if s.id != done_ids[-1]]
    return rng.choice(candidates)


def pool_restarts(
    scenarios: Sequence[S], done_ids: Sequence[str], level: int, context: str | None = None
) -> bool:
    """True when the next scene starts a new round of an exhausted pool (worth a word)."""
    pool = _pool(scenarios, clamp_level(level), context)
    if not pool:
        return False
    return unseen_in_cycle(pool, done_ids)[1]
