"""Reads a practice reply and names concrete things in it, with plain deterministic rules.

The rules are documented in docs/practice-feedback.md. Every rule works on a normalized copy of
the reply (lower case, straight apostrophes) that keeps the original's character positions, so
a match can be quoted back to the person in their own spelling.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "QUOTED_OBSERVATIONS",
    "STRENGTHS",
    "Finding",
    "Observation",
    "analyze_reply",
    "find_observations",
    "is_strength",
    "summarize",
]


class Observation(StrEnum):
    """One thing the analyzer can notice in a reply; strengths are declared first."""

    # Strengths.
    CLEAR_REFUSAL = "clear_refusal"
    I_STATEMENT = "i_statement"
    ACKNOWLEDGES = "acknowledges"
    OFFERS_ALTERNATIVE = "offers_alternative"
    SETS_CONDITION = "sets_condition"
    TAKES_TIME = "takes_time"
    # Weak spots.
    HEDGE = "hedge"
    GIVES_IN = "gives_in"
    NO_CLEAR_ANSWER = "no_clear_answer"
    BLAMING_YOU = "blaming_you"
    OVER_APOLOGIZING = "over_apologizing"
    OVER_JUSTIFYING = "over_justifying"
    PASSIVE_AGGRESSIVE = "passive_aggressive"
    EMPTY = "empty"
    ONE_WORD = "one_word"


STRENGTHS: frozenset[Observation] = frozenset(
    {
        Observation.CLEAR_REFUSAL,
        Observation.I_STATEMENT,
        Observation.ACKNOWLEDGES,
        Observation.OFFERS_ALTERNATIVE,
        Observation.SETS_CONDITION,
        Observation.TAKES_TIME,
    }
)

# Observations that always carry a fragment of the person's words; only their texts may use
# the {quote} placeholder.
QUOTED_OBSERVATIONS: frozenset[Observation] = frozenset(
    {
        Observation.CLEAR_REFUSAL,
        Observation.I_STATEMENT,
        Observation.ACKNOWLEDGES,
        Observation.OFFERS_ALTERNATIVE,
        Observation.SETS_CONDITION,
        Observation.TAKES_TIME,
        Observation.HEDGE,
        Observation.GIVES_IN,
        Observation.BLAMING_YOU,
        Observation.OVER_APOLOGIZING,
        Observation.OVER_JUSTIFYING,
        Observation.PASSIVE_AGGRESSIVE,
        Observation.ONE_WORD,
    }
)

_ORDER: dict[Observation, int] = {obs: index for index, obs in enumerate(Observation)}

# A quote longer than this is cut at a word boundary: enough to recognise, short to read.
_QUOTE_MAX_CHARS = 60
# Over-justifying: this many reason markers always count, fewer count only in a long reply.
_REASONS_ALWAYS = 3
_REASONS_IN_LONG_REPLY = 2
_LONG_REPLY_WORDS = 45


@dataclass(frozen=True)
class Finding:
    """An observation plus the fragment of the reply that triggered it ("" when none)."""

    observation: Observation
    quote: str = ""

    @property
    def is_strength(self) -> bool:
        """True when the observation is something the person did well."""
        return self.observation in STRENGTHS


def is_strength(observation: Observation) -> bool:
    """True when the observation names something the person did well."""
    return observation in STRENGTHS


# --- normalization and small regex helpers -------------------------------------------------

_APOSTROPHES = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"}


def _normalize(text: str) -> str:
    """Lower-case and straighten apostrophes while keeping every character position."""
    chars = []
    for char in text:
        char = _APOSTROPHES.get(char, char)
        lowered = char.lower()
        # A few characters lower-case to two; keep the original so positions stay aligned.
        chars.append(lowered if len(lowered) == 1 else char)
    return "".join(chars)


def _rx(pattern: str) -> re.Pattern[str]:
    """Compile a pattern in which a literal space means "any run of whitespace"."""
    return re.compile(pattern.replace(" ", r"\s+"))


# Contractions written with or without the apostrophe ("cant", "dont", "im").
I_M = r"i(?:'m|m| am)"
I_LL = r"i(?:'ll| will)"
I_D = r"i(?:'d| would)"
I_VE = r"i(?:'ve| have)"
CANT = r"(?:can'?t|cannot|can not)"
WONT = r"(?:won'?t|will not)"
DONT = r"(?:don'?t|do not)"
ADVERB = (
    r"(?:(?:really|just|honestly|simply|truly|actually|definitely|also|still|already"
    r"|absolutely|unfortunately) )?"
)

_CLAUSE_BREAK = _rx(
    r"[.!?;:\n]+|,|\(|\)| - | \u2013 | \u2014 |\bbut\b|\bhowever\b|\bthough\b|\balthough\b"
)
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")


@dataclass(frozen=True)
class _Clause:
    """A stretch of the normalized reply between punctuation or a "but"."""

    start: int
    end: int
    text: str


def _clauses(norm: str) -> list[_Clause]:
    """Split the normalized reply at sentence marks, commas and contrast words."""
    result: list[_Clause] = []
    position = 0
    for brk in _CLAUSE_BREAK.finditer(norm):
        result.append(_Clause(position, brk.start(), norm[position : brk.start()]))
        position = brk.end()
    result.append(_Clause(position, len(norm), norm[position:]))
    return [clause for clause in result if clause.text.strip()]


def _quote(original: str, start: int, end: int) -> str:
    """The reply's own words from start to end, trimmed to a short readable fragment."""
    fragment = " ".join(original[start:end].split())
    if len(fragment) > _QUOTE_MAX_CHARS:
        cut = fragment[:_QUOTE_MAX_CHARS].rsplit(" ", 1)[0]
        fragment = cut + "..."
    return fragment.strip(" ,;:-")


def _clause_fragment(original: str, clause: _Clause, start: int) -> str:
    """Quote the clause around a match: whole when short, else from the match onwards."""
    whole = _quote(original, clause.start, clause.end)
    if not whole.endswith("..."):
        return whole
    return _quote(original, start, clause.end)


# --- the rule tables ------------------------------------------------------------------------

# Words after "can't" / "won't" that turn it into something other than a refusal ("I can't
# wait", "can't say no to you", "won't lie").
_NOT_REFUSING_AFTER = (
    r"(?! (?:say no|refuse|turn (?:you|them|her|him) down|let (?:you|them|her|him) down"
    r"|disappoint|leave you|abandon|wait|believe|thank|imagine|help but|stop|lie|pretend"
    r"|upset|hurt|be rude|seem|sound|lose|fight|argue|forget|complain))"
)
# Subjectless refusals also must not be these ("won't be long", "can't remember").
_NOT_REFUSING_SUBJECTLESS = (
    r"(?! (?:say|tell|remember|decide|think|see|hear|happen again|be long|take long"
    r"|be (?:a|an) (?:problem|issue)|mind|matter|complain|go wrong))"
)
# Fillers that may come before a subjectless refusal at the start of a clause.
_LEAD_IN = (
    r"(?:(?:oh|well|um|hmm|sorry|so sorry|afraid|just|really|honestly|unfortunately|sadly"
    r"|i'?m afraid|nah|no) )*"
)

# Clear refusals. Each must appear in a clause with no hedge word to count as clear.
_REFUSALS = [
    _rx(
        r"^\s*(?:(?:absolutely|definitely|certainly|honestly|still|just|sadly) )?not\b"
        r"(?! (?:sure|really|certain|that|yet|only|just|a problem|bad))"
    ),
    _rx(
        r"^\s*(?:oh |well |um |hmm |sorry )?(?:no|nope|nah)\b"
        r"(?! (?:problem|worries|worry|one|need|offen[cs]e|matter|idea|doubt|pressure|rush"
        r"|biggie|big deal|way i can't))"
    ),
    _rx(r"\bno (?:thanks|thank you)\b"),
    _rx(
        r"\bnot (?:this time|this week|this weekend|tonight|today|now|right now|anymore"
        r"|any more|again|this year|this month)\b"
    ),
    _rx(
        rf"\b{I_M} {ADVERB}not (?!(?:saying|trying|feeling|being|blaming|asking|judging"
        r"|kidding|joking|complaining|something|anything|thinking)\b)\w+ing\b"
    ),
    _rx(
        rf"\b{I_M} {ADVERB}(?:not willing|going to say no|gonna say no|busy|booked"
        r"|not the (?:right )?(?:person|one)|not in a position|going to sit this one out"
        r"|not free|fully booked)\b"
    ),
    _rx(
        rf"\b(?:{I_VE} {ADVERB}got|i {ADVERB}have|i {ADVERB}'ve got) (?:other )?plans\b"
        r"|\bi (?:already )?(?:told you|said) no\b|\bplease (?:stop|don'?t|do not)\b"
        r"|\bi (?:need|want) you to stop\b|\bi(?:'m| am) asking you to stop\b"
        rf"|\b{I_D} (?:rather|prefer) you (?:didn'?t|did not|don'?t|not)\b"
        r"|\b(?:that|this)(?:'s| is) not (?:going to|gonna) change\b"
        r"|\b(?:i'?m|i am) (?:offline|logged off|signed off|off work)\b"
        r"|^\s*(?:that'?s |this is |it'?s )?not (?:happening|going to happen)\b"
    ),
    _rx(
        rf"\b{I_M} {ADVERB}(?:not going to|not gonna|not able to|unable to|not available"
        r"|not lending|not doing|not coming|not taking|not covering|not in a position to"
        r"|not up for|going to pass|gonna pass|going to decline|saying no|declining"
        r"|not comfortable (?:with|doing|lending|taking|being)|uncomfortable (?:with|doing)"
        r"|no longer|out\b)"
    ),
    _rx(
        rf"\b(?:{I_LL}|{I_D}) {ADVERB}(?:have to |need to |rather )?"
        r"(?:pass|skip|decline|say no|sit this one out|not)\b(?! (?:to|able))"
    ),
    _rx(rf"\b{I_D} {ADVERB}rather not\b"),
    _rx(
        rf"\bi {ADVERB}(?:have to|need to|must|choose to|want to) (?:say no|decline|pass"
        r"|turn (?:this|it) down)\b"
    ),
    _rx(rf"\b(?:{I_VE}|i) {ADVERB}(?:decided|chosen|choose|chose) not to\b"),
    _rx(
        rf"\b(?:i|we) {ADVERB}(?:{CANT}|{WONT}|{DONT} want to|do not want to|shouldn'?t"
        rf"|{DONT} lend|{DONT} do|{DONT} have (?:the )?(?:time|money|space|energy|capacity)"
        r"|can no longer"
        r"|won'?t be able to)\b" + _NOT_REFUSING_AFTER
    ),
    # Refusals without "I" ("Can't, sorry.", "Won't be able to this time", "Rather not"):
    # only at the start of a clause, so "you can't" or "they won't" are not read as ours.
    _rx(
        rf"^\s*{_LEAD_IN}(?:{CANT}|{WONT}|{DONT} want to|won'?t be able to|unable to"
        rf"|{DONT} have (?:the )?(?:time|money|space|energy|capacity)"
        r"|(?:would |'d )?rather not|no can do|hard pass|pass(?= on\b| for now\b|\W*$)"
        r"|(?:going to|gonna|have to|need to|got to|gotta) (?:pass|say no|decline|skip"
        r"|sit this one out))\b" + _NOT_REFUSING_AFTER + _NOT_REFUSING_SUBJECTLESS
    ),
    _rx(
        r"\b(?:that|this|it|that plan|friday|saturday|sunday|the weekend) (?:doesn'?t|does not"
        r"|won'?t|will not|isn'?t going to|is not going to) work for me\b"
    ),
    _rx(r"\b(?:that'?s|that is|this is|it'?s|it is) not something i\b"),
    _rx(r"\b(?:so|then|which is why|that'?s why) no\b(?! (?:problem|worries|one|need|matter))"),
    _rx(r"\b(?:the|my) answer is (?:still |a )?no\b|\b(?:it'?s|that'?s) a no\b|\bcount me out\b"),
]

# Hedges: words that leave the answer open.
_HEDGES = [
    _rx(r"\b(?:maybe|perhaps|probably|possibly|hopefully|kinda|sorta|kind of|sort of)\b"),
    _rx(rf"\b(?:{I_LL}|let me) (?:{ADVERB})try\b(?! to (?:explain|be|say|put|keep))"),
    _rx(rf"\b{I_LL} see (?:what|if|how)\b|\bwe'?ll see\b|\bwe will see\b"),
    _rx(r"\bi (?:guess|suppose|think i can|dunno)\b"),
    _rx(rf"\b(?:{I_M} )?not (?:really |totally |entirely )?(?:sure|certain)\b"),
    _rx(rf"\bi {DONT} (?:really )?(?:know|think)\b"),
    _rx(r"\bi (?:might|may)\b(?! (?:not be able|be wrong))|\bmight be able\b"),
    _rx(r"\bif i (?:can|have (?:the )?time|get (?:a chance|time|round to|around to))\b"),
    _rx(rf"\b(?:{I_LL}|let me|i need to|i'?d like to) think (?:about it|it over)\b"),
]

# A "maybe" next to an alternative ("maybe next week?") is an offer, not a hedge.
_SOFT_HEDGE = _rx(r"\b(?:maybe|perhaps|possibly)\b")

# Taking time with a promise to answer; an open "I'll think about it" stays a hedge.
_TIME_ASK = _rx(
    rf"\b(?:{I_LL}|let me|i need to|i'?d like to|can i|could i|i want to) (?:{ADVERB})"
    r"(?:check|think (?:about it|it over)|sleep on it|look at my|get back to you"
    r"|let you know|talk (?:it )?over with)\b|\bi need (?:some |a bit of |a little )?time"
    r" (?:to think|before i answer|to decide)\b|\bgive me (?:a day|a few days|a minute"
    r"|until|some time|time)\b"
)
_TIME_ANCHOR = _rx(
    r"\b(?:tomorrow|tonight|later today|this evening|by (?:monday|tuesday|wednesday|thursday"
    r"|friday|saturday|sunday|tomorrow|tonight|the weekend|the end|end of|\d)|get back to you"
    r"|let you know|in (?:an hour|a day|a few days|a couple))\b|\bcheck\b|\bsleep on it\b"
    r"|\bgive me\b|\bbefore i answer\b|\bto decide\b"
)
_THINK_ONLY = _rx(r"\bthink (?:about it|it over)\b")

# Alternatives: an offer of something else, another time or someone else.
_ALTERNATIVES_ANY = [
    _rx(
        r"\b(?:how about|what about|what if you|instead|rain check|some other time"
        r"|another (?:time|day|evening|weekend|night)|a different (?:day|time|week)"
        r"|later (?:this|next) (?:week|month)|next (?:week|month|weekend|year)"
        r"|(?:next|this) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
        r"|works for me|i'?m free|i am free)\b"
    ),
    _rx(
        r"\b(?:a|an|another|your) (?:friend|counsellor|counselor|therapist|professional"
        r"|colleague|doctor|helpline) (?:could|can|might|would)\b"
    ),
    _rx(
        r"\b(?:someone|somebody|anyone) else\b|\byou (?:could|can|might) (?:ask|try|call"
        r"|check|hire|get|book|use)\b|^\s*(?:maybe |please |just )?ask\b"
        r"|\b(?:maybe|can you|could you) ask\b|\bask (?:your|someone|somebody)\b"
    ),
    _rx(r"(?<!see\s)\bwhat i can (?:do|offer|manage)\b|\bi can offer\b|\bi could offer\b"),
    _rx(
        r"\b(?:let'?s|could we|can we|shall we|we could(?!n)|we can(?!'?t\b| ?not\b))\b"
        r"(?! (?:not|just forget))"
    ),
]
# A plain "I can ..." counts as an alternative only next to a refusal in the same reply.
_PARTIAL_OFFER = _rx(
    rf"\b(?:i can(?!'?t\b| ?not\b)|i could(?!n'?t\b)|{I_M} (?:happy|glad) to"
    rf"|{I_D} (?:be )?(?:happy|glad) to|{I_LL})"
    r"(?! (?:see|tell|hear|understand|imagine|feel|not|never|try|think|check|let you know"
    r"|get back|be honest|pass|decline|say no|sit this|have to))\b"
)
# Negation before an offer ("I can't next week") or a refusal after it ("... doesn't work").
_NEGATION_BEFORE = _rx(rf"\b(?:no|not|never|{CANT}|{WONT}|{DONT}|neither)\b")
_NEGATION_AFTER = _rx(
    r"\b(?:either|neither|doesn'?t work|won'?t work|isn'?t (?:good|great|possible|free)|is out"
    r"|is full|is booked)\b"
)

# Conditions on a yes.
_CONDITIONS = [
    _rx(
        r"\b(?:only if|as long as|provided (?:that )?|providing|on (?:the )?condition"
        r"|unless you|once you'?ve|once you|after you'?ve|after you|when you'?ve)\b"
    ),
    _rx(
        r"(?<!even\s)(?<!as\s)(?<!what\s)(?<!sorry\s)(?<!understand\s)\bif (?:you|we)\b"
        r"(?! (?:want|like|need|'?d like|would like|prefer|don'?t mind|ever|say so"
        r"|think|feel|can'?t find|are upset|'re upset))"
    ),
]

# Yes said outright; counts only when no refusal, alternative, condition or pause was found.
_GIVES_IN = [
    _rx(
        r"^\s*(?:yes|yeah|yep|yup|sure|ok|okay|of course|alright|all right|fine|no problem"
        r"|no worries|absolutely|definitely)\b(?! not)"
    ),
    _rx(
        rf"(?:\bi |^\s*){CANT} (?:say no|refuse|turn (?:you|them|her|him) down"
        r"|let (?:you|them|her|him) down)\b"
    ),
    _rx(
        rf"\b{I_LL} (?:{ADVERB})(?:do it|do that|do this|cover|lend|take care|handle|come"
        r"|be there|pick (?:you|it|them|her|him) up|drive|watch|stay|help|sort it|make it work"
        r"|cancel|move my|send|transfer|sort|manage)\b"
    ),
    _rx(r"\bi can do (?:it|that)\b|\b(?:happy|glad) to\b"),
]

# Blaming "you" statements.
_BLAME = [
    _rx(
        r"\byou(?:'re| are)? (?:always|never)\b(?! (?:(?:been|be) )?"
        r"(?:help|helped|support|been there|been kind|been good|been so|make me laugh|welcome"
        r"|make me smile|there for me|fail to))"
    ),
    _rx(
        r"\byou (?:make|made) me\b(?! (?:laugh|smile|happy|feel (?:good|loved|safe|special"
        r"|better)))"
    ),
    _rx(
        r"\byou(?:'re| are) (?:(?:so|being|just|really|such a|very|totally) )*"
        r"(?:selfish|unfair|ungrateful|lazy|impossible|ridiculous|childish|needy|clingy"
        r"|manipulative|unbelievable"
        r"|irresponsible|rude|demanding|using me|taking advantage)\b"
    ),
    _rx(
        rf"\byou (?:keep|only ever|only|{DONT} even|{DONT} care|{DONT} listen|{DONT} respect"
        r"|{DONT} appreciate|{DONT} understand|{DONT} think about|should have|should'?ve"
        r"|shouldn'?t have|should know|expect me|think you can|act like|take me for)\b"
    ),
    _rx(
        r"\b(?:your fault|because of you|how dare you|why do you always|why can'?t you"
        r"|it'?s always about you|everything is about you)\b"
    ),
    _rx(
        r"\bi feel (?:like|that) you(?:'re| are)? (?:\w+ )?(?:always|never|don'?t|only|just"
        r"|keep|expect|take|use)\b"
    ),
]
_BLAME_EXCUSED = _rx(
    r"(?:not saying|don'?t mean|not that|not blaming|i know|thank you|thanks"
    r"|grateful|appreciate)[\w\s',]{0,12}$"
)

# "If you keep doing this, I'll..." names a consequence rather than blaming.
_CONSEQUENCE = _rx(r"\b(?:if|when|whenever)\s*$")

# Apologies; two or more in one reply is over-apologizing.
_APOLOGY = _rx(
    r"\bsorry\b(?! (?:to hear|that you'?re|you'?re going|for your loss|about your|not sorry))"
    r"|\bapolog(?:y|ies|ise|ize|ised|ized|ising|izing)\b|\bforgive me\b|\bmy bad\b"
    r"|\bi feel (?:so |really |just )?(?:bad|terrible|awful|guilty)\b"
    r"|\bi hate to (?:do this|say this|say no|let you down)\b"
)
_APOLOGY_NEGATED = _rx(
    rf"(?:not|never|{DONT} be|no need to be|no need to|not going to|{WONT})\s*$"
)

# Reason markers; a chain of them is over-justifying.
_REASONS = _rx(
    rf"\b(?:because|'?cause|cuz|coz|since|as i (?:have|'ve|need)|the reason|the thing is"
    rf"|on top of that|not to mention|plus|besides|and also|also|and then|what'?s more"
    rf"|{I_VE} got to|i have to|i'?ve got|i have got|i must|and i need to|my (?:boss|mum|mom"
    r"|dad|kids?|doctor) (?:needs|wants|said))\b"
)

# Passive-aggressive or sarcastic phrasing. The first list runs on each clause and on the
# whole reply (some span a comma: "fine, whatever", "oh, sure"). A yes or a thank-you inside
# any match is sarcasm, not a yes or warmth.
_WHATEVER_SINCERE = r"(?! (?:works|suits|you need|is easiest|helps|feels))"
_THANKS_SINCERE = (
    r"(?! for (?:understanding|asking|thinking|being|the invite|inviting|checking|your"
    r"|listening|letting|telling|including|the heads|the offer))"
)
_PASSIVE_AGGRESSIVE = [
    _rx(
        rf"\b(?:fine|sure|okay|ok),? whatever\b{_WHATEVER_SINCERE}"
        rf"|^\s*whatever\b{_WHATEVER_SINCERE}|\bwhatever you say\b|\bwhatever\W*$"
    ),
    _rx(
        r"\bmust be nice\b|\boh,? sure\b|\boh,? yeah,? sure\b|\byeah,? right\b"
        r"|\bno offen[cs]e\b|\bjust saying\b|\bas usual\b|\blike always\b|\blike i always do\b"
    ),
    _rx(
        rf"\b{I_LL} (?:just )?do (?:it|everything|it all) myself\b|\bdon'?t worry about me\b"
        r"|\bsilly me\b|\bforget it\b|\bhow convenient\b|\bnice of you to\b|\bgood for you\b"
        r"|\bif you say so\b|\bas if\b|\bsorry not sorry\b|\breal mature\b"
        r"|\bnot that (?:anyone|you) (?:cares?|asked|noticed)\b|\bsome of us\b"
        r"|\bglad (?:to see )?you (?:finally|remembered)\b|\bwell,? excuse me\b"
    ),
]
# These run on the whole reply only: they span commas, and what follows decides them.
_SARCASM_ACROSS_CLAUSES = [
    _rx(
        rf"\bthanks a lot\b{_THANKS_SINCERE}|\bthanks for nothing\b"
        rf"|\b(?:gee|wow|oh wow),? (?:thanks|thank you)\b{_THANKS_SINCERE}"
    ),
    # Mock delight and mock surprise. "Oh great" said sincerely is usually followed by thanks
    # or good news ("oh great, see you then"), so that is left alone; a plain "great, thanks"
    # never counts.
    _rx(
        r"\boh,? (?:great|wonderful|fantastic|perfect|lovely|brilliant|joy|goody|super)\b"
        r"(?![\s,.!-]*(?:thanks|thank you|see you|that works|sounds good|glad|good to hear"
        r"|so happy|congrat|news|idea|to hear|i'?m so glad|that'?s (?:great|good|perfect)))"
        r"|\bjust (?:great|perfect|wonderful|brilliant|fantastic)\b(?! (?:news|to hear))"
        r"|\bjust what i (?:needed|need)\b|\blucky me\b|\bhow (?:nice|lovely) for you\b"
    ),
    _rx(
        r"\bhow (?:surprising|unexpected|shocking)\b|\bwhat a (?:surprise|shock)\b"
        r"(?! to (?:hear|see|get))|\bsurprise,? surprise\b|\bshocker\b"
        r"|\bcolou?r me (?:surprised|shocked)\b|\bnever saw that coming\b"
        r"|\bof course (?:you|they|he|she) (?:did|would|do|does|forgot|didn'?t|wouldn'?t"
        r"|couldn'?t|can'?t|won'?t|don'?t|'d)(?=\s*(?:[.!?,;]|$))"
        r"|\bof course (?:you|they|he|she) forgot\b|\bof course it'?s (?:me|my turn)\b"
    ),
    _rx(
        r"\b(?:because|'?cause|cuz|coz|as if|like) (?:i have|i've|i've got|i have got|i got)"
        r" nothing (?:else|better) to do\b"
        r"|\bit'?s not like i (?:have|had|'ve got) (?:a life|anything (?:else|better)|plans)\b"
        r"|\bbecause my (?:time|plans|life|needs) (?:doesn'?t|don'?t|never) matter\b"
    ),
]

# Warm acknowledgement of the other person.
_ACKNOWLEDGE = [
    _rx(
        rf"\bi {ADVERB}(?:understand|hear you|get it|get that|know (?:this|that|it|you|how)"
        r"|can see|can tell|can imagine|appreciate|care about you|love you|value (?:you|our))\b"
    ),
    _rx(
        r"(?<!no\s)\b(?:thank you|thanks)\b(?! (?:a lot|for nothing))"
        r"|\bthanks a lot for (?:understanding|asking|thinking)"
    ),
    _rx(
        r"\b(?:that|it) sounds (?:really |so )?(?:hard|tough|stressful|rough|difficult"
        r"|like a lot|frustrating|exhausting|scary)\b|\bsorry to hear\b"
        r"|\bsorry (?:that )?you'?re\b|\bi know you'?re\b|\bi'?m glad you asked\b"
    ),
]

# "I" statements about one's own needs, feelings and choices.
_I_STATEMENT = [
    _rx(
        rf"\bi {ADVERB}(?:need|want|prefer|value)\b"
        rf"|\b{I_VE} {ADVERB}(?:been feeling|decided|promised myself|chosen)\b"
        r"|\bi {ADVERB}feel\b(?! (?:like you|that you|you|bad|terrible|awful|guilty|so bad"
        r"|really bad))"
    ),
    _rx(rf"\b{I_D} {ADVERB}(?:like|prefer|love|rather)\b"),
    _rx(
        rf"\b{I_M} {ADVERB}(?:(?:too|so|very|a bit|a little) )?(?:tired|exhausted|overwhelmed"
        r"|stretched|worn out|running low"
        r"|not comfortable|uncomfortable|choosing|keeping|protecting|saving|looking after"
        r"|taking care of myself|at my limit|full|stressed|drained|burnt out|burned out"
        r"|not ready|not okay with|not ok with|feeling|at capacity)\b"
    ),
    _rx(
        r"\b(?:it'?s|it is|this is|that'?s|that is) (?:really )?important to me\b"
        r"|\bmatters to me\b|\bfor my (?:own )?(?:sake|health|sanity|wellbeing|well-being"
        r"|peace of mind)\b|\bmy (?:own )?limit\b|\bi have a limit\b|\bmy budget\b"
    ),
]


def _first(patterns: Iterable[re.Pattern[str]], norm: str) -> re.Match[str] | None:
    """The earliest match of any pattern in the normalized text."""
    best: re.Match[str] | None = None
    for pattern in patterns:
        match = pattern.search(norm)
        if match and (best is None or match.start() < best.start()):
            best = match
    return best


def _clause_of(clauses: Sequence[_Clause], position: int) -> _Clause:
    """The clause that contains a character position."""
    for clause in clauses:
        if clause.start <= position < max(clause.end, clause.start + 1):
            return clause
    return clauses[-1]


def _negated(clause: _Clause, match: re.Match[str]) -> bool:
    """True when an offer is negated in its own clause ("not next week", "Friday is out")."""
    return bool(
        _NEGATION_BEFORE.search(clause.text, 0, match.start())
        or _NEGATION_AFTER.search(clause.text, match.end())
    )


def _search_clauses(
    patterns: Iterable[re.Pattern[str]], clauses: Sequence[_Clause]
) -> Iterable[tuple[_Clause, re.Match[str]]]:
    """Every (clause, match) pair, so start-anchored patterns work on each clause."""
    patterns = list(patterns)
    for clause in clauses:
        for pattern in patterns:
            for match in pattern.finditer(clause.text):
                yield clause, match


def _sarcasm_spans(norm: str, clauses: Sequence[_Clause]) -> list[tuple[int, int]]:
    """Where passive-aggressive phrasing sits: clause by clause, and across commas."""
    spans = {
        (clause.start + match.start(), clause.start + match.end())
        for clause, match in _search_clauses(_PASSIVE_AGGRESSIVE, clauses)
    }
    spans.update(
        match.span()
        for pattern in (*_PASSIVE_AGGRESSIVE, *_SARCASM_ACROSS_CLAUSES)
        for match in pattern.finditer(norm)
    )
    return sorted(spans)


def _sarcastic_yes(
    spans: Sequence[tuple[int, int]], norm: str, clause: _Clause, match: re.Match[str]
) -> bool:
    """True for a yes inside sarcasm, or a bare yes just before it ("Sure, because...")."""
    if _inside(spans, clause.start + match.start()):
        return True
    if clause.text.strip() != match.group(0).strip():
        return False
    return any(
        start >= clause.end and not norm[clause.end : start].strip(" ,\n") for start, _ in spans
    )


def _inside(spans: Sequence[tuple[int, int]], position: int) -> bool:
    """True when a position falls inside one of the spans."""
    return any(start <= position < end for start, end in spans)


# --- the analysis ----------------------------------------------------------------------------


def find_observations(text: str) -> list[Finding]:
    """Analyze a reply; one finding per observation, strengths first, in a stable order."""
    original = text or ""
    norm = _normalize(original)
    words = _WORD.findall(norm)
    if not words:
        return [Finding(Observation.EMPTY)]

    clauses = _clauses(norm)
    found: dict[Observation, str] = {}

    def note(observation: Observation, quote: str) -> None:
        found.setdefault(observation, quote)

    def quote_at(clause: _Clause, match: re.Match[str]) -> str:
        return _clause_fragment(original, clause, clause.start + match.start())

    # Taking time: a request for time plus a promise to come back ("let me check tonight").
    time_match = _TIME_ASK.search(norm)
    takes_time = bool(time_match and _TIME_ANCHOR.search(norm[time_match.start() :]))
    if time_match and takes_time:
        clause = _clause_of(clauses, time_match.start())
        note(Observation.TAKES_TIME, _clause_fragment(original, clause, time_match.start()))

    # Hedges, clause by clause. A soft "maybe" beside an alternative is part of an offer, and
    # "I'll think about it" with a promise to answer is taking time, not hedging.
    hedged_clauses: set[int] = set()
    for clause, match in _search_clauses(_HEDGES, clauses):
        if _SOFT_HEDGE.fullmatch(match.group(0)) and _first(_ALTERNATIVES_ANY, clause.text):
            continue
        if takes_time and _THINK_ONLY.search(match.group(0)):
            continue
        hedged_clauses.add(clause.start)
        note(Observation.HEDGE, quote_at(clause, match))

    # Refusals count as clear only in a clause without a hedge ("I probably can't" is a hedge).
    for clause, match in _search_clauses(_REFUSALS, clauses):
        if clause.start not in hedged_clauses:
            note(Observation.CLEAR_REFUSAL, quote_at(clause, match))
            break

    # Alternatives count only in clauses that are not negated ("not next week either").
    for clause, match in _search_clauses(_ALTERNATIVES_ANY, clauses):
        if not _negated(clause, match):
            note(Observation.OFFERS_ALTERNATIVE, quote_at(clause, match))
            break
    if Observation.CLEAR_REFUSAL in found and Observation.OFFERS_ALTERNATIVE not in found:
        for clause, match in _search_clauses([_PARTIAL_OFFER], clauses):
            if not _negated(clause, match):
                note(Observation.OFFERS_ALTERNATIVE, quote_at(clause, match))
                break

    for clause, match in _search_clauses(_CONDITIONS, clauses):
        note(Observation.SETS_CONDITION, quote_at(clause, match))
        break

    answered = {
        Observation.CLEAR_REFUSAL,
        Observation.OFFERS_ALTERNATIVE,
        Observation.SETS_CONDITION,
        Observation.TAKES_TIME,
    }
    sarcasm = _sarcasm_spans(norm, clauses)
    # A yes is only worth naming when nothing else in the reply holds a line.
    if not answered & found.keys():
        for clause, match in _search_clauses(_GIVES_IN, clauses):
            # "Fine, whatever" and "oh, sure" are sarcasm, not a yes.
            if _sarcastic_yes(sarcasm, norm, clause, match):
                continue
            note(Observation.GIVES_IN, quote_at(clause, match))
            break

    for clause, match in _search_clauses(_I_STATEMENT, clauses):
        note(Observation.I_STATEMENT, quote_at(clause, match))
        break

    for clause, match in _search_clauses(_ACKNOWLEDGE, clauses):
        # A "wow, thanks" or "gee, thanks" is not warmth.
        if not _inside(sarcasm, clause.start + match.start()):
            note(Observation.ACKNOWLEDGES, quote_at(clause, match))
            break

    for clause, match in _search_clauses(_BLAME, clauses):
        # "I know you always help me" is gratitude, not blame.
        before = norm[: clause.start + match.start()]
        if not (_BLAME_EXCUSED.search(before) or _CONSEQUENCE.search(before)):
            note(Observation.BLAMING_YOU, quote_at(clause, match))
            break

    apologies = [
        match
        for match in _APOLOGY.finditer(norm)
        if not _APOLOGY_NEGATED.search(norm[max(0, match.start() - 20) : match.start()])
    ]
    if len(apologies) >= 2:
        note(
            Observation.OVER_APOLOGIZING,
            _quote(original, apologies[0].start(), apologies[1].end()),
        )

    reasons = list(_REASONS.finditer(norm))
    if len(reasons) >= _REASONS_ALWAYS or (
        len(reasons) >= _REASONS_IN_LONG_REPLY and len(words) >= _LONG_REPLY_WORDS
    ):
        # Quote the chain itself: from the first reason to the end of the last one's clause.
        end = _clause_of(clauses, reasons[-1].start()).end
        note(Observation.OVER_JUSTIFYING, _quote(original, reasons[0].start(), end))

    if sarcasm:
        # Quote from the start of the first match's clause to the end of the clause it ends in.
        start, end = sarcasm[0]
        first, last = _clause_of(clauses, start), _clause_of(clauses, max(start, end - 1))
        quote = _quote(original, first.start, last.end)
        if quote.endswith("..."):
            quote = _quote(original, start, last.end)
        note(Observation.PASSIVE_AGGRESSIVE, quote)

    if len(words) == 1:
        note(Observation.ONE_WORD, _quote(original, 0, len(original)))
    elif not (answered | {Observation.HEDGE, Observation.GIVES_IN}) & found.keys():
        note(Observation.NO_CLEAR_ANSWER, "")

    return [
        Finding(observation, found[observation])
        for observation in sorted(found, key=_ORDER.__getitem__)
    ]


def analyze_reply(text: str) -> list[Observation]:
    """The observations for a reply, strengths first, in a stable order."""
    return [finding.observation for finding in find_observations(text)]


def summarize(
    findings: Sequence[Finding], max_strengths: int = 3, max_weak_spots: int = 2
) -> list[Finding]:
    """Pick the few findings worth showing: up to three strengths, then up to two weak spots."""
    strengths = [finding for finding in findings if finding.is_strength][:max_strengths]
    weak_spots = [finding for finding in findings if not finding.is_strength][:max_weak_spots]
    return strengths + weak_spots
