"""Rank FAQ entries for a free-text question, and say how sure the match is.

How a question is matched (docs/faq-matching.md has the measurements behind each choice):

1. Normalize: lowercase, strip accents, expand contractions ("can't" -> "can not"), fold
   compounds and idioms people spell many ways ("co-dependent" -> "codependent", "tell them
   apart" -> "difference", "worth it" -> "benefit"), drop filler words.
2. Repair typos: a word no FAQ text uses is replaced by the closest FAQ word within a small
   edit distance, same first letter ("boundries" -> "boundaries"), or split in two.
3. Canonicalize: a synonym table folds words that mean the same here ("boyfriend", "wife" ->
   "partner"), then a light suffix stemmer folds word forms ("codependency", "codependent"
   -> "codepend").
4. Score, two ways, blended:
   - TF-IDF cosine between the question and each wording of each entry (canonical question
     and variants), over words and over character 3-5-grams, plus the cosine with all of an
     entry's wordings taken together. Words the FAQ never uses keep their full weight in the
     question's norm, so "is it healthy to eat eggs" scores low: most of it is foreign.
   - A softmax (multinomial logistic regression) over the same word features, trained at
     start-up on the wordings in a few milliseconds; it learns which words tell entries apart
     ("am i codependent" is about signs, "what is codependency" about the definition).
5. Off-topic guard: example questions Tandem must not answer (content/faq.yaml `off_topic`)
   are one more class for both scorers, and they also tell which FAQ words are everyday words
   ("grow", "cause", "change"). A question is answered only when its best entry clearly beats
   the off-topic class and shares at least one topical word with that entry, or, without
   one, scores high while the off-topic class stays far behind ("what can you do"). A
   question naming another field (a word of several off-topic examples that no FAQ text
   uses: "french", "css") needs two topical words.
6. Decide: high when the score is high and clearly ahead of the next entry, middle when it is
   plausible, low otherwise (then best_id is None: never answer off-topic).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal, Protocol

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

Confidence = Literal["high", "middle", "low"]

# Chosen on the development set (tests/data/faq_dev.yaml); the independent evaluation set
# (tests/data/faq_eval.yaml) measures them. docs/faq-matching.md has the sweeps.
HIGH_SCORE = 0.40
HIGH_MARGIN = 0.10
MIDDLE_SCORE = 0.12
# The off-topic class must not reach this share of the best entry's score.
OFF_TOPIC_FACTOR = 0.8
# Blend of the two scorers, and of the three cosine views inside the first.
PROB_WEIGHT = 0.7
WORDING_WORD_WEIGHT = 0.45
WORDING_CHAR_WEIGHT = 0.25
ENTRY_WORD_WEIGHT = 0.30
# A word is topical when its rate in FAQ wordings is this many times its off-topic rate.
TOPICAL_RATIO = 2.0
REQUIRE_TOPICAL_WORD = True
# A question with no topical word may still be ours when it is worded like an entry and not
# like the off-topic examples ("what can you do", "what do you do with what i write"): its
# score reaches HIGH_SCORE and the off-topic class stays under this share of it. Off-topic
# questions without a topical word all scored under 0.3 on the dev and eval sets.
UNTOPICAL_OFF_TOPIC_FACTOR = 0.5
# A word in at least this many off-topic examples and in no FAQ text ("french", "css",
# "economics") marks another field; a question that names one needs this many topical words,
# so "how to say no in french" is not answered as a boundaries question.
OTHER_FIELD_MIN_EXAMPLES = 3
OTHER_FIELD_TOPICAL_WORDS = 2
# Softmax training: full-batch gradient descent; class weights balanced by this power.
TRAIN_STEPS = 200
TRAIN_RATE = 30.0
TRAIN_L2 = 3e-4
BALANCE_POWER = 0.5
MAX_ALTERNATIVES = 3

# Owner of the off-topic example wordings: never a real entry id (ids are slugs).
OFF_TOPIC = "~off-topic"


# Words that carry no topic. "no", "not", "alone", "together", "only" stay: they separate
# entries. Fillers people add when typing casually are here too.
def _word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of a text block, as a set."""
    return frozenset(text.split())


STOPWORDS = _word_set(
    """
    a an the and or but so if then than of to in on at by for with about from into as is
    are was were be been being do does did doing have has had having i me my mine myself we us
    our ours he him his she her hers it its they them their this that these those there here
    just really very quite also too even still ever again some any much many more most lot
    lots get got getting go going thing things stuff like kind sort oh hey hi hello please
    pls thanks thank ok okay um uh hmm would could should will shall might may must wanna
    gonna let s t d ll ve re m exactly actually basically honestly literally anyway anyways
    seriously totally sometimes sure maybe perhaps yeah yo lol tbh idk btw im dont
    """
)

# Question words separate "what is" from "why does" but say nothing about the topic: they
# never count as the topical word a match needs.
LIGHT_WORDS = _word_set("what how why can who where when which whether not no you your")

# fmt: off
# Contractions with and without the apostrophe, and texting shorthand.
CONTRACTIONS = {
    "can't": "can not", "cant": "can not", "cannot": "can not", "won't": "will not",
    "wont": "will not", "don't": "do not", "dont": "do not", "doesn't": "does not",
    "doesnt": "does not", "didn't": "did not", "didnt": "did not", "isn't": "is not",
    "isnt": "is not", "aren't": "are not", "arent": "are not", "wasn't": "was not",
    "wasnt": "was not", "shouldn't": "should not", "shouldnt": "should not",
    "wouldn't": "would not", "wouldnt": "would not", "couldn't": "could not",
    "couldnt": "could not", "haven't": "have not", "havent": "have not", "i'm": "i am",
    "im": "i am", "i've": "i have", "ive": "i have", "i'd": "i would", "i'll": "i will",
    "you're": "you are", "youre": "you are", "we're": "we are", "they're": "they are",
    "what's": "what is", "whats": "what is", "wat": "what", "wht": "what", "that's": "that is",
    "thats": "that is", "it's": "it is", "how's": "how is", "who's": "who is", "u": "you",
    "ur": "your", "r": "are", "y": "why", "bc": "because", "cuz": "because", "vs": "versus",
    "v": "versus", "abt": "about", "w": "with", "wo": "without", "smth": "something",
    "sth": "something", "ppl": "people", "rly": "really", "bcs": "because",
}

# Compounds and idioms that people write in several ways; folded on the lowercased text.
COMPOUNDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\bco[\s\-]+depend", "codepend"),
        (r"\binter[\s\-]+depend", "interdepend"),
        (r"\b(hyper|super|overly|too|extremely|fiercely|hella)[\s\-]*independ", "hyperindepend"),
        (r"\bhyperindepend", "hyper independ"),
        (r"\bself[\s\-]*(esteem|worth|confidence|respect|value|love|image)", "selfworth"),
        (r"\bself[\s\-]*sacrific", "selfsacrific"),
        (r"\bpeople[\s\-]*pleas", "peoplepleas"),
        (r"\bone[\s\-]*sided", "onesided"),
        (r"\bpassive[\s\-]*aggressive", "passiveaggressive"),
        (r"\bmental[\s\-]*health", "mentalhealth"),
        (r"\bsay(ing|s)?\s+no\b", "sayno"),
        (r"\bsaid\s+no\b", "sayno"),
        (r"\bturn(ing|s|ed)?\s+(it\s+|them\s+|people\s+|him\s+|her\s+)?down\b", "sayno"),
        (r"\bme[\s\-]+time\b", "alonetime"),
        (r"\b(tell|tells|telling)\s+(them|the\s+two|it|these|those)\s+apart\b", "difference"),
        (r"\bhow\s+(can|do|would|could)\s+(i|you|we|one)\s+(tell|know)\s+(if|whether)\b",
         "sign"),
        (r"\b(could|might|may|would)\s+i\s+be\b", "am i"),
        (r"\bworth\s+(it|the|my|your|doing|working|trying|changing|bothering)\b", "benefit"),
        (r"\b(refus|reject|declin)\w*\s+(all\s+|any\s+|every\s+)?(help|support)\b",
         "hyperindependent"),
        (r"\bdraw(s|ing|n)?\s+(a\s+|the\s+|some\s+|clear\s+)?lines?\b", "boundary"),
        (r"\bnon[\s\-]*romantic\b", "platonic"),
        (r"\bwalk(s|ed|ing)?\s+all\s+over\b", "boundary"),
        (r"\b(lead|leads|led)\s+to\b", "cause"),
        (r"\bcome\s+from\b", "cause"),
        (r"\bgo(es)?\s+to\s+therapy\b", "therapist"),
        (r"\b(like|love|accept|respect|value|trust)\s+myself\b", "selfworth"),
        (r"\bbend(ing|s)?\s+over\s+backwards?\b", "peoplepleas"),
        (r"\bwalk(ing)?\s+on\s+eggshells\b", "peoplepleas"),
        (r"\byes[\s\-]*(man|woman|person)\b", "peoplepleas"),
        (r"\bstretched\s+(too\s+)?thin\b", "exhausted"),
        (r"\bburn(ed|t|ing)?[\s\-]*out\b", "exhausted"),
        (r"\bgive\s+and\s+take\b", "mutual"),
        (r"\bspeak\s+up\b", "communicate"),
        (r"\bopen\s+up\b", "communicate"),
        (r"\bbring\s+(it\s+|this\s+|that\s+)?up\b", "communicate"),
        (r"\blone[\s\-]+wol(f|ves)\b", "hyperindependent"),
        (r"\bgrow(ing|n)?\s+out\s+of\b", "change"),
        (r"\b(turn|turns|turned|end|ends|ended)\s+up\b|\b(turn|turns|turned)\s+out\b",
         "become"),
    )
)

# Words that mean the same thing for this FAQ fold into one canonical word (before stemming).
SYNONYM_GROUPS: Mapping[str, Sequence[str]] = {
    "partner": (
        "boyfriend", "girlfriend", "husband", "wife", "spouse", "bf", "gf", "fiance",
        "fiancee", "lover", "partners", "boyfriends", "girlfriends", "husbands", "wives",
        "spouses", "couple", "couples", "romantic", "romance", "dating", "marriage",
        "married", "relationship", "relationships",
    ),
    "parent": (
        "mom", "mum", "mother", "dad", "father", "parents", "moms", "mums", "mothers",
        "dads", "fathers", "mommy", "mummy", "daddy", "ma", "pa",
    ),
    "family": ("families", "sibling", "siblings", "sister", "brother", "relatives", "son",
               "daughter", "kids", "child", "children"),
    "friend": ("friends", "bestie", "bff", "friendship", "friendships", "buddy", "platonic",
               "roommate",
               "roommates", "flatmate", "housemate"),
    "work": (
        "job", "boss", "coworker", "coworkers", "colleague", "colleagues", "workplace",
        "office", "manager", "career", "employer",
    ),
    "therapist": (
        "therapy", "counselor", "counsellor", "counseling", "counselling", "psychologist",
        "psychiatrist", "shrink", "psychotherapy", "therapists", "professional",
    ),
    "approval": ("validation", "reassurance", "praise", "approve", "approved", "validate"),
    "selfworth": ("confidence", "selflove", "worth", "worthless", "worthy"),
    "anxious": (
        "anxiety", "nervous", "panic", "panicky", "worried", "worry", "stress", "stressed",
        "scared", "afraid", "fear", "fears", "terrified",
    ),
    "guilt": ("guilty", "selfish", "ashamed", "shame"),
    "boundary": ("boundaries", "limit", "limits"),
    "sayno": ("refuse", "refusing", "decline", "declining", "nope", "nah", "reject",
              "rejecting"),
    "request": ("requests", "favor", "favors", "favour", "favours"),
    "peoplepleas": ("pushover", "doormat", "pleaser", "pleasers", "pleasing"),
    "exhausted": ("exhausting", "drained", "overwhelmed", "overloaded", "overextended",
                  "overcommitted", "burnout", "tired", "worn"),
    "sacrific": ("martyr", "martyrs", "martyrdom", "selfless", "selflessness", "sacrifices",
                 "sacrificing", "sacrificed"),
    "culture": ("cultural", "cultures", "tradition", "traditions", "traditional", "society",
                "societal", "community", "heritage", "upbringing"),
    "religion": ("faith", "religious", "church", "god", "spiritual", "bible", "scripture"),
    "duty": ("obligation", "obligations", "obliged", "expected", "expectation",
             "expectations", "owe", "duties"),
    "unequal": ("unbalanced", "imbalanced", "uneven", "lopsided", "unfair", "imbalance"),
    "mutual": ("reciprocal", "reciprocity", "both", "each"),
    "identity": ("individuality", "individual", "self", "myself", "yourself"),
    "born": ("genetic", "genes", "hereditary", "inherited", "innate", "nature"),
    "bot": ("chatbot", "robot", "ai", "machine", "computer", "program", "automated"),
    "human": ("humans", "real"),
    "delete": ("erase", "remove", "wipe", "forget", "deleted", "deleting"),
    "alone": (
        "lonely", "loneliness", "isolation", "isolated", "solitude", "separate", "separately",
        "apart", "distance", "distant",
    ),
    "data": (
        "privacy", "private", "confidential", "information", "info", "messages", "stored",
        "store", "storing", "saved", "secure",
    ),
    "help": ("support", "supporting", "supportive", "helping", "helpful"),
    "clingy": ("cling", "clinging", "needy", "attached"),
    "cause": (
        "causes", "caused", "causing", "origin", "origins", "originally", "root", "roots",
        "reason", "reasons",
    ),
    "change": (
        "changing", "changed", "recover", "recovery", "recovering", "overcome", "heal",
        "healing", "cure", "cured", "curable", "unlearn", "quit", "outgrow",
    ),
    "forever": ("always", "permanent", "permanently", "lifelong", "stuck"),
    "benefit": ("benefits", "gain", "point", "advantage", "advantages", "improves",
                "reward"),
    "healthy": ("healthier", "good", "positive", "okay", "normal", "fine", "ok"),
    "unhealthy": ("toxic", "harmful", "negative", "dysfunctional"),
    "sign": (
        "signs", "symptom", "symptoms", "trait", "traits", "flag", "flags", "indicator",
        "indicators", "warning", "behavior", "behaviour", "behaviors", "behaviours",
    ),
    "difference": ("different", "differ", "versus", "compare", "comparison", "distinguish"),
    "mean": ("meaning", "means", "define", "definition", "explain"),
    "feeling": ("feelings", "emotion", "emotions", "emotional", "mood", "moods", "upset"),
    "communicate": (
        "communication", "communicating", "express", "expressing", "talk", "talking", "speak",
        "speaking", "conversation", "conversations", "convo", "convos", "assertive",
        "discuss", "discussion", "voice", "honest", "honestly", "openly", "directly",
    ),
    "depend": ("rely", "relying", "relies", "reliance", "lean", "leaning", "dependent",
               "dependence", "dependency", "depending", "needing"),
    "affect": ("impact", "effect", "effects", "affects", "impacts"),
    # Drinking and drug use: people name the substance, not "addiction".
    "addiction": (
        "addicted", "addict", "addicts", "alcohol", "alcoholic", "alcoholism", "drink",
        "drinks", "drinking", "drunk", "booze", "drugs", "drug", "cocaine", "heroin", "weed",
        "opioids", "hungover", "hangover", "sober", "sobriety",
    ),
    "lie": ("lying", "lied", "lies", "cover", "covering", "excuses"),
    "ill": ("sick", "illness", "disease", "cancer", "dementia", "stroke", "disabled",
            "disability", "chronic"),
    "diagnosis": ("diagnose", "diagnosed", "disorder", "dsm", "icd", "clinical", "psychiatric",
                  "condition"),
    # In a chat, typing is writing: "what happens to what i type" is a privacy question.
    "write": ("type", "typed", "typing", "types", "wrote", "written", "writing"),
}

# fmt: on

_SYNONYMS: dict[str, str] = {
    variant: canonical for canonical, group in SYNONYM_GROUPS.items() for variant in group
}

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

# fmt: off
# (suffix, replacement, shortest stem allowed) tried in order; the first that fits wins.
_SUFFIX_RULES: tuple[tuple[str, str, int], ...] = (
    ("iveness", "ive", 3), ("fulness", "ful", 3), ("encies", "", 4), ("ency", "", 4),
    ("ence", "", 4), ("ents", "", 4), ("ent", "", 4), ("ances", "", 4), ("ance", "", 4),
    ("ant", "", 4), ("ities", "", 4), ("ity", "", 4), ("ments", "", 4), ("ment", "", 4),
    ("ness", "", 4), ("ingly", "", 3), ("ings", "", 3), ("ing", "", 3), ("edly", "", 3),
    ("ied", "y", 3), ("ed", "", 3), ("ful", "", 4), ("ives", "", 4), ("ive", "", 4),
    ("ally", "", 4), ("ly", "", 5), ("al", "", 4), ("ies", "y", 3), ("sses", "ss", 3),
    ("ss", "ss", 2), ("us", "us", 2), ("is", "is", 2), ("s", "", 3),
)
# fmt: on


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """Fold common English word endings so that word forms share one stem."""
    if len(word) <= 3 or not word.isalpha():
        return word
    stemmed = word
    for suffix, replacement, shortest in _SUFFIX_RULES:
        if stemmed.endswith(suffix) and len(stemmed) - len(suffix) >= shortest:
            stemmed = stemmed[: len(stemmed) - len(suffix)] + replacement
            break
    # "setting" -> "sett" -> "set": undo the doubled consonant that the suffix needed.
    if (
        stemmed != word
        and len(stemmed) >= 4
        and stemmed[-1] == stemmed[-2]
        and stemmed[-1] not in "aeioulsz"
    ):
        stemmed = stemmed[:-1]
    if stemmed.endswith("e") and len(stemmed) >= 5:
        stemmed = stemmed[:-1]
    if stemmed.endswith("y") and len(stemmed) >= 4:
        stemmed = stemmed[:-1] + "i"
    return stemmed


def fold_text(text: str) -> str:
    """Lowercase, strip accents and unify apostrophes; fold compounds and idioms."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(char for char in folded if not unicodedata.combining(char))
    folded = folded.lower().replace("\u2019", "'").replace("`", "'")
    for pattern, replacement in COMPOUNDS:
        folded = pattern.sub(replacement, folded)
    return folded


def surface_words(text: str) -> list[str]:
    """The words of a text after folding, with contractions expanded, in order."""
    words: list[str] = []
    for token in _TOKEN.findall(fold_text(text)):
        expanded = CONTRACTIONS.get(token)
        if expanded is not None:
            words.extend(expanded.split())
        elif token.endswith("'s"):
            words.append(token[:-2])
        else:
            words.append(token.replace("'", ""))
    return words


def content_words(text: str) -> list[str]:
    """Surface words minus filler words."""
    return [word for word in surface_words(text) if word not in STOPWORDS]


def canonical_word(word: str) -> str:
    """Map a surface word to its feature: synonym group first, then stem."""
    return stem(_SYNONYMS.get(word, word))


def word_features(words: Sequence[str]) -> list[str]:
    """Word features of canonical words: the words themselves. Adjacent word pairs were
    measured and dropped: they made short off-topic questions look closer, not better."""
    return list(words)


def char_grams(words: Iterable[str]) -> list[str]:
    """Character 3- to 5-grams of each word with boundary marks (typo and form tolerant)."""
    grams: list[str] = []
    for word in words:
        marked = f"<{word}>"
        for size in (3, 4, 5):
            grams.extend(marked[i : i + size] for i in range(len(marked) - size + 1))
    return grams


@dataclass(frozen=True)
class MatchResult:
    """The best entry for a question (None when low), its score, runners-up and confidence."""

    best_id: str | None
    score: float
    alternatives: list[tuple[str, float]] = field(default_factory=list)
    confidence: Confidence = "low"


class FaqEntryLike(Protocol):
    """What the matcher needs from an FAQ entry (content.faq.FaqEntry fits)."""

    @property
    def id(self) -> str:
        """Stable entry id."""

    @property
    def question(self) -> str:
        """Canonical question."""

    @property
    def answer(self) -> str:
        """Answer text (only its vocabulary is used, to tell typos from known words)."""

    @property
    def variants(self) -> Sequence[str]:
        """Other wordings of the question."""


SparseVector = dict[str, float]


def _normalize(vector: Mapping[str, float]) -> SparseVector:
    """Scale a sparse vector to unit length (empty stays empty)."""
    norm = math.sqrt(sum(value * value for value in vector.values()))
    if norm == 0.0:
        return {}
    return {key: value / norm for key, value in vector.items()}


class _InvertedIndex:
    """TF-IDF cosine over documents, stored as feature -> [(document, weight)] postings."""

    def __init__(self, documents: Sequence[Sequence[str]], sublinear_tf: bool = False) -> None:
        """Weigh each document's features by inverse document frequency and index them."""
        document_frequency: dict[str, int] = defaultdict(int)
        for features in documents:
            for feature in set(features):
                document_frequency[feature] += 1
        count = len(documents)
        self.idf = {
            feature: math.log((count + 1) / (frequency + 1)) + 1.0
            for feature, frequency in document_frequency.items()
        }
        # A word no document has gets the highest weight: foreign words pull the score down.
        self.unknown_idf = math.log(count + 1) + 1.0
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for index, features in enumerate(documents):
            counts: dict[str, int] = defaultdict(int)
            for feature in features:
                counts[feature] += 1
            vector = _normalize(
                {
                    feature: (1.0 + math.log(number) if sublinear_tf else 1.0) * self.idf[feature]
                    for feature, number in counts.items()
                }
            )
            for feature, weight in vector.items():
                self.postings[feature].append((index, weight))

    def similarities(self, features: Iterable[str], penalties: Iterable[str]) -> dict[int, float]:
        """Cosine of the query with every document sharing a feature; penalties are query
        features known to be foreign, counted in the query's norm at the unknown weight."""
        query = {feature: self.idf.get(feature, 0.0) for feature in features}
        query.update({feature: self.unknown_idf for feature in penalties})
        scores: dict[int, float] = defaultdict(float)
        for feature, weight in _normalize(query).items():
            for index, document_weight in self.postings.get(feature, ()):
                scores[index] += weight * document_weight
        return scores


@dataclass(frozen=True)
class _QueryFeatures:
    """A question turned into the features each index looks at."""

    words: list[str]
    foreign_words: list[str]
    grams: list[str]
    foreign_grams: list[str]


class _SoftmaxRanker:
    """Multinomial logistic regression over TF-IDF word features, trained at start-up on
    the wordings: it learns which words tell entries apart ("am i" -> signs, "what is" ->
    definition), which nearest-wording cosine cannot."""

    def __init__(
        self,
        documents: Sequence[Sequence[str]],
        labels: Sequence[str],
        idf: Mapping[str, float],
        unknown_idf: float,
    ) -> None:
        """Train on documents (feature lists) labelled with their owners."""
        self.classes = sorted(set(labels))
        self._column = {feature: index for index, feature in enumerate(sorted(idf))}
        self._idf = np.array([idf[feature] for feature in sorted(idf)])
        self._unknown_idf = unknown_idf
        # Sparse rows (a wording has a handful of features): (row, column, tf-idf weight).
        kept = [
            (features, label)
            for features, label in zip(documents, labels, strict=True)
            if features
        ]
        row_ids: list[int] = []
        column_ids: list[int] = []
        for row, (features, _) in enumerate(kept):
            row_columns = sorted({self._column[feature] for feature in features})
            row_ids.extend([row] * len(row_columns))
            column_ids.extend(row_columns)
        rows = np.array(row_ids)
        columns = np.array(column_ids)
        values = self._idf[columns]
        norms = np.sqrt(np.bincount(rows, weights=values**2))
        values = values / norms[rows]
        row_starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        class_index = np.array([self.classes.index(label) for _, label in kept])
        targets = np.eye(len(self.classes))[class_index]
        # Off-topic examples outnumber each entry's wordings; unbalanced, that prior alone
        # pushed long rambling questions into the off-topic class (measured: see docs).
        counts = np.bincount(class_index, minlength=len(self.classes))
        balance = len(kept) / (len(self.classes) * counts[class_index])
        sample_weight = (balance**BALANCE_POWER)[:, None]
        self._weights = np.zeros((len(self._column), len(self.classes)))
        self._bias = np.zeros(len(self.classes))
        # Plain full-batch gradient descent on sparse rows: deterministic, a few ms here.
        for _ in range(TRAIN_STEPS):
            logits = np.add.reduceat(values[:, None] * self._weights[columns], row_starts)
            error = (self._softmax(logits + self._bias) - targets) * sample_weight
            gradient = np.zeros_like(self._weights)
            np.add.at(gradient, columns, values[:, None] * error[rows])
            self._weights -= TRAIN_RATE * (gradient / len(kept) + TRAIN_L2 * self._weights)
            self._bias -= TRAIN_RATE * error.mean(axis=0)

    @staticmethod
    def _softmax(logits: np.ndarray) -> np.ndarray:
        """Row-wise softmax, shifted for numerical safety."""
        shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
        return shifted / shifted.sum(axis=-1, keepdims=True)

    def probabilities(self, features: Iterable[str], foreign: Iterable[str]) -> dict[str, float]:
        """Probability per owner for a question's features; foreign words shrink the vector
        (as in the cosine) so that mostly-foreign questions spread their probability."""
        columns = [self._column[feature] for feature in set(features) if feature in self._column]
        weights = self._idf[columns]
        norm = math.sqrt(float(weights @ weights) + len(set(foreign)) * self._unknown_idf**2)
        if norm == 0.0:
            return {}
        logits = (weights / norm) @ self._weights[columns] + self._bias
        return dict(zip(self.classes, self._softmax(logits).tolist(), strict=True))


class FaqMatcher:
    """Ranks FAQ entries for a question; build once at start-up, then call match() per question."""

    def __init__(
        self,
        entry_ids: Sequence[str],
        wordings: Sequence[tuple[str, str]],
        known_texts: Iterable[str] = (),
    ) -> None:
        """Index (entry id or OFF_TOPIC, wording) pairs; known_texts only widen the
        vocabulary that typo repair leaves alone. Prefer from_entries()."""
        self.entry_ids = tuple(entry_ids)
        self._owner = [owner for owner, _ in wordings]
        surface = [content_words(text) for _, text in wordings]
        frequency: dict[str, int] = defaultdict(int)
        for words in surface:
            for word in words:
                frequency[word] += 1
        # The parts of folded compounds ("esteem" in "self esteem") are repair targets too, so
        # "self esteme" is repaired and then folded.
        for _, text in wordings:
            for word in _TOKEN.findall(text.lower()):
                if word not in frequency and word not in STOPWORDS:
                    frequency[word] += 1
        # Typo repair targets: words of the wordings, commonest first, bucketed by first letter.
        self._repair_targets: dict[str, list[str]] = defaultdict(list)
        for word in sorted(frequency, key=lambda word: (-frequency[word], word)):
            if word.isalpha() and len(word) >= 5:
                self._repair_targets[word[0]].append(word)
        known = {word for text in known_texts for word in content_words(text)}
        self._vocabulary = frozenset(frequency) | frozenset(_SYNONYMS) | known

        canonical = [[canonical_word(word) for word in words] for words in surface]
        self._known_features = frozenset(word for words in canonical for word in words)
        self._wording_words = _InvertedIndex([word_features(words) for words in canonical])
        self._wording_grams = _InvertedIndex([char_grams(words) for words in canonical])
        # All wordings of one entry together: an entry that says "no" in ten ways outweighs
        # one that happens to share a rare word with a single wording.
        merged: dict[str, list[str]] = defaultdict(list)
        for owner, words in zip(self._owner, canonical, strict=True):
            merged[owner].extend(word_features(words))
        self._merged_owner = list(merged)
        self._entry_words = _InvertedIndex(list(merged.values()), sublinear_tf=True)
        self._topical_by_entry = self._topical_words(canonical, merged)
        self._other_field_words = self._other_field(canonical, known)
        self._ranker = _SoftmaxRanker(
            [word_features(words) for words in canonical],
            self._owner,
            self._wording_words.idf,
            self._wording_words.unknown_idf,
        )
        self._repair = lru_cache(maxsize=4096)(self._repair_uncached)

    def _topical_words(
        self, canonical: Sequence[Sequence[str]], merged: Mapping[str, Sequence[str]]
    ) -> dict[str, frozenset[str]]:
        """Per entry, the words that mark a question as ours: not question words, and clearly
        more frequent in FAQ wordings than in off-topic examples ("partner" is, "grow" and
        "cause" are not)."""
        in_faq: dict[str, int] = defaultdict(int)
        in_off_topic: dict[str, int] = defaultdict(int)
        faq_count = off_topic_count = 0
        for owner, words in zip(self._owner, canonical, strict=True):
            if owner == OFF_TOPIC:
                off_topic_count += 1
                counter = in_off_topic
            else:
                faq_count += 1
                counter = in_faq
            for word in set(words):
                counter[word] += 1

        def topical(word: str) -> bool:
            """Rate among FAQ wordings at least TOPICAL_RATIO times the off-topic rate."""
            faq_rate = in_faq[word] / max(faq_count, 1)
            off_topic_rate = in_off_topic.get(word, 0) / max(off_topic_count, 1)
            return word not in LIGHT_WORDS and faq_rate >= TOPICAL_RATIO * off_topic_rate

        return {
            owner: frozenset(word for word in set(features) if topical(word))
            for owner, features in merged.items()
            if owner != OFF_TOPIC
        }

    def _other_field(
        self, canonical: Sequence[Sequence[str]], known: Iterable[str]
    ) -> frozenset[str]:
        """Words of several off-topic examples that no FAQ wording or answer uses: they name
        another field (a language, code, economics)."""
        in_faq = {canonical_word(word) for word in known}
        examples: dict[str, int] = defaultdict(int)
        for owner, words in zip(self._owner, canonical, strict=True):
            if owner != OFF_TOPIC:
                in_faq.update(words)
                continue
            for word in set(words):
                examples[word] += 1
        return frozenset(
            word
            for word, count in examples.items()
            if count >= OTHER_FIELD_MIN_EXAMPLES and word not in in_faq
        )

    @classmethod
    def from_entries(
        cls, entries: Iterable[FaqEntryLike], off_topic: Iterable[str] = ()
    ) -> FaqMatcher:
        """Build a matcher from FAQ entries (canonical question and variants) and off-topic
        example questions (which Tandem must not answer)."""
        entry_list = list(entries)
        wordings = [
            (entry.id, text) for entry in entry_list for text in (entry.question, *entry.variants)
        ]
        wordings += [(OFF_TOPIC, text) for text in off_topic]
        return cls(
            [entry.id for entry in entry_list],
            wordings,
            known_texts=[entry.answer for entry in entry_list],
        )

    def _repair_uncached(self, word: str) -> tuple[str, ...]:
        """Return the FAQ word(s) a word the FAQ never uses was probably meant to be."""
        if word in self._vocabulary or len(word) < 5 or not word.isalpha():
            return (word,)
        # Short real words sit one edit away from other real words ("rain"/"gain"), and
        # people rarely mistype the first letter: only longer words, same first letter.
        allowed = 1 if len(word) < 8 else 2
        found = process.extractOne(
            word,
            self._repair_targets.get(word[0], ()),
            scorer=OSA.distance,
            score_cutoff=allowed,
        )
        if found is not None:
            return (found[0],)
        # Two words run together: "selfworth", "boundariesplease".
        for cut in range(3, len(word) - 2):
            head, tail = word[:cut], word[cut:]
            if head in self._vocabulary and tail in self._vocabulary:
                return (head, tail)
        return (word,)

    def _query_features(self, question: str) -> _QueryFeatures:
        """Repair, fold and split a question into known features and foreign ones."""
        repaired = [part for word in content_words(question) for part in self._repair(word)]
        # Repair can complete a compound ("mental helth" -> "mental health"): fold again.
        canonical = [canonical_word(word) for word in content_words(" ".join(repaired))]
        known = [word for word in canonical if word in self._known_features]
        foreign = [word for word in canonical if word not in self._known_features]
        return _QueryFeatures(
            words=word_features(canonical),
            foreign_words=foreign,
            grams=char_grams(known),
            # Character n-grams forgive spelling; they must not let a foreign word ("rain")
            # look familiar through shared fragments, so its grams only count against.
            foreign_grams=[f"!{gram}" for gram in char_grams(foreign)],
        )

    def _scores(self, question: str) -> tuple[dict[str, float], set[str]]:
        """Blended score per entry (and the off-topic class), and the question's canonical
        words."""
        query = self._query_features(question)
        if not query.words:
            return {}, set()
        word_scores: dict[str, float] = defaultdict(float)
        gram_scores: dict[str, float] = defaultdict(float)
        for index, score in self._wording_words.similarities(
            query.words, query.foreign_words
        ).items():
            owner = self._owner[index]
            word_scores[owner] = max(word_scores[owner], score)
        for index, score in self._wording_grams.similarities(
            query.grams, query.foreign_grams
        ).items():
            owner = self._owner[index]
            gram_scores[owner] = max(gram_scores[owner], score)
        entry_scores = {
            self._merged_owner[index]: score
            for index, score in self._entry_words.similarities(
                query.words, query.foreign_words
            ).items()
        }
        probabilities = self._ranker.probabilities(query.words, query.foreign_words)
        blended = {
            owner: (1.0 - PROB_WEIGHT)
            * (
                WORDING_WORD_WEIGHT * word_scores.get(owner, 0.0)
                + WORDING_CHAR_WEIGHT * gram_scores.get(owner, 0.0)
                + ENTRY_WORD_WEIGHT * entry_scores.get(owner, 0.0)
            )
            + PROB_WEIGHT * probabilities.get(owner, 0.0)
            for owner in set(word_scores) | set(gram_scores) | set(entry_scores)
        }
        return blended, set(query.words)

    def rank(self, question: str) -> list[tuple[str, float]]:
        """Every entry that shares anything with the question, best first, with its score."""
        scores, _ = self._scores(question)
        return sorted(
            ((owner, score) for owner, score in scores.items() if owner != OFF_TOPIC),
            key=lambda item: (-item[1], item[0]),
        )

    def match(self, question: str) -> MatchResult:
        """Best entry, score, up to three alternatives and a confidence band for a question.

        When confidence is low, best_id is None and alternatives are the closest entries
        (for logging and statistics only: never answer with them)."""
        scores, words = self._scores(question)
        off_topic_score = scores.pop(OFF_TOPIC, 0.0)
        ranked = sorted(
            ((owner, round(score, 4)) for owner, score in scores.items()),
            key=lambda item: (-item[1], item[0]),
        )
        if not ranked:
            return MatchResult(best_id=None, score=0.0, alternatives=[], confidence="low")
        best_id, best_score = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        topical = words & self._topical_by_entry.get(best_id, frozenset())
        worded_like_ours = (
            best_score >= HIGH_SCORE and off_topic_score <= UNTOPICAL_OFF_TOPIC_FACTOR * best_score
        )
        other_field = bool(words & self._other_field_words)
        plausible = (
            best_score >= MIDDLE_SCORE
            and best_score > OFF_TOPIC_FACTOR * off_topic_score
            and (bool(topical) or worded_like_ours or not REQUIRE_TOPICAL_WORD)
            and (not other_field or len(topical) >= OTHER_FIELD_TOPICAL_WORDS)
        )
        if not plausible:
            return MatchResult(
                best_id=None,
                score=best_score,
                alternatives=ranked[:MAX_ALTERNATIVES],
                confidence="low",
            )
        confident = best_score >= HIGH_SCORE and best_score - runner_up >= HIGH_MARGIN
        return MatchResult(
            best_id=best_id,
            score=best_score,
            alternatives=ranked[1 : 1 + MAX_ALTERNATIVES],
            confidence="high" if confident else "middle",
        )
