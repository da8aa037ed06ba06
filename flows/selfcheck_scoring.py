"""Plain scoring for the self-check: answers to 0..100 per dimension, bands, and changes.

0 means the answers lean codependent, 100 that they lean interdependent. An answer is 1..5
("not at all like me" .. "very much like me"). A statement phrased in the interdependent
direction earns answer - 1 points, one phrased in the codependent direction (reverse) earns
5 - answer, so agreeing with a codependent statement lowers the score. A dimension's score is
its earned points over the most it could earn from the statements answered, times 100.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from content.selfcheck import ScoringRules, SelfCheckContent

LOWEST_ANSWER = 1
HIGHEST_ANSWER = 5
_MAX_POINTS = HIGHEST_ANSWER - LOWEST_ANSWER

Band = Literal["low", "middle", "high"]
Direction = Literal["up", "down", "same"]


@dataclass(frozen=True)
class DimensionScore:
    """One dimension's result; score and band are None when too few statements were answered."""

    dimension: str
    score: int | None
    band: Band | None
    answered: int
    total: int


@dataclass(frozen=True)
class SelfCheckScores:
    """A whole self-check's result, one DimensionScore per dimension in content order."""

    dimensions: tuple[DimensionScore, ...]

    def as_mapping(self) -> dict[str, int | None]:
        """Dimension id -> score, the shape that is stored and compared."""
        return {d.dimension: d.score for d in self.dimensions}


@dataclass(frozen=True)
class ScoreChange:
    """How one dimension moved: latest score and the change since the first and previous."""

    dimension: str
    latest: int | None
    since_first: int | None
    since_previous: int | None


def item_points(answer: int, reverse: bool) -> int:
    """Points (0..4) for one answer (1..5); reverse-scored statements count the other way."""
    if isinstance(answer, bool) or not LOWEST_ANSWER <= answer <= HIGHEST_ANSWER:
        raise ValueError(f"an answer must be {LOWEST_ANSWER}..{HIGHEST_ANSWER}, got {answer!r}")
    if reverse:
        return HIGHEST_ANSWER - answer
    return answer - LOWEST_ANSWER


def _round_half_up(value: float) -> int:
    """Round .5 up, so 62.5 is shown as 63 (Python's round() would give 62)."""
    return int(value + 0.5)


def band_for(score: int, rules: ScoringRules) -> Band:
    """The band a 0..100 score falls in, using the thresholds from content."""
    if score >= rules.high_from:
        return "high"
    if score >= rules.middle_from:
        return "middle"
    return "low"


def score_answers(answers: Mapping[str, int], content: SelfCheckContent) -> SelfCheckScores:
    """Score answers (item id -> 1..5); unanswered items are left out of the mean.

    Answers for ids no longer in the content (a statement removed while someone had paused)
    are ignored rather than failing the whole result. A dimension with fewer answered
    statements than the content's minimum gets no score, so two answers never pass for a
    picture of a whole area.
    """
    results: list[DimensionScore] = []
    for dimension in content.dimensions:
        items = [item for item in content.items if item.dimension == dimension.id]
        points = [item_points(answers[i.id], i.reverse) for i in items if i.id in answers]
        score: int | None = None
        band: Band | None = None
        if points and len(points) >= content.scoring.min_answers_per_dimension:
            score = _round_half_up(100 * sum(points) / (_MAX_POINTS * len(points)))
            band = band_for(score, content.scoring)
        results.append(
            DimensionScore(
                dimension=dimension.id,
                score=score,
                band=band,
                answered=len(points),
                total=len(items),
            )
        )
    return SelfCheckScores(dimensions=tuple(results))


def _difference(latest: int | None, earlier: int | None) -> int | None:
    """latest - earlier, or None when either side has no score."""
    if latest is None or earlier is None:
        return None
    return latest - earlier


def compare_results(
    history: Sequence[Mapping[str, int | None]], dimension_ids: Sequence[str]
) -> tuple[ScoreChange, ...]:
    """Changes per dimension across stored results, oldest first.

    With one result there is nothing to compare: both changes are None. The first result with
    a score for a dimension counts as that dimension's first, so a dimension skipped once does
    not hide its later movement.
    """
    if not history:
        return ()
    latest, earlier = history[-1], history[:-1]
    changes: list[ScoreChange] = []
    for dimension in dimension_ids:
        latest_score = latest.get(dimension)
        scored = [r[dimension] for r in earlier if r.get(dimension) is not None]
        first = scored[0] if scored else None
        previous = earlier[-1].get(dimension) if earlier else None
        changes.append(
            ScoreChange(
                dimension=dimension,
                latest=latest_score,
                since_first=_difference(latest_score, first),
                since_previous=_difference(latest_score, previous),
            )
        )
    return tuple(changes)


def change_direction(delta: int, rules: ScoringRules) -> Direction:
    """Whether a change reads as up, down or about the same (small moves are noise)."""
    if abs(delta) <= rules.same_within:
        return "same"
    return "up" if delta > 0 else "down"
