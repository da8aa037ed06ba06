"""Read a message a person typed outside a question: what kind it is, and who and what it names.

`read_message(text)` is a pure function. It returns a `Reading`: the kind (a share, a win, a
request to rehearse, a question for the FAQ, a feature asked for by name, small talk, feedback,
off-topic, or crisis), plus the person and part of life the message is about, a feeling it
names, and, for a feature, which one. The technique was chosen by measurement
(`python -m benchmarks.listening_eval`, docs/listening.md):

1. Rules first, where a rule is surer than a model: crisis language (flows/crisis.py, the
   same reading the safety interrupt makes), whole-message small talk, a rehearsal or a
   feature asked for, a win said outright, a question the FAQ answers with confidence.
2. Otherwise a linear SVM over TF-IDF of words (with cue tokens) and character n-grams picks
   the kind, and a second one tells wins from shares. Both are trained deterministically from
   the labelled examples shipped with this package (flows/listening_examples.yaml, also the
   development set) and the FAQ's wordings, in a background thread when the engine is built
   (`warm_up`) or at first use; nothing is downloaded and no model file is loaded.
3. The person, the part of life and the feeling come from word lists (a named "boss" is work,
   "my sister" is family), so the reply can say "your boss" and practice opens in the right
   place; a feature comes from its names, else from a second small classifier.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml

from content.faq import FaqContent
from flows.crisis import Outcome, assess
from flows.faq_matcher import FaqMatcher
from flows.small_talk import recognize

if TYPE_CHECKING:
    from sklearn.pipeline import FeatureUnion, Pipeline

Kind = Literal[
    "share",
    "win",
    "rehearse",
    "question",
    "feature",
    "small_talk",
    "feedback",
    "off_topic",
    "crisis",
]
KINDS: tuple[Kind, ...] = (
    "share",
    "win",
    "rehearse",
    "question",
    "feature",
    "small_talk",
    "feedback",
    "off_topic",
    "crisis",
)
AREAS = ("partner", "friends", "family", "work")
FEATURES = (
    "journal",
    "daily",
    "practice",
    "reflect",
    "selfcheck",
    "progress",
    "privacy",
    "export",
    "delete",
    "help",
    "sos",
    "faq",
)
EXAMPLES_PATH = Path(__file__).resolve().with_name("listening_examples.yaml")
# Regularisation of both classifiers; chosen by cross-validation on the development set.
KIND_C = 0.2
FEATURE_C = 0.5
STORY_C = 0.5
# A win or question must beat the share score by this much (see Router.read).
SHARE_MARGIN = 0.2


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled message of the development set."""

    text: str
    kind: str
    person: str | None = None
    area: str | None = None
    feeling: str | None = None
    feature: str | None = None
    faq_id: str | None = None


@dataclass(frozen=True, slots=True)
class Reading:
    """What a message is: its kind and, where named, the person, part of life and feeling."""

    kind: Kind
    person: str | None = None  # as the reply names them: "mom", "boss", "mother-in-law"
    area: str | None = None  # partner | friends | family | work
    feeling: str | None = None  # a feeling word the person used: "awful", "guilty"
    feature: str | None = None  # for kind "feature": journal, daily, practice, ...
    theme: str | None = None  # a reflection theme that fits what they wrote
    confidence: float = 1.0  # the classifier's margin for the kind (1.0 for rules)


# --- words: people, parts of life, feelings ------------------------------------------------

# (how people write it, how Tandem names it back, part of life). Longer phrases come first
# where they contain shorter ones ("mother in law" before "mother").
_PEOPLE: tuple[tuple[str, str, str], ...] = (
    ("mother in law|mother-in-law|mil", "mother-in-law", "family"),
    ("father in law|father-in-law|fil", "father-in-law", "family"),
    ("sister in law|sister-in-law", "sister-in-law", "family"),
    ("brother in law|brother-in-law", "brother-in-law", "family"),
    ("in laws|in-laws|inlaws", "in-laws", "family"),
    ("best friend|bestie|bff|best mate", "best friend", "friends"),
    ("team lead|team leader", "team lead", "work"),
    ("step ?mom|step ?mum|step ?mother", "stepmom", "family"),
    ("step ?dad|step ?father", "stepdad", "family"),
    ("mom|mum|mommy|mummy|momma|mama|ma|moms|mums", "mom", "family"),
    ("mother|mothers", "mother", "family"),
    ("dad|daddy|papa|pops", "dad", "family"),
    ("father", "father", "family"),
    ("parents?|folks|mom and dad|mum and dad", "parents", "family"),
    ("sister|sis|sisters|stepsister|step sister|half sister|twin", "sister", "family"),
    ("brother|bro|brothers|stepbrother|step brother|half brother", "brother", "family"),
    ("siblings", "siblings", "family"),
    ("grandma|grandmother|granny|nan|nana|gran", "grandma", "family"),
    ("grandpa|grandfather|grandad|granddad", "grandpa", "family"),
    ("grandparents|relatives|family members", "family", "family"),
    ("aunt|auntie|aunty", "aunt", "family"),
    ("uncle", "uncle", "family"),
    ("cousin", "cousin", "family"),
    ("son in law|son-in-law|daughter in law|daughter-in-law", "in-laws", "family"),
    ("son|stepson|step son", "son", "family"),
    ("daughter|stepdaughter|step daughter", "daughter", "family"),
    ("kids|children|the kids|teenager|teen|toddler|step ?kids", "kids", "family"),
    ("nephews?|nieces?", "family", "family"),
    ("family", "family", "family"),
    ("husband|hubby|hubs|husbnd|husand|my man|my guy", "husband", "partner"),
    ("wife|wifey", "wife", "partner"),
    ("boyfriend|bf|boyfirend|boyfreind|bfriend", "boyfriend", "partner"),
    ("girlfriend|gf|grilfriend|girlfreind", "girlfriend", "partner"),
    ("significant other|other half|bae|babe|so", "partner", "partner"),
    ("fiance|fiancee|fiancé|fiancée", "fiancé", "partner"),
    ("partner", "partner", "partner"),
    ("spouse", "spouse", "partner"),
    ("ex|ex boyfriend|ex girlfriend|ex husband|ex wife", "ex", "partner"),
    (
        "friends|mates|friend group|group chat|squad|crew|girls|the guys|frens",
        "friends",
        "friends",
    ),
    ("friend|mate|buddy|pal|bestfriend|frend|freind|classmate", "friend", "friends"),
    ("roommate|room mate|flatmate|flat mate|housemate", "roommate", "friends"),
    ("neighbou?r", "neighbour", "friends"),
    (
        "boss|bosses|ceo|director|employer|line manager|hr|head of department|principal",
        "boss",
        "work",
    ),
    ("manager|managers|mgr", "manager", "work"),
    ("supervisor|lead", "supervisor", "work"),
    ("coworkers?|co-workers?|co workers?|colleagues?", "coworker", "work"),
    ("team", "team", "work"),
    ("clients?|customers?", "client", "work"),
    ("staff|employees?|intern|direct reports?|landlord", "coworker", "work"),
)
_PERSON_PATTERNS = tuple(
    (re.compile(rf"\b(?:{pattern})\b"), name, area) for pattern, name, area in _PEOPLE
)
# "my X" is surer than a bare word: "ex" or "ma" alone is often something else.
_NEEDS_MY = frozenset(
    {"ex", "ma", "mate", "team", "son", "bro", "sis", "pal", "so", "babe", "lead", "girls",
     "twin", "crew", "gran", "nan", "squad", "folks", "parent", "sisters", "brothers"}
)  # fmt: skip

# When nobody is named, words about a place or a time of life still point to a part of it.
_AREA_WORDS: dict[str, str] = {
    "work": r"\b(work|job|office|shifts?|overtime|deadlines?|meetings?|promotion|raise|"
    r"emails?|slack|rota|committee|interview|colleagues?|at capacity|sick day)\b",
    "family": r"\b(christmas|thanksgiving|easter|holidays at home|family dinners?|"
    r"babysit\w*|at home|moving out|hosting)\b",
    "partner": r"\b(relationship|dating|marriage|wedding|date night|dates?)\b",
    "friends": r"\b(party|hen do|bachelorette|bridesmaid|hang ?out|girls night|"
    r"night out|going out|drinks)\b",
}
_AREA_PATTERNS = {area: re.compile(words) for area, words in _AREA_WORDS.items()}

# Feelings people name, in the form Tandem says them back ("you feel {feeling}").
_FEELINGS = (
    "awful", "terrible", "horrible", "guilty", "drained", "exhausted", "tired", "frustrated",
    "angry", "mad", "furious", "sad", "hurt", "lonely", "alone", "anxious", "nervous",
    "scared", "afraid", "ashamed", "embarrassed", "overwhelmed", "stressed", "resentful",
    "jealous", "invisible", "used", "numb", "empty", "small", "stupid", "confused",
    "disappointed", "defeated", "low", "down", "heartbroken", "worthless", "helpless",
    "trapped", "stuck", "annoyed", "upset", "bad", "responsible", "proud", "happy",
    "relieved", "strong", "amazing", "good", "great", "calm", "free", "brave", "lost",
    "miserable", "depressed", "burnt out", "burned out", "worn out", "unappreciated",
    "ignored", "taken for granted", "like a doormat", "selfish", "torn", "awkward",
)  # fmt: skip
_FEELING_PATTERN = re.compile(
    r"\b(?:i feel|i'm feeling|im feeling|i am feeling|feeling|feel|i'm|im|i am|so|"
    r"i felt|felt|makes me feel|made me feel)\s+(?:so |really |pretty |kinda |kind of |"
    r"very |a bit |super |totally |just |a little |quite |such )*"
    r"(" + "|".join(re.escape(f) for f in sorted(_FEELINGS, key=len, reverse=True)) + r")\b"
)
# A whole message that is only a feeling ("sad today", "exhausted.") names it too.
_LEADING_FEELING = re.compile(
    r"^(" + "|".join(re.escape(f) for f in sorted(_FEELINGS, key=len, reverse=True)) + r")\b"
)

# Features by their names; checked before the feature classifier.
_FEATURE_WORDS: tuple[tuple[str, str], ...] = (
    (
        "delete",
        r"\b(delete|erase|wipe|forget everything|remove (all|everything|my)|"
        r"(close|remove|cancel) my account|unsubscribe)\b",
    ),
    (
        "export",
        r"\b(export|download|(a )?copy of (my|all|everything)|file with|backup|"
        r"back up my|get my data)\b",
    ),
    (
        "privacy",
        r"\b(privacy|keeping my words|what you (store|keep|save)|consent|"
        r"stop (saving|storing))\b",
    ),
    (
        "sos",
        r"\b(sos|helplines?|hotlines?|crisis (lines?|numbers?)|emergency (numbers?|"
        r"contacts?|services)|someone to talk to (now|right now))\b",
    ),
    (
        "daily",
        r"\b(daily|remind(er|ers)?|every (morning|evening|day|night)|"
        r"question of the day|notifications?|prompt time)\b",
    ),
    ("selfcheck", r"\b(self ?-?check|quiz|questionnaire|assessment|test|check ?-?in score)\b"),
    (
        "progress",
        r"\b(progress|chart|graph|stats|statistics|how am i doing|how many times|"
        r"how far i'?ve come|my results?|my scores?)\b",
    ),
    ("journal", r"\b(journal|entries|entry|diary|notes|what i('ve)? (wrote|written|saved))\b"),
    ("reflect", r"\b(reflect\w*|self reflection)\b"),
    ("practice", r"\b(practi[cs]e\w*|scenes?|role ?play|exercises?|drills?)\b"),
    ("faq", r"\b(faq|faqs|common questions|list of questions|frequently asked|q ?& ?a)\b"),
    ("help", r"\b(help|commands?|instructions|user guide|how (does|do) (this|it|you) work)\b"),
)
_FEATURE_PATTERNS = tuple((name, re.compile(words)) for name, words in _FEATURE_WORDS)

# Reflection themes (content/reflection.yaml) by the words that point to them.
_THEME_WORDS: tuple[tuple[str, str], ...] = (
    ("self-worth", r"\b(worth\w*|enough|useful|approval|approve|stupid|ashamed|failure|"
     r"loved|selfish|not good|compar\w+|invisible|too much|too sensitive|doormat)\b"),
    ("balance", r"\b(alone|myself|weekends?|free time|space|hobb\w+|plans|together|"
     r"without (him|her|me)|my own|time for|night to myself|evening)\b"),
    ("communication", r"\b(told|tell|said|say|talk\w*|ask\w*|fight|argu\w+|quiet|"
     r"conversation|convo|texts?|answer\w*|explain\w*|lied|lie)\b"),
    ("boundaries", r"\b(no|yes|favou?rs?|cover\w*|lend|lent|borrow\w*|extra|again|"
     r"guilt\w*|fix\w*|responsible|drained|feelings)\b"),
    ("pattern", r"\b(always|every time|never|again and again|why do i|keep)\b"),
)  # fmt: skip
_THEME_PATTERNS = tuple((theme, re.compile(words)) for theme, words in _THEME_WORDS)
DEFAULT_THEME = "boundaries"

# Whole messages that are small talk beyond greetings and thanks (flows/small_talk.py):
# acknowledgements, goodbyes, questions about Tandem itself as a being.
_SMALL_TALK = re.compile(
    r"^(ok+|okay|okie|k+|kk|alright|sure|yep|yes|yeah|nope|no|cool|nice|wow|lol+|lmao|"
    r"ha(ha)+|hmm+|hm+|oh|ah|i see|got it|fine|gn|good ?night|nighty night|night|bye+|"
    r"bye for now|goodbye|see (you|ya|u)( later| tomorrow| soon)?|talk (later|soon)|"
    r"gotta go|ttyl|i'?m back|im back|back again|sup|wh?at'?s up|wassup|how are (you|u)|"
    r"how r u|how'?s it going|how'?s your day( going)?|just checking in|testing( testing)?|"
    r"test|are (you|u) (a )?(robot|bot|real|human|ai|a person)|is this a real person|"
    r"do (you|u) (sleep|have feelings|dream)|who made (you|u)|wh?at'?s (your|ur) name|"
    r"wh?at'?s (your|ur) fav(ou?rite)? \w+)"
    r"( (ok|okay|then|tandem|thanks|today|again|there))*$"
)
# A win said outright ("i said no", "stood up for myself", "he agreed") unless the same
# message takes it back ("i wanted to say no but...", "i couldn't").
_CLEAR_WIN = re.compile(
    r"(\b(i|and i|finally|so i|then i|today i|i finally|i actually|i just) said no\b|"
    r"\bsaid no\b[^.]*\b(and|but) (she|he|they|it|the world|nobody|no one)\b|"
    r"stood up for (myself|me)|held (firm|my ground)|kept my (boundary|boundaries|limit)|"
    r"\bi did it\b|did the thing|\bno guilt\b|without (feeling )?guilt|"
    r"didn'?t (feel guilty|apologi[sz]e|over ?explain|cave|give in)|proud of (myself|me)|"
    r"stopped myself|\b(he|she|they) (agreed|backed me up|said ok|said okay|was fine|"
    r"were fine|took it (ok|okay|well))|\btold (my|the|him|her|them)\b[^.]*"
    r"\b(anymore|any more|no more)\b|\bi (finally )?(blocked|turned down|left on time)\b)"
)
_WIN_TAKEN_BACK = re.compile(
    r"\b(wanted to|want to|trying to|tried to|how to|couldn'?t|can'?t|cant|didn'?t know|"
    r"never|why do i|i hate|but the words|but i (said yes|didn'?t|couldn'?t|caved)|"
    r"should have|wish i|if i|when i|again and again|too scared)\b"
)
# Asking for the words themselves is a rehearsal ("what do i say to my boss"); "how do i say no
# to my boss" may be a question too, so it is left to the classifier and the FAQ check.
_REHEARSE_REQUEST = re.compile(
    r"\b(what (do|should|would|can) i (say|tell|text|write)|help me (word|write|phrase|find|"
    r"figure out what to say)|(script|words|a text) (for|to)|walk me through|"
    r"give me (the |some )?words)\b"
)
_POLITE_END = re.compile(r"\b(please|pls|plz|thanks)[.!]*$")
_NOT_WORDS = re.compile(r"[^\w\s']+")

_SPACES = re.compile(r"\s+")

# Hand-made cues, added to the words the classifier sees as tokens ("cuewin"), so the model
# weighs them with everything else rather than a rule overriding it.
_CUES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("cuerehearse", r"\b(practi[cs]e|practi[cs]ing|rehears\w*|role ?play\w*|act it out|"
         r"pretend (you'?re|to be|ur)|be my \w+ for|try (saying|telling)|find the words|"
         r"(practi[cs]e|dry) run|help me (say|tell|ask)|what (do|would|should) i say)\b"),
        ("cueprepare", r"\b(prepare|prep|scenario|simulate|set up a scene|train me|"
         r"work on saying|get ready (for|to)|how (would|should|do) i (respond|answer|reply|react)|"
         r"what if (my|she|he|they)|scene (with|about|where)|try it out|have a go)\b"),
        ("cuerehearsehow", r"\b(how (do|can|should|would) i (tell|say|ask|word|bring up|explain|"
         r"let)|what (do|should|would|can) i (say|tell|text|write)|help me (word|write|phrase|"
         r"find|figure out what to say)|(script|words|a text) (for|to)|walk me through|"
         r"give me (the |some )?words|(i need|i have|i want|i gotta|i got) to (tell|say|ask)|"
         r"how to (tell|say no to|ask))\b"),
        ("cuewin", r"(\bi did it\b|did the thing|\bproud\b|first time|\bfinally\b|"
         r"stood up for|kept my|\bgrowth\b|small win|tiny (win|step)|good news|\bupdate\b|"
         r"\byay\b|\bmanaged\b|\banyway\b|instead of|just for me|for myself|"
         r"didn'?t (end|answer|pick|apologi\w*|over ?explain|feel guilty|cave|give in|say sorry|"
         r"cover)|without (apologi\w*|feeling guilty|giving|explaining|a fake)|"
         r"(stopped|let) (myself|the|my|it|them|her|him)|nobody (died|was upset|minded)|"
         r"(she|he|they) (was|were) (fine|ok|okay|totally fine|cool)|backed me up|"
         r"\band (she|he|they) (was|were|said|agreed|took|did|handled)|it worked|"
         r"not this time|maybe later|no drama|who knew|!!|🙌|🎉|😎|💪)"),
        ("cueshare", r"(\bbut (i|it|the|now|then|its|it's|she|he)\b|didn'?t know how|"
         r"of course i said yes|already said yes|\bsaid yes\b|said it was (ok|fine)|"
         r"\bi just\b|turned into|\bwhy\b|\bagain\b|\bstill\b|\bnow i\b|"
         r"words just|didn'?t want to|even (though|tho)|\bugh\b|rough|awful|"
         r"\bi (hate|wish|can'?t|couldn'?t)\b)"),
        ("cuenegative", r"\b(couldn'?t|can'?t|cant|never|wish|hate|should have|why do i|"
         r"ugh|again|always|sigh|too scared|just nodded)\b"),
        ("cuesaidno", r"\b(said|say|saying) no\b"),
        ("cuequestionstart", r"^(what|whats|what's|how|why|is|are|can|could|does|do|should|"
         r"where|who|when|which|will|would)\b"),
        ("cuequestionmark", r"\?\s*$"),
        ("cuefirstperson", r"\b(i|i'm|im|i've|ive|me|my|myself)\b"),
        ("cueyou", r"\b(you|your|this app|this bot|the bot|tandem|the app)\b"),
        ("cuefeedback", r"\b(useless|love (this|it|the|you)|like (this|the|how)|helpful|helping|"
         r"annoying|robotic|cheesy|repetitive|too (long|short|easy|hard|much|basic|small)|bug|"
         r"crash\w*|broken|(doesn'?t|dont|don't|didn'?t) (work|load|answer)|wrong answer|"
         r"please (add|let)|you should|could you add|feature request|would be nice|would help|"
         r"wish (you|the)|recommend\w*|stars?|misunderstood|for a bot|whoever made|"
         r"not a fan|(is|was|were|are|feel|felt) (so |a bit |too |pretty |really )?"
         r"(great|nice|cool|good|bad|harsh|confusing|long|easy))\b"),
        ("cuerequest", r"^(can i|could i|can you|could you|show|open|take|start|let'?s|"
         r"i want|i'd like|id like|i wanna|give|send|turn|stop|change|set|delete|erase|"
         r"wipe|export|download|remind|where|redo|retake|see|view|check)\b"),
    )
)  # fmt: skip


def normalize(text: str) -> str:
    """Lower case, straight apostrophes, single spaces."""
    folded = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return _SPACES.sub(" ", folded).strip()


def find_person(text: str) -> tuple[str | None, str | None]:
    """The first person the message names and their part of life: ("mom", "family")."""
    words = normalize(text)
    best: tuple[int, str, str] | None = None
    for pattern, name, area in _PERSON_PATTERNS:
        for found in pattern.finditer(words):
            start = found.start()
            mine = words[max(0, start - 3) : start] == "my " or words[
                max(0, start - 4) : start
            ] in ("our ", "the ")
            if found.group(0) in _NEEDS_MY and not mine:
                continue
            if best is None or start < best[0]:
                best = (start, name, area)
            break
    if best is None:
        return None, None
    _, name, area = best
    return (None if name == "family" else name), area


def find_area(text: str) -> str | None:
    """The part of life a message is about: from a named person, else from its words."""
    _, area = find_person(text)
    if area is not None:
        return area
    words = normalize(text)
    for candidate in ("work", "family", "partner", "friends"):
        if _AREA_PATTERNS[candidate].search(words):
            return candidate
    return None


def find_feeling(text: str) -> str | None:
    """A feeling the person names about themselves ("i feel awful" -> "awful"), or None."""
    words = normalize(text)
    found = _FEELING_PATTERN.search(words) or _LEADING_FEELING.search(words)
    if found is None:
        return None
    feeling = found.group(1)
    # "so good at saying no" or "i'm used to it" do not name a feeling.
    rest = words[found.end() : found.end() + 4]
    if rest.startswith((" at", " to", " of", " with", " for", " tha")) and feeling in (
        "good", "great", "used", "free", "bad", "small", "low", "down", "lost", "stuck",
    ):  # fmt: skip
        return None
    return feeling


def find_theme(text: str) -> str:
    """The reflection theme that fits what the person wrote best (boundaries when unsure)."""
    words = normalize(text)
    scores = {theme: len(pattern.findall(words)) for theme, pattern in _THEME_PATTERNS}
    best = max(scores.values())
    if best == 0:
        return DEFAULT_THEME
    return next(theme for theme, _ in _THEME_WORDS if scores[theme] == best)


def find_feature_by_name(text: str) -> str | None:
    """A feature the message names outright ("my journal", "daily reminder"), or None."""
    words = normalize(text)
    for name, pattern in _FEATURE_PATTERNS:
        if pattern.search(words):
            return name
    return None


# --- the classifiers ---------------------------------------------------------------------


def with_cues(text: str) -> str:
    """The normalized text followed by the names of the cues it shows, and of the feature and
    the part of life it names ("cuefeaturejournal", "cuearea")."""
    words = normalize(text)
    cues = [name for name, pattern in _CUES if pattern.search(words)]
    feature = find_feature_by_name(words)
    if feature:
        cues.append(f"cuefeature{feature}")
        if len(words.split()) <= 4:
            cues.append("cuefeatureshort")
    if find_person(words)[0] is not None:
        cues.append("cueperson")
    if find_feeling(words) is not None:
        cues.append("cuefeeling")
    return " ".join([words, *cues])


def _vectorizer() -> FeatureUnion:
    """Word 1-2 grams (with cues) and character 1-4 grams within words, both TF-IDF."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    return FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    preprocessor=with_cues,
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                    token_pattern=r"(?u)\b\w+\b|[!?]",
                ),
            ),
            (
                "chars",
                TfidfVectorizer(
                    preprocessor=normalize,
                    analyzer="char_wb",
                    ngram_range=(1, 4),
                    sublinear_tf=True,
                    min_df=2,
                ),
            ),
        ]
    )


# scikit-learn is imported when the first router is trained, not with this module: importing
# it takes seconds on a busy machine, and the bot should answer its first update without it.


def _story_classifier(c: float) -> Pipeline:
    """Word 1-2 grams with cues only (character n-grams blur "said no" and "couldn't say no")."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import Pipeline
    from sklearn.svm import LinearSVC

    words = TfidfVectorizer(
        preprocessor=with_cues,
        ngram_range=(1, 2),
        sublinear_tf=True,
        token_pattern=r"(?u)\b\w+\b|[!?]",
    )
    return Pipeline(
        [("features", words), ("model", LinearSVC(C=c, class_weight="balanced", random_state=0))]
    )


def _classifier(c: float) -> Pipeline:
    """TF-IDF features and a linear support vector machine (liblinear: deterministic)."""
    from sklearn.pipeline import Pipeline
    from sklearn.svm import LinearSVC

    return Pipeline(
        [
            ("features", _vectorizer()),
            ("model", LinearSVC(C=c, class_weight="balanced", random_state=0)),
        ]
    )


_REHEARSE_OBJECT = re.compile(
    r"\b(say|saying|tell|telling|ask|asking|no|boundar\w*|conversation|convo|talk|push\w*|"
    r"stand\w*|turn\w* down|stop)\b"
)


class Router:
    """Rules and two trained classifiers: the kind of a message, and which feature it names.

    `faq` adds the FAQ's own wordings as examples of questions and its off-topic examples as
    examples of off-topic messages, and lets a message the FAQ answers with confidence and
    that is worded as a question be read as one.
    """

    def __init__(
        self,
        examples: Sequence[Example],
        *,
        faq: FaqContent | None = None,
        kind_c: float = KIND_C,
        share_margin: float = SHARE_MARGIN,
        use_crisis_rules: bool = True,
        use_story_model: bool = True,
    ) -> None:
        self.share_margin = share_margin
        self.use_crisis_rules = use_crisis_rules
        texts = [e.text for e in examples]
        labels = [e.kind for e in examples]
        self.matcher: FaqMatcher | None = None
        if faq is not None:
            wordings = [w for entry in faq.entries for w in (entry.question, *entry.variants)]
            texts += [*wordings, *faq.off_topic]
            labels += ["question"] * len(wordings) + ["off_topic"] * len(faq.off_topic)
            self.matcher = FaqMatcher.from_entries(faq.entries, faq.off_topic)
        self.kinds = _classifier(kind_c)
        self.kinds.fit(texts, labels)
        # Wins and shares are both stories; a second classifier trained on them alone weighs
        # the words that tell them apart (a "no" said, or not) without the other kinds.
        stories = [e for e in examples if e.kind in ("share", "win")]
        self.stories = _story_classifier(STORY_C) if use_story_model else None
        if self.stories is not None:
            self.stories.fit([e.text for e in stories], [e.kind for e in stories])
        features = [e for e in examples if e.kind == "feature" and e.feature]
        self.features = _classifier(FEATURE_C)
        self.features.fit([e.text for e in features], [e.feature for e in features])

    def read(self, text: str) -> Reading:
        """Read one message (see the module docstring for the order of the steps)."""
        words = normalize(text)
        if not words:
            return Reading("small_talk")
        person, area = find_person(words)
        if area is None:
            area = find_area(words)
        details: dict[str, Any] = {
            "person": person,
            "area": area,
            "feeling": find_feeling(words),
            "theme": find_theme(words),
        }
        # Only a clear crisis: a check-in is a question the safety layer asks first, and a
        # message that comes on after "No, I'm safe" is a share to be heard, not a crisis.
        if self.use_crisis_rules and assess(text).outcome is Outcome.CRISIS:
            return Reading("crisis", **details)
        plain = " ".join(_NOT_WORDS.sub(" ", words).split())
        if recognize(text) in ("greeting", "thanks") or not plain or _SMALL_TALK.match(plain):
            return Reading("small_talk")
        named_feature = find_feature_by_name(words)
        cues = set(with_cues(words).split())
        if "cuefeedback" in cues:
            pass  # about Tandem itself ("the practice scenes are too easy"): the model decides
        elif "cuerehearse" in cues or ("cueprepare" in cues and person is not None):
            if person is not None or _REHEARSE_OBJECT.search(words):
                return Reading("rehearse", **details)
            if named_feature == "practice":
                return Reading("feature", feature="practice", area=area)
        elif (
            _REHEARSE_REQUEST.search(words)
            and person is not None
            and details["feeling"] is None
            and not cues & {"cuewin", "cueshare"}
        ):
            return Reading("rehearse", **details)
        if (
            named_feature is not None
            and "cuefeedback" not in cues
            and person is None
            and (
                "cuerequest" in cues
                or len(words.split()) <= 3
                or _POLITE_END.search(words) is not None
            )
        ):
            return Reading("feature", feature=named_feature, area=area)
        if (
            _CLEAR_WIN.search(words)
            and not _WIN_TAKEN_BACK.search(words)
            and not cues & {"cuequestionstart", "cuequestionmark"}
        ):
            return Reading("win", **details)
        if (
            self.matcher is not None
            and ("cuequestionstart" in cues or "cuequestionmark" in cues)
            and self.matcher.match(text).confidence == "high"
        ):
            return Reading("question")
        scores = dict(
            zip(self.kinds.classes_, self.kinds.decision_function([text])[0], strict=True)
        )
        kind: Kind = max(scores, key=lambda k: scores[k])
        confidence = float(scores[kind])
        if kind in ("share", "win") and self.stories is not None:
            story = float(self.stories.decision_function([text])[0])  # > 0: a win
            kind = "win" if story > self.share_margin else "share"
            return Reading(kind, confidence=abs(story), **details)
        # A story read as a win or a question by a hair is more likely a share, and the cost of
        # the mistake is not even: a win heard as a share is still heard; a share answered as a
        # win or turned away as an unknown question is not.
        close_to_share = confidence - scores["share"] < self.share_margin
        if close_to_share and (
            kind == "win"
            or (
                kind == "question"
                and self.matcher is not None
                and self.matcher.match(text).confidence == "low"
            )
        ):
            kind, confidence = "share", float(scores["share"])
        if kind == "feature":
            feature = named_feature or str(self.features.predict([text])[0])
            return Reading("feature", feature=feature, area=area, confidence=confidence)
        if kind in ("small_talk", "off_topic", "question", "feedback"):
            return Reading(kind, confidence=confidence)
        return Reading(kind, confidence=confidence, **details)


def load_examples(path: Path = EXAMPLES_PATH) -> list[Example]:
    """The labelled messages of a YAML set with a top-level `messages:` list."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return list(parse_examples(raw.get("messages") or []))


def parse_examples(items: Iterable[Any]) -> Iterable[Example]:
    """Labelled messages from parsed YAML items (unknown fields are ignored)."""
    for item in items:
        if not isinstance(item, dict) or "text" not in item or "kind" not in item:
            continue
        yield Example(
            text=str(item["text"]),
            kind=str(item["kind"]),
            person=_optional(item.get("person")),
            area=_optional(item.get("area")),
            feeling=_optional(item.get("feeling")),
            feature=_optional(item.get("feature")),
            faq_id=_optional(item.get("faq_id")),
        )


def _optional(value: Any) -> str | None:
    return None if value is None else str(value)


_routers: dict[int, tuple[FaqContent, Router]] = {}
_routers_lock = threading.Lock()


def router_for(faq: FaqContent) -> Router:
    """The router trained on the shipped examples and this FAQ content, built once per content
    (content is immutable; tests build many engines from the same content). A message that
    arrives while it is being trained waits for it."""
    with _routers_lock:
        cached = _routers.get(id(faq))
        if cached is None or cached[0] is not faq:
            cached = (faq, Router(load_examples(), faq=faq))
            _routers[id(faq)] = cached
        return cached[1]


def warm_up(faq: FaqContent) -> None:
    """Train the router for this content in a background thread, so neither start-up nor the
    first free text waits for the whole of it (importing scikit-learn and training take
    about two seconds on a quiet machine, much longer on a busy one)."""
    if id(faq) in _routers:
        return
    threading.Thread(target=router_for, args=(faq,), name="listening-warm-up", daemon=True).start()


@lru_cache(maxsize=1)
def shipped_router() -> Router:
    """The router trained on the examples shipped with Tandem and the FAQ (built once)."""
    from content import load_content  # content/ parses YAML only; loaded on first use

    return Router(load_examples(), faq=load_content().section("faq"))


def read_message(text: str) -> Reading:
    """What kind of message this is, and who and what it names."""
    return shipped_router().read(text)
