"""The word rules: where a reply says no, yes, maybe, sorry, please, because, you always...

Each rule finds *cues* (a kind and the span of words that carry it). The cues are read together
in `analysis.py`, which decides the overall verdict first and then which observations to name.
The rules are documented in docs/practice-feedback.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from flows.crisis import detect_crisis
from flows.practice_feedback.text import Clause, Normalized, clause_at, clauses_of, rx


class Cue(StrEnum):
    """A kind of signal the rules can find in a reply."""

    REFUSAL = "refusal"  # says no or holds a stance
    HEDGE = "hedge"  # leaves the answer open
    SOFT_MAYBE = "soft_maybe"  # a "maybe" that belongs to an offer ("maybe next week?")
    YES = "yes"  # agrees
    CONDITIONAL_YES = "conditional_yes"  # agrees "if you really need me"
    COULD = "could"  # "I can / I'll / happy to ...": an offer, after a no
    HALF_YES = "half_yes"  # "I could do it", "I could skip it": a yes said softly
    SOFT_YES = "soft_yes"  # "I'll come", "happy to": a yes, unless a no came first
    LIMIT = "limit"  # gives part and names the limit ("ten minutes", "not more")
    ALTERNATIVE = "alternative"  # another time, way or person
    ASK = "ask"  # asks the other person for something ("can we", "could you")
    NEED = "need"  # says what they need ("I need", "I'd like", "please stop")
    I_STATEMENT = "i_statement"  # speaks from their own side about a feeling or limit
    ACKNOWLEDGE = "acknowledge"  # names the other person's feeling or point
    MINIMISE = "minimise"  # makes their own need small ("no big deal", "I don't mind")
    APPEASE = "appease"  # pleads to avoid anger ("please don't be mad")
    APOLOGY = "apology"  # one "sorry"
    REASON = "reason"  # a reason marker ("because", "also", "plus")
    BLAME = "blame"  # blames or insults the other person
    SARCASM = "sarcasm"  # mock delight, sharp edges
    DISTRESS = "distress"  # fear of the other person, harm, or deep exhaustion


@dataclass(frozen=True)
class Found:
    """One cue: its kind and where its words sit in the reply."""

    cue: Cue
    start: int
    end: int


@dataclass
class Cues:
    """Every cue found in one reply, in reading order per kind."""

    original: str
    normal: Normalized
    clauses: list[Clause]
    found: dict[Cue, list[Found]] = field(default_factory=dict)

    def add(self, cue: Cue, start: int, end: int) -> None:
        """Record a cue once per position."""
        spots = self.found.setdefault(cue, [])
        if all(spot.start != start for spot in spots):
            spots.append(Found(cue, start, end))
            spots.sort(key=lambda spot: spot.start)

    def of(self, cue: Cue) -> list[Found]:
        """The cues of one kind, first first."""
        return self.found.get(cue, [])

    def has(self, cue: Cue) -> bool:
        """True when the reply holds at least one cue of this kind."""
        return bool(self.found.get(cue))

    def last(self, *cues: Cue) -> Found | None:
        """The cue of these kinds that comes last in the reply."""
        candidates = [spot for cue in cues for spot in self.of(cue)]
        return max(candidates, key=lambda spot: spot.start, default=None)


# --- shared fragments ---------------------------------------------------------------------

I_M = r"(?:i'm|im|i am)"
I_LL = r"(?:i'll|ill|i will)"
I_D = r"(?:i'd|i would)"
I_VE = r"(?:i've|ive|i have)"
CANT = r"(?:can'?t|cannot|can not)"
WONT = r"(?:won'?t|will not)"
DONT = r"(?:don'?t|do not)"
ADVERB = (
    r"(?:(?:really|just|honestly|simply|truly|actually|definitely|also|still|already"
    r"|absolutely|unfortunately|def) )?"
)
PRONOUN = r"(?:you|them|her|him|us|it)"

# --- refusals and stances -----------------------------------------------------------------

# Words after "can't" / "won't" that turn it into something other than a refusal ("I can't
# wait", "can't say no to you", "can't promise").
_NOT_REFUSING_AFTER = (
    r"(?! (?:say no|refuse|turn (?:you|them|her|him) down|let (?:you|them|her|him) down"
    r"|disappoint|leave you|abandon|wait|believe|thank|imagine|help but|stop|lie|pretend"
    r"|upset|hurt|be rude|seem|sound|lose|fight|argue|forget|complain|promise|guarantee"
    r"|be sure|tell|breathe|sleep|keep doing|do this anymore|take (?:it|this|much) any"
    r"|find|afford not|be the one who|be that))"
)
_NOT_REFUSING_SUBJECTLESS = (
    r"(?! (?:say|tell|remember|decide|think|see|hear|happen again|be long|take long"
    r"|be (?:a|an) (?:problem|issue)|mind|matter|complain|go wrong))"
)
_LEAD_IN = (
    r"(?:(?:oh|well|um+|hm+|sorry|so sorry|afraid|just|really|honestly|unfortunately|sadly|still"
    r"|i'?m afraid|nah|no|yeah|ah+|ugh|love|babe|hun|mum|mom|dad) )*"
)
_NO_WORD_NOT = (
    r"(?! (?:problem|worries|worry|one|need|offen[cs]e|matter|idea|doubt|pressure|rush|charge"
    r"|bother|stress|trouble"
    r"|biggie|big deal|way i can'?t|it'?s fine|it'?s ok|that'?s fine|that'?s ok|you'?re right"
    r"|i don'?t mind|i get it|of course|totally|yeah))(?!,? (?:it'?s|that'?s) (?:fine|ok|okay"
    r"|alright|cool|all good|good))(?!,? you'?re right)(?!,? all good)"
)

REFUSALS = [
    rx(
        r"^\s*(?:(?:absolutely|definitely|certainly|honestly|still|just|sadly|def) )?not\b"
        r"(?! (?:sure|really|certain|that|yet|only|just|a problem|bad|a big deal|important"
        r"|much|anything|everyone|everything|a joke|about|my|your|like|if|because|even|sorry"
        r"|mad|angry|funny|fair|ok|okay|cool|nice|fine|true|right|good|great|helpful|kind))"
    ),
    rx(
        r"^\s*(?:well |um+ |erm |hm+ |sorry |haha |lol |love |mum |babe |ah+ |aw+ |ugh |still "
        r"|actually |honestly |ok |okay |so )?"
        rf"(?:no|nope|nah)\b{_NO_WORD_NOT}"
    ),
    rx(r"\bno (?:thanks|thank you)\b"),
    rx(
        r"\bnot (?:this time|this week|this weekend|tonight|today|now|right now|anymore"
        r"|any more|again|this year|this month|this one|this sunday|this saturday|this friday"
        r"|for me)\b"
    ),
    rx(
        rf"\b{I_M} {ADVERB}not (?!(?:saying|trying|feeling|being|blaming|asking|judging"
        r"|kidding|joking|complaining|something|anything|thinking|bailing|mad|angry|upset"
        r"|sure|ungrateful|selfish)\b)[\w-]+ing\b"
    ),
    rx(
        rf"\b{I_M} {ADVERB}(?:not willing|going to say no|gonna say no|busy|booked"
        r"|not the (?:right )?(?:person|one)|not in a position|going to sit this one out"
        r"|sitting this one out|not free|fully booked|done for|off for|offline|logged off"
        r"|signed off|off work|out\b|stepping (?:out|back|away)|staying (?:in|home|out|put"
        r"|here)|keeping|sticking with|taking my|presenting|spending|skipping|leaving it|passing"
        r"|taking (?:a|the) (?:month|week|break|night|day|weekend) off|off to"
        r"|away (?:for|from|this|that|on|until|all|half|most))"
    ),
    rx(
        rf"\b{I_M} {ADVERB}(?:still )?going\b(?! to (?!my\b|the\b|a\b|class|dinner|bed|work"
        r"|pass|decline|say no|sit|skip|stay|keep)\w)(?! (?:back|crazy|mad|to be|through))"
    ),
    rx(
        rf"\b(?:{I_VE} {ADVERB}got|i {ADVERB}have|i {ADVERB}'ve got) (?:other )?plans\b"
        r"|\bi (?:already )?(?:told you|said) no\b"
        r"|\b(?:that|this)(?:'s| is) not (?:going to|gonna) change\b"
        r"|^\s*(?:that'?s |this is |it'?s )?not (?:happening|going to happen)\b"
        r"|\b(?:that'?s|it'?s) (?:decided|final|my answer)\b"
        r"|\b(?:it'?ll|it will|that'?ll|they'?ll) have to wait\b"
        r"|\b(?:aren'?t|isn'?t|are not|is not) free\b"
        r"|\bwe(?:'re| are) (?:spending|staying|going|keeping|not)\b"
        r"|\b(?:is|are|'s) (?:blocked|booked|taken|off limits|not negotiable|non-negotiable)\b"
        r"|\b(?:extra|more) (?:\w+ )?(?:is|are) (?:extra|paid|charged)\b|\bcosts? extra\b"
        r"|\bthat'?s (?:my limit|all i can (?:do|give|manage)|as far as i (?:go|can go))\b"
        rf"|\b{I_LL} be (?:fully |completely |totally )?(?:offline|away|unavailable|off|out)\b"
        r"|\bstill (?:a )?no\b|\b(?:it|that|this)(?:'s| is)? (?:stays?|staying)\b"
        r"|\b(?:aren'?t|isn'?t|not) up for (?:swapping|grabs|negotiation|discussion|debate)\b"
        r"|\b(?:billed|charged|paid|invoiced) (?:separately|extra|on top)\b"
        rf"|\b{I_M} {ADVERB}(?:off|heading off|out of here)\b(?=\s*(?:[!.]|$))"
        rf"|\b{I_M} {ADVERB}working (?:on |this |that |then\b|tonight|late|all)"
    ),
    rx(
        rf"\b{I_M} {ADVERB}(?:not going to|not gonna|not able to|unable to|not available"
        r"|not lending|not doing|not coming|not taking|not covering|not in a position to"
        r"|not up for|going to pass|gonna pass|going to decline|saying no|declining"
        r"|not (?:comfortable|okay|ok|happy) (?:with|\w+ing)|uncomfortable (?:with|\w+ing)"
        r"|no longer|not changing|not skipping|not handing)"
    ),
    rx(
        rf"\b(?:{I_LL}|{I_D}) {ADVERB}(?:have to |need to |rather )?"
        r"(?:pass|skip (?:this one|this|that|tonight|dinner|the party|\w+'s)|decline|say no"
        r"|sit this one out"
        r"|not)\b(?! (?:to|able)\b)"
    ),
    rx(rf"\b{I_D} {ADVERB}rather not\b"),
    rx(
        rf"\bi {ADVERB}(?:have to|need to|must|choose to|want to) (?:say no|decline|pass"
        r"|turn (?:this|it) down)\b"
    ),
    rx(rf"\b(?:{I_VE}|i) {ADVERB}(?:decided|chosen|choose|chose) not to\b"),
    rx(
        rf"\b(?:i|we) {ADVERB}(?:{CANT}|{WONT}|{DONT} want to|do not want to|shouldn'?t"
        rf"|{DONT} lend|{DONT} do|{DONT} work|{DONT} (?:co-?)?sign|{DONT} babysit|{DONT} swap"
        rf"|{DONT} have (?:the )?(?:time|money"
        r"|space|energy|capacity)|can no longer|never (?:lend|work|sign|do)"
        r"|won'?t be able to)\b" + _NOT_REFUSING_AFTER
    ),
    rx(
        rf"^\s*{_LEAD_IN}(?:{CANT}|{WONT}|{DONT} want to|won'?t be able to|unable to"
        rf"|{DONT} have (?:the )?(?:time|money|space|energy|capacity)"
        r"|(?:would |'d )?rather not|no can do|hard pass|pass(?= on\b| for now\b|\W*$)"
        r"|(?:going to|gonna|have to|need to|got to|gotta) (?:pass|say no|decline|skip"
        r"|sit this one out))\b" + _NOT_REFUSING_AFTER + _NOT_REFUSING_SUBJECTLESS
    ),
    rx(
        r"\b(?:that|this|it|that plan|friday|saturday|sunday|the weekend) (?:doesn'?t|does not"
        r"|won'?t|will not|isn'?t going to|is not going to) work for me\b"
    ),
    rx(r"\b(?:that'?s|that is|this is|it'?s|it is) not something i\b"),
    rx(r"\b(?:so|then|which is why|that'?s why) no\b(?! (?:problem|worries|one|need|matter))"),
    rx(
        r"\bmore than i can (?:afford|spend|do|give|manage|take on)\b"
        r"|\btoo much for me (?:this|right now|at the moment)\b"
        r"|\b(?:over|out of|outside) my budget\b|\bcan'?t afford\b"
        rf"|\b{I_M} {ADVERB}(?:too|so) (?:tired|busy|exhausted|drained|wiped|full) to\b"
        rf"|\b{I_M} {ADVERB}(?:gonna|going to) skip\b"
    ),
    rx(r"\b(?:the|my) answer is (?:still |a )?no\b|\b(?:it'?s|that'?s) a no\b|\bcount me out\b"),
]

# --- hedges -------------------------------------------------------------------------------

HEDGES = [
    rx(r"\b(?:maybe|perhaps|probably|possibly|hopefully|kinda|sorta|kind of|sort of|mayb)\b"),
    rx(rf"\b(?:{I_LL}|let me|i can|i could) (?:{ADVERB})try\b(?! to (?:explain|be|say|put|keep))"),
    rx(
        rf"\b{I_LL} (?:have to )?see\b|\bwe'?ll see\b|\bwe will see\b|\bi'?ll have to see\b"
        r"|\b(?:let me|lemme) (?:just )?(?:see|check|ask|look|think|get back|sleep on"
        r"|talk to|find out)\b|\b(?:i'?ll|i will|i need to|i have to|i'?d have to) (?:just )?"
        r"(?:see|check(?! in)|think|get back|let you know|sleep on|find out)\b"
        r"|\bget back to you\b|\blet you know\b|\b(?:depends|it depends)\b"
        r"|\blet'?s (?:see|wait and see|think about it)\b"
    ),
    rx(r"\bi (?:guess|suppose|think i can|dunno)\b|\bdunno\b"),
    rx(rf"\b(?:{I_M} )?not (?:really |totally |entirely |too )?(?:sure|certain)\b"),
    rx(rf"\bi {DONT} (?:really )?(?:know|think)\b"),
    rx(r"\bi (?:might|may)\b(?! (?:not be able|be wrong))|\bmight be able\b"),
    rx(
        r"\bif i (?:can|get (?:a chance|time|round to|around to)|have (?:the )?time|finish"
        r"|skip|'?m back|am back|get off|manage|could)\b"
    ),
    rx(rf"\b{CANT} (?:promise|guarantee)\b|\bno promises\b|\bone day\b|\bwe'?ll talk\b"),
    rx(r"\b(?:can|could) i (?:let you know|get back|think|check|see)\b"),
]
SOFT_MAYBE = rx(r"\b(?:maybe|perhaps|possibly)\b")

# --- yes, conditional yes, minimising -----------------------------------------------------

YESES = [
    rx(
        r"^\s*(?:(?:oh|ugh|ok|aw+|haha|lol|m+|hm+|well|yeah|ha|ah+) )*(?:yes|yeah|yep|yup|sure"
        r"|ok|okay|of course|alright|all right|fine|no problem|no worries|absolutely|definitely"
        r"|go on|sure thing|omg yes)\b(?! not)(?! (?:but|that))"
    ),
    rx(rf"(?:\bi |^\s*){CANT} (?:say no|refuse|turn {PRONOUN} down|let {PRONOUN} down)\b"),
    rx(
        rf"\b{I_LL} (?:{ADVERB})(?:do it|do that|do this|do it all|cover it|cancel"
        r"|skip (?:my|class|the class|warm ?up|the hike)|call her|call him|ask to swap"
        r"|move the hike|stay up|sort it)\b"
        r"|\bi can do (?:it|that)\b"
        r"|\bwhere do i sign\b|^\s*(?:\w+ )?send it (?:over|through)\b|\bit'?s all yours\b"
        r"|\bleave it (?:all )?with me\b|\bgive it here\b"
        r"|\byou win\b"
        r"|\bhow much do you need\b|\bput it on\b|\bgo ahead\b|\bi'?m in\b(?! for)"
        r"|\bcome along\b|\bwhat time do i\b|\bwhat'?s it doing\b|\bwhat did (?:he|she|they) do"
        r"|\blet'?s book\b|\byou'?re right\b|\bi owe you\b|\bfor you anything\b"
        r"|\bi'?m always here\b|\byou can always\b|\bhow much (?:this time|do you need|is it)\b"
        r"|^\s*(?:of )?course\b(?! not)|\bwouldn'?t miss it\b|\banything for you\b"
        r"|\byou (?:could|can) (?:come|stay|have it|borrow|use it|tag along)\b"
    ),
]
# Yeses that are offers when a no came first ("No, but I'll help on Sunday").
SOFT_YESES = [
    rx(
        rf"\b{I_LL} (?:{ADVERB})(?:cover|lend|take care|handle|come|be there"
        r"|pick (?:you|it|them|her|him) up|drive|watch|stay(?! out)|help|make it work"
        r"|move (?:my|it)|send (?:it|the money|you the money)|transfer|sort|manage|book"
        r"|talk to (?:him|her|them)|bring the|eat at|figure|have a look|tell them|check in"
        r"|check (?:my |the )?emails?|find (?:the )?time|make time|grab a|work the|take them"
        r"|just eat)\b"
        r"|\b(?:i'?m |i am )?(?:happy|glad) to\b"
    ),
]
HALF_YES = re.compile(
    r"(?<!if )(?<!wish )\bi (?:could(?!n'?t\b| ?not\b)(?! (?:offer|ask|try|see|tell))"
    r"|can (?:come|do it|do that|make it|stay|cover|lend))\b"
)
# Resigned fillers: a yes followed by "I guess" is still a yes.
RESIGNED = re.compile(r"\bi (?:guess|suppose)\b")
# A time, a meal or a plan named in a question or after "but" is an offer of another way.
TIME_WORDS = rx(
    r"\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day)?\b|\btomorrow\b|\bweekend\b"
    r"|\b(?:lunch|dinner|dessert|brunch|breakfast|coffee|drinks|a walk)\b|\blater\b"
    r"|\b(?:morning|afternoon|evening)\b|\bat (?:one|two|three|four|five|six|seven|eight|nine"
    r"|ten|eleven|noon|\d+)\b"
)
_BUT_BEFORE = re.compile(r"\bbut\s*$")
_REPORTED = rx(
    r"\b(?:tell|text|say to|message|let) (?:them|him|her|everyone)(?: know)?(?: that)?\s*$"
)
# "ok, I won't take the evening then": a no to one's own plan, given up to please them.
GIVING_UP_OWN_PLAN = rx(
    r"^\s*(?:ok|okay|fine|alright|right|oh)\b[\s,.!]*(?:i won'?t|i will not|i'?ll not"
    r"|i don'?t need to|i won'?t bother to)\b[^.!?]*\bthen\b"
)
_WE_PLAN = rx(r"\b(?:we'?ll|we will|we can|we could|let'?s)\b")
CONDITIONAL_YESES = [
    rx(
        r"\bif (?:you|it|they|he|she) (?:really|truly|absolutely|desperately|actually)"
        r" (?:need|want|can'?t|must|has to|have to)\b"
        r"|\bif (?:it'?s|it is|this is|that'?s) (?:really|that|so|truly|super) (?:important"
        r"|urgent|needed)\b|\bif (?:you|they) (?:can'?t|cannot) find (?:anyone|someone"
        r"|anybody)\b|\bif (?:nobody|no one|no-one) else\b|\bif it means (?:that|so) much\b"
        r"|\bif it (?:upsets|hurts|bothers) you\b|\bif it'?ll (?:help|stop|make)\b"
        r"|\bif you insist\b|\bif i (?:have|must)\b|\bif (?:you|it) need(?:s)? me\b"
        r"|\bif you'?re stuck\b|\bif there'?s no(?: one|body) else\b"
        r"|\bif (?:you|it) (?:really )?(?:means?|matters?) (?:that|so) much\b"
    ),
]
COULD = rx(
    rf"\b(?:i can(?!'?t\b| ?not\b)|i could(?!n'?t\b)|{I_M} (?:happy|glad) to"
    rf"|{I_D} (?:be )?(?:happy|glad|love) to|{I_LL}"
    rf"|{I_D} (?=(?:swap|do|take|come|help|join|cover|go|meet|lend|drive)\b))"
    r"(?! (?:see|tell|hear|understand|imagine|feel|not|never|try|think|check|let you know"
    r"|get back|be honest|pass|decline|say no|sit this|have to|miss))\b"
)
MINIMISERS = [
    rx(
        r"\b(?:it'?s|it is|that'?s|that is) (?:not|no) (?:a |that )?(?:big deal|biggie"
        r"|important|a problem|that much)\b|\bno big deal\b|\bnot a big deal\b"
        r"|(?:^|\b(?:no|oh|haha|lol|yeah|ok|it'?s|sure|mean|ah) )(?:it'?s|that'?s|its|thats)"
        r" (?:fine|ok|okay|alright|nothing)\b(?! (?:for|by) (?:you|me to))"
        r"|^\s*(?:it'?s|its) (?:fine|ok|okay|alright)\b"
    ),
    rx(
        rf"\bi {DONT} (?:really )?mind\b|\bnever ?mind\b|\bforget (?:it|i said anything|about it)"
        r"\b|\b(?:i'?m|i am|being) (?:\w+ )?(?:too sensitive|overreacting|over-reacting|silly"
        r"|dramatic|selfish|being selfish)\b|\bi {DONT} really need\b|\bnot important\b"
        rf"|\bi'?ll manage\b|\bi'?ll make it work\b|\b(?:it|the \w+) can wait\b"
        r"|\bit'?s (?:just|only) (?:one |hair|a few|a little|for|the once|a class|a bit)\b"
        r"|\bonly a few\b|\b(?:it'?s )?all good\b|\b(?:i know )?you didn'?t mean it\b"
        r"|\bnot that (?:much|bad|big)\b|\bthere'?ll be other\b|\bjust this once\b"
        r"|\bit'?s only (?:one|a|two|an)\b|\bit doesn'?t matter\b|\bignore me\b"
    ),
]

# --- alternatives, limits, asks, needs ----------------------------------------------------

ALTERNATIVES = [
    rx(
        r"\b(?:how about|what about|instead|rain check|some other time"
        r"|another (?:time|day|evening|weekend|night|weekday|week)|a different (?:day|time|week)"
        r"|later (?:this|next) (?:week|month)|next (?:week|month|weekend|year|one|time)"
        r"|(?:next|this) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
        r"|works for me|i'?m free|i am free|the (?:week|weekend|day) after|when i'?m back"
        r"|first thing|after (?:dinner|lunch)|tomorrow (?:morning|afternoon|evening|at)"
        r"|on the \d+\w*|count me in for|in for the|join you for"
        r"|(?:a )?drinks? after|meet you (?:for|at|after)|lunch on|coffee on|breakfast"
        rf"|(?:{I_LL}|we'?ll|i can) (?:call|ring|text|phone|see|meet) (?:you|them|her|him)?"
        r" ?(?:at|on|by) "
        r"|free (?:on )?(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\w*"
        r"|any (?:other )?(?:weekday|day|time|evening|night|week) (?:works|is fine|is good)"
        r"|(?:can|could) be (?:tomorrow|\w+day)|tomorrow instead|over lunch"
        r"|put me down for|save me (?:some|a|one)|at (?:my|the) (?:usual|normal|standard) (?:rate"
        r"|price|fee)|for my (?:usual|normal) (?:rate|fee))\b"
        r"|\b(?!(?:i|you|we|it|that|this)\b)[a-z]+ (?:next door |down the road )?"
        r"(?:might|could|can) (?:help|do it|take (?:it|over))"
    ),
    rx(
        r"\b(?:a|an|another|your) (?:friend|counsellor|counselor|therapist|professional"
        r"|colleague|doctor|helpline) (?:could|can|might|would)\b"
    ),
    rx(
        r"\b(?:someone|somebody|anyone) else\b(?!'s)|\b(?:you|they|he|she) (?:could|can|might)"
        r" (?:ask|try|call|check|hire|get|book|use|email|message|text|tell|write)\b"
        r"|^\s*(?:maybe |please |just )?ask\b|\b(?:maybe|can you|could you) ask\b"
        r"|\bask (?:your|someone|somebody|maya|sam)\b"
    ),
    rx(r"(?<!see\s)\bwhat i can (?:do|offer|manage)\b|\bi can offer\b|\bi could offer\b"),
    rx(
        r"\b(?:let'?s|shall we|we could(?!n)|we can(?!'?t\b| ?not\b))\b"
        r"(?! (?:not|just forget|see|wait and see|think))"
    ),
]
LIMITS = rx(
    r"\bfor (?:ten|five|fifteen|twenty|thirty|\d+|a few|half an) (?:minutes|mins|min|hours?)\b"
    r"|\bhalf an hour\b|\b(?:i'?ve only got|i only have|i have only|i can only|only for"
    r"|not more|no more than"
    r"|that'?s all i can|i can (?:give|do|spare|manage|put in|pay|lend|afford|offer) (?:you )?"
    r"(?:a|an|[£$€]?\d+|one|two|five|ten|fifteen|twenty|thirty|fifty"
    r"|half|a hundred|some)|up to|not the \d+|not the (?:second|whole|rest|full|entire))\b"
)
ASKS = rx(
    r"\b(?:can we|could we|can you|could you|would you|will you|can someone|could someone"
    r"|can somebody|shall we)\b"
)
NEEDS = [
    rx(
        rf"\b(?:i|{I_D}) {ADVERB}(?:need|want|prefer)\b(?! (?:to (?:say|tell you|be honest"
        r"|explain)))"
        rf"|\b{I_D} {ADVERB}(?:like|prefer|love)(?! to (?:help|come|but))\b"
        r"|\bplease (?:stop|don'?t|do not|talk|call|ask|tell|leave|respect|knock|give|drop"
        r"|check|keep|let|find|pick|book|send|use)\b"
        r"|\bi(?:'m| am) asking you\b|\b(?:stop|quit) (?:\w+ing)\b(?! (?:by|at))"
        r"|\bi(?:'d| would) appreciate (?:it )?if\b"
        r"|\b(?:it'?s|it is|this is|that'?s|that is) (?:really )?important to me\b"
        r"|\bmatters to me\b|\b(?:extra|more) \w+ (?:are|is) paid\b|\bi (?:value|charge)\b"
    ),
]

# --- warmth, own side ---------------------------------------------------------------------

ACKNOWLEDGEMENTS = [
    rx(
        rf"\bi {ADVERB}(?:understand|hear you|get it|get that|know (?:this|that|it'?s|you|how)"
        r"|can see|can tell|can imagine|appreciate|care about you|love you|love (?:them|you)"
        r"|adore them|value (?:you|our)|remember)\b"
    ),
    rx(
        r"(?<!no\s)\b(?:thank you|thanks)\b(?! (?:a lot|for nothing))"
        r"|\bthanks a lot for (?:understanding|asking|thinking)"
    ),
    rx(
        r"\b(?:that|it) sounds (?:really |so )?(?:hard|tough|stressful|rough|difficult|lovely"
        r"|nice|fun|great|like a lot|frustrating|exhausting|scary)\b|\bsorry to hear\b"
        r"|\bsorry (?:that )?you'?re\b|\bi know you'?re\b|\bi'?m glad (?:you|you'?re)\b"
        r"|\bi know (?:it|this|that) (?:is|'s)\b|\bi (?:do )?want (?:it|your \w+) to be\b"
    ),
]
I_STATEMENTS = [
    rx(
        rf"\b{I_VE} {ADVERB}(?:been feeling|decided|promised myself|chosen|done it for"
        r"|been looking forward)\b"
        rf"|\bi {ADVERB}feel\b(?! (?:like you|that you|you|bad|terrible|awful|guilty|so bad"
        r"|really bad))"
    ),
    rx(
        rf"\b{I_M} {ADVERB}(?:(?:too|so|very|a bit|a little|really) )?(?:tired|exhausted"
        r"|overwhelmed|stretched|worn out|running low|running on empty|wiped|drained|knackered"
        r"|not comfortable|uncomfortable|choosing|protecting|saving|looking after"
        r"|taking care of myself|at my limit|full|stressed|burnt out|burned out"
        r"|not ready|not okay with|not ok with|feeling|at capacity|falling asleep|grateful"
        r"|glad)\b"
    ),
    rx(
        r"\bfor my (?:own )?(?:sake|health|sanity|wellbeing|well-being|peace of mind)\b"
        r"|\bmy (?:own )?limit\b|\bi have a limit\b|\bmy budget\b|\bi love (?:it|my|doing)\b"
        r"|\bi like (?:it|my)\b|\bi like this\b"
    ),
]

# --- apologies, appeasing, reasons --------------------------------------------------------

APOLOGY = rx(
    r"\bsorry\b(?! (?:to hear|that you'?re|you'?re (?:going|in)|for your loss|about your"
    r"|not sorry))|\bsry\b|\bsoz\b|\bapolog(?:y|ies|ise|ize|ised|ized|ising|izing)\b"
    r"|\bforgive me\b|\bmy bad\b|\bi feel (?:so |really |just )?(?:bad|terrible|awful|guilty)\b"
    r"|\bi hate (?:to (?:do this|say this|say no|let you down)|saying (?:this|no|that)"
    r"|letting)\b"
)
_APOLOGY_NEGATED = rx(rf"(?:not|never|{DONT} be|no need to be|no need to|not going to|{WONT})\s*$")
APPEASERS = [
    rx(
        r"\bplease (?:don'?t|do not) (?:be|get|take|think|hate|hold|say|feel|stop|worry|cry|sulk"
        r"|give up|be cross)"
        r"|\b(?:don'?t|do not) (?:hate|be mad at|be angry with|be cross with|hold it against)"
        r" me\b|\bdon'?t be (?:mad|angry|upset|cross|sad|hurt|disappointed)\b"
        r"|\b(?:i )?hope (?:you'?re not|you are not|that'?s (?:ok|okay|alright|fine)"
        r"|it'?s (?:ok|okay|alright|fine)|you (?:don'?t|do not) mind|nobody minds|you understand"
        r"|you'?re not (?:mad|angry|upset))|\b(?:is|would) it (?:be )?(?:ok|okay|alright)"
        r" if\b|\bi promise (?:i'?ll|i will|to)\b|\bmake it up to you\b"
        r"|\bi (?:really )?(?:don'?t|do not) (?:want|mean) (?:to (?:start a fight|be (?:awkward"
        r"|difficult|a pain|rude)|upset you|hurt you|let you down)|you to think)\b"
        r"|\bsorry to be (?:difficult|a pain|awkward|annoying)\b|\bi swear\b"
        r"|\bplease (?:forgive|understand)\b|\bi didn'?t mean to (?:hurt|upset)\b"
        r"|\bhope (?:no ?one|nobody|you|everyone)(?:'s|'re| is| are)? (?:not |isn'?t )?(?:annoyed"
        r"|mad|upset|angry|cross|hurt|offended)\b|\bsuch a (?:bad|terrible|awful|rubbish) "
        r"(?:friend|daughter|son|person|partner|sister|brother|mum|mom|colleague)\b"
        r"|\bhope you won'?t be (?:too )?(?:lonely|sad|upset|mad|angry|hurt|cross)\b"
        r"|\bdon'?t give up on me\b|\b(?:you'?re|you are) not (?:mad|angry|upset|annoyed|cross"
        r"|hurt),? (?:right|are you)\b"
        r"|\bdon'?t think i (?:don'?t|'m|am)\b|\bi hope you can forgive\b"
    ),
]
REASONS = rx(
    rf"\b(?:because|'?cause|cuz|coz|since|as i (?:have|'ve|need)|the reason|the thing is"
    rf"|on top of that|not to mention|plus|besides|and also|also|and then|what'?s more"
    rf"|{I_VE} got to|i have to|i'?ve got|i have got|i must|and i need to|and my|and i'?m"
    r"|my (?:boss|mum|mom|dad|kids?|doctor|flatmate|sister|brother|bank) (?:needs|wants|said"
    r"|is))\b"
)
SHORT_REASON = re.compile(
    r"\b((?:because|'?cause|since)\b)"
    r"|[,.!]\s*((?:i'?m|i am|im)\s+(?:\w+ing|away|off|out)\b"
    r"|(?:i have|i'?ve got|it'?s my|i booked|i planned|i promised|early start)\b)"
)

# --- blame and sarcasm --------------------------------------------------------------------

BLAMES = [
    rx(
        r"\byou(?:'re| are)? (?:always|never|just never|literally never|only ever|constantly)\b"
        r"(?! (?:(?:been|be) )?(?:help|helped|support|been there|been kind|been good|been so"
        r"|make me laugh|welcome|make me smile|there for me|fail to))"
    ),
    rx(
        r"\byou (?:make|made) me\b(?! (?:laugh|smile|happy|feel (?:good|loved|safe|special"
        r"|better)))"
    ),
    rx(
        r"\byou(?:'re| are) (?:(?:so|being|just|really|such a|very|totally|literally) )*"
        r"(?:selfish|unfair|ungrateful|lazy|impossible|ridiculous|childish|needy|clingy"
        r"|manipulative|unbelievable|irresponsible|rude|demanding|using me|taking advantage"
        r"|pathetic|a joke|like children|like a child|a creep|creepy|controlling|toxic)\b"
    ),
    rx(
        rf"\byou (?:keep|only ever|only|{DONT} even|{DONT} care|{DONT} listen|{DONT} respect"
        rf"|{DONT} appreciate|{DONT} understand|{DONT} think about|should have|should'?ve"
        r"|shouldn'?t have|should know|expect me|think you can|act like|take me for"
        r"|complain|really have no|have no respect|two are|never ask)\b"
    ),
    rx(
        r"\b(?:your fault|because of you|how dare you|why do you always|why can'?t you"
        r"|it'?s always about you|everything is about you|grow up|get over (?:it|him|her"
        r"|yourself)|get it yourself|do it yourself|sort it out yourselves"
        r"|creep|idiot|stupid|guilt trip\w*|stop guilt|don'?t put that on me|take the credit"
        r"|you used to be|unbelievable|like children|you'?ll survive|poor you|boo hoo"
        r"|lifetime debt|you mean it|i never asked you|you suddenly|every time i|ridiculous"
        r"|before you opened your mouth|isn'?t just drinking|seriously\?|get a (?:grip|life|clue)"
        r"|get real|give me a break|give it a rest|are you (?:serious|kidding|joking|for real"
        r"|insane|mad)|you(?:'re| are) (?:kidding|joking)|good one|typical|classic you"
        r"|how about no|keeping score|(?:do|did) you ever|have you (?:ever )?(?:tried|thought)"
        r"|who do you think|what(?:'s| is) wrong with you|you (?:still )?owe me"
        r"|like i told you|i told you (?:already|a (?:hundred|million)|\w+ times)"
        r"|for the (?:hundredth|millionth|last|tenth) time|how many times"
        r"|you(?:'re| are) (?:just |so |such a |being )?(?:mean|cheap|jealous|petty|annoying"
        r"|useless|delusional|a child|a baby|spoilt|spoiled|entitled|a control freak)"
        r"|you (?:had (?:weeks|months|ages|all)|haven'?t (?:even )?paid|never paid"
        r"|can'?t (?:even )?"
        r"handle|approved (?:this|it)|promised|said you would)|worth nothing to you"
        r"|good to know\W*$|apparently\W*$|do you even|like the last (?:\w+ )?times?"
        r"|counts? for nothing|(?:that'?s|it'?s|this is) (?:not|so not|really not) fair"
        r"|don'?t make this about|if you (?:really )?(?:loved|cared about|respected) me"
        r"|i (?:never|didn'?t) ask(?:ed)? you to|real friends (?:don'?t|wouldn'?t)"
        r"|sick (?:and tired )?of (?:hearing|listening)|unsolicited|you managed (?:fine|ok)"
        r"|\bmoan(?:ing)?\b|if you did your own|only one laughing|dragging me into"
        r"|you(?:'re| are) (?:suffocating|smothering|exhausting|draining) me|^\s*funny\b"
        r"|\bagain\?!)"
    ),
    rx(
        r"\bi feel (?:like|that) you(?:'re| are)? (?:\w+ )?(?:always|never|don'?t|only|just"
        r"|keep|expect|take|use)\b"
    ),
]
_BLAME_EXCUSED = rx(
    r"(?:not saying|don'?t mean|not that|not blaming|i know|thank you|thanks"
    r"|grateful|appreciate)[\w\s',]{0,12}$"
)
_CONSEQUENCE = rx(r"\b(?:if|when|whenever)\s*$")

_WHATEVER_SINCERE = r"(?! (?:works|suits|you need|is easiest|helps|feels|you want|you like"
_WHATEVER_SINCERE += r"|you prefer|you think))"
_THANKS_SINCERE = (
    r"(?! for (?:understanding|asking|thinking|being|the invite|inviting|checking|your"
    r"|listening|letting|telling|including|the heads|the offer|trusting))"
)
SARCASM_IN_CLAUSES = [
    rx(
        rf"\b(?:fine|sure|okay|ok),? whatever\b{_WHATEVER_SINCERE}"
        rf"|^\s*whatever\b{_WHATEVER_SINCERE}(?!,? (?:i'll|i will|fine|ok))"
        r"|\bwhatever you say\b|\bwhatever\W*$"
    ),
    rx(
        r"\bmust be nice\b|\boh,? sure\b|\boh,? yeah,? sure\b|\byeah,? right\b"
        r"|\bno offen[cs]e\b|\bjust saying\b|\bas usual\b|\blike i always do\b"
        r"|\bfunny how\b|\breal mature\b|\bwow,? you really\b|\bround (?:two|three|four)\b"
        r"|\b(?:trip|dramatic|rude|entitled|needy|selfish|jealous|petty) much\b|\bor just the\b"
    ),
    rx(
        rf"\b{I_LL} (?:just )?do (?:it|everything|it all) myself\b|\bdon'?t worry about me\b"
        r"|\bsilly me\b|\bforget it\b(?=.*\b(?:then|fine)\b)|\bhow convenient\b"
        r"|\bnice of you to\b|\bgood for you\b|\bif you say so\b|\bas if\b|\bsorry not sorry\b"
        r"|\bnot that (?:anyone|you) (?:cares?|asked|noticed)\b|\bsome of us\b"
        r"|\bglad (?:to see )?you (?:finally|remembered)\b|\bwell,? excuse me\b"
    ),
]
SARCASM_ACROSS_CLAUSES = [
    rx(
        rf"\bthanks a lot\b{_THANKS_SINCERE}|\bthanks for nothing\b"
        rf"|\b(?:gee|wow|oh wow),? (?:thanks|thank you)\b{_THANKS_SINCERE}"
    ),
    rx(
        r"\boh,? (?:great|wonderful|fantastic|perfect|lovely|brilliant|joy|goody|super)\b"
        r"(?![\s,.!-]*(?:thanks|thank you|see you|that works|sounds good|glad|good to hear"
        r"|so happy|congrat|news|idea|to hear|i'?m so glad|that'?s (?:great|good|perfect)))"
        r"|\bjust (?:great|perfect|wonderful|brilliant|fantastic)\b(?! (?:news|to hear))"
        r"|\bjust what i (?:needed|need)\b|\blucky me\b|\bhow (?:nice|lovely) for you\b"
    ),
    rx(
        r"\bhow (?:surprising|unexpected|shocking)\b|\bwhat a (?:surprise|shock)\b"
        r"(?! to (?:hear|see|get))|\bsurprise,? surprise\b|\bshocker\b"
        r"|\bcolou?r me (?:surprised|shocked)\b|\bnever saw that coming\b"
        r"|\bof course (?:you|they|he|she) (?:did|would|do|does|forgot|didn'?t|wouldn'?t"
        r"|couldn'?t|can'?t|won'?t|don'?t|'d)(?=\s*(?:[.!?,;]|$))"
        r"|\bof course (?:you|they|he|she) forgot\b|\bof course it'?s (?:me|my turn)\b"
    ),
    rx(
        r"\b(?:because|'?cause|cuz|coz|as if|like) (?:i have|i've|i've got|i have got|i got)"
        r" nothing (?:else|better) to do\b"
        r"|\bit'?s not like i (?:have|had|'ve got) (?:a life|anything (?:else|better)|plans)\b"
        r"|\bbecause my (?:time|plans|life|needs) (?:doesn'?t|don'?t|never) matter\b"
        r"|\bbecause (?:nobody|no one) else\b|\byou mean it sounds\b"
    ),
]

# --- distress and fear (no practice feedback; the safety layer answers) -------------------

DISTRESS = [
    rx(
        rf"\b{CANT} (?:keep doing (?:this|it)|do this any ?more|take (?:it|this|much) any ?more"
        r"|take (?:it|this|much) (?:any )?longer|cope|go on|breathe)\b"
        r"|\b(?:so )?tired of (?:everything|it all|life|being alive)\b|\bi give up\b"
        r"|\bwant (?:it all|everything|this) to (?:stop|end)\b|\bwant to disappear\b"
        r"|\bwhat'?s the point\b|\bfalling apart\b|\bbreaking down\b|\bhopeless\b"
        r"|\bi hate my life\b|\bcried\b|\bcrying\b|\bshaking\b|\bcan'?t sleep\b|\bi dread\b"
        r"|\b(?:scream|shout|yell)(?:s|ed|ing)? at me\b|\bi (?:just )?freeze\b"
        r"|\bwalking on eggshells\b"
        r"|\bpanic attack"
    ),
    rx(
        rf"\b(?:{I_M}|i feel|i get|i'?m so|i was) (?:so |really |honestly |actually |just |too )?"
        r"(?:scared|terrified|frightened|petrified|afraid(?! (?:i\b|we\b|not\b|so\b|that\b"
        r"|it\b|i'?\w+)))\b|\bscared (?:of|to|what|that)\b|\bafraid (?:to|of|what)\b"
    ),
    rx(
        r"\b(?:he|she|they|my (?:partner|husband|wife|boyfriend|girlfriend|dad|father|mum|mom"
        r"|mother|brother|sister|boss))(?: \w+){0,3} (?:hits?|hit me|hurts? me|punch\w*|smash\w*"
        r"|threaten\w*|kick\w*|shov\w*|slap\w*|goes crazy|loses it|gets (?:so |really )?(?:angry"
        r"|violent|scary|aggressive)|hurt (?:himself|herself|themselves)|make my life hell"
        r"|throw me out|kick me out|kill)\b"
    ),
]


# --- finding the cues ---------------------------------------------------------------------


def _in_clauses(
    patterns: Iterable[re.Pattern[str]], clauses: Sequence[Clause]
) -> Iterable[tuple[Clause, re.Match[str]]]:
    """Every (clause, match) pair, so start-anchored patterns work on each clause."""
    patterns = list(patterns)
    for clause in clauses:
        for pattern in patterns:
            for match in pattern.finditer(clause.text):
                yield clause, match


_NEGATION_BEFORE = rx(rf"\b(?:no|not|never|{CANT}|{WONT}|{DONT}|neither)\b")
_NEGATION_AFTER = rx(
    r"\b(?:either|neither|doesn'?t work|won'?t work|isn'?t (?:good|great|possible|free)|is out"
    r"|is full|is booked)\b"
)


def negated(clause: Clause, start: int, end: int) -> bool:
    """True when an offer is negated in its own clause ("not next week", "Friday is out")."""
    return bool(
        _NEGATION_BEFORE.search(clause.text, 0, start) or _NEGATION_AFTER.search(clause.text, end)
    )


def _spans(cues: Cues, cue: Cue) -> list[tuple[int, int]]:
    return [(spot.start, spot.end) for spot in cues.of(cue)]


def _inside(spans: Sequence[tuple[int, int]], position: int) -> bool:
    return any(start <= position < end for start, end in spans)


def find_cues(text: str, normal: Normalized) -> Cues:
    """Run every rule over the normalized reply and collect the cues with their spans."""
    norm = normal.text
    clauses = clauses_of(norm)
    cues = Cues(original=text, normal=normal, clauses=clauses)

    def add_all(cue: Cue, patterns: Iterable[re.Pattern[str]]) -> None:
        for clause, match in _in_clauses(patterns, clauses):
            cues.add(cue, clause.start + match.start(), clause.start + match.end())

    if detect_crisis(text) is not None:
        cues.add(Cue.DISTRESS, 0, len(norm))
    add_all(Cue.DISTRESS, DISTRESS)

    # Sarcasm first: a yes or a thank-you inside it is neither.
    add_all(Cue.SARCASM, SARCASM_IN_CLAUSES)
    for pattern in (*SARCASM_IN_CLAUSES, *SARCASM_ACROSS_CLAUSES):
        for match in pattern.finditer(norm):
            cues.add(Cue.SARCASM, match.start(), match.end())
    sarcasm = _spans(cues, Cue.SARCASM)

    for clause, match in _in_clauses(BLAMES, clauses):
        before = norm[: clause.start + match.start()]
        if not (_BLAME_EXCUSED.search(before) or _CONSEQUENCE.search(before)):
            cues.add(Cue.BLAME, clause.start + match.start(), clause.start + match.end())

    add_all(Cue.ALTERNATIVE, ALTERNATIVES)
    for clause in clauses:
        asked = norm[clause.end : clause.end + 1] == "?" or bool(_WE_PLAN.search(clause.text))
        after_but = bool(_BUT_BEFORE.search(norm[: clause.start]))
        if asked or after_but:
            for match in TIME_WORDS.finditer(clause.text):
                if not negated(clause, match.start(), match.end()):
                    cues.add(
                        Cue.ALTERNATIVE, clause.start + match.start(), clause.start + match.end()
                    )
                    break
    offers = {spot.start for spot in cues.of(Cue.ALTERNATIVE)}
    # Hedges. A soft "maybe" in a clause that also offers something is part of the offer.
    hedged: set[int] = set()
    for clause, match in _in_clauses(HEDGES, clauses):
        start, end = clause.start + match.start(), clause.start + match.end()
        offer_here = any(clause.start <= spot < clause.end for spot in offers)
        if SOFT_MAYBE.fullmatch(match.group(0)) and offer_here:
            cues.add(Cue.SOFT_MAYBE, start, end)
            continue
        hedged.add(clause.start)
        cues.add(Cue.HEDGE, start, end)

    for clause, match in _in_clauses(REFUSALS, clauses):
        # "I'll text them that I'm not coming" reports a no to others; it agrees to the ask.
        reported = _REPORTED.search(clause.text[: match.start()])
        if clause.start not in hedged and not reported:
            cues.add(Cue.REFUSAL, clause.start + match.start(), clause.start + match.end())

    for clause, match in _in_clauses(YESES, clauses):
        start = clause.start + match.start()
        if not _inside(sarcasm, start):
            cues.add(Cue.YES, start, clause.start + match.end())
    add_all(Cue.CONDITIONAL_YES, CONDITIONAL_YESES)
    # "if you can't find anyone else" is a condition on a yes, not an offer of someone else.
    conditions = _spans(cues, Cue.CONDITIONAL_YES)
    cues.found[Cue.ALTERNATIVE] = [
        spot for spot in cues.of(Cue.ALTERNATIVE) if not _inside(conditions, spot.start)
    ]
    for clause, match in _in_clauses(SOFT_YESES, clauses):
        start = clause.start + match.start()
        if not _inside(sarcasm, start) and not negated(clause, match.start(), match.end()):
            cues.add(Cue.SOFT_YES, start, clause.start + match.end())
    for clause, match in _in_clauses([HALF_YES], clauses):
        if not negated(clause, match.start(), match.end()):
            cues.add(Cue.HALF_YES, clause.start + match.start(), clause.start + match.end())
    for clause, match in _in_clauses([COULD], clauses):
        if not negated(clause, match.start(), match.end()):
            cues.add(Cue.COULD, clause.start + match.start(), clause.start + match.end())
    add_all(Cue.MINIMISE, MINIMISERS)
    for match in GIVING_UP_OWN_PLAN.finditer(norm):
        cues.add(Cue.MINIMISE, match.end() - len("then"), match.end())
    add_all(Cue.LIMIT, [LIMITS])
    add_all(Cue.ASK, [ASKS])
    add_all(Cue.NEED, NEEDS)

    for clause, match in _in_clauses(ACKNOWLEDGEMENTS, clauses):
        start = clause.start + match.start()
        if not _inside(sarcasm, start):
            cues.add(Cue.ACKNOWLEDGE, start, clause.start + match.end())
    add_all(Cue.I_STATEMENT, I_STATEMENTS)
    add_all(Cue.APPEASE, APPEASERS)

    for match in APOLOGY.finditer(norm):
        if not _APOLOGY_NEGATED.search(norm[max(0, match.start() - 20) : match.start()]):
            cues.add(Cue.APOLOGY, match.start(), match.end())
    for match in REASONS.finditer(norm):
        cues.add(Cue.REASON, match.start(), match.end())
    return cues


def clause_span(cues: Cues, position: int) -> tuple[int, int]:
    """The start and end of the clause around a position."""
    clause = clause_at(cues.clauses, position)
    return clause.start, clause.end


def short_reasons(cues: Cues) -> list[Found]:
    """Where short reasons start ("I'm travelling", "it's my only day off")."""
    return [
        Found(Cue.REASON, m.start(m.lastindex or 0), m.end())
        for m in SHORT_REASON.finditer(cues.normal.text)
    ]
