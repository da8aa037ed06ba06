"""Practice feedback: read a boundary-practice reply as a whole, then name what is in it.

`analyse(text)` gives the overall verdict and the findings that fit it; the rules live in
`cues.py`, the reading in `analysis.py`. Documented in docs/practice-feedback.md.
"""

from flows.practice_feedback.analysis import (
    BOUNDARY_VERDICTS,
    CONTRADICTORY_PAIRS,
    PRAISES_BOUNDARY,
    QUOTED_OBSERVATIONS,
    STRENGTHS,
    Analysis,
    Finding,
    Observation,
    Verdict,
    analyse,
    analyze_reply,
    contradictions,
    find_observations,
    is_strength,
    suggestion_for,
    summarize,
)

__all__ = [
    "BOUNDARY_VERDICTS",
    "CONTRADICTORY_PAIRS",
    "PRAISES_BOUNDARY",
    "QUOTED_OBSERVATIONS",
    "STRENGTHS",
    "Analysis",
    "Finding",
    "Observation",
    "Verdict",
    "analyse",
    "analyze_reply",
    "contradictions",
    "find_observations",
    "is_strength",
    "suggestion_for",
    "summarize",
]
