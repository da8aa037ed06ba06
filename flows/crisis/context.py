"""Context around a phrase match: negation, a past and resolved experience, someone else in
danger, jokes and hyperbole, films and books. All read from the normalised text."""

from __future__ import annotations

import re

# A negation right before the match, in the same clause: "i am not suicidal", "i would never
# hurt myself", "no thoughts of selfharm". Words after the cue that turn it into something
# else ("can not stop thinking about", "not going to lie") keep the match.
_NEGATED_BEFORE = re.compile(
    r"(?:\b(?:no one|nobody) (?:is |was |has |ever |has ever )?$|(?<!say )(?<!said )"
    r"(?<!saying )(?<!says )(?<!tell )(?<!told )(?<!if i do )(?<!if i )(?<!unless i )"
    r"\b(?:not|never|no|nope|nah|nothing like)\b"
    r"(?! (?:stop|lie|joking|kidding|a joke|longer|cap|sure|only|just|know|help|sleep|eat|"
    r"going to lie|gonna lie|telling|"
    r"say|tell|said|told|"
    r"anymore|one|body|more|point|reason|way|future|fight|light)\b)"
    r"(?: (?!but\b|and\b|so\b)[\w']+){0,4} ?$)"
)
# A clause that disowns the danger outright: "i am safe", "he has never hurt me".
_DISOWNED = re.compile(
    r"\b(?:i am (?:totally |completely |perfectly )?(?:safe|not in (?:any )?danger|not at risk|"
    r"ok|okay|fine)|not (?:in (?:any )?danger|at risk|unsafe)|never (?:laid a finger|been "
    r"violent|hurt me|would hurt me)|(?:nobody|no one) (?:is )?(?:forcing|threatening|touched|"
    r"hurting))\b"
)

# Past and resolved: a time long gone, and nothing saying it is happening now.
_PAST_MARK = re.compile(
    r"\b(?:years? ago|(?:a few |some )?months ago|a long time ago|long ago|decade|"
    r"when i was (?:a |in |at |younger|little|young|small|\d+|fourteen|fifteen|sixteen|"
    r"(?:a )?(?:kid|child|teen|teenager|student))|at (?:1[0-9]|20)\b|as a (?:kid|child|teen|"
    r"teenager)|growing up|(?:in|at) (?:high|secondary|primary) school|back (?:then|in|home)|"
    r"in my (?:teens|twenties|thirties|early|last relationship)|used to|in the past|"
    r"in (?:19|20)\d\d|that was (?:19|20)\d\d|(?:my )?first (?:husband|wife|girlfriend|"
    r"boyfriend)|looking back|"
    r"a phase|once ,|once a long|i remember when|my ex husband|my ex wife|"
    r"when my (?:son|daughter) was born|i attempted when|years back|a few years back|"
    r"went through a (?:\w+ ){0,2}(?:patch|phase|period|spell|time)|"
    r"through my (?:teens|twenties|childhood)|as a teen|free of it)\b"
)
_CURRENT = re.compile(
    r"\b(?:again(?! (?:since|after))|right now|tonight|last night|this week|yesterday|"
    r"at the moment|currently|lately|every night|started again|relapsed|i still want|"
    r"still (?:happening|does|do|comes|tries|try|lives|hits|hurts|is|wants)|coming to stay|"
    r"can not breathe|still can not (?:sleep|eat|stop|breathe|function|go out|leave)|"
    r"doing it again|is outside|a week ago|last month|"
    r"three days ago|days ago|i am still with)\b"
)
_PAST_TOPIC = re.compile(
    r"\b(?:abusive|abused|abuse|violent|controlling|hit|hitting|beat|drank|fought|scary|"
    r"breakdown|eating disorder|attempted|attempt|depression|dark|bullied|groomed|assaulted|"
    r"raped|selfharm|cut|starve|hurt|threaten|lock|lonely|suicide|jumping|pushed|shouting|"
    r"check my phone|bank card|scary thoughts|deserved to be hurt)\w*\b"
)

# Someone else is the one in danger: a perspective shift maps third person to first so that
# the same phrase families read "she wants to die" as well as "i want to die".
_SHIFT_WORDS = {
    "he": "i", "she": "i", "they": "i", "him": "me", "them": "me",
    "himself": "myself", "herself": "myself", "themselves": "myself", "themself": "myself",
    "his": "my", "their": "my", "is": "am", "has": "have", "wants": "want", "keeps": "keep",
    "does": "do", "says": "say", "feels": "feel", "thinks": "think", "plans": "plan",
    "hates": "hate", "cuts": "cut", "burns": "burn", "starves": "starve", "tries": "try",
}
_HER_AS_MY = frozenset(
    [
        "life", "own", "wrist", "wrists", "arm", "arms", "legs", "leg", "thighs", "body", "pills",
        "meds", "tablets", "skin", "things", "stuff", "suicide", "diary", "note", "phone", "story",
    ]
)
_OTHER_PEOPLE = (
    r"(?:(?:my|our|a|his|her|their) (?:best |little |big |older |younger |\d+ year old )?"
    r"(?:friend|mate|sister|brother|son|daughter|mom|dad|father|mother|wife|husband|girlfriend|"
    r"boyfriend|partner|roommate|flatmate|housemate|twin|cousin|student|colleague|coworker|"
    r"co worker|grandfather|grandmother|ex|neighbour|neighbor|kid|child|teen|uncle|aunt|niece|"
    r"nephew|grandson|granddaughter|stepson|stepdaughter|babysitter|"
    r"classmate|girl|guy|boy|bestie)|somebody|someone|a girl|a guy|a friend|a (?:man|woman|boy|"
    r"kid|child|lady|teenager))"
)
_OTHER_SUBJECT = re.compile(rf"\b{_OTHER_PEOPLE}(?:'s \w+)?\b")
_REPORTED = re.compile(
    rf"\b(?:{_OTHER_PEOPLE}|he|she|they)(?: [\w']+){{0,3}} (?:says|said|told me|texted|posted|"
    r"keeps saying|wrote|messaged|sent|saying|is saying|has been saying|been talking about|"
    r"searched|keeps talking about|talks about|mentioned)(?: me| to me| that| on \w+ \w+)?"
    r"(?: \.)?(?: [\w']+){0,3} ?$"
)

_JOKE = re.compile(
    r"\b(?:lol|lmao|lmfao|rofl|haha\w*|hehe|jk|just kidding|joking|kidding|wrong (?:group )?"
    r"chat|wrong person|wrong convo|send flowers)\b"
)
_SERIOUS = re.compile(
    r"\b(?:not joking|not kidding|no joke|not a joke|i mean it|for real|but actually|"
    r"actually yeah|no actually|seriously|fr|no cap|not being dramatic|i am serious|"
    r"and i mean|real one|really want)\b"
)
_HYPERBOLE = re.compile(
    r"\b(?:kill myself|want to die|kms|die|dying|dead|killing me|kill me)\b"
    r"(?: \w+){0,4} (?:this|that|the|my|another) (?:exam|meeting|class|lecture|homework|song|"
    r"traffic|queue|commute|shift|presentation|baby shower|party|test|essay|assignment|"
    r"wedding|cheesecake|recipe|hill)\b"
    r"|\b(?:exam|meeting|homework|class|lecture|monday|mondays|traffic|song|queue|commute|"
    r"shift|presentation|cringe|embarrassing|wedding speech|search history)\b(?: \w+){0,6} "
    r"(?:make|makes|made|making) me want to (?:die|kill myself|crawl)"
    r"|\b(?:die|dying) (?:of|from) (?:embarrassment|laughter|laughing|cringe|boredom|shame)\b"
    r"|\b(?:crawl under|into a hole) (?:the table |a rock )?and die\b"
    r"|\b(?:going to|will|could|gonna|might) (?:kill|murder|strangle|throttle) (?:my (?:brother|"
    r"sister|flatmate|roommate|housemate|boss|mom|dad|husband|wife|boyfriend|girlfriend|kids?|"
    r"son|daughter|cat|dog|teacher)|him|her|them)\b(?! (?:if (?:i|he|she) (?:leave|leaves|"
    r"tell|tells)))"
    r"|\b(?:i will|i would) (?:jump off|throw myself|kill myself|die)\b.{0,40}\bif\b"
    r"(?=.*\b(?:haha\w*|lol|lmao|jk)\b)"
    r"|\b(?:literally|would) die for\b|\bwalk into the sea\b(?= .*\banyway\b)"
    r"|\bnice knowing you\b|\bgoing to kill me\b"
    r"|\bif i(?: \w+){0,4} (?:late|eat|ate|forget|forgot|break|broke|miss|lose|spill|dent|"
    r"dented|drop|finish|finished)\b.{0,40}\b(?:kill|murder) (?:me|him|her)\b"
    r"|\b(?:kill|murder) (?:him|her|them) if (?:he|she|they)(?: \w+){0,3} (?:eat|eats|ate|"
    r"touches|forgets|finishes)\b"
)
_MEDIA = re.compile(
    r"\b(?:films?|movies?|novel|documentary|podcast|episode|netflix|sitcom|tv show|tv series|"
    r"season \d+|chapter|lyrics|album|memoir|book club|dissertation|essay|thesis|lecture|"
    r"article|news (?:story|report)|on the news|in the news|hamlet|romeo|bell jar|reasons why|"
    r"first aid|workshop|tiktok trend|drama group|our play|a play about|a song about)\b"
    r"|\b(?:watching|watched|reading|read|finished|listening to|studying|writing) (?:a |the |"
    r"this |that |my |an |about )?(?:\w+ ){0,2}(?:book|show|series|play|song|story|film|movie|"
    r"novel|character|scene)\b"
    r"|\b(?:the|a|this|that) (?:book|show|series|play|song|story|character|scene|villain|"
    r"novel)\b(?= .*\b(?:ends|end|where|about|in which|character|author|shows)\b)"
    r"|\bin the (?:book|show|series|play|song|story|game|video|film|movie)\b"
    r"|\b(?:i am |just |started |finished |been )?reading(?: \.)? (?:a|the|this|that)\b"
    r"|\bwe read\b|\bin class\b|\bgood discussion\b"
)
_FIRST_PERSON_NOW = re.compile(
    r"\b(?:i (?:want to|am going to|will|feel like|have (?:the|a plan|pills|been)|am (?:so |"
    r"really )?(?:suicidal|going|scared|not safe))|tonight|right now|i need help)\b"
)


def is_negated(normalized: str, start: int) -> bool:
    """True when a negation cue governs the match starting at `start` (same clause)."""
    before = normalized[:start].rsplit(" . ", 1)[-1]
    return bool(_NEGATED_BEFORE.search(before))


def disowns_danger(normalized: str) -> bool:
    """True when the message says outright that the person is safe or nobody hurts them."""
    return bool(_DISOWNED.search(normalized))


def is_past(normalized: str) -> bool:
    """True for a past experience with nothing saying it is happening now."""
    return bool(_PAST_MARK.search(normalized)) and not _CURRENT.search(normalized)


def is_past_experience(normalized: str) -> bool:
    """True for a past, resolved telling of something heavy, even without a phrase match."""
    return is_past(normalized) and bool(_PAST_TOPIC.search(normalized))


def shift_to_first_person(normalized: str) -> str:
    """Third person made first ("my friend says she wants to die" -> "... i want to die")."""
    text = _OTHER_SUBJECT.sub("i", normalized)
    words = text.split()
    for index, word in enumerate(words):
        if word == "her":
            following = words[index + 1] if index + 1 < len(words) else ""
            words[index] = "my" if following in _HER_AS_MY else "me"
        elif (shifted := _SHIFT_WORDS.get(word)) is not None:
            words[index] = shifted
    return " ".join(words)


def is_reported(normalized: str, start: int) -> bool:
    """True when the match is something another person said ("my friend said ...")."""
    return bool(_REPORTED.search(normalized[max(0, start - 160) : start]))


def is_hyperbole(normalized: str) -> bool:
    """True for a figure of speech that overrides even plan or place words ("walk into the
    sea, anyway"), unless the message says it is meant."""
    return bool(_HYPERBOLE.search(normalized)) and not _SERIOUS.search(normalized)


def is_joke(normalized: str) -> bool:
    """True for a joke or hyperbole marker with nothing saying it is meant seriously."""
    if _SERIOUS.search(normalized):
        return False
    return bool(_JOKE.search(normalized) or _HYPERBOLE.search(normalized))


def is_about_media(normalized: str) -> bool:
    """True when the message talks about a film, book, essay or the news, not about now."""
    return bool(_MEDIA.search(normalized)) and not _FIRST_PERSON_NOW.search(normalized)


_SUBJECT = re.compile(rf"\b(?:i|me|he|she|they|her|him|them|{_OTHER_PEOPLE})\b")
# The writer as the one harmed: "me", "myself", "my arm" (but "my sister" is someone else).
_FIRST_PERSON = re.compile(
    r"\b(?:me|us|myself|i|we|our|mine)\b|\bmy (?!(?:best |little |big |older |younger )?"
    r"(?:mom|mother|dad|father|sister|brother|son|daughter|kids|children|friend|wife|husband|"
    r"girlfriend|boyfriend|partner|cousin|flatmate|roommate|neighbour|neighbor|baby|twin|"
    r"grandfather|grandmother|student|mate|ex|colleague)\b)"
)
# Someone else as the one harmed, named after the verb: "hits her", "abusing him".
_OTHER_OBJECT = re.compile(
    rf"\b(?:her|him|them|herself|himself|themselves|his life|their life)\b|{_OTHER_PEOPLE}"
)
_OTHER_TOPIC = re.compile(
    rf"\b(?:he|she|her|him|his|herself|himself)\b|{_OTHER_PEOPLE}"
    r"|\b(?:friend|mate|mom|dad|sister|brother|son|daughter|wife|husband|girlfriend|boyfriend|"
    r"partner|housemate|flatmate|roommate|neighbour|niece|nephew|cousin|grandfather|"
    r"grandmother)(?:'s)?\b"
)
# "i think", "i can hear", "i saw": the writer as a witness, not as the one harmed.
_WITNESS = re.compile(
    r"\bi (?:think|can hear|hear|heard|saw|see|found|noticed|know|am worried|worry|just walked|"
    r"am scared for|just saw|am on the phone)\b|\b(?:told|texted|messaged|asked|showed|sent|"
    r"rang|called) me\b|\bwith me\b|\bwhat (?:do|should|can) i do\b|\bshould i\b"
    r"|\bjust saw\b|\bwith (?:her|him) in\b"
)
_PASSIVE = re.compile(r"\b(?:was|were|being|been|got|is|are|am|get|gets)(?: \w+)? $")


def _nearest_subject_is_other(normalized: str, start: int) -> bool:
    """Whether the last subject named before `start` (this clause or the two before, when
    this one names nobody) is someone else."""
    clauses = normalized[:start].split(" . ")
    for clause in reversed(clauses[-3:]):
        subjects = _SUBJECT.findall(clause)
        if subjects:
            return bool(subjects[-1] not in ("i", "me"))
    return False


def about_someone_else(normalized: str, start: int, end: int, *, harm_by_other: bool) -> bool:
    """True when the person in danger in the match at start:end is not the writer.

    For self-directed kinds (suicide, self-harm, distress) the subject decides: "my son is
    cutting", "she wants to die". For harm done by someone (violence, sexual violence) the
    one harmed decides: "he hit me" is the writer, "he hits her" someone else, and in the
    passive ("a girl at my uni was assaulted") the subject again.
    """
    # Two words past the match: phrases that look ahead ("assaulted" before "her") end early.
    following = []
    for word in normalized[end:].split(" . ", 1)[0].split()[:2]:
        if word in ("and", "but", "so", "because", "then", "when", "while"):
            break
        following.append(word)
    span = " ".join([normalized[start:end], *following])
    if _FIRST_PERSON.search(span):
        return False
    if is_reported(normalized, start):
        return True
    if not harm_by_other:
        return _nearest_subject_is_other(normalized, start) or bool(
            re.search(r"\b(?:herself|himself|themselves|his|their)\b", span)
        )
    if _OTHER_OBJECT.search(span.split(" ", 1)[-1]):
        return True
    if _PASSIVE.search(normalized[max(0, start - 20) : start]):
        return _nearest_subject_is_other(normalized, start)
    clause_start = normalized.rfind(" . ", 0, start)
    clause_end = normalized.find(" . ", end)
    clause = normalized[clause_start + 1 : clause_end if clause_end >= 0 else len(normalized)]
    if _FIRST_PERSON.search(_WITNESS.sub(" ", clause)):
        return False
    return _nearest_subject_is_other(normalized, start)


def mostly_about_someone_else(normalized: str) -> bool:
    """True when a whole message speaks of someone else and not of the writer's own harm."""
    witnessless = _WITNESS.sub(" ", normalized)
    return not _FIRST_PERSON.search(witnessless) and bool(_OTHER_TOPIC.search(normalized))


# Words of danger or distress. The model raises a check-in only for a message with at least
# one of them: without, "my sister asked again and i said no" reads too much like the fear
# messages it learned from.
_CONCERN = re.compile(
    r"\b(?:die|dying|dead|death|kill\w*|suicid\w*|unaliv\w*|selfharm\w*|end|ending|over|"
    r"gone|goodbye|bye|letters?|notes?|funeral|pills?|tablets?|meds|overdos\w*|rope|knife|"
    r"knives|gun|bridge|roof|jump\w*|train|tracks|cliff|sea|river|cut\w*|blade|razor|burn\w*|"
    r"scratch\w*|bleed\w*|bled|blood|scars?|marks?|bruis\w*|hurt\w*|harm\w*|pain\w*|"
    r"starv\w*|eat\w*|ate|sick|throw\w*|threw|hit\w*|punch\w*|slap\w*|kick\w*|push\w*|"
    r"shov\w*|grab\w*|chok\w*|strangl\w*|smash\w*|broke|break\w*|lock\w*|trapped|"
    r"allowed|track\w*|follow\w*|scared|afraid|terrif\w*|fear\w*|frighten\w*|scary|angry|"
    r"anger|temper|rage|furious|shout\w*|scream\w*|yell\w*|explod\w*|lose it|mental|"
    r"punish\w*|safe|unsafe|danger\w*|threat\w*|forc\w*|rap\w*|assault\w*|abus\w*|"
    r"touch\w*|sex\w*|drunk|asleep|consent|naked|nudes|photos?|pics?|tired|exhausted|"
    r"hopeless|worthless|pointless|useless|point|numb|empty|hollow|give up|gave up|done|"
    r"anymore|can not|trapped|escape|disappear\w*|vanish\w*|burden|alone|nobody|no one|"
    r"better off|sorry|ready|decided|plan\w*|tonight|forever|wake|sleep|stop|enough|"
    r"drowning|breaking|falling apart|fight|hope|future|exist\w*|alive|living|life|ghost|"
    r"miss me|care|permanent\w*|relaps\w*|clean|urges?|s word|thoughts|worse|relief)\b"
)


def shows_concern(normalized: str) -> bool:
    """True when a message has at least one word of danger or distress."""
    return bool(_CONCERN.search(normalized))
