"""Table-driven tests for the practice reply analyzer: what each reply must and must not show."""

from __future__ import annotations

import pytest

from flows.practice_feedback import (
    QUOTED_OBSERVATIONS,
    Finding,
    Observation,
    analyze_reply,
    find_observations,
    summarize,
)

REFUSAL = Observation.CLEAR_REFUSAL
I_STMT = Observation.I_STATEMENT
ACK = Observation.ACKNOWLEDGES
ALT = Observation.OFFERS_ALTERNATIVE
COND = Observation.SETS_CONDITION
TIME = Observation.TAKES_TIME
HEDGE = Observation.HEDGE
YES = Observation.GIVES_IN
UNCLEAR = Observation.NO_CLEAR_ANSWER
BLAME = Observation.BLAMING_YOU
SORRY = Observation.OVER_APOLOGIZING
REASONS = Observation.OVER_JUSTIFYING
PA = Observation.PASSIVE_AGGRESSIVE
EMPTY = Observation.EMPTY
ONE = Observation.ONE_WORD

# (reply, observations it must produce, observations it must not produce)
CASES: list[tuple[str, set[Observation], set[Observation]]] = [
    # Clear refusals, plain and warm.
    ("No, I can't this weekend.", {REFUSAL}, {HEDGE, YES, ONE, UNCLEAR}),
    ("No thanks, I'll pass this time.", {REFUSAL}, {HEDGE, YES, ACK}),
    ("I'm not able to lend money right now.", {REFUSAL}, {HEDGE, YES}),
    ("I won't be covering your shift on Saturday.", {REFUSAL}, {HEDGE, YES, ALT}),
    ("That doesn't work for me.", {REFUSAL}, {HEDGE, UNCLEAR}),
    ("I'd rather not talk about my salary with the team.", {REFUSAL}, {HEDGE}),
    ("I’ve decided not to host this year.", {REFUSAL}, {HEDGE, YES}),
    ("Not tonight. I need some quiet time after work.", {REFUSAL, I_STMT}, {HEDGE, BLAME}),
    (
        "I need my evenings to rest, so I won't take this on. I can help next Tuesday instead.",
        {REFUSAL, I_STMT, ALT},
        {HEDGE, SORRY, REASONS, BLAME, PA, YES},
    ),
    (
        "I love you, and I need a night to myself. I'm not coming tonight.",
        {REFUSAL, I_STMT, ACK},
        {HEDGE, BLAME, YES},
    ),
    (
        "Thanks for thinking of me. I'm going to pass, but have a great time.",
        {REFUSAL, ACK},
        {HEDGE, PA, YES},
    ),
    (
        "I understand you're stressed. I can't take on the report, but I can review it Friday.",
        {REFUSAL, ACK, ALT},
        {HEDGE, BLAME},
    ),
    # Refusals without "I" as the subject are still clear.
    ("Can't, sorry.", {REFUSAL}, {UNCLEAR, SORRY, ONE, HEDGE}),
    ("Sorry, can't make it tonight.", {REFUSAL}, {UNCLEAR, SORRY}),
    ("Won't be able to this time.", {REFUSAL}, {UNCLEAR, HEDGE}),
    ("Not this time.", {REFUSAL}, {UNCLEAR, ONE}),
    ("No can do", {REFUSAL}, {UNCLEAR, ONE}),
    ("Nope, not today", {REFUSAL}, {UNCLEAR, HEDGE}),
    ("Rather not, thanks.", {REFUSAL, ACK}, {UNCLEAR}),
    ("Gonna pass on this one.", {REFUSAL}, {UNCLEAR, HEDGE}),
    ("Can't", {REFUSAL, ONE}, {UNCLEAR}),
    ("Can't, sorry, so sorry, I feel awful.", {REFUSAL, SORRY}, {UNCLEAR}),
    ("Probably can't.", {HEDGE}, {REFUSAL}),
    ("Can't wait to see you!", set(), {REFUSAL}),
    ("Can't say no to you.", {YES}, {REFUSAL}),
    ("Won't happen again.", set(), {REFUSAL}),
    ("Won't be long, see you soon.", set(), {REFUSAL}),
    # Hedges.
    ("Maybe, I'll see what I can do.", {HEDGE}, {REFUSAL, ALT}),
    ("I'll try to make it.", {HEDGE}, {REFUSAL}),
    ("I guess I could come for a bit.", {HEDGE}, {REFUSAL}),
    ("We'll see.", {HEDGE}, {REFUSAL, ONE}),
    ("I probably can't, I'm not sure.", {HEDGE}, {REFUSAL}),
    ("I don't think I can this time.", {HEDGE}, {REFUSAL}),
    ("Perhaps another weekend? I'll think about it.", {HEDGE}, {REFUSAL}),
    ("I might be able to, if I have time.", {HEDGE}, {REFUSAL, COND}),
    # A soft "maybe" attached to an offer is part of the offer, not a hedge.
    ("No, not this weekend. Maybe next week?", {REFUSAL, ALT}, {HEDGE}),
    ("I can't on Friday, but maybe we could meet on Sunday.", {REFUSAL, ALT}, {HEDGE}),
    # Negation care: "I can't say no" and "I can't wait" are not refusals.
    ("I can't say no to you.", {YES}, {REFUSAL}),
    ("I can't wait to see you!", set(), {REFUSAL}),
    ("I don't want to let you down.", set(), {REFUSAL}),
    ("I can't believe you asked again.", set(), {REFUSAL}),
    ("No problem, I'll do it.", {YES}, {REFUSAL}),
    ("No worries at all!", {YES}, {REFUSAL}),
    # Giving in.
    ("Sure, I'll cover it.", {YES}, {REFUSAL, HEDGE, PA}),
    ("Yes of course, I'll be there.", {YES}, {REFUSAL}),
    ("Okay.", {YES, ONE}, {REFUSAL}),
    # I statements versus blaming you statements.
    ("I feel tired and I need the weekend for myself.", {I_STMT}, {BLAME}),
    ("It's important to me to keep Sundays free.", {I_STMT}, {BLAME}),
    ("I'm overwhelmed at work, so I'm saying no to extra projects.", {I_STMT, REFUSAL}, {BLAME}),
    ("You always do this to me. No.", {BLAME, REFUSAL}, {I_STMT}),
    ("You never pay me back, so no.", {BLAME, REFUSAL}, {I_STMT}),
    ("You make me feel guilty every single time.", {BLAME}, {I_STMT}),
    ("I feel like you always expect me to drop everything.", {BLAME}, {I_STMT}),
    ("You're being so selfish right now.", {BLAME}, set()),
    ("I know you always help me, and I'm grateful, but I can't this time.", {REFUSAL}, {BLAME}),
    ("You make me laugh, but I'm staying in tonight.", set(), {BLAME}),
    # Over-apologizing and over-justifying.
    (
        "I'm so sorry, I really am, sorry, I just can't.",
        {SORRY, REFUSAL},
        {REASONS},
    ),
    ("Sorry, I can't make it.", {REFUSAL}, {SORRY}),
    ("I'm sorry to hear that. I can't lend money though.", {REFUSAL, ACK}, {SORRY}),
    ("I'm not sorry for saying no. I won't do it.", {REFUSAL}, {SORRY}),
    (
        "I can't because I have work, and also my mum is visiting, plus I promised my "
        "neighbour I'd help her move.",
        {REASONS, REFUSAL},
        {SORRY},
    ),
    (
        "Forgive me, I feel terrible, I apologize, it's just that the car broke down because "
        "of the rain and since then I have to take the bus.",
        {SORRY, REASONS},
        set(),
    ),
    ("I can't, because I'm tired.", {REFUSAL}, {REASONS}),
    # Alternatives and conditions.
    ("How about we do lunch instead?", {ALT}, {HEDGE, UNCLEAR}),
    ("I can't do the whole day, but I can help for two hours.", {REFUSAL, ALT}, {HEDGE}),
    ("You could ask Sam, he knows the software better.", {ALT}, {UNCLEAR}),
    ("I can't next week either.", {REFUSAL}, {ALT}),
    ("I'll lend it only if you pay me back by Friday.", {COND}, {YES}),
    ("As long as we split the costs, I'm in.", {COND}, {YES}),
    ("I can do it if you take the next one.", {COND}, {YES}),
    ("No, even if you ask me again.", {REFUSAL}, {COND}),
    ("I'm happy to help if you want.", {YES}, {COND}),
    # Taking time versus an open "I'll think about it".
    ("Let me check my calendar and get back to you tomorrow.", {TIME}, {HEDGE, UNCLEAR}),
    ("I need some time to think before I answer.", {TIME}, {HEDGE, UNCLEAR}),
    ("I'll think about it and let you know tonight.", {TIME}, {HEDGE}),
    ("I'll think about it.", {HEDGE}, {TIME}),
    # Passive-aggressive and sarcastic phrasing.
    ("Fine, whatever.", {PA}, {YES, REFUSAL}),
    ("Must be nice to have someone always cover for you.", {PA}, set()),
    ("Oh sure, I'll just drop everything as usual.", {PA}, {REFUSAL}),
    ("No offense, but you could plan better.", {PA}, {REFUSAL}),
    ("Thanks a lot, really.", {PA}, {ACK}),
    ("Thanks a lot for understanding, I can't this time.", {ACK, REFUSAL}, {PA}),
    ("Don't worry about me, I'll just do it all myself.", {PA}, set()),
    ("Whatever works for you is fine by me.", set(), {PA}),
    ("Oh great, another favour, how surprising.", {PA}, {YES, ACK}),
    ("Oh, great. Another favour.", {PA}, {YES}),
    ("What a surprise, you need money again.", {PA}, set()),
    ("Of course you did.", {PA}, {YES}),
    ("Wow, thanks.", {PA}, {ACK}),
    ("Gee, thanks for nothing.", {PA}, {ACK}),
    ("Sure, because I have nothing else to do.", {PA}, {YES}),
    ("Fine, I'll do it. It's not like I have a life.", {PA, YES}, {REFUSAL}),
    ("Great, thanks for understanding.", {ACK}, {PA}),
    ("Oh great, see you then!", set(), {PA}),
    ("Of course you can stay with us.", {YES}, {PA}),
    ("Of course, I'll be there.", {YES}, {PA}),
    ("Wow, thanks for the invite! I can't make it though.", {ACK, REFUSAL}, {PA}),
    ("What a surprise to hear from you! Sadly I'm busy on Friday.", {REFUSAL}, {PA}),
    # Empty, one word, no clear answer.
    ("", {EMPTY}, {ONE, UNCLEAR}),
    ("   \n ", {EMPTY}, {ONE}),
    ("...", {EMPTY}, {ONE}),
    ("No", {REFUSAL, ONE}, {EMPTY, UNCLEAR}),
    ("Maybe", {HEDGE, ONE}, {REFUSAL}),
    ("Whatever", {PA, ONE}, set()),
    ("Hmm", {ONE}, {UNCLEAR, REFUSAL}),
    ("I have a lot going on at home this week.", {UNCLEAR}, {REFUSAL, YES, HEDGE}),
    ("Ugh, work is crazy lately.", {UNCLEAR}, {REFUSAL}),
]


@pytest.mark.parametrize(("reply", "must", "must_not"), CASES)
def test_reply_observations(
    reply: str, must: set[Observation], must_not: set[Observation]
) -> None:
    """Each written reply produces what it must and nothing it must not."""
    observed = set(analyze_reply(reply))
    assert must <= observed, f"missing {must - observed} in {sorted(observed)}"
    assert not (must_not & observed), f"unexpected {must_not & observed}"


def test_table_is_large_and_covers_every_observation() -> None:
    """The table holds at least 45 replies and exercises every observation."""
    assert len(CASES) >= 45
    covered = set().union(*(must for _, must, _ in CASES))
    assert covered == set(Observation)


def test_order_is_stable_with_strengths_first() -> None:
    """Observations come back in declaration order, strengths before weak spots."""
    reply = "Sorry, so sorry. I need rest, so no. You always ask. How about next week?"
    observations = analyze_reply(reply)
    order = list(Observation)
    assert observations == sorted(observations, key=order.index)
    first_weak = next(i for i, obs in enumerate(observations) if obs not in {REFUSAL, I_STMT, ALT})
    assert all(obs in {REFUSAL, I_STMT, ALT} for obs in observations[:first_weak])
    assert analyze_reply(reply) == observations


def test_quotes_come_from_the_persons_own_words() -> None:
    """A quote is a fragment of the reply as written, in its own spelling."""
    reply = "I NEED my Sundays. Maybe another time, I’ll TRY."
    for finding in find_observations(reply):
        if finding.observation in QUOTED_OBSERVATIONS:
            assert finding.quote, finding
            assert finding.quote.rstrip(".") in reply
    hedge = next(f for f in find_observations(reply) if f.observation is HEDGE)
    assert "TRY" in hedge.quote


def test_long_quotes_are_trimmed() -> None:
    """Quotes stay short enough to read back in a chat message."""
    reply = "I feel " + "very " * 40 + "tired, so no."
    for finding in find_observations(reply):
        assert len(finding.quote) <= 64


def test_summarize_keeps_strengths_first_and_limits_each_side() -> None:
    """The summary shows at most three strengths, then at most two weak spots."""
    findings = [
        Finding(REFUSAL, "no"),
        Finding(I_STMT, "I need"),
        Finding(ALT, "next week"),
        Finding(SORRY, "sorry, sorry"),
        Finding(BLAME, "you always"),
        Finding(PA, "as usual"),
    ]
    chosen = summarize(findings)
    assert [f.observation for f in chosen] == [REFUSAL, I_STMT, ALT, SORRY, BLAME]
    assert [f.observation for f in summarize(findings, 1, 1)] == [REFUSAL, SORRY]
