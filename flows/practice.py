"""Boundary-setting practice: a scene, the person's reply, feedback on their own words, a ladder.

Before the first practice a short safety screen tells difficulty from danger: saying no being
hard (guilt, sulking, arguments) is what practice is for and leaves every relationship open;
someone who could become angry in a way that frightens or hurts the person is asked about by
relationship ("who?"), and only those are left out (or practice is paused), kindly and with
help. With consent the answers live in the person's prefs (and as an entry) and can be changed
from /practice at any time; without it they are held only in this practice session's context.

Fear or violence in a practice reply or a debrief ("he gets really angry when I do") never gets
feedback: the safety interrupt hands it to `on_safety`, which pauses practice with that
relationship for the session, shows a safety note with local help, and offers to leave that
relationship out for good or to answer the safety questions again.

Where the person stands on the ladder lives in prefs too: the level they chose, the scenes done
(so none repeats before its pool is used up) and recent confidence ratings (which earn the offer
of a harder, or a lighter, level). Everything the person writes or chooses is kept as an entry:
`practice` (their reply), `practice_rating`, `practice_debrief` and `practice_safety`.
"""

from __future__ import annotations

import random
from typing import Any, cast

from transitions import EventData

from content import Content
from content.practice import CONTEXTS, DIMENSIONS, PracticeContent, Scenario
from flows.acknowledge import next_variant
from flows.crisis import Assessment, CrisisKind
from flows.engine import Engine
from flows.events import Button
from flows.flow import Flow, event_arg, turn_of
from flows.ports import EntryRecord
from flows.practice_feedback import (
    Analysis,
    Finding,
    Observation,
    Verdict,
    analyse,
    find_observations,
    suggestion_for,
    summarize,
)
from flows.practice_ladder import (
    Attempt,
    LadderStep,
    choose_scenario,
    ladder_step,
    level_after,
    pool_restarts,
)
from flows.safety import (
    answer_danger_in_rehearsal,
    ask_country_once,
    country_of,
)
from flows.turn import Turn

ENTRY_KIND = "practice"
RATING_KIND = "practice_rating"
DEBRIEF_KIND = "practice_debrief"
SAFETY_KIND = "practice_safety"

SAFETY_PREF = "practice_safety"  # {"feels", "unsafe": [contexts], "hurt", "answered_at"}
LEVEL_PREF = "practice_level"  # the level the person chose (1-3)
DONE_PREF = "practice_done"  # scenario ids done, oldest first
RATINGS_PREF = "practice_ratings"  # [[level, confidence], ...], oldest first
# Enough history to rotate the 40-scene library many times; older items are dropped.
DONE_LIMIT = 200
RATINGS_LIMIT = 50

ANY_CONTEXT = "any"
DIMENSION_KEY = "dimension"  # ctx: practise scenes of one dimension (from a self-check)
WANTED_KEY = "wanted"  # ctx: the part of life asked for before the safety screen
CONFIDENCE_SCALE = range(1, 6)
DEBRIEF_QUESTIONS = ("practice.debrief.q1", "practice.debrief.q2", "practice.debrief.q3")
TEXT_KEY_PREFIXES = (
    "practice.context.",
    "practice.level.",
    "practice.debrief.q",
    "practice.verdict.",
    "practice.rated.",
)
RATED_PREF = "practice_rated"  # kind of rating response -> variant shown last, so none repeats

# How saying no to them usually goes: fine, hard (guilt, sulking, arguments), or dangerous.
FEELS = ("fine", "hard", "danger")
HURT_ANSWERS = ("yes", "no", "skip")
# The resources shown when a relationship does not feel safe: those for abuse at home.
SAFETY_RESOURCE_KIND = "violence"
# Conversation context of this practice session (dropped when practice ends).
SESSION_SAFETY_KEY = "safety_held"  # the screen's answers, without consent: never stored
PAUSED_HERE_KEY = "paused_here"  # relationships paused after a disclosure in this session
STOPPED_KEY = "safety_stop"  # {"context": ..., "kind": ...}: the safety note on screen
SESSION_KEYS = (SESSION_SAFETY_KEY, PAUSED_HERE_KEY)
# Danger from someone else: in practice this replaces feedback with a safety note.
DANGER_KINDS = frozenset({CrisisKind.VIOLENCE, CrisisKind.SEXUAL_VIOLENCE, CrisisKind.FEAR})
# Where typed text would be taken as practice material (a reply or a debrief answer).
TEXT_STATES = ("replying", "debrief")


def practice_content(content: Content) -> PracticeContent:
    """The parsed practice.yaml."""
    return cast(PracticeContent, content.section("practice"))


# --- what is kept about the person ------------------------------------------------------------


def saved_safety(turn: Turn) -> dict[str, Any] | None:
    """The person's latest safety answers (held for this session, else stored), or None."""
    for found in (turn.ctx.get(SESSION_SAFETY_KEY), turn.user.prefs.get(SAFETY_PREF)):
        if isinstance(found, dict):
            return dict(found)
    return None


def excluded_contexts(turn: Turn) -> list[str]:
    """Relationships not to practise with, in order: stored answers, answers held for this
    session (someone who stopped keeping words), and this session's pauses, all together."""
    unsafe = set(turn.ctx.get(PAUSED_HERE_KEY, []))
    for found in (turn.ctx.get(SESSION_SAFETY_KEY), turn.user.prefs.get(SAFETY_PREF)):
        if isinstance(found, dict):
            unsafe |= set(found.get("unsafe", []))
    return [context for context in CONTEXTS if context in unsafe]


def keep_safety(turn: Turn, record: dict[str, Any]) -> None:
    """Store the safety answers with consent; without it, hold them for this session only."""
    if turn.keeps_words:
        turn.user.prefs[SAFETY_PREF] = record
        turn.keep(SAFETY_KIND, data=record)
    else:
        turn.ctx[SESSION_SAFETY_KEY] = record


def allowed_contexts(turn: Turn) -> list[str]:
    """Relationships open to practice."""
    excluded = set(excluded_contexts(turn))
    return [context for context in CONTEXTS if context not in excluded]


def practice_level(turn: Turn) -> int:
    """The ladder level the person practises at (newcomers start at 1)."""
    level = turn.user.prefs.get(LEVEL_PREF, 1)
    return level if isinstance(level, int) and 1 <= level <= 3 else 1


def done_ids(turn: Turn) -> list[str]:
    """Scenes done so far, oldest first."""
    return [str(item) for item in turn.user.prefs.get(DONE_PREF, [])]


def attempts(turn: Turn) -> list[Attempt]:
    """Recent confidence ratings with the level of each scene, oldest first."""
    return [
        Attempt(int(level), int(rating)) for level, rating in turn.user.prefs.get(RATINGS_PREF, [])
    ]


def _append_pref(turn: Turn, key: str, item: Any, limit: int) -> None:
    """Append to a list pref as a new list, so the engine sees the change and saves it."""
    turn.user.prefs[key] = [*turn.user.prefs.get(key, []), item][-limit:]


def final_unsafe(feels: str, picked: list[str], hurt: str) -> list[str]:
    """Which relationships to leave out, from the safety answers.

    Only danger leaves a relationship out, and only the ones the person named: saying no
    being hard (guilt, sulking, arguments) is what practice is for. Danger or hurt with
    nobody named is asked about ("who?") before this is called, never guessed.
    """
    if feels != "danger" and hurt != "yes":
        return []
    return [context for context in CONTEXTS if context in set(picked)]


# --- texts built from several keys -----------------------------------------------------------


def context_label(turn: Turn, context: str) -> str:
    """The name of a relationship context as shown to the person."""
    return turn.say(f"practice.context.{context}")


def _joined_contexts(turn: Turn, contexts: list[str]) -> str:
    """Context names for a sentence: "partner, family"."""
    return ", ".join(context_label(turn, context).lower() for context in contexts)


def safety_resources(turn: Turn, kind: str = SAFETY_RESOURCE_KIND) -> str:
    """Where to get help: the local lines for abuse at home (or `kind`), as in a crisis reply."""
    return turn.content.safety.resources_text(country_of(turn.user), kind)


def quoted_text(template: str, finding: Finding, suggestion: str = "") -> str:
    """An observation text with the person's own fragment and a scene's suggestion filled in."""
    # A plain replace, not str.format: the person's words may contain braces.
    return template.replace("{quote}", finding.quote).replace("{suggestion}", suggestion)


def feedback_text(
    turn: Turn, practice: PracticeContent, analysis: Analysis, scenario: Scenario
) -> str:
    """Feedback on the reply: the overall reading, what works, what to try, then examples."""
    verdict_line = turn.say(f"practice.verdict.{analysis.verdict.value}")
    if analysis.verdict is Verdict.SAFETY:
        # Nothing in a frightened or exhausted reply is named or praised.
        return verdict_line
    suggestion = suggestion_for(scenario.examples) or turn.say("practice.suggestion_fallback")
    chosen = summarize(analysis.findings)
    strengths = [f for f in chosen if f.is_strength]
    weak_spots = [f for f in chosen if not f.is_strength]
    parts = [turn.say("practice.feedback_intro"), verdict_line]

    def bullet(finding: Finding) -> str:
        template = practice.observations[finding.observation]
        return f"• {quoted_text(template, finding, suggestion)}"

    if strengths:
        lines = [turn.say("practice.feedback_strengths")] + [bullet(f) for f in strengths]
        parts.append("\n".join(lines))
    if weak_spots:
        lines = [turn.say("practice.feedback_try")] + [bullet(f) for f in weak_spots]
        parts.append("\n".join(lines))
    examples_key = (
        "practice.examples_one" if len(scenario.examples) == 1 else "practice.examples_many"
    )
    lines = [turn.say(examples_key)] + [f"“{example}”" for example in scenario.examples]
    parts.append("\n".join(lines))
    if not turn.ctx.get("examples_noted"):
        # The "only examples" note is said once per practice session, not after every scene.
        parts.append(turn.say("practice.examples_note"))
        turn.ctx["examples_noted"] = True
    if not turn.keeps_words:
        parts.append(turn.say("practice.not_stored_note"))
    return "\n\n".join(parts)


# --- the flow ---------------------------------------------------------------------------------


class PracticeFlow(Flow):
    """Safety screen, context choice, scene, reply, feedback, confidence, ladder, debrief."""

    name = "practice"
    states = [
        "picking",
        "safety_q1",
        "safety_q2",
        "safety_q3",
        "paused",
        "reviewing",
        "replying",
        "rating",
        "offer",
        "next",
        "debrief",
        "held",
    ]
    initial = "picking"
    transitions = [
        # The safety screen.
        {"trigger": "screen", "source": "picking", "dest": "safety_q1", "after": "begin_screen"},
        {
            "trigger": "redo",
            "source": ["reviewing", "paused"],
            "dest": "safety_q1",
            "after": "begin_screen",
        },
        {
            "trigger": "feel",
            "source": "safety_q1",
            "dest": "safety_q2",
            "conditions": "answered_danger",
            "after": "note_feeling",
        },
        {"trigger": "feel", "source": "safety_q1", "dest": "safety_q3", "after": "note_feeling"},
        {
            "trigger": "toggle",
            "source": "safety_q2",
            "dest": "safety_q2",
            "after": "toggle_unsafe",
        },
        {
            "trigger": "done",
            "source": "safety_q2",
            "dest": "safety_q2",
            "unless": "picked_any",
            "after": "ask_to_pick",
        },
        {
            "trigger": "done",
            "source": "safety_q2",
            "dest": "paused",
            "conditions": ["hurt_answered", "pauses_everything"],
            "after": "settle_safety",
        },
        {
            "trigger": "done",
            "source": "safety_q2",
            "dest": "picking",
            "conditions": "hurt_answered",
            "after": "settle_safety",
        },
        {"trigger": "done", "source": "safety_q2", "dest": "safety_q3", "after": "ask_hurt"},
        {
            "trigger": "hurt",
            "source": "safety_q3",
            "dest": "safety_q2",
            "conditions": "needs_who",
            "after": "ask_who_hurts",
        },
        {
            "trigger": "hurt",
            "source": "safety_q3",
            "dest": "paused",
            "conditions": "pauses_everything",
            "after": "settle_safety",
        },
        {"trigger": "hurt", "source": "safety_q3", "dest": "picking", "after": "settle_safety"},
        {"trigger": "pause", "source": "picking", "dest": "paused", "after": "show_paused"},
        {
            "trigger": "review",
            "source": ["picking", "next"],
            "dest": "reviewing",
            "after": "show_review",
        },
        {"trigger": "keep", "source": "reviewing", "dest": "picking", "after": "show_picker"},
        # Danger in a reply or debrief: the safety note, then the person's choice.
        {"trigger": "safety_stop", "source": list(TEXT_STATES), "dest": "held"},
        {
            "trigger": "leave_out",
            "source": "held",
            "dest": "paused",
            "conditions": "leaves_nothing_open",
            "after": "leave_out_context",
        },
        {
            "trigger": "leave_out",
            "source": "held",
            "dest": "picking",
            "after": "leave_out_context",
        },
        {"trigger": "redo", "source": "held", "dest": "safety_q1", "after": "begin_screen"},
        {"trigger": "elsewhere", "source": "held", "dest": "picking", "after": "show_picker"},
        # Practising.
        {
            "trigger": "choose",
            "source": ["picking", "next"],
            "dest": "replying",
            "conditions": "open_choice",
            "after": "show_scene",
        },
        {
            "trigger": "another",
            "source": ["replying", "next"],
            "dest": "replying",
            "after": "show_scene",
        },
        {
            "trigger": "other_context",
            "source": ["replying", "next"],
            "dest": "picking",
            "after": "show_picker",
        },
        {"trigger": "answer", "source": "replying", "dest": "rating", "after": "give_feedback"},
        {"trigger": "offer", "source": "rating", "dest": "offer", "after": "show_offer"},
        {"trigger": "rated", "source": "rating", "dest": "next", "after": "show_next"},
        {"trigger": "accept", "source": "offer", "dest": "next", "after": "accept_offer"},
        {"trigger": "decline", "source": "offer", "dest": "next", "after": "decline_offer"},
        # "I tried it for real".
        {
            "trigger": "tried",
            "source": ["picking", "next"],
            "dest": "debrief",
            "after": "start_debrief",
        },
        {
            "trigger": "debrief_answer",
            "source": "debrief",
            "dest": "debrief",
            "after": "keep_debrief_answer",
        },
        {
            "trigger": "debrief_skip",
            "source": "debrief",
            "dest": "debrief",
            "after": "skip_debrief_question",
        },
    ]

    def __init__(self, content: Content) -> None:
        super().__init__(content)
        self.practice = practice_content(content)

    # Entering

    def start(self, turn: Turn, **kwargs: Any) -> None:
        """Screen first; then go where /practice's argument points, or show the picker."""
        arg = str(kwargs.get("arg") or "").strip().lower()
        session = kwargs.get("session")
        if isinstance(session, dict):  # /practice again mid-session keeps what it held
            turn.ctx.update({k: v for k, v in session.items() if k in SESSION_KEYS})
        if saved_safety(turn) is None:
            if arg in CONTEXTS:  # asked for a part of life: go there once the screen is done
                turn.ctx[WANTED_KEY] = arg
            turn.reply(turn.say("practice.intro"))
            self.fire(turn, "screen")
        elif not allowed_contexts(turn):
            self.fire(turn, "pause")
        elif arg == "safety":
            self.fire(turn, "review")
        elif arg in ("tried", "debrief"):
            self.fire(turn, "tried")
        elif arg in (*CONTEXTS, ANY_CONTEXT):
            self.choose(turn, arg)
        elif arg in DIMENSIONS:  # from a self-check suggestion: scenes that train this
            turn.ctx[DIMENSION_KEY] = arg
            self.choose(turn, ANY_CONTEXT)
        else:
            self.prompt(turn)

    def prompt(self, turn: Turn) -> None:
        """Show where the person is: a question, the scene, or the choices."""
        shows = {
            "picking": self.ask_context,
            "safety_q1": self.ask_feeling,
            "safety_q2": self.ask_unsafe,
            "safety_q3": self.ask_hurt_question,
            "paused": self.paused_message,
            "reviewing": self.review_message,
            "replying": self.repeat_scene,
            "rating": self.ask_confidence,
            "offer": self.offer_message,
            "next": self.next_message,
            "debrief": self.ask_debrief,
            "held": self.held_message,
        }
        shows[turn.state](turn)

    # Input

    def on_text(self, turn: Turn) -> None:
        """A reply to the scene, a debrief answer, a typed rating or context; else a nudge."""
        if turn.state == "replying":
            if self.current_scenario(turn) is None:
                self.fire(turn, "other_context")
            elif analyzed_as_empty(turn.text):
                finding = Finding(Observation.EMPTY)
                turn.reply(quoted_text(self.practice.observations[finding.observation], finding))
                self.repeat_scene(turn)
            else:
                self.fire(turn, "answer", text=turn.text)
        elif turn.state == "debrief":
            self.fire(turn, "debrief_answer", text=turn.text)
        elif turn.state == "rating" and turn.text.isdigit():
            self.rate(turn, turn.text)
        elif turn.state == "picking" and self._typed_context(turn):
            self.choose(turn, self._typed_context(turn) or ANY_CONTEXT)
        else:
            super().on_text(turn)

    def on_button(self, turn: Turn, action: str, arg: str) -> None:
        """This flow's buttons; stop, ratings and context choices get a closer look."""
        if action == "stop":
            self.stop(turn)
        elif action == "rate":
            self.rate(turn, arg)
        elif action == "choose":
            self.choose(turn, arg)
        elif action == "hurt" and turn.state == "safety_q3":
            answers = dict(turn.ctx.get("safety", {}))
            answers["hurt"] = arg if arg in HURT_ANSWERS else "skip"
            turn.ctx["safety"] = answers
            self.fire(turn, "hurt")
        elif action == "everyone" and turn.state == "safety_q2":
            # "Everyone, or I'd rather not say": without a name, no relationship is practised.
            turn.ctx["safety"] = {**turn.ctx.get("safety", {}), "unsafe": list(CONTEXTS)}
            self.fire(turn, "done")
        else:
            super().on_button(turn, action, arg)

    # Danger in what the person typed

    def on_safety(self, turn: Turn, assessment: Assessment) -> bool:
        """Fear or violence in a reply or debrief (now or in the past): a safety note instead
        of feedback.

        Practice with that relationship is paused for this session; the person can leave it
        out for good, answer the safety questions again, or practise with someone else. A
        crisis reading still gets the full crisis reply first.
        """
        kind = assessment.kind
        if turn.state not in TEXT_STATES or kind not in DANGER_KINDS or assessment.about_other:
            return False
        scenario = self.current_scenario(turn) if turn.state == "replying" else None
        context = scenario.context if scenario is not None else None
        if context is not None:
            paused = [c for c in turn.ctx.get(PAUSED_HERE_KEY, []) if c != context]
            turn.ctx[PAUSED_HERE_KEY] = [*paused, context]
        turn.ctx[STOPPED_KEY] = {"context": context, "kind": kind.value}
        # Never back to the same scene or the same debrief: carrying on lands on the choices.
        turn.ctx.pop("scenario", None)
        turn.ctx.pop("debrief", None)
        self.fire(turn, "safety_stop")
        if not answer_danger_in_rehearsal(turn, assessment, turn.say("practice.safety.fear_note")):
            self.held_message(turn)
        return True

    def held_message(self, turn: Turn) -> None:
        """After the safety note: leave that relationship out, answer again, or elsewhere."""
        context = (turn.ctx.get(STOPPED_KEY) or {}).get("context")
        rows: list[list[Button]] = []
        if context in CONTEXTS:
            label = context_label(turn, context)
            text = turn.say("practice.safety.held_context", context=label.lower())
            rows.append(
                [turn.button("practice.safety.leave_out", "leave_out", context=label.lower())]
            )
        else:
            text = turn.say("practice.safety.held_unknown")
        rows.append([turn.button("practice.safety.button_redo_long", "redo")])
        if context in CONTEXTS and allowed_contexts(turn):
            rows.append([turn.button("practice.safety.elsewhere", "elsewhere")])
        rows.append([turn.button("practice.button.stop", "stop")])
        turn.reply(text, rows)

    def leaves_nothing_open(self, event: EventData) -> bool:
        """Leaving this relationship out would leave none to practise with."""
        turn = turn_of(event)
        context = (turn.ctx.get(STOPPED_KEY) or {}).get("context")
        return set(CONTEXTS) <= {*excluded_contexts(turn), context}

    def leave_out_context(self, event: EventData) -> None:
        """Mark the relationship on the safety note as not safe to practise with."""
        turn = turn_of(event)
        context = str((turn.ctx.pop(STOPPED_KEY, None) or {}).get("context"))
        record = saved_safety(turn) or {"feels": "danger", "unsafe": [], "hurt": "no"}
        unsafe = {*record.get("unsafe", []), context} & set(CONTEXTS)
        record.update(
            unsafe=[c for c in CONTEXTS if c in unsafe], answered_at=turn.now.isoformat()
        )
        keep_safety(turn, record)
        turn.reply(
            turn.say("practice.safety.left_out", context=context_label(turn, context).lower())
        )
        if turn.state == "paused":
            self.paused_message(turn)
        else:
            self.ask_context(turn)

    def stop(self, turn: Turn) -> None:
        """/stop or the stop button: a kind word and back to the menu."""
        if turn.state == "debrief" and turn.ctx.get("debrief", {}).get("answered"):
            key = "practice.debrief.thanks"
        elif turn.ctx.get("practised"):
            key = "practice.stop"
        else:
            key = "practice.maybe_later"
        turn.reply(turn.say(key), self._again_buttons(turn))
        turn.finish()

    def _again_buttons(self, turn: Turn) -> list[list[Button]]:
        return [
            [turn.link("practice.menu_label", "go:practice"), turn.link("common.menu", "go:menu")],
            [turn.link("prepare.offer_after_practice", "go:prepare")],
        ]

    def _typed_context(self, turn: Turn) -> str | None:
        """A context typed by name ("work", "Partner") while choosing."""
        wanted = turn.text.casefold()
        for context in (*CONTEXTS, ANY_CONTEXT):
            if wanted in (context, context_label(turn, context).casefold()):
                return context
        return None

    def choose(self, turn: Turn, context: str) -> None:
        """Practise in a context; one the person marked unsafe is explained, not offered."""
        if context in CONTEXTS and context not in allowed_contexts(turn):
            turn.reply(
                turn.say("practice.safety.context_paused", context=context_label(turn, context))
            )
            self.prompt(turn)
            return
        if not self.fire(turn, "choose", arg=context):
            turn.engine.stale_button(turn)

    def rate(self, turn: Turn, arg: str) -> None:
        """Keep a confidence rating, then offer a step on the ladder or the next choices."""
        if turn.state != "rating":
            turn.engine.stale_button(turn)
            return
        if not (arg.isdigit() and int(arg) in CONFIDENCE_SCALE):
            self.prompt(turn)
            return
        confidence = int(arg)
        turn.ctx["confidence"] = confidence
        level = int(turn.ctx.get("level", practice_level(turn)))
        if turn.keeps_words:  # the rating history in the journal is kept only with consent
            turn.keep(
                RATING_KIND,
                content_id=turn.ctx.get("scenario"),
                data={"level": level, "confidence": confidence},
            )
        # The last ratings (numbers only) pick the next level; /privacy says so.
        _append_pref(turn, RATINGS_PREF, [level, confidence], RATINGS_LIMIT)
        step = ladder_step(attempts(turn))
        if step is LadderStep.STAY:
            self.fire(turn, "rated")
        else:
            turn.ctx["offer"] = step.value
            self.fire(turn, "offer")

    # Conditions

    def answered_danger(self, event: EventData) -> bool:
        """Someone could become angry in a way that frightens or hurts the person."""
        return event_arg(event, "arg") == "danger"

    def picked_any(self, event: EventData) -> bool:
        """At least one relationship was named."""
        return bool(turn_of(event).ctx.get("safety", {}).get("unsafe"))

    def hurt_answered(self, event: EventData) -> bool:
        """Question 3 is already answered (we came back to ask who)."""
        return turn_of(event).ctx.get("safety", {}).get("hurt") in HURT_ANSWERS

    def needs_who(self, event: EventData) -> bool:
        """Someone is hurting them and nobody was named yet: ask who, never guess."""
        answers = turn_of(event).ctx.get("safety", {})
        return answers.get("hurt") == "yes" and not answers.get("unsafe")

    def pauses_everything(self, event: EventData) -> bool:
        """The answers leave no relationship open to practice."""
        answers = turn_of(event).ctx.get("safety", {})
        unsafe = final_unsafe(
            str(answers.get("feels", "fine")),
            list(answers.get("unsafe", [])),
            str(answers.get("hurt", "no")),
        )
        return len(unsafe) == len(CONTEXTS)

    def open_choice(self, event: EventData) -> bool:
        """A known context (or "any") that is open to practice."""
        choice = str(event_arg(event, "arg", ""))
        allowed = allowed_contexts(turn_of(event))
        return choice in allowed or (choice == ANY_CONTEXT and bool(allowed))

    # The safety screen

    def begin_screen(self, event: EventData) -> None:
        """Explain why we ask, then ask the first question."""
        turn = turn_of(event)
        turn.ctx["safety"] = {"feels": None, "unsafe": []}
        turn.reply(turn.say("practice.safety.intro"))
        self.ask_feeling(turn)

    def ask_feeling(self, turn: Turn) -> None:
        """Question 1: what is it like when you say no to them? Hard is not the same as unsafe."""
        turn.reply(
            turn.say("practice.safety.q1"),
            [
                [turn.button("practice.safety.answer_fine", "feel", "fine")],
                [turn.button("practice.safety.answer_hard", "feel", "hard")],
                [turn.button("practice.safety.answer_danger", "feel", "danger")],
            ],
        )

    def note_feeling(self, event: EventData) -> None:
        """Remember the first answer and ask the next question."""
        turn = turn_of(event)
        answer = str(event_arg(event, "arg", ""))
        turn.ctx["safety"] = {"feels": answer if answer in FEELS else "fine", "unsafe": []}
        if turn.state == "safety_q2":
            self.ask_unsafe(turn)
        else:
            self.ask_hurt_question(turn)

    def ask_unsafe(self, turn: Turn) -> None:
        """Question 2: who could react like that (tap to mark, then Done)."""
        picked = set(turn.ctx.get("safety", {}).get("unsafe", []))
        rows = []
        for context in CONTEXTS:
            label = context_label(turn, context)
            if context in picked:
                label = turn.say("practice.safety.picked", context=label)
            rows.append([turn.choice(label, "toggle", context)])
        rows.append([turn.button("practice.safety.done", "done")])
        rows.append([turn.button("practice.safety.everyone", "everyone")])
        turn.reply(turn.say("practice.safety.q2"), rows)

    def toggle_unsafe(self, event: EventData) -> None:
        """Mark or unmark one relationship."""
        turn = turn_of(event)
        context = str(event_arg(event, "arg", ""))
        answers = dict(turn.ctx.get("safety", {}))
        picked = set(answers.get("unsafe", []))
        if context in CONTEXTS:
            picked ^= {context}
        answers["unsafe"] = [c for c in CONTEXTS if c in picked]
        turn.ctx["safety"] = answers
        self.ask_unsafe(turn)

    def ask_to_pick(self, event: EventData) -> None:
        """Done with nothing marked: explain, and ask again."""
        turn = turn_of(event)
        turn.reply(turn.say("practice.safety.pick_one"))
        self.ask_unsafe(turn)

    def ask_hurt(self, event: EventData) -> None:
        """Move on to question 3."""
        self.ask_hurt_question(turn_of(event))

    def ask_hurt_question(self, turn: Turn) -> None:
        """Question 3: is anyone hurting, threatening or frightening you right now?"""
        turn.reply(
            turn.say("practice.safety.q3"),
            [
                [
                    turn.button("practice.safety.answer_q3_yes", "hurt", "yes"),
                    turn.button("practice.safety.answer_q3_no", "hurt", "no"),
                ],
                [turn.button("practice.safety.rather_not", "hurt", "skip")],
            ],
        )

    def ask_who_hurts(self, event: EventData) -> None:
        """Someone is hurting them: ask who, so the right relationships are left out."""
        turn = turn_of(event)
        turn.reply(turn.say("practice.safety.who_hurts"))
        self.ask_unsafe(turn)

    def settle_safety(self, event: EventData) -> None:
        """Keep the answers (see `keep_safety`); say what they mean; offer help when needed."""
        turn = turn_of(event)
        answers = turn.ctx.pop("safety", {}) or {}
        wanted = turn.ctx.pop(WANTED_KEY, None)
        hurt = str(answers.get("hurt") or "no")
        feels = str(answers.get("feels") or "fine")
        unsafe = final_unsafe(feels, list(answers.get("unsafe", [])), hurt)
        record = {
            "feels": feels,
            "unsafe": unsafe,
            "hurt": hurt,
            "answered_at": turn.now.isoformat(),
        }
        keep_safety(turn, record)
        if not turn.keeps_words:
            turn.reply(turn.say("practice.safety.not_stored"))
        if len(unsafe) == len(CONTEXTS):
            turn.reply(turn.say("practice.safety.unsafe"))
            turn.reply(safety_resources(turn), self._paused_buttons(turn))
            ask_country_once(turn, SAFETY_RESOURCE_KIND)
            return
        if unsafe:
            turn.reply(
                turn.say("practice.safety.limited", contexts=_joined_contexts(turn, unsafe))
            )
            turn.reply(safety_resources(turn))
            ask_country_once(turn, SAFETY_RESOURCE_KIND)
        elif hurt == "skip":  # unsaid is fine; help stays one look away
            turn.reply(turn.say("practice.safety.all_safe"))
            turn.reply(safety_resources(turn))
            ask_country_once(turn, SAFETY_RESOURCE_KIND)
        elif feels == "hard":
            turn.reply(turn.say("practice.safety.hard_is_ok"))
        else:
            turn.reply(turn.say("practice.safety.all_safe"))
        if wanted in CONTEXTS:  # says so kindly when that part of life was left out
            self.choose(turn, wanted)
        else:
            self.ask_context(turn)

    def show_paused(self, event: EventData) -> None:
        """Practice is paused: say why and how to change it."""
        self.paused_message(turn_of(event))

    def paused_message(self, turn: Turn) -> None:
        """The paused notice with help and a way to answer again."""
        turn.reply(turn.say("practice.safety.paused"))
        turn.reply(safety_resources(turn), self._paused_buttons(turn))

    def _paused_buttons(self, turn: Turn) -> list[list[Button]]:
        return [
            [turn.button("practice.safety.button_redo", "redo")],
            [turn.link("common.menu", "go:menu")],
        ]

    def show_review(self, event: EventData) -> None:
        """Show the stored safety answers and offer to change them."""
        self.review_message(turn_of(event))

    def review_message(self, turn: Turn) -> None:
        """The person's current safety answers, with Answer again / Keep."""
        excluded = excluded_contexts(turn)
        if not excluded:
            summary = turn.say("practice.safety.summary_safe")
        elif len(excluded) == len(CONTEXTS):
            summary = turn.say("practice.safety.summary_unsafe")
        else:
            summary = turn.say(
                "practice.safety.summary_limited", contexts=_joined_contexts(turn, excluded)
            )
        turn.reply(
            "\n\n".join(
                [
                    turn.say("practice.safety.current", summary=summary),
                    turn.say("practice.safety.ask_change"),
                ]
            ),
            [
                [
                    turn.button("practice.safety.button_redo", "redo"),
                    turn.button("practice.safety.button_keep", "keep"),
                ]
            ],
        )

    # Choosing and showing a scene

    def show_picker(self, event: EventData) -> None:
        """Back to choosing a context."""
        self.ask_context(turn_of(event))

    def ask_context(self, turn: Turn) -> None:
        """The context picker, with "I tried it for real" and the safety answers."""
        turn.ctx.pop(DIMENSION_KEY, None)  # picking a context by hand ends a self-check focus
        contexts = [
            turn.button(f"practice.context.{c}", "choose", c) for c in allowed_contexts(turn)
        ]
        rows = [contexts[i : i + 2] for i in range(0, len(contexts), 2)]
        rows.append([turn.button("practice.context.any", "choose", ANY_CONTEXT)])
        rows.append(
            [
                turn.button("practice.button.tried", "tried"),
                turn.button("practice.button.safety", "review"),
            ]
        )
        rows.append([turn.button("common.not_now", "stop")])
        turn.reply(turn.say("practice.pick_context"), rows)

    def show_scene(self, event: EventData) -> None:
        """Pick a scene for the chosen context at the person's level and show it."""
        turn = turn_of(event)
        choice = str(event_arg(event, "arg", "") or turn.ctx.get("choice", ANY_CONTEXT))
        allowed = set(allowed_contexts(turn))
        if choice != ANY_CONTEXT and choice not in allowed:
            choice = ANY_CONTEXT
        context = None if choice == ANY_CONTEXT else choice
        pool = [s for s in self.practice.scenarios if s.context in allowed]
        focus = [s for s in pool if s.dimension == turn.ctx.get(DIMENSION_KEY)]
        pool = focus or pool
        history = done_ids(turn)
        # "Another scene" while a scene is open skips it: avoid showing it straight back.
        avoid = [*history, turn.ctx["scenario"]] if turn.ctx.get("scenario") else history
        level = practice_level(turn)
        rng = random.Random(f"{turn.user.user_id}:{len(history)}:{turn.ctx.get('_step', 0)}")
        scenario = choose_scenario(pool, avoid, level, context, rng)
        if scenario is None:  # nothing open at all (cannot happen with validated content)
            self.stop(turn)
            return
        turn.ctx.update(choice=choice, scenario=scenario.id, level=scenario.difficulty)
        if pool_restarts(pool, history, level, context):
            turn.reply(turn.say("practice.pool_restart"))
        self.repeat_scene(turn)

    def current_scenario(self, turn: Turn) -> Scenario | None:
        """The scene on screen; None if it has left the library since (content changed)."""
        try:
            return self.practice.scenario(str(turn.ctx.get("scenario")))
        except KeyError:
            return None

    def repeat_scene(self, turn: Turn) -> None:
        """The current scene and the question, with ways out."""
        scenario = self.current_scenario(turn)
        if scenario is None:  # the scene is gone: offer a fresh choice instead
            self.fire(turn, "other_context")
            return
        header = turn.say(
            "practice.scene_header",
            context=context_label(turn, scenario.context),
            level=scenario.difficulty,
            level_name=turn.say(f"practice.level.{scenario.difficulty}"),
        )
        turn.reply(
            "\n\n".join([header, scenario.scene, turn.say("practice.ask_reply")]),
            [
                [
                    turn.button("practice.button.next", "another"),
                    turn.button("practice.button.other_context", "other_context"),
                ],
                [turn.button("practice.button.stop", "stop")],
            ],
        )

    # Feedback, confidence and the ladder

    def give_feedback(self, event: EventData) -> None:
        """Keep the reply, show what it does well and what to try, then ask for confidence."""
        turn = turn_of(event)
        text = str(event_arg(event, "text", ""))
        scenario = self.current_scenario(turn)
        assert scenario is not None  # checked in on_text before the trigger fires
        analysis = analyse(text)
        turn.keep(
            ENTRY_KIND,
            content_id=scenario.id,
            text=text,
            data={
                "context": scenario.context,
                "level": scenario.difficulty,
                "verdict": analysis.verdict.value,
                "observations": [f.observation.value for f in analysis.findings],
            },
        )
        _append_pref(turn, DONE_PREF, scenario.id, DONE_LIMIT)
        turn.ctx["practised"] = int(turn.ctx.get("practised", 0)) + 1
        turn.reply(feedback_text(turn, self.practice, analysis, scenario))
        self.ask_confidence(turn)

    def ask_confidence(self, turn: Turn) -> None:
        """How confident would you feel saying it for real? (1-5)"""
        turn.reply(
            turn.say("practice.ask_confidence"),
            [[turn.choice(str(n), "rate", str(n)) for n in CONFIDENCE_SCALE]],
        )

    def show_offer(self, event: EventData) -> None:
        """Offer a harder (or lighter) level."""
        self.offer_message(turn_of(event))

    def offer_message(self, turn: Turn) -> None:
        """The ladder's offer with its two answers."""
        if turn.ctx.get("offer") == LadderStep.OFFER_GENTLER.value:
            text = turn.say("practice.ladder.offer_gentler")
            rows = [
                [turn.button("practice.ladder.button_gentler", "accept")],
                [turn.button("practice.ladder.button_keep", "decline")],
            ]
        else:
            text = turn.say("practice.ladder.offer_harder")
            rows = [
                [turn.button("practice.ladder.button_harder", "accept")],
                [turn.button("practice.ladder.button_stay", "decline")],
            ]
        turn.reply("\n\n".join([rating_response(turn), text]), rows)

    def accept_offer(self, event: EventData) -> None:
        """Move one step on the ladder."""
        turn = turn_of(event)
        step = LadderStep(turn.ctx.pop("offer", LadderStep.STAY.value))
        turn.user.prefs[LEVEL_PREF] = level_after(practice_level(turn), step, accepted=True)
        key = (
            "practice.ladder.moved_down"
            if step is LadderStep.OFFER_GENTLER
            else "practice.ladder.moved_up"
        )
        self.next_message(turn, lead=turn.say(key))

    def decline_offer(self, event: EventData) -> None:
        """Stay at this level, which is a fine choice."""
        turn = turn_of(event)
        turn.ctx.pop("offer", None)
        self.next_message(turn, lead=turn.say("practice.ladder.stayed"))

    def show_next(self, event: EventData) -> None:
        """After a rating with no ladder news: what next?"""
        turn = turn_of(event)
        self.next_message(turn, lead=rating_response(turn))

    def next_message(self, turn: Turn, lead: str = "") -> None:
        """Another scene, another context, a real-life debrief, or enough for now."""
        turn.reply(
            "\n\n".join([part for part in (lead, turn.say("practice.what_next")) if part]),
            [
                [
                    turn.button("practice.button.next", "another"),
                    turn.button("practice.button.other_context", "other_context"),
                ],
                [turn.button("practice.button.tried", "tried")],
                [turn.button("practice.button.stop", "stop")],
            ],
        )

    # "I tried it for real"

    def start_debrief(self, event: EventData) -> None:
        """Three short questions about a real attempt."""
        turn = turn_of(event)
        turn.ctx["debrief"] = {"index": 0, "answered": 0, "id": turn.now.isoformat()}
        turn.reply(turn.say("practice.debrief.intro"))
        self.ask_debrief(turn)

    def ask_debrief(self, turn: Turn) -> None:
        """The current debrief question, with Skip and Stop."""
        index = int(turn.ctx.get("debrief", {}).get("index", 0))
        turn.reply(
            turn.say(DEBRIEF_QUESTIONS[min(index, len(DEBRIEF_QUESTIONS) - 1)]),
            [
                [
                    turn.button("practice.debrief.skip", "debrief_skip"),
                    turn.button("practice.button.stop", "stop"),
                ]
            ],
        )

    def keep_debrief_answer(self, event: EventData) -> None:
        """Keep one debrief answer and move on."""
        turn = turn_of(event)
        debrief = dict(turn.ctx.get("debrief", {}))
        index = int(debrief.get("index", 0))
        turn.keep(
            DEBRIEF_KIND,
            content_id=f"q{index + 1}",
            text=str(event_arg(event, "text", "")),
            data={"debrief": debrief.get("id")},
        )
        debrief["answered"] = int(debrief.get("answered", 0)) + 1
        turn.ctx["debrief"] = debrief
        self._advance_debrief(turn)

    def skip_debrief_question(self, event: EventData) -> None:
        """Skip one debrief question."""
        self._advance_debrief(turn_of(event))

    def _advance_debrief(self, turn: Turn) -> None:
        debrief = dict(turn.ctx.get("debrief", {}))
        debrief["index"] = int(debrief.get("index", 0)) + 1
        turn.ctx["debrief"] = debrief
        if debrief["index"] < len(DEBRIEF_QUESTIONS):
            self.ask_debrief(turn)
            return
        parts = [turn.say("practice.debrief.thanks")]
        if debrief.get("answered") and not turn.keeps_words:
            parts.append(turn.say("practice.not_stored_note"))
        turn.reply("\n\n".join(parts), self._again_buttons(turn))
        turn.finish()


def rating_response(turn: Turn) -> str:
    """A line that fits the confidence just given (low, middle, high), never the same twice."""
    confidence = int(turn.ctx.get("confidence", 3))
    kind = "low" if confidence <= 2 else "high" if confidence >= 4 else "middle"
    memory = dict(turn.user.prefs.get(RATED_PREF, {}))
    variant = next_variant(memory, kind)
    turn.user.prefs[RATED_PREF] = memory
    return turn.say(f"practice.rated.{kind}_{variant}")


def analyzed_as_empty(text: str) -> bool:
    """True when the reply holds no words at all (only symbols or punctuation)."""
    return [f.observation for f in find_observations(text)] == [Observation.EMPTY]


# --- journal ----------------------------------------------------------------------------------


def _other_persons_words(scene: str) -> str:
    """The quoted line that ends a scene: what the other person said."""
    opening = scene.rfind('"', 0, len(scene) - 1)
    return scene[opening:] if opening >= 0 else scene


def render_practice_entry(content: Content, entry: EntryRecord) -> str:
    """A practice reply in the journal: where, what the other person said, what you wrote."""
    practice = practice_content(content)
    data = entry.data or {}
    try:
        scenario: Scenario | None = practice.scenario(entry.content_id or "")
    except KeyError:  # a scene removed from the library since
        scenario = None
    context = str(data.get("context") or (scenario.context if scenario else ""))
    label_key = f"practice.context.{context}"
    text = entry.text if entry.text is not None else content.text("journal.not_kept")
    return content.text(
        "practice.journal.reply",
        context=content.text(label_key) if content.has(label_key) else context,
        level=data.get("level", scenario.difficulty if scenario else ""),
        scene=_other_persons_words(scenario.scene) if scenario else "",
        text=text,
    )


def render_debrief_entry(content: Content, entry: EntryRecord) -> str:
    """A debrief answer in the journal: the question, then the answer."""
    key = f"practice.debrief.{entry.content_id}"
    question = content.text(key) if content.has(key) else ""
    text = entry.text if entry.text is not None else content.text("journal.not_kept")
    return content.text("practice.journal.debrief", question=question, text=text)


# --- registration -----------------------------------------------------------------------------


def cmd_practice(turn: Turn, args: str) -> None:
    """/practice [partner|friends|family|work|any|tried|safety]: start practising."""
    session = {}
    if turn.flow == PracticeFlow.name:
        session = {key: turn.ctx[key] for key in SESSION_KEYS if key in turn.ctx}
    turn.start(PracticeFlow.name, arg=args, session=session)


def register(engine: Engine) -> None:
    """Add boundary-setting practice: the flow, /practice, a menu entry, journal renderers."""
    engine.add_flow(PracticeFlow(engine.content))
    engine.add_command("practice", cmd_practice, "practice.command", order=30)
    engine.add_menu_item("practice.menu_label", "go:practice", order=30)
    engine.add_journal_renderer(ENTRY_KIND, render_practice_entry)
    engine.add_journal_renderer(DEBRIEF_KIND, render_debrief_entry)
