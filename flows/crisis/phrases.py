"""Phrase families: regular expressions over normalised text, grouped by what they mean.

Each family is a meaning ("wanting it all to stop", "means at hand", "locked in"), written
with word slots so that many wordings of it match, never one sentence from a table. A phrase
decides a kind and an outcome: CRISIS when the words leave no doubt, CHECK_IN when they are
high risk but could mean something milder. Context (negation, past, jokes, someone else) is
read afterwards by flows.crisis.context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flows.crisis.assessment import CrisisKind, Outcome


@dataclass(frozen=True, slots=True)
class Phrase:
    """One phrase family member, tried only when one of its `needs` words is in the message.

    `needs` keeps long ordinary messages cheap: most phrases are skipped by a set lookup
    instead of a regex scan. `unless` vetoes a match when it fits the words right after it.
    `about_other` marks phrases whose person in danger is someone else.
    """

    family: str
    kind: CrisisKind
    outcome: Outcome
    needs: frozenset[str]
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None = None
    about_other: bool = False

    def find(self, normalized: str, words: set[str]) -> re.Match[str] | None:
        """The first match not vetoed by `unless`, or None."""
        if self.needs.isdisjoint(words):
            return None
        for match in self.pattern.finditer(normalized):
            if self.unless is None:
                return match
            # The veto only looks at the rest of the same clause.
            rest = normalized[match.end() :].split(" . ", 1)[0]
            if not self.unless.match(rest):
                return match
        return None


_S, _H, _V = CrisisKind.SUICIDE, CrisisKind.SELF_HARM, CrisisKind.VIOLENCE
_SV, _F, _D = CrisisKind.SEXUAL_VIOLENCE, CrisisKind.FEAR, CrisisKind.DISTRESS
_C, _Q = Outcome.CRISIS, Outcome.CHECK_IN


def _p(
    family: str,
    kind: CrisisKind,
    outcome: Outcome,
    needs: str,
    pattern: str,
    unless: str | None = None,
    *,
    other: bool = False,
) -> Phrase:
    """Compile one phrase; `needs` is space-separated words, matched on normalised text."""
    return Phrase(
        family,
        kind,
        outcome,
        frozenset(needs.split()),
        re.compile(pattern),
        re.compile(unless) if unless else None,
        other,
    )


# Words a person may put between a subject and a verb: "he has been hitting me".
_FILLER = (
    r"(?:(?:has|have|had|been|is|was|keeps|kept|started|starts|always|just|again|sometimes|"
    r"often|still|would|will|even|actually|literally|once|almost|then|also|really|finally|"
    r"nearly|tried to|tries to|used to|would always|basically|like|did|"
    r"can|could|might|gets|got|said he|says he|said she|says she) ){0,3}"
)
_FAMILY = (
    r"(?:partner|husband|wife|boyfriend|girlfriend|fiance|fiancee|spouse|ex|ex husband|"
    r"ex wife|ex boyfriend|ex girlfriend|ex partner|dad|father|mom|mother|stepfather|stepmother|"
    r"parents|brother|sister|son|daughter|uncle|aunt|grandfather|grandmother|family|cousin|"
    r"flatmate|roommate|housemate|in laws|father in law|mother in law|landlord|boss|manager|"
    r"coach|teacher|neighbour|neighbor)"
)
_ABUSER = rf"(?:he|she|they|my {_FAMILY}(?!'))"
_ME = r"(?:me|us)"
_OTHER_VICTIM = (
    r"(?:her|him|them|(?:my|our) (?:mom|mother|kids|children|son|daughter|sister|brother|baby|"
    r"little (?:brother|sister)|friend|best friend|dog|cat)|the (?:kids|children|baby))"
)
_HARM_VERB = (
    r"(?:hit(?! (?:me|us) up\b)|(?:beat|beats|beaten)(?! (?:me|us|him|her) (?:at|in|to)\b)|"
    r"hits|hitting|punch|punched|punches|punching|slap|slapped|slaps|slapping|kick|kicked|kicks|"
    r"kicking|choke|choked|chokes|choking|strangle|strangled|strangles|strangling|shove|shoved|"
    r"shoves|shoving|smack|smacked|smacks|beating|assault|assaulted|attack|attacked|attacks|"
    r"batter|battered|batters|headbutted|bit|bites|scratches|scratched|stabbed(?! (?:me|us) in "
    r"the back)|burned|burnt|"
    r"pushed|pushes|pushing|grabbed|grabs|grabbing|pinned|pins|throttled|whipped|belted|burns|"
    r"burning)"
)
_HARM_NEEDS = (
    "hit hits hitting beat beats beaten beating punch punched punches punching slap slapped "
    "slaps slapping kick kicked kicks kicking choke choked chokes choking strangle strangled "
    "strangles strangling shove shoved shoves shoving smack smacked smacks assault assaulted "
    "attack attacked attacks batter battered batters headbutted bit bites scratches scratched "
    "stabbed burned burnt pushed pushes pushing grabbed grabs grabbing pinned pins throttled "
    "whipped belted burns burning"
)
_NOT_IDIOM_HIT = (
    r"^ ?(?:out\b|back\b|up\b|under the table\b|off\b|with (?:a|the|some) (?:question|news|"
    r"joke|fine|bill|idea|pillow|snowball|water balloon|facts|truth)|at (?:chess|cards|"
    r"mario|fifa|tennis|pool|scrabble|monopoly|uno|games?)\b|to it\b)"
)
_PILLS = (
    r"(?:pills|tablets|meds|medication|medicine|painkillers|paracetamol|tylenol|ibuprofen|"
    r"sleeping pills|antidepressants|insulin|codeine|oxy|xanax|prescription)"
)
_PILL_WORDS = (
    "pills tablets meds medication medicine painkillers paracetamol tylenol ibuprofen "
    "antidepressants insulin codeine oxy xanax prescription"
)
_HIGH_PLACE = (
    r"(?:roof|rooftop|bridge|ledge|edge|cliff|cliffs|balcony|tower|car park|multi storey|"
    r"overpass|platform|tracks|train tracks|railway|top floor|window)"
)
_SOON = r"(?:tonight|today|tomorrow|this weekend|this week|soon|now|right now|after|before)"
_SELF_OR_OTHER = r"(?:myself|himself|herself|themselves|themself)"

def _near(first: str, second: str, gap: int = 60) -> str:
    """Two meaning groups close together, in either order, within `gap` characters."""
    return (
        rf"\b(?:{first})\b.{{0,{gap}}}\b(?:{second})\b"
        rf"|\b(?:{second})\b.{{0,{gap}}}\b(?:{first})\b"
    )


# Co-occurring meaning groups, for wordings no single phrase foresees: a means of dying with
# a sign of intent, something sexual with a sign of no consent, control of money or movement
# by someone close.
_MEANS = (
    r"pills|tablets|sleeping tablets|paracetamol|meds|medication|painkillers|antidepressants|"
    r"insulin|rope|noose|blade|blades|razor|knife|gun|bridge|footbridge|river|roof|ledge|"
    r"tracks|railway|cliff|cliffs|overdose|charcoal|motorway|overpass|multi storey"
)
_INTENT = (
    r"tonight|enough|ready|how many|how much|counting|counted|saved|saving|stash|stashed|"
    r"hidden|hiding|hid|in my drawer|in a sock|lined up|looking at|staring at|holding|hold|"
    r"for an hour|think about it|thinking about it|do it|end it|the last time|goodbye|final|"
    r"collecting|stockpiling|bought|buying|sitting on|standing on|edge|jump|jumping|want to"
)
_SEXUAL = (
    r"sex|slept with|sleep with|touch|touches|touching|touched|hands on me|hand up|in my bed|"
    r"into my bed|did it|does it|do stuff|did stuff|does stuff|do things|did things|does "
    r"things|makes me do|made me do|kissed me|kissing me|groped|undress|undressed|clothes off|"
    r"naked|pics|nudes|photos of me|videos of me|private parts|in the shower with me|"
    r"on top of me"
)
_NO_CONSENT = (
    r"stop|crying|cried|asleep|sleeping|drunk|passed out|forced|force|did not want|do not want|"
    r"even though|cornered|would not let|will not let|pinned|held me|froze|frozen|nobody is "
    r"home|no one is home|when nobody|when no one|if i do not|unless i|show everyone|"
    r"send them to|i am 1[0-7]|i am only 1[0-7]|year old|told me not to tell|our secret|"
    r"nobody would believe|no one would believe|said no|saying no|kept going|scared|"
    r"not allowed to tell|cant tell anyone|can not tell anyone"
)
_CONTROL = (
    r"not allowed|allowance|receipts|checks my|tracks my|reads my|takes my|took my|hides my|"
    r"hid my|keeps my|locks me|locked me|will not let me|would not let me|makes me ask|have "
    r"to ask (?:him|her|them)|gives me (?:\w+ ){0,2}a week|my own money|money of my own|"
    r"cut me off|followed me|follows me|turns up|location"
)
_CLOSE_PERSON = (
    r"he|she|they|him|her|husband|wife|partner|boyfriend|girlfriend|dad|father|mom|mother|"
    r"brother|sister|son|ex|stepfather|stepmother|in laws|family|fiance"
)

PHRASES: tuple[Phrase, ...] = (
    # --- suicide: named
    _p(
        "suicide named", _S, _C, "suicide suicidal",
        r"\bsuicid(?:e|al|ally)\b",
        unless=r"^ ?(?:squad|doors?|prevention|awareness|rates?|statistics|bomber|mission|"
        r"run|forest|girls)\b",
    ),
    _p("suicide named", _S, _C, "myself", r"\b(?:kill|killing|killed|kills) myself\b",
       unless=r"^ ?(?:laughing|with laughter|over|trying to|at the gym|at work)\b"),
    _p("suicide named", _S, _C, "myself",
       r"\b(?:off|top|topping|offing|finish|finishing|end|ending|yeet|hang|hanging|shoot|"
       r"shooting|drown|drowning|poison|poisoning|gas|gassing|electrocute) myself\b",
       unless=r"^ ?(?:in the foot|out|up|with (?:work|studying|revision)|off the (?:list|"
       r"group))\b"),
    _p("suicide named", _S, _C, "unalive unalived unaliving",
       r"\bunaliv(?:e|ed|ing)\b(?! y\b)"),
    _p("suicide named", _S, _Q, "unalive", r"\bunalive y\b"),
    _p("suicide named", _S, _C, "life",
       r"\b(?:end|ending|take|taking|took|finish|finishing) (?:my|his|her) (?:own )?life\b"),
    _p("suicide named", _S, _C, "die", r"\b(?:want|wanted|wanting|going|ready|decided|plan|"
       r"planning|wish|deserve|need|urge|feel|feeling|feels) to die\b",
       unless=r"^ ?(?:of|from|on (?:this|that) hill|laughing|inside|a little|for (?:this|that|"
       r"a|the|some))\b"),
    _p("suicide named", _S, _C, "die", r"\b(?:i|me) (?:just )?(?:want|wanna) die\b"),
    _p("suicide named", _S, _C, "dead",
       r"\bwish (?:i|that i) (?:was|were|could be|could just be) dead\b"
       r"|\b(?:want|wanted) to be dead\b|\bbetter off dead\b"),
    _p("suicide named", _S, _C, "born", r"\bwish (?:i|that i) (?:was|had) never (?:been )?born\b"),
    _p("suicide named", _S, _C, "all", r"\bend(?:ing)? it all\b", unless=r"^ ?with\b"),
    _p("suicide named", _S, _C, "everything", r"\bend(?:ing)? everything\b",
       unless=r"^ ?(?:with|between)\b"),
    _p("suicide named", _S, _C, "end",
       r"\b(?:going to|will|want to|ready to|plan to|planning to|decided to|about to) end it\b"
       r"(?! (?:with|between))(?!.*\b(?:telling (?:him|her)|tell (?:him|her)|break up|breaking "
       r"up|the relationship|years is a long time|divorce)\b)"),
    _p("suicide named", _S, _C, "commit", r"\bcommit(?:ting)? (?:suicide|to it)\b"),
    _p("suicide named", _S, _C, "attempt attempted",
       r"\b(?:attempt|attempted|try|tried|trying) (?:suicide|to kill|to end|again)\b",
       unless=r"^ ?(?:the|a|my|this|that|to (?:kill (?:time|it))|and (?:failed|passed))\b"),
    _p("suicide named", _S, _C, "note", r"\bsuicide note\b"),
    # --- suicide: not wanting to be alive, wishing to be gone
    _p("not alive", _S, _C, "anymore live exist alive",
       r"\bdo not want to (?:live|be alive|exist|be here|go on|wake up|be around|keep living)"
       r"(?: at all)?(?: anymore| any longer)?\b",
       unless=r"^ ?(?:here|there|in|with|at|near|like|alone|together|on|so|that|this|without|"
       r"under)\b"),
    _p("not alive", _S, _C, "alive living existing life",
       r"\b(?:tired|sick|done|exhausted) (?:of|with) (?:living|being alive|life|existing)\b",
       unless=r"^ ?(?:out|in|with|like|on|under|at|by|from|here|there|paycheck|alone|"
       r"together|so|this|that|for|off|as|admin|'s)\b"),
    _p("not alive", _S, _C, "live living",
       r"\b(?:no|nothing|no reason|not a single reason|no point) (?:left )?to live for\b"
       r"|\bno (?:reason|point|will) (?:left )?to (?:live|keep living|be alive)\b"
       r"|\b(?:no reason|no point|what is the point) (?:in |of )?(?:living|staying alive|"
       r"being alive|staying|being here)\b"),
    _p("not alive", _S, _C, "worth", r"\blife (?:is not|is no longer|isnt) worth (?:it|living)\b"),
    _p("not alive", _S, _C, "rather",
       r"\b(?:would|had) rather (?:be dead|die|not be alive|not exist|not wake up)\b",
       unless=r"^ ?(?:tired|on my feet|of (?:boredom|embarrassment|laughing)|than (?!(?:live|"
       r"living|go on|going on|be here|wake up|keep going|go back|face|feel|be alive|exist|"
       r"stay|be with|be without|spend)\b))"),
    _p("not alive", _S, _C, "wake waking",
       r"\b(?:never|not|do not|would not|will not|won't) wake up\b(?! (?:early|on time|in time))"
       r"|\b(?:hope|wish) i (?:do not|would not|will not|never) wake up\b"
       r"|\bdo not plan on waking up\b",
       unless=r"^ ?(?:on time|early|before|in time|when|at|for|until|till|the|my|him|her)\b"),
    _p("not alive", _S, _C, "forever good permanently sleep",
       r"\b(?:disappear|sleep|go to sleep|vanish|be gone|gone) (?:forever|for good|"
       r"permanently)\b|\bthe big sleep\b"),
    _p("not alive", _S, _Q, "existing exist existence",
       r"\b(?:stop|not|stopped) exist(?:ing)?\b|\bwish (?:i|that i) (?:did not|didnt) exist\b"
       r"|\btired of exist(?:ing|ence)\b"),
    _p("not alive", _S, _Q, "here",
       r"\b(?:not being|not be|no longer be|not to be) (?:here|around|alive)\b",
       unless=r"^ ?(?:for|on|at|next|this|tomorrow|when|until|till|to|in|over)\b"),
    _p("not alive", _S, _C, "gone dead die",
       r"\b(?:when|after|once|if) i (?:am|was|were) (?:gone|dead)\b"
       r"|\bwhen i die\b(?= .*\b(?:tonight|soon|letter|note|sorry|goodbye|bye)\b)"),
    _p("not alive", _S, _C, "without",
       r"\b(?:better|happier|fine|easier|lighter|okay|ok) (?:off )?without me\b"),
    _p("not alive", _S, _C, "miss notice care",
       r"\b(?:no one|nobody|noone) (?:would|will|is going to) (?:even )?(?:miss|notice|care)\b"
       r"(?= .*\b(?:gone|dead|die|died|disappeared|not here|vanished|vanish|disappear|left|"
       r"went|prove it|this weekend|tonight|soon)\b)"),
    _p("not alive", _S, _C, "dying", r"\b(?:feel|feels|feeling|felt) like dying\b",
       unless=r"^ ?(?:of|from|laughing|with laughter|to|after)\b"),
    _p("not alive", _S, _C, "ending dying",
       r"\b(?:thinking|think|thought|thoughts|dreaming|fantasi[sz]ing) (?:about|of) "
       r"(?:ending it|ending things|ending my life|dying|not being here|not existing|"
       r"not waking up|killing myself|my death|death|jumping|it all ending)\b",
       unless=r"^ ?(?:with|all with|between|off|for|the|it for|in a|my hair|her hair|his hair|"
       r"it (?:pink|blue|red|black|blonde))\b"),
    _p("not alive", _S, _Q, "death dying",
       r"\bthink (?:about|of) (?:death|dying) a lot\b"),
    # --- suicide: wanting it to stop
    _p("wanting it to stop", _S, _Q, "stop end",
       r"\b(?:want|wanted|need|needs|wish|just want) (?:it|it all|everything|all of it|"
       r"the pain|this|life) to (?:stop|end|be over)\b",
       unless=r"^ ?(?:raining|snowing|for a|for the|at|being|so i can)\b"),
    _p("wanting it to stop", _S, _Q, "quiet away silent dark",
       r"\b(?:want|wanted|need|wish|just want) (?:it|it all|everything|the world|the noise|my "
       r"brain|my head|life|all of it|this) to (?:go quiet|go away|go silent|go dark|shut up|"
       r"switch off)\b(?! (?:for (?:a|an|the) (?:bit|hour|day|night|minute|while|weekend)))"),
    _p("wanting it to stop", _S, _C, "permanently forever good",
       r"\b(?:stop|end|over|it)\b.{0,20}\b(?:permanently|forever|for good)\b"
       r"(?=.*\b(?:i know what i mean|for real|not joking|really)\b)"),
    # --- suicide: burden
    _p("burden", _S, _Q, "burden",
       r"\b(?:i am|i feel like|i have become|being|i am just) (?:such |a |just a |nothing but "
       r"a |only a )?(?:huge |massive |total )?burden\b"),
    _p("burden", _S, _C, "burden",
       r"\bburden\b.{0,40}\b(?:fix that|not for long|last time|much longer|soon|gone|end)\b"),
    _p("burden", _S, _C, "problem",
       r"\b(?:not going to|will not|won't) be (?:a )?(?:problem|burden|bother) (?:for|to) "
       r"(?:anyone|you|anybody|everyone|them|much longer|long)\b"
       r"|\bmuch longer\b(?=.*\b(?:problem|burden)\b)"
       r"|\b(?:problem|burden) for (?:anyone|much) (?:much )?longer\b"),
    # --- suicide: goodbye
    _p("goodbye", _S, _C, "goodbye bye",
       r"\b(?:this is|saying|say|said|wanted to say|want to say|just want to say|just wanted to "
       r"say) (?:my )?(?:goodbye|bye)\b(?! (?:to (?:my|the) (?:old|job|house|flat|car)|for now|"
       r"for today|til|till|until|at the|to each other|and (?:hugged|kissed)))"),
    _p("goodbye", _S, _C, "goodbye", r"\bgoodbye (?:letters?|notes?|everyone|world|all)\b",
       unless=r"^ ?(?:it was nice knowing)"),
    _p("goodbye", _S, _C, "letters letter note notes",
       r"\b(?:wrote|written|writing|write|left|leaving) (?:a |my |the )?(?:letters?|notes?|"
       r"goodbyes?) (?:to|for) (?:my |each of my |everyone|all|people|the people|my husband|"
       r"my wife|my kids|my mom|my family)",
       unless=r"^(?: \w+){0,2} (?:to explain|explaining|about|asking|for (?:her|his|their) "
       r"birthday|to ask|to say thank|why)\b"),
    _p("goodbye", _S, _C, "thank thanks",
       r"\b(?:thank you|thanks) for everything\b(?=.*\b(?:goodbye|bye|sorry|love you|last)\b)"
       r"|\b(?:goodbye|bye)\b.{0,30}\bthank(?:s| you) for everything\b"),
    _p("goodbye", _S, _C, "tomorrow around here online anymore",
       r"\b(?:will not|won't|not going to|am not going to) be (?:here|around|alive|online)"
       r"(?: much longer| tomorrow| after| by| for long| next week| anymore)\b"
       r"|\bif i am not (?:online|here|around) tomorrow\b"),
    _p("goodbye", _S, _C, "sorry",
       r"\b(?:tell|please tell) (?:my )?\w+ i am sorry\b"),
    _p("goodbye", _S, _C, "arranged order affairs will",
       r"\b(?:affairs in order|sorted (?:out )?my will|wrote my will|everything is arranged|"
       r"made (?:my )?peace with it|said (?:bye|goodbye) to)\b"),
    _p("goodbye", _S, _C, "need anymore",
       r"\b(?:will not|won't|do not) need (?:them|it|that|those|these|the daily|you)"
       r"(?: \w+){0,3} (?:anymore|after|much longer)\b"),
    # --- suicide: plans, means, place, time, method search
    _p("plan", _S, _C, "plan planned planning plans",
       r"\b(?:have|made|got|making|picked) (?:a |the |my |it all )?plan(?:ned)?\b"
       r"(?=.*\b(?:die|kill|end|suicide|it|tonight|sunday|pills|rope|jump|permanent|"
       r"myself)\b)|\bgot it all planned\b|\bit planned (?:out )?for\b"),
    _p("plan", _S, _Q, "decided mind",
       _near(r"i have decided|i decided|made up my mind|my mind is made up|it is decided",
             r"sunday|monday|tuesday|wednesday|thursday|friday|saturday|tonight|tomorrow|"
             r"this weekend|the date|not telling anyone|nobody will know|no one will know|"
             r"not going to tell", 30)),
    _p("burden", _S, _C, "favour favor",
       r"\b(?:doing|do|be doing) (?:them|everyone|you|him|her|my \w+|the world) a favou?r "
       r"(?:by|if) (?:i )?(?:disappearing|disappear|leaving|dying|die|going|not being|ending)\b"),
    _p("plan", _S, _C, "date day",
       r"\b(?:picked|chosen|chose|set) (?:a|the) (?:date|day|time)\b"),
    # "I'm going to do it tonight", "I've decided to do it"; a bare "ok fine, I'll do it" is
    # the everyday yes that practice is about, so "will" and "going to" need a time.
    _p("plan", _S, _C, "it",
       r"\b(?:about to|ready to|decided to) (?:do it|go through with it)\b"
       r"|\b(?:going to|gonna|will) go through with it\b"
       r"|\b(?:going to|gonna|will) do it (?:tonight|today|now|soon|this weekend|when (?:they|"
       r"he|she|everyone) (?:is|are) (?:asleep|gone|out))\b"
       r"(?! (?:later|tomorrow morning|at work|properly|again and|for (?:you|him|her)))",
       unless=r"^ ?(?:for|with|to (?:the|my)|and (?:then|see)|at work|in the morning)\b"),
    _p("plan", _S, _C, "permanent sure",
       r"\b(?:make|making) (?:sure|it) (?:it is |that it is )?permanent\b"
       r"|\bmaking sure i do not wake up\b"),
    _p("means", _S, _C, _PILL_WORDS,
       rf"\b(?:saving|saved|stockpiling|stockpiled|hoarding|hoarded|collecting|counting|"
       rf"counted|lined up|lining up|hiding|hid|saving up|saved up) (?:up )?(?:all )?"
       rf"(?:my |some |her |his |the |of )?(?:\w+ )?{_PILLS}\b"
       rf"|\b{_PILLS} (?:saved|stashed|hidden|hoarded|stockpiled|lined up|in (?:one|a) pile|"
       r"ready)\b"
       rf"|\ball (?:my|the|of my) {_PILLS} (?:are |is )?in (?:one|a) pile\b"),
    _p("means", _S, _C, _PILL_WORDS + " overdose",
       rf"\b(?:take|took|taking|swallow|swallowed|swallowing|taken) (?:all|a bunch|a handful|a "
       rf"lot|a load|loads|the whole (?:bottle|box|packet)|every one|too many) (?:of )?"
       rf"(?:my |the |those |these |his |her )?(?:\w+ )?{_PILLS}\b"
       rf"|\bhow (?:many|much) (?:of )?(?:my )?(?:\w+ )?{_PILLS}\b"
       rf"|\b{_PILLS} (?:in front of me|on my desk|on the table|right here|ready)\b"),
    _p("means", _S, _C, _PILL_WORDS,
       rf"\b(?:taken|took|take|swallowed|had) (?:way )?(?:more|too many|extra|double|triple|"
       rf"twice|a lot more) (?:of )?(?:my |the |her |his )?(?:\w+ )?{_PILLS}"
       rf"|\b{_PILLS} than (?:i|you|she|he) (?:should|was supposed|are supposed)\b"),
    _p("not alive", _S, _Q, "better",
       r"\b(?:they|he|she|everyone|my \w+|the kids|my family)(?: would| will)? (?:be|are|'d be) "
       r"better off (?:with|without)\b(?! (?:a bigger|the new|more|less))"),
    _p("goodbye", _S, _Q, "passcode passwords password pin bank will insurance",
       _near(r"passcode|passwords|password|pin number|bank details|bank stuff|bank cards|my will|"
             r"life insurance|insurance papers",
             r"for my (?:brother|sister|mom|dad|husband|wife|kids|son|daughter|family|partner)|"
             r"on the (?:kitchen )?table|in case|after i|when i am gone|so they|so he|so she",
             50)),
    _p("goodbye", _S, _Q, "need",
       r"\b(?:will not|won't) need (?:it|them|any of it|any of this|those|that)(?= ?(?:\.|$))"),
    _p("goodbye", _S, _Q, "here around make last",
       r"\b(?:do not think|not sure) i (?:will|would|am going to) (?:be here|be around|make it|"
       r"last|still be here) (?:for|until|till|to|much|past|through|by|at|next)\b"),
    _p("means", _S, _C, "overdose overdosing overdosed",
       r"\b(?:overdose|overdosing|overdosed)\b",
       unless=r"^ ?on (?!(?:pills|tablets|meds|medication|insulin|paracetamol|painkillers|"
       r"heroin|fentanyl|sleeping|my))"),
    _p("means", _S, _C, "photo picture pic video",
       r"\b(?:photo|picture|pic|video) (?:of|with) (?:\w+ )?(?:pills|tablets|a knife|a rope|a "
       r"noose|a gun|the bridge|blood|a knife to)\b"),
    _p("means", _S, _C, "means",
       r"\b(?:i have|i have got|got|i've got|have) the means\b"),
    _p("goodbye", _S, _C, "side love",
       r"\bsee you (?:all )?on the other side\b"
       r"|\btell my (?:mom|dad|family|sister|brother|kids|wife|husband) i love "
       r"(?:her|him|them)\b"),
    _p("method search", _S, _Q, "quick instant painless",
       r"\b(?:would|it would|would it) be (?:quick|instant|painless)\b"),
    _p("means", _S, _C, "rope noose",
       r"\b(?:rope|noose)\b(?=.*\b(?:got|have|bought|tied|my|in my|ready|car|room|wardrobe|"
       r"garage|tonight)\b)|\b(?:got|have|bought|tied) (?:a|the) (?:rope|noose)\b",
       unless=r"^ ?(?:swing|course|bridge|ladder|toy)\b"),
    _p("means", _S, _C, "gun shotgun pistol rifle knife blade",
       r"\b(?:have|got|bought|holding|hold) (?:my (?:dad's |dads )?|a |the |his |her )?"
       r"(?:gun|pistol|rifle|knife)\b(?=.*\b(?:myself|room|here|now|head|right now|for myself|"
       r"tonight|in my hand)\b)"),
    _p("means", _S, _C, "charcoal engine exhaust",
       r"\b(?:charcoal|engine running|exhaust pipe|hose)\b"
       r"(?=.*\b(?:tape|garage|car|bought|tonight|sealed)\b)"
       r"|\b(?:garage|car)\b.{0,30}\bengine running\b"),
    _p("place", _S, _C, "roof rooftop bridge ledge edge cliff cliffs balcony tower platform "
       "tracks railway quarry water sea",
       rf"\b(?:standing|stood|sitting|sat|i am|i am at|i am on|at|on|going to|walking to|"
       rf"driving to|drove to|at the) (?:the |a |my |this )?(?:\w+ )?{_HIGH_PLACE}\b"
       r"(?=.*\b(?:quiet|jump|thinking|thanks|goodbye|bye|tonight|sorry|nearly|step|down|"
       r"after|it|everything|listening|edge|long time)\b)"
       r"|\b(?:walk|walking|keep walking) into the (?:sea|water|river|lake)\b"
       r"|\bat the quarry\b|\bedge of the (?:platform|roof|bridge|cliff)\b",
       unless=r"^ ?(?:party|bar|garden|terrace|restaurant|game|of my comfort|club|(?:of (?:our|"
       r"my|the) (?:building|flat|house) )?(?:with a (?:cup|cuppa|drink|beer|book|coffee)|"
       r"watching|for (?:the|a) (?:view|party|bbq|barbecue|sunset)))\b"),
    _p("place", _S, _C, "tracks railway ledge",
       r"\b(?:i am|he is|she is|they are|standing|sitting|stood|sat) (?:at|on|by) (?:the )?"
       r"(?:train tracks|railway tracks|railway line|tracks|ledge)\b"),
    _p("place", _S, _C, "front train",
       r"\b(?:jump|jumping|step|stepping|walk|walking|throw myself|throwing myself) in front of "
       r"(?:a |the )?(?:train|\d+ \d+|bus|lorry|truck|car)\b"),
    _p("place", _S, _C, "jump jumping jumped",
       rf"\b(?:jump|jumping|jumped|throw myself|step|stepping) (?:off|from|in front of|"
       rf"under|onto) (?:a |the |this |that |my |our )?(?:\w+ )?(?:{_HIGH_PLACE}|train|car|"
       r"bus|truck|lorry|building|floor|storey|story)\b"
       r"|\b(?:if i jump|jump from the|jump off the)\b"),
    _p("place", _S, _C, "swerve",
       r"\bswerve into\b|\bdrive (?:my car )?(?:into|off)\b(?=.*\b(?:tree|wall|bridge|cliff|"
       r"truck|lorry)\b)"),
    _p("method search", _S, _C, "how painless quickest fastest lethal fatal survive instant",
       r"\b(?:painless|quickest|fastest|easiest|best|surest) (?:way|ways|method|methods) "
       r"(?:to|of) (?:die|dying|go|kill|end)\b"
       r"|\b(?:lethal|fatal) dose\b"
       r"|\bhow (?:high|tall|far)\b.{0,40}\b(?:survive|fall|jump|die|instant)\b"
       r"|\bnot survive the fall\b|\bwould it be instant\b"
       r"|\bhow (?:long|much|many)\b.{0,40}\b(?:to die|it would take|to not wake up|"
       r"to be fatal|to bleed out|kill me|fatal)\b"
       r"|\b(?:googling|googled|researching|researched|looked up|looking up|searching)\b"
       r".{0,40}\b(?:how (?:many|much|to)|ways to die|train line|methods?|which (?:train|"
       r"bridge|building))\b"),
    _p("time", _S, _C, "tonight tomorrow",
       r"\b(?:tonight|tomorrow) is the (?:night|day)\b"
       r"|\b(?:tonight|after|once)\b.{0,40}\bi am going to (?:do it|make (?:that|it) happen|"
       r"go|end)\b|\bgoing to make that happen\b"),
    _p("giving away", _S, _C, "gave giving give away have",
       r"\b(?:gave|giving|given|give) (?:away )?(?:all )?(?:my|away my|all my) (?:\w+ ){0,2}"
       r"(?:to|away)\b(?=.*\b(?:need|anymore|bye|neighbour|cousin|brother|bro|sister|friend|"
       r"mate|moving|won't|will not)\b)"
       r"|\b(?:she|he|they) can have my (?:\w+)\b(?=.*\b(?:not moving|won't need|after)\b)"
       r"|\bgiving away (?:all )?my (?:stuff|things|belongings)\b"
       r"|\bsold my \w+ ?,? gave\b"),
    _p("means with intent", _S, _Q, _PILL_WORDS.replace("pills ", "") + " pills rope noose "
       "blade blades razor knife gun bridge footbridge river roof ledge tracks railway cliff "
       "cliffs overdose charcoal motorway overpass",
       _near(_MEANS, _INTENT),
       unless=r"^ ?(?:for (?:my|the|a) (?:migraine|headache|cold|back|period|dog|cat)|"
       r"chopping|cooking|dinner)\b"),
    _p("wishing to be gone", _S, _Q, "funeral grave death dying dead gone",
       _near(r"my (?:own )?funeral|my grave|my death|me dying|i (?:was|were) dead|being dead|"
             r"i am gone|i was gone|not being here",
             r"relieved|relief|peace|peaceful|imagine|imagining|picture|picturing|dream|"
             r"dreaming|daydream|wish|want|would be (?:better|easier)|calm")),
    _p("goodbye", _S, _Q, "sure care",
       r"\bmake sure (?:my|the) (?:dog|cat|kids|children|plants|pets|fish|hamster|rabbit|"
       r"babies)\b(?: \w+){0,3} (?:goes|go|gets|get|is|are|to|looked|taken|somewhere|someone)\b"
       r"|\btake care of my (?:dog|cat|kids|pets) (?:for me|when|after|if)\b"),
    # --- self-harm
    _p("self-harm named", _H, _C, "selfharm selfharming selfharmed",
       r"\bselfharm(?:ing|ed)?\b",
       unless=r"^ ?(?:urges?|thoughts?|awareness)\b"),
    _p("self-harm named", _H, _Q, "selfharm",
       r"\bselfharm (?:urges?|thoughts?)\b"),
    _p("self-harm described", _H, _C, "myself",
       r"\b(?:cutting|burning|harming|hurting|scratching|starving|punishing|bruising|hitting|"
       r"punching|biting|burnt|burned|scalding|scalded) myself\b",
       unless=r"^ ?(?:off|out|short|a|an|some|free|loose|slack|down|into|in on|up)\b"),
    _p("self-harm described", _H, _Q, "myself",
       r"\b(?:want|wanted|need|needed|urge|urges|going|tempted|trying not|try not|thinking "
       r"about|think about|thoughts of) to (?:cut|burn|harm|hurt|starve|hit|punish) myself\b"
       r"|\b(?:thinking about|think about|thoughts of|urges? to) (?:hurting|harming|cutting|"
       r"burning) myself\b"),
    _p("self-harm described", _H, _C, "myself",
       # The "i" may be dropped, as in a text typed in a hurry: "cut myself again".
       r"(?:\bi |^|\. )(?:cut|burn|burned|burnt|harm|harmed|hurt|scratch|scratched|hit|punch|"
       r"punched|starve|starved|bite|bit) myself\b",
       unless=(
           r"^(?: \w+){0,4} ?(?:shaving|cooking|chopping|slicing|gardening|gym|playing|"
           r"running|training|football|soccer|accident|accidentally|fell|falling|slipped|"
           r"tripped|lifting|workout|hiking|climbing|skiing|on a|on the|opening|ironing|off|"
           r"laughing)\b"
       )),
    _p("self-harm described", _H, _C, "cut cuts cutting",
       r"\b(?:started|start|been|keep|kept|doing|did|do|stopped doing) (?:it )?(?:cutting|"
       r"cut)\b(?! (?:back|down|out|corners|costs|class|ties|up|the|a|my|some|through|off|"
       r"coupons|carbs|sugar|hair))"
       r"|\bcut(?:ting)? (?:myself )?again\b"
       r"|\bi (?:cut|c t)\b(?= (?:again|last night|tonight|deeper|today))"
       r"|\b(?:is|am|been) cutting\b(?= (?:\.|$|since|again|herself|himself|every|for))"),
    _p("self-harm described", _H, _C, "arm arms wrist wrists leg legs thigh thighs skin "
       "forearm hand hands stomach",
       r"\b(?:cut|cuts|cutting|burn|burns|burned|burnt|burning|scratch|scratched|scratching|"
       r"carved|carving|carve|bite|biting|bit|hitting|punch|punching|pressing|press|rub|rubbing|"
       r"snapping|pick|picking) (?:\w+ )?(?:into |on )?(?:my|his|her) (?:own )?(?:arms?|wrists?|"
       r"legs?|thighs?|skin|forearms?|hands?|stomach|hips?|body|chest|knuckles)\b",
       unless=r"^ ?(?:on (?:a|the) (?:door|glass|oven|stove|pan|tray|bramble)|while|when i "
       r"(?:was )?(?:cooking|gardening|shaving))\b"),
    _p("self-harm described", _H, _C, "razor razors blade blades scissors sharpener lighter",
       r"\b(?:the |a |my )?(?:razor|blade|scissors|sharpener|lighter)s?\b"
       r"(?=.*\b(?:again|skin|arm|arms|wrist|leg|legs|thigh|use|used|using|bleed|blood|tonight|"
       r"emergencies|looking at|keep|out of|took|did|bad)\b)",
       unless=r"^ ?(?:scooter|for (?:my|the) (?:legs|beard|face)|fluid|refill)\b"),
    _p("self-harm described", _H, _C, "relapse relapsed relapsing clean",
       r"\brelaps(?:e|ed|ing)\b|\b(?:months?|days?|weeks?|years?) clean\b"
       r"|\bbroke \w+ (?:months?|days?|weeks?) clean\b",
       unless=r"^ ?(?:on|into) (?:drinking|alcohol|smoking|vaping|coffee|sugar|junk)\b"),
    _p("self-harm described", _H, _C, "marks scars cuts bruises blood",
       r"\b(?:marks|scars|cuts|bruises|blood)\b.{0,40}\b(?:from me|are from me|mine are|my own|"
       r"from last night|from today|new ones|sleeves|hide|hiding|nobody sees|no one sees|"
       r"plasters|sheets|period)\b"
       r"|\b(?:cleaned up|clean up) the blood\b"
       r"|\bnew ones from today\b"),
    _p("self-harm described", _H, _C, "eating ate meals food throw myself sick vomit",
       r"\b(?:stopped|stop|not|no|have not been|haven't been) eat(?:ing)?\b.{0,40}\b(?:notice|"
       r"see|punish|control|days?|since|dizzy|keep going)\b"
       r"|\b(?:making|made|make|makes) myself (?:throw up|sick|vomit)\b"
       r"|\b(?:starve|starving|starved) (?:myself|herself|himself)\b"),
    _p("self-harm described", _H, _C, "compass blade razor knife scissors lighter pin needle",
       r"\b(?:used|using|use) (?:a|the|my) (?:compass|blade|razor|knife|scissors|lighter|pin|"
       r"needle|sharpener)\b.{0,40}\bon my (?:arms?|wrists?|legs?|thighs?|stomach|skin|hips?|"
       r"body|chest)\b"),
    _p("self-harm described", _H, _C, "own mark marks",
       r"\b(?:slap|slapped|hit|punch|punched|scratch|scratched|bite|bit|pinch|pinched|burn|"
       r"burned|burnt|cut) my own (?:face|arms?|legs?|skin|hands?|head|body|wrists?|stomach)\b"),
    _p("self-harm described", _H, _Q, "eat eating ate meals",
       _near(r"only eat|barely eat|stopped eating|not eating|do not eat|skip meals|skipping meals",
             r"so (?:they|my \w+|he|she|someone|people|everyone) (?:will|would|can|could|might) "
             r"(?:see|notice|finally see|finally notice)|to punish|punishment|deserve", 60)),
    _p("self-harm described", _H, _Q, "meals punish",
       r"\b(?:skip|skipping) meals\b.{0,40}\b(?:purpose|punish)\b"
       r"|\bto punish myself\b"),
    _p("self-harm described", _H, _C, "head wall walls",
       r"\b(?:banging|bang|hitting|hit|slamming) my head (?:against|on|into)\b"
       r"(?!(?: \w+){0,3} (?:with|over|about) (?:this|the|my|these|that)\b)"
       r"|\b(?:punched|punching|punch) the wall (?:until|till|so hard)\b(?=.*\b(?:knuckles|"
       r"bled|split|bleed|hand)\b)"),
    _p("self-harm described", _H, _C, "pain",
       r"\b(?:give|gave|giving) (?:it|the pain) to myself\b|\bdeserve the pain\b"
       r"|\bhurt myself so i (?:can )?feel\b"),
    _p("self-harm described", _H, _C, "cut selfharm",
       r"\b(?:used to|started to|start to|began to|want to|going to|need to) (?:cut|selfharm)\b"
       r"(?= ?(?:\.|$| again| and| but| every| so| because| when| stopped))"),
    _p("self-harm described", _H, _C, "myself",
       r"\b(?:cut|cuts|burn|burns|wound|wounds)\b.{0,40}\bdid (?:it|them|this|that) "
       r"(?:to )?myself\b"),
    _p("self-harm described", _H, _C, "bled bleeds bleed raw purple blistered blistering",
       r"\b(?:till|until|til) (?:it|they|my skin|i|my \w+) (?:bled|bleeds|bleed|went (?:raw|"
       r"purple|red and raw)|was raw|blistered|bruised|broke)\b"),
    _p("self-harm described", _H, _C,
       "sleeves hoodies hide hiding sees watch bracelet bracelets covering cover plasters",
       r"\b(?:long sleeves|hoodies?|hide|hiding|so nobody sees|so no one sees|watch over|"
       r"bracelets? over|covering|cover up|plasters? over)\b.{0,50}"
       r"\b(?:marks|scars|cuts|bruises|arms|wrists|legs)\b"
       r"(?=.*\b(?:again|july|summer|nobody|no one|so)\b|)"),
    _p("self-harm described", _H, _C, "scissors razor blade blades",
       r"\bagain\b.{0,60}\b(?:razor|blade|scissors|sharpener)s?\b"),
    _p("self-harm described", _H, _Q, "urge urges",
       r"\b(?:urge|urges) to (?:scratch|cut|burn|hurt|harm|bite|hit)\b"),
    # --- sexual violence
    _p("sexual violence", _SV, _C, "raped rape raping rapist",
       r"\b(?:raped|rape|raping|rapist|date raped|r ped)\b",
       unless=r"^ ?(?:seed|oil|field|fields|joke|jokes|culture awareness)\b"),
    _p("sexual violence", _SV, _C, "assaulted assault molested abused abusing groped "
       "groping grooming groomed",
       r"\b(?:sexually )?(?:assaulted|molested|groped|groomed|abused|abusing)\b"
       r"(?=(?: (?:me|her|him|us|when|as|by|at|on|in|since|for|\.))|$)"
       r"|\bsexual(?:ly)? (?:assault|abuse|violence)\b"
       r"|\b(?:\w+ )?(?:assaulted|molested|groped|groomed) me\b",
       unless=r"^ ?(?:awareness|prevention)\b"),
    _p("sexual violence", _SV, _C, "forced forces force forcing",
       r"\b(?:forced|forces|force|forcing) (?:me|her|himself on|herself on|myself|"
       r"us)(?! (?:to (?:eat|study|apologi[sz]e|go to|take|work|pay|move|clean|watch|"
       r"listen)|out|into (?:a corner|the|a car))\b)"
       r"|\bforced himself on\b|\b(?:he|she|they) (?:forced|forces) (?:me|her)\b"
       r"|\b(?:he|she) forced\b(?= ?(?:\.|$))"),
    _p("sexual violence", _SV, _C, "sex",
       r"\b(?:sex|slept|sleep) with (?:me|her) (?:while|when|after) (?:i|she) (?:was|am|is|"
       r"were) (?:asleep|sleeping|drunk|passed out|unconscious|out of it|high)\b"
       r"|\b(?:had|has|have|having) sex with me (?:when|while|anyway|even though)\b"
       r"|\b(?:pressured|pressure|pressuring|coerced|forced|made) (?:me |her )?into (?:sex|"
       r"sleeping with|doing)\b|\bsex with me anyway\b|\bsex with (?:me|her) when\b"
       r"|\bsex (?:whenever|when) he wants\b"),
    _p("sexual violence", _SV, _C, "touched touches touching",
       r"\b(?:touched|touches|touching|keeps touching|grabbing|grabbed) (?:me|her|him)\b"
       r"(?! (?:on the (?:shoulder|arm)|gently|kindly|lightly))(?=.*\b(?:when|while|again|"
       r"nobody|without|in my|mum|mom|work|lift|swimming|coach|uncle|stepfather|believe|"
       r"storeroom|do not|did not|tells|said|says|\.|$)\b|.*$)",
       unless=r"^ ?(?:up|base|on the shoulder|on the arm|deeply|emotionally|my heart)\b"),
    _p("sexual violence", _SV, _C, "stop no",
       r"\b(?:said|say|kept saying|told him) (?:no|stop)\b.{0,40}\b(?:did not stop|didn't stop|"
       r"does not stop|kept going|anyway|would not stop|won't stop|twice)\b"
       r"|\b(?:he|she) (?:did not|does not|would not|didn't|doesn't) stop\b(?= ?(?:\.|$))"),
    _p("sexual violence", _SV, _C, "pinned held wrists",
       r"\b(?:pinned|held) (?:me|my wrists|my arms|her) down\b"),
    _p("sexual violence", _SV, _C, "drink spiked drugged",
       r"\b(?:spiked|drugged)\b|\bput something in my drink\b"),
    _p("sexual violence", _SV, _C, "consensual consent",
       r"\b(?:was not|wasn't|not really|not) consensual\b|\bwithout (?:my )?consent\b"),
    _p("sexual violence", _SV, _C, "stuff things",
       r"\b(?:does|did|doing|do) (?:stuff|things) to (?:me|her)\b"),
    _p("sexual violence", _SV, _C, "condom",
       r"\b(?:took off|removed|take off) the condom\b"),
    _p("sexual violence", _SV, _C, "pictures photos nudes video send",
       r"\b(?:send|sent) (?:him |her |them )?(?:pictures|photos|pics|nudes)\b"
       r"(?=.*\b(?:if i do not|or he|he will tell|i am 1[0-7]|year old|meet)\b)"),
    _p("sexual violence", _SV, _C, "room bed",
       r"\b(?:comes|came|coming|gets|got) into my (?:room|bed)\b(?=.*\b(?:night|when|nobody|"
       r"no one|visits|stays|i am 1[0-7]|year old)\b)"),
    _p("sexual violence", _SV, _C, "rent another way",
       r"\bpay (?:the )?rent (?:another|in another|a different|other) way\b"
       r"|\b(?:if i did not|unless i|if i do not) (?:let him|sleep with|have sex)\b"),
    _p("sexual violence", _SV, _C, "duty",
       r"\bmy duty as a wife\b"),
    _p("sexual violence", _SV, _Q, "let want",
       r"\b(?:just let him|let him because|did not really want to but|didn't really want to)\b"),
    _p("no consent", _SV, _Q, "sex slept sleep touch touches touching touched hands hand bed "
       "did does do makes made kissed kissing groped undress undressed clothes naked pics "
       "nudes photos videos private shower top",
       _near(_SEXUAL, _NO_CONSENT, 100),
       unless=r"^ ?(?:my (?:homework|chores|job|work))\b"),
    _p("sexual violence", _SV, _C, "hands cornered",
       r"\b(?:put|puts|putting|had|has) (?:his|her|their) hands? (?:on|up|inside|down|under) "
       r"(?:me|my)\b|\bcornered me\b(?=.*\b(?:hands?|touch|kiss|grab)\w*\b)"),
    # --- violence and coercive control (against the writer)
    _p("control", _V, _Q, "allowed allowance receipts checks tracks reads takes took hides hid "
       "keeps locks locked let ask week money location followed follows turns",
       _near(_CONTROL, _CLOSE_PERSON, 60)),
    _p("violence", _V, _C, "came comes coming went",
       r"\b(?:came|comes|coming|went|goes|going) (?:for me|at me)\b(?! (?:with (?:a|the) "
       r"(?:question|complaint|idea|story)))"),
    _p("control", _V, _C, "hand wages pay salary benefits",
       r"\bhand (?:over|him|her) (?:all )?my (?:wages|money|pay|salary|benefits|card|pension)\b"),
    _p("sexual violence", _SV, _C, "photo photos pic pics picture pictures nudes",
       _near(r"(?:asked|asks|asking|wants|wanted|keeps asking) (?:me )?(?:for|to send) (?:a |"
             r"some |more )?(?:photo|photos|pic|pics|picture|pictures|nudes)",
             r"teacher|coach|boss|man|older|uncle|stepfather|tutor|stranger|online|"
             r"uncomfortable|year old|i am 1[0-7]", 80)),
    _p("violence", _V, _C, "shoves shoved slaps slapped punches punched kicks kicked chokes "
       "choked strangles strangled beats headbutts headbutted smacks smacked pushes pushed "
       "grabs grabbed drags dragged",
       r"\b(?<!i )(?<!it )(?:shoves|shoved|slaps|slapped|punches|punched|kicks|kicked|chokes|"
       r"pushes|pushed|grabs|grabbed|drags|dragged|"
       r"choked|strangles|strangled|beats|headbutts|headbutted|smacks|smacked) (?:me|us)\b"
       r"(?! (?:at|in (?:a|the) (?:game|race|match)|to it|out|under the table|awake|up|to\b|"
       r"away|into (?:doing|taking|trying|applying)|too hard|off "
       r"(?:the|my) (?:bed|sofa|couch|chair)))"),
    _p("violence", _V, _C, "locked key keys",
       r"\b(?:i am|i was|i have been|being|got|am) locked (?:in|inside|out|up)\b"
       r"(?! (?:of my (?:account|email|phone|car)|out of my (?:account|email|phone|car)))"
       r"|\b(?:took|takes|hid|hides|has) (?:the|my|all the) (?:key|keys|door key)\b"
       r"(?=.*\b(?:locked|lock|can not (?:get|go) out|can not leave|room|inside)\b)"),
    _p("violence", _V, _C, "knife gun weapon bat hammer",
       r"\b(?:threatened|threatens|threatening|came at|comes at|went for|pointed) (?:me|us) with "
       r"(?:a |his |her |the )?(?:\w+ )?(?:knife|gun|weapon|bat|hammer|machete|bottle)\b"),
    _p("violence", _V, _C, "hands neck throat hair arm spat dragged slammed twisted",
       r"\b(?:hands?|fingers) (?:round|around|on) my (?:neck|throat)\b"
       r"|\b(?:pulled|pulls|yanked|dragged|drags) (?:me by )?(?:my )?(?:hair|arm)\b"
       r"|\b(?:spat|spits) (?:on|at) me\b|\bdragged me\b|\btwisted my (?:arm|wrist)\b"
       r"|\b(?:slammed|shut|trapped|closed) my (?:hand|fingers|arm|leg|foot) in\b"),
    _p("violence", _V, _C, _HARM_NEEDS,
       rf"\b{_ABUSER} {_FILLER}{_HARM_VERB} (?:up )?{_ME}\b", unless=_NOT_IDIOM_HIT),
    _p("violence", _V, _C, _HARM_NEEDS,
       rf"\b(?:{_ABUSER}|\w+'s (?:boyfriend|husband|dad|father|partner|ex|stepfather|wife|"
       r"girlfriend)|(?:her|his|their) (?:boyfriend|husband|dad|father|partner|ex)) "
       rf"{_FILLER}{_HARM_VERB} (?:up )?{_OTHER_VICTIM}\b",
       unless=_NOT_IDIOM_HIT, other=True),
    _p("violence", _V, _C, _HARM_NEEDS,
       rf"\b(?:i (?:get|got|was|am|have been)|being) (?:\w+ )?{_HARM_VERB}\b"
       r"(?=(?: (?:by|when|if|every|again|\.))|$)"),
    _p("violence", _V, _C, "hurts hurting hurt",
       rf"\b{_ABUSER} {_FILLER}(?:physically )?(?:hurts|hurting|hurt|will hurt|would hurt|"
       r"is going to hurt) (?:me|us)\b",
       unless=r"^ ?(?:with (?:his|her|their) words|emotionally|by|feelings|so much|"
       r"sometimes with)\b"),
    _p("violence", _V, _C, "threw throws throwing",
       rf"\b{_ABUSER} {_FILLER}(?:threw|throws|throwing) "
       r"(?!shade\b|a fit\b|a party\b|questions\b|compliments?\b|jokes?\b|ideas?\b|my clothes)"
       r"(?:\w+ ){0,3}(?:at|near|across|past) (?:me|us|my head|my face)\b"
       r"|\b(?:threw|throws) (?:a|the|his|her) (?:plate|glass|mug|chair|bottle|phone|knife|"
       r"shoe|remote|lamp|keys)\b|\bthrows things\b|\bthrows whatever\b"
       r"|\b(?:throws|threw|throwing) (?:\w+ ){0,3}(?:across the (?:room|office|kitchen)|at "
       r"the wall)\b"),
    _p("violence", _V, _C, "wall walls door",
       r"\b(?:punched|punches|punch|punching|kicked|kicks|smashed|smashes) (?:a hole in )?"
       r"(?:the |a )?(?:wall|walls|door|door frame|window|car window)\b"
       r"(?=.*\b(?:next to|near|by|beside|every time|when|if|so i|say no|my face|my head|"
       r"instead|last time|because)\b|.*(?:punches walls))",
       unless=r"^ ?(?:until my|till my)\b"),
    _p("violence", _V, _C, "walls", r"\bpunches walls\b"),
    _p("violence", _V, _C, "knife gun shotgun weapon",
       r"\b(?:showed|shows|showing|pulled|pulls|held|holds|waved|keeps|kept|mentions|brought|"
       r"turned up with) (?:me )?(?:a |the |his |her )?(?:knife|gun|shotgun|weapon|bat|"
       r"machete|rifle|pistol)\b"),
    _p("violence", _V, _C, "kill hurt beat hit stab shoot strangle choke burn unalive finish "
       "find",
       r"\b(?:said|says|told me|swore|swears|threatened|threatens|warned|promised|texting) "
       r"(?:that )?(?:if i (?:\w+ ){1,6})?(?:he|she|they) (?:will|would|is going to|are going "
       r"to|is gonna|going to) (?:kill|hurt|beat|hit|stab|shoot|strangle|choke|burn|unalive|"
       r"finish what|find us)\b"
       r"|\b(?:he|she|they) (?:will|would|is going to|is gonna) (?:kill|hurt|unalive) me if\b"
       r"|\b(?:he will|she will|he would|he is going to) (?:kill|hurt) (?:me|us|her|him)\b"),
    _p("violence", _V, _C, "threatened threatens threatening threats",
       rf"\b{_ABUSER} {_FILLER}(?:threatened|threatens|threatening) (?:me|us)\b"
       r"(?! (?:with (?!(?:a |his |her |their )?(?:knife|gun|weapon|bat|belt|hammer|"
       r"violence|death))|jokingly|as a joke|playfully))"
       r"|\b(?:threatened|threatens|threatening) (?:before |again |me )?to (?:post|share|send|"
       r"leak|kill|hurt|take the kids|take my kids|tell everyone)\b"),
    _p("violence", _V, _C, "post share send leak",
       r"\b(?:post|share|send|leak|show|sent|posted|shared)\b.{0,30}\b(?:nudes|pictures|photos|"
       r"pics|videos?|it)\b.{0,40}\b(?:if i|unless i|to my|everyone|whole)\b"
       r"|\b(?:says|said) (?:he will|he'll|she will) post it\b"),
    _p("violence", _V, _C, "locked locks lock locking",
       r"\b(?:locked|locks|lock|locking) (?:me|us) (?:in|out|inside|up)\b"
       r"|\block me in\b"),
    _p("violence", _V, _C, "let leave",
       rf"\b{_ABUSER} {_FILLER}(?:will not|do not|does not|did not|would not|won't) let (?:me|us) "
       r"(?:leave|out|go out|go anywhere|see|have|talk|use)\b"
       r"|\bblocked the door\b|\bblocks the door\b|\bwould not let me leave\b"),
    _p("control", _V, _C, "phone passport money card cards documents papers keys sim wages "
       "pension laptop insulin id",
       r"\b(?:took|takes|taken|has|keeps|kept|hides|hid|broke|smashed|destroyed) (?:away )?"
       r"(?:my|all my) (?:phone|passport|documents|papers|bank card|card|cards|money|wages|"
       r"pension|keys|car keys|sim|laptop|insulin|id)\b"
       r"(?! (?:by accident|accidentally|to fix|for repair|charger))"),
    _p("control", _V, _C, "money",
       r"\b(?:controls|control|controlling) (?:all )?(?:the |my )?(?:money|finances|bank)\b"
       r"(?=.*\b(?:ask|receipts|allowed|let|hides|gives me|have to)\b)"),
    _p("control", _V, _C, "allowed",
       r"\b(?:not allowed|never allowed|am not allowed|is not allowed) (?:to )?"
       r"(?:see|go|leave|out|talk|have|use|work)\b"),
    _p("control", _V, _C, "tracker tracks tracking location cameras",
       r"\b(?:tracker|tracking app|tracks my|tracking my|checks my location|cameras?)\b"
       r"(?=.*\b(?:my|me|on my)\b)"),
    _p("control", _V, _C, "isolated isolating friends",
       r"\b(?:isolated|isolating|cut) me off from\b"
       r"|\b(?:deleted|blocked) (?:their|my friends|all my)\b.{0,30}\b(?:numbers|contacts|"
       r"phone)\b"),
    _p("control", _V, _C, "turning outside following followed stalking waited",
       r"\b(?:keeps turning up at my (?:work|flat|house|place|door|school|job)|turned up at my|"
       r"waited (?:in|outside) my|followed me home|"
       r"following me|stalking me|is outside my)\b"),
    _p("violence", _V, _C, "afraid scared terrified frightened",
       r"\b(?:afraid|scared|terrified|frightened) (?:that )?(?:he|she|they|my \w+) "
       r"(?:will|would|might|may|is going to|could) (?:kill|hurt|hit|beat|attack|strangle|"
       r"choke) (?:me|us)\b"
       r"|\b(?:afraid|scared|terrified|frightened) to go (?:back )?home\b"
       r"|\b(?:can not|cant|do not want to) go home tonight\b"
       r"|\b(?:afraid|fear|scared|fearing) for my (?:life|safety)\b"
       r"|\b(?:hiding|locked myself) in the (?:bathroom|bedroom|toilet|car)\b"),
    _p("violence", _V, _C, "black bruises marks nose arm",
       r"\b(?:black eye|broke my (?:nose|arm|wrist|rib|ribs|jaw)|finger marks)\b"
       r"|\b(?:left|leaves|leaving) (?:me with )?(?:bruises|marks)\b"),
    _p("violence", _V, _C, "domestic abusive violent",
       r"\bdomestic (?:violence|abuse)\b"
       rf"|\b{_ABUSER} (?:is|was|are|were|has been|have been|can be|gets) "
       r"(?:(?:so|very|really|physically|sometimes) )?(?:abusive|violent)\b"),
    _p("violence", _V, _C, "drives car",
       r"\bdrives (?:really |so )?fast with me\b"),
    _p("violence", _V, _C, "lighter knife gun blade cigarette iron hair",
       r"\b(?:held|holds|put|puts|pressed|presses|pointed|points) (?:a|the|his|her) (?:lighter|"
       r"knife|gun|blade|cigarette|iron) (?:to|against|at) my\b"
       r"|\b(?:dragging|dragged|drags|pulling|pulled) (?:a|the|his|her|my) (?:woman|man|girl|boy|"
       r"wife|girlfriend|kid|child|mom|sister|partner) by the (?:hair|arm|neck)\b"),
    _p("violence", _V, _C, "worse next",
       r"\bi am next\b|\bnext time (?:it will|it'll) be (?:worse|me)\b|\bpay for it later\b"),
    # --- fear of someone's reaction as the reason not to say no
    _p("fear", _F, _Q, "angry anger temper rage",
       r"\b(?:gets|get|got|is|becomes|when (?:he|she|they) (?:is|are|gets)) (?:so |really |"
       r"scary |very )?(?:angry|furious|mad|violent|aggressive|scary)\b"
       r"(?=.*\b(?:when i|if i|say no|scared|afraid|terrified|so i|never ask|do not say|"
       r"let him)\b)"
       r"|\b(?:his|her|their|my \w+'s) (?:temper|anger|rage)\b"
       r"|\bwhat (?:he|she|they) (?:is|are) like when (?:he|she|they) (?:is|are) angry\b"),
    _p("fear", _F, _Q, "afraid scared terrified frightened frightens darr fear",
       r"\b(?:afraid|scared|terrified|frightened|fear) (?:of )?(?:what (?:he|she|they) "
       r"(?:will|would|might) do|(?:his|her|their) (?:reaction|anger|temper))\b"
       r"|\b(?:scared|afraid|terrified) of (?:him|her|them|my (?:husband|wife|partner|"
       r"boyfriend|girlfriend|dad|father|mom|mother|brother|flatmate))\b(?! (?:letting|being|"
       r"thinking|finding))"
       r"|\b(?:he|she) (?:frightens|scares) me\b|\bi am terrified\b(?=.*\bso i\b)"
       r"|\b(?:scared|afraid|terrified) (?:he|she|they) (?:would|will|will get|would get) "
       r"angry\b"),
    _p("fear", _F, _Q, "lose explodes explode mental punish regret screams shouts yells",
       r"\b(?:he will|she will|he would|she would|he'll|she'll|they will) (?:lose it|go mental|"
       r"explode|punish me|make my life hell|go crazy)\b"
       r"|\bi will regret it\b|\bi'll regret it\b"
       r"|\b(?:explodes|blows up)\b(?=.*\b(?:so i|do not|stopped)\b)"
       r"|\b(?:screams|shouts|yells|smashes|breaks things|broke my phone|smashed a mug)\b"
       r"(?=.*\b(?:until i|when i|if i|say no|ask|refuse|take it back|so i)\b)"
       r"|\bbroke my phone\b"),
    # Fear of a person said with them as the subject: "he scares me", "my dad frightens me".
    _p("fear", _F, _Q, "scares frightens terrifies scaring frightening terrifying",
       rf"\b{_ABUSER} (?:really |honestly |actually |sometimes |genuinely )?"
       r"(?:scares|frightens|terrifies|is scaring|is frightening|is terrifying) (?:me|us)\b"),
    _p("fear", _F, _Q, "react reaction",
       r"\b(?:scared|afraid|terrified|frightened) (?:of )?how (?:he|she|my (?:husband|wife|"
       r"partner|boyfriend|girlfriend)) (?:will|would|might|is going to) react\b"),
    _p("fear", _F, _Q, "option choice seen happens pay",
       r"\b(?:not an option|is not an option|no choice)\b(?=.*\b(?:him|her|them|he|she)\b)"
       r"|\b(?:i have|i've) seen what happens\b|\bmakes? me pay for it\b"),
    _p("fear", _F, _Q, "dare safer freezes eggshells might look",
       r"\b(?:do not dare|don't dare|never dare)\b|\bsafer that way\b"
       r"|\bwalks? on eggshells\b|\b(?:gets|has|gives me) (?:this|that|the) (?:scary |angry |"
       r"dark )?look\b|\bmight (?:hurt me|hit me)\b"
       r"|\balways feel like he might\b"),
    # --- hopelessness and exhaustion (check-in)
    _p("hopeless", _D, _Q, "anymore more this",
       r"\bcan not (?:do|take|keep doing|handle|cope with) (?:this|it|any of this|this life)"
       r"(?: \w+)?(?: anymore| any more| much longer)\b"
       r"|\b(?:can not|do not know how much longer i can) (?:do|keep doing|take) this\b"
       # A refusal names what or whom it refuses: "can't take this on" (a task), "can't do
       # this for you", "can't do this today"; despair stops at "this".
       r"(?! (?:job|course|class|assignment|homework|project|diet|commute|week|shift|on|for|"
       r"today|tonight|tomorrow|weekend|time|one|favour|favor)\b)"),
    _p("hopeless", _D, _Q, "on going",
       r"\bi (?:just |really |honestly |simply |truly )?can not (?:go on|keep going)\b",
       unless=r"^ ?(?:like (?:this|that) )?(?:with|about|at|in|for|on|to|without|until|after|"
       r"before|a|an|the|my|his|her|our|their|holiday|vacation|trips?|tour|stage|air|dates?|"
       r"rides?|leave|strike|break|camping|and on|forever about)\b"),
    _p("hopeless", _D, _Q, "point",
       r"\b(?:what is|whats) (?:even )?the point(?: of (?:me|anything|it all|trying|living|"
       r"going on|life))?(?: anymore| honestly| \.|$)"
       r"|\bno point\b(?= (?:\.|$|in anything|anymore|in trying|to anything|no point))"
       r"|\bpoint of me\b"),
    _p("hopeless", _D, _Q, "way out",
       r"\b(?:no|do not see a|can not see a|can not see any|there is no) way out\b"
       r"|\btrapped\b.{0,30}\bno (?:door|way|exit)\b"),
    _p("hopeless", _D, _Q, "hopeless pointless worthless empty hollow useless broken",
       r"\b(?:feel|feels|feeling|i am|life is|everything is|it is all|life feels|everything "
       r"feels) (?:so |completely |totally |just |really )?(?:hopeless|pointless|worthless|"
       r"empty|hollow|useless|broken beyond)\b"
       r"|\bi am (?:hollow|broken beyond)\b"),
    _p("hopeless", _D, _Q, "better change",
       r"\b(?:never|not ever|nothing|it is never|it'll never|it will never) (?:going to )?"
       r"(?:get|gets|change|changes|getting) (?:any )?(?:better|change)\b"
       r"|\bnothing (?:is )?(?:ever )?going to (?:get better|change)\b"
       r"|\bnever does\b(?=.*\b(?:tired|hoping|hope)\b)"),
    _p("hopeless", _D, _Q, "future",
       r"\b(?:do not|can not|don't) see (?:a|any) future\b|\bno future for me\b"),
    _p("hopeless", _D, _Q, "disappear vanish",
       r"\b(?:want|wanted|wish i could|just want) to (?:disappear|vanish)\b(?! (?:into|to|"
       r"under|for the weekend|for a week))"),
    _p("hopeless", _D, _Q, "tired exhausted",
       r"\b(?:so |really )?tired of (?:everything|it all|being me|fighting|hoping|existing|"
       r"trying|holding)\b"
       r"|\bexhausted in a way\b|\btired of existing\b"),
    _p("hopeless", _D, _Q, "give up done",
       r"\bi (?:give|gave) up\b(?= ?(?:\.|$|on everything|on me|on life|on myself))"
       r"|\b(?:i am|i'm) done (?:trying|with everything|with it all|with life)\b"
       r"|\bi am done\b(?= ?(?:\.|$))"),
    _p("hopeless", _D, _Q, "caring care",
       r"\bstopped caring (?:what happens to me|about myself|about anything)\b"),
    _p("hopeless", _D, _Q, "fight rope point bother apart",
       r"\b(?:run out of|no) fight\b|\bat the end of my rope\b|\bbreaking point\b|\bwhy bother\b"
       r"|\bfalling apart\b(?=.*\bnobody\b)"),
    _p("hopeless", _D, _Q, "drowning",
       r"\bdrowning\b(?= (?:and|inside|\.|$))|\bunderwater all the time\b"),
    _p("not alive", _S, _Q, "disappointed",
       r"\bwake up disappointed\b|\bdisappointed (?:that )?i (?:woke up|am still (?:here|alive)|"
       r"did not die)\b"),
    _p("hopeless", _D, _Q, "much",
       r"\beverything is (?:just )?too much\b(?! (?:fun|for my budget))"),
    _p("hopeless", _D, _Q, "through going",
       r"\b(?:do not|can not) see how i (?:get|can get|will get|am going to get|can keep|keep|"
       r"will keep|can go on|can carry on) (?:through|going|on)\b"),
    _p("hopeless", _D, _Q, "pretending numb mornings days nights",
       r"\btired of pretending\b|\b(?:i am|i feel|feeling|i have gone) (?:so |completely |just )?"
       r"numb\b|\b(?:do not know|dunno|not sure) how (?:many more|much longer)\b"),
    _p("hopeless", _D, _Q, "light",
       r"\bcan not see the light\b"),
    _p("hopeless", _D, _Q, "live like",
       r"\bhow long can (?:someone|anyone|a person|i) live like this\b"),
    _p("hopeless", _D, _Q, "help fixing",
       r"\b(?:no one|nobody) can help me\b|\bbeyond (?:fixing|repair|help)\b"
       r"|\bnothing can be done for me\b"),
)

# Suicide first, then self-harm, sexual violence, violence, then the check-in kinds: when a
# message carries more than one, the reply for the gravest risk is the one they see.
KIND_PRIORITY: tuple[CrisisKind, ...] = (_S, _H, _SV, _V, _F, _D)
