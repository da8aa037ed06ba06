"""The practice reply analyser: a verdict for the whole reply, observations that fit it."""

from __future__ import annotations

import pytest

from benchmarks.feedback_eval import DEV_SET, EVAL_SET, load_replies, rules_only, score
from flows.practice_feedback import (
    BOUNDARY_VERDICTS,
    QUOTED_OBSERVATIONS,
    Finding,
    Observation,
    Verdict,
    analyse,
    contradictions,
    summarize,
)
from flows.practice_feedback.learned import TRAINING_PATH, VerdictModel, load_examples

NO = Observation.NAMES_NO
NEED = Observation.STATES_NEED
ALT = Observation.OFFERS_ALTERNATIVE
ACK = Observation.ACKNOWLEDGES_FEELINGS
I_STMT = Observation.USES_I_STATEMENT
REASON = Observation.GIVES_REASON
YES = Observation.SAYS_YES
IF_YES = Observation.CONDITIONAL_YES
SMALL = Observation.MINIMISING
OPEN = Observation.LEAVES_DOOR_OPEN
PLEAD = Observation.APPEASING
SORRY = Observation.APOLOGISING
REASONS = Observation.OVER_EXPLAINING
BLAME = Observation.BLAMES
SARCASM = Observation.SARCASM
UNCLEAR = Observation.NO_CLEAR_ANSWER
EMPTY = Observation.EMPTY
ONE = Observation.ONE_WORD

V = Verdict

# (reply, verdict, observations it must name, observations it must not name). The first rows
# are the replies issue 16 found misread.
CASES: list[tuple[str, Verdict, set[Observation], set[Observation]]] = [
    (
        "I guess I could maybe do it if you really can't find anyone else … it's not a big deal",
        V.GIVING_IN,
        {IF_YES, SMALL},
        {NO, ALT, OPEN},
    ),
    ("I can't promise anything", V.HEDGE, {OPEN}, {NO}),
    ("I could do it", V.GIVING_IN, {IF_YES}, {NO, ALT}),
    ("please don't be angry, I just can't", V.APPEASING, {PLEAD}, {NO}),
    ("I'll come if you really need me to", V.GIVING_IN, {IF_YES}, {NO}),
    ("I love it short, actually. I'm keeping it like this.", V.CLEAR_NO, {NO}, {UNCLEAR, YES}),
    (
        "I can't because I have work, and also my mum is visiting, plus I promised my "
        "neighbour I'd help her move, I'm really sorry, please don't be angry with me",
        V.APPEASING,
        {REASONS, PLEAD},
        {NO, REASON},
    ),
    ("I can't keep doing this, I'm so tired of everything", V.SAFETY, set(), {NO, I_STMT}),
    # Clear answers, plain and warm.
    ("No, I can't this weekend.", V.CLEAR_NO, {NO}, {OPEN, YES, ONE}),
    ("Not tonight. I need some quiet time after work.", V.CLEAR_NO, {NO}, {OPEN, BLAME}),
    (
        "I need my evenings to rest, so I won't take this on. I can help next Tuesday instead.",
        V.SOFT_NO_ALTERNATIVE,
        {NO, ALT},
        {OPEN, SORRY, REASONS, BLAME, YES},
    ),
    (
        "I understand you're stressed. I can't take on the report, but I can review it Friday.",
        V.SOFT_NO_ALTERNATIVE,
        {ACK, NO, ALT},
        {OPEN, YES},
    ),
    (
        "please stop reading my messages, I need them to stay private",
        V.CLEAR_REQUEST,
        {NEED},
        {YES},
    ),
    ("nope, I'm going. that class is my thing", V.CLEAR_NO, {NO}, {YES}),
    ("I'm not changing my mind, dad.", V.CLEAR_NO, {NO}, {OPEN}),
    # Phone spelling is read as the words it stands for.
    ("cant tonight, free thurs tho?", V.SOFT_NO_ALTERNATIVE, {NO, ALT}, {YES}),
    ("im not lending u money again", V.CLEAR_NO, {NO}, {YES}),
    ("k fine ill come", V.GIVING_IN, {YES}, {NO}),
    # Negation care: these are not refusals.
    ("I can't say no to you.", V.GIVING_IN, {YES}, {NO}),
    ("haha no it's fine put it on, I don't mind", V.GIVING_IN, {SMALL}, {NO}),
    # Starts firm, then collapses; starts sorry, then holds.
    ("no I can't... well ok fine, I'll do it", V.GIVING_IN, {YES}, {NO}),
    ("sorry sis, I know it's a pain. but no, I'm keeping friday", V.CLEAR_NO, {NO}, {PLEAD}),
    # Hedges and giving in.
    ("Maybe, I'll see what I can do.", V.HEDGE, {OPEN}, {NO, ALT}),
    ("let me check and get back to you", V.HEDGE, {OPEN}, {NO}),
    ("Sure, I'll cover it.", V.GIVING_IN, {YES}, {NO, OPEN}),
    ("you're right, I'm being too sensitive", V.GIVING_IN, {SMALL}, {NO}),
    ("Ok, I won't take the evening then", V.GIVING_IN, {SMALL}, {NO}),
    # Appeasing and over-apologising.
    ("please don't hate me, I just can't this time", V.APPEASING, {PLEAD}, {NO}),
    ("I'm so sorry, I really am, sorry, I just can't.", V.APPEASING, {SORRY}, {NO}),
    ("Sorry, I can't make it.", V.CLEAR_NO, {NO}, {PLEAD}),
    # Attacking.
    ("You always do this to me. No.", V.ATTACKING, {BLAME}, {NO, I_STMT}),
    ("Oh great, another favour, how surprising.", V.ATTACKING, {SARCASM}, {YES, ACK, NO}),
    ("Must be nice to have someone always cover for you.", V.ATTACKING, {SARCASM}, {NO}),
    # Empty, one word, no answer at all.
    ("", V.HEDGE, {EMPTY}, {ONE, UNCLEAR}),
    ("...", V.HEDGE, {EMPTY}, {ONE}),
    ("No", V.CLEAR_NO, {NO, ONE}, {EMPTY, UNCLEAR}),
    ("Maybe", V.HEDGE, {OPEN, ONE}, {NO}),
    ("I have a lot going on at home this week.", V.HEDGE, {UNCLEAR}, {NO, YES}),
]


@pytest.mark.parametrize(("reply", "verdict", "must", "must_not"), CASES)
def test_reply_is_read_as_a_whole(
    reply: str, verdict: Verdict, must: set[Observation], must_not: set[Observation]
) -> None:
    """Each written reply gets its verdict, what it must show and nothing it must not."""
    analysis = analyse(reply)
    observed = set(analysis.observations)
    assert analysis.verdict is verdict, analysis
    assert must <= observed, f"missing {must - observed} in {sorted(observed)}"
    assert not (must_not & observed), f"unexpected {must_not & observed}"
    assert contradictions(analysis) == []


def test_distress_and_fear_are_never_named_or_praised() -> None:
    """A frightened or exhausted reply gets the safety verdict and no observation at all."""
    for reply in (
        "if I say no he gets so angry, he punched the wall last time",
        "I'm scared of what she'll do if I keep any of it",
        "I just want to disappear, what's the point",
    ):
        analysis = analyse(reply)
        assert analysis.verdict is Verdict.SAFETY, reply
        assert analysis.findings == ()
        assert not analysis.praises_boundary


def test_polite_afraid_is_not_fear() -> None:
    """ "I'm afraid I can't" is a polite no, not fear."""
    assert analyse("I'm afraid I can't make it on Friday.").verdict is Verdict.CLEAR_NO


def test_no_two_findings_share_words_on_the_development_set() -> None:
    """Across every development reply, no contradiction and no praised yes."""
    for reply in load_replies(DEV_SET):
        analysis = analyse(reply.text)
        assert contradictions(analysis) == [], (reply.text, analysis)
        if reply.verdict == "giving_in":
            assert not analysis.praises_boundary, reply.text


def test_contradictions_are_detected() -> None:
    """The consistency check notices pairs that cannot both be true and shared words."""
    from flows.practice_feedback import Analysis

    broken = Analysis(
        Verdict.GIVING_IN,
        (Finding(NO, "I can't", 0, 7), Finding(YES, "I can't", 0, 7)),
    )
    problems = contradictions(broken)
    assert any("both" in problem for problem in problems)
    assert any("share words" in problem for problem in problems)
    assert any("praised" in problem for problem in problems)


def test_quotes_come_from_the_persons_own_words() -> None:
    """A quote is the reply as written, even when phone spelling was read as words."""
    reply = "im NOT coming tonite, sry. Maybe another time?"
    analysis = analyse(reply)
    for finding in analysis.findings:
        if finding.observation in QUOTED_OBSERVATIONS:
            assert finding.quote, finding
            assert reply[finding.start : finding.end].startswith(finding.quote.rstrip(".")[:5])
            assert finding.quote.rstrip(".") in reply
    assert any(f.quote.startswith("im NOT coming") for f in analysis.findings)


def test_long_quotes_are_trimmed() -> None:
    """Quotes stay short enough to read back in a chat message."""
    reply = "I feel " + "very " * 40 + "tired, so no."
    for finding in analyse(reply).findings:
        assert len(finding.quote) <= 64


def test_summary_skips_minor_findings_and_limits_each_side() -> None:
    """One sorry in a clear no is not worth a line; at most three strengths, two weak spots."""
    findings = analyse("Sorry, I can't make it.").findings
    assert any(f.observation is SORRY and f.minor for f in findings)
    assert all(f.observation is not SORRY for f in summarize(findings))
    many = [
        Finding(NO, "no"),
        Finding(NEED, "I need"),
        Finding(ALT, "next week"),
        Finding(ACK, "I hear you"),
        Finding(SORRY, "sorry, sorry"),
        Finding(BLAME, "you always"),
        Finding(SARCASM, "as usual"),
    ]
    assert [f.observation for f in summarize(many)] == [NO, NEED, ALT, SORRY, BLAME]


def test_json_form_names_verdict_observations_and_spans() -> None:
    """The analysis turns into the JSON the command line prints."""
    data = analyse("Not tonight, how about Sunday?").as_dict()
    assert data["verdict"] == "soft_no_alternative"
    assert data["observations"] == ["names_no", "offers_alternative"]
    spans = data["spans"]
    assert isinstance(spans, list)
    assert [(span["observation"], span["quote"]) for span in spans] == [
        ("names_no", "Not tonight"),
        ("offers_alternative", "how about Sunday"),
    ]


def test_training_replies_are_the_development_set() -> None:
    """The model is trained on exactly the development split, never on the evaluation one."""
    assert TRAINING_PATH.read_text(encoding="utf-8") == DEV_SET.read_text(encoding="utf-8")
    evaluation = {reply.text.strip().lower() for reply in load_replies(EVAL_SET)}
    # Only a count is compared, so a failure never prints an evaluation reply.
    shared_count = len(evaluation & {text.strip().lower() for text, _ in load_examples()})
    assert shared_count == 0


def test_training_is_deterministic() -> None:
    """The same replies always give the same model."""
    examples = load_examples()[:120]
    first = VerdictModel.train(examples).probabilities("not tonight, maybe sunday?")
    second = VerdictModel.train(examples).probabilities("not tonight, maybe sunday?")
    assert first == second


def test_development_set_is_large_and_varied() -> None:
    """At least 250 replies, every verdict, scenes of the library in every context and level."""
    from content.practice import load_practice

    replies = load_replies(DEV_SET)
    assert len(replies) >= 250
    assert {reply.verdict for reply in replies} == {verdict.value for verdict in Verdict}
    library = {scenario.id: scenario for scenario in load_practice().scenarios}
    used = {reply.scene for reply in replies}
    assert used <= set(library)
    assert len(used) >= 40
    assert {(library[s].context, library[s].difficulty) for s in used} == {
        (scenario.context, scenario.difficulty) for scenario in library.values()
    }


def test_rules_alone_hold_their_floor_on_the_development_set() -> None:
    """The rules' own reading stays right for nearly every development reply."""
    result = score(load_replies(DEV_SET), rules_only)
    assert result.accuracy >= 0.93
    assert result.contradicted == 0


def test_evaluation_floors() -> None:
    """On the held-out split: verdicts mostly right, no contradiction, no praised yes."""
    result = score(load_replies(EVAL_SET))
    assert result.accuracy >= 0.87
    assert result.precision >= 0.95
    assert result.recall >= 0.78
    assert result.contradicted == 0
    assert result.praised["giving_in"] == 0


def test_boundary_verdicts_are_the_praised_ones() -> None:
    """Only clear no, clear request and soft no with an alternative are praised."""
    assert {verdict.value for verdict in BOUNDARY_VERDICTS} == {
        "clear_no",
        "clear_request",
        "soft_no_alternative",
    }
