"""Boundary-setting practice: a scene, the person's reply, feedback on their own words, a ladder.

Before the first practice a short safety screen asks whether saying no is safe with the people
the person would practise with; relationships that are not safe are left out (or practice is
paused), the reason is given kindly, and help is offered. The answers live in the person's prefs
(and as an entry) and can be changed from /practice at any time.

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
from flows.turn import Turn

ENTRY_KIND = "practice"
RATING_KIND = "practice_rating"
DEBRIEF_KIND = "practice_debrief"
SAFETY_KIND = "practice_safety"

SAFETY_PREF = "practice_safety"  # {"feels_safe", "unsafe": [contexts], "hurt", "answered_at"}
LEVEL_PREF = "practice_level"  # the level the person chose (1-3)
DONE_PREF = "practice_done"  # scenario ids done, oldest first
RATINGS_PREF = "practice_ratings"  # [[level, confidence], ...], oldest first
# Enough history to rotate the 40-scene library many times; older items are dropped.
DONE_LIMIT = 200
RATINGS_LIMIT = 50

ANY_CONTEXT = "any"
DIMENSION_KEY = "dimension"  # ctx: practise scenes of one dimension (from a self-check)
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

FEELS_SAFE = ("yes", "some", "no")
HURT_ANSWERS = ("yes", "no", "skip")
# The resources shown when a relationship does not feel safe: those for abuse at home.
SAFETY_RESOURCE_KIND = "violence"


def practice_content(content: Content) -> PracticeContent:
    """The parsed practice.yaml."""
    return cast(PracticeContent, content.section("practice"))


# --- what is kept about the person ------------------------------------------------------------


def saved_safety(turn: Turn) -> dict[str, Any] | None:
    """The person's safety answers, or None before the first screen."""
    saved = turn.user.prefs.get(SAFETY_PREF)
    return dict(saved) if isinstance(saved, dict) else None


def excluded_contexts(turn: Turn) -> list[str]:
    """Relationships the person said are not safe to practise with, in the usual order."""
    saved = saved_safety(turn) or {}
    unsafe = set(saved.get("unsafe", []))
    return [context for context in CONTEXTS if context in unsafe]


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


def final_unsafe(feels_safe: str, picked: list[str], hurt: str) -> list[str]:
    """Which relationships to leave out, from the three safety answers.

    "Not with everyone" leaves out the ones picked; "no" leaves out all. Someone hurting or
    threatening the person while no relationship was named pauses all practice: we cannot
    know which relationship it is, and no practice is worth that risk.
    """
    if feels_safe == "no":
        unsafe = set(CONTEXTS)
    elif feels_safe == "some":
        unsafe = set(picked) & set(CONTEXTS)
    else:
        unsafe = set()
    if hurt == "yes" and not unsafe:
        unsafe = set(CONTEXTS)
    return [context for context in CONTEXTS if context in unsafe]


# --- texts built from several keys -----------------------------------------------------------


def context_label(turn: Turn, context: str) -> str:
    """The name of a relationship context as shown to the person."""
    return turn.say(f"practice.context.{context}")


def _joined_contexts(turn: Turn, contexts: list[str]) -> str:
    """Context names for a sentence: "partner, family"."""
    return ", ".join(context_label(turn, context).lower() for context in contexts)


def safety_resources(turn: Turn) -> str:
    """Where to get help, shared with the crisis reply when that content is installed."""
    safety = turn.content.sections.get("safety")
    if safety is not None and hasattr(safety, "resources_text"):
        return str(safety.resources_text(_country_hint(turn), SAFETY_RESOURCE_KIND))
    return turn.say("practice.safety.resources_fallback")


def _country_hint(turn: Turn) -> str | None:
    """A country code from the Telegram language tag ("en-GB" gives "GB"), if it has one."""
    _, _, region = (turn.user.language or "").replace("_", "-").partition("-")
    return region.upper() or None


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
            "conditions": "answered_some",
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
            "dest": "safety_q3",
            "conditions": "picked_any",
            "after": "ask_hurt",
        },
        {"trigger": "done", "source": "safety_q2", "dest": "safety_q2", "after": "ask_to_pick"},
        {
            "trigger": "none_safe",
            "source": "safety_q2",
            "dest": "safety_q3",
            "after": "note_none_safe",
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
        if saved_safety(turn) is None:
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
        else:
            super().on_button(turn, action, arg)

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
            [turn.link("practice.menu_label", "go:practice"), turn.link("common.menu", "go:menu")]
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
        turn.keep(
            RATING_KIND,
            content_id=turn.ctx.get("scenario"),
            data={"level": level, "confidence": confidence},
        )
        _append_pref(turn, RATINGS_PREF, [level, confidence], RATINGS_LIMIT)
        step = ladder_step(attempts(turn))
        if step is LadderStep.STAY:
            self.fire(turn, "rated")
        else:
            turn.ctx["offer"] = step.value
            self.fire(turn, "offer")

    # Conditions

    def answered_some(self, event: EventData) -> bool:
        """The person feels safe with some people, not all."""
        return event_arg(event, "arg") == "some"

    def picked_any(self, event: EventData) -> bool:
        """At least one relationship was marked unsafe."""
        return bool(turn_of(event).ctx.get("safety", {}).get("unsafe"))

    def pauses_everything(self, event: EventData) -> bool:
        """The answers leave no relationship open to practice."""
        turn = turn_of(event)
        answers = turn.ctx.get("safety", {})
        unsafe = final_unsafe(
            str(answers.get("feels_safe", "yes")),
            list(answers.get("unsafe", [])),
            str(event_arg(event, "arg", "no")),
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
        turn.ctx["safety"] = {"feels_safe": None, "unsafe": []}
        turn.reply(turn.say("practice.safety.intro"))
        self.ask_feeling(turn)

    def ask_feeling(self, turn: Turn) -> None:
        """Question 1: do you feel safe saying no?"""
        turn.reply(
            turn.say("practice.safety.q1"),
            [
                [turn.button("practice.safety.answer_yes", "feel", "yes")],
                [turn.button("practice.safety.answer_some", "feel", "some")],
                [turn.button("practice.safety.answer_no", "feel", "no")],
            ],
        )

    def note_feeling(self, event: EventData) -> None:
        """Remember the first answer and ask the next question."""
        turn = turn_of(event)
        answer = str(event_arg(event, "arg", ""))
        feels_safe = answer if answer in FEELS_SAFE else "yes"
        turn.ctx["safety"] = {"feels_safe": feels_safe, "unsafe": []}
        if turn.state == "safety_q2":
            self.ask_unsafe(turn)
        else:
            self.ask_hurt_question(turn)

    def ask_unsafe(self, turn: Turn) -> None:
        """Question 2: which relationships feel unsafe (tap to mark, then Done)."""
        picked = set(turn.ctx.get("safety", {}).get("unsafe", []))
        rows = []
        for context in CONTEXTS:
            label = context_label(turn, context)
            if context in picked:
                label = turn.say("practice.safety.picked", context=label)
            rows.append([turn.choice(label, "toggle", context)])
        rows.append([turn.button("practice.safety.done", "done")])
        rows.append([turn.button("practice.safety.answer_no", "none_safe")])
        turn.reply(turn.say("practice.safety.q2"), rows)

    def toggle_unsafe(self, event: EventData) -> None:
        """Mark or unmark one relationship as unsafe."""
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

    def note_none_safe(self, event: EventData) -> None:
        """No relationship feels safe to practise with."""
        turn = turn_of(event)
        turn.ctx["safety"] = {"feels_safe": "no", "unsafe": list(CONTEXTS)}
        self.ask_hurt_question(turn)

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

    def settle_safety(self, event: EventData) -> None:
        """Store the answers; say what that means for practice; offer help when it is needed."""
        turn = turn_of(event)
        answers = turn.ctx.pop("safety", {}) or {}
        hurt = str(event_arg(event, "arg", "no"))
        hurt = hurt if hurt in HURT_ANSWERS else "skip"
        feels_safe = str(answers.get("feels_safe") or "yes")
        unsafe = final_unsafe(feels_safe, list(answers.get("unsafe", [])), hurt)
        record = {
            "feels_safe": feels_safe,
            "unsafe": unsafe,
            "hurt": hurt,
            "answered_at": turn.now.isoformat(),
        }
        turn.user.prefs[SAFETY_PREF] = record
        turn.keep(SAFETY_KIND, data=record)
        if len(unsafe) == len(CONTEXTS):
            turn.reply(turn.say("practice.safety.unsafe"))
            turn.reply(safety_resources(turn), self._paused_buttons(turn))
            return
        if unsafe:
            turn.reply(
                turn.say("practice.safety.limited", contexts=_joined_contexts(turn, unsafe))
            )
            turn.reply(safety_resources(turn))
        else:
            turn.reply(turn.say("practice.safety.all_safe"))
            if hurt == "skip":  # unsaid is fine; help stays one look away
                turn.reply(safety_resources(turn))
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
    turn.start(PracticeFlow.name, arg=args)


def register(engine: Engine) -> None:
    """Add boundary-setting practice: the flow, /practice, a menu entry, journal renderers."""
    engine.add_flow(PracticeFlow(engine.content))
    engine.add_command("practice", cmd_practice, "practice.command", order=30)
    engine.add_menu_item("practice.menu_label", "go:practice", order=30)
    engine.add_journal_renderer(ENTRY_KIND, render_practice_entry)
    engine.add_journal_renderer(DEBRIEF_KIND, render_debrief_entry)
