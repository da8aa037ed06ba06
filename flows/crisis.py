"""Detect crisis language (suicide, self-harm, violence at home) in a free-text message.

The rules are plain phrases and regular expressions over a normalized copy of the text, so the
result is deterministic, explainable and fast. They lean towards caution: a false alarm costs
the person one calm message with a "continue" button, a miss could cost far more. Figures of
speech ("this traffic is killing me", "I'd die for a coffee") are kept out by writing every rule
about the speaker's own life or body ("kill myself", "he hit me"), never about killing or dying
in general, and by small `unless` patterns for the everyday idioms that still look alike.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class CrisisKind(StrEnum):
    """The kind of danger a message talks about; the value is used as a content key suffix."""

    SUICIDE = "suicide"
    SELF_HARM = "self_harm"
    VIOLENCE = "violence"  # physical violence, threats and coercive control by someone close
    SEXUAL_VIOLENCE = "sexual_violence"
    FEAR = "fear"  # afraid of how someone will react (anger, retaliation): not safe to say no
    DISTRESS = "distress"  # exhaustion and hopelessness short of explicit words


class Outcome(StrEnum):
    """What Tandem does with a message, from most to least urgent."""

    CRISIS = "crisis"  # help resources first, the flow is paused
    CHECK_IN = "check_in"  # a direct, caring question ("Are you safe right now?")
    PAST = "past"  # a past, resolved experience: brief acknowledgement, then let it through
    CALM = "calm"  # nothing to do


@dataclass(frozen=True, slots=True)
class Assessment:
    """The safety reading of one message.

    `kind` is None only for CALM. `about_other` is True when someone else is the one in danger
    ("my friend says she wants to die"): the reply addresses the person as a helper.
    """

    outcome: Outcome
    kind: CrisisKind | None = None
    about_other: bool = False

    @property
    def needs_help(self) -> bool:
        """True when the message gets help first or a check-in before anything else."""
        return self.outcome in (Outcome.CRISIS, Outcome.CHECK_IN)


CALM = Assessment(Outcome.CALM)


# --- normalization ---------------------------------------------------------------------------

# Typographic apostrophes become "'"; hyphens and underscores join words ("self-harm",
# "un_alive") and become spaces. str.translate does this in one C-level pass.
_FOLD = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201b\u02bc\u0060\u00b4\u2032", "'"),
        **dict.fromkeys("-_\u2010\u2011\u2012\u2013\u2014\u2015", " "),
    }
)
# Anything else that is not a letter, digit, apostrophe or space ends a clause: rules never
# match across it, which keeps "he left. it hit me that..." apart.
_CLAUSE_BREAK = re.compile(r"[^a-z0-9' ]+")
# "sooooo", "killll": three or more of the same letter become two.
_REPEATS = re.compile(r"([a-z])\1{2,}")

# Single words as people type them -> the form the rules are written against. Covers dropped
# apostrophes, chat shorthand and the misspellings seen most often for the words that matter.
_WORD_FORMS: dict[str, str] = {
    "im": "i am",
    "i'm": "i am",
    "ima": "i am going to",
    "i'ma": "i am going to",
    "ive": "i have",
    "i've": "i have",
    "i'd": "i would",
    "i'll": "i will",
    "he's": "he is",
    "hes": "he is",
    "she's": "she is",
    "shes": "she is",
    "they're": "they are",
    "theyre": "they are",
    "he'll": "he will",
    "she'll": "she will",
    "they'll": "they will",
    "he'd": "he would",
    "she'd": "she would",
    "they'd": "they would",
    "it's": "it is",
    "what's": "what is",
    "whats": "what is",
    "that's": "that is",
    "thats": "that is",
    "there's": "there is",
    "theres": "there is",
    "dont": "do not",
    "don't": "do not",
    "doesnt": "does not",
    "doesn't": "does not",
    "didnt": "did not",
    "didn't": "did not",
    "cant": "can not",
    "can't": "can not",
    "cannot": "can not",
    "wont": "will not",
    "won't": "will not",
    "wouldnt": "would not",
    "wouldn't": "would not",
    "isnt": "is not",
    "isn't": "is not",
    "wasnt": "was not",
    "wasn't": "was not",
    "arent": "are not",
    "aren't": "are not",
    "havent": "have not",
    "haven't": "have not",
    "wanna": "want to",
    "wana": "want to",
    "wanted2": "wanted to",
    "want2": "want to",
    "gonna": "going to",
    "gona": "going to",
    "gotta": "got to",
    "tryna": "trying to",
    "cuz": "because",
    "coz": "because",
    "bc": "because",
    "u": "you",
    "ur": "your",
    "n": "and",
    "anymor": "anymore",
    "anymoore": "anymore",
    "nomore": "no more",
    "myslef": "myself",
    "mysef": "myself",
    "myslf": "myself",
    "mself": "myself",
    "meself": "myself",
    "kil": "kill",
    "kll": "kill",
    "kilm": "kill",
    "killin": "killing",
    "kiling": "killing",
    "sucide": "suicide",
    "suicde": "suicide",
    "suiside": "suicide",
    "suicid": "suicide",
    "sucidal": "suicidal",
    "suicdal": "suicidal",
    "suicidel": "suicidal",
    "suisidal": "suicidal",
    "suicidial": "suicidal",
    "sucicidal": "suicidal",
    "dye": "die",
    "cuting": "cutting",
    "cutt": "cut",
    "hurtin": "hurting",
    "harmin": "harming",
    "hitt": "hit",
    "hiting": "hitting",
    "scard": "scared",
    "scarred": "scared",
    "afriad": "afraid",
    "afaid": "afraid",
    "terrifed": "terrified",
    "bf": "boyfriend",
    "gf": "girlfriend",
    "hubby": "husband",
    "mum": "mom",
    "mommy": "mom",
    "mama": "mom",
    "daddy": "dad",
    "stepdad": "stepfather",
    "stepmom": "stepmother",
    "stepmum": "stepmother",
    "tho": "though",
    "rn": "right now",
    "kms": "kill myself",
}

# Two words that mean one: joined after the word table, so "kil my self" -> "kill myself".
_PAIR_FORMS: dict[tuple[str, str], str] = {
    ("my", "self"): "myself",
    ("any", "more"): "anymore",
    ("any", "longer"): "anymore",
    ("un", "alive"): "unalive",
    ("self", "harm"): "selfharm",
    ("self", "harming"): "selfharm",
    ("self", "harmed"): "selfharm",
    ("self", "injury"): "selfharm",
    ("self", "injuring"): "selfharm",
    ("step", "father"): "stepfather",
    ("step", "mother"): "stepmother",
    ("step", "dad"): "stepfather",
    ("step", "mom"): "stepmother",
}


def _normal_words(text: str) -> list[str]:
    """The message as a list of normalized words, with "." standing for every clause break."""
    folded = unicodedata.normalize("NFKC", text).lower().translate(_FOLD)
    folded = _CLAUSE_BREAK.sub(" . ", folded)
    folded = _REPEATS.sub(r"\1\1", folded)
    words: list[str] = []
    for raw in folded.split():
        # Quotes around a word ('hit me') are not part of it.
        word = raw.strip("'")
        if not word:
            continue
        form = _WORD_FORMS.get(word, word)
        if words and (joined := _PAIR_FORMS.get((words[-1], form))):
            words[-1] = joined
        else:
            words.extend(form.split())
    return words


def normalize(text: str) -> str:
    """The text lower-cased, with plain apostrophes, expanded contractions and common typos."""
    return " ".join(_normal_words(text))


# --- rules -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CrisisRule:
    """One pattern for one kind, tried only when one of its `needs` words is in the message.

    `needs` keeps long ordinary messages cheap: most rules are skipped by a set lookup instead
    of a regex scan. `unless` vetoes a match when it fits the words right after it.
    """

    kind: CrisisKind
    needs: frozenset[str]
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None = None

    def matches(self, normalized: str, words: set[str]) -> bool:
        """True when a needed word is present and the pattern matches where no veto applies."""
        if self.needs.isdisjoint(words):
            return False
        for match in self.pattern.finditer(normalized):
            if self.unless is None:
                return True
            # The veto only looks at the rest of the same clause.
            rest = normalized[match.end() :].split(" . ", 1)[0]
            if not self.unless.match(rest):
                return True
        return False


def _rule(kind: CrisisKind, needs: str, pattern: str, unless: str | None = None) -> CrisisRule:
    """Compile one rule; `needs` is space-separated words, matched on normalized text."""
    compiled_unless = re.compile(unless) if unless else None
    return CrisisRule(kind, frozenset(needs.split()), re.compile(pattern), compiled_unless)


# Words a person may put between a subject and a verb: "he has been hitting me",
# "she just slapped me". A closed list, so "he left and it hit me that" does not match.
_FILLER = (
    r"(?:(?:has|have|had|been|is|was|keeps|kept|started|starts|always|just|again|sometimes|"
    r"often|still|would|will|even|actually|literally|once|almost|then|also|really|finally|"
    r"nearly|tried to|tries to|used to|would always) ){0,3}"
)
_FAMILY = (
    r"(?:partner|husband|wife|boyfriend|girlfriend|fiance|fiancee|spouse|ex|ex husband|"
    r"ex wife|ex boyfriend|ex girlfriend|dad|father|mom|mother|stepfather|stepmother|parents|"
    r"brother|sister|son|daughter|uncle|aunt|grandfather|grandmother|family|cousin|"
    r"flatmate|roommate)"
)
# The people whose violence this detector is about; "my X" never matches "my X's".
_ABUSER = rf"(?:he|she|they|my {_FAMILY}(?!'))"
_VICTIM = (
    r"(?:me|us|(?:my|our) (?:mom|mother|kids|children|son|daughter|sister|brother|baby|dog|"
    r"cat)|the (?:kids|children|baby))"
)
_END_OF_CLAUSE = r"(?= \.|$| and\b| but\b| when\b| because\b| so\b)"
_HARM_WORDS = (
    "hits hitting punch punched punches punching slap slapped slaps slapping kick kicked kicks "
    "kicking choke choked chokes choking strangle strangled strangles strangling shove shoved "
    "shoves shoving smack smacked smacks beating assault assaulted attack attacked attacks rape "
    "raped abuse abused abuses abusing burn burned burnt bit bites pinned pins batter battered "
    "batters"
)
_HARM_VERB = (
    # "he hit me up" is a message, "she beat me at chess" a game.
    r"(?:hit(?! (?:me|us) up\b)|(?:beat|beats|beaten)(?! (?:me|us) (?:at|in|to)\b)|"
    + "|".join(_HARM_WORDS.split())
    + ")"
)
_NOT_THROWN_AT = r"(?!shade\b|a fit\b|a party\b|questions\b|compliments?\b|jokes?\b|ideas?\b)"

_S, _H, _V = CrisisKind.SUICIDE, CrisisKind.SELF_HARM, CrisisKind.VIOLENCE
_HARM_NEEDS = "hit beat beats beaten " + _HARM_WORDS
_FEAR_WORDS = "afraid scared terrified frightened worried"

CRISIS_RULES: tuple[CrisisRule, ...] = (
    # --- suicide: direct words, plans, methods, wishing to be gone
    _rule(
        _S,
        "suicide suicidal suicidally",
        r"\bsuicid(?:e|al|ally)\b",
        # Talk about the subject or the film is not talk about oneself.
        unless=r"^ ?(?:squad|doors?|prevention|awareness|rates?|statistics|bomber|mission|run)\b",
    ),
    _rule(
        _S,
        "myself himself herself themselves",
        r"\bkill(?:ing)? (?:myself|himself|herself|themselves)\b",
    ),
    _rule(_S, "unalive unalived unaliving", r"\bunaliv(?:e|ed|ing)\b"),
    _rule(_S, "life", r"\b(?:end|ending|take|taking|took) my (?:own )?life\b"),
    _rule(_S, "all everything", r"\bend(?:ing)? (?:it all|everything)\b", unless=r"^ ?with\b"),
    _rule(
        _S,
        "die",
        r"\b(?:want|wanted|wanting|going|ready|decided|plan|planning) to die\b",
        unless=r"^ ?(?:of|from) (?:embarrassment|laughing|laughter|cringe|boredom)\b",
    ),
    _rule(_S, "dead", r"\bwish (?:i|that i) (?:was|were|could be) dead\b"),
    _rule(_S, "born", r"\bwish (?:i|that i) (?:was|had) never (?:been )?born\b"),
    _rule(_S, "dead without", r"\b(?:better off|be better) (?:dead|without me)\b"),
    _rule(
        _S,
        "anymore",
        r"\bdo not want to (?:live|be alive|exist|be here|go on|wake up)(?: at all)? anymore\b",
    ),
    _rule(_S, "alive exist", r"\bdo not want to (?:be alive|exist)\b"),
    _rule(
        _S,
        "live",
        r"\bdo not want to live\b",
        unless=r"^ ?(?:here|there|in|with|at|near|like|alone|together|so|that|this|on)\b",
    ),
    _rule(
        _S,
        "live living",
        r"\b(?:no|nothing|no reason|not a single reason|no point) (?:left )?to live for\b"
        r"|\bno (?:reason|point|will) (?:left )?to (?:live|keep living)\b",
    ),
    _rule(
        _S,
        "going go on",
        r"\bno (?:reason|point|will) (?:left )?to (?:go on|keep going)\b",
    ),
    _rule(
        _S,
        "end",
        r"\b(?:going to|will|want to|ready to|plan to|planning to|decided to) end it "
        r"(?:tonight|today|now|soon|for good|once and for all)\b",
    ),
    _rule(_S, "living", r"\b(?:no reason|no point|what is the point) (?:in |of )?living\b"),
    _rule(_S, "worth", r"\blife (?:is not|is no longer) worth (?:it|living)\b"),
    _rule(
        _S,
        "living alive life",
        r"\b(?:tired|sick) of (?:living|being alive|life)\b",
        # "tired of living out of a suitcase" is about how, not whether.
        unless=r"^ ?(?:out|in|with|like|on|under|at|by|from|here|there|paycheck|alone|together|"
        r"so|this|that|for|off|as|admin|'s)\b",
    ),
    _rule(_S, "living", r"\bcan not go on living\b"),
    _rule(
        _S,
        "go",
        r"\bi (?:just |really |honestly |simply |truly )?can not (?:go on|keep going)\b",
        # "can't go on the trip", "can't go on like this with my messy flat" are about plans
        # and chores; a bare "I can't go on (like this)" is despair and gets help.
        unless=r"^ ?(?:like (?:this|that) )?(?:with|about|at|in|for|on|to|without|until|after|"
        r"before|a|an|the|my|his|her|our|their|holiday|vacation|trips?|tour|stage|air|dates?|"
        r"rides?|leave|strike|break|camping|and on|forever about)\b",
    ),
    _rule(
        _S,
        "rather",
        r"\b(?:would|had) rather (?:be dead|die|not be alive|not exist|not wake up)\b",
        # "I'd rather be dead tired than bored", "I'd rather die than sing karaoke" are
        # hyperbole; "rather die than go on like this" is not.
        unless=r"^ ?(?:tired|on my feet|of (?:boredom|embarrassment|laughing)|than (?!(?:live|"
        r"living|go on|going on|be here|wake up|keep going|go back|face|feel|be alive|exist)\b))",
    ),
    _rule(
        _S,
        "dying",
        r"\b(?:feel|feels|feeling|felt) like dying\b",
        unless=r"^ ?(?:of|from|laughing|with laughter|to)\b",
    ),
    _rule(
        _S,
        "ending dying",
        r"\b(?:thinking|think|thought|thoughts|dreaming|fantasi[sz]ing) (?:about|of) "
        r"(?:ending it|ending things|dying|not being here|not existing|not waking up)\b",
        # Ending it "with him" is a break-up; "dying my hair" a typo for dyeing.
        unless=r"^ ?(?:all with|with|between|off|my|her|his|their|the|it|for)\b",
    ),
    _rule(
        _S,
        "wake",
        r"\bnever wake up\b|\b(?:hope|wish) i (?:do not|would not|will not) wake up\b",
        unless=r"^ ?(?:on time|early|before|in time|when|at|for)\b",
    ),
    _rule(_S, "forever", r"\bdisappear forever\b"),
    _rule(_S, "overdose overdosing overdosed od", r"\b(?:overdose|overdosing|overdosed|od on)\b"),
    _rule(
        _S,
        "pills tablets meds",
        r"\b(?:take|took|taking|swallow|swallowed|swallowing) (?:all|a bunch|a handful|a lot|"
        r"the whole bottle|every one) (?:of )?(?:my |the |those |these )?(?:pills|tablets|meds)\b",
    ),
    _rule(
        _S,
        "pills tablets meds painkillers",
        r"\b(?:saving|saved|stockpiling|hoarding|collecting) (?:up )?(?:my |some )?"
        r"(?:pills|tablets|meds|sleeping pills|painkillers)\b",
    ),
    _rule(
        _S,
        "pills tablets meds painkillers stash stockpile",
        r"\b(?:pills|tablets|meds|painkillers) (?:saved|stashed|hidden|hoarded|stockpiled|"
        r"put aside|set aside)(?: up| away)?\b"
        r"|\b(?:stash|stockpile|hoard) of (?:pills|tablets|meds|painkillers|sleeping pills)\b",
        unless=r"^ ?(?:up |away )?for (?:the|my|a|our) (?:trip|flight|holiday|journey|travels?|"
        r"headaches?|migraines?|cold|allergies|allergy)\b",
    ),
    _rule(
        _S,
        "jump jumping",
        r"\b(?:jump|jumping) (?:off|from) (?:a|the|this|that) (?:bridge|building|roof|cliff|"
        r"balcony|tower)\b",
    ),
    _rule(
        _S,
        "front",
        r"\b(?:jump|jumping|step|stepping|throw myself) in front of (?:a|the) "
        r"(?:train|car|bus|truck|lorry)\b",
    ),
    _rule(
        _S,
        "myself",
        r"\b(?:hang|hanging|shoot|shooting|drown|drowning|poison|poisoning) myself\b",
    ),
    _rule(_S, "slit slitting", r"\bslit(?:ting)? my (?:wrists?|throat)\b"),
    _rule(_S, "note notes letter letters", r"\bsuicide note\b|\bgoodbye (?:letter|note)s?\b"),
    # --- self-harm
    _rule(_H, "selfharm", r"\bselfharm\b"),
    _rule(
        _H,
        "myself",
        r"\b(?:cutting|burning|harming|hurting|scratching|starving) myself\b",
        # "cutting myself off from social media", "a slice of cake", "some slack".
        unless=r"^ ?(?:off|out|short|a|an|some|free|loose|slack|down|into|in on)\b",
    ),
    _rule(
        _H,
        "myself",
        r"\b(?:want|wanted|need|needed|urge|urges|going|tempted|trying not|try not) to "
        r"(?:cut|burn|harm|hurt|starve|hit) myself\b",
    ),
    _rule(
        _H,
        "myself",
        r"\bi (?:cut|burn|burned|burnt|harm|harmed|hurt|scratch|scratched|hit) myself\b",
        # Everyday accidents are not self-harm: "I cut myself shaving", "hurt myself at the gym".
        unless=(
            r"^(?: \w+){0,4} ?(?:shaving|cooking|chopping|slicing|gardening|gym|playing|running|"
            r"training|football|soccer|accident|accidentally|fell|falling|slipped|tripped|"
            r"lifting|workout|hiking|climbing|skiing|on a|on the|opening|ironing|off)\b"
        ),
    ),
    _rule(
        _H,
        "cutting burning",
        r"\b(?:started|start|been|keep|kept) (?:cutting|burning)\b",
        unless=r"^ ?(?:back|down|out|corners|costs|class|ties|up|the|a|my|some|through)\b",
    ),
    _rule(
        _H,
        "arm arms wrist wrists leg legs thigh thighs",
        r"\bcut(?:ting)? (?:my|on my) (?:arms?|wrists?|legs?|thighs?)\b",
    ),
    _rule(
        _H,
        "razor razors blade blades",
        r"\b(?:razor|blade)s? (?:on|to|against) my (?:skin|arms?|wrists?)\b",
    ),
    _rule(
        _H,
        "purpose deliberately intentionally lighter cigarette cigarettes",
        r"\b(?:cut|cuts|cutting|burn|burns|burned|burnt|burning|hit|hitting|scratch|scratched|"
        r"scratching|hurt|hurting|bruise|bruised|bit|bite|punch|punched|harm|harmed|injure|"
        r"injured) (?:my (?:own )?(?:arms?|wrists?|legs?|thighs?|skin|hands?|stomach|hips?|body|"
        r"face|fingers?|chest|ankles?|head|shoulders?)|myself) (?:(?:\w+ ){0,3}(?:on purpose|"
        r"deliberately|intentionally)|with (?:a |my )?(?:lighter|cigarettes?|match|matches|"
        r"razor|blade|knife))\b",
    ),
    _rule(_H, "relapse relapsed", r"\brelapsed? (?:on|into) (?:cutting|selfharm)\b"),
    # --- violence or threats from a partner or family member
    _rule(
        _V,
        _HARM_NEEDS,
        rf"\b{_ABUSER} {_FILLER}{_HARM_VERB} (?:up )?{_VICTIM}\b",
        # "kicked me out", "hit me back" (a text), "hit me with the news" or "with a pillow".
        unless=r"^ ?(?:out\b|back\b|under the table\b|with (?:a|the|some) (?:question|news|joke|"
        r"fine|bill|idea|pillow|snowball|water balloon|facts|truth))",
    ),
    _rule(
        _V,
        "hurts hurting hurt",
        rf"\b{_ABUSER} {_FILLER}(?:physically )?(?:hurts|hurting) (?:me|us)\b"
        rf"|\b{_ABUSER} {_FILLER}(?:physically )?hurt (?:me|us)\b(?= physically| again)",
        # "he hurts me with his words" is painful, and worth talking about, but not violence.
        unless=r"^ ?(?:with (?:his|her|their) words|emotionally|by|feelings|so much)\b",
    ),
    _rule(
        _V,
        "pushed pushes pushing threw throws throwing grabbed grabs dragged drags locked locks",
        rf"\b{_ABUSER} {_FILLER}(?:pushed|pushes|pushing|threw|throws|throwing|grabbed|grabs|"
        r"dragged|drags|locked|locks) (?:me|us) (?:against|down|into the wall|to the (?:ground|"
        r"floor)|across|by the (?:throat|neck|hair|arm)|in (?:the|a|my|our) (?:room|house|"
        r"bathroom|closet|cellar|basement)|out of the (?:car|house|window))\b",
    ),
    _rule(
        _V,
        "threw throws throwing",
        rf"\b{_ABUSER} {_FILLER}(?:threw|throws|throwing) "
        rf"{_NOT_THROWN_AT}\w+(?: \w+){{0,2}} (?:at|on) (?:me|us)\b",
    ),
    _rule(
        _V,
        "kill hurt beat hit stab shoot strangle choke burn",
        rf"\b{_ABUSER} {_FILLER}(?:threatened|threatens|threatening|swore|swears|said|says|"
        r"told me|promised) (?:to|he would|she would|they would|he will|she will|they will|"
        r"he is going to|she is going to|they are going to|that he would|that she would) "
        rf"(?:kill|hurt|beat|hit|stab|shoot|strangle|choke|burn) {_VICTIM}\b",
    ),
    _rule(
        _V,
        "kill hurt beat hit stab shoot strangle choke burn",
        rf"\b{_ABUSER} {_FILLER}(?:threatened|threatens|threatening|swore|swears|said|says|"
        r"told me|warned me) (?:that )?if i (?:ever |try to |tried to |even )?(?:(?:leave|left|"
        r"break up|go|went)(?: (?:him|her|them|home|the house|the relationship|for good|with "
        r"the kids))?|(?:tell|told|call|called|report|reported|talk to|go to|went to)(?: \w+)"
        r"{0,3}) (?:he|she|they) (?:will|would|is going to|are going to|is gonna) "
        rf"(?:kill|hurt|beat|hit|stab|shoot|strangle|choke|burn|find) {_VICTIM}\b",
    ),
    _rule(
        _V,
        "threatened threatens threatening",
        rf"\b{_ABUSER} {_FILLER}(?:threatened|threatens|threatening) {_VICTIM}\b",
        # "threatened me with a pillow fight" or "with divorce" is not violence; weapons are.
        unless=r"^ ?(?:with (?!(?:a |his |her |their )?(?:knife|gun|weapon|bat|belt|hammer|"
        r"violence|death))|jokingly|as a joke|playfully|in (?:a|the) game)\b",
    ),
    _rule(
        _V,
        "threatened threatens threatening",
        rf"\b{_ABUSER} {_FILLER}(?:threatened|threatens|threatening) (?:me|us) with "
        r"(?:a |his |her )?(?:knife|gun|weapon|bat|belt|hammer)\b",
    ),
    _rule(
        _V,
        _FEAR_WORDS,
        rf"\b(?:{_FEAR_WORDS.replace(' ', '|')}) (?:that )?(?:he|she|they|my {_FAMILY}) "
        r"(?:will|would|might|may|is going to|are going to|could) "
        rf"(?:kill|hurt|hit|beat|attack|strangle|choke) {_VICTIM}\b",
    ),
    _rule(
        _V,
        _FEAR_WORDS,
        r"\b(?:afraid|scared|terrified|frightened) of "
        rf"(?:him|her|them|my {_FAMILY}(?!')){_END_OF_CLAUSE}",
    ),
    _rule(
        _V,
        "home",
        r"\b(?:afraid|scared|terrified|frightened) to (?:go|come) (?:back )?home\b",
    ),
    _rule(
        _V,
        "safe",
        r"\b(?:not|never) (?:feel )?safe (?:at home|in my (?:own )?(?:home|house)|with (?:him|her|"
        rf"them|my {_FAMILY}))\b",
    ),
    _rule(_V, "life safety", r"\b(?:afraid|fear|scared|fearing) for my (?:life|safety)\b"),
    _rule(
        _V,
        "domestic abusive",
        r"\bdomestic (?:violence|abuse)\b|\babusive (?:relationship|marriage|home|partner|"
        r"husband|wife|boyfriend|girlfriend|parents?|father|mother|dad|mom|family)\b",
    ),
    _rule(
        _V,
        "abusive violent",
        rf"\b{_ABUSER} (?:is|was|are|were|has been|have been|can be|gets) "
        r"(?:(?:so|very|really|physically|sometimes) )?(?:abusive|violent)\b",
    ),
    _rule(
        _V,
        "let",
        rf"\b{_ABUSER} {_FILLER}(?:will not|do not|does not|did not|would not) let (?:me|us) "
        r"(?:leave|out|go out)(?: of)?(?: the| my| our)?(?: house| home| room| flat| apartment)?"
        r"(?: \.|$)",
    ),
    _rule(
        _V,
        "bruises marks eye",
        r"\b(?:left|leaves|leaving) (?:me with )?(?:bruises|marks|a black eye)\b"
        r"|\bbruises (?:from|that) (?:him|her|he|she|my)\b",
    ),
    _rule(
        _V,
        "abused beaten hit raped assaulted strangled",
        r"\bbeing (?:abused|beaten|hit|raped|assaulted|strangled)\b",
    ),
)

# Suicide first, then self-harm, then violence: when a message carries more than one, the reply
# for the gravest risk to the person's own life is the one they see.
_PRIORITY = (CrisisKind.SUICIDE, CrisisKind.SELF_HARM, CrisisKind.VIOLENCE)
# Interface placeholder until the new detector lands: every rule match is a crisis.
_RULES_BY_KIND: dict[CrisisKind, tuple[CrisisRule, ...]] = {
    kind: tuple(rule for rule in CRISIS_RULES if rule.kind is kind) for kind in _PRIORITY
}


def detect_crisis(text: str) -> CrisisKind | None:
    """The kind of crisis the message talks about, or None for an ordinary message."""
    if not text or text.isspace():
        return None
    words = _normal_words(text)
    present = set(words)
    normalized = " ".join(words)
    for kind in _PRIORITY:
        for rule in _RULES_BY_KIND[kind]:
            if rule.matches(normalized, present):
                return kind
    return None


def assess(text: str) -> Assessment:
    """Read one message for danger: crisis, check-in, a past experience, or calm."""
    kind = detect_crisis(text)
    return CALM if kind is None else Assessment(Outcome.CRISIS, kind)
