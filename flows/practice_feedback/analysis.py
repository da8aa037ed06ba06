"""Reads a practice reply as a whole: one overall verdict first, then the parts worth naming.

The cues (flows/practice_feedback/cues.py) say where the reply says no, yes, maybe, sorry...
Here they are read together. The verdict comes from the reply's final stance (a reply that starts
firm and ends "ok fine, I'll do it" is a yes), from pleading (appeasing), from blame (attacking)
and from fear or exhaustion (safety). Observations are then chosen to fit the verdict, so the
feedback never praises a yes as a boundary, never names the same words twice, and never names
two things that contradict each other. Documented in docs/practice-feedback.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from flows.practice_feedback.cues import (
    RESIGNED,
    Cue,
    Cues,
    Found,
    clause_span,
    find_cues,
    negated,
    short_reasons,
)
from flows.practice_feedback.learned import VerdictModel, blended_verdict, shipped_model
from flows.practice_feedback.text import WORD, clause_at, normalize, quote, trimmed_span


class Verdict(StrEnum):
    """The one overall reading of a reply."""

    CLEAR_NO = "clear_no"
    CLEAR_REQUEST = "clear_request"
    SOFT_NO_ALTERNATIVE = "soft_no_alternative"
    HEDGE = "hedge"
    GIVING_IN = "giving_in"
    APPEASING = "appeasing"
    ATTACKING = "attacking"
    SAFETY = "safety"


# Verdicts the feedback may praise as a boundary.
BOUNDARY_VERDICTS: frozenset[Verdict] = frozenset(
    {Verdict.CLEAR_NO, Verdict.CLEAR_REQUEST, Verdict.SOFT_NO_ALTERNATIVE}
)


class Observation(StrEnum):
    """One thing the analyser can name in a reply; strengths are declared first."""

    # Strengths.
    NAMES_NO = "names_no"
    STATES_NEED = "states_need"
    OFFERS_ALTERNATIVE = "offers_alternative"
    ACKNOWLEDGES_FEELINGS = "acknowledges_feelings"
    USES_I_STATEMENT = "uses_i_statement"
    GIVES_REASON = "gives_reason"
    # Weak spots.
    SAYS_YES = "says_yes"
    CONDITIONAL_YES = "conditional_yes"
    MINIMISING = "minimising"
    LEAVES_DOOR_OPEN = "leaves_door_open"
    APPEASING = "appeasing"
    APOLOGISING = "apologising"
    OVER_EXPLAINING = "over_explaining"
    BLAMES = "blames"
    SARCASM = "sarcasm"
    NO_CLEAR_ANSWER = "no_clear_answer"
    EMPTY = "empty"
    ONE_WORD = "one_word"


STRENGTHS: frozenset[Observation] = frozenset(
    {
        Observation.NAMES_NO,
        Observation.STATES_NEED,
        Observation.OFFERS_ALTERNATIVE,
        Observation.ACKNOWLEDGES_FEELINGS,
        Observation.USES_I_STATEMENT,
        Observation.GIVES_REASON,
    }
)
# Observations whose feedback praises the reply as a boundary.
PRAISES_BOUNDARY: frozenset[Observation] = frozenset({Observation.NAMES_NO})
# Observations that carry no fragment of the person's words.
UNQUOTED: frozenset[Observation] = frozenset({Observation.NO_CLEAR_ANSWER, Observation.EMPTY})
QUOTED_OBSERVATIONS: frozenset[Observation] = frozenset(set(Observation) - UNQUOTED)

# Pairs that cannot both be true of one reply: naming both would contradict itself.
CONTRADICTORY_PAIRS: frozenset[frozenset[Observation]] = frozenset(
    frozenset(pair)
    for pair in (
        (Observation.NAMES_NO, Observation.SAYS_YES),
        (Observation.NAMES_NO, Observation.CONDITIONAL_YES),
        (Observation.NAMES_NO, Observation.LEAVES_DOOR_OPEN),
        (Observation.NAMES_NO, Observation.MINIMISING),
        (Observation.SAYS_YES, Observation.CONDITIONAL_YES),
        (Observation.SAYS_YES, Observation.LEAVES_DOOR_OPEN),
        (Observation.CONDITIONAL_YES, Observation.LEAVES_DOOR_OPEN),
        (Observation.OFFERS_ALTERNATIVE, Observation.CONDITIONAL_YES),
        (Observation.OFFERS_ALTERNATIVE, Observation.SAYS_YES),
        (Observation.GIVES_REASON, Observation.OVER_EXPLAINING),
        (Observation.STATES_NEED, Observation.MINIMISING),
        (Observation.NO_CLEAR_ANSWER, Observation.NAMES_NO),
        (Observation.NO_CLEAR_ANSWER, Observation.SAYS_YES),
    )
)

# Which observations each verdict allows. Anything else found in the reply is left unsaid,
# because naming it would contradict the reading of the whole reply.
_ALLOWED: dict[Verdict, frozenset[Observation]] = {
    Verdict.CLEAR_NO: frozenset(
        {
            Observation.NAMES_NO,
            Observation.STATES_NEED,
            Observation.ACKNOWLEDGES_FEELINGS,
            Observation.USES_I_STATEMENT,
            Observation.GIVES_REASON,
            Observation.APOLOGISING,
            Observation.OVER_EXPLAINING,
            Observation.ONE_WORD,
        }
    ),
    Verdict.GIVING_IN: frozenset(
        {
            Observation.BLAMES,
            Observation.SARCASM,
            Observation.SAYS_YES,
            Observation.CONDITIONAL_YES,
            Observation.MINIMISING,
            Observation.APPEASING,
            Observation.APOLOGISING,
            Observation.OVER_EXPLAINING,
            Observation.ACKNOWLEDGES_FEELINGS,
            Observation.USES_I_STATEMENT,
            Observation.ONE_WORD,
        }
    ),
    Verdict.HEDGE: frozenset(
        {
            Observation.LEAVES_DOOR_OPEN,
            Observation.NO_CLEAR_ANSWER,
            Observation.MINIMISING,
            Observation.APOLOGISING,
            Observation.OVER_EXPLAINING,
            Observation.ACKNOWLEDGES_FEELINGS,
            Observation.USES_I_STATEMENT,
            Observation.STATES_NEED,
            Observation.ONE_WORD,
        }
    ),
    Verdict.APPEASING: frozenset(
        {
            Observation.APPEASING,
            Observation.APOLOGISING,
            Observation.OVER_EXPLAINING,
            Observation.MINIMISING,
            Observation.LEAVES_DOOR_OPEN,
            Observation.ACKNOWLEDGES_FEELINGS,
            Observation.USES_I_STATEMENT,
            Observation.STATES_NEED,
        }
    ),
    Verdict.ATTACKING: frozenset(
        {
            Observation.BLAMES,
            Observation.SARCASM,
            Observation.SAYS_YES,
            Observation.CONDITIONAL_YES,
            Observation.OVER_EXPLAINING,
            Observation.ONE_WORD,
        }
    ),
    Verdict.SAFETY: frozenset(),
}
_ALLOWED[Verdict.SOFT_NO_ALTERNATIVE] = _ALLOWED[Verdict.CLEAR_NO] | {
    Observation.OFFERS_ALTERNATIVE
}
_ALLOWED[Verdict.CLEAR_REQUEST] = _ALLOWED[Verdict.SOFT_NO_ALTERNATIVE] - {Observation.NAMES_NO}

# When two findings would quote the same words, the one earlier here is kept: what defines the
# verdict first, then weak spots (never praise words that are also criticised), then strengths.
_PRIORITY: tuple[Observation, ...] = (
    Observation.CONDITIONAL_YES,
    Observation.SAYS_YES,
    Observation.APPEASING,
    Observation.MINIMISING,
    Observation.LEAVES_DOOR_OPEN,
    Observation.BLAMES,
    Observation.SARCASM,
    Observation.OVER_EXPLAINING,
    Observation.APOLOGISING,
    Observation.NAMES_NO,
    Observation.STATES_NEED,
    Observation.OFFERS_ALTERNATIVE,
    Observation.ACKNOWLEDGES_FEELINGS,
    Observation.GIVES_REASON,
    Observation.USES_I_STATEMENT,
)
_ORDER: dict[Observation, int] = {obs: index for index, obs in enumerate(Observation)}

# Over-explaining: this many reason markers always count; fewer count only in a long reply.
_REASONS_ALWAYS = 3
_REASONS_IN_LONG_REPLY = 2
_LONG_REPLY_WORDS = 40
# Apologies: this many in one reply are worth naming even when the reply is otherwise clear.
_APOLOGIES_WORTH_NAMING = 2


@dataclass(frozen=True)
class Finding:
    """An observation, the fragment of the reply it quotes, and where that fragment sits.

    `minor` findings are true but not worth a line in the feedback (one "sorry" in a clear no).
    """

    observation: Observation
    quote: str = ""
    start: int = 0
    end: int = 0
    minor: bool = False

    @property
    def is_strength(self) -> bool:
        """True when the observation is something the person did well."""
        return self.observation in STRENGTHS


@dataclass(frozen=True)
class Analysis:
    """The whole reading of one reply: the verdict, then the findings that fit it."""

    verdict: Verdict
    findings: tuple[Finding, ...]

    @property
    def observations(self) -> list[Observation]:
        """The observation ids, strengths first."""
        return [finding.observation for finding in self.findings]

    @property
    def praises_boundary(self) -> bool:
        """True when the feedback would praise this reply as a boundary."""
        return self.verdict in BOUNDARY_VERDICTS or any(
            finding.observation in PRAISES_BOUNDARY for finding in self.findings
        )

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready form: verdict, observation ids and the quoted spans."""
        return {
            "verdict": self.verdict.value,
            "observations": [finding.observation.value for finding in self.findings],
            "spans": [
                {
                    "observation": finding.observation.value,
                    "quote": finding.quote,
                    "start": finding.start,
                    "end": finding.end,
                }
                for finding in self.findings
                if finding.quote
            ],
        }


def is_strength(observation: Observation) -> bool:
    """True when the observation names something the person did well."""
    return observation in STRENGTHS


# --- the verdict ------------------------------------------------------------------------------


def _first_no(cues: Cues) -> int | None:
    """Where the reply first says no, if it does."""
    return cues.of(Cue.REFUSAL)[0].start if cues.has(Cue.REFUSAL) else None


def _after_no(cues: Cues, spots: Sequence[Found]) -> list[Found]:
    first_no = _first_no(cues)
    return [spot for spot in spots if first_no is not None and spot.start > first_no]


def _before_any_no(cues: Cues, spots: Sequence[Found]) -> list[Found]:
    first_no = _first_no(cues)
    return [spot for spot in spots if first_no is None or spot.start < first_no]


def _in_clause_with(cues: Cues, spot: Found, others: Sequence[Found]) -> bool:
    start, end = clause_span(cues, spot.start)
    return any(start <= other.start < end for other in others)


def _words(cues: Cues, spot: Found) -> str:
    return cues.normal.text[spot.start : spot.end]


def _offers(cues: Cues) -> list[Found]:
    """Another time, way or person: not negated in its own clause; "I can..." after a no."""
    spots = []
    for spot in cues.of(Cue.ALTERNATIVE):
        clause = clause_at(cues.clauses, spot.start)
        if not negated(clause, spot.start - clause.start, spot.end - clause.start):
            spots.append(spot)
    spots += cues.of(Cue.LIMIT)
    # After a no, "I can help on Sunday", "happy to look at it" and "can we..." are offers;
    # without one, a question that names another time ("can we do Saturday?") is one too.
    spots += _after_no(cues, cues.of(Cue.COULD) + cues.of(Cue.SOFT_YES) + cues.of(Cue.ASK))
    times = [spot for spot in cues.of(Cue.ALTERNATIVE) if "else" not in _words(cues, spot)]
    spots += [
        spot
        for spot in cues.of(Cue.ASK)
        if _first_no(cues) is None and _in_clause_with(cues, spot, times)
    ]
    return sorted(set(spots), key=lambda spot: spot.start)


def _not_offering(cues: Cues, spots: Sequence[Found]) -> list[Found]:
    """Soft yeses whose clause names another time or way ("I can come Sunday") are offers."""
    return [s for s in spots if not _in_clause_with(cues, s, cues.of(Cue.ALTERNATIVE))]


def _conditional_yeses(cues: Cues) -> list[Found]:
    """Yeses on a condition, and soft ones ("I could do it") not preceded by a no."""
    half = _not_offering(cues, _before_any_no(cues, cues.of(Cue.HALF_YES)))
    return sorted(cues.of(Cue.CONDITIONAL_YES) + half, key=lambda spot: spot.start)


def _plain_yeses(cues: Cues) -> list[Found]:
    """Outright yeses, and "I'll come" / "happy to" when no no came before them."""
    soft = _not_offering(cues, _before_any_no(cues, cues.of(Cue.SOFT_YES)))
    return sorted(cues.of(Cue.YES) + soft, key=lambda spot: spot.start)


def _requests(cues: Cues) -> list[Found]:
    """Needs said, and (without a no) questions asking the other person for a change."""
    spots = list(cues.of(Cue.NEED))
    if not cues.has(Cue.REFUSAL):
        offers = set(_offers(cues))
        spots += [spot for spot in cues.of(Cue.ASK) if spot not in offers]
    return sorted(spots, key=lambda spot: spot.start)


def _final_stance(cues: Cues) -> str | None:
    """ "no", "yes", "open" or None: the stance the reply ends on."""
    candidates: list[tuple[int, str]] = []
    candidates += [(spot.start, "no") for spot in cues.of(Cue.REFUSAL)]
    candidates += [(spot.start, "no") for spot in cues.of(Cue.LIMIT)]
    candidates += [(spot.start, "yes") for spot in _plain_yeses(cues)]
    yes_words = _plain_yeses(cues) or cues.of(Cue.HALF_YES)
    if yes_words or not cues.has(Cue.HEDGE):
        # A bare condition beside a "maybe" ("maybe, if no one else wants to") stays open.
        candidates += [(spot.start, "yes") for spot in _conditional_yeses(cues)]
    # "maybe just this once?" is a maybe: a minimised need inside a hedged clause stays open.
    hedges = cues.of(Cue.HEDGE)
    minimised = [s for s in cues.of(Cue.MINIMISE) if not _in_clause_with(cues, s, hedges)]
    candidates += [(spot.start, "yes") for spot in minimised]
    candidates += [(spot.start, "open") for spot in cues.of(Cue.HEDGE)]
    if not candidates:
        return None
    _, stance = max(candidates)
    says_yes = _plain_yeses(cues) or cues.of(Cue.HALF_YES)
    last_hedge = cues.last(Cue.HEDGE)
    resigned = last_hedge is not None and bool(RESIGNED.fullmatch(_words(cues, last_hedge)))
    if stance == "open" and (
        (says_yes and (cues.has(Cue.CONDITIONAL_YES) or resigned)) or minimised
    ):
        # "I could, if you really need me... maybe" and "it's no big deal I guess" are yeses.
        return "yes"
    return stance


def decide_verdict(cues: Cues) -> Verdict:
    """The one overall reading of the reply, from the cues read together."""
    if cues.has(Cue.DISTRESS):
        return Verdict.SAFETY
    if cues.has(Cue.BLAME) or cues.has(Cue.SARCASM):
        return Verdict.ATTACKING
    stance = _final_stance(cues)
    if stance == "yes":
        return Verdict.GIVING_IN
    apologies = len(cues.of(Cue.APOLOGY))
    if cues.has(Cue.APPEASE) or apologies >= _APOLOGIES_WORTH_NAMING:
        return Verdict.APPEASING
    if stance == "no":
        return Verdict.SOFT_NO_ALTERNATIVE if _offers(cues) else Verdict.CLEAR_NO
    if stance == "open":
        return Verdict.HEDGE
    if _requests(cues):
        return Verdict.CLEAR_REQUEST
    if _offers(cues):
        return Verdict.SOFT_NO_ALTERNATIVE
    return Verdict.HEDGE


# --- the findings -----------------------------------------------------------------------------


def _clause_finding(
    original: str, cues: Cues, observation: Observation, spot: Found, minor: bool = False
) -> Finding:
    """A finding quoting the clause around a cue (from the cue on, when the clause is long)."""
    start, end = cues.normal.original_span(*clause_span(cues, spot.start))
    start, end = trimmed_span(original, start, end)
    fragment = quote(original, start, end)
    if fragment.endswith("..."):
        start, _ = cues.normal.original_span(spot.start, spot.end)
        fragment = quote(original, start, end)
    return Finding(observation, fragment, start, end, minor)


def _range_finding(
    original: str, cues: Cues, observation: Observation, first: Found, last: Found, minor: bool
) -> Finding:
    """A finding quoting from one cue to the end of another cue's clause."""
    _, end = clause_span(cues, last.start)
    start, end = cues.normal.original_span(first.start, max(end, last.end))
    start, end = trimmed_span(original, start, end)
    return Finding(observation, quote(original, start, end), start, end, minor)


def _candidates(
    original: str, cues: Cues, verdict: Verdict, words: int
) -> dict[Observation, list[Finding]]:
    """Every finding the cues support, per observation, before the verdict chooses."""
    found: dict[Observation, list[Finding]] = {}

    def each(observation: Observation, spots: Sequence[Found], minor: bool = False) -> None:
        if spots:
            found[observation] = [
                _clause_finding(original, cues, observation, spot, minor) for spot in spots
            ]

    each(Observation.NAMES_NO, cues.of(Cue.REFUSAL))
    each(Observation.STATES_NEED, _requests(cues))
    each(Observation.OFFERS_ALTERNATIVE, _offers(cues))
    each(Observation.ACKNOWLEDGES_FEELINGS, cues.of(Cue.ACKNOWLEDGE))
    each(Observation.USES_I_STATEMENT, cues.of(Cue.I_STATEMENT))
    conditional = _conditional_yeses(cues)
    if conditional:
        each(Observation.CONDITIONAL_YES, conditional)
    else:
        each(Observation.SAYS_YES, _plain_yeses(cues))
    each(Observation.MINIMISING, cues.of(Cue.MINIMISE))
    each(Observation.LEAVES_DOOR_OPEN, cues.of(Cue.HEDGE))
    each(Observation.APPEASING, cues.of(Cue.APPEASE))
    each(Observation.BLAMES, cues.of(Cue.BLAME))
    each(Observation.SARCASM, cues.of(Cue.SARCASM))

    apologies = cues.of(Cue.APOLOGY)
    if apologies:
        several = len(apologies) >= _APOLOGIES_WORTH_NAMING
        minor = not several and verdict is not Verdict.APPEASING
        # Several apologies are quoted together when that shares no words with anything else,
        # otherwise one at a time.
        spans = [(apologies[0].start, apologies[1].end)] if several else []
        spans += [(spot.start, spot.end) for spot in apologies]
        found[Observation.APOLOGISING] = []
        for norm_start, norm_end in spans:
            start, end = cues.normal.original_span(norm_start, norm_end)
            found[Observation.APOLOGISING].append(
                Finding(Observation.APOLOGISING, quote(original, start, end), start, end, minor)
            )
    reasons = cues.of(Cue.REASON)
    if len(reasons) >= _REASONS_ALWAYS or (
        len(reasons) >= _REASONS_IN_LONG_REPLY and words >= _LONG_REPLY_WORDS
    ):
        found[Observation.OVER_EXPLAINING] = [
            _range_finding(
                original, cues, Observation.OVER_EXPLAINING, reasons[0], reasons[-1], False
            )
        ]
    elif verdict in BOUNDARY_VERDICTS:
        each(Observation.GIVES_REASON, sorted(reasons + short_reasons(cues), key=_start))
    return found


def _start(spot: Found) -> int:
    return spot.start


def _overlaps(finding: Finding, others: Sequence[Finding]) -> bool:
    return any(finding.start < other.end and other.start < finding.end for other in others)


def _choose(candidates: dict[Observation, list[Finding]], verdict: Verdict) -> list[Finding]:
    """Keep what the verdict allows, never two findings on the same words, in priority."""
    priority = list(_PRIORITY)
    if verdict is Verdict.SOFT_NO_ALTERNATIVE:
        # The offer is what makes this reply a soft no; name it before the need.
        priority.remove(Observation.OFFERS_ALTERNATIVE)
        priority.insert(priority.index(Observation.STATES_NEED), Observation.OFFERS_ALTERNATIVE)
    kept: list[Finding] = []
    for observation in priority:
        if observation not in _ALLOWED[verdict]:
            continue
        if any(frozenset({observation, k.observation}) in CONTRADICTORY_PAIRS for k in kept):
            continue
        for finding in candidates.get(observation, []):
            if not finding.minor and not _overlaps(finding, kept):
                kept.append(finding)
                break
    # Minor findings (one "sorry" in a clear no) are kept only where they share no words.
    for observation in priority:
        if observation in _ALLOWED[verdict] and observation not in {k.observation for k in kept}:
            for finding in candidates.get(observation, []):
                if finding.minor and not _overlaps(finding, kept):
                    kept.append(finding)
                    break
    return kept


def combined_verdict(cues: Cues, rule_verdict: Verdict, model: VerdictModel | None) -> Verdict:
    """The rules' verdict, refined by the learned model when one is given.

    Safety stays with the rules (fear and distress are never argued away), and the model may not
    turn a reply the rules read as a yes, a plea or giving in into one praised as a boundary.
    """
    if model is None or rule_verdict is Verdict.SAFETY:
        return rule_verdict
    verdict = Verdict(blended_verdict(rule_verdict.value, model.probabilities(cues.original)))
    # Praise only what is in the words: a boundary verdict needs a no, a need or an offer.
    said_something = cues.has(Cue.REFUSAL) or bool(_requests(cues)) or bool(_offers(cues))
    vetoed = verdict in BOUNDARY_VERDICTS and (
        _final_stance(cues) == "yes"
        or rule_verdict in {Verdict.GIVING_IN, Verdict.APPEASING}
        or not said_something
    )
    return rule_verdict if vetoed else verdict


class _Shipped:
    """Marker for "use the model trained on the replies shipped with the package"."""


SHIPPED_MODEL = _Shipped()


def analyse(text: str, model: VerdictModel | _Shipped | None = SHIPPED_MODEL) -> Analysis:
    """Read a reply as a whole: the verdict, then the findings that fit it, strengths first.

    By default the rules' verdict is refined by the shipped learned model; pass `model=None` for
    the rules alone, or another trained `VerdictModel` (the benchmark's cross-validation does).
    """
    original = text or ""
    normal = normalize(original)
    words = WORD.findall(normal.text)
    if not words:
        return Analysis(Verdict.HEDGE, (Finding(Observation.EMPTY),))
    cues = find_cues(original, normal)
    chosen_model = shipped_model() if isinstance(model, _Shipped) else model
    verdict = combined_verdict(cues, decide_verdict(cues), chosen_model)
    chosen = _choose(_candidates(original, cues, verdict, len(words)), verdict)
    if verdict is Verdict.HEDGE and not any(
        f.observation is Observation.LEAVES_DOOR_OPEN for f in chosen
    ):
        chosen.append(Finding(Observation.NO_CLEAR_ANSWER))
    if len(words) == 1 and verdict is not Verdict.SAFETY:
        start, end = trimmed_span(original, 0, len(original))
        chosen.append(Finding(Observation.ONE_WORD, quote(original, start, end), start, end))
    chosen.sort(key=lambda f: _ORDER[f.observation])
    return Analysis(verdict, tuple(chosen))


def find_observations(text: str) -> list[Finding]:
    """The findings for a reply, strengths first, in a stable order."""
    return list(analyse(text).findings)


def analyze_reply(text: str) -> list[Observation]:
    """The observation ids for a reply, strengths first, in a stable order."""
    return analyse(text).observations


def summarize(
    findings: Sequence[Finding], max_strengths: int = 3, max_weak_spots: int = 2
) -> list[Finding]:
    """Pick the few findings worth a line: up to three strengths, then up to two weak spots."""
    shown = [finding for finding in findings if not finding.minor]
    strengths = [finding for finding in shown if finding.is_strength][:max_strengths]
    weak_spots = [finding for finding in shown if not finding.is_strength][:max_weak_spots]
    return strengths + weak_spots


def contradictions(analysis: Analysis) -> list[str]:
    """Every way an analysis contradicts itself; an empty list when it is consistent."""
    problems: list[str] = []
    findings = [
        f for f in analysis.findings if f.quote and f.observation is not Observation.ONE_WORD
    ]
    ids = set(analysis.observations)
    for pair in CONTRADICTORY_PAIRS:
        if pair <= ids:
            problems.append("both " + " and ".join(sorted(pair)))
    for index, finding in enumerate(findings):
        for other in findings[index + 1 :]:
            if finding.start < other.end and other.start < finding.end:
                problems.append(f"{finding.observation} and {other.observation} share words")
    if analysis.verdict not in BOUNDARY_VERDICTS and analysis.praises_boundary:
        problems.append(f"a {analysis.verdict} reply is praised as a boundary")
    return problems


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def suggestion_for(examples: Sequence[str]) -> str:
    """A sentence from a scene's own example replies that says where the person stands.

    Used in the feedback's "you could try" lines, so a suggestion always fits the scene (a
    scene about a haircut suggests "I'm not pinning it back", not "I'm not able to do that").
    The first sentence that says no wins; otherwise a sentence that asks them for something.
    """
    sentences = [s.strip() for example in examples for s in _SENTENCE_END.split(example)]
    readings = [
        (sentence, set(analyse(sentence, model=None).observations)) for sentence in sentences
    ]
    for sentence, observed in readings:
        if Observation.NAMES_NO in observed:
            return sentence
    asks = [sentence for sentence, observed in readings if Observation.STATES_NEED in observed]
    towards_them = [sentence for sentence in asks if re.search(r"\byou\b|\bus\b", sentence)]
    return (towards_them or asks or [""])[0]
