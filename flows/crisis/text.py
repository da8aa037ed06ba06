"""Normalisation for the crisis detector: one spelling for the many ways people type a word.

Case, typographic quotes, leetspeak ("k1ll", "5uicide", "k!ll"), letters spaced or dotted out
("s u i c i d e"), chat shorthand ("kms", "unalive", "sewer slide", "sh", "ctb"), dropped
apostrophes and misspellings of the rare words that matter (fuzzy matching against a small
lexicon, rapidfuzz) all become the forms the phrase rules are written against. Punctuation that
ends a clause becomes " . " so rules do not match across sentences.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz.distance import OSA

# Typographic apostrophes become "'"; hyphens, underscores and slashes join words
# ("self-harm", "un_alive") and become spaces. Laughing emoji are a joke marker, kept as a word.
_FOLD = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201b\u02bc\u0060\u00b4\u2032", "'"),
        **dict.fromkeys("-_\u2010\u2011\u2012\u2013\u2014\u2015~", " "),
        **dict.fromkeys("\u200b\u200c\u200d\ufe0f", ""),
        **dict.fromkeys("\U0001f602\U0001f923\U0001f606\U0001f639\U0001f480\U0001f62d", " lol "),
    }
)
# "s/h", "s.h", "sh" for self-harm must be caught before slashes and dots become clause breaks.
_SELF_HARM_SHORT = re.compile(r"(?<![a-z0-9])s ?[/.\\ ] ?h(?![a-z0-9])")
# Letters spaced or dotted out: "s u i c i d e", "k.i.l.l". Joined only when the result is a
# word of the lexicon, so "u r a star" stays as it is.
_SPACED = re.compile(r"(?<![a-z0-9])(?:[a-z0-9@$!][ .*]){2,}[a-z0-9@$!](?![a-z0-9])")
# A run of letters, digits and leet symbols: where leet is decoded.
_TOKENISH = re.compile(r"[a-z0-9@$!|*]*[a-z][a-z0-9@$!|*]*")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a",
                       "$": "s", "!": "i", "|": "l", "*": ""})
_LEET_KEEP_STAR = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t",
                                 "@": "a", "$": "s", "!": "i", "|": "l"})
# Anything else that is not a letter, digit, apostrophe or space ends a clause.
_CLAUSE_BREAK = re.compile(r"[^a-z0-9' ]+")
# "sooooo", "killll": three or more of the same letter become two.
_REPEATS = re.compile(r"([a-z])\1{2,}")

# Single words as people type them -> the forms the rules are written against.
WORD_FORMS: dict[str, str] = {
    "im": "i am", "i'm": "i am", "ima": "i am going to", "i'ma": "i am going to",
    "imma": "i am going to", "ive": "i have", "i've": "i have", "i'd": "i would",
    "i'll": "i will",
    "he's": "he is", "hes": "he is", "she's": "she is", "shes": "she is",
    "they're": "they are", "theyre": "they are", "he'll": "he will", "she'll": "she will",
    "they'll": "they will", "theyll": "they will", "he'd": "he would", "she'd": "she would",
    "they'd": "they would", "it's": "it is", "what's": "what is",
    "whats": "what is", "that's": "that is", "thats": "that is", "there's": "there is",
    "theres": "there is", "dont": "do not", "don't": "do not", "doesnt": "does not",
    "doesn't": "does not", "didnt": "did not", "didn't": "did not", "cant": "can not",
    "can't": "can not", "cannot": "can not", "cnt": "can not", "wont": "will not",
    "won't": "will not", "wouldnt": "would not", "wouldn't": "would not", "isnt": "is not",
    "isn't": "is not", "wasnt": "was not", "wasn't": "was not", "arent": "are not",
    "aren't": "are not", "havent": "have not", "haven't": "have not", "hasnt": "has not",
    "hasn't": "has not", "shouldnt": "should not", "shouldn't": "should not",
    "couldnt": "could not", "couldn't": "could not", "aint": "am not", "ain't": "am not",
    "wanna": "want to", "wana": "want to", "wnat": "want", "wnt": "want", "wan": "want",
    "wanted2": "wanted to", "want2": "want to", "gonna": "going to", "gona": "going to",
    "gunna": "going to", "finna": "going to", "gotta": "got to", "tryna": "trying to",
    "cuz": "because", "coz": "because", "cos": "because", "bc": "because", "b/c": "because",
    "u": "you", "ur": "your", "youre": "you are", "you're": "you are", "n": "and",
    "r": "are", "y": "why", "pls": "please", "plz": "please", "ppl": "people",
    "every1": "everyone", "evry": "every", "evryone": "everyone", "some1": "someone",
    "sum1": "someone", "no1": "no one", "noone": "no one", "nobdy": "nobody",
    "anymor": "anymore", "anymoore": "anymore", "nomore": "no more", "tmrw": "tomorrow",
    "tmr": "tomorrow", "tomoz": "tomorrow", "2nite": "tonight", "tonite": "tonight",
    "2night": "tonight", "rn": "right now", "atm": "right now", "tho": "though",
    "thru": "through", "abt": "about", "bout": "about", "wat": "what", "wut": "what",
    "myslef": "myself", "mysef": "myself", "myslf": "myself", "mself": "myself",
    "meself": "myself", "mysel": "myself", "myelf": "myself",
    "kil": "kill", "kll": "kill", "kiil": "kill", "kilk": "kill", "killin": "killing",
    "kiling": "killing", "kms": "kill myself", "kmsl": "kill myself", "kmys": "kill myself",
    "dieing": "dying", "dyin": "dying", "ded": "dead",
    "unalive": "unalive", "unalived": "unalived", "unaliving": "unaliving",
    "sewerslide": "suicide", "sooicide": "suicide", "suicided": "suicide",
    "ctb": "suicide", "sui": "suicide", "suey": "suicide", "selfharm": "selfharm",
    "sh": "selfharm", "shing": "selfharming", "sh'd": "selfharmed", "shd": "selfharmed",
    "od": "overdose", "oding": "overdosing", "od'd": "overdosed", "odd'd": "overdosed",
    "od'ed": "overdosed", "oded": "overdosed",
    "cuting": "cutting", "cutt": "cut", "hurtin": "hurting", "harmin": "harming",
    "hitt": "hit", "hiting": "hitting", "scard": "scared", "scarred": "scared",
    "afriad": "afraid", "afaid": "afraid", "terrifed": "terrified",
    "bf": "boyfriend", "gf": "girlfriend", "hubby": "husband", "bff": "best friend",
    "mum": "mom", "mommy": "mom", "mama": "mom", "ma": "mom", "mam": "mom",
    "daddy": "dad", "da": "dad", "stepdad": "stepfather", "stepmom": "stepmother",
    "stepmum": "stepmother", "grandpa": "grandfather", "granddad": "grandfather",
    "grandma": "grandmother", "nan": "grandmother", "gran": "grandmother",
    "pils": "pills", "pils.": "pills", "tabs": "tablets", "meds": "meds",
    "tonigt": "tonight", "tonihgt": "tonight", "cuttin": "cutting", "agen": "again",
    "agn": "again", "wk": "week", "dnt": "do not",
}

# Two words that mean one: joined after the word table, so "kil my self" -> "kill myself".
PAIR_FORMS: dict[tuple[str, str], str] = {
    ("my", "self"): "myself", ("any", "more"): "anymore", ("any", "longer"): "anymore",
    ("un", "alive"): "unalive", ("un", "aliving"): "unaliving", ("un", "alived"): "unalived",
    ("self", "harm"): "selfharm", ("self", "harming"): "selfharming",
    ("self", "harmed"): "selfharmed", ("self", "harmer"): "selfharm",
    ("self", "injury"): "selfharm", ("self", "injuring"): "selfharming",
    ("self", "injured"): "selfharmed", ("self", "hurt"): "selfharm",
    ("self", "mutilation"): "selfharm", ("sewer", "slide"): "suicide",
    ("sewer", "sliding"): "suicide", ("sue", "side"): "suicide", ("su", "icide"): "suicide",
    ("step", "father"): "stepfather", ("step", "mother"): "stepmother",
    ("step", "dad"): "stepfather", ("step", "mom"): "stepmother", ("no", "body"): "nobody",
    ("every", "one"): "everyone", ("every", "thing"): "everything",
    ("want", "2"): "want to", ("need", "2"): "need to", ("going", "2"): "going to",
    ("wants", "2"): "wants to", ("have", "2"): "have to", ("k", "ms"): "kill myself",
    ("over", "dose"): "overdose", ("over", "dosed"): "overdosed", ("k", "ing"): "killing",
    ("kys", "myself"): "kill myself",
}

# Rare words the rules rely on, and the only ones fuzzy matching maps a typo to. Short words
# ("kill", "die", "rape") are left to WORD_FORMS: one letter off is another real word.
LEXICON: tuple[str, ...] = (
    "suicide", "suicidal", "myself", "overdose", "overdosed", "overdosing", "unalive",
    "tablets", "painkillers", "paracetamol", "antidepressants", "goodbye", "hopeless",
    "worthless", "disappear", "molested", "assaulted", "strangled", "threatened", "terrified",
    "selfharm", "selfharming", "unaliving", "sexually",
)
_LEXICON_SET = frozenset(LEXICON)
# Real words one or two edits from a lexicon word: never "corrected".
_NOT_TYPOS = frozenset(
    [
        "suited", "suites", "sided", "myselves", "bleeding", "breeding", "bridges", "bride",
        "briefly", "living", "loving", "lining", "giving", "diving", "hiving", "moving", "raving",
        "saving", "having", "leaving", "boring", "cutting", "putting", "gutting", "nothing",
        "anyone", "everyone", "everytime", "someday", "somehow", "sometime", "forced", "forged",
        "forever", "fever", "toucher", "touches", "touching", "burdens", "burned", "burden",
        "burger", "borden", "relapses", "relaxed", "relayed", "released", "replaced", "threatens",
        "treated", "treaties", "cursing", "nursing", "pursing", "killings", "billing", "filling",
        "willing", "milling", "tilling", "sleeping", "sweeping", "steeping", "sleepiness",
        "heartless", "hopeful", "helpless", "homeless", "hapless", "useless", "tireless",
        "careless", "restless", "pointed", "pointer", "appointed", "blazer", "razors", "grazer",
        "anything", "anybody", "nobodys", "herself", "himself", "itself", "yourself", "ourselves",
        "selfish", "sealing", "ceiling", "feeling", "healing", "dealing", "peeling", "reeling",
        "molester", "molasses", "assorted", "asserted", "tablet", "tables", "tablas", "abusive",
        "abusing", "amusing", "violet", "violins", "violence", "choosing", "chopping", "shocking",
        "choking", "stroking", "strangers", "strangely", "tonights", "tonight", "forests",
    ]
)


@lru_cache(maxsize=65536)
def correct_word(word: str) -> str:
    """The lexicon word a typo stands for ("sucide" -> "suicide"), else the word itself."""
    if len(word) < 5 or word in _LEXICON_SET or word in _NOT_TYPOS or not word.isalpha():
        return word
    # Longer words tolerate more slips; the first letter is rarely the one mistyped, and
    # requiring it keeps "killing" from becoming "willing"'s cousin.
    allowed = 1 if len(word) <= 6 else 2
    best, best_distance = word, allowed + 1
    for candidate in LEXICON:
        if candidate[0] != word[0] or abs(len(candidate) - len(word)) > allowed:
            continue
        distance = OSA.distance(word, candidate, score_cutoff=allowed)
        if distance < best_distance:
            best, best_distance = candidate, distance
    return best


# Small words that leetspeak hides between the ones that matter ("i w4nt t0 d!e").
_GLUE = frozenset({"to", "me", "my", "i"})
_STEMS: tuple[tuple[str, str], ...] = (
    ("sewerslid", "suicide"),
    ("suicid", "suicidal"),
    ("unalivey", "unalive"),
)
# Short words worth un-spacing ("k i l l") though too short for fuzzy matching.
_SHORT_KEYS = frozenset(
    ["kill", "die", "dead", "rape", "raped", "cut", "cuts", "hang", "noose", "pills", "hurt",
     "suicidal", "suicide"]
)


def _is_key(word: str) -> bool:
    """True for a word the rules care about, or a typo of one."""
    return (
        word in _LEXICON_SET
        or word in _SHORT_KEYS
        or word in WORD_FORMS
        or correct_word(word) != word
    )


def _unmask(token: str) -> str | None:
    """The key word a starred-out token hides ("c*t" -> "cut", "r*ped" -> "raped"), if one."""
    pattern = re.compile(
        "".join("[a-z]{1,2}" if ch == "*" else re.escape(ch) for ch in token.strip("*"))
    )
    for word in (*_SHORT_KEYS, *LEXICON):
        if pattern.fullmatch(word):
            return word
    return None


def _decode_leet(match: re.Match[str]) -> str:
    """Leetspeak inside a word ("k1ll", "5uicide", "k!ll"); plain words pass through."""
    token = match.group(0)
    if token.isalpha():
        return token
    if "*" in token.strip("*") and (unmasked := _unmask(token.translate(_LEET_KEEP_STAR))):
        return unmasked
    core = token.rstrip("!|*")
    tail = token[len(core) :]
    decoded = core.translate(_LEET)
    # One letter among digits is usually a number or a code ("b4", "3d"), unless it decodes
    # to a word that matters ("d13", "t0").
    if sum(ch.isalpha() for ch in core) < 2 and not (_is_key(decoded) or decoded in _GLUE):
        return token
    # A word that starts with a digit is usually a number ("3am", "2nd", "10pm"); decoded only
    # when it then spells a word that matters ("5uicide").
    if core[0].isdigit() and not _is_key(decoded):
        return token
    return decoded + tail


def _join_spaced(match: re.Match[str]) -> str:
    """Join spaced-out letters when they spell a lexicon word or a known shorthand."""
    joined = re.sub(r"[ .*]", "", match.group(0)).translate(_LEET)
    if _is_key(joined):
        return f" {joined} "
    return match.group(0)


def normal_words(text: str) -> list[str]:
    """The message as normalised words, with "." standing for every clause break."""
    folded = unicodedata.normalize("NFKC", text).lower().translate(_FOLD)
    folded = _SELF_HARM_SHORT.sub(" selfharm ", folded)
    folded = _SPACED.sub(_join_spaced, folded)
    folded = _TOKENISH.sub(_decode_leet, folded)
    folded = _CLAUSE_BREAK.sub(" . ", folded)
    folded = _REPEATS.sub(r"\1\1", folded)
    words: list[str] = []
    for raw in folded.split():
        # Quotes around a word ('hit me') are not part of it.
        word = raw.strip("'")
        if not word:
            continue
        if word.endswith("'s") and word[:-2] in _LEXICON_SET:
            word = word[:-2]
        elif word.endswith("'s") and " " not in WORD_FORMS.get(word[:-2], " "):
            # "mum's" -> "mom's", "bf's" -> "boyfriend's"
            word = WORD_FORMS[word[:-2]] + "'s"
        # Playful suffixes on a key word: "sewerslidey", "unalive-y", "suicidey".
        for stem, meaning in _STEMS:
            if word.startswith(stem) and len(word) > len(stem) + 1 and word not in WORD_FORMS:
                word = meaning
                break
        form = WORD_FORMS.get(word) or correct_word(word)
        if words and (joined := PAIR_FORMS.get((words[-1], form))):
            words[-1:] = joined.split()
        else:
            words.extend(form.split())
    return words


def normalize(text: str) -> str:
    """The text lower-cased, de-obfuscated, with expanded contractions and corrected typos."""
    return " ".join(normal_words(text))
